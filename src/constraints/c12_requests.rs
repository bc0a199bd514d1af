//! C12 shift-on / shift-off requests (the Curtois & Qu `ShiftOnRequests`/`ShiftOffRequests`).
//!
//! An on-request with a shift is unmet when the employee does not work that shift that day;
//! without a shift, when they do not work that day. An off-request with a shift is unmet when
//! they work that shift that day; without one, when they work at all that day. Soft (the
//! default): each unmet request costs its own weight × the rule weight (default 1), so the
//! rule weight scales every request at once; requests of weight 0 are ignored. Hard: every
//! request must be met — an off-request removes the pairs it forbids (variable filter), an
//! on-request is a row.
//!
//! Encoding without slacks, so the decomposition's column costs stay plain sums: an off-request
//! costs `weight · x` on each column it forbids; an on-request costs `weight · (1 − Σ x)`, a
//! constant in the objective ([`ModelIr::add_objective_constant`]) minus `weight` on each column
//! that meets it. Both rely on at most one such column being worked: true for a shift on a day
//! (one person fills one slot of a shift), and for a whole day when one shift per day (C5) is
//! hard. Otherwise a whole-day request uses a slack row (on) or an auxiliary "works that day"
//! column (off), so that two shifts on one day count once, as the checker counts them.

use serde::Deserialize;

use super::{EvalCtx, LabelFace, Mode, Rule, RuleId, Schedules, Violation};
use crate::domain::{Day, EmployeeIdx, Problem, ShiftIdx, ShiftRequest, SlotIdx};
use crate::model::{Lin, ModelIr, RowTag};

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {}

/// C12 shift-on / shift-off requests.
#[derive(Clone, Debug)]
pub struct Requests {
    mode: Mode,
}

impl Requests {
    /// From the resolved parameters (none).
    pub fn new(mode: Mode, params: &serde_json::Value) -> serde_json::Result<Self> {
        Params::deserialize(params)?;
        Ok(Requests { mode })
    }

    /// The requests of `e` that count (weight > 0): its own (`false`), then the off-requests
    /// its rotation makes (`true`, see [`crate::domain::Rotation`]).
    fn requests(p: &Problem, e: EmployeeIdx) -> Vec<(ShiftRequest, bool)> {
        p.employees[e.ix()]
            .requests
            .iter()
            .filter(|r| r.weight > 0.0)
            .map(|r| (r.clone(), false))
            .chain(p.rotation_requests(e).into_iter().map(|r| (r, true)))
            .collect()
    }

    /// Whether an off-request of `e` (its own or its rotation's) forbids `shift` on `day`.
    fn forbidden(p: &Problem, e: EmployeeIdx, day: Day, shift: ShiftIdx) -> bool {
        let own = p.employees[e.ix()]
            .requests
            .iter()
            .filter(|r| r.weight > 0.0)
            .any(|r| Self::forbids(r, day, shift));
        let rotation = p.employees[e.ix()]
            .rotation
            .as_ref()
            .is_some_and(|r| r.weight > 0.0)
            && match p.rotation_on(e, day) {
                Some(Some(t)) => t != shift,
                Some(None) => true,
                None => false,
            };
        own || rotation
    }

    /// 1 when the request's subject is worked: that shift, or any shift, that day.
    fn subject(m: &ModelIr, e: EmployeeIdx, r: &ShiftRequest) -> Lin {
        match r.shift {
            Some(t) => m.shift(e, r.day, t),
            None => m.work(e, r.day),
        }
    }

    /// Whether the request is met by a schedule.
    fn met(s: &Schedules, e: EmployeeIdx, r: &ShiftRequest) -> bool {
        let worked = match r.shift {
            Some(t) => s.on(e, r.day).contains(&t),
            None => s.works(e, r.day),
        };
        worked == r.on
    }

    /// Whether an off-request forbids `shift` on `day`.
    fn forbids(r: &ShiftRequest, day: Day, shift: ShiftIdx) -> bool {
        !r.on && r.day == day && r.shift.is_none_or(|t| t == shift)
    }

    fn encode_soft(m: &mut ModelIr, e: EmployeeIdx, r: &ShiftRequest, weight: f64) {
        let lin = Self::subject(m, e, r);
        // At most one column of the subject can be worked (see the module docs).
        let at_most_one =
            r.shift.is_some() || m.problem.rules.is_hard(RuleId::C5) || lin.terms.len() <= 1;
        let tag = RowTag::emp(RuleId::C12, e, Some(r.day));
        match (r.on, at_most_one) {
            (true, true) => {
                // weight · (1 − lin)
                m.add_objective_constant(weight * (1.0 - lin.constant.min(1.0)));
                if lin.constant == 0.0 {
                    for &(c, _) in &lin.terms {
                        m.add_cost(c, -weight);
                    }
                }
            }
            (true, false) => {
                m.constrain(tag, lin, 1.0, f64::INFINITY, Mode::Soft { weight }, 1.0);
            }
            (false, _) if lin.constant > 0.0 => m.add_objective_constant(weight),
            (false, true) => {
                for &(c, _) in &lin.terms {
                    m.add_cost(c, weight);
                }
            }
            (false, false) => {
                let u = m.add_aux(tag, 0.0, 1.0);
                for &(c, _) in &lin.terms {
                    m.at_least(
                        tag,
                        Lin {
                            terms: vec![(c, 1.0)],
                            constant: 0.0,
                        },
                        u,
                    );
                }
                m.add_cost(u, weight);
            }
        }
    }
}

impl Rule for Requests {
    fn id(&self) -> RuleId {
        RuleId::C12
    }
    fn mode(&self) -> Mode {
        self.mode
    }

    fn label_faces(&self, p: &Problem, _e: EmployeeIdx) -> Option<Vec<LabelFace>> {
        // Soft with one shift a day: costs on the columns and a constant (`encode_soft`).
        (!self.mode.is_hard() && p.rules.is_hard(RuleId::C5)).then(Vec::new)
    }

    fn allows(&self, p: &Problem, e: EmployeeIdx, s: SlotIdx) -> bool {
        if !self.mode.is_hard() {
            return true;
        }
        let slot = &p.slots[s.ix()];
        !Self::forbidden(p, e, slot.day, slot.shift)
    }

    fn encode_employee(&self, m: &mut ModelIr, e: EmployeeIdx) {
        let p = m.problem;
        for (r, _) in &Self::requests(p, e) {
            match self.mode {
                Mode::Soft { weight } => Self::encode_soft(m, e, r, weight * r.weight),
                Mode::Hard => {
                    // Off: the filter removed the columns; the row catches locked shifts.
                    let lin = Self::subject(m, e, r);
                    let (lo, hi) = if r.on {
                        (1.0, f64::INFINITY)
                    } else {
                        (f64::NEG_INFINITY, 0.0)
                    };
                    let tag = RowTag::emp(RuleId::C12, e, Some(r.day));
                    m.constrain(tag, lin, lo, hi, Mode::Hard, 1.0);
                }
            }
        }
    }

    fn evaluate(&self, cx: &EvalCtx, out: &mut Vec<Violation>) {
        let p = cx.problem;
        for ei in 0..p.employees.len() {
            let e = EmployeeIdx(ei as u32);
            for (r, rotation) in &Self::requests(p, e) {
                if Self::met(cx.schedules, e, r) {
                    continue;
                }
                let what = match r.shift {
                    Some(t) => format!("shift {}", p.shift_types[t.ix()].code),
                    None => "any shift".to_string(),
                };
                let (asked, kind) = if r.on {
                    ("asked to work", "on")
                } else if *rotation {
                    ("has a rotation that rules out", "rotation")
                } else {
                    ("asked not to work", "off")
                };
                out.push(Violation {
                    aspect: kind,
                    ..cx.violation(
                        RuleId::C12,
                        self.mode,
                        Some(e),
                        None,
                        &[r.day],
                        r.weight,
                        format!(
                            "{} {asked} {what} on {} (weight {})",
                            p.employees[ei].id,
                            cx.date(r.day),
                            r.weight
                        ),
                    )
                });
            }
        }
    }

    fn refusal_is_final(&self) -> bool {
        true // more work never undoes a refusal
    }
    fn admits(&self, p: &Problem, _s: &Schedules, e: EmployeeIdx, day: Day, t: ShiftIdx) -> bool {
        !Self::forbidden(p, e, day, t)
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::{EmployeeIdx, FixedAssignment, SlotIdx};
    use crate::testkit::{admits, rule_problem, verdict};
    use serde_json::json;

    fn lock(p: &mut crate::domain::Problem, day: i32, code: &str) {
        let shift = p.shift_by_code(code).unwrap();
        p.locked.fixed.push(FixedAssignment {
            employee: EmployeeIdx(0),
            day,
            shift,
            slot: None,
        });
    }

    #[test]
    fn hard_off_requests_filter_pairs_and_refuse_placements() {
        let p = rule_problem(
            3,
            json!({"requests": [{"date": "2025-12-02", "type": "OFF", "shiftCode": "N"}]}),
            json!([{"id": "C12", "hard": true}]),
        );
        let e = EmployeeIdx(0);
        let allowed: Vec<bool> = (0..p.slots.len() as u32)
            .map(|s| p.rules.allows(&p, e, SlotIdx(s)))
            .collect();
        assert_eq!(allowed.iter().filter(|a| !**a).count(), 1);
        assert!(!admits(&p, &[], 1, "N"));
        assert!(admits(&p, &[], 1, "D"));
    }

    /// A locked shift meets or breaks a request like a decided one: a hard off-request broken
    /// by it makes the model infeasible (a broken constant row), a soft on-request met by it
    /// costs nothing (the objective constant is not charged).
    #[test]
    fn locked_shifts_meet_or_break_requests() {
        let mut p = rule_problem(
            3,
            json!({"requests": [{"date": "2025-12-01", "type": "OFF"}]}),
            json!([{"id": "C12", "hard": true}, {"id": "C5"}]),
        );
        lock(&mut p, 0, "D");
        assert_eq!(verdict(&p, &[]), (false, 0.0));

        let mut p = rule_problem(
            3,
            json!({"requests": [
                {"date": "2025-12-02", "type": "ON", "shiftCode": "N", "weight": 4},
                {"date": "2025-12-03", "type": "ON", "weight": 2}
            ]}),
            json!([{"id": "C12"}, {"id": "C5"}]),
        );
        lock(&mut p, 1, "N");
        assert_eq!(verdict(&p, &[]), (true, 2.0));
        assert_eq!(verdict(&p, &[(2, "D")]), (true, 0.0));
    }
}
