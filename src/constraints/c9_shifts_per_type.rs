//! C9 maximum shifts per shift type: for each employee and shift type with a limit, the
//! shifts of that type worked in the horizon (locked ones included) plus those already counted
//! in the locked history (`history.shifts_per_type`) stay at or under the limit — the Curtois &
//! Qu `MaxShifts` per contract and shift type. The limit comes from `contract.maxShiftsPerType`,
//! else from the `maxShiftsPerType` parameter (both keyed by shift code); shift types without
//! one are free. Soft: penalty per extra shift.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{EvalCtx, LabelFace, Mode, Rule, RuleId, Schedules, Violation};
use crate::domain::{Day, EmployeeIdx, Problem, ShiftIdx};
use crate::model::{Lin, ModelIr, RowTag};

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Params {
    #[serde(default)]
    max_shifts_per_type: BTreeMap<String, u32>,
}

/// C9 maximum shifts per shift type.
#[derive(Clone, Debug)]
pub struct ShiftsPerType {
    mode: Mode,
    params: Params,
}

impl ShiftsPerType {
    /// From the resolved parameters (shift codes are checked by input validation).
    pub fn new(mode: Mode, params: &serde_json::Value) -> serde_json::Result<Self> {
        Ok(ShiftsPerType {
            mode,
            params: Params::deserialize(params)?,
        })
    }

    fn limit(&self, p: &Problem, e: EmployeeIdx, t: ShiftIdx) -> Option<u32> {
        p.employees[e.ix()]
            .contract
            .max_shifts_per_type
            .get(&t)
            .copied()
            .or_else(|| {
                let code = &p.shift_types[t.ix()].code;
                self.params.max_shifts_per_type.get(code).copied()
            })
    }

    /// Shift types with a limit for `e`, with the limit.
    fn limits(&self, p: &Problem, e: EmployeeIdx) -> Vec<(ShiftIdx, u32)> {
        (0..p.shift_types.len() as u32)
            .map(ShiftIdx)
            .filter_map(|t| self.limit(p, e, t).map(|n| (t, n)))
            .collect()
    }

    fn locked(p: &Problem, e: EmployeeIdx, t: ShiftIdx) -> u32 {
        p.history(e).shifts_per_type.get(&t).copied().unwrap_or(0)
    }
}

impl Rule for ShiftsPerType {
    fn id(&self) -> RuleId {
        RuleId::C9
    }
    fn mode(&self) -> Mode {
        self.mode
    }

    fn label_faces(&self, p: &Problem, e: EmployeeIdx) -> Option<Vec<LabelFace>> {
        if !self.mode.is_hard() {
            return None;
        }
        self.limits(p, e)
            .into_iter()
            .map(|(t, limit)| {
                let weight = (0..p.shift_types.len())
                    .map(|i| f64::from(u8::from(i == t.ix())))
                    .collect();
                let days = (0..p.days()).collect();
                let locked = f64::from(Self::locked(p, e, t));
                LabelFace::budget(days, weight, locked, None, Some(f64::from(limit)))
            })
            .collect()
    }

    fn encode_employee(&self, m: &mut ModelIr, e: EmployeeIdx) {
        let p = m.problem;
        for (t, limit) in self.limits(p, e) {
            let mut lin = Lin {
                constant: f64::from(Self::locked(p, e, t)),
                ..Lin::default()
            };
            for d in 0..p.days() {
                lin.add(&m.shift(e, d, t), 1.0);
            }
            let tag = RowTag::emp(RuleId::C9, e, None);
            m.constrain(
                tag,
                lin,
                f64::NEG_INFINITY,
                f64::from(limit),
                self.mode,
                1.0,
            );
        }
    }

    fn evaluate(&self, cx: &EvalCtx, out: &mut Vec<Violation>) {
        let p = cx.problem;
        for ei in 0..p.employees.len() {
            let e = EmployeeIdx(ei as u32);
            for (t, limit) in self.limits(p, e) {
                let locked = Self::locked(p, e, t);
                let n = cx.schedules.count(e, t) + locked;
                if n > limit {
                    let days: Vec<Day> = (0..p.days())
                        .filter(|&d| cx.schedules.on(e, d).contains(&t))
                        .collect();
                    out.push(cx.violation(
                        RuleId::C9,
                        self.mode,
                        Some(e),
                        None,
                        &days,
                        f64::from(n - limit),
                        format!(
                            "{} works {n} {} shifts (max {limit}, {locked} counted before)",
                            p.employees[ei].id,
                            p.shift_types[t.ix()].code
                        ),
                    ));
                }
            }
        }
    }

    fn refusal_is_final(&self) -> bool {
        true // more work never undoes a refusal
    }
    fn admits(&self, p: &Problem, s: &Schedules, e: EmployeeIdx, _day: Day, t: ShiftIdx) -> bool {
        self.limit(p, e, t)
            .is_none_or(|limit| s.count(e, t) + Self::locked(p, e, t) < limit)
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{admits, rule_problem, verdict};
    use serde_json::json;

    /// Shifts counted before (`history.shifts_per_type`, set by importers and incremental
    /// solves) use up the limit.
    #[test]
    fn shifts_counted_before_use_up_the_limit() {
        let mut p = rule_problem(
            5,
            json!({"contract": {"maxShiftsPerType": {"N": 2}}}),
            json!([{"id": "C9"}]),
        );
        let n = p.shift_by_code("N").unwrap();
        p.locked.history[0].shifts_per_type.insert(n, 1);
        assert_eq!(verdict(&p, &[(0, "N"), (1, "D"), (2, "D")]), (true, 0.0));
        assert_eq!(verdict(&p, &[(0, "N"), (2, "N")]), (false, 0.0));
        assert!(admits(&p, &[(1, "D")], 0, "N"));
        assert!(!admits(&p, &[(0, "N")], 2, "N"));
        assert!(admits(&p, &[(0, "N")], 2, "D"));
    }

    #[test]
    fn soft_counts_every_extra_shift_history_included() {
        let mut p = rule_problem(
            5,
            json!({}),
            json!([{"id": "C9", "hard": false, "weight": 3, "params": {"maxShiftsPerType": {"D": 0}}}]),
        );
        let d = p.shift_by_code("D").unwrap();
        p.locked.history[0].shifts_per_type.insert(d, 2);
        // Locked alone: 2 extra (a constant penalty of 6), then one more per D shift.
        assert_eq!(verdict(&p, &[]), (true, 6.0));
        assert_eq!(verdict(&p, &[(1, "D"), (3, "N")]), (true, 9.0));
    }
}
