//! The task-assignment MILP, lowered straight to [`LinearProgram`] for the shared HiGHS
//! backend (options, bound, status and incumbent log are read there, not here).
//!
//! Columns: binary `x[e,t]` only for pairs the filter allows ([`TaskProblem::pair_block`]:
//! availability C7, skills C6, effort within remaining capacity C13) — the model size is the
//! lever on speed — and, unless `assignAll`, one `u[t] ∈ [0, 1]` per pending task.
//! Rows: `Σ_e x[e,t] + u[t] = 1` per pending task; `Σ_t hours[e,t]·x[e,t] ≤ capacity −
//! current workload` per employee (C13, only when it can bind); `Σ_t x[e,t] ≤ cap` (C13, only
//! when it can bind). Objective (minimised): `Σ (cost[e,t] − affinityWeight·score[e,t])·x +
//! Σ unassignedPenalty·priority[t]·u[t]` — exactly what the checker recomputes.

use super::domain::{EmpIdx, TaskIdx, TaskProblem};
use super::TaskScores;
use crate::model::{LinearProgram, LpCol, LpRow};

/// The lowered model and the map from its columns back to the problem.
#[derive(Clone, Debug)]
pub struct TaskModel {
    /// What HiGHS solves.
    pub lp: LinearProgram,
    /// Column `i < pairs.len()` is `x[pairs[i]]`.
    pub pairs: Vec<(TaskIdx, EmpIdx)>,
    /// `(task, column)` of each `u[t]`.
    pub unassigned: Vec<(TaskIdx, u32)>,
}

impl TaskModel {
    /// Whether `p` is a pure generalized assignment problem for this model: every task
    /// assigned, capacities enforced, no unassigned column and no per-employee assignment
    /// cap — the shape the GAP heuristics (knapsack Lagrangian, ejection chains) assume.
    pub fn is_pure_gap(&self, p: &TaskProblem) -> bool {
        p.constraints.assign_all
            && p.constraints.enforce_capacity
            && self.unassigned.is_empty()
            && p.employee_ids().all(|e| p.max_assignments(e).is_none())
    }

    /// Build the model of `p` with the affinity `scores`.
    pub fn build(p: &TaskProblem, scores: &TaskScores) -> TaskModel {
        let aff = p.config.affinity_weight;
        let pending: Vec<TaskIdx> = p.pending().collect();
        let mut pairs = Vec::new();
        let mut cols = Vec::new();
        let mut cover: Vec<Vec<(u32, f64)>> = vec![Vec::new(); pending.len()];
        let mut per_emp: Vec<Vec<(u32, TaskIdx)>> = vec![Vec::new(); p.employees.len()];
        for (k, &t) in pending.iter().enumerate() {
            for e in p.employee_ids() {
                if p.pair_block(e, t).is_some() {
                    continue;
                }
                let c = cols.len() as u32;
                cols.push(LpCol {
                    lo: 0.0,
                    hi: 1.0,
                    integer: true,
                    cost: p.cost(e, t) - aff * scores.get(e, t),
                });
                pairs.push((t, e));
                cover[k].push((c, 1.0));
                per_emp[e.ix()].push((c, t));
            }
        }
        let mut unassigned = Vec::new();
        if !p.constraints.assign_all {
            for (k, &t) in pending.iter().enumerate() {
                let c = cols.len() as u32;
                cols.push(LpCol {
                    lo: 0.0,
                    hi: 1.0,
                    integer: false,
                    cost: p.unassigned_penalty(t),
                });
                unassigned.push((t, c));
                cover[k].push((c, 1.0));
            }
        }
        let mut rows: Vec<LpRow> = cover
            .into_iter()
            .map(|terms| LpRow {
                lo: 1.0,
                hi: 1.0,
                terms,
            })
            .collect();
        for e in p.employee_ids() {
            let mine = &per_emp[e.ix()];
            if mine.is_empty() {
                continue;
            }
            if p.constraints.enforce_capacity {
                let room = p.remaining_capacity(e);
                let terms: Vec<(u32, f64)> =
                    mine.iter().map(|&(c, t)| (c, p.hours(e, t))).collect();
                let total: f64 = terms.iter().map(|x| x.1).sum();
                if total > room {
                    rows.push(LpRow {
                        lo: f64::NEG_INFINITY,
                        hi: room,
                        terms,
                    });
                }
            }
            if let Some(cap) = p.max_assignments(e).filter(|&m| (m as usize) < mine.len()) {
                rows.push(LpRow {
                    lo: f64::NEG_INFINITY,
                    hi: f64::from(cap),
                    terms: mine.iter().map(|&(c, _)| (c, 1.0)).collect(),
                });
            }
        }
        TaskModel {
            lp: LinearProgram { cols, rows },
            pairs,
            unassigned,
        }
    }

    /// Column values of an assignment list, or `None` when it uses a pair without a column
    /// (or gives a task twice).
    pub fn values_of(&self, assignment: &[(TaskIdx, EmpIdx)]) -> Option<Vec<f64>> {
        let column: std::collections::BTreeMap<(TaskIdx, EmpIdx), usize> = self
            .pairs
            .iter()
            .enumerate()
            .map(|(i, &pair)| (pair, i))
            .collect();
        let u_column: std::collections::BTreeMap<TaskIdx, usize> = self
            .unassigned
            .iter()
            .map(|&(t, c)| (t, c as usize))
            .collect();
        let mut v = vec![0.0; self.lp.cols.len()];
        for &c in u_column.values() {
            v[c] = 1.0;
        }
        let mut seen = std::collections::BTreeSet::new();
        for a in assignment {
            if !seen.insert(a.0) {
                return None;
            }
            v[*column.get(a)?] = 1.0;
            if let Some(&c) = u_column.get(&a.0) {
                v[c] = 0.0;
            }
        }
        Some(v)
    }

    /// The assignments of a column vector (x > 0.5), in column order.
    pub fn assignments_of(&self, values: &[f64]) -> Vec<(TaskIdx, EmpIdx)> {
        self.pairs
            .iter()
            .zip(values)
            .filter(|(_, &v)| v > 0.5)
            .map(|(&p, _)| p)
            .collect()
    }

    /// Objective of a column vector.
    pub fn objective_of(&self, values: &[f64]) -> f64 {
        self.lp
            .cols
            .iter()
            .zip(values)
            .map(|(c, v)| c.cost * v)
            .sum()
    }
}
