//! Task assignment: give pending tasks to employees (DESIGN §3, §6), through the same engine
//! as rostering — scores from a [`TaskScorer`], `greedy_ml` / `balanced_ml` as methods and
//! warm starts, a MILP on HiGHS through the shared backend, and an independent checker that
//! re-verifies every answer.
//!
//! The public GAP benchmark (`crate::import::gap`) is a task request with explicit costs,
//! per-employee efforts and `assignAll`, so it is solved by exactly this path.
//!
//! ```no_run
//! let text = std::fs::read_to_string("instances/tasks-demo.json").unwrap();
//! let problem = roster::tasks::load_task_request(&text).unwrap();
//! let solution = roster::tasks::solve_tasks(&problem, &Default::default()).unwrap();
//! assert!(solution.check.as_ref().is_some_and(|c| c.feasible));
//! ```
//!
//! Outcomes are never collapsed (see [`Status`]): no pending task is `NO_SLOTS` (nothing to
//! assign); an `assignAll` request that cannot be met is `INFEASIBLE` with conflicts saying
//! why; a heuristic that misses `assignAll` is `NO_SOLUTION`.

pub mod check;
pub mod domain;
pub mod ejection_chain;
pub mod heuristics;
pub mod knapsack_lagrange;
pub mod local_search;
pub mod model;
pub mod output;
pub mod parse;
#[cfg(test)]
pub(crate) mod testgen;
pub mod workflow;

use std::time::Instant;

use serde::Serialize;

pub use check::{check_tasks, TaskCheckReport, TaskObjectiveBreakdown, TaskViolation};
pub use domain::{
    Availability, EmpIdx, PairBlock, Task, TaskConstraints, TaskEmployee, TaskIdx, TaskProblem,
    TaskStatus,
};
pub use output::{read_task_assignments, task_human_summary, task_solution_json};
pub use parse::{
    load_task_request, task_request_from_value, TASK_REQUEST_SCHEMA, TASK_SOLUTION_SCHEMA,
};
pub use workflow::{
    assign_tasks, finalize_assignments, preview_assignments, AssignmentStore, FileStore,
    MemoryStore,
};

use crate::domain::{Method, WarmStart};
use crate::model::highs_backend;
use crate::scoring::{FallbackScorer, TaskScorer};
use crate::solve::{MilpStats, SolveError, Status};
use domain::TOL;
use heuristics::Construction;
use model::TaskModel;

/// Options beyond the problem's own `solverConfig`.
pub struct TaskSolveOptions<'a> {
    /// Affinity scorer.
    pub scorer: &'a dyn TaskScorer,
    /// Show HiGHS's own log.
    pub solver_log: bool,
}

impl Default for TaskSolveOptions<'_> {
    fn default() -> Self {
        TaskSolveOptions {
            scorer: &FallbackScorer,
            solver_log: false,
        }
    }
}

/// Scores of the employee–task pairs the methods can use, computed once.
///
/// Only pending tasks' eligible pairs (no [`PairBlock`]) are scored — the heuristics and
/// the MILP read no other — in one batch through [`TaskScorer::score_task_pairs`] (rayon, or
/// model batches); every other pair reads 0.
#[derive(Clone, Debug)]
pub struct TaskScores {
    n_tasks: usize,
    values: Vec<f64>,
}

impl TaskScores {
    /// Score every eligible pending pair with `scorer`.
    pub fn compute(p: &TaskProblem, scorer: &dyn TaskScorer) -> Self {
        use rayon::prelude::*;
        let n_tasks = p.tasks.len();
        let pending: Vec<TaskIdx> = p.pending().collect();
        let pairs: Vec<(EmpIdx, TaskIdx)> = (0..p.employees.len() as u32)
            .into_par_iter()
            .flat_map_iter(|e| {
                let e = EmpIdx(e);
                pending
                    .iter()
                    .filter(move |&&t| p.pair_block(e, t).is_none())
                    .map(move |&t| (e, t))
            })
            .collect();
        let scores = scorer.score_task_pairs(p, &pairs);
        let mut values = vec![0.0; n_tasks * p.employees.len()];
        for (&(e, t), s) in pairs.iter().zip(scores) {
            values[e.ix() * n_tasks + t.ix()] = s;
        }
        TaskScores { n_tasks, values }
    }

    /// Score of a pair.
    pub fn get(&self, e: EmpIdx, t: TaskIdx) -> f64 {
        self.values[e.ix() * self.n_tasks + t.ix()]
    }
}

/// One task given to one employee.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TaskAssignment {
    /// Which task.
    pub task: TaskIdx,
    /// Who.
    pub employee: EmpIdx,
    /// Affinity score of the pair.
    pub score: f64,
    /// Explicit cost of the pair.
    pub cost: f64,
    /// Effort in hours.
    pub hours: f64,
}

/// Why a pending task stayed unassigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnassignedReason {
    /// No employee holds the required skills (or there is no employee).
    NoEligibleEmployee,
    /// The only employees with the skills are busy or on leave (C7).
    Availability,
    /// Everyone who could take it is at their assignment cap (C13).
    MaxAssignments,
    /// Everyone who could take it lacks the hours (C13).
    Capacity,
    /// Someone had room, but the method left it out: it costs more than its penalty (or, for
    /// the MILP, the optimum is better without it).
    NotSelected,
}

impl UnassignedReason {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            UnassignedReason::NoEligibleEmployee => "no_eligible_employee",
            UnassignedReason::Availability => "availability",
            UnassignedReason::MaxAssignments => "max_assignments",
            UnassignedReason::Capacity => "capacity",
            UnassignedReason::NotSelected => "not_selected",
        }
    }
}

/// A pending task left unassigned.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unassigned {
    /// Which task.
    #[serde(skip)]
    pub task: TaskIdx,
    /// Its id.
    pub task_id: String,
    /// Why.
    pub reason: UnassignedReason,
    /// Human explanation.
    pub message: String,
}

/// Hours and tasks per employee after the solve.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmployeeLoad {
    /// Who.
    #[serde(skip)]
    pub employee: EmpIdx,
    /// Their id.
    pub employee_id: String,
    /// New tasks.
    pub tasks: u32,
    /// Hours of the new tasks.
    pub assigned_hours: f64,
    /// Current workload + assigned hours.
    pub total_hours: f64,
    /// Capacity hours.
    pub capacity_hours: f64,
    /// `total / capacity` (`None` when the capacity is 0).
    pub utilisation: Option<f64>,
}

/// Why an `assignAll` request cannot be met.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskConflict {
    /// The rule at fault: `C6`, `C7`, `C13`, or `assignAll` (a task with no possible
    /// employee).
    pub rule: String,
    /// Tasks concerned.
    pub task_ids: Vec<String>,
    /// Employees concerned.
    pub employee_ids: Vec<String>,
    /// Human explanation.
    pub message: String,
}

/// Everything a task solve produced.
#[derive(Clone, Debug)]
pub struct TaskSolution {
    /// Outcome (`NO_SLOTS`: no pending task).
    pub status: Status,
    /// Method that ran.
    pub method: Method,
    /// Warm start used (milp).
    pub warm_start: Option<WarmStart>,
    /// Assignments, in service order of the heuristics (priority, deadline, request order).
    pub assignments: Vec<TaskAssignment>,
    /// Pending tasks left unassigned, in request order.
    pub unassigned: Vec<Unassigned>,
    /// Objective reported by the method (HiGHS's, or the checker's for a heuristic).
    pub objective: Option<f64>,
    /// Best proven lower bound.
    pub best_bound: Option<f64>,
    /// Relative gap `(objective − bound) / max(|objective|, 1)`.
    pub gap: Option<f64>,
    /// MILP details (milp only).
    pub milp: Option<MilpStats>,
    /// Wall time of the whole solve.
    pub wall_seconds: f64,
    /// Seconds from the start until the reported assignment was found.
    pub time_to_best_seconds: Option<f64>,
    /// Load per employee, in request order (empty without an answer).
    pub loads: Vec<EmployeeLoad>,
    /// The checker's verdict on the assignments.
    pub check: Option<TaskCheckReport>,
    /// Why the request is infeasible.
    pub conflicts: Vec<TaskConflict>,
    /// Scoring method and version.
    pub scoring: (String, String),
}

/// Solve a task problem with its configured method, and re-verify the answer.
pub fn solve_tasks(p: &TaskProblem, opts: &TaskSolveOptions) -> Result<TaskSolution, SolveError> {
    let t0 = Instant::now();
    let scorer = opts.scorer;
    let mut sol = TaskSolution {
        status: Status::NoSlots,
        method: p.config.method,
        warm_start: (p.config.method == Method::Milp).then_some(p.config.warm_start),
        assignments: Vec::new(),
        unassigned: Vec::new(),
        objective: None,
        best_bound: None,
        gap: None,
        milp: None,
        wall_seconds: 0.0,
        time_to_best_seconds: None,
        loads: Vec::new(),
        check: None,
        conflicts: Vec::new(),
        scoring: (scorer.method().to_string(), scorer.version().to_string()),
    };
    if p.pending().next().is_none() {
        sol.wall_seconds = t0.elapsed().as_secs_f64();
        return Ok(sol);
    }
    if p.constraints.assign_all {
        let conflicts = assign_all_conflicts(p);
        if !conflicts.is_empty() {
            sol.status = Status::Infeasible;
            sol.conflicts = conflicts;
            sol.wall_seconds = t0.elapsed().as_secs_f64();
            return Ok(sol);
        }
    }
    let scores = TaskScores::compute(p, scorer);
    match p.config.method {
        Method::GreedyMl | Method::BalancedMl => {
            let kind = if p.config.method == Method::GreedyMl {
                Construction::Greedy
            } else {
                Construction::Balanced
            };
            let pairs = heuristics::construct(p, &scores, kind);
            finish(p, &scores, &pairs, scorer, &mut sol);
            let report = sol.check.as_ref().expect("finish sets the check");
            sol.status = if report.feasible {
                Status::Feasible
            } else {
                Status::NoSolution
            };
            sol.objective = Some(report.objective);
            sol.time_to_best_seconds = Some(t0.elapsed().as_secs_f64());
        }
        Method::Milp => solve_milp(p, opts, &scores, &mut sol, t0)?,
    }
    sol.wall_seconds = t0.elapsed().as_secs_f64();
    Ok(sol)
}

fn solve_milp(
    p: &TaskProblem,
    opts: &TaskSolveOptions,
    scores: &TaskScores,
    sol: &mut TaskSolution,
    t0: Instant,
) -> Result<(), SolveError> {
    let tb = Instant::now();
    let model = TaskModel::build(p, scores);
    let model_seconds = tb.elapsed().as_secs_f64();
    let warm = match p.config.warm_start {
        WarmStart::None => None,
        WarmStart::GreedyMl => Some(heuristics::construct(p, scores, Construction::Greedy)),
        WarmStart::BalancedMl => Some(heuristics::construct(p, scores, Construction::Balanced)),
    };
    let (warm, lagrange_bound) = match warm {
        Some(w) => {
            let (w, b) = polish_warm_start(p, &model, scores, opts.scorer, w, t0);
            (Some(w), b)
        }
        None => (None, None),
    };
    let warm_values = warm.as_ref().and_then(|pairs| {
        let report = check_tasks(p, &to_assignments(p, scores, pairs), opts.scorer);
        report.feasible.then(|| model.values_of(pairs)).flatten()
    });
    let warm_objective = warm_values.as_ref().map(|v| model.objective_of(v));
    let warm_ready = t0.elapsed().as_secs_f64();
    // The time limit covers the whole solve: HiGHS gets what the warm start left.
    let mut cfg = p.config.clone();
    cfg.time_limit_seconds = (p.config.time_limit_seconds - warm_ready)
        .max(p.config.time_limit_seconds * highs_floor(&model));
    let run = highs_backend::solve_lp(&model.lp, &cfg, warm_values.as_deref(), opts.solver_log)?;
    use highs::HighsModelStatus as H;
    sol.milp = Some(MilpStats {
        model: run.size,
        raw_status: format!("{:?}", run.status),
        nodes: run.nodes,
        warm_start_objective: warm_objective,
        build_seconds: model_seconds + run.build_seconds,
        solve_seconds: run.solve_seconds,
    });
    match (&run.values, run.status) {
        (_, H::Infeasible) => {
            sol.status = Status::Infeasible;
            sol.conflicts = explain_packing(p, opts)?;
        }
        (Some(values), status) => {
            let pairs = model.assignments_of(values);
            // The objective of the assignment as extracted (x rounded, u = 1 − Σx), not
            // HiGHS's value over its nearly-integral columns (424.0000000000083).
            let objective = model
                .values_of(&pairs)
                .map(|v| model.objective_of(&v))
                .or(run.objective)
                .unwrap_or_else(|| model.objective_of(values));
            // The first HiGHS incumbent as good as its final one; none, or a better warm
            // start, means the warm start was the best.
            let run_start = warm_ready + run.build_seconds;
            let highs_best = run.objective.and_then(|o| {
                run.incumbents
                    .iter()
                    .find(|i| i.objective <= o + 1e-6 * o.abs().max(1.0))
                    .map(|i| run_start + i.seconds)
            });
            let (pairs, objective, found_at) = match (&warm, warm_objective) {
                (Some(w), Some(wo)) if wo < objective - 1e-9 => (w.clone(), wo, warm_ready),
                _ => (pairs, objective, highs_best.unwrap_or(warm_ready)),
            };
            let proven = matches!(status, H::Optimal);
            let bound = if proven {
                run.bound.map(|b| b.min(objective)).or(Some(objective))
            } else {
                // The knapsack bound is often the stronger one on tight GAP instances.
                match (run.bound, lagrange_bound) {
                    (Some(b), Some(l)) => Some(b.max(l).min(objective)),
                    (b, l) => b.or(l.map(|l| l.min(objective))),
                }
            };
            sol.status = if proven {
                Status::Optimal
            } else {
                Status::Feasible
            };
            sol.objective = Some(objective);
            sol.best_bound = bound;
            sol.gap = bound.map(|b| ((objective - b) / objective.abs().max(1.0)).max(0.0));
            sol.time_to_best_seconds = Some(found_at);
            finish(p, scores, &pairs, opts.scorer, sol);
        }
        (None, _) => {
            sol.status = Status::TimeLimitNoSolution;
            sol.best_bound = run.bound;
        }
    }
    Ok(())
}

/// Share of the time limit the warm start may take: the tabu search ([`local_search`]),
/// which usually stops much earlier, when it stalls, and on GAP-like requests of at least
/// [`LAGRANGE_MIN_COLUMNS`] columns the knapsack heuristic ([`knapsack_lagrange`]; then the
/// tabu search gets the first half). HiGHS gets the rest of the time limit.
pub const SEARCH_SHARE: f64 = 0.1;

/// Share of the time limit the ejection-chain search with path relinking
/// ([`ejection_chain::relink`]) may take after the tabu search and the knapsack heuristic, on
/// GAP-like requests of at least [`LAGRANGE_MIN_COLUMNS`] columns (its budget of move
/// evaluations is this share of the time limit at [`ejection_chain::EVALUATIONS_PER_SECOND`],
/// so the search is deterministic; it stops earlier when it meets the knapsack bound, and at
/// the latest at `SEARCH_SHARE + 1.5 × CHAIN_SHARE` of the time limit, or 90 % of it, on a
/// machine slower than the budget assumes). HiGHS gets the rest: on type d it finds nothing
/// below the warm start in the time left, so the search gets most of it.
pub const CHAIN_SHARE: f64 = 0.75;

/// The least share of the time limit HiGHS gets even when the warm start overran its share:
/// twice the warm start's share is kept free of it.
fn highs_floor(model: &TaskModel) -> f64 {
    let warm_share = if model.pairs.len() >= LAGRANGE_MIN_COLUMNS {
        SEARCH_SHARE + CHAIN_SHARE
    } else {
        SEARCH_SHARE
    };
    (1.0 - 2.0 * warm_share).max(0.1)
}

/// The ejection-chain search runs only when the warm start so far is more than this share
/// above the knapsack bound: closer than that, HiGHS's time to prove is worth more (chu1997
/// c20200 starts 0.33 % above it and needs about 35 s of HiGHS to prove its optimum; type d
/// d20100 and d20200 start 1.3–1.8 % above it).
pub const CHAIN_MIN_GAP: f64 = 0.005;

/// Independent ejection-chain runs (seeds `seed`, `seed + 1`, …) from the same start that
/// fill the elite pool of the path relinking ([`ejection_chain::RELINK`]'s `seed_share` of
/// the budget together).
pub const CHAIN_RUNS: usize = 3;

/// Every how many subgradient iterations of [`knapsack_lagrange`] a knapsack solution is
/// repaired into an assignment.
pub const LAGRANGE_REPAIR_EVERY: usize = 10;

/// Fewest employee–task columns for which [`knapsack_lagrange`] runs: below that HiGHS
/// solves the model quickly on its own (OR-Library GAP Cattrysse, Chu 5 × 100).
pub const LAGRANGE_MIN_COLUMNS: usize = 1_000;

/// Stall limit of each repairing tabu search of [`knapsack_lagrange`].
pub const LAGRANGE_REPAIR_STALL: usize = 300;

/// The construction, or the tabu search's assignment started from it when that one is
/// feasible and better (or the construction is not feasible: the greedy cannot place every
/// task under tight capacities, and HiGHS would start cold); then, on GAP-like requests, the
/// Lagrangian knapsack heuristic ([`knapsack_lagrange`]) until [`SEARCH_SHARE`] of the time
/// limit, when it finds better, and the ejection-chain search with path relinking
/// ([`ejection_chain::relink`]: [`CHAIN_RUNS`] runs from the best so far fill its elite
/// pool; [`CHAIN_SHARE`] of the time limit in all). Also returns
/// the knapsack Lagrangian bound, when it ran.
fn polish_warm_start(
    p: &TaskProblem,
    model: &TaskModel,
    scores: &TaskScores,
    scorer: &dyn TaskScorer,
    built: Vec<(TaskIdx, EmpIdx)>,
    t0: Instant,
) -> (Vec<(TaskIdx, EmpIdx)>, Option<f64>) {
    let deadline =
        t0 + std::time::Duration::from_secs_f64(p.config.time_limit_seconds * SEARCH_SHARE);
    // With the knapsack heuristic to follow, the tabu search gets the first half.
    let lagrange_applies = model.pairs.len() >= LAGRANGE_MIN_COLUMNS;
    let share = if lagrange_applies {
        SEARCH_SHARE / 2.0
    } else {
        SEARCH_SHARE
    };
    let limits = local_search::SearchLimits {
        deadline: t0 + std::time::Duration::from_secs_f64(p.config.time_limit_seconds * share),
        max_stall: local_search::SearchLimits::stall_for(p.pending().count()),
        seed: p.config.seed,
    };
    let built_objective = model
        .values_of(&built)
        .filter(|_| check_tasks(p, &to_assignments(p, scores, &built), scorer).feasible)
        .map(|v| model.objective_of(&v));
    let found = local_search::improve(p, model, Some(&built), limits);
    tracing::info!(
        construction = ?built_objective,
        search = ?found.as_ref().map(|f| f.objective),
        iterations = ?found.as_ref().map(|f| f.iterations),
        "task warm start: tabu search"
    );
    let lagrange = (model.pairs.len() >= LAGRANGE_MIN_COLUMNS)
        .then(|| {
            knapsack_lagrange::run(
                p,
                model,
                found.as_ref().map_or(f64::INFINITY, |f| f.objective),
                knapsack_lagrange::LagrangeLimits {
                    deadline,
                    iterations: usize::MAX,
                    repair_every: LAGRANGE_REPAIR_EVERY,
                    repair_stall: LAGRANGE_REPAIR_STALL,
                    seed: p.config.seed,
                },
            )
        })
        .flatten();
    let bound = lagrange.as_ref().map(|l| l.bound).filter(|b| b.is_finite());
    if let Some(l) = &lagrange {
        tracing::info!(
            bound = l.bound,
            iterations = l.iterations,
            repairs = l.repairs,
            best = ?l.best.as_ref().map(|b| b.objective),
            "task warm start: knapsack Lagrangian heuristic"
        );
    }
    let found = match (found, lagrange.and_then(|l| l.best)) {
        (Some(f), Some(b)) if b.objective < f.objective - 1e-9 => Some(b),
        (None, b) => b,
        (f, _) => f,
    };
    // The ejection chains run only far from the knapsack bound.
    let deep = lagrange_applies
        && found.as_ref().is_some_and(|f| {
            bound.is_some_and(|b| f.objective - b > CHAIN_MIN_GAP * f.objective.abs())
        });
    let found = match found {
        Some(f) if deep => {
            let share = CHAIN_SHARE;
            let chain = ejection_chain::relink(
                p,
                model,
                &f.pairs,
                ejection_chain::ChainLimits {
                    evaluations: (ejection_chain::EVALUATIONS_PER_SECOND
                        * share
                        * p.config.time_limit_seconds) as u64,
                    deadline: t0
                        + std::time::Duration::from_secs_f64(
                            p.config.time_limit_seconds * (SEARCH_SHARE + 1.5 * share).min(0.9),
                        ),
                    lower_bound: bound.unwrap_or(f64::NEG_INFINITY),
                    seed: p.config.seed,
                },
                ejection_chain::RelinkSettings {
                    seed_runs: CHAIN_RUNS,
                    ..ejection_chain::RELINK
                },
            );
            match chain {
                Some((c, stats)) => {
                    tracing::info!(
                        best = c.objective,
                        rounds = stats.rounds,
                        evaluations = stats.evaluations,
                        chains = stats.chains,
                        seconds = t0.elapsed().as_secs_f64(),
                        "task warm start: ejection chains with path relinking"
                    );
                    Some(if c.objective < f.objective - 1e-9 {
                        c
                    } else {
                        f
                    })
                }
                None => Some(f),
            }
        }
        f => f,
    };
    let pairs = match (built_objective, found) {
        (Some(b), Some(f)) if f.objective < b - 1e-9 => f.pairs,
        (None, Some(f)) => f.pairs,
        _ => built,
    };
    (pairs, bound)
}

fn to_assignments(
    p: &TaskProblem,
    scores: &TaskScores,
    pairs: &[(TaskIdx, EmpIdx)],
) -> Vec<TaskAssignment> {
    pairs
        .iter()
        .map(|&(t, e)| TaskAssignment {
            task: t,
            employee: e,
            score: scores.get(e, t),
            cost: p.cost(e, t),
            hours: p.hours(e, t),
        })
        .collect()
}

/// Fill assignments (in service order), unassigned reasons, loads and the checker's report.
fn finish(
    p: &TaskProblem,
    scores: &TaskScores,
    pairs: &[(TaskIdx, EmpIdx)],
    scorer: &dyn TaskScorer,
    sol: &mut TaskSolution,
) {
    let rank: std::collections::BTreeMap<TaskIdx, usize> = heuristics::task_order(p)
        .into_iter()
        .enumerate()
        .map(|(i, t)| (t, i))
        .collect();
    let mut pairs = pairs.to_vec();
    pairs.sort_by_key(|&(t, e)| (rank.get(&t).copied().unwrap_or(usize::MAX), t, e));
    let assignments = to_assignments(p, scores, &pairs);
    let mut used_hours = vec![0.0; p.employees.len()];
    let mut used_count = vec![0u32; p.employees.len()];
    for a in &assignments {
        used_hours[a.employee.ix()] += a.hours;
        used_count[a.employee.ix()] += 1;
    }
    let done: std::collections::BTreeSet<TaskIdx> = pairs.iter().map(|x| x.0).collect();
    sol.unassigned = p
        .pending()
        .filter(|t| !done.contains(t))
        .map(|t| {
            let (reason, message) = why_unassigned(p, t, &used_hours, &used_count, sol.method);
            Unassigned {
                task: t,
                task_id: p.tasks[t.ix()].id.clone(),
                reason,
                message,
            }
        })
        .collect();
    sol.loads = p
        .employee_ids()
        .map(|e| {
            let emp = &p.employees[e.ix()];
            let total = emp.current_workload_hours + used_hours[e.ix()];
            EmployeeLoad {
                employee: e,
                employee_id: emp.id.clone(),
                tasks: used_count[e.ix()],
                assigned_hours: used_hours[e.ix()],
                total_hours: total,
                capacity_hours: emp.capacity_hours,
                utilisation: (emp.capacity_hours > 0.0).then(|| total / emp.capacity_hours),
            }
        })
        .collect();
    sol.check = Some(check_tasks(p, &assignments, scorer));
    sol.assignments = assignments;
}

/// The reason a pending task is unassigned, given what everyone holds in the end
/// (`used_*` all zero: before anything is assigned).
fn why_unassigned(
    p: &TaskProblem,
    t: TaskIdx,
    used_hours: &[f64],
    used_count: &[u32],
    method: Method,
) -> (UnassignedReason, String) {
    use UnassignedReason as R;
    let task = &p.tasks[t.ix()];
    if p.employees.is_empty() {
        return (R::NoEligibleEmployee, "there is no employee".into());
    }
    let blocks: Vec<Option<PairBlock>> = p.employee_ids().map(|e| p.pair_block(e, t)).collect();
    let count = |b: PairBlock| blocks.iter().filter(|x| **x == Some(b)).count();
    let eligible: Vec<EmpIdx> = p
        .employee_ids()
        .filter(|e| blocks[e.ix()].is_none())
        .collect();
    if eligible.is_empty() {
        let skilled_away = p.employee_ids().any(|e| {
            blocks[e.ix()] == Some(PairBlock::Availability)
                && (!p.constraints.require_skills || p.has_skills(e, t))
        });
        let (capacity, capped) = (count(PairBlock::Capacity), count(PairBlock::MaxAssignments));
        let with = |b: PairBlock| -> Vec<EmpIdx> {
            p.employee_ids()
                .filter(|e| blocks[e.ix()] == Some(b))
                .collect()
        };
        return if capacity > 0 {
            let short: Vec<String> = with(PairBlock::Capacity)
                .into_iter()
                .map(|e| {
                    format!(
                        "{} needs {} h, has {} h left",
                        p.employees[e.ix()].id,
                        p.hours(e, t),
                        p.remaining_capacity(e).max(0.0)
                    )
                })
                .collect();
            (
                R::Capacity,
                format!(
                    "no qualified, available employee has the hours: {}",
                    listing(short)
                ),
            )
        } else if capped > 0 {
            (
                R::MaxAssignments,
                format!(
                    "the qualified, available employees may take no new task: {}",
                    listing(ids(p, &with(PairBlock::MaxAssignments)))
                ),
            )
        } else if skilled_away {
            let away: Vec<EmpIdx> = with(PairBlock::Availability)
                .into_iter()
                .filter(|&e| !p.constraints.require_skills || p.has_skills(e, t))
                .collect();
            (
                R::Availability,
                format!(
                    "everyone with the required skills is busy or on leave: {}",
                    listing(ids(p, &away))
                ),
            )
        } else {
            let skills: Vec<String> = task
                .required_skills
                .iter()
                .map(|r| format!("{} ≥ {}", r.skill, r.min_level))
                .collect();
            (
                R::NoEligibleEmployee,
                format!("no employee holds {}", skills.join(", ")),
            )
        };
    }
    let full = |e: EmpIdx| {
        p.constraints.enforce_capacity
            && used_hours[e.ix()] + p.hours(e, t) > p.remaining_capacity(e) + TOL
    };
    let capped = |e: EmpIdx| {
        p.max_assignments(e)
            .is_some_and(|m| used_count[e.ix()] >= m)
    };
    if eligible.iter().any(|&e| !full(e) && !capped(e)) {
        let by = if method == Method::Milp {
            "the optimum"
        } else {
            "the heuristic"
        };
        return (
            R::NotSelected,
            format!(
                "left unassigned by {by}: an eligible employee had room, but placing it costs more than its penalty {}",
                p.unassigned_penalty(t)
            ),
        );
    }
    if eligible.iter().all(|&e| capped(e)) {
        let caps: Vec<String> = eligible
            .iter()
            .map(|&e| {
                format!(
                    "{} ({})",
                    p.employees[e.ix()].id,
                    p.max_assignments(e).unwrap_or(0)
                )
            })
            .collect();
        (
            R::MaxAssignments,
            format!(
                "every eligible employee reached their assignment cap: {}",
                listing(caps)
            ),
        )
    } else {
        let full: Vec<String> = eligible
            .iter()
            .filter(|&&e| !capped(e))
            .map(|&e| {
                format!(
                    "{} needs {} h, has {} h left",
                    p.employees[e.ix()].id,
                    p.hours(e, t),
                    (p.remaining_capacity(e) - used_hours[e.ix()]).max(0.0)
                )
            })
            .collect();
        (
            R::Capacity,
            format!("no eligible employee has the hours left: {}", listing(full)),
        )
    }
}

fn ids(p: &TaskProblem, list: &[EmpIdx]) -> Vec<String> {
    list.iter()
        .map(|e| p.employees[e.ix()].id.clone())
        .collect()
}

/// At most five items, then how many more.
fn listing(items: Vec<String>) -> String {
    let n = items.len();
    let mut s = items.into_iter().take(5).collect::<Vec<_>>().join("; ");
    if n > 5 {
        s.push_str(&format!("; and {} more", n - 5));
    }
    s
}

/// Reasons an `assignAll` request is infeasible that need no solver: tasks nobody can take,
/// more hours or more tasks than the eligible employees can hold in total.
fn assign_all_conflicts(p: &TaskProblem) -> Vec<TaskConflict> {
    let mut out = Vec::new();
    let zero_h = vec![0.0; p.employees.len()];
    let zero_n = vec![0; p.employees.len()];
    let pending: Vec<TaskIdx> = p.pending().collect();
    for &t in &pending {
        if p.employee_ids().all(|e| p.pair_block(e, t).is_some()) {
            let (reason, message) = why_unassigned(p, t, &zero_h, &zero_n, p.config.method);
            let rule = match reason {
                UnassignedReason::Availability => "C7",
                UnassignedReason::Capacity | UnassignedReason::MaxAssignments => "C13",
                _ if p.employees.is_empty() => "assignAll",
                _ => "C6",
            };
            out.push(TaskConflict {
                rule: rule.into(),
                task_ids: vec![p.tasks[t.ix()].id.clone()],
                employee_ids: Vec::new(),
                message: format!(
                    "task {} can go to no employee: {message}",
                    p.tasks[t.ix()].id
                ),
            });
        }
    }
    if !out.is_empty() {
        return out;
    }
    let pool: Vec<EmpIdx> = p
        .employee_ids()
        .filter(|&e| pending.iter().any(|&t| p.pair_block(e, t).is_none()))
        .collect();
    let ids = |v: &[EmpIdx]| v.iter().map(|e| p.employees[e.ix()].id.clone()).collect();
    if p.constraints.enforce_capacity {
        let need: f64 = pending
            .iter()
            .map(|&t| {
                pool.iter()
                    .filter(|&&e| p.pair_block(e, t).is_none())
                    .map(|&e| p.hours(e, t))
                    .fold(f64::INFINITY, f64::min)
            })
            .sum();
        let room: f64 = pool.iter().map(|&e| p.remaining_capacity(e).max(0.0)).sum();
        if need > room + TOL {
            out.push(TaskConflict {
                rule: "C13".into(),
                task_ids: Vec::new(),
                employee_ids: ids(&pool),
                message: format!(
                    "the {} pending tasks need at least {need} h even each done by its quickest eligible employee, but the {} eligible employees have {room} h left in total",
                    pending.len(),
                    pool.len()
                ),
            });
        }
    }
    let slots: Option<u64> = pool
        .iter()
        .map(|&e| p.max_assignments(e).map(u64::from))
        .sum();
    if let Some(slots) = slots.filter(|&s| (pending.len() as u64) > s) {
        out.push(TaskConflict {
            rule: "C13".into(),
            task_ids: Vec::new(),
            employee_ids: ids(&pool),
            message: format!(
                "{} pending tasks, but the eligible employees may take at most {slots} in total",
                pending.len()
            ),
        });
    }
    out
}

/// HiGHS proved `assignAll` infeasible though every task has someone and the totals fit:
/// find how many tasks can be placed at most (each left-out task costs 1) and name the ones
/// a best packing leaves out.
fn explain_packing(
    p: &TaskProblem,
    opts: &TaskSolveOptions,
) -> Result<Vec<TaskConflict>, SolveError> {
    let mut q = p.clone();
    q.constraints.assign_all = false;
    q.constraints.unassigned_penalty = 1.0;
    q.config.affinity_weight = 0.0;
    // The explanation gets its own budget: a tiny solve limit must not leave it empty.
    q.config.time_limit_seconds = 10.0;
    q.config.mip_rel_gap = 0.0;
    for t in &mut q.tasks {
        t.priority = 1.0;
        t.costs.clear();
    }
    let scores = TaskScores {
        n_tasks: q.tasks.len(),
        values: vec![0.0; q.tasks.len() * q.employees.len()],
    };
    let model = TaskModel::build(&q, &scores);
    let run = highs_backend::solve_lp(&model.lp, &q.config, None, opts.solver_log)?;
    let pending = q.pending().count();
    let Some(values) = run.values else {
        return Ok(vec![TaskConflict {
            rule: "C13".into(),
            task_ids: Vec::new(),
            employee_ids: Vec::new(),
            message: format!(
                "the {pending} pending tasks cannot all be packed within the employees' capacities and caps"
            ),
        }]);
    };
    let placed: std::collections::BTreeSet<TaskIdx> = model
        .assignments_of(&values)
        .into_iter()
        .map(|x| x.0)
        .collect();
    let left: Vec<String> = q
        .pending()
        .filter(|t| !placed.contains(t))
        .map(|t| q.tasks[t.ix()].id.clone())
        .collect();
    let proven = matches!(run.status, highs::HighsModelStatus::Optimal);
    Ok(vec![TaskConflict {
        rule: "C13".into(),
        message: format!(
            "{} {} of the {pending} pending tasks fit at once within the employees' capacities and assignment caps; a best packing leaves out {}",
            if proven { "at most" } else { "HiGHS found room for" },
            placed.len(),
            left.join(", ")
        ),
        task_ids: left,
        employee_ids: Vec::new(),
    }])
}
