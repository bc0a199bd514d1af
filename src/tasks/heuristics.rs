//! `greedy_ml` and `balanced_ml` for tasks: methods of their own and the MILP's warm start.
//!
//! Both walk the pending tasks by priority (highest first), then deadline (earliest first,
//! none last), then request order, and give each to the best eligible employee who still has
//! room (capacity hours and assignment cap). "Best" is the affinity score minus the cost
//! normalised by the largest |cost| of the request; `balanced_ml` also subtracts
//! `balanceWeight × utilisation / mean utilisation`, so work spreads and no one is loaded far
//! beyond the others. A task is left out when placing it would cost more than its unassigned
//! penalty (never under `assignAll`). They respect every hard rule by construction; only
//! `assignAll` can fail, which the caller reports.

use super::domain::{EmpIdx, TaskIdx, TaskProblem, TOL};
use super::TaskScores;

/// Which construction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Construction {
    /// Best score − normalised cost.
    Greedy,
    /// Adjusted by current utilisation.
    Balanced,
}

/// Pending tasks in the order the heuristics serve them.
pub fn task_order(p: &TaskProblem) -> Vec<TaskIdx> {
    let mut order: Vec<TaskIdx> = p.pending().collect();
    order.sort_by(|&a, &b| {
        let (ta, tb) = (&p.tasks[a.ix()], &p.tasks[b.ix()]);
        tb.priority
            .total_cmp(&ta.priority)
            .then_with(|| match (ta.deadline, tb.deadline) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then(a.cmp(&b))
    });
    order
}

/// Build an assignment `(task, employee)` list, in service order.
pub fn construct(
    p: &TaskProblem,
    scores: &TaskScores,
    kind: Construction,
) -> Vec<(TaskIdx, EmpIdx)> {
    let n = p.employees.len();
    let cost_scale = p
        .pending()
        .flat_map(|t| p.tasks[t.ix()].costs.values().map(|c| c.abs()))
        .fold(0.0_f64, f64::max);
    let cost_scale = if cost_scale > 0.0 { cost_scale } else { 1.0 };
    let mut used_hours = vec![0.0; n];
    let mut used_count = vec![0u32; n];
    // Utilisation is averaged over the people who can take any work at all.
    let pool: Vec<EmpIdx> = p
        .employee_ids()
        .filter(|&e| p.pending().any(|t| p.pair_block(e, t).is_none()))
        .collect();
    let utilisation = |e: EmpIdx, used: &[f64]| {
        let emp = &p.employees[e.ix()];
        let load = emp.current_workload_hours + used[e.ix()];
        if emp.capacity_hours > 0.0 {
            load / emp.capacity_hours
        } else if load > 0.0 {
            1.0
        } else {
            0.0
        }
    };
    let aff = p.config.affinity_weight;
    let mut out = Vec::new();
    for t in task_order(p) {
        let mean = if kind == Construction::Balanced && !pool.is_empty() {
            pool.iter()
                .map(|&e| utilisation(e, &used_hours))
                .sum::<f64>()
                / pool.len() as f64
        } else {
            0.0
        };
        let mut best: Option<(f64, EmpIdx)> = None;
        for e in p.employee_ids() {
            if p.pair_block(e, t).is_some() {
                continue;
            }
            let h = p.hours(e, t);
            if p.constraints.enforce_capacity
                && used_hours[e.ix()] + h > p.remaining_capacity(e) + TOL
            {
                continue;
            }
            if p.max_assignments(e)
                .is_some_and(|m| used_count[e.ix()] >= m)
            {
                continue;
            }
            let score = scores.get(e, t);
            let cost = p.cost(e, t);
            if !p.constraints.assign_all && cost - aff * score >= p.unassigned_penalty(t) {
                continue;
            }
            let mut key = score - cost / cost_scale;
            if kind == Construction::Balanced && mean > 1e-12 {
                key -= p.config.balance_weight * utilisation(e, &used_hours) / mean;
            }
            if best.is_none_or(|(k, _)| key > k + 1e-12) {
                best = Some((key, e));
            }
        }
        if let Some((_, e)) = best {
            used_hours[e.ix()] += p.hours(e, t);
            used_count[e.ix()] += 1;
            out.push((t, e));
        }
    }
    out
}
