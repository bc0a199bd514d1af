//! C2 weekly-hours cap: minutes worked in each ISO week, plus the locked minutes of that
//! week (a week split by the horizon start or a cutoff), stay under the cap. Soft: penalty
//! per hour over.

use serde::Deserialize;

use super::label::minutes_weight;
use super::{EvalCtx, LabelFace, Mode, Rule, RuleId, Schedules, Violation};
use crate::domain::{Day, EmployeeIdx, Problem, ShiftIdx};
use crate::model::{Lin, ModelIr, RowTag};

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Params {
    max_hours_per_week: f64,
}

/// C2 weekly hours.
#[derive(Clone, Debug)]
pub struct WeeklyHours {
    mode: Mode,
    params: Params,
}

impl WeeklyHours {
    /// From the resolved parameters.
    pub fn new(mode: Mode, params: &serde_json::Value) -> serde_json::Result<Self> {
        Ok(WeeklyHours {
            mode,
            params: Params::deserialize(params)?,
        })
    }

    fn cap_minutes(&self, p: &Problem, e: EmployeeIdx) -> f64 {
        p.employees[e.ix()]
            .contract
            .max_weekly_minutes
            .map(f64::from)
            .unwrap_or(self.params.max_hours_per_week * 60.0)
    }

    fn locked(p: &Problem, e: EmployeeIdx, day: Day) -> f64 {
        let w = p.horizon.iso_week(day);
        f64::from(p.history(e).weekly_minutes.get(&w).copied().unwrap_or(0))
    }
}

impl Rule for WeeklyHours {
    fn id(&self) -> RuleId {
        RuleId::C2
    }
    fn mode(&self) -> Mode {
        self.mode
    }

    fn label_faces(&self, p: &Problem, e: EmployeeIdx) -> Option<Vec<LabelFace>> {
        if !self.mode.is_hard() {
            return None;
        }
        let cap = self.cap_minutes(p, e);
        p.horizon
            .weeks()
            .into_iter()
            .map(|(_, days)| {
                let locked = Self::locked(p, e, days[0]);
                LabelFace::budget(days, minutes_weight(p), locked, None, Some(cap))
            })
            .collect()
    }

    fn encode_employee(&self, m: &mut ModelIr, e: EmployeeIdx) {
        let p = m.problem;
        let cap = self.cap_minutes(p, e);
        for (_, days) in p.horizon.weeks() {
            let mut lin = Lin {
                constant: Self::locked(p, e, days[0]),
                ..Lin::default()
            };
            for &d in &days {
                lin.add(&m.minutes(e, d), 1.0);
            }
            let tag = RowTag::emp(RuleId::C2, e, Some(days[0]));
            m.constrain(tag, lin, f64::NEG_INFINITY, cap, self.mode, 1.0 / 60.0);
        }
    }

    fn evaluate(&self, cx: &EvalCtx, out: &mut Vec<Violation>) {
        let p = cx.problem;
        for ei in 0..p.employees.len() {
            let e = EmployeeIdx(ei as u32);
            let cap = self.cap_minutes(p, e);
            for (week, days) in p.horizon.weeks() {
                let worked: u32 = days.iter().map(|&d| cx.schedules.minutes(p, e, d)).sum();
                let total = f64::from(worked) + Self::locked(p, e, days[0]);
                if total > cap + 1e-9 {
                    let over_h = (total - cap) / 60.0;
                    out.push(cx.violation(
                        RuleId::C2,
                        self.mode,
                        Some(e),
                        None,
                        &days,
                        over_h,
                        format!(
                            "{} works {:.1} h in {week} (cap {:.1} h, locked {:.1} h)",
                            p.employees[ei].id,
                            total / 60.0,
                            cap / 60.0,
                            Self::locked(p, e, days[0]) / 60.0
                        ),
                    ));
                }
            }
        }
    }

    fn refusal_is_final(&self) -> bool {
        true // more work never undoes a refusal
    }
    fn admits(
        &self,
        p: &Problem,
        s: &Schedules,
        e: EmployeeIdx,
        day: Day,
        shift: ShiftIdx,
    ) -> bool {
        let in_week: u32 = p.horizon.week_range(day).map(|d| s.minutes(p, e, d)).sum();
        let total = f64::from(in_week + p.shift_types[shift.ix()].duration_minutes)
            + Self::locked(p, e, day);
        total <= self.cap_minutes(p, e) + 1e-9
    }
}
