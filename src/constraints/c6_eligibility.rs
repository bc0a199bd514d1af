//! C6 eligibility: an employee may fill a slot only with the required skills (at the
//! required levels), the slot's rank, and the slot's location and product type. Applied as a
//! variable filter (no column is created for an ineligible pair) when hard; when soft, every
//! pair gets a column and an ineligible placement costs the weight.
//!
//! An employee who declares no locations (or product types) is not restricted by them.

use serde::Deserialize;

use super::{EvalCtx, LabelFace, Mode, Rule, RuleId, Violation};
use crate::domain::{EmployeeIdx, Problem, SlotIdx};
use crate::model::ModelIr;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Params {
    check_skills: bool,
    check_rank: bool,
    check_location: bool,
    check_product_type: bool,
}

/// C6 eligibility.
#[derive(Clone, Debug)]
pub struct Eligibility {
    mode: Mode,
    params: Params,
}

impl Eligibility {
    /// From the resolved parameters.
    pub fn new(mode: Mode, params: &serde_json::Value) -> serde_json::Result<Self> {
        Ok(Eligibility {
            mode,
            params: Params::deserialize(params)?,
        })
    }

    /// Why `e` may not fill `s`, or `None` when eligible.
    pub fn reason(&self, p: &Problem, e: EmployeeIdx, s: SlotIdx) -> Option<String> {
        let emp = &p.employees[e.ix()];
        let slot = &p.slots[s.ix()];
        if self.params.check_skills {
            for req in &slot.required_skills {
                let level = emp.skills.get(&req.skill).copied().unwrap_or(0);
                if level < req.min_level {
                    return Some(format!(
                        "skill {} at level {} required, has {level}",
                        req.skill, req.min_level
                    ));
                }
            }
        }
        if self.params.check_rank {
            if let Some(r) = &slot.rank_id {
                if emp.rank_id.as_ref() != Some(r) {
                    return Some(format!("rank {r} required"));
                }
            }
        }
        if self.params.check_location {
            if let Some(l) = &slot.location_id {
                if !emp.locations.is_empty() && !emp.locations.contains(l) {
                    return Some(format!("not assigned to location {l}"));
                }
            }
        }
        if self.params.check_product_type {
            if let Some(t) = &slot.product_type_id {
                if !emp.product_types.is_empty() && !emp.product_types.contains(t) {
                    return Some(format!("not qualified for product type {t}"));
                }
            }
        }
        None
    }
}

impl Rule for Eligibility {
    fn id(&self) -> RuleId {
        RuleId::C6
    }
    fn mode(&self) -> Mode {
        self.mode
    }

    fn label_faces(&self, _p: &Problem, _e: EmployeeIdx) -> Option<Vec<LabelFace>> {
        // Hard: the pair has no column; soft: its column carries the penalty.
        Some(Vec::new())
    }

    fn allows(&self, p: &Problem, e: EmployeeIdx, s: SlotIdx) -> bool {
        !self.mode.is_hard() || self.reason(p, e, s).is_none()
    }

    fn encode_employee(&self, m: &mut ModelIr, e: EmployeeIdx) {
        let Mode::Soft { weight } = self.mode else {
            return;
        };
        let p = m.problem;
        for d in 0..p.days() {
            let cols: Vec<_> = m
                .day_vars(e, d)
                .iter()
                .filter(|v| self.reason(p, e, v.slot).is_some())
                .map(|v| v.col)
                .collect();
            for c in cols {
                m.add_cost(c, weight);
            }
        }
    }

    fn evaluate(&self, cx: &EvalCtx, out: &mut Vec<Violation>) {
        for a in &cx.roster.assignments {
            if let Some(why) = self.reason(cx.problem, a.employee, a.slot) {
                let slot = &cx.problem.slots[a.slot.ix()];
                out.push(cx.violation(
                    RuleId::C6,
                    self.mode,
                    Some(a.employee),
                    Some(a.slot),
                    &[slot.day],
                    1.0,
                    format!(
                        "{} is not eligible for slot {}: {why}",
                        cx.employee_id(a.employee),
                        slot.id
                    ),
                ));
            }
        }
    }
}
