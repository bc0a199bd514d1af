//! C10 minimum consecutive days off: every stretch of days off that lies between two working
//! days has at least `k` days (the Curtois & Qu `MinConsecutiveDaysOff`).
//!
//! Boundary semantics, shared with C3's minimum working stretch (`stretch.rs`): a stretch
//! touching the end of the horizon is never too short; one touching the start is judged only
//! when the locked context says what came before — if the employee worked the day before, the
//! stretch is judged as it is; if they were already off `days_off_streak` days, those days
//! count in it. A stretch of locked days off alone (the employee works on day 0) is not judged:
//! the locked days cannot change, as for C3.
//!
//! Encoding: for each first day `d` and length `l < k`,
//! `w[d−1] − Σ_{i=d}^{d+l−1} w[i] + w[d+l] ≤ 1`. Soft: penalty per short stretch.
//!
//! Heuristics: adding a working day can only split or shorten stretches of days off, so
//! `admits` refuses a placement that leaves a judged stretch shorter than `k` on either side.

use serde::Deserialize;

use super::stretch::{encode_min_stretch, is_short, min_run_face, stretches, Before, Edge};
use super::{EvalCtx, LabelFace, Mode, Rule, RuleId, Schedules, Violation};
use crate::domain::{Day, EmployeeIdx, Problem, ShiftIdx};
use crate::model::ModelIr;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Params {
    min_consecutive_days_off: u32,
}

/// C10 minimum consecutive days off.
#[derive(Clone, Debug)]
pub struct ConsecutiveDaysOff {
    mode: Mode,
    params: Params,
}

impl ConsecutiveDaysOff {
    /// From the resolved parameters.
    pub fn new(mode: Mode, params: &serde_json::Value) -> serde_json::Result<Self> {
        Ok(ConsecutiveDaysOff {
            mode,
            params: Params::deserialize(params)?,
        })
    }

    /// The minimum for `e` (contract first).
    pub fn min_days_off(&self, p: &Problem, e: EmployeeIdx) -> u32 {
        p.employees[e.ix()]
            .contract
            .min_consecutive_days_off
            .unwrap_or(self.params.min_consecutive_days_off)
    }

    fn edge(p: &Problem, e: EmployeeIdx) -> Edge {
        Before::of(p, e).edge(false)
    }
}

impl Rule for ConsecutiveDaysOff {
    fn id(&self) -> RuleId {
        RuleId::C10
    }
    fn mode(&self) -> Mode {
        self.mode
    }

    fn label_faces(&self, p: &Problem, e: EmployeeIdx) -> Option<Vec<LabelFace>> {
        if !self.mode.is_hard() {
            return None;
        }
        Some(vec![min_run_face(
            false,
            self.min_days_off(p, e),
            Self::edge(p, e),
        )])
    }

    fn encode_employee(&self, m: &mut ModelIr, e: EmployeeIdx) {
        let p = m.problem;
        let (k, edge) = (self.min_days_off(p, e), Self::edge(p, e));
        encode_min_stretch(m, RuleId::C10, e, k, false, edge, self.mode);
    }

    fn evaluate(&self, cx: &EvalCtx, out: &mut Vec<Violation>) {
        let p = cx.problem;
        let days = p.days();
        for ei in 0..p.employees.len() {
            let e = EmployeeIdx(ei as u32);
            let k = self.min_days_off(p, e);
            if k <= 1 {
                continue;
            }
            let edge = Self::edge(p, e);
            let works = |d| cx.schedules.works(e, d);
            for (start, len) in stretches(works, days, edge.prefix(), false) {
                if !is_short(start, len, days, k, edge) {
                    continue;
                }
                let shown: Vec<Day> = (start.max(0)..start + len as Day).collect();
                out.push(cx.violation(
                    RuleId::C10,
                    self.mode,
                    Some(e),
                    None,
                    &shown,
                    1.0,
                    format!(
                        "{} is off only {len} consecutive day{} (min {k}{})",
                        p.employees[ei].id,
                        if len == 1 { "" } else { "s" },
                        if start < 0 {
                            format!(", {} of them locked before the horizon", -start)
                        } else {
                            String::new()
                        }
                    ),
                ));
            }
        }
    }

    fn admits(&self, p: &Problem, s: &Schedules, e: EmployeeIdx, day: Day, _t: ShiftIdx) -> bool {
        let k = self.min_days_off(p, e);
        if k <= 1 || s.works(e, day) {
            return true; // no new working day
        }
        let days = p.days();
        let edge = Self::edge(p, e);
        // The stretch of days off that would end on day−1.
        let mut first = day;
        while first > 0 && !s.works(e, first - 1) {
            first -= 1;
        }
        if first < day {
            let locked = if first == 0 { edge.prefix() } else { 0 };
            let len = (day - first) as u32 + locked;
            let judged = first > 0 || edge != Edge::Unknown;
            if judged && len < k {
                return false;
            }
        }
        // The stretch of days off that would start on day+1.
        let mut last = day;
        while last + 1 < days && !s.works(e, last + 1) {
            last += 1;
        }
        // (Judged only when a working day closes it; one touching the end may go on.)
        !(last > day && last + 1 < days && ((last - day) as u32) < k)
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::{EmployeeIdx, FixedAssignment};
    use crate::testkit::{admits, rule_problem, verdict};
    use serde_json::json;

    fn problem(locked: Option<serde_json::Value>) -> crate::domain::Problem {
        let mut p = rule_problem(
            7,
            json!({"contract": {"minConsecutiveDaysOff": 2}}),
            json!([{"id": "C10"}]),
        );
        if let Some(l) = locked {
            let mut req = crate::testkit::request(1, 7, 1);
            req["lockedContext"] = json!({"employeeAssignments": [l]});
            let q = crate::input::request_from_value(&req).unwrap();
            p.locked.history = q.locked.history;
        }
        p
    }

    #[test]
    fn admits_refuses_short_breaks_on_either_side() {
        let p = problem(None);
        assert!(admits(&p, &[(0, "D")], 1, "D")); // no break
        assert!(!admits(&p, &[(0, "D")], 2, "D")); // 1-day break before
        assert!(admits(&p, &[(0, "D")], 3, "D"));
        assert!(!admits(&p, &[(3, "D")], 1, "D")); // 1-day break after
        assert!(admits(&p, &[(3, "D")], 0, "D"));
        // Touching the start with unknown history, or the end: never short.
        assert!(admits(&p, &[], 1, "D"));
        assert!(admits(&p, &[(0, "D")], 5, "D"));
    }

    #[test]
    fn admits_judges_the_start_from_the_locked_context() {
        // Worked the day before: a 1-day break on day 0 is short.
        let p = problem(Some(
            json!({"employeeId": "E0", "lastWorkDate": "2025-11-30"}),
        ));
        assert!(!admits(&p, &[], 1, "D"));
        assert!(admits(&p, &[], 0, "D"));
        // Already off 1 day: day 0 off completes the minimum.
        let p = problem(Some(json!({"employeeId": "E0", "consecutiveDaysOff": 1})));
        assert!(admits(&p, &[], 1, "D"));
    }

    /// A locked shift inside the horizon closes a break like a decided one.
    #[test]
    fn locked_shift_in_the_horizon_closes_a_break() {
        let mut p = problem(None);
        let d = p.shift_by_code("D").unwrap();
        p.locked.fixed.push(FixedAssignment {
            employee: EmployeeIdx(0),
            day: 2,
            shift: d,
            slot: None,
        });
        assert_eq!(verdict(&p, &[(0, "D")]), (false, 0.0));
        assert_eq!(verdict(&p, &[(1, "D")]), (true, 0.0));
        assert_eq!(verdict(&p, &[(5, "N"), (6, "D")]), (true, 0.0));
        assert_eq!(verdict(&p, &[(4, "N")]), (false, 0.0));
    }
}
