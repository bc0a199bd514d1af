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

mod branch;
mod descent;
pub mod labeling;
mod lns;
pub mod master;
pub mod pricing;

use std::collections::BTreeSet;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::check::{check, CheckReport};
use crate::constraints::Scope;
use crate::domain::{Assignment, EmployeeIdx, Problem, Roster, SlotIdx};
use crate::heuristics::{construct_within, Construction};
use crate::model::{BackendError, BuildMode, ModelIr};
use crate::scoring::{PairScores, Scorer};
use master::{Column, MasterLp, MasterShape, MasterSolution};
use pricing::{Effort, Pricer, Pricing, Restrict};

/// Schedules one labeling pass may return for an employee: several columns per round cut the
/// rounds column generation needs.
pub const COLUMNS_PER_PRICING: usize = 3;

/// Reduced cost (relative to the convexity dual, at least 1) below which a schedule enters
/// the master.
const ENTER: f64 = -1e-6;
/// Share of the time limit column generation may take before the integer master runs.
pub const ROOT_SHARE: f64 = 0.75;
/// Share of the time limit each start construction (`greedy_ml`, then `balanced_ml`) may
/// take.
const CONSTRUCTION_SHARE: f64 = 0.05;
/// Share of the time limit the root's integer master may take.
const ROOT_INTEGER_SHARE: f64 = 0.05;
/// With heuristic pricing first, every this many rounds one round prices exactly.
const EXACT_EVERY: usize = 8;
/// When the root did not converge: share of the time limit the neighbourhood search may run
/// until.
const LNS_END_SHARE: f64 = 0.97;
/// When the root did not converge: share of the time left (until [`LNS_END_SHARE`]) the dive
/// may take; then best responses repair what it hands back until
/// [`UNCONVERGED_REPAIR_END_SHARE`] of the limit, and the neighbourhood search follows.
const UNCONVERGED_DIVE_SHARE: f64 = 0.6;
const UNCONVERGED_REPAIR_END_SHARE: f64 = 0.96;
/// When the root did not converge: share of the time left that the repair of its column
/// dive's rounding takes before the integer master and the dive (the first roster; the
/// dive's is most often better).
const UNCONVERGED_REPAIR_SHARE: f64 = 0.1;
/// At this share of the time limit, a root whose Lagrangian bound is still more than
/// [`ROOT_GIVE_UP_GAP`] (relative) below its master's value stops (see
/// [`far_from_converged`]), and the dive takes over with the time that was the root's
/// until [`ROOT_SHARE`].
///
/// Why: on Curtois 15 the root's master value was within 0.6 % of its final 3826 at 30 s
/// (3850), while the dive from it, with about 20 s where it had had 4–5, kept its LP within
/// 2 % of the root's for 30 of the 45 employees; one 60 s run per seed, seeds 0–3: 4291 /
/// 4288 / 4506 / 4392 against 4896 / 4573 / 4818 / 4777 with the root until 45 s (2 cores).
/// Also Curtois 13: 3652 against 3792; 18: 4948 against 5097 (seed 0).
const ROOT_CHECK_SHARE: f64 = 0.5;
const ROOT_GIVE_UP_GAP: f64 = 0.01;
/// Rosters above this many employee-days get a best-response search from the start rosters
/// before the root, until this share of the time limit. (0.4 rather than 0.1, one 60 s run
/// each: Curtois 13 5030 → 4507, 20 15421 → 11252, 21 76414 → 65338, 19 6779 → 7212; on
/// these the root gets 8–25 rounds either way and never converges.)
const START_DESCENT_MIN_EMPLOYEE_DAYS: usize = 2000;
const START_DESCENT_SHARE: f64 = 0.4;
/// A root converged after this share of the time limit is late: the repair of its rounding
/// by best responses may take [`ROOT_DESCENT_SHARE`] of the time left (an early one's, on a
/// large roster, [`EARLY_ROOT_DESCENT_SHARE`] of the limit).
const LATE_ROOT_SHARE: f64 = 0.4;
/// Share of the time left after a late root that the repair of its rounding may take.
const ROOT_DESCENT_SHARE: f64 = 0.5;
/// Share of the time limit the repair of an early root's rounding may take, on rosters above
/// [`EARLY_REPAIR_MIN_EMPLOYEE_DAYS`] (Curtois 11, 14, 17: 1,400–1,800 employee-days; 7–10 and
/// 16, which branch-and-price proves, are at most 1,120).
const EARLY_ROOT_DESCENT_SHARE: f64 = 0.1;
const EARLY_REPAIR_MIN_EMPLOYEE_DAYS: usize = 1200;
/// From this many employees an early root's repair gets [`LONG_DIVE_DESCENT_SHARE`] of the
/// time left: a dive fixes one or two employees per step at 0.3–1.1 s a master re-solve, and
/// on Curtois 12 (60 employees; 11, 14, 16, 17, which branch-and-price proves, have at most
/// 50) it had 20–45 steps left to go at the limit. Best responses from the root's rounding
/// instead, one 60 s run each: 5089 after 6 s, 4788 after half the time left (2 of 2 runs),
/// 4591 and 4682 after 85 % of it.
pub(super) const LONG_DIVE_EMPLOYEES: usize = 60;
const LONG_DIVE_DESCENT_SHARE: f64 = 0.8;
/// A column dive fixes every schedule at least this large in the master LP (one 60 s run
/// per seed, Curtois 12 seeds 0–3 and 15 seeds 0–1: 4070/4061/4062/4171 and 4364/4461 at
/// 0.9; at 0.6, 4167/4081/4274/4182 and 4681/4676; at 0.99, 4388/4164/4089/4367 and
/// 4673/4789).
const COLUMN_DIVE_FIX_AT: f64 = 0.9;
/// Share of the time left that a column dive may take (Curtois 15: 1.4 s of its 1.7).
const COLUMN_DIVE_SHARE: f64 = 0.1;
/// Ruin-and-recreate steps in a row without a better roster, per employee, before the
/// search from the root's rounding stops.
const STALL_PER_EMPLOYEE: usize = 4;
/// Column generation with heuristic pricing alone (dives from an unconverged root, the last
/// steps of other dives) ends when the master's value gained less than `TAIL_GAIN` (relative)
/// over the last `TAIL_ROUNDS` rounds. Why: on Curtois 15 a dive step's master stayed within
/// 0.01 % for 15 rounds of 0.2 s while pricing still found 1–10 columns a round (3846.4 at
/// the first and the last); with this end its dive made 16 steps where it made 8.
const TAIL_ROUNDS: usize = 3;
const TAIL_GAIN: f64 = 1e-4;
/// Seconds between two progress lines.
const PROGRESS_EVERY: f64 = 2.0;
/// Wentges smoothing (dual stabilisation): pricing first sees `SMOOTHING · centre +
/// (1 − SMOOTHING) · master duals`, the centre being the duals of the best Lagrangian bound
/// so far (once no artificial is in the master). Measured, one 60 s run each on 2 cores: at
/// 0.2 Curtois 12's root converges (4040.0 at 34–38 s; unconverged at 43 s without), 7 is
/// proven at 21.8 s (30.9), 11 at 15.6 s (25.7), 10 at 23.3 s (unproven); at 0.5 the
/// roots of 12 and 15 end lower (3933, 3582 against 4036, 3729 without), at 0.8 far lower.
const SMOOTHING: f64 = 0.2;
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
    /// Master LP objective at the root's last round.
    pub master_objective: f64,
    /// The root's bound (Lagrangian bound; the master objective once converged).
    pub root_bound: f64,
    /// The best lower bound proven: the root bound, raised by branch-and-price (the least
    /// bound of its open nodes, or the incumbent once none is left).
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
    /// Branch-and-price nodes whose column generation ran (the root not counted).
    pub nodes: usize,
    /// Nodes still open when time ran out (0 once the search is complete).
    pub open_nodes: usize,
    /// Column generations run by the dive (the primal heuristic of branch-and-price).
    pub dive_steps: usize,
    /// Neighbourhoods the large neighbourhood search re-optimised (a few employees freed,
    /// the others on their incumbent schedule).
    pub neighbourhoods: usize,
    /// Neighbourhoods that improved the incumbent.
    pub neighbourhood_improvements: usize,
    /// Ruin-and-recreate steps of the best-response search.
    pub ruins: usize,
    /// Times the best-response search improved the incumbent.
    pub descent_improvements: usize,
    /// Wall seconds in the best-response search.
    pub descent_seconds: f64,
    /// Seconds in pricing (labeling and MILPs).
    pub pricing_seconds: f64,
    /// Pricing problems the labeling pricer decided.
    pub labeling_pricings: usize,
    /// Pricing problems the MILP decided.
    pub milp_pricings: usize,
    /// Rounds whose pricing at the smoothed duals found no schedule entering the master, so
    /// that pricing ran again at the master's duals.
    pub mispricings: usize,
    /// Seconds in master LPs.
    pub master_seconds: f64,
    /// Seconds in the integer master at the root.
    pub integer_seconds: f64,
    /// Seconds in branch-and-price (its pricing and master time included in theirs).
    pub branch_seconds: f64,
    /// Every objective coefficient is an integer, so every roster's objective is.
    pub integral_costs: bool,
}

impl Decomposition {
    /// The report before any search: nothing found, no bound.
    pub(crate) fn empty(master_rows: usize, integral_costs: bool) -> Self {
        Decomposition {
            root_status: RootStatus::TimeLimit,
            rounds: 0,
            columns: 0,
            master_rows,
            master_objective: f64::NAN,
            root_bound: f64::NEG_INFINITY,
            bound: f64::NEG_INFINITY,
            roster: None,
            objective: None,
            report: None,
            integer_master_optimal: false,
            nodes: 0,
            open_nodes: 0,
            dive_steps: 0,
            neighbourhoods: 0,
            neighbourhood_improvements: 0,
            ruins: 0,
            descent_improvements: 0,
            descent_seconds: 0.0,
            pricing_seconds: 0.0,
            labeling_pricings: 0,
            milp_pricings: 0,
            mispricings: 0,
            master_seconds: 0.0,
            integer_seconds: 0.0,
            branch_seconds: 0.0,
            integral_costs,
        }
    }

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

/// Column generation at the root, the integer master over the generated columns, then
/// branch-and-price for the proof, all within `time_limit` seconds.
pub fn solve(
    p: &Problem,
    scorer: &dyn Scorer,
    time_limit: f64,
) -> Result<Decomposition, DecomposeError> {
    solve_from(p, scorer, time_limit, &[])
}

/// [`solve`] with rosters found before (the compact model's incumbent): their schedules are
/// initial columns, and the best of them that the checker accepts is the first incumbent.
pub fn solve_from(
    p: &Problem,
    scorer: &dyn Scorer,
    time_limit: f64,
    seeds: &[Roster],
) -> Result<Decomposition, DecomposeError> {
    let t0 = Instant::now();
    let scores = PairScores::compute(p, scorer);
    let Parts {
        shape,
        pricers,
        mut out,
        broken,
    } = Parts::new(p, &scores);
    if broken {
        out.root_status = RootStatus::Infeasible;
        return Ok(out);
    }
    let mut engine = Engine::new(p, &shape, &pricers, t0);
    let mut master = MasterLp::new(&shape, &p.config);
    // Initial columns: the schedules of the `greedy_ml` and `balanced_ml` rosters, of the
    // seeds, and the empty ones, where they keep the employee's own hard rules.
    // Each construction may take a share of the time: on a year's roster they are slow,
    // and what one leaves unfinished the best responses rebuild.
    let build = |k: f64| Some(engine.instant_at(time_limit * CONSTRUCTION_SHARE * k));
    let mut starts = vec![
        construct_within(p, &scores, Construction::Greedy, build(1.0)),
        construct_within(p, &scores, Construction::Balanced, build(2.0)),
        Roster::default(),
    ];
    starts.extend(seeds.iter().cloned());
    engine.add_rosters(&mut master, &starts);
    let greedy = starts[0].clone();
    let mut incumbent = Incumbent::default();
    // Every start that keeps the hard rules is a first incumbent (the neighbourhood search
    // needs one even when the root has no dive).
    for r in starts {
        let report = check(p, &r, scorer);
        if report.feasible {
            incumbent.consider(r, report);
        }
    }
    let n = p.employees.len();
    // On large rosters the root rarely converges in time and its rounding comes from a poor
    // LP: best responses from the best start make the first roster (its schedules become
    // columns). Not on smaller ones, where the root's own path proves more (with this search
    // first, Curtois 16 was no longer proven).
    if n * p.horizon.days as usize > START_DESCENT_MIN_EMPLOYEE_DAYS {
        let start = incumbent
            .best
            .as_ref()
            .map_or_else(|| greedy.clone(), |(r, _)| r.clone());
        let until = time_limit * START_DESCENT_SHARE;
        descent::improve(&engine, &mut out, &mut incumbent, scorer, &start, until, n);
        if let Some((roster, _)) = &incumbent.best {
            engine.add_rosters(&mut master, std::slice::from_ref(roster));
        }
        engine.progress(
            &out,
            master.columns.len(),
            "best responses",
            out.bound,
            true,
        );
    }
    let none = vec![Restrict::default(); n];
    let root = engine.column_generation(
        &mut master,
        &none,
        time_limit * ROOT_SHARE,
        None,
        f64::NEG_INFINITY,
        Effort::HeuristicFirst,
        Some(time_limit * ROOT_CHECK_SHARE),
        &mut out,
    )?;
    out.root_status = match root.end {
        NodeEnd::Converged => RootStatus::Converged,
        NodeEnd::Infeasible => RootStatus::Infeasible,
        NodeEnd::TimeLimit | NodeEnd::Pruned => RootStatus::TimeLimit,
    };
    out.root_bound = root.bound;
    out.bound = root.bound;
    engine.progress(
        &out,
        master.columns.len(),
        &format!("root {:?}", out.root_status),
        out.bound,
        true,
    );
    if let Some(sol) = &root.solution {
        out.master_objective = sol.objective;
    }
    if out.root_status == RootStatus::Infeasible {
        out.columns = master.columns.len();
        return Ok(out);
    }
    // The root LP's rounding (by a dive over its columns), repaired by best responses, is a
    // first roster (for as long as `repair_until` says).
    let employee_days = n * p.horizon.days as usize;
    let now = engine.elapsed();
    let gave_up = root.end == NodeEnd::TimeLimit && far_from_converged(&root);
    let repair = repair_until(out.root_status, now, time_limit, n, employee_days, gave_up);
    if let (Some(sol), Some(until)) = (&root.solution, repair) {
        let dive_until = now + (time_limit - now) * COLUMN_DIVE_SHARE;
        let rounded = column_dive(&engine, &mut master, sol, dive_until);
        descent::improve(
            &engine,
            &mut out,
            &mut incumbent,
            scorer,
            &rounded,
            until,
            STALL_PER_EMPLOYEE * n,
        );
        let what = format!("root rounding repaired: {:?}", incumbent.objective());
        engine.progress(&out, master.columns.len(), &what, out.bound, true);
    }
    let ti = Instant::now();
    // The root's integer master is a quick incumbent for branch-and-price, not the search.
    let left = (time_limit - t0.elapsed().as_secs_f64())
        .min(time_limit * ROOT_INTEGER_SHARE)
        .max(1.0);
    let start = incumbent.columns_in(&master);
    if let Some((chosen, _, _, proven)) = master.solve_integer(left, false, start.as_deref()) {
        let columns: Vec<&Column> = chosen.iter().map(|&i| &master.columns[i]).collect();
        // Its proof holds over the columns whether or not its roster beats the incumbent
        // (the repaired rounding may already be as good).
        incumbent.offer(p, scorer, roster_of(&columns));
        out.integer_master_optimal = proven;
    }
    out.integer_seconds = ti.elapsed().as_secs_f64();
    if out.root_status == RootStatus::Converged {
        let tb = Instant::now();
        let solution = root.solution.expect("a converged master has a solution");
        branch::branch_and_price(
            &mut engine,
            &mut out,
            &mut incumbent,
            scorer,
            &mut master,
            solution,
            time_limit,
        )?;
        out.branch_seconds = tb.elapsed().as_secs_f64();
    } else if out.root_status == RootStatus::TimeLimit {
        // No bound to branch on, but the root's LP still leads a dive to a roster (heuristic
        // pricing: no proof is wanted), and the columns so far improve it a few employees at
        // a time.
        let tb = Instant::now();
        if let Some(solution) = root.solution {
            let now = t0.elapsed().as_secs_f64();
            let deadline = now + (time_limit * LNS_END_SHARE - now) * UNCONVERGED_DIVE_SHARE;
            let floor = out.root_bound;
            let handed = branch::dive(
                &mut engine,
                &mut out,
                &mut incumbent,
                scorer,
                &mut master,
                solution,
                Vec::new(),
                floor,
                deadline,
                Effort::Heuristic,
                0,
                true,
            )?;
            // What the dive fixed, completed by the integer master, repaired by best
            // responses (from the incumbent when the dive handed nothing back).
            let start = handed.or_else(|| incumbent.best.as_ref().map(|(r, _)| r.clone()));
            if let Some(start) = start {
                let until = time_limit * UNCONVERGED_REPAIR_END_SHARE;
                let stall = STALL_PER_EMPLOYEE * n;
                descent::improve(
                    &engine,
                    &mut out,
                    &mut incumbent,
                    scorer,
                    &start,
                    until,
                    stall,
                );
                let what = format!("dive repaired: {:?}", incumbent.objective());
                engine.progress(&out, master.columns.len(), &what, out.bound, true);
            }
        }
        let deadline = time_limit * LNS_END_SHARE;
        lns::neighbourhood_search(
            &mut engine,
            &mut out,
            &mut incumbent,
            scorer,
            &mut master,
            deadline,
        )?;
        out.branch_seconds = tb.elapsed().as_secs_f64();
    }
    out.columns = master.columns.len();
    if let Some((roster, report)) = incumbent.best {
        out.objective = Some(report.objective);
        out.report = Some(report);
        out.roster = Some(roster);
    }
    Ok(out)
}

/// Whether an unfinished root (`give_up` of [`Engine::column_generation`]) is worth stopping
/// for a dive: its master holds no artificial column any more (every employee has a schedule
/// to fix), and its Lagrangian bound is more than [`ROOT_GIVE_UP_GAP`] below its value (no
/// bound yet: it is). A master with artificials goes on: on Curtois 22 (50 × 364) the root had
/// one round at half the limit, and neither its rounding nor the dive's led best responses to
/// any roster (96763 when the root went on).
fn far_from_converged(root: &NodeLp) -> bool {
    root.solution.as_ref().is_some_and(|s| {
        s.artificial <= 1e-6
            && s.objective - root.bound > ROOT_GIVE_UP_GAP * s.objective.abs().max(1.0)
    })
}

/// Until when (seconds since the start) best responses repair the root LP's rounding, if at
/// all, for a root that ended with `status` at `now` on a roster of `employees` and
/// `employee_days`.
///
/// With many employees ([`LONG_DIVE_EMPLOYEES`]) and a converged root, the dive cannot finish
/// in time: the repair gets most of the time left. When the root `gave_up` for a dive
/// (see [`far_from_converged`]), the repair is short ([`UNCONVERGED_REPAIR_SHARE`]): the dive
/// makes the better roster, and its own repair gets the time. When the root ran until
/// [`ROOT_SHARE`] unconverged (Curtois 22, 50 × 364: one round, artificials left, and best
/// responses need most of the time left to rebuild a year) or converged late, the repair gets
/// half the time left (branch-and-price's dive has no time to reach a good roster either).
/// When it converged early, branch-and-price needs the time for its proof: the repair runs
/// only on large
/// rosters, for a tenth of the limit (without it a root converged just before the late mark
/// left Curtois 14 at 1783 instead of 1387). Below that size the proofs keep the earlier
/// path; Curtois 7 is unproven in some runs with or without the repair (timing).
fn repair_until(
    status: RootStatus,
    now: f64,
    time_limit: f64,
    employees: usize,
    employee_days: usize,
    gave_up: bool,
) -> Option<f64> {
    let converged = status == RootStatus::Converged;
    let left = time_limit - now;
    if converged && employees >= LONG_DIVE_EMPLOYEES {
        Some(now + left * LONG_DIVE_DESCENT_SHARE)
    } else if !converged && gave_up {
        Some(now + left * UNCONVERGED_REPAIR_SHARE)
    } else if !converged || now > time_limit * LATE_ROOT_SHARE {
        Some(now + left * ROOT_DESCENT_SHARE)
    } else if employee_days > EARLY_REPAIR_MIN_EMPLOYEE_DAYS {
        Some(now + time_limit * EARLY_ROOT_DESCENT_SHARE)
    } else {
        None
    }
}

/// What every search of the decomposition starts from: the master's shape (the coupling
/// rows of the compact model), every employee's pricer, and an empty report.
struct Parts<'p> {
    shape: MasterShape,
    pricers: Vec<Pricer<'p>>,
    out: Decomposition,
    /// A hard rule is broken by the locked context alone: no roster exists.
    broken: bool,
}

impl<'p> Parts<'p> {
    fn new(p: &'p Problem, scores: &PairScores) -> Self {
        let score = |e: EmployeeIdx, s: SlotIdx| scores.get(e, s);
        let all: Vec<EmployeeIdx> = (0..p.employees.len() as u32).map(EmployeeIdx).collect();
        // The coupling rows over every employee's `x` columns, without the employees' own
        // rows (the pricers hold those): on a year's roster (Curtois 24) the own rows are
        // 50 M nonzeros that the master never reads.
        let mut coupling = ModelIr::new(p, all.clone(), &score, BuildMode::Normal);
        let (own_cols, own_rows) = (coupling.cols.len(), coupling.rows.len());
        for rule in p.rules.iter() {
            if rule.scope() == Scope::Coupling {
                rule.encode_coupling(&mut coupling);
            }
        }
        let shape = MasterShape::from_compact(&coupling, own_cols, own_rows);
        // Each employee's model is their own: built in parallel (a year of 150 employees,
        // Curtois 24, takes seconds per core).
        let pricers: Vec<Pricer> = all.par_iter().map(|&e| Pricer::new(p, e, &score)).collect();
        let integral = coupling.integral_costs() && pricers.iter().all(|pr| pr.integral_costs());
        let out = Decomposition::empty(shape.coupling_rows() + p.employees.len(), integral);
        let broken = pricers.iter().any(|pr| pr.broken) || !coupling.broken_constants.is_empty();
        Parts {
            shape,
            pricers,
            out,
            broken,
        }
    }
}

/// A dive over the master's columns alone, without pricing: fix every employee whose largest
/// schedule is at least [`COLUMN_DIVE_FIX_AT`] (and the largest fractional one), re-solve the
/// master LP over the columns left open, until every employee is fixed or `until` (seconds
/// since the start) passes; the rest take their largest schedule. The master is open again
/// afterwards.
///
/// Why: when the root LP is near the optimum but fractional, each employee's heaviest
/// schedule alone rarely meets the cover (Curtois 15: its LP 3832.8 against an optimum of
/// 3828, the heaviest rounding, repaired, 4785–5205). Re-solving after each fix lets the
/// others' weights move to cover what the fixed ones leave, as a dive does; without pricing a
/// step is one warm-started LP re-solve (tens of milliseconds on 15), so the dive ends in
/// seconds where the dive with column generation took four steps in five seconds.
fn column_dive(
    engine: &Engine,
    master: &mut MasterLp,
    start: &MasterSolution,
    until: f64,
) -> Roster {
    let n = engine.problem.employees.len();
    let mut chosen: Vec<Option<Vec<SlotIdx>>> = vec![None; n];
    let mut values = start.values.clone();
    loop {
        let mut largest: Vec<Option<(f64, usize)>> = vec![None; n];
        for (i, (c, &v)) in master.columns.iter().zip(&values).enumerate() {
            let e = c.employee.ix();
            if chosen[e].is_none() && v > 1e-6 && largest[e].is_none_or(|(w, _)| v > w) {
                largest[e] = Some((v, i));
            }
        }
        let top = largest
            .iter()
            .enumerate()
            .filter_map(|(e, l)| l.map(|(v, _)| (e, v)))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        let Some((top, _)) = top else { break };
        let last = engine.elapsed() >= until;
        for (e, l) in largest.iter().enumerate() {
            if let Some((v, i)) = *l {
                if last || e == top || v >= COLUMN_DIVE_FIX_AT {
                    chosen[e] = Some(master.columns[i].slots.clone());
                }
            }
        }
        if last {
            break;
        }
        master.restrict(&|c| {
            chosen[c.employee.ix()]
                .as_ref()
                .is_none_or(|slots| *slots == c.slots)
        });
        let left = (until - engine.elapsed()).max(0.1);
        match master.solve(left) {
            Some(sol) => values = sol.values,
            None => break,
        }
    }
    master.restrict(&|_| true);
    Roster::new(
        chosen
            .into_iter()
            .enumerate()
            .flat_map(|(e, slots)| {
                let employee = EmployeeIdx(e as u32);
                slots
                    .into_iter()
                    .flatten()
                    .map(move |slot| Assignment { employee, slot })
            })
            .collect(),
    )
}

/// Tests' search set-up: `p`'s parts, an engine started now and a master without columns,
/// handed to `f`.
#[cfg(test)]
fn with_engine<R>(
    p: &Problem,
    scores: &PairScores,
    f: impl FnOnce(&mut Engine<'_, '_>, &mut MasterLp<'_>, &mut Decomposition) -> R,
) -> R {
    let Parts {
        shape,
        pricers,
        mut out,
        ..
    } = Parts::new(p, scores);
    let mut engine = Engine::new(p, &shape, &pricers, Instant::now());
    let mut master = MasterLp::new(&shape, &p.config);
    f(&mut engine, &mut master, &mut out)
}

/// The roster the schedules `columns` make together.
fn roster_of(columns: &[&Column]) -> Roster {
    Roster::new(
        columns
            .iter()
            .flat_map(|c| {
                c.slots.iter().map(move |&s| Assignment {
                    employee: c.employee,
                    slot: s,
                })
            })
            .collect(),
    )
}

/// The best roster found so far, re-verified by the checker.
#[derive(Default)]
struct Incumbent {
    best: Option<(Roster, CheckReport)>,
}

impl Incumbent {
    fn objective(&self) -> Option<f64> {
        self.best.as_ref().map(|(_, r)| r.objective)
    }

    /// The incumbent's schedules as columns of `master` (a start for its integer master).
    fn columns_in(&self, master: &MasterLp) -> Option<Vec<usize>> {
        master.columns_of(&self.best.as_ref()?.0)
    }

    /// Whether a lower `bound` proves the incumbent optimal (nothing under it can beat it).
    fn proven_by(&self, bound: f64, integral_costs: bool) -> bool {
        self.objective()
            .is_some_and(|o| bound_proves(bound, o, integral_costs))
    }

    /// Offer a roster; kept when the checker accepts it and it is better.
    fn offer(&mut self, p: &Problem, scorer: &dyn Scorer, roster: Roster) -> bool {
        let report = check(p, &roster, scorer);
        if !report.feasible {
            tracing::warn!(
                violations = report.hard_violations.len(),
                "master roster rejected by the checker"
            );
            return false;
        }
        self.consider(roster, report)
    }

    /// Keep `roster`, which the checker found feasible with `report`, if it is better.
    fn consider(&mut self, roster: Roster, report: CheckReport) -> bool {
        if self.objective().is_some_and(|o| o <= report.objective) {
            return false;
        }
        tracing::debug!(objective = report.objective, "incumbent improved");
        self.best = Some((roster, report));
        true
    }
}

/// How column generation at one node ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NodeEnd {
    /// No improving schedule is left: the master LP value is the node's bound.
    Converged,
    /// The Lagrangian bound reached the incumbent: the node cannot hold a better roster.
    Pruned,
    /// Some employee has no schedule under the node's decisions, or the converged master
    /// needs an artificial column.
    Infeasible,
    /// Out of time; the bound is the best Lagrangian bound seen.
    TimeLimit,
}

/// Column generation's result at one node.
struct NodeLp {
    end: NodeEnd,
    bound: f64,
    /// The last master LP solution (over the master's columns).
    solution: Option<MasterSolution>,
}

/// One pricing round's result.
struct PricedRound {
    /// Every schedule pricing returned, with its reduced cost at the duals priced.
    columns: Vec<(Column, f64)>,
    /// `Σ_e min(0, least reduced cost of e)` (lower bounds where pricing was not exact; −∞
    /// when the time limit stopped the round): the master objective plus this is the
    /// Lagrangian bound at the master's duals.
    reduced_costs: f64,
    /// Every employee's least reduced cost is proven.
    exact: bool,
}

/// Duals of the master's rows: coupling (activity rows folded in, as pricing sees them) and
/// convexity.
#[derive(Clone)]
struct Duals {
    coupling: Vec<f64>,
    convexity: Vec<f64>,
}

impl Duals {
    fn of(sol: &MasterSolution) -> Self {
        Duals {
            coupling: sol.coupling_duals.clone(),
            convexity: sol.convexity_duals.clone(),
        }
    }

    /// `alpha · self + (1 − alpha) · sol`'s duals.
    fn mix(&self, alpha: f64, sol: &MasterSolution) -> Self {
        let mix = |a: &[f64], b: &[f64]| -> Vec<f64> {
            a.iter()
                .zip(b)
                .map(|(x, y)| alpha * x + (1.0 - alpha) * y)
                .collect()
        };
        Duals {
            coupling: mix(&self.coupling, &sol.coupling_duals),
            convexity: mix(&self.convexity, &sol.convexity_duals),
        }
    }
}

/// Wentges' stability centre: the duals of the best Lagrangian bound so far in one column
/// generation, a lower bound on the master's dual objective there, and that bound.
struct Center {
    duals: Duals,
    value: f64,
    lagrangian: f64,
}

/// What column generation needs across the nodes of branch-and-price: the master's shape,
/// the pricers, and the pool of every schedule generated.
struct Engine<'a, 'p> {
    problem: &'p Problem,
    shape: &'a MasterShape,
    pricers: &'a [Pricer<'p>],
    pricing_cfg: crate::domain::SolverConfig,
    /// A schedule is new unless the master holds it at the same cost: pricing can return a
    /// schedule already there at a lower cost than an initial column was given (its own slack
    /// and auxiliary columns set better than the roster's least values), and that cheaper
    /// copy must enter or column generation stalls.
    seen: BTreeSet<(EmployeeIdx, Vec<SlotIdx>, i64)>,
    t0: Instant,
    /// When the last progress line was written (seconds since the start).
    last_progress: f64,
    /// Weight of the stability centre in the duals pricing sees first (0: no smoothing).
    smoothing: f64,
}

impl<'a, 'p> Engine<'a, 'p> {
    fn new(p: &'p Problem, shape: &'a MasterShape, pricers: &'a [Pricer<'p>], t0: Instant) -> Self {
        let mut pricing_cfg = p.config.clone();
        pricing_cfg.mip_rel_gap = 0.0;
        pricing_cfg.mip_abs_gap = 1e-7;
        Engine {
            problem: p,
            shape,
            pricers,
            pricing_cfg,
            seen: BTreeSet::new(),
            t0,
            last_progress: 0.0,
            smoothing: SMOOTHING,
        }
    }

    /// A progress line on stderr (target `roster::progress`), at most every
    /// [`PROGRESS_EVERY`] seconds unless `now`.
    fn progress(&mut self, out: &Decomposition, columns: usize, what: &str, bound: f64, now: bool) {
        let t = self.elapsed();
        if now || t - self.last_progress >= PROGRESS_EVERY {
            self.last_progress = t;
            tracing::info!(
                target: "roster::progress",
                "decompose {t:.1} s: {what}, {} rounds, {} columns, {} nodes, bound {bound:.4}",
                out.rounds,
                columns,
                out.nodes
            );
        }
    }

    fn elapsed(&self) -> f64 {
        self.t0.elapsed().as_secs_f64()
    }

    /// The instant `seconds` after the start.
    fn instant_at(&self, seconds: f64) -> Instant {
        self.t0 + std::time::Duration::from_secs_f64(seconds.max(0.0))
    }

    /// Add every employee's schedule in each of `rosters` to `master`, where it keeps the
    /// employee's own hard rules (employee by employee, the rosters in order).
    fn add_rosters(&mut self, master: &mut MasterLp, rosters: &[Roster]) {
        for pr in self.pricers {
            for r in rosters {
                if let Some((slots, cost)) = pr.cost_of(r) {
                    let employee = pr.employee;
                    self.add(
                        master,
                        Column {
                            employee,
                            slots,
                            cost,
                        },
                    );
                }
            }
        }
    }

    /// Add a schedule to `master` (which holds every column generated: the pool all nodes
    /// share), unless it holds it already.
    fn add(&mut self, master: &mut MasterLp, c: Column) -> bool {
        let new = self
            .seen
            .insert((c.employee, c.slots.clone(), (c.cost * 1e6).round() as i64));
        if new {
            master.add(c);
        }
        new
    }

    /// Price every employee at `duals`: labeling first, every employee in parallel (pure
    /// Rust, nothing shared); the MILP then prices, one at a time, whoever labeling could
    /// not decide. Stops pricing (sum of reduced costs −∞) when `until` passes.
    fn price_round(
        &mut self,
        duals: &Duals,
        restrict: &[Restrict],
        effort: Effort,
        until: Instant,
        out: &mut Decomposition,
    ) -> Result<PricedRound, DecomposeError> {
        let shape = self.shape;
        let dual = |a: Assignment| shape.dual_of(&duals.coupling, a);
        let labeled: Vec<Option<Pricing>> = self
            .pricers
            .par_iter()
            .map(|pr| {
                let mu = duals.convexity[pr.employee.ix()];
                let r = &restrict[pr.employee.ix()];
                let keep = COLUMNS_PER_PRICING;
                pr.price_by_labeling(&dual, mu, keep, r, effort, Some(until))
            })
            .collect();
        let mut round = PricedRound {
            columns: Vec::new(),
            reduced_costs: 0.0,
            exact: true,
        };
        for (pr, by_labels) in self.pricers.iter().zip(labeled) {
            let pricing = match by_labels {
                Some(pricing) => {
                    out.labeling_pricings += 1;
                    pricing
                }
                None => {
                    let left = until
                        .saturating_duration_since(Instant::now())
                        .as_secs_f64();
                    if left <= 0.0 {
                        round.exact = false;
                        round.reduced_costs = f64::NEG_INFINITY;
                        break;
                    }
                    self.pricing_cfg.time_limit_seconds = left.min(PRICING_SECONDS);
                    out.milp_pricings += 1;
                    let mu = duals.convexity[pr.employee.ix()];
                    let r = &restrict[pr.employee.ix()];
                    pr.price(&dual, mu, r, &self.pricing_cfg)?
                }
            };
            match pricing {
                Pricing::Columns(list) => {
                    let best = &list[0];
                    round.exact &= best.reduced_cost_bound >= best.reduced_cost - 1e-6;
                    round.reduced_costs += best.reduced_cost_bound.min(0.0);
                    round.columns.extend(list.into_iter().map(|c| {
                        let column = Column {
                            employee: pr.employee,
                            slots: c.slots,
                            cost: c.cost,
                        };
                        (column, c.reduced_cost)
                    }));
                }
                Pricing::NoneNegative { bound } => round.reduced_costs += bound,
                Pricing::Unknown { bound } => {
                    round.exact = false;
                    round.reduced_costs += bound;
                }
            }
        }
        Ok(round)
    }

    /// Column generation on `master` under per-employee `restrict`ions until it converges,
    /// `deadline` (seconds since the start) passes, or — with `prune_at = (incumbent,
    /// integral costs)` — the Lagrangian bound shows the node cannot beat the incumbent.
    /// `floor` is a lower bound known on this LP's optimum before it starts (the bound of the
    /// node it restricts; `-inf` at the root): once the restricted master's objective meets
    /// it, the master is LP-optimal whatever pricing would still find.
    /// With [`Effort::Heuristic`] it ends when heuristic pricing finds no column, and its
    /// bound is only what a Lagrangian bound happened to prove. From `give_up` (seconds since
    /// the start) on, it also ends, unconverged, as soon as the master is
    /// [`far_from_converged`].
    #[allow(clippy::too_many_arguments)]
    fn column_generation(
        &mut self,
        master: &mut MasterLp,
        restrict: &[Restrict],
        deadline: f64,
        prune_at: Option<(f64, bool)>,
        floor: f64,
        effort: Effort,
        give_up: Option<f64>,
        out: &mut Decomposition,
    ) -> Result<NodeLp, DecomposeError> {
        let mut node = NodeLp {
            end: NodeEnd::TimeLimit,
            bound: f64::NEG_INFINITY,
            solution: None,
        };
        let mut since_exact = 0;
        // The master's value after each round (for the tail-off of heuristic rounds).
        let mut values: Vec<f64> = Vec::new();
        // The duals of the best Lagrangian bound so far (Wentges' stability centre).
        let mut center: Option<Center> = None;
        loop {
            let left = deadline - self.elapsed();
            if left <= 0.0 {
                return Ok(node);
            }
            // Heuristic rounds prove nothing: every few rounds one exact round, so that a
            // Lagrangian bound exists whenever the time limit stops column generation.
            let round_effort = match effort {
                Effort::HeuristicFirst if since_exact + 1 >= EXACT_EVERY => Effort::Exact,
                e => e,
            };
            since_exact = if round_effort == Effort::Exact {
                0
            } else {
                since_exact + 1
            };
            let tm = Instant::now();
            let Some(sol) = master.solve(left) else {
                // HiGHS stops at the time limit with a status that is not optimal.
                if self.elapsed() >= deadline - 1e-3 {
                    return Ok(node);
                }
                return Err(DecomposeError::Master(out.rounds));
            };
            out.master_seconds += tm.elapsed().as_secs_f64();
            out.rounds += 1;
            // The floor bounds the LP without artificials (it says nothing while some are in
            // the master): once the restricted master meets it, the master is LP-optimal
            // and no pricing round is needed to say so. Most dive steps on a degenerate LP
            // end here: on Curtois Instance12 every step fixing an employee whose schedule the
            // LP already chose whole otherwise spent a round (0.7 s of 60 employees) pricing
            // nothing. Measured against ending after that round (one 60 s run each, 2 cores):
            // 14 proven at 42.0 s (1309 unproven), 17 at 38.8 s (5749 unproven), 9 at 26.4 s
            // (33.2), 10 at 14.2 s (15.9); 16 at 33.0 s (28.2) and 7 at 17.4–18.3 s (13.7–14.5)
            // lose the degenerate columns that round added.
            let artificial = sol.artificial > 1e-6;
            let tolerance = 1e-6 * sol.objective.abs().max(1.0);
            if !artificial && floor >= sol.objective - tolerance {
                node.bound = node.bound.max(sol.objective);
                node.solution = Some(sol);
                node.end = NodeEnd::Converged;
                return Ok(node);
            }
            let tp = Instant::now();
            let z = sol.objective;
            let until = self.instant_at(deadline);
            // Wentges smoothing: price first at the duals between the stability centre and
            // the master's; keep what prices negative at the master's duals. A mis-price (no
            // such schedule) prices again at the master's own duals, so convergence is
            // decided there only.
            let mut priced = None;
            // Smoothing starts once no artificial is left in the master: before, the duals
            // are the artificials' prices and a centre among them holds pricing back.
            if sol.artificial > 1e-6 {
                center = None;
            }
            if let Some(c) = center.as_ref().filter(|_| self.smoothing > 0.0) {
                let sep = c.duals.mix(self.smoothing, &sol);
                let round = self.price_round(&sep, restrict, round_effort, until, out)?;
                // The master's dual objective is concave in the duals: the centre's and this
                // master's objectives mixed bound it from below at `sep`.
                let value = self.smoothing * c.value + (1.0 - self.smoothing) * z;
                let at_sep = value + round.reduced_costs;
                node.bound = node.bound.max(at_sep);
                if at_sep > c.lagrangian {
                    center = Some(Center {
                        duals: sep,
                        value,
                        lagrangian: at_sep,
                    });
                }
                let mut added = 0;
                for (col, _) in round.columns {
                    if sol.reduced_cost(self.shape, &col) < ENTER && self.add(master, col) {
                        added += 1;
                    }
                }
                if added == 0 {
                    out.mispricings += 1;
                } else {
                    priced = Some(added);
                }
            }
            let (added, exact) = match priced {
                Some(added) => (added, false),
                None => {
                    let own = Duals::of(&sol);
                    let round = self.price_round(&own, restrict, round_effort, until, out)?;
                    let lagrangian = z + round.reduced_costs;
                    node.bound = node.bound.max(lagrangian);
                    let clean = sol.artificial <= 1e-6;
                    if clean && center.as_ref().is_none_or(|c| lagrangian > c.lagrangian) {
                        center = Some(Center {
                            duals: own,
                            value: z,
                            lagrangian,
                        });
                    }
                    // A schedule already in the master prices at its LP reduced cost (≥ 0 up
                    // to round-off): it is not a new column, and the round may still converge.
                    let mut added = 0;
                    for (col, rc) in round.columns {
                        if rc < ENTER && self.add(master, col) {
                            added += 1;
                        }
                    }
                    (added, round.exact)
                }
            };
            out.pricing_seconds += tp.elapsed().as_secs_f64();
            self.progress(
                out,
                master.columns.len(),
                "column generation",
                node.bound,
                false,
            );
            tracing::debug!(
                round = out.rounds,
                master = sol.objective,
                bound = node.bound,
                added,
                "column generation"
            );
            // Converged: no new column with proven pricing, or the Lagrangian bound has met
            // the master objective (then the restricted master is already LP-optimal; what
            // pricing still returns are degenerate columns of round-off reduced cost). The
            // floor (checked before pricing, above) ends most of a dive step on a degenerate
            // LP: on Curtois Instance14 the master is back at the root's 1278 after a fix
            // within a few rounds, and the Lagrangian bound took 30 more rounds (7 s) to prove
            // it: with the floor 14 is proven in 4 of 4 runs (39–46 s), without it in none.
            // The degenerate rounds it saves also add columns: on Instance10 the root dive
            // without the floor found the optimum 4631 (proven at 17 s), with it 4632 (bound
            // 4631, not proven) until dual smoothing (proven at 23 s).
            let met = node.bound >= sol.objective - tolerance;
            // Heuristic rounds also end when the last TAIL_ROUNDS gained less than TAIL_GAIN
            // together (no bound is wanted; see TAIL_ROUNDS).
            values.push(z);
            let tailed = effort == Effort::Heuristic
                && !artificial
                && values.len() > TAIL_ROUNDS
                && values[values.len() - 1 - TAIL_ROUNDS] - z < TAIL_GAIN * z.abs().max(1.0);
            let converged = (added == 0 && (exact || effort == Effort::Heuristic)) || met || tailed;
            node.solution = Some(sol);
            if converged {
                if exact || met {
                    let objective = node.solution.as_ref().map_or(f64::NAN, |s| s.objective);
                    node.bound = node.bound.max(objective);
                }
                node.end = if artificial {
                    NodeEnd::Infeasible
                } else {
                    NodeEnd::Converged
                };
                return Ok(node);
            }
            // Past `give_up`, a master far from converging stops for a dive (an unconverged
            // end: its bound stands).
            if give_up.is_some_and(|t| self.elapsed() >= t) && far_from_converged(&node) {
                return Ok(node);
            }
            if let Some((incumbent, integral)) = prune_at {
                if bound_proves(node.bound, incumbent, integral) {
                    node.end = NodeEnd::Pruned;
                    return Ok(node);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The column dive ends with one master column per employee, a roster the checker
    /// accepts, the same roster for the same input, and the master open again (its LP
    /// optimum is the root's).
    #[test]
    fn the_column_dive_picks_one_master_schedule_per_employee() {
        use crate::scoring::FallbackScorer;
        let rules = serde_json::json!([
            {"id": "C1", "hard": false},
            {"id": "C3", "params": {"maxConsecutiveDays": 4}},
            {"id": "C8", "params": {"maxTotalHours": 56, "minTotalHours": 24}}
        ]);
        for seed in [2, 5, 9] {
            let req = crate::testkit::generated_request(8, 14, 1.4, seed, rules.clone());
            let p = crate::input::request_from_value(&req).expect("generated request is valid");
            let scores = PairScores::compute(&p, &FallbackScorer);
            let dive = || {
                with_engine(&p, &scores, |engine, master, out| {
                    let greedy = construct_within(&p, &scores, Construction::Greedy, None);
                    engine.add_rosters(master, &[greedy, Roster::default()]);
                    let none = vec![Restrict::default(); p.employees.len()];
                    let root = engine
                        .column_generation(
                            master,
                            &none,
                            30.0,
                            None,
                            f64::NEG_INFINITY,
                            Effort::HeuristicFirst,
                            None,
                            out,
                        )
                        .expect("column generation runs");
                    assert_eq!(root.end, NodeEnd::Converged, "seed {seed}");
                    let sol = root.solution.expect("a converged root has a solution");
                    let roster = column_dive(engine, master, &sol, 30.0);
                    let again = master.solve(30.0).expect("the reopened master solves");
                    assert!(
                        (again.objective - sol.objective).abs()
                            < 1e-6 * sol.objective.abs().max(1.0),
                        "seed {seed}: the master is not open again ({} against {})",
                        again.objective,
                        sol.objective
                    );
                    (roster, master.columns.clone())
                })
            };
            let (roster, columns) = dive();
            let report = check(&p, &roster, &FallbackScorer);
            assert!(
                report.feasible,
                "seed {seed}: {:#?}",
                report.hard_violations
            );
            for e in 0..p.employees.len() {
                let mut mine: Vec<SlotIdx> = roster
                    .assignments
                    .iter()
                    .filter(|a| a.employee.ix() == e)
                    .map(|a| a.slot)
                    .collect();
                mine.sort_unstable();
                assert!(
                    columns
                        .iter()
                        .any(|c| c.employee.ix() == e && c.slots == mine),
                    "seed {seed}: employee {e}'s schedule is no master column"
                );
            }
            assert_eq!(dive().0, roster, "seed {seed}: not deterministic");
        }
    }
    /// The repair of the root's rounding: none on small rosters with an early root (the
    /// proof needs the time), a tenth of the limit on large ones, half the time left after a
    /// late root, a tenth after an unconverged one (the dive that follows repairs its own
    /// roster), and most of it on rosters of many employees, whose dive cannot finish.
    #[test]
    fn the_root_repair_gets_the_time_the_dive_cannot_use() {
        let converged = RootStatus::Converged;
        let stopped = RootStatus::TimeLimit;
        // Curtois 7 (20 × 28) and 14 (32 × 42), roots at 2 s and 10 s of 60.
        assert_eq!(repair_until(converged, 2.0, 60.0, 20, 560, false), None);
        // (status, now, employees, employee-days, gave up, until): at 60 s.
        let cases = [
            (converged, 10.0, 32, 1344, false, 16.0),
            // A late root (after 40 % of the limit) keeps half the time left; one that gave
            // up for a dive a tenth (15, 45 × 42; also with many employees, 13, 120 × 28),
            // one the limit stopped with artificials left half (22, 50 × 364).
            (converged, 30.0, 32, 1344, false, 45.0),
            (stopped, 30.0, 45, 1890, true, 33.0),
            (stopped, 45.0, 50, 18200, false, 52.5),
            (stopped, 30.0, 120, 3360, true, 33.0),
            // Curtois 12 (60 × 28), root at 17 s.
            (converged, 17.0, 60, 1680, false, 51.4),
        ];
        for (status, now, e, days, gave_up, want) in cases {
            let until = repair_until(status, now, 60.0, e, days, gave_up);
            let close = until.is_some_and(|u| (u - want).abs() < 1e-9);
            assert!(
                close,
                "{status:?} at {now}, {e} employees: {until:?}, not {want}"
            );
        }
        // Every repair ends within the limit.
        for status in [converged, stopped] {
            for now in [0.0, 10.0, 30.0, 59.0] {
                for (e, days) in [(10, 28), (40, 28), (60, 28), (150, 364)] {
                    for gave_up in [false, true] {
                        let until = repair_until(status, now, 60.0, e, e * days, gave_up);
                        if let Some(until) = until {
                            assert!((now..=60.0).contains(&until), "{status:?} {now} {e}");
                        }
                    }
                }
            }
        }
    }
}
