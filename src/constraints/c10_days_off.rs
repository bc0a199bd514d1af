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

use super::stretch::{encode_min_stretch, is_short, stretches, Before, Edge};
use super::{EvalCtx, Mode, Rule, RuleId, Schedules, Violation};
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
