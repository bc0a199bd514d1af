//! C3 consecutive working days: at most `max` in a row (every window of max+1 days has a day
//! off, the first windows counting the streak that runs into the horizon) and, when `min` > 1,
//! no working stretch shorter than `min`.
//!
//! Boundary semantics (those of the Curtois & Qu benchmark): a stretch that touches the end
//! of the horizon is never too short (it may go on), and neither is one touching the start
//! when nothing is known about the days before. With a locked history, a stretch running into
//! the horizon counts its locked days. Soft: penalty per excess window (max) and per short
//! stretch (min). Rows count worked days ([`ModelIr::day_worked`]), not shifts, so they stay
//! right when one shift per day (C5) is soft or off.

use serde::Deserialize;

use super::stretch::{encode_min_stretch, is_short, min_run_face, stretches, Before};
use super::{EvalCtx, LabelFace, Mode, Rule, RuleId, Schedules, Violation};
use crate::domain::{Day, EmployeeIdx, Problem, ShiftIdx};
use crate::model::{Lin, ModelIr, RowTag};

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Params {
    max_consecutive_days: u32,
    min_consecutive_days: u32,
}

/// C3 consecutive days.
#[derive(Clone, Debug)]
pub struct ConsecutiveDays {
    mode: Mode,
    params: Params,
}

impl ConsecutiveDays {
    /// From the resolved parameters.
    pub fn new(mode: Mode, params: &serde_json::Value) -> serde_json::Result<Self> {
        Ok(ConsecutiveDays {
            mode,
            params: Params::deserialize(params)?,
        })
    }

    fn max_days(&self, p: &Problem, e: EmployeeIdx) -> u32 {
        p.employees[e.ix()]
            .contract
            .max_consecutive_days
            .unwrap_or(self.params.max_consecutive_days)
    }

    fn min_days(&self, p: &Problem, e: EmployeeIdx) -> u32 {
        p.employees[e.ix()]
            .contract
            .min_consecutive_days
            .unwrap_or(self.params.min_consecutive_days)
    }
}

impl Rule for ConsecutiveDays {
    fn id(&self) -> RuleId {
        RuleId::C3
    }
    fn mode(&self) -> Mode {
        self.mode
    }

    fn label_faces(&self, p: &Problem, e: EmployeeIdx) -> Option<Vec<LabelFace>> {
        if !self.mode.is_hard() {
            return None;
        }
        let edge = Before::of(p, e).edge(true);
        Some(vec![
            LabelFace::MaxRun {
                max: self.max_days(p, e),
                prefix: p.history(e).streak_days,
            },
            min_run_face(true, self.min_days(p, e), edge),
        ])
    }

    fn encode_employee(&self, m: &mut ModelIr, e: EmployeeIdx) {
        let p = m.problem;
        let days = p.days();
        let k = self.max_days(p, e) as Day;
        let streak = p.history(e).streak_days as Day;
        // Max: windows [d, d+k] inside the horizon.
        for d in 0..=(days - k - 1) {
            let mut lin = Lin::default();
            for i in d..=d + k {
                lin.add(&m.day_worked(e, i), 1.0);
            }
            let tag = RowTag::emp(RuleId::C3, e, Some(d));
            m.constrain(tag, lin, f64::NEG_INFINITY, k as f64, self.mode, 1.0);
        }
        // Max: windows starting j days before the horizon, within the locked streak.
        for j in 1..=streak.min(k) {
            let mut lin = Lin {
                constant: j as f64,
                ..Lin::default()
            };
            for i in 0..=(k - j).min(days - 1) {
                lin.add(&m.day_worked(e, i), 1.0);
            }
            let tag = RowTag::emp(RuleId::C3, e, Some(-j));
            m.constrain(tag, lin, f64::NEG_INFINITY, k as f64, self.mode, 1.0);
        }
        // Min: forbid each short working stretch (shared with C10's days off).
        let edge = Before::of(p, e).edge(true);
        encode_min_stretch(m, RuleId::C3, e, self.min_days(p, e), true, edge, self.mode);
    }

    fn evaluate(&self, cx: &EvalCtx, out: &mut Vec<Violation>) {
        let p = cx.problem;
        let days = p.days();
        for ei in 0..p.employees.len() {
            let e = EmployeeIdx(ei as u32);
            let k = self.max_days(p, e);
            let min = self.min_days(p, e);
            let edge = Before::of(p, e).edge(true);
            for (start, len) in stretches(|d| cx.schedules.works(e, d), days, edge.prefix(), true) {
                let end = start + len as Day; // exclusive
                if end <= 0 {
                    continue; // entirely locked history
                }
                let in_horizon = (end - start.max(0)) as u32;
                if len > k {
                    let excess = (len - k).min(in_horizon);
                    let shown: Vec<Day> = (start.max(0)..end).collect();
                    out.push(cx.violation(
                        RuleId::C3,
                        self.mode,
                        Some(e),
                        None,
                        &shown,
                        f64::from(excess),
                        format!(
                            "{} works {len} consecutive days (max {k}{})",
                            p.employees[ei].id,
                            if start < 0 {
                                format!(", {} of them locked before the horizon", -start)
                            } else {
                                String::new()
                            }
                        ),
                    ));
                }
                if is_short(start, len, days, min, edge) {
                    let shown: Vec<Day> = (start.max(0)..end).collect();
                    out.push(cx.violation(
                        RuleId::C3,
                        self.mode,
                        Some(e),
                        None,
                        &shown,
                        1.0,
                        format!(
                            "{} works a stretch of {len} days (min {min})",
                            p.employees[ei].id
                        ),
                    ));
                }
            }
        }
    }

    fn refusal_is_final(&self) -> bool {
        true // more work never undoes a refusal
    }
    fn admits(&self, p: &Problem, s: &Schedules, e: EmployeeIdx, day: Day, _t: ShiftIdx) -> bool {
        if s.works(e, day) {
            return true; // no new working day
        }
        let k = self.max_days(p, e);
        let mut back = 0u32;
        let mut d = day - 1;
        while d >= 0 && s.works(e, d) {
            back += 1;
            d -= 1;
        }
        if d < 0 {
            back += p.history(e).streak_days;
        }
        let mut fwd = 0u32;
        let mut d = day + 1;
        while d < p.days() && s.works(e, d) {
            fwd += 1;
            d += 1;
        }
        back + 1 + fwd <= k
    }
}
