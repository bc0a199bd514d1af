//! C1 cover: each slot gets its headcount. Hard (no one missing) or soft (each missing
//! person costs the slot's under-weight × priority, each extra person its over-weight).
//! The only coupling rule of this issue: its rows are the master rows of the decomposition.

use serde::Deserialize;

use super::{EvalCtx, Mode, Rule, RuleId, Scope, Violation};
use crate::domain::SlotIdx;
use crate::model::{BuildMode, Lin, ModelIr, RowTag};

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Params {
    /// Whether more people than the headcount may be placed (at the over-weight).
    allow_over: bool,
}

/// C1 cover.
#[derive(Clone, Debug)]
pub struct Cover {
    mode: Mode,
    params: Params,
}

impl Cover {
    /// From the resolved parameters. Soft weight multiplies the slots' own weights.
    pub fn new(mode: Mode, params: &serde_json::Value) -> serde_json::Result<Self> {
        Ok(Cover {
            mode,
            params: Params::deserialize(params)?,
        })
    }

    fn multiplier(&self) -> f64 {
        match self.mode {
            Mode::Hard => 1.0,
            Mode::Soft { weight } => weight,
        }
    }

    /// Cost of one missing person on slot `s` (soft cover).
    pub fn under_cost(&self, slot: &crate::domain::Slot) -> f64 {
        self.multiplier() * slot.under_weight * f64::from(slot.priority.max(1))
    }

    /// Cost of one extra person on slot `s`.
    pub fn over_cost(&self, slot: &crate::domain::Slot) -> f64 {
        self.multiplier() * slot.over_weight
    }
}

impl Rule for Cover {
    fn id(&self) -> RuleId {
        RuleId::C1
    }
    fn mode(&self) -> Mode {
        self.mode
    }
    fn scope(&self) -> Scope {
        Scope::Coupling
    }

    fn encode_coupling(&self, m: &mut ModelIr) {
        let elastic = m.mode() == BuildMode::Elastic;
        for (si, slot) in m.problem.slots.iter().enumerate() {
            let s = SlotIdx(si as u32);
            let lin = Lin {
                terms: m.slot_vars(s).iter().map(|&(c, _)| (c, 1.0)).collect(),
                constant: 0.0,
            };
            let hc = f64::from(slot.headcount);
            let under = match (self.mode, elastic) {
                (_, true) if self.mode.is_hard() => Some(1.0),
                (_, true) => Some(0.0),
                (Mode::Hard, false) => None,
                (Mode::Soft { .. }, false) => Some(self.under_cost(slot)),
            };
            let over = match (self.params.allow_over, elastic) {
                (false, true) => Some(1.0),
                (true, true) => Some(0.0),
                (false, false) => None,
                (true, false) => Some(self.over_cost(slot)),
            };
            let tag = RowTag {
                rule: Some(RuleId::C1),
                employee: None,
                day: Some(slot.day),
                slot: Some(s),
            };
            m.add_row(tag, lin, hc, hc, under, over);
        }
    }

    fn evaluate(&self, cx: &EvalCtx, out: &mut Vec<Violation>) {
        let counts = cx.roster.count_per_slot(cx.problem.slots.len());
        for (si, slot) in cx.problem.slots.iter().enumerate() {
            let n = counts[si];
            let s = Some(SlotIdx(si as u32));
            if n < slot.headcount {
                let missing = slot.headcount - n;
                let hard = self.mode.is_hard();
                out.push(Violation {
                    aspect: "under",
                    penalty: if hard {
                        0.0
                    } else {
                        self.under_cost(slot) * f64::from(missing)
                    },
                    ..cx.violation(
                        RuleId::C1,
                        self.mode,
                        None,
                        s,
                        &[slot.day],
                        f64::from(missing),
                        format!(
                            "slot {} has {n} of {} people ({missing} missing)",
                            slot.id, slot.headcount
                        ),
                    )
                });
            } else if n > slot.headcount {
                let extra = n - slot.headcount;
                let hard = !self.params.allow_over;
                out.push(Violation {
                    aspect: "over",
                    hard,
                    penalty: if hard {
                        0.0
                    } else {
                        self.over_cost(slot) * f64::from(extra)
                    },
                    ..cx.violation(
                        RuleId::C1,
                        self.mode,
                        None,
                        s,
                        &[slot.day],
                        f64::from(extra),
                        format!(
                            "slot {} has {n} people for a headcount of {} ({extra} extra)",
                            slot.id, slot.headcount
                        ),
                    )
                });
            }
        }
    }
}
