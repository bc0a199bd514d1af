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
//! Measured (chu1997, 60 s, 2 shared cores, three runs of 0.6 G evaluations each after the
//! knapsack heuristic): d20100 6258–6306 → 6215–6229 (best known 6185), d20200 12417–12441 →
//! 12301–12308 (12244); the final after HiGHS is the search's. Tried and dropped while
//! tuning: 6 or 10 candidate agents (worse than 3), random perturbations after a restart,
//! gentler weight updates, one run of the whole budget (6222–6229), six shorter runs, the
//! search as the knapsack heuristic's repair (6290), and a stall stop (it cut d20100's runs).
//!
//! It applies to `assignAll` requests with capacities enforced and without assignment caps
//! (the GAP benchmark's shape); [`improve`] returns `None` otherwise. Like the tabu search, it
//! works on the model's columns and objective coefficients; the caller re-checks its answer.

use std::time::Instant;

use rand::seq::SliceRandom;
use rand::SeedableRng;
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

struct Gap {
    n: usize,
    m: usize,
    /// `cost[i * n + j]`, infinite where the model has no column.
    cost: Vec<f64>,
    res: Vec<f64>,
    cap: Vec<f64>,
    /// Candidate agents of each job, most promising first.
    cand: Vec<Vec<u32>>,
}

impl Gap {
    fn c(&self, i: usize, j: usize) -> f64 {
        self.cost[i * self.n + j]
    }
    fn a(&self, i: usize, j: usize) -> f64 {
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

/// Search from `start` (a complete assignment over the model's columns) and return the best
/// feasible assignment found, or `None` when the request is not GAP-shaped, too large, or no
/// feasible assignment was found.
pub fn improve(
    p: &TaskProblem,
    model: &TaskModel,
    start: &[(TaskIdx, EmpIdx)],
    limits: ChainLimits,
) -> Option<(SearchResult, ChainStats)> {
    if !p.constraints.assign_all
        || !p.constraints.enforce_capacity
        || !model.unassigned.is_empty()
        || p.employee_ids().any(|e| p.max_assignments(e).is_some())
    {
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
    let mut members = vec![Vec::new(); m];
    let mut pos = vec![0u32; n];
    let mut load = vec![0.0; m];
    for j in 0..n {
        let i = sol[j] as usize;
        pos[j] = members[i].len() as u32;
        members[i].push(j as u32);
        load[i] += g.a(i, j);
    }
    // Initial weights: the largest cost per hour of any column, so an hour of excess is never
    // cheaper than what moving a job could save.
    let w0 = (0..n * m)
        .filter(|&x| g.cost[x].is_finite())
        .map(|x| g.cost[x].abs() / g.res[x].max(TOL))
        .fold(1.0f64, f64::max)
        .min(1e6);
    let mut s = State {
        sol,
        load,
        w: vec![w0; m],
        obj: start_obj,
        members,
        pos,
    };
    let mut best = Best {
        obj: f64::INFINITY,
        sol: None,
    };
    best.offer(&s, &[], s.obj, s.total_excess(&g));
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(limits.seed ^ 0xec_u64));
    let mut stats = ChainStats {
        rounds: 0,
        evaluations: 0,
        chains: 0,
    };
    let mut cursor = 0usize;
    let mut last_best = f64::INFINITY;
    let mut last_gain = 0usize;
    let mut chain = Chain::new(m);
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
    'outer: while stats.evaluations < limits.evaluations {
        // One local search to a local optimum of the penalised objective.
        loop {
            if stats.evaluations >= limits.evaluations || Instant::now() >= limits.deadline {
                break 'outer;
            }
            if shift_pass(&g, &mut s, &mut best, &order, &mut cursor, &mut stats) {
                continue;
            }
            if swap_pass(&g, &mut s, &mut best, &order, &mut cursor, &mut stats) {
                continue;
            }
            if chain_pass(
                &g,
                &mut s,
                &mut best,
                &order,
                &mut cursor,
                &mut stats,
                &mut chain,
            ) {
                stats.chains += 1;
                continue;
            }
            break;
        }
        stats.rounds += 1;
        if best.obj < last_best - 1e-9 {
            last_best = best.obj;
            last_gain = stats.rounds;
        }
        if (stats.rounds - last_gain) % RESTART_ROUNDS == 0 {
            // Back to the best assignment (under the current weights).
            if let Some(b) = &best.sol {
                for (j, &to) in b.iter().enumerate() {
                    if s.sol[j] != to {
                        s.shift(&g, j, to as usize);
                    }
                }
            }
        }
        if best.obj <= floor + 1e-9 {
            break; // proven optimal
        }
        // Adapt the weights.
        let value = s.obj + s.penalty(&g);
        if value >= best.obj - 1e-9 {
            for w in &mut s.w {
                *w = (*w * 0.9).max(w0 * 1e-4);
            }
        } else {
            let worst = (0..m)
                .map(|i| State::excess(&g, i, s.load[i]))
                .fold(0.0, f64::max);
            if worst > 0.0 {
                for i in 0..m {
                    let ex = State::excess(&g, i, s.load[i]);
                    s.w[i] = (s.w[i] * (1.0 + 0.2 * ex / worst)).min(w0 * 1e4);
                }
            }
        }
    }
    let sol = best.sol?;
    let mut pairs: Vec<(TaskIdx, EmpIdx)> = (0..n).map(|j| (tasks[j], EmpIdx(sol[j]))).collect();
    pairs.sort_unstable();
    Some((
        SearchResult {
            pairs,
            objective: best.obj,
            iterations: stats.rounds,
        },
        stats,
    ))
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
    use crate::tasks::testgen::{gap, GapCosts};
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
        let sol = crate::tasks::solve_tasks(&p, &Default::default()).unwrap();
        assert_eq!(sol.status, crate::solve::Status::Optimal);
        let optimum = sol.objective.unwrap();
        let scores = TaskScores::compute(&p, &FallbackScorer);
        let model = TaskModel::build(&p, &scores);
        let (found, _) = improve(&p, &model, &cheapest(&p, &model), limits(2)).unwrap();
        checked(&p, &scores, &found);
        assert!(found.objective >= optimum - 1e-6, "below a proven optimum");
        assert!(
            found.objective <= optimum * 1.005 + 1e-6,
            "search {} vs optimum {optimum}",
            found.objective
        );
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

    #[test]
    fn does_not_apply_without_assign_all() {
        let p = gap(3, 10, 0.8, 2, GapCosts::TypeD, false);
        let scores = TaskScores::compute(&p, &FallbackScorer);
        let model = TaskModel::build(&p, &scores);
        let start: Vec<_> = p.pending().map(|t| (t, EmpIdx(0))).collect();
        assert_eq!(improve(&p, &model, &start, limits(1)), None);
    }
}
