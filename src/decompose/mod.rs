//! Decomposition by employee (Dantzig–Wolfe, DESIGN §4.1): column generation over whole
//! schedules, the Lagrangian bound after every round, and an integer master over the
//! generated columns (price-and-branch).
//!
//! Why: the compact MILP's LP relaxation is weak on sequence and total-time rules (Curtois
//! Instance4: root LP 1261 against an optimum of 1716), so HiGHS's branch-and-bound cannot
//! close the gap. Over whole schedules every per-employee rule is satisfied exactly inside a
//! column, and the master's bound is far stronger. Nothing about a rule is written here: the
//! master takes the coupling rows of the compact model as they are, and each employee's
//! pricing problem is that employee's own rows from the same catalog code
//! ([`crate::model::ModelIr::for_employees`]), locked context included.
//!
//! What it must never do: report a bound that is not a proven lower bound (pricing stopped
//! early contributes its own MILP dual bound, not its incumbent), or a roster the
//! independent checker rejects.

pub mod labeling;
pub mod master;
pub mod pricing;

use std::collections::BTreeSet;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::check::{check, CheckReport};
use crate::constraints::Scope;
use crate::domain::{Assignment, EmployeeIdx, Problem, Roster, SlotIdx};
use crate::heuristics::{construct, Construction};
use crate::model::{BackendError, BuildMode, ModelIr};
use crate::scoring::{PairScores, Scorer};
use master::{Column, MasterLp, MasterShape};
use pricing::{Pricer, Pricing};

/// Schedules one labeling pass may return for an employee: several columns per round cut the
/// rounds column generation needs.
pub const COLUMNS_PER_PRICING: usize = 3;

/// Reduced cost (relative to the convexity dual, at least 1) below which a schedule enters
/// the master.
const ENTER: f64 = -1e-6;
/// Share of the time limit column generation may take before the integer master runs.
pub const ROOT_SHARE: f64 = 0.75;
/// Longest one pricing MILP may run.
const PRICING_SECONDS: f64 = 10.0;

/// Errors of the decomposition.
#[derive(Debug, thiserror::Error)]
pub enum DecomposeError {
    /// HiGHS failed on a pricing problem.
    #[error(transparent)]
    Backend(#[from] BackendError),
    /// The master LP could not be solved.
    #[error("the master LP could not be solved (HiGHS status not optimal) in round {0}")]
    Master(usize),
}

/// How column generation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RootStatus {
    /// No schedule with negative reduced cost is left: the master LP is the LP optimum of
    /// the decomposition and its value the root bound.
    Converged,
    /// The time limit stopped it; the bound is the best Lagrangian bound seen.
    TimeLimit,
    /// Some employee has no schedule that keeps their own hard rules, or the master needs
    /// an artificial column at the optimum: no roster exists.
    Infeasible,
}

/// What the decomposition found.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decomposition {
    /// How column generation ended.
    pub root_status: RootStatus,
    /// Rounds of pricing.
    pub rounds: usize,
    /// Schedules generated (initial ones included).
    pub columns: usize,
    /// Master rows: coupling rows and one convexity row per employee.
    pub master_rows: usize,
    /// Master LP objective at the last round.
    pub master_objective: f64,
    /// The best lower bound proven (Lagrangian bound; the master objective once converged).
    pub bound: f64,
    /// The integer master's roster (re-verified by the checker), if it found one.
    #[serde(skip)]
    pub roster: Option<Roster>,
    /// Its objective as the checker recomputes it.
    pub objective: Option<f64>,
    /// The checker's report on that roster.
    #[serde(skip)]
    pub report: Option<CheckReport>,
    /// The integer master proved its roster optimal over the generated columns.
    pub integer_master_optimal: bool,
    /// Seconds in pricing (labeling and MILPs).
    pub pricing_seconds: f64,
    /// Pricing problems the labeling pricer decided.
    pub labeling_pricings: usize,
    /// Pricing problems the MILP decided.
    pub milp_pricings: usize,
    /// Seconds in master LPs.
    pub master_seconds: f64,
    /// Seconds in the integer master.
    pub integer_seconds: f64,
    /// Every objective coefficient is an integer, so every roster's objective is.
    pub integral_costs: bool,
}

impl Decomposition {
    /// The roster is proven optimal: integral costs make any roster within 1 of the bound
    /// optimal once `⌈bound⌉ ≥ objective`, and equal values prove it whatever the costs.
    pub fn proven_optimal(&self) -> bool {
        self.objective
            .is_some_and(|o| bound_proves(self.bound, o, self.integral_costs))
    }
}

/// Whether a lower `bound` proves a roster of `objective` optimal: with integral costs every
/// objective is an integer, so `⌈bound⌉ ≥ objective` suffices; otherwise they must meet.
pub fn bound_proves(bound: f64, objective: f64, integral_costs: bool) -> bool {
    if integral_costs {
        (bound - 1e-6).ceil() >= objective - 1e-6
    } else {
        bound >= objective - 1e-6 * objective.abs().max(1.0)
    }
}

/// Column generation at the root, then the integer master over the generated columns, all
/// within `time_limit` seconds.
pub fn solve(
    p: &Problem,
    scorer: &dyn Scorer,
    time_limit: f64,
) -> Result<Decomposition, DecomposeError> {
    let t0 = Instant::now();
    let scores = PairScores::compute(p, scorer);
    let score = |e: EmployeeIdx, s: SlotIdx| scores.get(e, s);
    let all: Vec<EmployeeIdx> = (0..p.employees.len() as u32).map(EmployeeIdx).collect();
    let mut compact = ModelIr::for_employees(p, all.clone(), &score, BuildMode::Normal);
    let (own_cols, own_rows) = (compact.cols.len(), compact.rows.len());
    for rule in p.rules.iter() {
        if rule.scope() == Scope::Coupling {
            rule.encode_coupling(&mut compact);
        }
    }
    let shape = MasterShape::from_compact(&compact, own_cols, own_rows);
    let pricers: Vec<Pricer> = all.iter().map(|&e| Pricer::new(p, e, &score)).collect();
    let mut out = Decomposition {
        root_status: RootStatus::TimeLimit,
        rounds: 0,
        columns: 0,
        master_rows: shape.coupling_rows() + p.employees.len(),
        master_objective: f64::NAN,
        bound: f64::NEG_INFINITY,
        roster: None,
        objective: None,
        report: None,
        integer_master_optimal: false,
        pricing_seconds: 0.0,
        labeling_pricings: 0,
        milp_pricings: 0,
        master_seconds: 0.0,
        integer_seconds: 0.0,
        integral_costs: compact
            .cols
            .iter()
            .all(|c| (c.cost - c.cost.round()).abs() < 1e-9),
    };
    if pricers.iter().any(|pr| pr.broken) || !compact.broken_constants.is_empty() {
        out.root_status = RootStatus::Infeasible;
        return Ok(out);
    }
    let mut master = MasterLp::new(&shape, &p.config);
    // A schedule is new unless the master holds it at the same cost: pricing can return a
    // schedule already there at a lower cost than an initial column was given (its own slack
    // and auxiliary columns set better than the roster's least values), and that cheaper copy
    // must enter or column generation stalls.
    let mut seen: BTreeSet<(EmployeeIdx, Vec<SlotIdx>, i64)> = BTreeSet::new();
    let mut add = |master: &mut MasterLp, c: Column| -> bool {
        let new = seen.insert((c.employee, c.slots.clone(), (c.cost * 1e6).round() as i64));
        if new {
            master.add(c);
        }
        new
    };
    // Initial columns: the greedy roster's schedules and the empty ones, where they keep the
    // employee's own hard rules.
    let greedy = construct(p, &scores, Construction::Greedy);
    for pr in &pricers {
        for r in [&greedy, &Roster::default()] {
            if let Some((slots, cost)) = pr.cost_of(r) {
                add(
                    &mut master,
                    Column {
                        employee: pr.employee,
                        slots,
                        cost,
                    },
                );
            }
        }
    }
    let root_deadline = time_limit * ROOT_SHARE;
    let mut pricing_cfg = p.config.clone();
    pricing_cfg.mip_rel_gap = 0.0;
    pricing_cfg.mip_abs_gap = 1e-7;
    loop {
        let left = root_deadline - t0.elapsed().as_secs_f64();
        if left <= 0.0 {
            break;
        }
        let tm = Instant::now();
        let sol = master
            .solve(left)
            .ok_or(DecomposeError::Master(out.rounds))?;
        out.master_seconds += tm.elapsed().as_secs_f64();
        out.master_objective = sol.objective;
        out.rounds += 1;
        let tp = Instant::now();
        let mut lagrangian = sol.objective;
        let mut added = 0;
        let mut exact = true;
        let dual = |a: Assignment| shape.dual_of(&sol.coupling_duals, a);
        // Labeling first, every employee in parallel (pure Rust, nothing shared); the MILP
        // then prices, one at a time, whoever labeling could not decide.
        let labeled: Vec<Option<Pricing>> = pricers
            .par_iter()
            .map(|pr| {
                let mu = sol.convexity_duals[pr.employee.ix()];
                pr.price_by_labeling(&dual, mu, COLUMNS_PER_PRICING)
            })
            .collect();
        for (pr, by_labels) in pricers.iter().zip(labeled) {
            let pricing = match by_labels {
                Some(pricing) => {
                    out.labeling_pricings += 1;
                    pricing
                }
                None => {
                    let left = root_deadline - t0.elapsed().as_secs_f64();
                    if left <= 0.0 {
                        exact = false;
                        lagrangian = f64::NEG_INFINITY;
                        break;
                    }
                    pricing_cfg.time_limit_seconds = left.min(PRICING_SECONDS);
                    out.milp_pricings += 1;
                    let mu = sol.convexity_duals[pr.employee.ix()];
                    pr.price(&dual, mu, &pricing_cfg)?
                }
            };
            match pricing {
                Pricing::Columns(list) => {
                    let best = &list[0];
                    exact &= best.reduced_cost_bound >= best.reduced_cost - 1e-6;
                    lagrangian += best.reduced_cost_bound.min(0.0);
                    for priced in list {
                        // A schedule already in the master prices at its LP reduced cost (≥ 0
                        // up to round-off): it is not a new column, and the round may still
                        // converge.
                        if priced.reduced_cost < ENTER
                            && add(
                                &mut master,
                                Column {
                                    employee: pr.employee,
                                    slots: priced.slots,
                                    cost: priced.cost,
                                },
                            )
                        {
                            added += 1;
                        }
                    }
                }
                Pricing::NoneNegative { bound } => lagrangian += bound,
                Pricing::Unknown { bound } => {
                    exact = false;
                    lagrangian += bound;
                }
            }
        }
        out.pricing_seconds += tp.elapsed().as_secs_f64();
        out.bound = out.bound.max(lagrangian);
        tracing::info!(
            round = out.rounds,
            master = sol.objective,
            bound = out.bound,
            added,
            "column generation"
        );
        // Converged: no new column with proven pricing, or the Lagrangian bound has met the
        // master objective (then the restricted master is already LP-optimal; what pricing
        // still returns are degenerate columns of round-off reduced cost).
        let met = out.bound >= sol.objective - 1e-6 * sol.objective.abs().max(1.0);
        if (added == 0 && exact) || met {
            out.bound = out.bound.max(sol.objective);
            out.root_status = if sol.artificial > 1e-6 {
                RootStatus::Infeasible
            } else {
                RootStatus::Converged
            };
            break;
        }
    }
    out.columns = master.columns.len();
    if out.root_status == RootStatus::Infeasible {
        return Ok(out);
    }
    let ti = Instant::now();
    let left = (time_limit - t0.elapsed().as_secs_f64()).max(1.0);
    if let Some((chosen, _, _, proven)) = master.solve_integer(left) {
        let roster = Roster::new(
            chosen
                .iter()
                .flat_map(|&i| {
                    let c = &master.columns[i];
                    c.slots.iter().map(move |&s| Assignment {
                        employee: c.employee,
                        slot: s,
                    })
                })
                .collect(),
        );
        let report = check(p, &roster, scorer);
        if report.feasible {
            out.objective = Some(report.objective);
            out.report = Some(report);
            out.roster = Some(roster);
            out.integer_master_optimal = proven;
        } else {
            tracing::warn!(
                violations = report.hard_violations.len(),
                "integer master roster rejected by the checker"
            );
        }
    }
    out.integer_seconds = ti.elapsed().as_secs_f64();
    Ok(out)
}
