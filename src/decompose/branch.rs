//! Branch-and-price: the proof that the decomposition's root bound cannot give.
//!
//! Why: the root master LP of Curtois Instance7 is 1054.08 against an optimum of 1056, and
//! no integer master over the root's columns has to reach the optimum. Branching on one
//! employee's decision — does `e` work day `d` at all, and once every employee-day is
//! integral, does `e` work slot `s` (a day and a shift, and a requirement when a shift has
//! several) — splits the schedules without breaking the structure of pricing: in the master,
//! the columns that disagree are closed; in pricing, the day may not be off (a row in the
//! MILP, no day-off choice in the labeling) or its slots are forbidden, and a slot is forced
//! or forbidden (a column bound in the MILP, the day's only choice or an infinite cost in the
//! labeling).
//!
//! Before those, a node may branch on a shift's total activity — the number of assignments
//! to a shift's slots, an integer in every roster: at most `⌊v⌋` or at least `⌈v⌉`. On Curtois
//! Instance9 the root LP (405.67) puts 68⅓ people on nights, short of cover by 3⅔ at 100
//! each; every employee branch ties, while both children of this one reach 439, the optimum.
//! The bound is a row of the master over the schedule columns (pricing sees its dual through
//! the cover rows' duals, so pricing is unchanged). Such a branch is evaluated at once and
//! kept only when its weaker child gains; otherwise it would double the tree for nothing
//! (Instance5), and after [`ACTIVITY_REJECTIONS`] such branch none is tried again.
//!
//! Nodes are taken best bound first, share one column pool,
//! and are pruned once their bound proves they cannot beat the incumbent (with integral
//! costs, once `⌈bound⌉ ≥ incumbent`), also during their column generation (Lagrangian
//! pruning). Every incumbent is re-verified by the checker. The search is complete when no
//! node is open; only then is the incumbent called optimal by this module.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use super::master::{Column, MasterLp, MasterSolution};
use super::pricing::{Effort, Restrict};
use super::{
    DecomposeError, Decomposition, Engine, Incumbent, NodeEnd, NodeLp, LONG_DIVE_EMPLOYEES,
};
use crate::domain::{Assignment, Day, EmployeeIdx, Problem, Roster, SlotIdx};
use crate::scoring::Scorer;

/// Evaluated nodes between two integer masters over the whole column pool.
const HEURISTIC_EVERY: usize = 20;
/// Share of the search time the dive from the root may take.
const DIVE_SHARE: f64 = 0.6;
/// Share of the remaining search time a dive below a node may take (every
/// [`HEURISTIC_EVERY`] nodes).
const NODE_DIVE_SHARE: f64 = 0.1;
/// Once a dive's deadline has passed: seconds per step, at most this many steps, and the
/// value from which schedules are fixed along with the pick.
const DIVE_FINISH_SECONDS: f64 = 1.0;
const DIVE_FINISH_STEPS: f64 = 8.0;
const DIVE_FINISH_FIX_AT: f64 = 0.3;
/// A schedule at or above this value in the master is fixed along with the dive's pick.
const DIVE_FIX_AT: f64 = 0.6;
/// A dive that hands its rounding back (from an unconverged root) fixes this many more of
/// the largest fractional schedules per step, and at its deadline the integer master over
/// the columns its decisions leave open gets this many seconds from its rounding. Curtois 15
/// (45 employees × 42 days), one 60 s run per seed, 2 cores: with the extra picks and the
/// integer master, seeds 0–3 ended at 4291 / 4288 / 4506 / 4392; without the integer master
/// (best responses straight from the rounding) 4719 / 4594 / 4492 / 4632; with the final
/// build, 4420 / 4290 / 4602 / 4490 at 5 s, 4691 / 4478 / 4504 / 4507 at 2.5 s, 4707 / 4690
/// / 4801 / 4611 at 10 s (the best responses after it get the rest). Backtracking (4) in this
/// dive: 4582 / 4379 / 4485 / 4811. With 4 extra picks the dive's LP rose from 3853 to 4186
/// in five steps (2: 3852 to 3910), and its last employees had no schedule near it.
const HAND_BACK_EXTRA_PICKS: usize = 2;
const HAND_BACK_INTEGER_SECONDS: f64 = 5.0;
/// In a backtracking dive, a step whose LP value rises by more than this share of the value
/// (of 100 at least) is undone and its fractional picks made tabu for the rest of the dive,
/// at most [`DIVE_BACKTRACKS`] times; so are steps that end infeasible or pruned.
const DIVE_JUMP: f64 = 0.01;
const DIVE_BACKTRACKS: usize = 4;
/// The root's backtracking dives run after the plain one when the incumbent is more than
/// this share of the bound (of 100 at least) above it. Both dives: the backtracking one
/// alone took Curtois Instance9's root dive to 441 instead of 439 (the optimum). While the
/// incumbent stays that far, a third backtracking dive follows; each dive's master solves
/// take their own HiGHS seed. On Curtois 8 (seed 0) two dives under one seed ended at 1410
/// (backtracks 4, 8 or 16 alike, and best responses or neighbourhoods from there found
/// nothing); with a seed per dive, seeds 0, 2 and 3 end at 1304, 1304 and 1309 (one 60 s
/// run each, 2 cores).
const SECOND_DIVE_GAP: f64 = 0.01;
/// Share of the search time left after the root dive that the neighbourhood search takes.
const LNS_SHARE: f64 = 0.25;
/// Share of the time limit branch-and-price runs before the last integer master.
const SEARCH_SHARE: f64 = 0.9;
/// Least bound gain (relative to the node's bound) of an activity branch's weaker child for
/// the branch to be kept; a branch that gains less is undone, and the node branches on an
/// employee's decision instead. Under unit tests every activity branch is kept, so that
/// they exercise it.
const ACTIVITY_MIN_GAIN: f64 = if cfg!(test) { f64::NEG_INFINITY } else { 1e-4 };
/// Activity branches undone before activity branching stops for the rest of the search.
const ACTIVITY_REJECTIONS: usize = 1;

/// What a branching decision is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Subject {
    /// One slot.
    Slot(SlotIdx),
    /// One day: the employee's slots of that day (works one of them, or none).
    Day(Vec<SlotIdx>),
}

/// One branching decision.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Decision {
    /// Employee `employee` works `subject` (`works`) or not.
    Works {
        employee: EmployeeIdx,
        subject: Subject,
        works: bool,
    },
    /// The schedules' activity summed over coupling rows `rows` (sorted; `Σ λ·a`, an integer
    /// in every roster) is at least `at` (`above`) or at most `at`.
    Activity {
        rows: Vec<usize>,
        at: f64,
        above: bool,
    },
}

/// The decisions that fix `e` to exactly the schedule `slots` (sorted): every slot `e` may
/// work is forced or forbidden.
pub(super) fn fix_schedule(engine: &Engine, e: EmployeeIdx, slots: &[SlotIdx]) -> Vec<Decision> {
    fix_schedule_outside(engine, e, slots, 0..0)
}

/// The decisions that fix `e` to the schedule `slots` (sorted) on every day outside `free`:
/// each slot `e` may work on those days is forced or forbidden.
pub(super) fn fix_schedule_outside(
    engine: &Engine,
    e: EmployeeIdx,
    slots: &[SlotIdx],
    free: std::ops::Range<Day>,
) -> Vec<Decision> {
    let p = engine.problem;
    engine.pricers[e.ix()]
        .slots()
        .into_iter()
        .filter(|s| !free.contains(&p.slots[s.ix()].day))
        .map(|s| Decision::Works {
            employee: e,
            subject: Subject::Slot(s),
            works: slots.binary_search(&s).is_ok(),
        })
        .collect()
}

struct Node {
    bound: f64,
    decisions: Vec<Decision>,
    /// The node's master LP solution when already solved (the root).
    lp: Option<MasterSolution>,
}

/// An open node in the queue: least rank first, then the deepest, then the oldest.
///
/// The rank is the node's bound, rounded up when the costs are integral: every node whose
/// bound rounds up to the least rank must be searched for the proof whatever the order (an
/// incumbent above that rank prunes none of them), and only an incumbent *at* that rank
/// ends their search. So among them the deepest goes first — a dive, which reaches integral
/// rosters — instead of the least fractional bound, which only widens the search. (Curtois
/// Instance7: after the first seconds every open node's bound lies in (1055, 1056], the
/// incumbent is the root dive's 1154 and no neighbourhood improves it; the optimum 1056 comes
/// only from a node whose LP is integral, and the proof ends with it at once. In least-bound
/// order it came in 5 runs of 7 within 60 s; in this order in 3 of 3, at 31–42 s.)
#[derive(Clone, Copy, Debug)]
struct Open {
    rank: f64,
    depth: usize,
    bound: f64,
    id: usize,
}

impl Open {
    fn new(bound: f64, depth: usize, id: usize, integral_costs: bool) -> Self {
        let rank = match integral_costs && bound.is_finite() {
            true => (bound - 1e-6).ceil(),
            false => bound,
        };
        Open {
            rank,
            depth,
            bound,
            id,
        }
    }
}

impl PartialEq for Open {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Open {}
impl PartialOrd for Open {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Open {
    fn cmp(&self, other: &Self) -> Ordering {
        // `BinaryHeap` pops the greatest: the least rank, then the greatest depth, then the
        // least id, is greatest.
        other
            .rank
            .total_cmp(&self.rank)
            .then(self.depth.cmp(&other.depth))
            .then(other.id.cmp(&self.id))
    }
}

/// Per-employee restrictions of a node's decisions.
fn restrictions(employees: usize, decisions: &[Decision]) -> Vec<Restrict> {
    let mut out = vec![Restrict::default(); employees];
    for d in decisions {
        let Decision::Works {
            employee,
            subject,
            works,
        } = d
        else {
            continue;
        };
        let r = &mut out[employee.ix()];
        match (subject, works) {
            (Subject::Slot(s), true) => r.force.push(*s),
            (Subject::Slot(s), false) => r.forbid.push(*s),
            (Subject::Day(slots), true) => r.work_any.push(slots.clone()),
            (Subject::Day(slots), false) => r.forbid.extend(slots.iter().copied()),
        }
    }
    out
}

/// The activity bounds `rows → (lo, hi)` of a node's decisions (intersected per set).
fn activity_bounds(decisions: &[Decision]) -> BTreeMap<Vec<usize>, (f64, f64)> {
    let mut out: BTreeMap<Vec<usize>, (f64, f64)> = BTreeMap::new();
    for d in decisions {
        if let Decision::Activity { rows, at, above } = d {
            let (at, above) = (*at, *above);
            let b = out
                .entry(rows.clone())
                .or_insert((f64::NEG_INFINITY, f64::INFINITY));
            if above {
                b.0 = b.0.max(at);
            } else {
                b.1 = b.1.min(at);
            }
        }
    }
    out
}

/// The two children of branching on coupling rows `rows` whose summed activity `value` is
/// fractional: at most `⌊value⌋`, and at least `⌈value⌉`. The activity is an integer in every
/// roster, so every roster keeps exactly one of them.
pub(super) fn activity_children(rows: Vec<usize>, value: f64) -> [Decision; 2] {
    let below = value.floor();
    [
        Decision::Activity {
            rows: rows.clone(),
            at: below,
            above: false,
        },
        Decision::Activity {
            rows,
            at: below + 1.0,
            above: true,
        },
    ]
}

/// Whether `v` is fractional.
fn fractional(v: f64) -> bool {
    (v - v.round()).abs() > 1e-6
}

/// Families of sets of coupling rows whose summed activity is an integer in every roster,
/// coarsest first: the rows of each shift (over every day and requirement), then each row
/// alone. The LP spreads a shortfall of one shift over its days (Curtois Instance9: 68⅓
/// night assignments, 3⅔ nights short at 100 each), and a single row's branch only moves it
/// to another day; the shift's total does not move.
pub(super) fn row_families(engine: &Engine) -> Vec<Vec<Vec<usize>>> {
    let p = engine.problem;
    let shape = engine.shape;
    let by_shift = shape.row_groups(|s| p.slots[s.ix()].shift);
    let single = shape
        .row_groups(|s| s)
        .into_values()
        .flatten()
        .map(|r| vec![r]);
    let mut single: Vec<Vec<usize>> = single.collect();
    single.sort();
    single.dedup();
    vec![by_shift.into_values().collect(), single]
}

/// The set of coupling rows to branch on and its summed activity at `values`: in the first
/// family (of [`row_families`]) where some set's activity is fractional, the most fractional
/// set (closest to ½ after the point; ties: the first). `None` when every activity is
/// integral.
fn branching_rows(
    families: &[Vec<Vec<usize>>],
    master: &MasterLp,
    values: &[f64],
) -> Option<(Vec<usize>, f64)> {
    let act = master.activity(values);
    families.iter().find_map(|family| {
        family
            .iter()
            .map(|rows| (rows, rows.iter().map(|&r| act[r]).sum::<f64>()))
            .filter(|&(_, v)| fractional(v))
            .min_by(|a, b| {
                let fa = (a.1 - a.1.floor() - 0.5).abs();
                let fb = (b.1 - b.1.floor() - 0.5).abs();
                fa.total_cmp(&fb)
            })
            .map(|(rows, v)| (rows.clone(), v))
    })
}

/// How much each employee works each day in a master solution.
fn day_values(
    p: &Problem,
    columns: &[Column],
    values: &[f64],
) -> BTreeMap<(EmployeeIdx, Day), f64> {
    let mut y: BTreeMap<(EmployeeIdx, Day), f64> = BTreeMap::new();
    for (c, &v) in columns.iter().zip(values) {
        if v > 1e-9 {
            let mut days: Vec<Day> = c.slots.iter().map(|s| p.slots[s.ix()].day).collect();
            days.dedup();
            for d in days {
                *y.entry((c.employee, d)).or_default() += v;
            }
        }
    }
    y
}

/// The most fractional value of a map (closest to ½; ties: the first), if any.
fn most_fractional<K: Copy>(values: &BTreeMap<K, f64>) -> Option<K> {
    values
        .iter()
        .filter(|(_, &v)| v > 1e-6 && v < 1.0 - 1e-6)
        .min_by(|a, b| (a.1 - 0.5).abs().total_cmp(&(b.1 - 0.5).abs()))
        .map(|(&k, _)| k)
}

/// `x[e,s]` of a master solution: how much of each assignment its schedules take.
fn assignment_values(columns: &[Column], values: &[f64]) -> BTreeMap<Assignment, f64> {
    let mut x: BTreeMap<Assignment, f64> = BTreeMap::new();
    for (c, &v) in columns.iter().zip(values) {
        if v > 1e-9 {
            for &slot in &c.slots {
                *x.entry(Assignment {
                    employee: c.employee,
                    slot,
                })
                .or_default() += v;
            }
        }
    }
    x
}

/// The roster of integral assignment values.
fn integral_roster(x: &BTreeMap<Assignment, f64>) -> Roster {
    Roster::new(
        x.iter()
            .filter(|(_, &v)| v > 0.5)
            .map(|(&a, _)| a)
            .collect(),
    )
}

/// Close the master's columns that `decisions` exclude (and reopen the others), then run
/// column generation under them until `deadline`, pruning against the incumbent; `floor` is
/// a lower bound known on this LP (see [`Engine::column_generation`]).
#[allow(clippy::too_many_arguments)]
pub(super) fn column_generation_under(
    engine: &mut Engine,
    master: &mut MasterLp,
    decisions: &[Decision],
    deadline: f64,
    incumbent: &Incumbent,
    floor: f64,
    effort: Effort,
    out: &mut Decomposition,
) -> Result<NodeLp, DecomposeError> {
    let restrict = restrict_master(engine, master, decisions);
    let prune_at = incumbent.objective().map(|o| (o, out.integral_costs));
    engine.column_generation(
        master, &restrict, deadline, prune_at, floor, effort, None, out,
    )
}

/// The per-employee restrictions of `decisions`, applied to the master's columns.
fn restrict_master(
    engine: &Engine,
    master: &mut MasterLp,
    decisions: &[Decision],
) -> Vec<Restrict> {
    let restrict = restrictions(engine.problem.employees.len(), decisions);
    master.restrict(&|c| restrict[c.employee.ix()].admits(&c.slots));
    master.bound_activity(&activity_bounds(decisions));
    restrict
}

/// The most fractional assignment (closest to ½; ties: the first), if any.
fn branching_assignment(x: &BTreeMap<Assignment, f64>) -> Option<Assignment> {
    most_fractional(x)
}

/// Search from the converged root (`master`, holding every column, and its LP solution
/// `root`) until no node is open or `time_limit` (seconds since the start) is near; then one
/// integer master over the whole pool. Every node uses the same master with the columns its
/// decisions exclude closed. Updates `out` (bound, nodes, open nodes) and `incumbent`.
pub(super) fn branch_and_price(
    engine: &mut Engine,
    out: &mut Decomposition,
    incumbent: &mut Incumbent,
    scorer: &dyn Scorer,
    master: &mut MasterLp,
    root: MasterSolution,
    time_limit: f64,
) -> Result<(), DecomposeError> {
    let p = engine.problem;
    let integral = out.integral_costs;
    let search_deadline = time_limit * SEARCH_SHARE;
    let families = row_families(engine);
    let mut rejections = 0;
    let mut nodes: Vec<Option<Node>> = vec![Some(Node {
        bound: out.bound,
        decisions: Vec::new(),
        lp: Some(root),
    })];
    let mut queue = BinaryHeap::from([Open::new(out.bound, 0, 0, integral)]);
    // With many employees a dive cannot finish in time (see `repair_until`), and the repaired
    // rounding is already a roster: the neighbourhoods get the dives' time instead (Curtois
    // 12, seeds 0 and 1: 4696 and 4603, against 4816 and 4718 after 14 dive steps that
    // found nothing).
    let long = p.employees.len() >= LONG_DIVE_EMPLOYEES && incumbent.objective().is_some();
    let lns_share = if long { 1.0 } else { LNS_SHARE };
    // A dive from the root first: branch-and-price prunes only against an incumbent.
    if let Some(Node { lp: Some(root), .. }) = &nodes[0] {
        // When the first ends far above the bound, a second dive from the root that undoes the
        // steps making its LP jump (Curtois Instance8: 1406 from the first, against a bound
        // of 1297.0; 1309 from the second, where the neighbourhoods and best responses from
        // 1406 found nothing).
        let dives: &[usize] = if long {
            &[]
        } else {
            &[0, DIVE_BACKTRACKS, DIVE_BACKTRACKS]
        };
        for (k, &backtracks) in dives.iter().enumerate() {
            let far = incumbent
                .objective()
                .is_none_or(|o| o - out.bound > SECOND_DIVE_GAP * out.bound.abs().max(100.0));
            if backtracks > 0 && (!far || incumbent.proven_by(out.bound, integral)) {
                break;
            }
            let deadline = engine.elapsed() + (search_deadline - engine.elapsed()) * DIVE_SHARE;
            let start = root.clone();
            // Each dive re-solves under its own HiGHS seed: on a degenerate master the seed
            // picks the vertex each step lands on, and with it the dive's path.
            master.set_seed(p.config.seed.wrapping_add(k as u64));
            dive(
                engine,
                out,
                incumbent,
                scorer,
                master,
                start,
                Vec::new(),
                out.bound,
                deadline,
                Effort::HeuristicFirst,
                backtracks,
                false,
            )?;
        }
        master.set_seed(p.config.seed);
        // Then neighbourhoods around the incumbent (the dives' roster, or the repaired
        // rounding when there were no dives): a few employees, or a window of days, at a time.
        let deadline = engine.elapsed() + (search_deadline - engine.elapsed()) * lns_share;
        super::lns::neighbourhood_search(engine, out, incumbent, scorer, master, deadline)?;
    }
    let mut since_heuristic = 0;
    let mut pool_at_heuristic = master.columns.len();
    let mut complete = true;
    while let Some(open) = queue.pop() {
        let mut node = nodes[open.id].take().expect("an open node is stored");
        if incumbent.proven_by(node.bound, integral) {
            continue;
        }
        if engine.elapsed() >= search_deadline {
            nodes[open.id] = Some(node);
            queue.push(open);
            complete = false;
            break;
        }
        let solution = match node.lp.take() {
            Some(lp) => {
                restrict_master(engine, master, &node.decisions);
                lp
            }
            None => {
                out.nodes += 1;
                since_heuristic += 1;
                let lp = column_generation_under(
                    engine,
                    master,
                    &node.decisions,
                    search_deadline,
                    incumbent,
                    node.bound,
                    Effort::HeuristicFirst,
                    out,
                )?;
                match lp.end {
                    NodeEnd::Infeasible | NodeEnd::Pruned => continue,
                    NodeEnd::TimeLimit => {
                        node.bound = node.bound.max(lp.bound);
                        let bound = node.bound;
                        nodes[open.id] = Some(node);
                        queue.push(Open::new(bound, open.depth, open.id, integral));
                        complete = false;
                        break;
                    }
                    NodeEnd::Converged => {}
                }
                node.bound = node.bound.max(lp.bound);
                if incumbent.proven_by(node.bound, integral) {
                    continue;
                }
                lp.solution.expect("a converged node has a solution")
            }
        };
        let x = assignment_values(&master.columns, &solution.values);
        match branching_assignment(&x) {
            None => {
                // Every assignment is integral, so each employee's schedules in the solution
                // share one slot set: the roster costs at most the node's LP value, and no
                // roster below this node is cheaper.
                incumbent.offer(p, scorer, integral_roster(&x));
            }
            Some(a) => {
                // Branch on a coupling row's activity first (it moves the bound where the
                // employees' decisions tie), evaluated at once and kept only when both
                // children gain; then on a whole day (a balanced split: works that day or
                // not), on the slot when every employee-day is already integral.
                let mut children: Option<Vec<Node>> = None;
                if rejections < ACTIVITY_REJECTIONS {
                    if let Some((rows, v)) = branching_rows(&families, master, &solution.values) {
                        let evaluated = evaluate_children(
                            engine,
                            master,
                            incumbent,
                            out,
                            &node,
                            activity_children(rows, v),
                            search_deadline,
                        )?;
                        let least = evaluated
                            .iter()
                            .map(|c| c.bound)
                            .fold(f64::INFINITY, f64::min);
                        let least = incumbent.objective().map_or(least, |o| least.min(o));
                        let timed_out = engine.elapsed() >= search_deadline;
                        tracing::debug!(
                            parent = node.bound,
                            least,
                            value = v,
                            rows = evaluated[0].decisions.last().map_or(0, |d| match d {
                                Decision::Activity { rows, .. } => rows.len(),
                                Decision::Works { .. } => 0,
                            }),
                            "activity branch evaluated"
                        );
                        since_heuristic += 2;
                        if timed_out
                            || least - node.bound >= ACTIVITY_MIN_GAIN * node.bound.abs().max(1.0)
                        {
                            #[cfg(test)]
                            tests::ACTIVITY_BRANCHES.with(|n| n.set(n.get() + 1));
                            children = Some(
                                evaluated
                                    .into_iter()
                                    .filter(|c| c.bound.is_finite())
                                    .collect(),
                            );
                        } else {
                            rejections += 1;
                        }
                    }
                }
                let children = children.unwrap_or_else(|| {
                    let (employee, subject) =
                        match most_fractional(&day_values(p, &master.columns, &solution.values)) {
                            Some((e, day)) => {
                                let slots: Vec<SlotIdx> = engine.pricers[e.ix()]
                                    .slots()
                                    .into_iter()
                                    .filter(|s| p.slots[s.ix()].day == day)
                                    .collect();
                                (e, Subject::Day(slots))
                            }
                            None => (a.employee, Subject::Slot(a.slot)),
                        };
                    [true, false]
                        .map(|works| {
                            let mut decisions = node.decisions.clone();
                            decisions.push(Decision::Works {
                                employee,
                                subject: subject.clone(),
                                works,
                            });
                            Node {
                                bound: node.bound,
                                decisions,
                                lp: None,
                            }
                        })
                        .into()
                });
                for child in children {
                    let id = nodes.len();
                    let depth = child.decisions.len();
                    queue.push(Open::new(child.bound, depth, id, integral));
                    nodes.push(Some(child));
                }
            }
        }
        if since_heuristic >= HEURISTIC_EVERY && master.columns.len() > pool_at_heuristic {
            since_heuristic = 0;
            pool_at_heuristic = master.columns.len();
            let left = (search_deadline - engine.elapsed()).clamp(0.1, 5.0);
            pool_integer_master(engine, master, incumbent, scorer, left);
            // And a dive below this node, where the search has led: rosters near the bound.
            let deadline =
                engine.elapsed() + (search_deadline - engine.elapsed()) * NODE_DIVE_SHARE;
            let base = node.decisions.clone();
            dive(
                engine,
                out,
                incumbent,
                scorer,
                master,
                solution,
                base,
                node.bound,
                deadline,
                Effort::HeuristicFirst,
                0,
                false,
            )?;
        }
    }
    out.open_nodes = queue.len();
    let what = format!("branch-and-price done, {} open", out.open_nodes);
    engine.progress(out, master.columns.len(), &what, out.bound, true);
    if complete {
        // Every node is closed: nothing beats the incumbent.
        if let Some(o) = incumbent.objective() {
            out.bound = out.bound.max(o);
        }
    } else {
        let open_bound = queue.iter().map(|o| o.bound).fold(f64::INFINITY, f64::min);
        let open_bound = incumbent
            .objective()
            .map_or(open_bound, |o| open_bound.min(o));
        out.bound = out.bound.max(open_bound);
        let left = time_limit - engine.elapsed();
        if left > 0.1 && master.columns.len() > pool_at_heuristic {
            pool_integer_master(engine, master, incumbent, scorer, left);
        }
    }
    Ok(())
}

/// Column generation at once at the children of `parent` that add `decisions` to its own:
/// each child with its bound and LP solution, converged or not (a closed child, infeasible
/// or pruned, has an infinite bound; one that ran out of time has no solution).
fn evaluate_children(
    engine: &mut Engine,
    master: &mut MasterLp,
    incumbent: &Incumbent,
    out: &mut Decomposition,
    parent: &Node,
    decisions: [Decision; 2],
    deadline: f64,
) -> Result<Vec<Node>, DecomposeError> {
    let mut children = Vec::with_capacity(2);
    for d in decisions {
        let mut decisions = parent.decisions.clone();
        decisions.push(d);
        out.nodes += 1;
        let lp = column_generation_under(
            engine,
            master,
            &decisions,
            deadline,
            incumbent,
            parent.bound,
            Effort::HeuristicFirst,
            out,
        )?;
        let (bound, lp) = match lp.end {
            NodeEnd::Infeasible | NodeEnd::Pruned => (f64::INFINITY, None),
            NodeEnd::Converged => (parent.bound.max(lp.bound), lp.solution),
            NodeEnd::TimeLimit => (parent.bound.max(lp.bound), None),
        };
        children.push(Node {
            bound,
            decisions,
            lp,
        });
    }
    Ok(children)
}

/// Diving from a node's LP (`start`: its solution over `master`'s columns, under the node's
/// decisions `base`): fix the employee whose
/// schedule has the largest fractional value to that schedule (every slot of theirs forced or
/// forbidden), re-run column generation, and repeat until the master is integral — a roster,
/// offered to the incumbent — or the dive fails (infeasible, pruned, out of time). Up to
/// `backtracks` times a step that makes the LP jump ([`DIVE_JUMP`]) or ends the dive is
/// undone and its fractional picks are not picked again. `floor` is a lower bound on the LP
/// of `start` (its node's bound); each kept step's bound raises it for the steps below.
///
/// With `hand_back` the dive does not finish past its deadline: it fixes
/// [`HAND_BACK_EXTRA_PICKS`] more schedules per step, and at the deadline solves the integer
/// master over the columns its decisions leave open (from its rounding) and returns that
/// roster, for best responses to repair. Why: from an unconverged root (Curtois 15) the
/// finishing steps fix a quarter of the employees left at a time and the LP jumped from 3831
/// to 7084 on one of them; what a dive fixed until then is a good roster's larger part.
/// Without `hand_back` it returns `None`.
#[allow(clippy::too_many_arguments)]
pub(super) fn dive(
    engine: &mut Engine,
    out: &mut Decomposition,
    incumbent: &mut Incumbent,
    scorer: &dyn Scorer,
    master: &mut MasterLp,
    start: MasterSolution,
    base: Vec<Decision>,
    floor: f64,
    deadline: f64,
    effort: Effort,
    backtracks: usize,
    hand_back: bool,
) -> Result<Option<Roster>, DecomposeError> {
    let p = engine.problem;
    let mut solution = start;
    let mut decisions = base;
    let mut floor = floor;
    let mut fixed: Vec<EmployeeIdx> = Vec::new();
    let mut finishing = false;
    // Limited backtracking: the schedules of undone steps, never picked again in this dive.
    let mut tabu: BTreeSet<usize> = BTreeSet::new();
    let mut undone = 0;
    loop {
        let x = assignment_values(&master.columns, &solution.values);
        if branching_assignment(&x).is_none() {
            let roster = integral_roster(&x);
            incumbent.offer(p, scorer, roster.clone());
            return Ok(hand_back.then_some(roster));
        }
        // Each employee not fixed yet on their largest schedule, leaving out the schedules in
        // `skip`.
        let largest = |skip: &BTreeSet<usize>| {
            let mut best_of: BTreeMap<EmployeeIdx, (f64, usize)> = BTreeMap::new();
            for (i, (c, &v)) in master.columns.iter().zip(&solution.values).enumerate() {
                if v > 1e-6 && !fixed.contains(&c.employee) && !skip.contains(&i) {
                    let entry = best_of.entry(c.employee).or_insert((v, i));
                    if v > entry.0 {
                        *entry = (v, i);
                    }
                }
            }
            best_of
        };
        // Rounding: every employee on their largest schedule (fixed ones on theirs) is a
        // roster whenever the coupling rows allow it; the checker judges.
        // (Column indices: the integer master of a dive that hands back starts from them.)
        let rounded: Vec<usize> = largest(&BTreeSet::new())
            .values()
            .map(|&(_, i)| i)
            .chain(
                // (The solution's values: the columns it was solved over.)
                solution
                    .values
                    .iter()
                    .enumerate()
                    .filter(|&(i, &v)| v > 0.5 && fixed.contains(&master.columns[i].employee))
                    .map(|(i, _)| i),
            )
            .collect();
        let columns: Vec<&Column> = rounded.iter().map(|&i| &master.columns[i]).collect();
        incumbent.offer(p, scorer, super::roster_of(&columns));
        if hand_back && engine.elapsed() >= deadline {
            let open = master.solve_integer(HAND_BACK_INTEGER_SECONDS, true, Some(&rounded));
            let chosen = open.map_or(rounded, |(chosen, ..)| chosen);
            let columns: Vec<&Column> = chosen.iter().map(|&i| &master.columns[i]).collect();
            let roster = super::roster_of(&columns);
            incumbent.offer(p, scorer, roster.clone());
            return Ok(Some(roster));
        }
        // The pick: the employee whose schedule has the largest fractional value (not tabu),
        // and with it every employee whose schedule is nearly chosen already (fewer column
        // generations).
        let best_of = largest(&tabu);
        let fractional = best_of.iter().filter(|(_, &(v, _))| v < 1.0 - 1e-6);
        let Some(top) = fractional
            .clone()
            .max_by(|a, b| a.1 .0.total_cmp(&b.1 .0))
            .map(|(&e, _)| e)
        else {
            return Ok(None);
        };
        let fix_at = if finishing {
            DIVE_FINISH_FIX_AT
        } else {
            DIVE_FIX_AT
        };
        let mut picks: Vec<(EmployeeIdx, usize)> = best_of
            .iter()
            .filter(|(&e, &(v, _))| e == top || v >= fix_at)
            .map(|(&e, &(_, i))| (e, i))
            .collect();
        // Finishing: at least a quarter of the employees left per step; handing back: a few
        // more. The largest values first.
        let want = match (finishing, hand_back) {
            (true, _) => best_of.len().div_ceil(4).saturating_sub(picks.len()),
            (false, true) => HAND_BACK_EXTRA_PICKS,
            (false, false) => 0,
        };
        if want > 0 {
            let mut rest: Vec<(f64, EmployeeIdx, usize)> = best_of
                .iter()
                .filter(|(e, _)| !picks.iter().any(|(f, _)| f == *e))
                .map(|(&e, &(v, i))| (v, e, i))
                .collect();
            rest.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            picks.extend(rest.into_iter().take(want).map(|(_, e, i)| (e, i)));
        }
        let before = (decisions.len(), fixed.len());
        for &(e, i) in &picks {
            fixed.push(e);
            decisions.extend(fix_schedule(engine, e, &master.columns[i].slots));
        }
        let now = engine.elapsed();
        finishing |= now >= deadline && !hand_back;
        if now >= deadline + DIVE_FINISH_SECONDS * DIVE_FINISH_STEPS {
            return Ok(None);
        }
        out.dive_steps += 1;
        // Until the deadline every step's column generation runs to convergence; after it
        // the dive finishes fast (heuristic pricing, short steps, bolder fixing), so that it
        // still reaches a whole roster.
        let (until, step_effort) = match finishing {
            false => (deadline, effort),
            true => (now + DIVE_FINISH_SECONDS, Effort::Heuristic),
        };
        let lp = column_generation_under(
            engine,
            master,
            &decisions,
            until,
            incumbent,
            floor,
            step_effort,
            out,
        )?;
        // A step that closes the dive or makes its LP jump fixed a schedule no good roster
        // near the LP has (Curtois Instance7's root dive: 1057.3 → 1081.2 on one fix, and it
        // ended at 1154 against an optimum of 1056): undo it, and pick again without it.
        let jumped = match (&lp.end, &lp.solution) {
            (NodeEnd::Pruned | NodeEnd::Infeasible, _) => true,
            (NodeEnd::Converged, Some(s)) => {
                s.objective - solution.objective > DIVE_JUMP * solution.objective.abs().max(100.0)
            }
            _ => false,
        };
        if jumped && !finishing && undone < backtracks {
            undone += 1;
            #[cfg(test)]
            tests::DIVE_UNDONE.with(|n| n.set(n.get() + 1));
            decisions.truncate(before.0);
            fixed.truncate(before.1);
            // The fractional picks: a schedule the LP already chose whole is not the culprit.
            let fractional = picks.iter().filter(|(e, _)| best_of[e].0 < 1.0 - 1e-6);
            tabu.extend(fractional.map(|&(_, i)| i));
            continue;
        }
        match lp.end {
            NodeEnd::Converged => {}
            NodeEnd::TimeLimit => finishing = !hand_back,
            NodeEnd::Pruned | NodeEnd::Infeasible => return Ok(None),
        }
        if incumbent.proven_by(lp.bound, out.integral_costs) {
            return Ok(None);
        }
        floor = floor.max(lp.bound);
        match lp.solution {
            Some(s) => solution = s,
            None => return Ok(None),
        }
    }
}

/// The integer master over every schedule of the pool (all of them in `master`): the best
/// roster they make.
fn pool_integer_master(
    engine: &Engine,
    master: &MasterLp,
    incumbent: &mut Incumbent,
    scorer: &dyn Scorer,
    time_limit: f64,
) {
    let start = incumbent.columns_in(master);
    if let Some((chosen, _, _, _)) = master.solve_integer(time_limit, false, start.as_deref()) {
        let columns: Vec<&Column> = chosen.iter().map(|&i| &master.columns[i]).collect();
        incumbent.offer(engine.problem, scorer, super::roster_of(&columns));
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::time::Instant;

    use super::*;
    use crate::decompose::master::Simplex;
    use crate::decompose::Parts;
    use crate::domain::Strategy;
    use crate::scoring::{FallbackScorer, PairScores};
    use crate::solve::{solve, SolveOptions, Status};

    thread_local! {
        /// Activity branches kept by branch-and-price on this thread.
        pub(super) static ACTIVITY_BRANCHES: Cell<usize> = const { Cell::new(0) };
        /// Dive steps undone (backtracking dives) on this thread.
        pub(super) static DIVE_UNDONE: Cell<usize> = const { Cell::new(0) };
    }

    /// A small generated roster with sequence rules and soft cover (the shift totals are
    /// fractional at many LP optima).
    fn instance(e: usize, days: u32, seed: u64) -> Problem {
        let rules = serde_json::json!([
            {"id": "C1", "hard": false},
            {"id": "C2", "params": {"maxHoursPerWeek": 24}},
            {"id": "C3", "params": {"maxConsecutiveDays": 2, "minConsecutiveDays": 2}},
            {"id": "C4", "params": {"minRestHours": 12}},
            {"id": "C10", "params": {"minConsecutiveDaysOff": 2}}
        ]);
        let mut req = crate::testkit::generated_request(e, days, 1.0, seed, rules);
        req["solverConfig"]["timeLimitSeconds"] = serde_json::json!(30);
        req["solverConfig"]["threads"] = serde_json::json!(1);
        crate::input::request_from_value(&req).expect("generated request is valid")
    }

    /// The compact MILP's proven optimum and roster, re-verified by the checker.
    fn compact_optimum(p: &Problem) -> Option<(f64, Roster)> {
        let mut p = p.clone();
        p.config.strategy = Strategy::Compact;
        let sol = solve(&p, &SolveOptions::default()).expect("solve runs");
        if sol.status != Status::Optimal {
            return None;
        }
        let report = crate::check::check(&p, &sol.roster, &FallbackScorer);
        assert!(report.feasible, "{:#?}", report.hard_violations);
        let o = sol.objective.expect("an optimal roster has an objective");
        assert!((report.objective - o).abs() <= 1e-6 * o.abs().max(1.0));
        Some((o, sol.roster))
    }

    #[test]
    fn activity_children_partition_the_integers() {
        // Under a parent that already bounds the same rows, and under none.
        for parent in [
            Vec::new(),
            vec![Decision::Activity {
                rows: vec![1, 4],
                at: 2.0,
                above: true,
            }],
        ] {
            for v in [2.25, 3.5, 4.999, 7.0001, 10.5] {
                let children = activity_children(vec![1, 4], v);
                for k in -3..15 {
                    let k = f64::from(k);
                    let holds = |extra: Option<&Decision>| {
                        let mut d = parent.clone();
                        d.extend(extra.cloned());
                        activity_bounds(&d)
                            .get(&vec![1, 4])
                            .is_none_or(|&(lo, hi)| lo <= k && k <= hi)
                    };
                    let inside: Vec<bool> = children.iter().map(|c| holds(Some(c))).collect();
                    let n = inside.iter().filter(|&&b| b).count();
                    // Every integer the parent admits is in exactly one child; none else.
                    assert_eq!(n, usize::from(holds(None)), "v {v} k {k}: {inside:?}");
                }
                // The value itself is cut off: the LP point is in neither child.
                let bounds: Vec<(f64, f64)> = children
                    .iter()
                    .map(|c| activity_bounds(std::slice::from_ref(c))[&vec![1, 4]])
                    .collect();
                assert!(
                    bounds.iter().all(|&(lo, hi)| v < lo || v > hi),
                    "{bounds:?}"
                );
            }
        }
    }

    /// Both children of each shift's activity branch at the converged root: the master keeps
    /// the bound, its duals price every schedule it uses at a reduced cost of zero (the
    /// activity row's dual reaches pricing), and the child that holds the compact MILP's
    /// optimal roster has a bound no higher than that optimum.
    #[test]
    fn activity_branches_keep_the_bound_valid() {
        for (e, days, seed) in [(3, 7, 1), (4, 7, 7), (4, 8, 23), (3, 8, 42)] {
            let p = instance(e, days, seed);
            let Some((opt, best)) = compact_optimum(&p) else {
                continue;
            };
            let scores = PairScores::compute(&p, &FallbackScorer);
            let Parts { shape, pricers, .. } = Parts::new(&p, &scores);
            let mut engine = Engine::new(&p, &shape, &pricers, Instant::now());
            let mut master = MasterLp::new(&shape, &p.config);
            for pr in &pricers {
                let (slots, cost) = pr.cost_of(&Roster::default()).expect("empty schedule");
                let employee = pr.employee;
                engine.add(
                    &mut master,
                    Column {
                        employee,
                        slots,
                        cost,
                    },
                );
            }
            let mut out = Decomposition::empty(0, false);
            let none = Incumbent::default();
            let root = column_generation_under(
                &mut engine,
                &mut master,
                &[],
                60.0,
                &none,
                f64::NEG_INFINITY,
                Effort::Exact,
                &mut out,
            )
            .unwrap();
            assert_eq!(root.end, NodeEnd::Converged);
            let root = root.solution.unwrap();
            let act = master.activity(&root.values);
            for rows in row_families(&engine).into_iter().flatten() {
                let v: f64 = rows.iter().map(|&r| act[r]).sum();
                // At an integral total, split just above it (still a partition).
                let at = if fractional(v) { v } else { v.round() + 0.5 };
                let mut indicator = vec![0.0; shape.coupling_rows()];
                rows.iter().for_each(|&r| indicator[r] = 1.0);
                let k: f64 = best
                    .assignments
                    .iter()
                    .map(|&a| shape.dual_of(&indicator, a))
                    .sum();
                for child in activity_children(rows.clone(), at) {
                    let decisions = vec![child];
                    let (lo, hi) = activity_bounds(&decisions)[&rows];
                    let lp = column_generation_under(
                        &mut engine,
                        &mut master,
                        &decisions,
                        60.0,
                        &none,
                        f64::NEG_INFINITY,
                        Effort::Exact,
                        &mut out,
                    )
                    .unwrap();
                    let holds_best = lo <= k && k <= hi;
                    if lp.end == NodeEnd::Infeasible {
                        assert!(!holds_best, "the optimal roster's child is infeasible");
                        continue;
                    }
                    assert_eq!(lp.end, NodeEnd::Converged);
                    let sol = lp.solution.unwrap();
                    let a: f64 = rows.iter().map(|&r| master.activity(&sol.values)[r]).sum();
                    assert!(
                        a >= lo - 1e-6 && a <= hi + 1e-6,
                        "activity {a} outside [{lo}, {hi}]"
                    );
                    for (c, &x) in master.columns.iter().zip(&sol.values) {
                        if x > 1e-6 {
                            let duals: f64 = c
                                .slots
                                .iter()
                                .map(|&slot| {
                                    let employee = c.employee;
                                    shape
                                        .dual_of(&sol.coupling_duals, Assignment { employee, slot })
                                })
                                .sum();
                            let rc = c.cost - duals - sol.convexity_duals[c.employee.ix()];
                            assert!(
                                rc.abs() <= 1e-6 * c.cost.abs().max(1.0),
                                "reduced cost {rc}"
                            );
                        }
                    }
                    if holds_best {
                        let tol = 1e-6 * opt.abs().max(1.0);
                        assert!(
                            lp.bound <= opt + tol,
                            "child bound {} above optimum {opt}",
                            lp.bound
                        );
                    }
                }
            }
        }
    }

    use crate::testkit::curtois;

    /// Curtois Instance1 (8 employees, 14 days; its root LP puts a fractional number of
    /// people on a shift): branch-and-price takes activity branches, completes and proves
    /// the published optimum, 607; the checker accepts the roster. (Instance3 served until
    /// the root's primal simplex: its root vertex now needs no activity branch.)
    #[test]
    fn branch_and_price_with_activity_branches_proves_curtois_instance1() {
        let Some(p) = curtois("Instance1") else {
            return;
        };
        ACTIVITY_BRANCHES.with(|n| n.set(0));
        let d = super::super::solve(&p, &FallbackScorer, 120.0).unwrap();
        assert_eq!(d.open_nodes, 0, "the search did not complete");
        assert!(d.proven_optimal(), "{:?}", (d.bound, d.objective));
        assert_eq!(d.objective, Some(607.0));
        let report = crate::check::check(&p, d.roster.as_ref().unwrap(), &FallbackScorer);
        assert!(report.feasible);
        assert_eq!(report.objective, 607.0);
        assert!(
            ACTIVITY_BRANCHES.with(Cell::get) > 0,
            "no activity branch was taken"
        );
    }

    /// With integral costs the queue pops the least rounded-up bound first and, among the
    /// nodes of that rank, the deepest, then the oldest; without, the least bound first.
    #[test]
    fn open_nodes_pop_by_rank_then_depth() {
        let order = |integral: bool, nodes: &[(f64, usize)]| -> Vec<usize> {
            let mut queue: BinaryHeap<Open> = nodes
                .iter()
                .enumerate()
                .map(|(id, &(bound, depth))| Open::new(bound, depth, id, integral))
                .collect();
            std::iter::from_fn(|| queue.pop().map(|o| o.id)).collect()
        };
        // Ranks with integral costs: 1056, 1056, 1055, 1056, 1056, 1057.
        let nodes = [
            (1055.3, 1),
            (1055.8, 3),
            (1054.5, 0),
            (1056.0, 5),
            (1055.8, 3),
            (1056.2, 9),
        ];
        assert_eq!(order(true, &nodes), [2, 3, 1, 4, 0, 5]);
        assert_eq!(order(false, &nodes), [2, 0, 1, 4, 3, 5]);
    }

    /// The converged root of `p` from the empty schedules (exact pricing), handed to `f`
    /// with its engine, master and report.
    fn with_root<R>(
        p: &Problem,
        f: impl FnOnce(&mut Engine, &mut MasterLp, MasterSolution, &mut Decomposition) -> R,
    ) -> R {
        let scores = PairScores::compute(p, &FallbackScorer);
        let Parts {
            shape,
            pricers,
            mut out,
            ..
        } = Parts::new(p, &scores);
        let mut engine = Engine::new(p, &shape, &pricers, Instant::now());
        let mut master = MasterLp::new(&shape, &p.config);
        engine.add_rosters(&mut master, &[Roster::default()]);
        let none = Incumbent::default();
        let root = column_generation_under(
            &mut engine,
            &mut master,
            &[],
            60.0,
            &none,
            f64::NEG_INFINITY,
            Effort::Exact,
            &mut out,
        )
        .unwrap();
        assert_eq!(root.end, NodeEnd::Converged);
        out.bound = root.bound;
        f(&mut engine, &mut master, root.solution.unwrap(), &mut out)
    }

    /// A floor (a lower bound known on a node's LP: its parent's bound) ends column
    /// generation once the restricted master meets it, and never at a value other than the
    /// node's LP optimum: on children fixing one slot of an employee, the LP with the root's
    /// bound as floor equals the LP proven without one. A floor above the optimum (not a
    /// bound: no caller passes one) shows the rule at work: it stops some child's column
    /// generation above its optimum, after one master solve and no pricing.
    #[test]
    fn a_met_floor_ends_column_generation_at_the_node_optimum() {
        let mut stopped_early = 0;
        for (e, days, seed) in [(4, 7, 7), (4, 8, 23), (5, 7, 3)] {
            let p = instance(e, days, seed);
            with_root(&p, |engine, master, _, out| {
                let none = Incumbent::default();
                let floor = out.bound;
                for i in 0..p.employees.len() as u32 {
                    let employee = EmployeeIdx(i);
                    let slot = engine.pricers[i as usize].slots()[0];
                    for works in [true, false] {
                        let subject = Subject::Slot(slot);
                        let child = [Decision::Works {
                            employee,
                            subject,
                            works,
                        }];
                        // The node's LP under `floor`, with the master solves and pricing
                        // problems it took.
                        let mut lp_under = |floor: f64| {
                            let (rounds, pricings) = (out.rounds, out.labeling_pricings);
                            let lp = column_generation_under(
                                engine,
                                master,
                                &child,
                                60.0,
                                &none,
                                floor,
                                Effort::Exact,
                                out,
                            )
                            .unwrap();
                            (lp, out.rounds - rounds, out.labeling_pricings - pricings)
                        };
                        let (too_high, solves, pricings) = lp_under(f64::INFINITY);
                        // A met floor ends on the master solve that meets it, before
                        // pricing: every employee priced after each solve but the last (the
                        // first ones may need pricing to drive the artificials out).
                        if too_high.end == NodeEnd::Converged {
                            let n = p.employees.len();
                            assert_eq!(pricings, (solves - 1) * n, "seed {seed}, {i}, {works}");
                        }
                        let with_floor = lp_under(floor).0;
                        let proven = lp_under(f64::NEG_INFINITY).0;
                        assert_eq!(with_floor.end, proven.end, "seed {seed}, {i}, {works}");
                        if proven.end != NodeEnd::Converged {
                            continue;
                        }
                        let b = proven.solution.unwrap().objective;
                        let a = with_floor.solution.unwrap().objective;
                        assert!((a - b).abs() <= 1e-6 * b.abs().max(1.0), "{a} vs {b}");
                        assert!(with_floor.bound >= floor - 1e-9);
                        assert!(with_floor.bound <= b + 1e-6 * b.abs().max(1.0));
                        if let Some(high) = too_high.solution {
                            if high.objective > b + 1e-6 * b.abs().max(1.0) {
                                stopped_early += 1;
                            }
                        }
                    }
                }
            });
        }
        assert!(
            stopped_early > 0,
            "no child's column generation ended on the floor"
        );
    }

    /// Wentges smoothing changes the path of column generation, not where it ends: from
    /// empty columns the root LP converges to the same optimum with the centre's weight at 0,
    /// 0.2 and 0.5, its bound is that optimum; with smoothing on, some rounds' pricing at the
    /// smoothed duals finds nothing for the master (convergence is decided at the master's
    /// own duals, or by the bound), without it none.
    #[test]
    fn smoothed_column_generation_converges_to_the_same_root_lp() {
        let mut mispriced = [0; 3];
        for (e, days, seed) in [(4, 7, 7), (4, 8, 23), (5, 7, 3), (5, 8, 11)] {
            let p = instance(e, days, seed);
            let scores = PairScores::compute(&p, &FallbackScorer);
            let parts = Parts::new(&p, &scores);
            let mut roots = Vec::new();
            for smoothing in [0.0, 0.2, 0.5] {
                let mut out = parts.out.clone();
                let mut engine = Engine::new(&p, &parts.shape, &parts.pricers, Instant::now());
                engine.smoothing = smoothing;
                let mut master = MasterLp::new(&parts.shape, &p.config);
                engine.add_rosters(&mut master, &[Roster::default()]);
                let none = Incumbent::default();
                let (inf, exact) = (f64::NEG_INFINITY, Effort::Exact);
                let root = column_generation_under(
                    &mut engine,
                    &mut master,
                    &[],
                    60.0,
                    &none,
                    inf,
                    exact,
                    &mut out,
                )
                .unwrap();
                assert_eq!(root.end, NodeEnd::Converged, "seed {seed}, {smoothing}");
                let z = root.solution.unwrap().objective;
                assert!((root.bound - z).abs() <= 1e-6 * z.abs().max(1.0));
                if smoothing == 0.0 {
                    assert_eq!(out.mispricings, 0);
                }
                mispriced[roots.len()] += out.mispricings;
                roots.push(z);
            }
            for z in &roots {
                let tolerance = 1e-6 * roots[0].abs().max(1.0);
                assert!((z - roots[0]).abs() <= tolerance, "seed {seed}: {roots:?}");
            }
        }
        assert!(mispriced[1] > 0 && mispriced[2] > 0, "{mispriced:?}");
    }

    /// The master re-solves with primal simplex once columns join a solved basis and with
    /// dual simplex once bounds change (closed columns), and either way it reaches the LP
    /// optimum of the same columns in a master built afresh.
    #[test]
    fn warm_master_solves_match_a_master_built_afresh() {
        for (e, days, seed) in [(4, 7, 7), (5, 7, 3), (4, 8, 23)] {
            let p = instance(e, days, seed);
            with_root(&p, |engine, master, root, _| {
                let afresh = |columns: &[Column]| {
                    let mut m = MasterLp::new(engine.shape, &p.config);
                    assert_eq!(m.next_simplex(), Simplex::Dual);
                    columns.iter().for_each(|c| m.add(c.clone()));
                    m.solve(60.0).expect("master LP solves").objective
                };
                let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b.abs().max(1.0);
                let columns = master.columns.clone();
                assert!(close(root.objective, afresh(&columns)), "seed {seed}");

                // Half the columns solved, then the rest added: primal simplex.
                let mut warm = MasterLp::new(engine.shape, &p.config);
                let (first, rest) = columns.split_at(columns.len() / 2);
                first.iter().for_each(|c| warm.add(c.clone()));
                let half = warm.solve(60.0).expect("master LP solves").objective;
                assert!(close(half, afresh(first)), "seed {seed}: {half}");
                rest.iter().for_each(|c| warm.add(c.clone()));
                assert_eq!(warm.next_simplex(), Simplex::Primal);
                let all = warm.solve(60.0).expect("master LP solves").objective;
                assert!(close(all, root.objective), "seed {seed}: {all}");

                // A slot the root's solution works, forbidden to its employee: dual simplex.
                let used = (0..columns.len())
                    .find(|&i| root.values[i] > 1e-6 && !columns[i].slots.is_empty())
                    .expect("the root works some slot");
                let (employee, slot) = (columns[used].employee, columns[used].slots[0]);
                let allowed = |c: &Column| !(c.employee == employee && c.slots.contains(&slot));
                warm.restrict(&allowed);
                assert_eq!(warm.next_simplex(), Simplex::Dual);
                let child = warm.solve(60.0).expect("master LP solves").objective;
                let kept: Vec<Column> = columns.iter().filter(|c| allowed(c)).cloned().collect();
                assert!(kept.len() < columns.len());
                assert!(close(child, afresh(&kept)), "seed {seed}: {child}");
                assert!(child >= all - 1e-6 * all.abs().max(1.0));
            });
        }
    }

    /// Dives from the converged root of small soft-cover rosters, plain and backtracking, end
    /// on a roster the checker accepts, no better than the compact MILP's optimum, the same
    /// on a second run; the backtracking dives undo some step.
    #[test]
    fn dives_end_on_checked_rosters() {
        for (e, days, seed) in [(4, 7, 7), (4, 8, 23), (3, 8, 42), (5, 7, 3), (5, 8, 11)] {
            let p = instance(e, days, seed);
            let optimum = compact_optimum(&p).map(|(opt, _)| opt);
            for backtracks in [0, DIVE_BACKTRACKS] {
                let (roster, report) = root_dive(&p, backtracks);
                if let Some(opt) = optimum {
                    assert!(report.objective >= opt - 1e-6 * opt.abs().max(1.0));
                }
                let twice = root_dive(&p, backtracks).0;
                assert_eq!(
                    twice, roster,
                    "seed {seed}, {backtracks}: not deterministic"
                );
            }
        }
    }

    /// A dive that hands its rounding back, at its deadline (here at once): the integer
    /// master over the columns left open completes it — one master schedule per employee, a
    /// roster the checker accepts, no worse than the rounding it starts from (everyone on
    /// their largest schedule), offered to the incumbent, the same on a second run.
    #[test]
    fn a_dive_handing_back_completes_its_rounding_by_the_integer_master() {
        for (e, days, seed) in [(4, 7, 7), (4, 8, 23), (5, 7, 3), (5, 8, 11)] {
            let p = instance(e, days, seed);
            let run = || {
                with_root(&p, |engine, master, root, out| {
                    let mut largest: BTreeMap<EmployeeIdx, (f64, usize)> = BTreeMap::new();
                    for (i, (c, &v)) in master.columns.iter().zip(&root.values).enumerate() {
                        let entry = largest.entry(c.employee).or_insert((v, i));
                        if v > entry.0 {
                            *entry = (v, i);
                        }
                    }
                    let rounding: Vec<&Column> =
                        largest.values().map(|&(_, i)| &master.columns[i]).collect();
                    let rounding = super::super::roster_of(&rounding);
                    let style = (0.0, Effort::Heuristic, 0, true);
                    let (incumbent, handed) = dive_with(engine, out, master, root, style);
                    let best = incumbent.objective();
                    // Nothing is fixed at once: the integer master over every column.
                    let (_, optimum, _, proven) = master.solve_integer(60.0, true, None).unwrap();
                    assert!(proven);
                    (handed, rounding, master.columns.clone(), best, optimum)
                })
            };
            let (handed, rounding, columns, best, optimum) = run();
            let handed = handed.expect("a roster at the deadline");
            let report = crate::check::check(&p, &handed, &FallbackScorer);
            assert!(report.feasible, "seed {seed}");
            let rounded = crate::check::check(&p, &rounding, &FallbackScorer).objective;
            assert!(
                report.objective <= rounded + 1e-6,
                "seed {seed}: {} > {rounded}",
                report.objective
            );
            assert!(best.is_some_and(|b| b <= report.objective + 1e-6));
            let close = (report.objective - optimum).abs() <= 1e-6 * optimum.abs().max(1.0);
            assert!(close, "seed {seed}: {} against {optimum}", report.objective);
            for e in 0..p.employees.len() {
                let mine: Vec<SlotIdx> = handed
                    .assignments
                    .iter()
                    .filter(|a| a.employee.ix() == e)
                    .map(|a| a.slot)
                    .collect();
                assert!(
                    columns
                        .iter()
                        .any(|c| c.employee.ix() == e && c.slots == mine),
                    "seed {seed}: employee {e}'s schedule is no master column"
                );
            }
            assert_eq!(run().0, Some(handed), "seed {seed}: not deterministic");
        }
    }

    /// The incumbent of one dive from `root` (exact pricing, no time limit to speak of) with
    /// `backtracks`.
    fn dive_from(
        engine: &mut Engine,
        out: &mut Decomposition,
        master: &mut MasterLp,
        root: MasterSolution,
        backtracks: usize,
    ) -> Incumbent {
        let style = (60.0, Effort::Exact, backtracks, false);
        dive_with(engine, out, master, root, style).0
    }

    /// One dive from `root` with `(deadline, effort, backtracks, hand_back)`: its incumbent
    /// and what it hands back.
    fn dive_with(
        engine: &mut Engine,
        out: &mut Decomposition,
        master: &mut MasterLp,
        root: MasterSolution,
        (deadline, effort, backtracks, hand_back): (f64, Effort, usize, bool),
    ) -> (Incumbent, Option<Roster>) {
        let mut incumbent = Incumbent::default();
        let floor = out.bound;
        let handed = dive(
            engine,
            out,
            &mut incumbent,
            &FallbackScorer,
            master,
            root,
            Vec::new(),
            floor,
            deadline,
            effort,
            backtracks,
            hand_back,
        )
        .unwrap();
        (incumbent, handed)
    }

    /// A dive from the converged root of `p` with `backtracks`: its roster, re-verified by
    /// the checker.
    fn root_dive(p: &Problem, backtracks: usize) -> (Roster, crate::check::CheckReport) {
        let (roster, report) = with_root(p, |engine, master, root, out| {
            let incumbent = dive_from(engine, out, master, root, backtracks);
            incumbent.best.expect("the dive ends on a roster")
        });
        assert!(report.feasible);
        let again = crate::check::check(p, &roster, &FallbackScorer);
        assert!(again.feasible && again.objective == report.objective);
        (roster, report)
    }

    /// On Curtois Instance1 (root bound 558 from empty columns, optimum 607) the root dive's
    /// steps make the LP jump: the backtracking dive undoes exactly as many steps as it may,
    /// the plain one none, and both end on checked rosters no better than the optimum.
    #[test]
    fn backtracking_dive_undoes_jumping_steps_on_curtois_instance1() {
        let Some(p) = curtois("Instance1") else {
            return;
        };
        for backtracks in [0, DIVE_BACKTRACKS] {
            DIVE_UNDONE.with(|n| n.set(0));
            let (_, report) = root_dive(&p, backtracks);
            assert!(report.objective >= 607.0, "{}", report.objective);
            assert_eq!(DIVE_UNDONE.with(Cell::get), backtracks);
        }
    }

    /// The incumbent's schedules are found among the pool's columns (each employee's
    /// cheapest copy) and start the integer master, which ends no worse than that roster and
    /// at the same proven optimum as without the start.
    #[test]
    fn integer_master_starts_from_the_incumbent() {
        for (e, days, seed) in [(4, 7, 7), (3, 8, 42), (5, 8, 11)] {
            let p = instance(e, days, seed);
            with_root(&p, |engine, master, root, out| {
                let incumbent = dive_from(engine, out, master, root, 0);
                let (roster, report) = incumbent.best.clone().expect("a roster");
                let start = incumbent
                    .columns_in(master)
                    .expect("its schedules are columns");
                assert_eq!(start.len(), p.employees.len());
                for (k, &i) in start.iter().enumerate() {
                    let c = &master.columns[i];
                    assert_eq!(c.employee.ix(), k);
                    let mine: Vec<SlotIdx> = roster
                        .assignments
                        .iter()
                        .filter(|a| a.employee == c.employee)
                        .map(|a| a.slot)
                        .collect();
                    assert_eq!(c.slots, mine);
                    let cheapest = master
                        .columns
                        .iter()
                        .filter(|d| d.employee == c.employee && d.slots == c.slots)
                        .map(|d| d.cost)
                        .fold(f64::INFINITY, f64::min);
                    assert_eq!(c.cost, cheapest);
                }
                let tol = 1e-6 * report.objective.abs().max(1.0);
                let (_, with, _, proven) = master.solve_integer(30.0, false, Some(&start)).unwrap();
                assert!(
                    with <= report.objective + tol,
                    "{with} > {}",
                    report.objective
                );
                let (_, without, _, proven_too) = master.solve_integer(30.0, false, None).unwrap();
                if proven && proven_too {
                    assert!((with - without).abs() <= tol, "{with} != {without}");
                }
                // A schedule the pool does not hold: no start.
                let mut other = roster.clone();
                other.assignments.retain(|a| a.employee.ix() != 0);
                let slot = (0..p.slots.len() as u32)
                    .map(SlotIdx)
                    .find(|s| !roster.assignments.iter().any(|a| a.slot == *s));
                if let Some(slot) = slot {
                    other = Roster::new(vec![Assignment {
                        employee: EmployeeIdx(0),
                        slot,
                    }]);
                    let holds = master
                        .columns
                        .iter()
                        .any(|c| c.employee == EmployeeIdx(0) && c.slots == [slot]);
                    if !holds {
                        assert!(master.columns_of(&other).is_none());
                    }
                }
            });
        }
    }
}
