//! C5 one shift per day: an employee works at most one shift on any day (locked shifts
//! included). Soft: penalty per extra shift on a day.

use serde::Deserialize;

use super::{EvalCtx, LabelFace, Mode, Rule, RuleId, Schedules, Violation};
use crate::domain::{Day, EmployeeIdx, Problem, ShiftIdx};
use crate::model::{ModelIr, RowTag};

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {}

/// C5 one shift per day.
#[derive(Clone, Debug)]
pub struct OneShiftPerDay {
    mode: Mode,
}

impl OneShiftPerDay {
    /// From the resolved parameters (none).
    pub fn new(mode: Mode, params: &serde_json::Value) -> serde_json::Result<Self> {
        Params::deserialize(params)?;
        Ok(OneShiftPerDay { mode })
    }
}

impl Rule for OneShiftPerDay {
    fn id(&self) -> RuleId {
        RuleId::C5
    }
    fn mode(&self) -> Mode {
        self.mode
    }

    fn label_faces(&self, _p: &Problem, _e: EmployeeIdx) -> Option<Vec<LabelFace>> {
        // The labeling takes at most one shift a day: exactly this rule, when hard.
        self.mode.is_hard().then(Vec::new)
    }

    fn encode_employee(&self, m: &mut ModelIr, e: EmployeeIdx) {
        for d in 0..m.problem.days() {
            let lin = m.work(e, d);
            let tag = RowTag::emp(RuleId::C5, e, Some(d));
            m.constrain(tag, lin, f64::NEG_INFINITY, 1.0, self.mode, 1.0);
        }
    }

    fn evaluate(&self, cx: &EvalCtx, out: &mut Vec<Violation>) {
        let p = cx.problem;
        for ei in 0..p.employees.len() {
            let e = EmployeeIdx(ei as u32);
            for d in 0..p.days() {
                let n = cx.schedules.on(e, d).len();
                if n > 1 {
                    out.push(cx.violation(
                        RuleId::C5,
                        self.mode,
                        Some(e),
                        None,
                        &[d],
                        (n - 1) as f64,
                        format!("{} works {n} shifts on {}", p.employees[ei].id, cx.date(d)),
                    ));
                }
            }
        }
    }

    fn refusal_is_final(&self) -> bool {
        true // more work never undoes a refusal
    }
    fn admits(&self, _p: &Problem, s: &Schedules, e: EmployeeIdx, day: Day, _t: ShiftIdx) -> bool {
        !s.works(e, day)
    }
}
