//! Ejection-chain search for GAP-like task requests: the warm start of the tight OR-Library
//! GAP type d instances, where the tabu search of [`super::local_search`] and the repairs of
//! [`super::knapsack_lagrange`] stall 1–2 % above the best known and HiGHS gets little below
//! its warm start.
//!
//! In the spirit of Yagiura, Ibaraki & Glover (2004, "An ejection chain approach for the
//! generalized assignment problem", INFORMS J. Computing):
//!
//! * **Penalised objective.** Capacity excess is allowed; agent `i`'s excess costs `w[i]` per
//!   hour. The weights adapt after every local optimum (as in weighting local search): when
//!   the local optimum's penalised value does not beat the best feasible objective, every
//!   weight shrinks (the search may go further into infeasible space); otherwise the weights
//!   of the overloaded agents grow in proportion to their excess.
//! * **Neighbourhoods, first improvement, in order:** shift (one job to another agent), swap
//!   (two jobs of two agents trade places), and the ejection chain: job `j1` moves from agent
//!   `i1` to `i2`, ejecting `j2`, which moves to `i3`, ejecting `j3`, … — variable depth: each
//!   level takes the cheapest (penalised) continuation, the chain ends on a repeated agent, at
//!   `i1` (a cyclic exchange) or at the depth limit, and the best prefix is the move.
//! * **Candidate lists.** Each job tries only its [`CANDIDATES`] most promising agents, by the
//!   reduced cost `c[i][j] + u[i]·a[i][j]` under capacity multipliers `u` from a subgradient
//!   run on the Lagrangian relaxation of the capacity rows.
//! * Every move evaluated that lands on a feasible assignment better than the best is recorded
//!   even when the penalised objective does not take it.
//!
//! Deterministic: the work is bounded by a budget of move evaluations (the caller derives it
//! from the time limit, see [`EVALUATIONS_PER_SECOND`]) and the only randomness is the seeded
//! order in which the jobs are scanned. The deadline is a safety stop for slow machines only:
//! when it fires before the budget is spent, the result depends on the machine's speed (the
//! same contract as the tabu search's and the knapsack heuristic's deadlines).
//!
//! **Path relinking** ([`relink`], after Yagiura, Ibaraki & Glover 2006, "A path relinking
//! approach with ejection chains for the generalized assignment problem", EJOR 169): a few
//! ejection-chain runs fill an elite pool; then pairs of elite assignments are relinked —
//! walking from one to the other one job at a time, each step the move best for the
//! penalised objective — and short ejection-chain runs start from the best points on each
//! path, their best feasible assignments going back into the pool. The runs share one
//! engine (weights, scan order) and one budget of evaluations.
//!
//! Measured (chu1997, 60 s, 2 cores at load 4, 2.7 G evaluations after the knapsack
//! heuristic): the three independent runs alone reach d20100 6215–6238 and d20200
//! 12301–12329; with path relinking (runs of 1.25 M evaluations from each point) d20100
//! 6200–6212 (best known 6185) and d20200 12290–12297 (12244), seeds 1–3. Tried and dropped
//! while tuning the plain search: 6 or 10 candidate agents (worse than 3), random
//! perturbations after a restart, gentler weight updates, one run of the whole budget
//! (6222–6229), six shorter runs, the search as the knapsack
//! heuristic's repair (6290), and a stall stop (it cut d20100's runs). Also tried after it
//! and dropped: re-solving subsets of 3–6 agents exactly on HiGHS (an agent-subset LNS:
//! 30 subproblems per second on d20100, 2 per second on d20200, 6225 → 6217 at best) and
//! fixing the jobs the elite runs agree on and giving the other 63 to HiGHS (6225 → 6219 in
//! 34 s).
//!
//! It applies to `assignAll` requests with capacities enforced and without assignment caps
//! (the GAP benchmark's shape); [`improve`] returns `None` otherwise. Like the tabu search, it
//! works on the model's columns and objective coefficients; the caller re-checks its answer.

use std::time::Instant;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::domain::{EmpIdx, TaskIdx, TaskProblem, TOL};
use super::local_search::SearchResult;
use super::model::TaskModel;

/// Agents per job in the candidate lists of swaps and chains.
pub const CANDIDATES: usize = 3;

/// Local optima without a better feasible assignment after which the search goes back to
/// its best one.
pub const RESTART_ROUNDS: usize = 200;

/// Move evaluations per second of search time the caller's budget assumes (measured on the
/// 2-core development machine on chu1997 type d, where one evaluation is a few nanoseconds).
pub const EVALUATIONS_PER_SECOND: f64 = 60.0e6;

/// Largest `agents × jobs` the dense tables are built for.
const MAX_CELLS: usize = 4_000_000;

/// Deepest ejection chain (moves per chain).
const MAX_DEPTH: usize = 12;

/// Stop settings of [`improve`].
#[derive(Clone, Copy, Debug)]
pub struct ChainLimits {
    /// Move evaluations at most (the deterministic stop).
    pub evaluations: u64,
    /// Safety stop.
    pub deadline: Instant,
    /// A proven lower bound on the objective: the search stops when it meets it (rounded up
    /// when every cost is integral).
    pub lower_bound: f64,
    /// Seed of the scan order.
    pub seed: u64,
}

/// What [`improve`] did, besides its assignment.
#[derive(Clone, Debug, PartialEq)]
pub struct ChainStats {
    /// Local optima reached (= weight updates).
    pub rounds: usize,
    /// Move evaluations spent.
    pub evaluations: u64,
    /// Improving ejection chains applied (of length two or more).
    pub chains: usize,
}

pub(super) struct Gap {
    pub(super) n: usize,
    pub(super) m: usize,
    /// `cost[i * n + j]`, infinite where the model has no column.
    pub(super) cost: Vec<f64>,
    pub(super) res: Vec<f64>,
    pub(super) cap: Vec<f64>,
    /// Candidate agents of each job, most promising first.
    pub(super) cand: Vec<Vec<u32>>,
}

impl Gap {
    /// The dense tables of a GAP-shaped request (`assignAll`, capacities enforced, no
    /// assignment caps, every pending task on a column of `start`), the pending tasks in job
    /// order, and `start` as the agent of each job; `None` when the request is not
    /// GAP-shaped or too large.
    pub(super) fn from_model(
        p: &TaskProblem,
        model: &TaskModel,
        start: &[(TaskIdx, EmpIdx)],
    ) -> Option<(Gap, Vec<TaskIdx>, Vec<u32>)> {
        if !model.is_pure_gap(p) {
            return None;
        }
        let tasks: Vec<TaskIdx> = p.pending().collect();
        let (n, m) = (tasks.len(), p.employees.len());
        if n == 0 || m < 2 || n.saturating_mul(m) > MAX_CELLS {
            return None;
        }
        let mut index_of_task = vec![u32::MAX; p.tasks.len()];
        for (k, t) in tasks.iter().enumerate() {
            index_of_task[t.ix()] = k as u32;
        }
        let mut cost = vec![f64::INFINITY; n * m];
        let mut res = vec![0.0; n * m];
        for (col, &(t, e)) in model.pairs.iter().enumerate() {
            let k = index_of_task[t.ix()];
            if k == u32::MAX {
                continue;
            }
            cost[e.ix() * n + k as usize] = model.lp.cols[col].cost;
            res[e.ix() * n + k as usize] = p.hours(e, t);
        }
        let cap: Vec<f64> = p.employee_ids().map(|e| p.remaining_capacity(e)).collect();
        let mut sol = vec![u32::MAX; n];
        for &(t, e) in start {
            let k = index_of_task[t.ix()];
            if k != u32::MAX && cost[e.ix() * n + k as usize].is_finite() {
                sol[k as usize] = e.0;
            }
        }
        if sol.contains(&u32::MAX) {
            return None; // the start must place every job on a column
        }
        let mut g = Gap {
            n,
            m,
            cost,
            res,
            cap,
            cand: Vec::new(),
        };
        let start_obj: f64 = (0..n).map(|j| g.c(sol[j] as usize, j)).sum();
        let u = capacity_multipliers(&g, start_obj);
        g.cand = (0..n)
            .map(|j| {
                let mut agents: Vec<u32> = (0..m as u32)
                    .filter(|&i| g.c(i as usize, j).is_finite())
                    .collect();
                let rc = |i: u32| g.c(i as usize, j) + u[i as usize] * g.a(i as usize, j);
                agents.sort_by(|&a, &b| rc(a).total_cmp(&rc(b)).then(a.cmp(&b)));
                agents.truncate(CANDIDATES);
                agents
            })
            .collect();
        Some((g, tasks, sol))
    }

    pub(super) fn c(&self, i: usize, j: usize) -> f64 {
        self.cost[i * self.n + j]
    }
    pub(super) fn a(&self, i: usize, j: usize) -> f64 {
        self.res[i * self.n + j]
    }
}

struct State {
    sol: Vec<u32>,
    load: Vec<f64>,
    w: Vec<f64>,
    obj: f64,
    /// Jobs of each agent, and each job's position in its agent's list.
    members: Vec<Vec<u32>>,
    pos: Vec<u32>,
}

impl State {
    fn excess(g: &Gap, i: usize, load: f64) -> f64 {
        (load - g.cap[i]).max(0.0)
    }
    fn pen(&self, g: &Gap, i: usize, load: f64) -> f64 {
        self.w[i] * Self::excess(g, i, load)
    }
    fn total_excess(&self, g: &Gap) -> f64 {
        (0..g.m).map(|i| Self::excess(g, i, self.load[i])).sum()
    }
    fn penalty(&self, g: &Gap) -> f64 {
        (0..g.m).map(|i| self.pen(g, i, self.load[i])).sum()
    }
    fn shift(&mut self, g: &Gap, j: usize, to: usize) {
        let from = self.sol[j] as usize;
        self.obj += g.c(to, j) - g.c(from, j);
        self.load[from] -= g.a(from, j);
        self.load[to] += g.a(to, j);
        let p = self.pos[j] as usize;
        self.members[from].swap_remove(p);
        if let Some(&moved) = self.members[from].get(p) {
            self.pos[moved as usize] = p as u32;
        }
        self.pos[j] = self.members[to].len() as u32;
        self.members[to].push(j as u32);
        self.sol[j] = to as u32;
    }
}

/// The best feasible assignment so far.
struct Best {
    obj: f64,
    sol: Option<Vec<u32>>,
}

impl Best {
    /// Record `s` with `moves` applied, when that is feasible (`excess_after`) and better.
    fn offer(&mut self, s: &State, moves: &[(u32, u32)], obj_after: f64, excess_after: f64) {
        if excess_after <= TOL && obj_after < self.obj - 1e-9 {
            let mut sol = s.sol.clone();
            for &(j, to) in moves {
                sol[j as usize] = to;
            }
            self.obj = obj_after;
            self.sol = Some(sol);
        }
    }
}

/// Capacity multipliers `u ≥ 0` of the Lagrangian relaxation of the capacity rows, by
/// subgradient steps toward the upper bound `upper`.
fn capacity_multipliers(g: &Gap, upper: f64) -> Vec<f64> {
    let mut u = vec![0.0; g.m];
    let mut best_u = u.clone();
    let mut best_val = f64::NEG_INFINITY;
    let mut theta = 2.0;
    let mut stall = 0;
    let mut used = vec![0.0; g.m];
    for _ in 0..300 {
        used.iter_mut().for_each(|x| *x = 0.0);
        let mut val: f64 = -(0..g.m).map(|i| u[i] * g.cap[i]).sum::<f64>();
        for j in 0..g.n {
            let (i, v) = (0..g.m)
                .map(|i| (i, g.c(i, j) + u[i] * g.a(i, j)))
                .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
                .expect("at least one agent");
            val += v;
            used[i] += g.a(i, j);
        }
        if val > best_val + 1e-9 {
            best_val = val;
            best_u.clone_from(&u);
            stall = 0;
        } else {
            stall += 1;
            if stall >= 20 {
                theta /= 2.0;
                stall = 0;
            }
        }
        let grad: Vec<f64> = (0..g.m).map(|i| used[i] - g.cap[i]).collect();
        let norm: f64 = grad.iter().map(|x| x * x).sum();
        if norm <= 1e-12 || !upper.is_finite() || theta < 1e-4 {
            break;
        }
        let step = theta * (upper - val).max(1e-3) / norm;
        for i in 0..g.m {
            u[i] = (u[i] + step * grad[i]).max(0.0);
        }
    }
    best_u
}

/// The search state of one instance: the current assignment under penalty weights, the scan
/// order, and the work spent.
struct Engine<'a> {
    g: &'a Gap,
    s: State,
    /// Initial (and reference) penalty weight.
    w0: f64,
    order: Vec<usize>,
    cursor: usize,
    chain: Chain,
    stats: ChainStats,
    /// Stop when the best feasible objective reaches this (a proven bound, rounded up when
    /// every cost is integral).
    floor: f64,
    deadline: Instant,
}

impl<'a> Engine<'a> {
    fn new(g: &'a Gap, sol: Vec<u32>, limits: &ChainLimits) -> Self {
        let (n, m) = (g.n, g.m);
        let obj: f64 = (0..n).map(|j| g.c(sol[j] as usize, j)).sum();
        let mut members = vec![Vec::new(); m];
        let mut pos = vec![0u32; n];
        let mut load = vec![0.0; m];
        for j in 0..n {
            let i = sol[j] as usize;
            pos[j] = members[i].len() as u32;
            members[i].push(j as u32);
            load[i] += g.a(i, j);
        }
        // Initial weights: the largest cost per hour of any column, so an hour of excess is
        // never cheaper than what moving a job could save.
        let w0 = (0..n * m)
            .filter(|&x| g.cost[x].is_finite())
            .map(|x| g.cost[x].abs() / g.res[x].max(TOL))
            .fold(1.0f64, f64::max)
            .min(1e6);
        let mut order: Vec<usize> = (0..n).collect();
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(limits.seed ^ 0xec_u64));
        let integral = g
            .cost
            .iter()
            .filter(|c| c.is_finite())
            .all(|c| (c - c.round()).abs() < 1e-9);
        let floor = if integral {
            (limits.lower_bound - 1e-6).ceil()
        } else {
            limits.lower_bound
        };
        Engine {
            g,
            s: State {
                sol,
                load,
                w: vec![w0; m],
                obj,
                members,
                pos,
            },
            w0,
            order,
            cursor: 0,
            chain: Chain::new(m),
            stats: ChainStats {
                rounds: 0,
                evaluations: 0,
                chains: 0,
            },
            floor,
            deadline: limits.deadline,
        }
    }

    /// Move the current assignment to `sol` (the weights stay).
    fn set(&mut self, sol: &[u32]) {
        for (j, &to) in sol.iter().enumerate() {
            if self.s.sol[j] != to {
                self.s.shift(self.g, j, to as usize);
            }
        }
    }

    fn out_of_work(&self, until: u64) -> bool {
        self.stats.evaluations >= until || Instant::now() >= self.deadline
    }

    /// One local search to a local optimum of the penalised objective; `false` when the work
    /// or the deadline stopped it first.
    fn descend(&mut self, best: &mut Best, until: u64) -> bool {
        let (g, order) = (self.g, &self.order);
        loop {
            if self.out_of_work(until) {
                return false;
            }
            let (s, cursor, stats) = (&mut self.s, &mut self.cursor, &mut self.stats);
            if shift_pass(g, s, best, order, cursor, stats) {
                continue;
            }
            if swap_pass(g, s, best, order, cursor, stats) {
                continue;
            }
            if chain_pass(g, s, best, order, cursor, stats, &mut self.chain) {
                stats.chains += 1;
                continue;
            }
            return true;
        }
    }

    /// Adapt the weights after a local optimum: all shrink when its penalised value does not
    /// beat `best_obj`, else the overloaded agents' grow with their excess.
    fn adapt(&mut self, best_obj: f64) {
        let (g, s, w0) = (self.g, &mut self.s, self.w0);
        let value = s.obj + s.penalty(g);
        if value >= best_obj - 1e-9 {
            for w in &mut s.w {
                *w = (*w * 0.9).max(w0 * 1e-4);
            }
        } else {
            let worst = (0..g.m)
                .map(|i| State::excess(g, i, s.load[i]))
                .fold(0.0, f64::max);
            if worst > 0.0 {
                for i in 0..g.m {
                    let ex = State::excess(g, i, s.load[i]);
                    s.w[i] = (s.w[i] * (1.0 + 0.2 * ex / worst)).min(w0 * 1e4);
                }
            }
        }
    }

    /// Rounds of descent and weight adaptation until `until` evaluations (or the deadline, or
    /// `best` meets the floor), back to `best` after every gain and every
    /// [`RESTART_ROUNDS`] rounds without one.
    fn run(&mut self, best: &mut Best, until: u64) {
        let mut rounds = 0usize;
        let mut last_best = f64::INFINITY;
        let mut last_gain = 0usize;
        while !self.out_of_work(until) {
            if !self.descend(best, until) {
                break;
            }
            rounds += 1;
            self.stats.rounds += 1;
            if best.obj < last_best - 1e-9 {
                last_best = best.obj;
                last_gain = rounds;
            }
            if (rounds - last_gain) % RESTART_ROUNDS == 0 {
                // Back to the best assignment (under the current weights).
                if let Some(b) = best.sol.clone() {
                    self.set(&b);
                }
            }
            if best.obj <= self.floor + 1e-9 {
                break; // proven optimal
            }
            self.adapt(best.obj);
        }
    }

    fn result(&self, tasks: &[TaskIdx], best: Best) -> Option<(SearchResult, ChainStats)> {
        let sol = best.sol?;
        let mut pairs: Vec<(TaskIdx, EmpIdx)> =
            (0..self.g.n).map(|j| (tasks[j], EmpIdx(sol[j]))).collect();
        pairs.sort_unstable();
        Some((
            SearchResult {
                pairs,
                objective: best.obj,
                iterations: self.stats.rounds,
            },
            self.stats.clone(),
        ))
    }
}

/// Search from `start` (a complete assignment over the model's columns) and return the best
/// feasible assignment found, or `None` when the request is not GAP-shaped, too large, or no
/// feasible assignment was found.
pub fn improve(
    p: &TaskProblem,
    model: &TaskModel,
    start: &[(TaskIdx, EmpIdx)],
    limits: ChainLimits,
) -> Option<(SearchResult, ChainStats)> {
    let (g, tasks, sol) = Gap::from_model(p, model, start)?;
    let mut e = Engine::new(&g, sol, &limits);
    let mut best = Best {
        obj: f64::INFINITY,
        sol: None,
    };
    best.offer(&e.s, &[], e.s.obj, e.s.total_excess(&g));
    e.run(&mut best, limits.evaluations);
    e.result(&tasks, best)
}

/// Settings of [`relink`] beyond the [`ChainLimits`] (whose `evaluations` is the whole
/// budget).
#[derive(Clone, Copy, Debug)]
pub struct RelinkSettings {
    /// Elite assignments kept.
    pub pool: usize,
    /// Ejection-chain runs from the start (seeds `seed`, `seed + 1`, …) that fill the pool
    /// first.
    pub seed_runs: usize,
    /// Share of the budget the seed runs take.
    pub seed_share: f64,
    /// Evaluations of the short ejection-chain run from each point taken off a path.
    pub run_evaluations: u64,
    /// Points taken off each path (the best penalised one in each of as many equal stretches).
    pub points: usize,
}

/// The settings the solver uses.
///
/// Tuned on chu1997 d20100 and d20200 at 60 s (2.7 G evaluations): short runs from many
/// paths beat long runs from few (d20200: 20 M evaluations per point 12308, 5 M 12295–12305,
/// 2.5 M 12292–12303, 1.25 M 12290–12293; d20100 at seeds 2 and 3: 2.5 M 6217 both, 1.25 M
/// 6200 and 6201), three points per path beat one, and a pool of 5 did worse than 10.
pub const RELINK: RelinkSettings = RelinkSettings {
    pool: 10,
    seed_runs: 3,
    seed_share: 0.2,
    run_evaluations: 1_250_000,
    points: 3,
};

/// Elite assignments, best first, all different.
struct Pool {
    items: Vec<(f64, Vec<u32>)>,
    cap: usize,
}

impl Pool {
    /// Take `sol` (objective `obj`) when it is new and the pool has room or it beats the
    /// worst; whether it was taken.
    fn offer(&mut self, obj: f64, sol: &[u32]) -> bool {
        if self.items.iter().any(|(_, s)| s == sol) {
            return false;
        }
        if self.items.len() >= self.cap {
            let worst = self.items.last().map_or(f64::INFINITY, |w| w.0);
            if obj >= worst - 1e-9 {
                return false;
            }
            self.items.pop();
        }
        let at = self.items.partition_point(|(o, _)| *o <= obj + 1e-9);
        self.items.insert(at, (obj, sol.to_vec()));
        true
    }
}

/// Path relinking over an elite pool of ejection-chain solutions (after Yagiura, Ibaraki &
/// Glover 2006): [`RelinkSettings::seed_runs`] ejection-chain runs from `start` fill the
/// pool; then, repeatedly, a seeded pair of elite assignments is relinked — from one, each
/// step gives one job that differs its agent in the other, the job whose move is best for
/// the penalised objective — and from the best points on that path a short ejection-chain
/// run goes on, its best feasible assignment offered to the pool. Returns the best feasible
/// assignment found (never worse than the best seed run), or `None` as for [`improve`].
pub fn relink(
    p: &TaskProblem,
    model: &TaskModel,
    start: &[(TaskIdx, EmpIdx)],
    limits: ChainLimits,
    settings: RelinkSettings,
) -> Option<(SearchResult, ChainStats)> {
    let (g, tasks, sol) = Gap::from_model(p, model, start)?;
    let mut pool = Pool {
        items: Vec::new(),
        cap: settings.pool.max(2),
    };
    let mut global = Best {
        obj: f64::INFINITY,
        sol: None,
    };
    let runs = settings.seed_runs.max(1);
    let seed_budget = (limits.evaluations as f64 * settings.seed_share) as u64 / runs as u64;
    let mut stats = ChainStats {
        rounds: 0,
        evaluations: 0,
        chains: 0,
    };
    let mut engine = None;
    for run in 0..runs {
        let mut e = Engine::new(
            &g,
            sol.clone(),
            &ChainLimits {
                seed: limits.seed.wrapping_add(run as u64),
                ..limits
            },
        );
        let mut best = Best {
            obj: f64::INFINITY,
            sol: None,
        };
        best.offer(&e.s, &[], e.s.obj, e.s.total_excess(&g));
        e.run(&mut best, seed_budget);
        stats.evaluations += e.stats.evaluations;
        stats.rounds += e.stats.rounds;
        stats.chains += e.stats.chains;
        if let Some(b) = &best.sol {
            pool.offer(best.obj, b);
            if best.obj < global.obj - 1e-9 {
                global.obj = best.obj;
                global.sol = Some(b.clone());
            }
        }
        tracing::debug!(run, best = best.obj, "path relinking: seed run");
        engine = Some(e);
    }
    let mut e = engine.expect("at least one seed run");
    // The relinking phase continues the last seed run's engine (its weights and scan order);
    // its budget is what the seed runs left.
    e.stats = stats;
    let mut rng = ChaCha8Rng::seed_from_u64(limits.seed ^ 0x9e1);
    let mut scratch = Vec::new();
    let mut paths = 0usize;
    while !e.out_of_work(limits.evaluations) && pool.items.len() >= 2 && global.obj > e.floor + 1e-9
    {
        let a = rng.random_range(0..pool.items.len());
        let mut b = rng.random_range(0..pool.items.len() - 1);
        if b >= a {
            b += 1;
        }
        let (from, to) = (pool.items[a].1.clone(), pool.items[b].1.clone());
        let points = path(
            &mut e,
            &mut global,
            &from,
            &to,
            settings.points,
            &mut scratch,
        );
        paths += 1;
        for point in points {
            if e.out_of_work(limits.evaluations) {
                break;
            }
            e.set(&point);
            let mut best = Best {
                obj: f64::INFINITY,
                sol: None,
            };
            best.offer(&e.s, &[], e.s.obj, e.s.total_excess(&g));
            let until = (e.stats.evaluations + settings.run_evaluations).min(limits.evaluations);
            e.run(&mut best, until);
            if let Some(s) = &best.sol {
                pool.offer(best.obj, s);
                if best.obj < global.obj - 1e-9 {
                    global.obj = best.obj;
                    global.sol = Some(s.clone());
                }
            }
        }
    }
    tracing::debug!(
        paths,
        pool = ?pool.items.iter().map(|x| x.0).collect::<Vec<_>>(),
        "path relinking: pool"
    );
    e.result(&tasks, global)
}

/// Walk from `from` to `to` under the engine's weights, one job at a time (the move best for
/// the penalised objective), offering every feasible point to `best`; the best penalised
/// point of each of `k` equal stretches of the path (endpoints excluded), or none when the
/// two are too close.
fn path(
    e: &mut Engine,
    best: &mut Best,
    from: &[u32],
    to: &[u32],
    k: usize,
    diff: &mut Vec<usize>,
) -> Vec<Vec<u32>> {
    let g = e.g;
    e.set(from);
    diff.clear();
    diff.extend((0..g.n).filter(|&j| from[j] != to[j]));
    let d = diff.len();
    let k = k.max(1);
    if d < 2 * k + 2 {
        return Vec::new();
    }
    let stretch = (d - 1).div_ceil(k);
    let mut picks: Vec<(f64, Option<Vec<u32>>)> = vec![(f64::INFINITY, None); k];
    for step in 1..d {
        // The best next move among the jobs that still differ.
        let mut pick: Option<(f64, usize)> = None;
        for (x, &j) in diff.iter().enumerate() {
            let (i, t) = (e.s.sol[j] as usize, to[j] as usize);
            e.stats.evaluations += 1;
            let s = &e.s;
            let dv = g.c(t, j) - g.c(i, j) + s.pen(g, i, s.load[i] - g.a(i, j))
                - s.pen(g, i, s.load[i])
                + s.pen(g, t, s.load[t] + g.a(t, j))
                - s.pen(g, t, s.load[t]);
            if pick.is_none_or(|(bv, _)| dv < bv - 1e-12) {
                pick = Some((dv, x));
            }
        }
        let (_, x) = pick.expect("jobs left to move");
        let j = diff.swap_remove(x);
        e.s.shift(g, j, to[j] as usize);
        let ex = e.s.total_excess(g);
        best.offer(&e.s, &[], e.s.obj, ex);
        let value = e.s.obj + e.s.penalty(g);
        let slot = ((step - 1) / stretch).min(k - 1);
        if value < picks[slot].0 - 1e-9 {
            picks[slot] = (value, Some(e.s.sol.clone()));
        }
    }
    picks.into_iter().filter_map(|(_, s)| s).collect()
}

/// First improving shift, scanning jobs from `cursor` on.
fn shift_pass(
    g: &Gap,
    s: &mut State,
    best: &mut Best,
    order: &[usize],
    cursor: &mut usize,
    stats: &mut ChainStats,
) -> bool {
    let total_ex = s.total_excess(g);
    for step in 0..g.n {
        let j = order[(*cursor + step) % g.n];
        let from = s.sol[j] as usize;
        let lf = s.load[from];
        let out_pen = s.pen(g, from, lf - g.a(from, j)) - s.pen(g, from, lf);
        let out_ex = State::excess(g, from, lf - g.a(from, j)) - State::excess(g, from, lf);
        for to in 0..g.m {
            let c = g.c(to, j);
            if to == from || !c.is_finite() {
                continue;
            }
            stats.evaluations += 1;
            let lt = s.load[to];
            let dobj = c - g.c(from, j);
            let d = dobj + out_pen + s.pen(g, to, lt + g.a(to, j)) - s.pen(g, to, lt);
            let ex_after = total_ex + out_ex + State::excess(g, to, lt + g.a(to, j))
                - State::excess(g, to, lt);
            best.offer(s, &[(j as u32, to as u32)], s.obj + dobj, ex_after);
            if d < -1e-9 {
                s.shift(g, j, to);
                *cursor = (*cursor + step + 1) % g.n;
                return true;
            }
        }
    }
    false
}

/// First improving swap of a job with a job of one of its candidate agents.
fn swap_pass(
    g: &Gap,
    s: &mut State,
    best: &mut Best,
    order: &[usize],
    cursor: &mut usize,
    stats: &mut ChainStats,
) -> bool {
    let total_ex = s.total_excess(g);
    for step in 0..g.n {
        let j1 = order[(*cursor + step) % g.n];
        let i1 = s.sol[j1] as usize;
        for &i2 in &g.cand[j1] {
            let i2 = i2 as usize;
            if i2 == i1 {
                continue;
            }
            for x in 0..s.members[i2].len() {
                let j2 = s.members[i2][x] as usize;
                let c21 = g.c(i1, j2);
                if !c21.is_finite() {
                    continue;
                }
                stats.evaluations += 1;
                let dobj = g.c(i2, j1) + c21 - g.c(i1, j1) - g.c(i2, j2);
                let l1 = s.load[i1] - g.a(i1, j1) + g.a(i1, j2);
                let l2 = s.load[i2] - g.a(i2, j2) + g.a(i2, j1);
                let d = dobj + s.pen(g, i1, l1) + s.pen(g, i2, l2)
                    - s.pen(g, i1, s.load[i1])
                    - s.pen(g, i2, s.load[i2]);
                let ex_after = total_ex + State::excess(g, i1, l1) + State::excess(g, i2, l2)
                    - State::excess(g, i1, s.load[i1])
                    - State::excess(g, i2, s.load[i2]);
                best.offer(
                    s,
                    &[(j1 as u32, i2 as u32), (j2 as u32, i1 as u32)],
                    s.obj + dobj,
                    ex_after,
                );
                if d < -1e-9 {
                    s.shift(g, j1, i2);
                    s.shift(g, j2, i1);
                    *cursor = (*cursor + step + 1) % g.n;
                    return true;
                }
            }
        }
    }
    false
}

/// Scratch space of one ejection chain.
struct Chain {
    /// Load change of each agent under the chain so far.
    dl: Vec<f64>,
    in_chain: Vec<bool>,
    agents: Vec<usize>,
    moves: Vec<(u32, u32)>,
}

impl Chain {
    fn new(m: usize) -> Self {
        Chain {
            dl: vec![0.0; m],
            in_chain: vec![false; m],
            agents: Vec::new(),
            moves: Vec::new(),
        }
    }
    fn clear(&mut self) {
        for &i in &self.agents {
            self.dl[i] = 0.0;
            self.in_chain[i] = false;
        }
        self.agents.clear();
        self.moves.clear();
    }
    fn touch(&mut self, i: usize) {
        if !self.in_chain[i] {
            self.in_chain[i] = true;
            self.agents.push(i);
        }
    }
}

/// First improving ejection chain: for each job `j1` (from `cursor`) and candidate agent
/// `i2`, grow the chain greedily and apply its best prefix when that improves.
fn chain_pass(
    g: &Gap,
    s: &mut State,
    best: &mut Best,
    order: &[usize],
    cursor: &mut usize,
    stats: &mut ChainStats,
    ch: &mut Chain,
) -> bool {
    let total_ex = s.total_excess(g);
    // Penalty and excess change of agent `i` under load change `dl` (from its current load).
    let pen_d = |s: &State, i: usize, dl: f64| s.pen(g, i, s.load[i] + dl) - s.pen(g, i, s.load[i]);
    let ex_d = |s: &State, i: usize, dl: f64| {
        State::excess(g, i, s.load[i] + dl) - State::excess(g, i, s.load[i])
    };
    for step in 0..g.n {
        let j1 = order[(*cursor + step) % g.n];
        let i1 = s.sol[j1] as usize;
        for &i2 in &g.cand[j1] {
            let i2 = i2 as usize;
            if i2 == i1 {
                continue;
            }
            ch.clear();
            ch.touch(i1);
            ch.touch(i2);
            ch.dl[i1] = -g.a(i1, j1);
            ch.dl[i2] = g.a(i2, j1);
            ch.moves.push((j1 as u32, i2 as u32));
            let mut dobj = g.c(i2, j1) - g.c(i1, j1);
            let mut dpen = pen_d(s, i1, ch.dl[i1]) + pen_d(s, i2, ch.dl[i2]);
            let mut dex = ex_d(s, i1, ch.dl[i1]) + ex_d(s, i2, ch.dl[i2]);
            stats.evaluations += 1;
            let mut best_prefix = (dobj + dpen, 1usize);
            // (penalised delta, prefix length, job) of the best closing at `i1`.
            let mut best_close = (f64::INFINITY, 0usize, 0usize);
            let mut tail = i2;
            while ch.moves.len() < MAX_DEPTH {
                // The cheapest continuation: a job of `tail` (not the one just moved in) to an
                // agent outside the chain, or back to `i1` (closing the chain).
                let mut next: Option<(f64, usize, usize)> = None;
                let lt = ch.dl[tail];
                let tail_pen = pen_d(s, tail, lt);
                for &j in &s.members[tail] {
                    let j = j as usize;
                    let out = pen_d(s, tail, lt - g.a(tail, j)) - tail_pen;
                    // Closing the chain at `i1`, which has the room `j1` left, is always tried
                    // as a trial move, candidate or not.
                    if g.c(i1, j).is_finite() && !g.cand[j].contains(&(i1 as u32)) {
                        stats.evaluations += 1;
                        let d =
                            g.c(i1, j) - g.c(tail, j) + out + pen_d(s, i1, ch.dl[i1] + g.a(i1, j))
                                - pen_d(s, i1, ch.dl[i1]);
                        if dobj + dpen + d < best_close.0 - 1e-12 {
                            best_close = (dobj + dpen + d, ch.moves.len(), j);
                        }
                    }
                    for &to in &g.cand[j] {
                        let to = to as usize;
                        if to == tail || (ch.in_chain[to] && to != i1) {
                            continue;
                        }
                        stats.evaluations += 1;
                        let d =
                            g.c(to, j) - g.c(tail, j) + out + pen_d(s, to, ch.dl[to] + g.a(to, j))
                                - pen_d(s, to, ch.dl[to]);
                        if next.is_none_or(|(bd, _, _)| d < bd - 1e-12) {
                            next = Some((d, j, to));
                        }
                    }
                }
                let Some((_, j, to)) = next else { break };
                let (old_t, old_to) = (ch.dl[tail], ch.dl[to]);
                ch.dl[tail] -= g.a(tail, j);
                ch.dl[to] += g.a(to, j);
                dobj += g.c(to, j) - g.c(tail, j);
                dpen += pen_d(s, tail, ch.dl[tail]) - pen_d(s, tail, old_t)
                    + pen_d(s, to, ch.dl[to])
                    - pen_d(s, to, old_to);
                dex += ex_d(s, tail, ch.dl[tail]) - ex_d(s, tail, old_t) + ex_d(s, to, ch.dl[to])
                    - ex_d(s, to, old_to);
                ch.touch(to);
                ch.moves.push((j as u32, to as u32));
                best.offer(s, &ch.moves, s.obj + dobj, total_ex + dex);
                if dobj + dpen < best_prefix.0 {
                    best_prefix = (dobj + dpen, ch.moves.len());
                }
                if to == i1 {
                    break;
                }
                tail = to;
            }
            if best_close.0 < best_prefix.0 && best_close.0 < -1e-9 {
                let mut moves: Vec<(u32, u32)> = ch.moves[..best_close.1].to_vec();
                moves.push((best_close.2 as u32, i1 as u32));
                for (j, to) in moves {
                    s.shift(g, j as usize, to as usize);
                }
                ch.clear();
                *cursor = (*cursor + step + 1) % g.n;
                return true;
            }
            if best_prefix.0 < -1e-9 {
                let moves: Vec<(u32, u32)> = ch.moves[..best_prefix.1].to_vec();
                for (j, to) in moves {
                    s.shift(g, j as usize, to as usize);
                }
                ch.clear();
                *cursor = (*cursor + step + 1) % g.n;
                return true;
            }
        }
    }
    ch.clear();
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::FallbackScorer;
    use crate::tasks::testgen::{assert_near_optimum, gap, proven_optimum, GapCosts};
    use crate::tasks::TaskScores;

    fn limits(seed: u64) -> ChainLimits {
        ChainLimits {
            evaluations: 3_000_000,
            deadline: Instant::now() + std::time::Duration::from_secs(120),
            lower_bound: f64::NEG_INFINITY,
            seed,
        }
    }

    /// Every job on its cheapest column: over capacity on tight instances.
    fn cheapest(p: &TaskProblem, model: &TaskModel) -> Vec<(TaskIdx, EmpIdx)> {
        p.pending()
            .map(|t| {
                let col = (0..model.pairs.len())
                    .filter(|&c| model.pairs[c].0 == t)
                    .min_by(|&a, &b| model.lp.cols[a].cost.total_cmp(&model.lp.cols[b].cost))
                    .unwrap();
                model.pairs[col]
            })
            .collect()
    }

    fn checked(p: &TaskProblem, scores: &TaskScores, found: &SearchResult) {
        assert_eq!(found.pairs.len(), p.tasks.len(), "every job assigned");
        let report = crate::tasks::check_tasks(
            p,
            &super::super::to_assignments(p, scores, &found.pairs),
            &FallbackScorer,
        );
        assert!(report.feasible, "{:?}", report.violations);
        assert!((report.objective - found.objective).abs() < 1e-6);
    }

    #[test]
    fn reaches_a_feasible_assignment_from_an_overloaded_start() {
        let p = gap(5, 40, 0.7, 7, GapCosts::TypeD, true);
        let scores = TaskScores::compute(&p, &FallbackScorer);
        let model = TaskModel::build(&p, &scores);
        let start = cheapest(&p, &model);
        let mut load = [0.0; 5];
        for &(t, e) in &start {
            load[e.ix()] += p.hours(e, t);
        }
        assert!(
            p.employee_ids()
                .any(|e| load[e.ix()] > p.remaining_capacity(e) + TOL),
            "the start must be infeasible for this test to mean anything"
        );
        let (found, stats) = improve(&p, &model, &start, limits(1)).expect("a feasible one");
        checked(&p, &scores, &found);
        assert!(stats.rounds > 0 && stats.evaluations > 0);
    }

    #[test]
    fn never_worse_than_its_start_and_deterministic_for_a_seed() {
        let p = gap(6, 48, 0.8, 3, GapCosts::TypeD, true);
        let scores = TaskScores::compute(&p, &FallbackScorer);
        let model = TaskModel::build(&p, &scores);
        let short = ChainLimits {
            evaluations: 20_000,
            ..limits(5)
        };
        let (first, _) = improve(&p, &model, &cheapest(&p, &model), short).unwrap();
        checked(&p, &scores, &first);
        let (again, _) = improve(&p, &model, &first.pairs, limits(9)).unwrap();
        checked(&p, &scores, &again);
        assert!(again.objective <= first.objective + 1e-9);
        let a = improve(&p, &model, &first.pairs, limits(4)).unwrap();
        let b = improve(&p, &model, &first.pairs, limits(4)).unwrap();
        assert_eq!(a, b, "same input and seed, same answer");
    }

    #[test]
    fn lands_near_a_proven_milp_optimum() {
        let p = gap(5, 30, 0.75, 4, GapCosts::TypeD, true);
        let optimum = proven_optimum(&p);
        let scores = TaskScores::compute(&p, &FallbackScorer);
        let model = TaskModel::build(&p, &scores);
        let (found, _) = improve(&p, &model, &cheapest(&p, &model), limits(2)).unwrap();
        checked(&p, &scores, &found);
        assert_near_optimum(found.objective, optimum, 0.005, "search");
    }

    #[test]
    fn stops_at_a_lower_bound_it_meets() {
        let p = gap(5, 30, 0.75, 4, GapCosts::TypeD, true);
        let scores = TaskScores::compute(&p, &FallbackScorer);
        let model = TaskModel::build(&p, &scores);
        let start = cheapest(&p, &model);
        let (full, all) = improve(&p, &model, &start, limits(2)).unwrap();
        // A bound the search meets: the same trajectory, cut where it reaches that value.
        let proven = ChainLimits {
            lower_bound: full.objective - 0.5,
            ..limits(2)
        };
        let (found, stats) = improve(&p, &model, &start, proven).unwrap();
        checked(&p, &scores, &found);
        assert!((found.objective - full.objective).abs() < 1e-6);
        assert!(stats.evaluations < all.evaluations, "stopped early");
    }

    fn settings() -> RelinkSettings {
        RelinkSettings {
            pool: 6,
            seed_runs: 3,
            seed_share: 0.3,
            run_evaluations: 100_000,
            points: 3,
        }
    }

    #[test]
    fn relinking_is_never_worse_than_its_best_seed_run() {
        let p = gap(8, 60, 0.8, 11, GapCosts::TypeD, true);
        let scores = TaskScores::compute(&p, &FallbackScorer);
        let model = TaskModel::build(&p, &scores);
        let (start, _) = improve(
            &p,
            &model,
            &cheapest(&p, &model),
            ChainLimits {
                evaluations: 20_000,
                ..limits(5)
            },
        )
        .unwrap();
        let total = limits(3);
        let set = settings();
        // The seed runs are plain searches with their share of the budget.
        let per_run = (total.evaluations as f64 * set.seed_share) as u64 / set.seed_runs as u64;
        let best_seed_run = (0..set.seed_runs as u64)
            .map(|r| {
                let l = ChainLimits {
                    evaluations: per_run,
                    seed: total.seed + r,
                    ..total
                };
                improve(&p, &model, &start.pairs, l).unwrap().0.objective
            })
            .fold(f64::INFINITY, f64::min);
        let (found, stats) = relink(&p, &model, &start.pairs, total, set).unwrap();
        checked(&p, &scores, &found);
        assert!(found.objective <= best_seed_run + 1e-9);
        assert!(found.objective <= start.objective + 1e-9);
        assert!(stats.evaluations >= per_run * set.seed_runs as u64);
    }

    #[test]
    fn relinking_is_deterministic_for_a_seed() {
        let p = gap(6, 48, 0.8, 3, GapCosts::TypeD, true);
        let scores = TaskScores::compute(&p, &FallbackScorer);
        let model = TaskModel::build(&p, &scores);
        let start = cheapest(&p, &model);
        let a = relink(&p, &model, &start, limits(4), settings()).unwrap();
        let b = relink(&p, &model, &start, limits(4), settings()).unwrap();
        checked(&p, &scores, &a.0);
        assert_eq!(a, b, "same input and seed, same answer");
    }

    #[test]
    fn relinking_lands_near_a_proven_milp_optimum() {
        let p = gap(8, 40, 0.75, 6, GapCosts::TypeD, true);
        let optimum = proven_optimum(&p);
        let scores = TaskScores::compute(&p, &FallbackScorer);
        let model = TaskModel::build(&p, &scores);
        let budget = ChainLimits {
            evaluations: 20_000_000,
            ..limits(2)
        };
        let (found, _) = relink(&p, &model, &cheapest(&p, &model), budget, settings()).unwrap();
        let (plain, _) = improve(&p, &model, &cheapest(&p, &model), budget).unwrap();
        checked(&p, &scores, &found);
        // On this seeded instance the plain search with the same budget stays at 1041.
        assert!(found.objective <= plain.objective + 1e-9);
        assert_near_optimum(found.objective, optimum, 0.003, "relinking");
    }

    #[test]
    fn a_path_walks_from_one_assignment_to_the_other() {
        let p = gap(5, 30, 0.75, 4, GapCosts::TypeD, true);
        let scores = TaskScores::compute(&p, &FallbackScorer);
        let model = TaskModel::build(&p, &scores);
        let (g, _, sol) = Gap::from_model(&p, &model, &cheapest(&p, &model)).unwrap();
        let from = sol.clone();
        let to: Vec<u32> = sol.iter().map(|&i| (i + 1) % 5).collect();
        let mut e = Engine::new(&g, sol, &limits(1));
        let mut best = Best {
            obj: f64::INFINITY,
            sol: None,
        };
        let mut scratch = Vec::new();
        let points = path(&mut e, &mut best, &from, &to, 3, &mut scratch);
        assert_eq!(points.len(), 3, "one point per stretch");
        // Every point lies between the two: each job at its agent in one of them.
        for pt in &points {
            assert!((0..30).all(|j| pt[j] == from[j] || pt[j] == to[j]));
            assert!(pt != &from && pt != &to);
        }
        // The walk stops one step short of `to`: exactly one job still differs.
        let left = (0..30).filter(|&j| e.s.sol[j] != to[j]).count();
        assert_eq!(left, 1);
        // The loads follow the moves.
        for i in 0..5 {
            let load: f64 = (0..30)
                .filter(|&j| e.s.sol[j] as usize == i)
                .map(|j| g.a(i, j))
                .sum();
            assert!((load - e.s.load[i]).abs() < 1e-6);
        }
    }

    #[test]
    fn does_not_apply_without_assign_all() {
        let p = gap(3, 10, 0.8, 2, GapCosts::TypeD, false);
        let scores = TaskScores::compute(&p, &FallbackScorer);
        let model = TaskModel::build(&p, &scores);
        let start: Vec<_> = p.pending().map(|t| (t, EmpIdx(0))).collect();
        assert_eq!(improve(&p, &model, &start, limits(1)), None);
    }
}
