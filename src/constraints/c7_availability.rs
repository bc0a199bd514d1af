//! C7 availability: nobody works on a day of leave or a day off. A variable filter when
//! hard; when soft, each placement on an unavailable day costs the weight.

use serde::Deserialize;

use super::{EvalCtx, LabelFace, Mode, Rule, RuleId, Violation};
use crate::domain::{EmployeeIdx, Problem, SlotIdx};
use crate::model::ModelIr;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {}

/// C7 availability.
#[derive(Clone, Debug)]
pub struct Availability {
    mode: Mode,
}

impl Availability {
    /// From the resolved parameters (none).
    pub fn new(mode: Mode, params: &serde_json::Value) -> serde_json::Result<Self> {
        Params::deserialize(params)?;
        Ok(Availability { mode })
    }
}

impl Rule for Availability {
    fn id(&self) -> RuleId {
        RuleId::C7
    }
    fn mode(&self) -> Mode {
        self.mode
    }

    fn label_faces(&self, _p: &Problem, _e: EmployeeIdx) -> Option<Vec<LabelFace>> {
        // Hard: the pair has no column; soft: its column carries the penalty.
        Some(Vec::new())
    }

    fn allows(&self, p: &Problem, e: EmployeeIdx, s: SlotIdx) -> bool {
        !self.mode.is_hard() || !p.is_unavailable(e, p.slots[s.ix()].day)
    }

    fn encode_employee(&self, m: &mut ModelIr, e: EmployeeIdx) {
        let Mode::Soft { weight } = self.mode else {
            return;
        };
        for d in 0..m.problem.days() {
            if m.problem.is_unavailable(e, d) {
                let cols: Vec<_> = m.day_vars(e, d).iter().map(|v| v.col).collect();
                for c in cols {
                    m.add_cost(c, weight);
                }
            }
        }
    }

    fn evaluate(&self, cx: &EvalCtx, out: &mut Vec<Violation>) {
        for a in &cx.roster.assignments {
            let slot = &cx.problem.slots[a.slot.ix()];
            if cx.problem.is_unavailable(a.employee, slot.day) {
                out.push(cx.violation(
                    RuleId::C7,
                    self.mode,
                    Some(a.employee),
                    Some(a.slot),
                    &[slot.day],
                    1.0,
                    format!(
                        "{} is unavailable on {} (slot {})",
                        cx.employee_id(a.employee),
                        cx.date(slot.day),
                        slot.id
                    ),
                ));
            }
        }
    }
}
