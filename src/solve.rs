//! The one entry point the CLI (and later the server) calls: `solve(&Problem, &SolveOptions)`.
//!
//! It runs the chosen method, re-verifies every roster with the independent checker, and
//! never collapses outcomes: the status says exactly what is known (proven optimal, feasible
//! with a gap, proven infeasible — with an explanation —, out of time without a roster …).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::check::{check, CheckReport};
use crate::constraints::RuleId;
use crate::decompose::{DecomposeError, Decomposition};
use crate::domain::{
    EmployeeIdx, Method, Problem, Roster, SlotIdx, SolverConfig, Strategy, WarmStart,
};
use crate::heuristics::{construct_within, Construction};
use crate::model::{highs_backend, repair, BackendError, BuildMode, ModelIr, ModelSize, RowTag};
use crate::scoring::{FallbackScorer, PairScores, Scorer};

/// The construction made a better warm start by the employees' own MILPs
/// ([`repair`]): first each employee it leaves breaking a hard rule is re-planned, then
/// rounds re-plan groups of employees against the others while the objective falls. The
/// repair runs until the deadline, the rounds within their work budget (deterministic: the
/// same input gives the same warm start, whatever the machine's load).
/// A broken rule that names no employee (hard cover) is left to HiGHS; if HiGHS fails, the
/// construction is kept as built.
fn polish_warm_start(
    p: &Problem,
    ir: &ModelIr,
    roster: Roster,
    scores: &PairScores,
    scorer: &dyn Scorer,
    repair_deadline: Instant,
    improve: repair::Budget,
) -> Roster {
    let report = check(p, &roster, scorer);
    let broken: Vec<EmployeeIdx> = report
        .hard_violations
        .iter()
        .filter_map(|v| p.employee_by_id(v.employee_id.as_deref()?))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let score = |e: EmployeeIdx, s: SlotIdx| scores.get(e, s);
    let polished =
        repair::repair_per_employee(ir, &roster, &broken, &score, &p.config, repair_deadline)
            .and_then(|r| repair::improve_by_groups(ir, r, &score, &p.config, improve));
    match polished {
        Ok(better) => better,
        Err(e) => {
            tracing::warn!(error = %e, "per-employee repair failed; warm start kept as built");
            roster
        }
    }
}

/// Share of the time limit the MILP's warm start may take (construction stops there and the
/// unfinished roster is dropped if it breaks a hard rule).
pub const WARM_START_SHARE: f64 = 0.25;
/// Share of the time limit the improvement rounds of the warm start are budgeted for (within
/// [`WARM_START_SHARE`]): they pay on large models, where HiGHS's search is slow, and cost
/// time on small ones, where HiGHS's is fast. The budget is work
/// ([`repair::WORK_PER_SECOND`] units per second of this share), so the warm start does not
/// depend on the machine's load; the warm-start deadline is only a safety cap.
pub const IMPROVE_SHARE: f64 = 0.1;
/// HiGHS always gets at least this long, however long the model build and warm start took.
const MIN_SOLVER_SECONDS: f64 = 1.0;

/// Outcome of a solve.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// A roster proven optimal (within the configured gap).
    Optimal,
    /// A roster that satisfies every hard rule, not proven optimal.
    Feasible,
    /// Proven: no roster satisfies every hard rule.
    Infeasible,
    /// The time limit hit before any roster was found.
    TimeLimitNoSolution,
    /// A heuristic could not satisfy every hard rule (nothing is proven).
    NoSolution,
    /// Nothing to staff.
    NoSlots,
}

impl Status {
    /// Whether a usable roster comes with this status.
    pub fn has_roster(self) -> bool {
        matches!(self, Status::Optimal | Status::Feasible)
    }
}

/// Options beyond the problem's own `solverConfig`.
pub struct SolveOptions<'a> {
    /// Affinity scorer.
    pub scorer: &'a dyn Scorer,
    /// Show HiGHS's own log on stdout/stderr.
    pub solver_log: bool,
}

impl Default for SolveOptions<'_> {
    fn default() -> Self {
        SolveOptions {
            scorer: &FallbackScorer,
            solver_log: false,
        }
    }
}

/// Why a problem is infeasible, as far as the elastic model can tell.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    /// Rule whose rows could not all hold (`None`: structural).
    pub rule: Option<RuleId>,
    /// Employee concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<String>,
    /// Slot concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot_id: Option<String>,
    /// First date concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Least violation needed on this row.
    pub amount: f64,
    /// Human explanation.
    pub message: String,
}

/// Statistics of the MILP run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MilpStats {
    /// Model size.
    pub model: ModelSize,
    /// Raw HiGHS model status.
    pub raw_status: String,
    /// Branch-and-bound nodes.
    pub nodes: Option<i64>,
    /// Objective of the warm start handed to HiGHS, if any.
    pub warm_start_objective: Option<f64>,
    /// Seconds building the model (IR + HiGHS).
    pub build_seconds: f64,
    /// Seconds inside HiGHS.
    pub solve_seconds: f64,
}

/// Everything a solve produced.
#[derive(Clone, Debug)]
pub struct Solution {
    /// Outcome.
    pub status: Status,
    /// Method that ran.
    pub method: Method,
    /// Warm start used (milp).
    pub warm_start: Option<WarmStart>,
    /// The roster (empty without one).
    pub roster: Roster,
    /// Objective reported by the method (HiGHS's, or the heuristic's as checked).
    pub objective: Option<f64>,
    /// Best proven lower bound.
    pub best_bound: Option<f64>,
    /// Relative gap `(objective − bound) / max(|objective|, 1)`.
    pub gap: Option<f64>,
    /// The checker's verdict on the roster.
    pub check: Option<CheckReport>,
    /// MILP details (milp only).
    pub milp: Option<MilpStats>,
    /// Infeasibility explanation.
    pub conflicts: Vec<Conflict>,
    /// Wall time of the whole solve.
    pub wall_seconds: f64,
    /// Seconds from the start of the solve until the reported roster was found (the warm
    /// start, or HiGHS's last improving solution).
    pub time_to_best_seconds: Option<f64>,
    /// Scoring method and version.
    pub scoring: (String, String),
    /// Formulation that ran (milp only).
    pub strategy: Option<Strategy>,
    /// Column generation and integer master details (decomposition only).
    pub decomposition: Option<Decomposition>,
}

/// Errors that are not answers (HiGHS failures).
#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    /// HiGHS failed.
    #[error(transparent)]
    Backend(#[from] BackendError),
    /// The decomposition failed (HiGHS on its master or pricing problems).
    #[error(transparent)]
    Decompose(#[from] DecomposeError),
}

/// Solve a problem with its configured method.
pub fn solve(p: &Problem, opts: &SolveOptions) -> Result<Solution, SolveError> {
    let t0 = Instant::now();
    let scorer = opts.scorer;
    let mut sol = Solution {
        status: Status::NoSlots,
        method: p.config.method,
        warm_start: (p.config.method == Method::Milp).then_some(p.config.warm_start),
        roster: Roster::default(),
        objective: None,
        best_bound: None,
        gap: None,
        check: None,
        milp: None,
        conflicts: Vec::new(),
        wall_seconds: 0.0,
        time_to_best_seconds: None,
        scoring: (scorer.method().to_string(), scorer.version().to_string()),
        strategy: None,
        decomposition: None,
    };
    if p.slots.is_empty() {
        sol.wall_seconds = t0.elapsed().as_secs_f64();
        return Ok(sol);
    }
    let scores = PairScores::compute(p, scorer);
    match p.config.method {
        Method::GreedyMl | Method::BalancedMl => {
            let kind = if p.config.method == Method::GreedyMl {
                Construction::Greedy
            } else {
                Construction::Balanced
            };
            let deadline = t0 + Duration::from_secs_f64(p.config.time_limit_seconds);
            let roster = construct_within(p, &scores, kind, Some(deadline));
            let report = check(p, &roster, scorer);
            sol.status = if report.feasible {
                Status::Feasible
            } else {
                Status::NoSolution
            };
            sol.objective = Some(report.objective);
            sol.roster = roster;
            sol.check = Some(report);
            sol.time_to_best_seconds = Some(t0.elapsed().as_secs_f64());
        }
        Method::Milp => {
            let strategy = p.config.strategy.resolve(p);
            sol.strategy = Some(strategy);
            match (strategy, p.config.strategy) {
                (Strategy::Decomposition, Strategy::Auto)
                    if p.employees.len() * p.horizon.days as usize
                        <= AUTO_PROBE_MAX_EMPLOYEE_DAYS =>
                {
                    // `auto` on a small roster: the compact model first, briefly; the
                    // decomposition only when that does not prove optimality (small rosters
                    // whose compact LP is tight are proven in a second).
                    let probe = Problem {
                        config: SolverConfig {
                            time_limit_seconds: p.config.time_limit_seconds * AUTO_PROBE_SHARE,
                            ..p.config.clone()
                        },
                        ..p.clone()
                    };
                    solve_milp(&probe, opts, &scores, &mut sol, t0, None)?;
                    if matches!(sol.status, Status::Optimal | Status::Infeasible) {
                        sol.strategy = Some(Strategy::Compact);
                    } else {
                        let incumbent = sol
                            .status
                            .has_roster()
                            .then(|| (sol.roster.clone(), sol.objective.unwrap_or(f64::INFINITY)));
                        solve_decomposition(p, opts, &scores, &mut sol, t0, incumbent)?;
                    }
                }
                (Strategy::Decomposition, _) => {
                    solve_decomposition(p, opts, &scores, &mut sol, t0, None)?
                }
                _ => solve_milp(p, opts, &scores, &mut sol, t0, None)?,
            }
        }
    }
    sol.wall_seconds = t0.elapsed().as_secs_f64();
    Ok(sol)
}

/// Share of the time limit the decomposition (column generation and its integer master)
/// may take when it does not prove optimality; the compact MILP gets the rest, warm-started
/// from the integer master's roster.
pub const DECOMPOSITION_SHARE: f64 = 0.95;
/// Share of the time limit `auto` gives the compact model before it turns to the
/// decomposition.
pub const AUTO_PROBE_SHARE: f64 = 0.15;
/// Largest `employees × days` on which `auto` tries the compact model before the
/// decomposition (Curtois 1–4); on larger rosters the compact model proves nothing in its
/// share and the decomposition needs the time.
pub const AUTO_PROBE_MAX_EMPLOYEE_DAYS: usize = 300;

/// Largest `employees × days` on which the compact MILP polishes an unproven
/// decomposition roster. Above it building the compact model alone takes longer than the
/// share left to it (Curtois 24: a 60 s run took 87 s with it, 52 s without), and in that
/// share it did not improve the roster of Curtois 13 or 20.
pub const POLISH_MAX_EMPLOYEE_DAYS: usize = 2000;

/// The decomposition's own answer, unproven: its roster (re-verified by the checker) with
/// its bound, or no roster.
fn adopt_decomposition(sol: &mut Solution, d: crate::decompose::Decomposition, t0: Instant) {
    // Reset what an earlier compact probe reported.
    sol.milp = None;
    let bound = d.bound.is_finite().then_some(d.bound);
    match (&d.roster, d.objective) {
        (Some(roster), Some(objective)) => {
            sol.status = Status::Feasible;
            sol.objective = Some(objective);
            sol.best_bound = bound.map(|b| b.min(objective));
            sol.gap = sol
                .best_bound
                .map(|b| ((objective - b) / objective.abs().max(1.0)).max(0.0));
            sol.check = d.report.clone();
            sol.roster = roster.clone();
            sol.time_to_best_seconds = Some(t0.elapsed().as_secs_f64());
        }
        _ => {
            sol.status = Status::TimeLimitNoSolution;
            sol.best_bound = bound;
        }
    }
    sol.decomposition = Some(d);
}

/// The decomposition by employee ([`crate::decompose`]): column generation, then the
/// integer master over the generated columns. When that does not prove the roster optimal,
/// the compact MILP runs for the rest of the time limit from the integer master's roster, and
/// the answer is the better roster with the better bound (re-verified by the checker).
fn solve_decomposition(
    p: &Problem,
    opts: &SolveOptions,
    scores: &PairScores,
    sol: &mut Solution,
    t0: Instant,
    incumbent: Option<(Roster, f64)>,
) -> Result<(), SolveError> {
    let spent = t0.elapsed().as_secs_f64();
    let budget = (p.config.time_limit_seconds - spent) * DECOMPOSITION_SHARE;
    let seeds: Vec<Roster> = incumbent.iter().map(|(r, _)| r.clone()).collect();
    let d = crate::decompose::solve_from(p, opts.scorer, budget.max(MIN_SOLVER_SECONDS), &seeds)?;
    let bound = d.bound.is_finite().then_some(d.bound);
    if d.root_status == crate::decompose::RootStatus::Infeasible {
        sol.status = Status::Infeasible;
        sol.decomposition = Some(d);
        return Ok(());
    }
    if d.proven_optimal() {
        adopt_decomposition(sol, d, t0);
        sol.status = Status::Optimal;
        sol.best_bound = sol.objective;
        sol.gap = Some(0.0);
        return Ok(());
    }
    if p.employees.len() * p.horizon.days as usize > POLISH_MAX_EMPLOYEE_DAYS {
        adopt_decomposition(sol, d, t0);
        return Ok(());
    }
    let found_at = t0.elapsed().as_secs_f64();
    let left = (p.config.time_limit_seconds - found_at).max(MIN_SOLVER_SECONDS);
    let rest = Problem {
        config: SolverConfig {
            time_limit_seconds: left,
            ..p.config.clone()
        },
        ..p.clone()
    };
    // Warm start: the integer master's roster, or an earlier incumbent when that is better.
    let start = match (&d.roster, d.objective, incumbent) {
        (Some(r), Some(o), Some((ir, io))) => Some(if io < o { ir } else { r.clone() }),
        (Some(r), _, None) => Some(r.clone()),
        (_, _, Some((ir, _))) => Some(ir),
        (None, _, None) => None,
    };
    let t1 = Instant::now();
    solve_milp(&rest, opts, scores, sol, t1, start)?;
    let shift = t1.duration_since(t0).as_secs_f64();
    sol.time_to_best_seconds = sol.time_to_best_seconds.map(|t| t + shift);
    if sol.status.has_roster() {
        let objective = sol.objective.expect("a roster has an objective");
        let best = match (sol.best_bound, bound) {
            (Some(a), Some(b)) => Some(a.max(b).min(objective)),
            (a, b) => a.or(b).map(|x| x.min(objective)),
        };
        sol.best_bound = best;
        sol.gap = best.map(|b| ((objective - b) / objective.abs().max(1.0)).max(0.0));
        let closed =
            best.is_some_and(|b| crate::decompose::bound_proves(b, objective, d.integral_costs));
        if closed {
            sol.status = Status::Optimal;
            sol.best_bound = Some(objective);
            sol.gap = Some(0.0);
        }
    } else if sol.status == Status::TimeLimitNoSolution {
        sol.best_bound = match (sol.best_bound, bound) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
    sol.decomposition = Some(d);
    Ok(())
}

fn solve_milp(
    p: &Problem,
    opts: &SolveOptions,
    scores: &PairScores,
    sol: &mut Solution,
    t0: Instant,
    initial: Option<Roster>,
) -> Result<(), SolveError> {
    let tb = Instant::now();
    let score = |e, s| scores.get(e, s);
    let ir = ModelIr::compact(p, &score, BuildMode::Normal);
    let ir_seconds = tb.elapsed().as_secs_f64();
    if !ir.broken_constants.is_empty() {
        sol.status = Status::Infeasible;
        sol.conflicts = ir
            .broken_constants
            .iter()
            .map(|t| conflict(p, t, 1.0, "the locked context alone breaks this rule"))
            .collect();
        return Ok(());
    }
    // The warm start may use a quarter of the time limit; what it leaves is HiGHS's.
    let warm_deadline =
        t0 + Duration::from_secs_f64(WARM_START_SHARE * p.config.time_limit_seconds);
    let construction = match p.config.warm_start {
        WarmStart::None => None,
        WarmStart::GreedyMl => Some(Construction::Greedy),
        WarmStart::BalancedMl => Some(Construction::Balanced),
    };
    let warm = match initial {
        Some(r) => Some(r),
        None => construction.map(|kind| {
            let r = construct_within(p, scores, kind, Some(warm_deadline));
            let budget = repair::Budget::for_seconds(
                IMPROVE_SHARE * p.config.time_limit_seconds,
                warm_deadline,
            );
            polish_warm_start(p, &ir, r, scores, opts.scorer, warm_deadline, budget)
        }),
    };
    let warm_values = warm.as_ref().and_then(|r| {
        let report = check(p, r, opts.scorer);
        report.feasible.then(|| ir.values_of(r)).flatten()
    });
    let warm_objective = warm_values.as_ref().map(|v| ir.objective_of(v));
    let warm_ready = t0.elapsed().as_secs_f64();
    let config = SolverConfig {
        time_limit_seconds: (p.config.time_limit_seconds - warm_ready).max(MIN_SOLVER_SECONDS),
        ..p.config.clone()
    };
    let run = highs_backend::solve(&ir, &config, warm_values.as_deref(), opts.solver_log)?;
    use highs::HighsModelStatus as H;
    sol.milp = Some(MilpStats {
        model: run.size,
        raw_status: format!("{:?}", run.status),
        nodes: run.nodes,
        warm_start_objective: warm_objective,
        build_seconds: ir_seconds + run.build_seconds,
        solve_seconds: run.solve_seconds,
    });
    match (&run.values, run.status) {
        (_, H::Infeasible) => {
            sol.status = Status::Infeasible;
            sol.conflicts = explain_infeasible(p, opts, scores)?;
        }
        (Some(values), status) => {
            let roster = ir.roster_of(values);
            let objective = run.objective.unwrap_or_else(|| ir.objective_of(values));
            // Never report worse than the warm start we handed over.
            // The first HiGHS incumbent as good as its final one (in HiGHS's own objective
            // terms); none, or a better warm start, means the warm start was the best.
            let run_start = warm_ready + run.build_seconds;
            let highs_best = run.objective.and_then(|o| {
                run.incumbents
                    .iter()
                    .find(|i| i.objective <= o + 1e-6 * o.abs().max(1.0))
                    .map(|i| run_start + i.seconds)
            });
            let (roster, objective, found_at) = match (&warm, warm_objective) {
                (Some(w), Some(wo)) if wo < objective - 1e-9 => (w.clone(), wo, warm_ready),
                _ => (roster, objective, highs_best.unwrap_or(warm_ready)),
            };
            sol.time_to_best_seconds = Some(found_at);
            let proven = matches!(status, H::Optimal);
            let bound = if proven {
                run.bound.map(|b| b.min(objective)).or(Some(objective))
            } else {
                run.bound
            };
            sol.status = if proven {
                Status::Optimal
            } else {
                Status::Feasible
            };
            let report = check(p, &roster, opts.scorer);
            // HiGHS's objective carries floating-point noise (606.9999999999978 for 607);
            // when the checker agrees within tolerance, report its exact evaluation of the
            // roster. A disagreement keeps the solver's value, so the mismatch stays visible.
            let objective = if report.feasible
                && (report.objective - objective).abs() <= 1e-6 * objective.abs().max(1.0)
            {
                report.objective
            } else {
                objective
            };
            let bound = bound.map(|b| if proven { b.min(objective) } else { b });
            sol.objective = Some(objective);
            sol.best_bound = bound;
            sol.gap = bound.map(|b| ((objective - b) / objective.abs().max(1.0)).max(0.0));
            sol.check = Some(report);
            sol.roster = roster;
        }
        (None, _) => {
            sol.status = Status::TimeLimitNoSolution;
            sol.best_bound = run.bound;
        }
    }
    Ok(())
}

/// Re-solve with every hard row elastic; rows that must give way explain the infeasibility.
fn explain_infeasible(
    p: &Problem,
    opts: &SolveOptions,
    scores: &PairScores,
) -> Result<Vec<Conflict>, SolveError> {
    let score = |e, s| scores.get(e, s);
    let ir = ModelIr::compact(p, &score, BuildMode::Elastic);
    let mut cfg = p.config.clone();
    // The explanation gets its own budget: a tiny solve limit must not leave it empty.
    cfg.time_limit_seconds = 10.0;
    let run = highs_backend::solve(&ir, &cfg, None, opts.solver_log)?;
    let Some(values) = run.values else {
        return Ok(vec![]);
    };
    let mut out = Vec::new();
    for r in &ir.rows {
        let slack =
            r.below.map_or(0.0, |c| values[c.ix()]) + r.above.map_or(0.0, |c| values[c.ix()]);
        let cost = r.below.map_or(0.0, |c| ir.cols[c.ix()].cost)
            + r.above.map_or(0.0, |c| ir.cols[c.ix()].cost);
        if slack > 1e-6 && cost > 0.0 {
            out.push(conflict(
                p,
                &r.tag,
                slack,
                "cannot hold together with the other hard rules",
            ));
        }
    }
    Ok(out)
}

fn conflict(p: &Problem, t: &RowTag, amount: f64, why: &str) -> Conflict {
    let employee_id = t.employee.map(|e| p.employees[e.ix()].id.clone());
    let slot_id = t.slot.map(|s| p.slots[s.ix()].id.clone());
    let date = t.day.map(|d| p.horizon.date(d).to_string());
    let rule_name = t
        .rule
        .map(|r| format!("{r} ({})", crate::constraints::RuleSpec::of(r).name))
        .unwrap_or_else(|| "one person per shift".into());
    let mut who = Vec::new();
    if let Some(e) = &employee_id {
        who.push(format!("employee {e}"));
    }
    if let Some(s) = &slot_id {
        who.push(format!("slot {s}"));
    }
    if let Some(d) = &date {
        who.push(format!("from {d}"));
    }
    Conflict {
        rule: t.rule,
        employee_id,
        slot_id,
        date,
        amount,
        message: format!(
            "{rule_name}, {}: {why} (short by {amount:.2})",
            who.join(", ")
        ),
    }
}

/// Ask the MILP encoding (not the checker) what it thinks of a given roster: every `x` column
/// is fixed to the roster and HiGHS solves for the slacks. `Ok(None)` when the encoding finds
/// the roster infeasible (or it uses a pair that has no column, i.e. a filtered pair); else
/// the objective. Tests compare this with the checker's verdict on the same roster.
pub fn milp_verdict(
    p: &Problem,
    roster: &Roster,
    scorer: &dyn Scorer,
) -> Result<Option<f64>, SolveError> {
    let scores = PairScores::compute(p, scorer);
    let score = |e, s| scores.get(e, s);
    let mut ir = ModelIr::compact(p, &score, BuildMode::Normal);
    if !ir.broken_constants.is_empty() {
        return Ok(None);
    }
    let wanted: std::collections::BTreeSet<_> = roster.assignments.iter().copied().collect();
    let mut found = 0;
    for c in &mut ir.cols {
        if let crate::model::ColKind::Assign(a) = c.kind {
            let v = if wanted.contains(&a) {
                found += 1;
                1.0
            } else {
                0.0
            };
            c.lo = v;
            c.hi = v;
        }
    }
    if found != wanted.len() {
        return Ok(None);
    }
    let mut cfg = p.config.clone();
    cfg.time_limit_seconds = 30.0;
    let run = highs_backend::solve(&ir, &cfg, None, false)?;
    Ok(match run.status {
        highs::HighsModelStatus::Optimal => run.objective,
        _ => None,
    })
}
