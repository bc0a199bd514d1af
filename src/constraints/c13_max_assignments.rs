//! C13 maximum assignments (rostering side): the slots an employee fills in the horizon
//! (locked assignments included) plus `history.assignments` stay at or under
//! `contract.maxAssignments`, else the `maxAssignments` parameter; employees with neither are
//! free. Soft: penalty per extra assignment. (Capacity hours of task assignment are handled by
//! the task side, not here.)

use serde::Deserialize;

use super::{EvalCtx, LabelFace, Mode, Rule, RuleId, Schedules, Violation};
use crate::domain::{Day, EmployeeIdx, Problem, ShiftIdx};
use crate::model::{Lin, ModelIr, RowTag};

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Params {
    #[serde(default)]
    max_assignments: Option<u32>,
}

/// C13 maximum assignments.
#[derive(Clone, Debug)]
pub struct MaxAssignments {
    mode: Mode,
    params: Params,
}

impl MaxAssignments {
    /// From the resolved parameters.
    pub fn new(mode: Mode, params: &serde_json::Value) -> serde_json::Result<Self> {
        Ok(MaxAssignments {
            mode,
            params: Params::deserialize(params)?,
        })
    }

    fn limit(&self, p: &Problem, e: EmployeeIdx) -> Option<u32> {
        p.employees[e.ix()]
            .contract
            .max_assignments
            .or(self.params.max_assignments)
    }

    fn count(p: &Problem, s: &Schedules, e: EmployeeIdx) -> u32 {
        (0..p.days()).map(|d| s.on(e, d).len() as u32).sum::<u32>() + p.history(e).assignments
    }
}

impl Rule for MaxAssignments {
    fn id(&self) -> RuleId {
        RuleId::C13
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
        let days = (0..p.days()).collect();
        let weight = vec![1.0; p.shift_types.len()];
        let locked = f64::from(p.history(e).assignments);
        Some(vec![LabelFace::budget(
            days,
            weight,
            locked,
            None,
            Some(f64::from(max)),
        )?])
    }

    fn encode_employee(&self, m: &mut ModelIr, e: EmployeeIdx) {
        let p = m.problem;
        let Some(max) = self.limit(p, e) else {
            return;
        };
        let mut lin = Lin {
            constant: f64::from(p.history(e).assignments),
            ..Lin::default()
        };
        for d in 0..p.days() {
            lin.add(&m.work(e, d), 1.0);
        }
        let tag = RowTag::emp(RuleId::C13, e, None);
        m.constrain(tag, lin, f64::NEG_INFINITY, f64::from(max), self.mode, 1.0);
    }

    fn evaluate(&self, cx: &EvalCtx, out: &mut Vec<Violation>) {
        let p = cx.problem;
        for ei in 0..p.employees.len() {
            let e = EmployeeIdx(ei as u32);
            let Some(max) = self.limit(p, e) else {
                continue;
            };
            let n = Self::count(p, cx.schedules, e);
            if n > max {
                let before = p.history(e).assignments;
                out.push(cx.violation(
                    RuleId::C13,
                    self.mode,
                    Some(e),
                    None,
                    &[],
                    f64::from(n - max),
                    format!(
                        "{} has {n} assignments (max {max}, {before} counted before)",
                        p.employees[ei].id
                    ),
                ));
            }
        }
    }

    fn refusal_is_final(&self) -> bool {
        true // more work never undoes a refusal
    }
    fn admits(&self, p: &Problem, s: &Schedules, e: EmployeeIdx, _day: Day, _t: ShiftIdx) -> bool {
        self.limit(p, e)
            .is_none_or(|max| Self::count(p, s, e) < max)
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::{EmployeeIdx, FixedAssignment};
    use crate::testkit::{admits, rule_problem, verdict};
    use serde_json::json;

    /// Assignments counted before (`history.assignments`) and locked shifts in the horizon use
    /// up the limit.
    #[test]
    fn counted_and_locked_assignments_use_up_the_limit() {
        let mut p = rule_problem(
            4,
            json!({"contract": {"maxAssignments": 3}}),
            json!([{"id": "C13"}]),
        );
        p.locked.history[0].assignments = 1;
        let d = p.shift_by_code("D").unwrap();
        p.locked.fixed.push(FixedAssignment {
            employee: EmployeeIdx(0),
            day: 0,
            shift: d,
            slot: None,
        });
        assert_eq!(verdict(&p, &[(1, "N")]), (true, 0.0));
        assert_eq!(verdict(&p, &[(1, "N"), (2, "D")]), (false, 0.0));
        assert!(admits(&p, &[], 2, "D"));
        assert!(!admits(&p, &[(1, "N")], 2, "D"));
    }
}
