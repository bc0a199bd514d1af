//! C11 maximum working weekends: a weekend (Saturday + Sunday, [`Horizon::weekends`]) is
//! worked when the employee works any shift on either day; worked weekends in the horizon plus
//! `history.weekends_worked` stay at or under the limit (the Curtois & Qu `MaxWeekends`). A
//! weekend cut by the horizon edge counts with the days inside; `history.weekends_worked`
//! counts weekends before the horizon only. A weekend split by the horizon start (day 0 is a
//! Sunday) whose Saturday was worked — the locked streak runs into the horizon — is a worked
//! weekend of the horizon, not of `history.weekends_worked` (so an incremental re-solve from a
//! Sunday counts it once). Soft: penalty per extra weekend.
//!
//! Encoding: one continuous `y[e,w] ∈ [0,1]` per weekend with `y ≥` the work of each day (of
//! each column when one-shift-per-day is not hard, since a day's work may then exceed 1), and
//! `Σ y + history ≤ max`. `y` needs no integrality: nothing rewards a larger `y`, so whatever
//! the mode it settles at `max(work)` wherever that changes the objective, and a larger value
//! never makes an infeasible roster look feasible (hard) or cheaper (soft). A weekend with a
//! locked shift is a constant 1, and one with a single column uses that column directly.
//!
//! [`Horizon::weekends`]: crate::domain::Horizon::weekends

use chrono::Datelike;
use serde::Deserialize;

use super::{EvalCtx, LabelFace, Mode, Rule, RuleId, Schedules, Violation};
use crate::domain::{Day, EmployeeIdx, Problem, ShiftIdx};
use crate::model::{Lin, ModelIr, RowTag};

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Params {
    #[serde(default)]
    max_weekends: Option<u32>,
}

/// C11 maximum working weekends.
#[derive(Clone, Debug)]
pub struct Weekends {
    mode: Mode,
    params: Params,
}

impl Weekends {
    /// From the resolved parameters.
    pub fn new(mode: Mode, params: &serde_json::Value) -> serde_json::Result<Self> {
        Ok(Weekends {
            mode,
            params: Params::deserialize(params)?,
        })
    }

    fn limit(&self, p: &Problem, e: EmployeeIdx) -> Option<u32> {
        p.employees[e.ix()]
            .contract
            .max_weekends
            .or(self.params.max_weekends)
    }

    /// Whether the horizon starts on a Sunday whose Saturday `e` worked (locked streak).
    fn locked_saturday(p: &Problem, e: EmployeeIdx) -> bool {
        p.horizon.start.weekday() == chrono::Weekday::Sun && p.history(e).streak_days > 0
    }

    /// Whether `e` works the weekend `days` (its locked Saturday before day 0 included).
    fn works_weekend(p: &Problem, s: &Schedules, e: EmployeeIdx, days: &[Day]) -> bool {
        Self::works_days(p, s, e, days[0], days.iter().copied())
    }

    /// Whether `e` works one of the weekend's `days`, the first of which is `first` (a
    /// weekend that starts the horizon on its Sunday counts a locked Saturday before it).
    fn works_days(
        p: &Problem,
        s: &Schedules,
        e: EmployeeIdx,
        first: Day,
        mut days: impl Iterator<Item = Day>,
    ) -> bool {
        days.any(|d| s.works(e, d)) || (first == 0 && Self::locked_saturday(p, e))
    }

    /// Weekends of the horizon `e` works in (as their horizon days).
    fn worked(p: &Problem, s: &Schedules, e: EmployeeIdx) -> Vec<Vec<Day>> {
        p.horizon
            .weekend_days()
            .into_iter()
            .filter(|days| Self::works_weekend(p, s, e, days))
            .collect()
    }

    /// `1` when `e` works weekend `days`, as a linear expression (auxiliary column if needed).
    fn weekend_worked(m: &mut ModelIr, e: EmployeeIdx, days: &[Day]) -> Lin {
        if days.iter().any(|&d| !m.fixed(e, d).is_empty())
            || (days[0] == 0 && Self::locked_saturday(m.problem, e))
        {
            return Lin {
                terms: Vec::new(),
                constant: 1.0,
            };
        }
        let cols: Vec<_> = days
            .iter()
            .flat_map(|&d| m.day_vars(e, d).iter().map(|v| v.col))
            .collect();
        if cols.len() <= 1 {
            return Lin {
                terms: cols.into_iter().map(|c| (c, 1.0)).collect(),
                constant: 0.0,
            };
        }
        let tag = RowTag::emp(RuleId::C11, e, Some(days[0]));
        let y = m.add_aux(tag, 0.0, 1.0);
        if m.problem.rules.is_hard(RuleId::C5) {
            for &d in days {
                let work = m.work(e, d);
                if !work.is_constant() {
                    m.at_least(tag, work, y);
                }
            }
        } else {
            for c in cols {
                m.at_least(
                    tag,
                    Lin {
                        terms: vec![(c, 1.0)],
                        constant: 0.0,
                    },
                    y,
                );
            }
        }
        Lin {
            terms: vec![(y, 1.0)],
            constant: 0.0,
        }
    }
}

impl Rule for Weekends {
    fn id(&self) -> RuleId {
        RuleId::C11
    }
    fn mode(&self) -> Mode {
        self.mode
    }

    fn label_faces(&self, p: &Problem, e: EmployeeIdx) -> Option<Vec<LabelFace>> {
        if !self.mode.is_hard() {
            return None;
        }
        let Some(max) = self.limit(p, e) else {
            return Some(Vec::new());
        };
        let mut constant = p.history(e).weekends_worked;
        let mut groups = Vec::new();
        for (_, days) in p.horizon.weekends() {
            // A weekend whose Saturday was locked before the horizon is worked already.
            if days[0] == 0 && Self::locked_saturday(p, e) {
                constant += 1;
            } else {
                groups.push(days);
            }
        }
        Some(vec![LabelFace::Groups {
            groups,
            constant,
            max,
        }])
    }

    fn encode_employee(&self, m: &mut ModelIr, e: EmployeeIdx) {
        let p = m.problem;
        let Some(max) = self.limit(p, e) else {
            return;
        };
        let mut lin = Lin {
            constant: f64::from(p.history(e).weekends_worked),
            ..Lin::default()
        };
        for (_, days) in p.horizon.weekends() {
            let w = Self::weekend_worked(m, e, &days);
            lin.add(&w, 1.0);
        }
        let tag = RowTag::emp(RuleId::C11, e, None);
        m.constrain(tag, lin, f64::NEG_INFINITY, f64::from(max), self.mode, 1.0);
    }

    fn evaluate(&self, cx: &EvalCtx, out: &mut Vec<Violation>) {
        let p = cx.problem;
        for ei in 0..p.employees.len() {
            let e = EmployeeIdx(ei as u32);
            let Some(max) = self.limit(p, e) else {
                continue;
            };
            let worked = Self::worked(p, cx.schedules, e);
            let before = p.history(e).weekends_worked;
            let n = worked.len() as u32 + before;
            if n > max {
                let days: Vec<Day> = worked.concat();
                out.push(cx.violation(
                    RuleId::C11,
                    self.mode,
                    Some(e),
                    None,
                    &days,
                    f64::from(n - max),
                    format!(
                        "{} works {n} weekends (max {max}, {before} before the horizon)",
                        p.employees[ei].id
                    ),
                ));
            }
        }
    }

    fn refusal_is_final(&self) -> bool {
        true // more work never undoes a refusal
    }
    fn admits(&self, p: &Problem, s: &Schedules, e: EmployeeIdx, day: Day, _t: ShiftIdx) -> bool {
        let Some(max) = self.limit(p, e) else {
            return true;
        };
        // Called for every candidate shift by the heuristics: weekday arithmetic only, no
        // calendar look-ups or allocations (Curtois Instance24 has 52 weekends × 150 people).
        let Some(weekend) = p.horizon.weekend_index(day) else {
            return true;
        };
        let h = &p.horizon;
        let works = |i: usize| {
            let days = h.weekend(i);
            Self::works_days(p, s, e, days.start, days)
        };
        if works(weekend) {
            return true; // already a worked weekend
        }
        let worked = (0..h.weekend_count()).filter(|&i| works(i)).count() as u32;
        worked + p.history(e).weekends_worked < max
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::{EmployeeIdx, FixedAssignment};
    use crate::testkit::{admits, rule_problem, verdict};
    use serde_json::json;

    // Monday 2025-12-01 + 14 days: weekends are days 5–6 and 12–13.

    #[test]
    fn admits_counts_weekends_not_days() {
        let mut p = rule_problem(
            14,
            json!({"contract": {"maxWeekends": 1}}),
            json!([{"id": "C11"}]),
        );
        assert!(admits(&p, &[(5, "D")], 6, "N")); // same weekend
        assert!(!admits(&p, &[(5, "D")], 12, "D"));
        assert!(admits(&p, &[(5, "D")], 2, "D")); // a weekday
        p.locked.history[0].weekends_worked = 1;
        assert!(!admits(&p, &[], 6, "D"));
        assert!(admits(&p, &[], 4, "D"));
    }

    #[test]
    fn locked_weekend_shift_counts_once() {
        let mut p = rule_problem(
            14,
            json!({"contract": {"maxWeekends": 1}}),
            json!([{"id": "C11"}]),
        );
        let d = p.shift_by_code("D").unwrap();
        p.locked.fixed.push(FixedAssignment {
            employee: EmployeeIdx(0),
            day: 5,
            shift: d,
            slot: None,
        });
        assert_eq!(verdict(&p, &[(6, "N")]), (true, 0.0));
        assert_eq!(verdict(&p, &[(13, "N")]), (false, 0.0));
    }

    /// Issue 4: a horizon starting on a Sunday whose Saturday was worked (locked streak) has
    /// that weekend worked already: working the Sunday adds none, the next weekend is one too
    /// many with a limit of 1.
    #[test]
    fn weekend_split_by_the_horizon_start_counts_its_locked_saturday() {
        let mut req = crate::testkit::request(1, 8, 1);
        req["planningHorizon"] = json!({"startDate": "2025-12-07", "endDate": "2025-12-14"});
        req["employees"][0]["contract"] = json!({"maxWeekends": 1});
        let list: Vec<serde_json::Value> = crate::constraints::RuleId::ALL
            .iter()
            .map(|id| match id.as_str() {
                "C11" => json!({"id": "C11"}),
                other => json!({"id": other, "enabled": false}),
            })
            .collect();
        req["constraintList"] = json!(list);
        req["solverConfig"]["affinityWeight"] = json!(0);
        req["lockedContext"] = json!({"employeeAssignments": [
            {"employeeId": "E0", "consecutiveWorkingDays": 1}
        ]});
        let p = crate::input::request_from_value(&req).expect("valid");
        // Sunday 7th (day 0) is in the locked Saturday's weekend; Saturday 13th is another.
        assert_eq!(verdict(&p, &[(0, "D")]), (true, 0.0));
        assert_eq!(verdict(&p, &[(6, "D")]), (false, 0.0));
        assert!(admits(&p, &[], 0, "D"));
        assert!(!admits(&p, &[], 6, "D"));
    }
}
