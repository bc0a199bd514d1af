//! The independent task checker: judges a set of assignments against a [`TaskProblem`] and
//! recomputes the objective from the assignments alone.
//!
//! It reads the problem's data and the (task, employee) pairs — never the MILP, its columns
//! or the heuristics' bookkeeping, and not [`TaskProblem::pair_block`], the solver's variable
//! filter: every rule is evaluated here on its own, so a bug in the encoding or in the
//! filter shows up as a disagreement between a solver and this checker.

use std::collections::BTreeMap;

use serde::Serialize;

use super::domain::{Availability, EmpIdx, TaskIdx, TaskProblem, TaskStatus, TOL};
use super::TaskAssignment;
use crate::scoring::TaskScorer;

/// One broken hard rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskViolation {
    /// `C6` skills, `C7` availability, `C13` capacity or max assignments, `assignAll`, or
    /// `structural` (a task assigned twice, or a task that is not pending).
    pub rule: String,
    /// Task concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// Employee concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<String>,
    /// By how much (hours over capacity, assignments over the cap), when it is a quantity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// Human explanation.
    pub message: String,
}

/// Objective parts.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskObjectiveBreakdown {
    /// Σ explicit costs of the assignments.
    pub cost: f64,
    /// Σ unassignedPenalty × priority over pending tasks left unassigned.
    pub unassigned_penalty: f64,
    /// `−affinityWeight × Σ score` over the assignments.
    pub affinity: f64,
}

/// The checker's verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskCheckReport {
    /// No hard rule is broken.
    pub feasible: bool,
    /// Objective recomputed from the assignments (minimised).
    pub objective: f64,
    /// Its parts.
    pub breakdown: TaskObjectiveBreakdown,
    /// Broken hard rules.
    pub violations: Vec<TaskViolation>,
}

/// Judge `assignments` (only their `task` and `employee` are read) against `p`; `scorer`
/// gives the affinity term of the objective.
pub fn check_tasks(
    p: &TaskProblem,
    assignments: &[TaskAssignment],
    scorer: &dyn TaskScorer,
) -> TaskCheckReport {
    let c = &p.constraints;
    let mut violations = Vec::new();
    let mut v = |rule: &str, t: Option<TaskIdx>, e: Option<EmpIdx>, amount, message| {
        violations.push(TaskViolation {
            rule: rule.into(),
            task_id: t.map(|t| p.tasks[t.ix()].id.clone()),
            employee_id: e.map(|e| p.employees[e.ix()].id.clone()),
            amount,
            message,
        })
    };
    let mut breakdown = TaskObjectiveBreakdown::default();
    let mut taken: BTreeMap<TaskIdx, EmpIdx> = BTreeMap::new();
    let mut hours: BTreeMap<EmpIdx, f64> = BTreeMap::new();
    let mut count: BTreeMap<EmpIdx, u32> = BTreeMap::new();
    let mut score_sum = 0.0;
    // Scored in one batch (a model predicts batches far faster than single rows).
    let pair_list: Vec<(EmpIdx, TaskIdx)> =
        assignments.iter().map(|a| (a.employee, a.task)).collect();
    let pair_scores = scorer.score_task_pairs(p, &pair_list);
    for (a, &pair_score) in assignments.iter().zip(&pair_scores) {
        let (t, e) = (a.task, a.employee);
        let task = &p.tasks[t.ix()];
        let emp = &p.employees[e.ix()];
        if let Some(&other) = taken.get(&t) {
            v(
                "structural",
                Some(t),
                Some(e),
                None,
                format!(
                    "task {} is given to {} and to {}",
                    task.id,
                    p.employees[other.ix()].id,
                    emp.id
                ),
            );
            continue;
        }
        taken.insert(t, e);
        if task.status != TaskStatus::Pending {
            v(
                "structural",
                Some(t),
                Some(e),
                None,
                format!(
                    "task {} is {}, only pending tasks are assigned",
                    task.id,
                    task.status.as_str()
                ),
            );
        }
        if c.enforce_availability && emp.availability != Availability::Available {
            v(
                "C7",
                Some(t),
                Some(e),
                None,
                format!(
                    "{} is {} but was given task {}",
                    emp.id,
                    emp.availability.as_str(),
                    task.id
                ),
            );
        }
        if c.require_skills {
            for r in &task.required_skills {
                let level = emp.skills.get(&r.skill).copied().unwrap_or(0);
                if level < r.min_level {
                    v(
                        "C6",
                        Some(t),
                        Some(e),
                        Some(f64::from(r.min_level - level)),
                        format!(
                            "task {} needs {} at level {}, {} has level {level}",
                            task.id, r.skill, r.min_level, emp.id
                        ),
                    );
                }
            }
        }
        let effort = task
            .employee_estimates
            .get(&e)
            .copied()
            .or(task.estimated_hours)
            .unwrap_or(0.0);
        *hours.entry(e).or_default() += effort;
        *count.entry(e).or_default() += 1;
        breakdown.cost += task.costs.get(&e).copied().unwrap_or(0.0);
        score_sum += pair_score;
    }
    for (&e, &h) in &hours {
        let emp = &p.employees[e.ix()];
        let room = emp.capacity_hours - emp.current_workload_hours;
        if c.enforce_capacity && h > room + TOL {
            v(
                "C13",
                None,
                Some(e),
                Some(h - room),
                format!(
                    "{} gets {h} h of tasks on top of {} h, capacity {} h",
                    emp.id, emp.current_workload_hours, emp.capacity_hours
                ),
            );
        }
        let n = count[&e];
        let cap = emp.max_assignments.or(c.max_assignments_per_employee);
        if let Some(cap) = cap.filter(|&cap| n > cap) {
            v(
                "C13",
                None,
                Some(e),
                Some(f64::from(n - cap)),
                format!("{} gets {n} tasks, at most {cap} allowed", emp.id),
            );
        }
    }
    for (i, task) in p.tasks.iter().enumerate() {
        let t = TaskIdx(i as u32);
        if task.status != TaskStatus::Pending || taken.contains_key(&t) {
            continue;
        }
        breakdown.unassigned_penalty += c.unassigned_penalty * task.priority;
        if c.assign_all {
            v(
                "assignAll",
                Some(t),
                None,
                None,
                format!("task {} is not assigned, but assignAll is set", task.id),
            );
        }
    }
    breakdown.affinity = -p.config.affinity_weight * score_sum;
    TaskCheckReport {
        feasible: violations.is_empty(),
        objective: breakdown.cost + breakdown.unassigned_penalty + breakdown.affinity,
        breakdown,
        violations,
    }
}
