//! The independent checker: judges a roster against a problem and recomputes its objective.
//!
//! It reads only the domain, the roster and each rule's `evaluate` — never the MILP, its IR or
//! its solution values — so a bug in an encoding shows up as a disagreement between the
//! solver's objective and this one. Every solve in the test suite passes through here.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::constraints::{EvalCtx, RuleId, Schedules, Violation};
use crate::domain::{EmployeeIdx, Problem, Roster};
use crate::scoring::Scorer;

/// Objective parts.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectiveBreakdown {
    /// Penalty for missing people (C1).
    pub under_cover: f64,
    /// Penalty for extra people (C1).
    pub over_cover: f64,
    /// Soft-rule penalties by rule id (C1 excluded).
    pub soft_rules: BTreeMap<String, f64>,
    /// `−affinityWeight × Σ score` over the placements.
    pub affinity: f64,
}

/// The checker's verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckReport {
    /// No hard violation.
    pub feasible: bool,
    /// Objective recomputed from the roster.
    pub objective: f64,
    /// Its parts.
    pub breakdown: ObjectiveBreakdown,
    /// Hard violations.
    pub hard_violations: Vec<Violation>,
    /// Soft violations (with penalties).
    pub soft_violations: Vec<Violation>,
}

/// Judge `roster` against `problem`.
pub fn check(problem: &Problem, roster: &Roster, scorer: &dyn Scorer) -> CheckReport {
    let schedules = Schedules::of(problem, roster);
    let cx = EvalCtx {
        problem,
        roster,
        schedules: &schedules,
    };
    let mut all = structural(&cx);
    for rule in problem.rules.iter() {
        rule.evaluate(&cx, &mut all);
    }
    let mut breakdown = ObjectiveBreakdown::default();
    let (hard, soft): (Vec<_>, Vec<_>) = all.into_iter().partition(|v| v.hard);
    for v in &soft {
        if v.rule == RuleId::C1 {
            if v.aspect == "under" {
                breakdown.under_cover += v.penalty;
            } else {
                breakdown.over_cover += v.penalty;
            }
        } else {
            *breakdown.soft_rules.entry(v.rule.to_string()).or_default() += v.penalty;
        }
    }
    let aff = problem.config.affinity_weight;
    breakdown.affinity = -aff
        * roster
            .assignments
            .iter()
            .map(|a| scorer.score(problem, a.employee, a.slot))
            .sum::<f64>();
    let objective = breakdown.under_cover
        + breakdown.over_cover
        + breakdown.soft_rules.values().sum::<f64>()
        + breakdown.affinity;
    CheckReport {
        feasible: hard.is_empty(),
        objective,
        breakdown,
        hard_violations: hard,
        soft_violations: soft,
    }
}

/// Violations no rule can switch off: one person filling two slots of the same shift on
/// the same day, or placed on a slot of a day where a locked assignment already has them
/// while one shift per day is hard.
fn structural(cx: &EvalCtx) -> Vec<Violation> {
    let p = cx.problem;
    let mut out = Vec::new();
    let mut seen: BTreeMap<(EmployeeIdx, i32, u32), u32> = BTreeMap::new();
    for a in &cx.roster.assignments {
        let s = &p.slots[a.slot.ix()];
        *seen.entry((a.employee, s.day, s.shift.0)).or_default() += 1;
    }
    for ((e, day, shift), n) in seen {
        if n > 1 {
            out.push(Violation {
                rule: RuleId::C5,
                hard: true,
                employee_id: Some(cx.employee_id(e)),
                slot_id: None,
                dates: vec![cx.date(day)],
                aspect: "",
                amount: f64::from(n - 1),
                penalty: 0.0,
                message: format!(
                    "{} fills {n} slots of shift {} on {} (one person counts once per shift)",
                    cx.employee_id(e),
                    p.shift_types[shift as usize].code,
                    cx.date(day)
                ),
            });
        }
    }
    out
}
