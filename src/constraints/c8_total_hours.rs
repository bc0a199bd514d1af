//! C8 hours over the horizon and per calendar month: minutes worked in the horizon plus the
//! locked minutes that count towards it (`history.horizon_minutes`) stay within
//! `[min, max]`, and minutes worked in each calendar month plus that month's locked minutes
//! stay at or under the monthly cap. Contract values override the parameters; an employee
//! with no limit from either is not constrained.
//!
//! These are the Curtois & Qu `MinTotalMinutes`/`MaxTotalMinutes`, which are hard there: the
//! minimum is a real hard row (not a soft target), so a roster that leaves someone short is
//! infeasible. Soft: penalty per hour over (aspect `max`) or short (aspect `min`). The
//! construction heuristics respect the maxima (`admits`); minima are left to the MILP.

use serde::Deserialize;

use super::label::minutes_weight;
use super::{EvalCtx, LabelFace, Mode, Rule, RuleId, Schedules, Violation};
use crate::domain::{Day, EmployeeIdx, Problem, ShiftIdx};
use crate::model::{Lin, ModelIr, RowTag};

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Params {
    #[serde(default)]
    max_total_hours: Option<f64>,
    #[serde(default)]
    min_total_hours: Option<f64>,
    #[serde(default)]
    max_monthly_hours: Option<f64>,
}

/// C8 hours over the horizon and per month.
#[derive(Clone, Debug)]
pub struct TotalHours {
    mode: Mode,
    params: Params,
}

/// Minutes per hour, for the soft unit.
const HOUR: f64 = 60.0;

impl TotalHours {
    /// From the resolved parameters.
    pub fn new(mode: Mode, params: &serde_json::Value) -> serde_json::Result<Self> {
        Ok(TotalHours {
            mode,
            params: Params::deserialize(params)?,
        })
    }

    fn max_total(&self, p: &Problem, e: EmployeeIdx) -> Option<f64> {
        let c = &p.employees[e.ix()].contract;
        c.max_total_minutes
            .map(f64::from)
            .or(self.params.max_total_hours.map(|h| h * HOUR))
    }

    fn min_total(&self, p: &Problem, e: EmployeeIdx) -> Option<f64> {
        let c = &p.employees[e.ix()].contract;
        c.min_total_minutes
            .map(f64::from)
            .or(self.params.min_total_hours.map(|h| h * HOUR))
    }

    fn max_monthly(&self, p: &Problem, e: EmployeeIdx) -> Option<f64> {
        let c = &p.employees[e.ix()].contract;
        c.max_monthly_minutes
            .map(f64::from)
            .or(self.params.max_monthly_hours.map(|h| h * HOUR))
    }

    fn locked_total(p: &Problem, e: EmployeeIdx) -> f64 {
        f64::from(p.history(e).horizon_minutes)
    }

    fn locked_month(p: &Problem, e: EmployeeIdx, month: (i32, u32)) -> f64 {
        f64::from(
            p.history(e)
                .monthly_minutes
                .get(&month)
                .copied()
                .unwrap_or(0),
        )
    }

    fn worked(s: &Schedules, p: &Problem, e: EmployeeIdx, days: impl Iterator<Item = Day>) -> f64 {
        f64::from(days.map(|d| s.minutes(p, e, d)).sum::<u32>())
    }
}

impl Rule for TotalHours {
    fn id(&self) -> RuleId {
        RuleId::C8
    }
    fn mode(&self) -> Mode {
        self.mode
    }

    fn label_faces(&self, p: &Problem, e: EmployeeIdx) -> Option<Vec<LabelFace>> {
        if !self.mode.is_hard() {
            return None;
        }
        let mut faces = Vec::new();
        let (max, min) = (self.max_total(p, e), self.min_total(p, e));
        if max.is_some() || min.is_some() {
            let days = (0..p.days()).collect();
            let locked = Self::locked_total(p, e);
            faces.push(LabelFace::budget(
                days,
                minutes_weight(p),
                locked,
                min,
                max,
            )?);
        }
        if let Some(cap) = self.max_monthly(p, e) {
            for (month, days) in p.horizon.months() {
                let locked = Self::locked_month(p, e, month);
                faces.push(LabelFace::budget(
                    days,
                    minutes_weight(p),
                    locked,
                    None,
                    Some(cap),
                )?);
            }
        }
        Some(faces)
    }

    fn encode_employee(&self, m: &mut ModelIr, e: EmployeeIdx) {
        let p = m.problem;
        let (max, min) = (self.max_total(p, e), self.min_total(p, e));
        if max.is_some() || min.is_some() {
            let mut lin = Lin {
                constant: Self::locked_total(p, e),
                ..Lin::default()
            };
            for d in 0..p.days() {
                lin.add(&m.minutes(e, d), 1.0);
            }
            let tag = RowTag::emp(RuleId::C8, e, None);
            if let Some(max) = max {
                m.constrain(
                    tag,
                    lin.clone(),
                    f64::NEG_INFINITY,
                    max,
                    self.mode,
                    1.0 / HOUR,
                );
            }
            if let Some(min) = min {
                m.constrain(tag, lin, min, f64::INFINITY, self.mode, 1.0 / HOUR);
            }
        }
        if let Some(cap) = self.max_monthly(p, e) {
            for (month, days) in p.horizon.months() {
                let mut lin = Lin {
                    constant: Self::locked_month(p, e, month),
                    ..Lin::default()
                };
                for &d in &days {
                    lin.add(&m.minutes(e, d), 1.0);
                }
                let tag = RowTag::emp(RuleId::C8, e, Some(days[0]));
                m.constrain(tag, lin, f64::NEG_INFINITY, cap, self.mode, 1.0 / HOUR);
            }
        }
    }

    fn evaluate(&self, cx: &EvalCtx, out: &mut Vec<Violation>) {
        let p = cx.problem;
        for ei in 0..p.employees.len() {
            let e = EmployeeIdx(ei as u32);
            let id = &p.employees[ei].id;
            let locked = Self::locked_total(p, e);
            let total = f64::from(cx.schedules.total_minutes(p, e)) + locked;
            if let Some(max) = self.max_total(p, e).filter(|&m| total > m + 1e-9) {
                out.push(Violation {
                    aspect: "max",
                    ..cx.violation(
                        RuleId::C8,
                        self.mode,
                        Some(e),
                        None,
                        &[],
                        (total - max) / HOUR,
                        format!(
                            "{id} works {:.1} h over the horizon (max {:.1} h, locked {:.1} h)",
                            total / HOUR,
                            max / HOUR,
                            locked / HOUR
                        ),
                    )
                });
            }
            if let Some(min) = self.min_total(p, e).filter(|&m| total < m - 1e-9) {
                out.push(Violation {
                    aspect: "min",
                    ..cx.violation(
                        RuleId::C8,
                        self.mode,
                        Some(e),
                        None,
                        &[],
                        (min - total) / HOUR,
                        format!(
                            "{id} works {:.1} h over the horizon (min {:.1} h, locked {:.1} h)",
                            total / HOUR,
                            min / HOUR,
                            locked / HOUR
                        ),
                    )
                });
            }
            let Some(cap) = self.max_monthly(p, e) else {
                continue;
            };
            for (month, days) in p.horizon.months() {
                let locked = Self::locked_month(p, e, month);
                let total = Self::worked(cx.schedules, p, e, days.iter().copied()) + locked;
                if total > cap + 1e-9 {
                    out.push(Violation {
                        aspect: "max",
                        ..cx.violation(
                            RuleId::C8,
                            self.mode,
                            Some(e),
                            None,
                            &days,
                            (total - cap) / HOUR,
                            format!(
                                "{id} works {:.1} h in {}-{:02} (monthly max {:.1} h, locked \
                                 {:.1} h)",
                                total / HOUR,
                                month.0,
                                month.1,
                                cap / HOUR,
                                locked / HOUR
                            ),
                        )
                    });
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
        let add = f64::from(p.shift_types[shift.ix()].duration_minutes);
        if let Some(max) = self.max_total(p, e) {
            let total = f64::from(s.total_minutes(p, e)) + Self::locked_total(p, e);
            if total + add > max + 1e-9 {
                return false;
            }
        }
        if let Some(cap) = self.max_monthly(p, e) {
            let month = p.horizon.month(day);
            let in_month = (0..p.days()).filter(|&d| p.horizon.month(d) == month);
            let total = Self::worked(s, p, e, in_month) + Self::locked_month(p, e, month);
            if total + add > cap + 1e-9 {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::{EmployeeIdx, FixedAssignment};
    use crate::testkit::{admits, rule_problem, verdict};
    use serde_json::json;

    #[test]
    fn admits_up_to_the_horizon_and_monthly_caps() {
        let p = rule_problem(
            5,
            json!({"contract": {"maxTotalHours": 16}}),
            json!([{"id": "C8"}]),
        );
        assert!(admits(&p, &[(0, "D")], 1, "N"));
        assert!(!admits(&p, &[(0, "D"), (1, "D")], 2, "D"));
        let mut p = rule_problem(
            5,
            json!({"contract": {"maxMonthlyHours": 16}}),
            json!([{"id": "C8"}]),
        );
        p.locked.history[0]
            .monthly_minutes
            .insert((2025, 12), 8 * 60);
        assert!(admits(&p, &[], 0, "D"));
        assert!(!admits(&p, &[(0, "D")], 3, "D"));
    }

    /// Locked shifts inside the horizon count like decided ones, in the MILP (constants) and
    /// the checker alike.
    #[test]
    fn locked_shifts_in_the_horizon_count() {
        let mut p = rule_problem(
            5,
            json!({"contract": {"maxTotalHours": 16, "minTotalHours": 16}}),
            json!([{"id": "C8"}, {"id": "C5"}]),
        );
        let d = p.shift_by_code("D").unwrap();
        p.locked.fixed.push(FixedAssignment {
            employee: EmployeeIdx(0),
            day: 0,
            shift: d,
            slot: None,
        });
        assert_eq!(verdict(&p, &[]), (false, 0.0)); // 8 h < 16 h
        assert_eq!(verdict(&p, &[(2, "N")]), (true, 0.0));
        assert_eq!(verdict(&p, &[(2, "N"), (3, "D")]), (false, 0.0));
    }
}
