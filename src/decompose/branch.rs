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
//! labeling). Nodes are taken best bound first, share one column pool,
//! and are pruned once their bound proves they cannot beat the incumbent (with integral
//! costs, once `⌈bound⌉ ≥ incumbent`), also during their column generation (Lagrangian
//! pruning). Every incumbent is re-verified by the checker. The search is complete when no
//! node is open; only then is the incumbent called optimal by this module.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};

use super::master::{Column, MasterLp, MasterSolution};
use super::pricing::{Effort, Restrict};
use super::{DecomposeError, Decomposition, Engine, Incumbent, NodeEnd, NodeLp};
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
/// Share of the search time left after the root dive that the neighbourhood search takes.
const LNS_SHARE: f64 = 0.25;
/// Share of the time limit branch-and-price runs before the last integer master.
const SEARCH_SHARE: f64 = 0.9;

/// What a branching decision is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Subject {
    /// One slot.
    Slot(SlotIdx),
    /// One day: the employee's slots of that day (works one of them, or none).
    Day(Vec<SlotIdx>),
}

/// One branching decision: employee `employee` works `subject` (`works`) or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Decision {
    employee: EmployeeIdx,
    subject: Subject,
    works: bool,
}

/// The decisions that fix `e` to exactly the schedule `slots` (sorted): every slot `e` may
/// work is forced or forbidden.
pub(super) fn fix_schedule(engine: &Engine, e: EmployeeIdx, slots: &[SlotIdx]) -> Vec<Decision> {
    engine.pricers[e.ix()]
        .slots()
        .into_iter()
        .map(|s| Decision {
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

/// An open node in the queue: least bound first, then the oldest.
#[derive(Clone, Copy, Debug)]
struct Open {
    bound: f64,
    id: usize,
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
        // `BinaryHeap` pops the greatest: the least bound, then the least id, is greatest.
        other
            .bound
            .total_cmp(&self.bound)
            .then(other.id.cmp(&self.id))
    }
}

/// Per-employee restrictions of a node's decisions.
fn restrictions(employees: usize, decisions: &[Decision]) -> Vec<Restrict> {
    let mut out = vec![Restrict::default(); employees];
    for d in decisions {
        let r = &mut out[d.employee.ix()];
        match (&d.subject, d.works) {
            (Subject::Slot(s), true) => r.force.push(*s),
            (Subject::Slot(s), false) => r.forbid.push(*s),
            (Subject::Day(slots), true) => r.work_any.push(slots.clone()),
            (Subject::Day(slots), false) => r.forbid.extend(slots.iter().copied()),
        }
    }
    out
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
/// column generation under them until `deadline`, pruning against the incumbent.
pub(super) fn column_generation_under(
    engine: &mut Engine,
    master: &mut MasterLp,
    decisions: &[Decision],
    deadline: f64,
    incumbent: &Incumbent,
    effort: Effort,
    out: &mut Decomposition,
) -> Result<NodeLp, DecomposeError> {
    let restrict = restrict_master(engine, master, decisions);
    let prune_at = incumbent.objective().map(|o| (o, out.integral_costs));
    engine.column_generation(master, &restrict, deadline, prune_at, effort, out)
}

/// The per-employee restrictions of `decisions`, applied to the master's columns.
fn restrict_master(
    engine: &Engine,
    master: &mut MasterLp,
    decisions: &[Decision],
) -> Vec<Restrict> {
    let restrict = restrictions(engine.problem.employees.len(), decisions);
    master.restrict(&|c| restrict[c.employee.ix()].admits(&c.slots));
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
    let mut nodes: Vec<Option<Node>> = vec![Some(Node {
        bound: out.bound,
        decisions: Vec::new(),
        lp: Some(root),
    })];
    let mut queue = BinaryHeap::from([Open {
        bound: out.bound,
        id: 0,
    }]);
    // A dive from the root first: branch-and-price prunes only against an incumbent.
    if let Some(Node { lp: Some(root), .. }) = &nodes[0] {
        let deadline = engine.elapsed() + (search_deadline - engine.elapsed()) * DIVE_SHARE;
        let start = root.clone();
        dive(
            engine,
            out,
            incumbent,
            scorer,
            master,
            start,
            Vec::new(),
            deadline,
            Effort::HeuristicFirst,
        )?;
        // Then neighbourhoods around the dive's roster: what the dive fixed, undone a few
        // employees at a time.
        let deadline = engine.elapsed() + (search_deadline - engine.elapsed()) * LNS_SHARE;
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
                    Effort::HeuristicFirst,
                    out,
                )?;
                match lp.end {
                    NodeEnd::Infeasible | NodeEnd::Pruned => continue,
                    NodeEnd::TimeLimit => {
                        node.bound = node.bound.max(lp.bound);
                        let bound = node.bound;
                        nodes[open.id] = Some(node);
                        queue.push(Open { bound, id: open.id });
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
                // Branch on a whole day first (a balanced split: works that day or not), on
                // the slot when every employee-day is already integral.
                let subject =
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
                for works in [true, false] {
                    let mut decisions = node.decisions.clone();
                    decisions.push(Decision {
                        employee: subject.0,
                        subject: subject.1.clone(),
                        works,
                    });
                    let id = nodes.len();
                    nodes.push(Some(Node {
                        bound: node.bound,
                        decisions,
                        lp: None,
                    }));
                    queue.push(Open {
                        bound: node.bound,
                        id,
                    });
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
                deadline,
                Effort::HeuristicFirst,
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

/// Diving from a node's LP (`start`: its solution over `master`'s columns, under the node's
/// decisions `base`): fix the employee whose
/// schedule has the largest fractional value to that schedule (every slot of theirs forced or
/// forbidden), re-run column generation, and repeat until the master is integral — a roster,
/// offered to the incumbent — or the dive fails (infeasible, pruned, out of time).
#[allow(clippy::too_many_arguments)]
pub(super) fn dive(
    engine: &mut Engine,
    out: &mut Decomposition,
    incumbent: &mut Incumbent,
    scorer: &dyn Scorer,
    master: &mut MasterLp,
    start: MasterSolution,
    base: Vec<Decision>,
    deadline: f64,
    effort: Effort,
) -> Result<(), DecomposeError> {
    let p = engine.problem;
    let mut solution = start;
    let mut decisions = base;
    let mut fixed: Vec<EmployeeIdx> = Vec::new();
    let mut finishing = false;
    loop {
        let x = assignment_values(&master.columns, &solution.values);
        if branching_assignment(&x).is_none() {
            incumbent.offer(p, scorer, integral_roster(&x));
            return Ok(());
        }
        // The employee whose schedule has the largest fractional value, and with it every
        // employee whose schedule is nearly chosen already (fewer column generations).
        let mut best_of: BTreeMap<EmployeeIdx, (f64, usize)> = BTreeMap::new();
        for (i, (c, &v)) in master.columns.iter().zip(&solution.values).enumerate() {
            if v > 1e-6 && !fixed.contains(&c.employee) {
                let entry = best_of.entry(c.employee).or_insert((v, i));
                if v > entry.0 {
                    *entry = (v, i);
                }
            }
        }
        // Rounding: every employee on their largest schedule (fixed ones on theirs) is a
        // roster whenever the coupling rows allow it; the checker judges.
        let rounded: Vec<&Column> = best_of
            .values()
            .map(|&(_, i)| &master.columns[i])
            .chain(
                master
                    .columns
                    .iter()
                    .zip(&solution.values)
                    .filter(|&(c, &v)| v > 0.5 && fixed.contains(&c.employee))
                    .map(|(c, _)| c),
            )
            .collect();
        incumbent.offer(p, scorer, super::roster_of(&rounded));
        let fractional = best_of.iter().filter(|(_, &(v, _))| v < 1.0 - 1e-6);
        let Some(top) = fractional
            .clone()
            .max_by(|a, b| a.1 .0.total_cmp(&b.1 .0))
            .map(|(&e, _)| e)
        else {
            return Ok(());
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
        if finishing {
            // At least a quarter of the employees left per step, the largest values first.
            let mut rest: Vec<(f64, EmployeeIdx, usize)> = best_of
                .iter()
                .filter(|(e, _)| !picks.iter().any(|(f, _)| f == *e))
                .map(|(&e, &(v, i))| (v, e, i))
                .collect();
            rest.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let want = best_of.len().div_ceil(4).saturating_sub(picks.len());
            picks.extend(rest.into_iter().take(want).map(|(_, e, i)| (e, i)));
        }
        for (e, i) in picks {
            fixed.push(e);
            decisions.extend(fix_schedule(engine, e, &master.columns[i].slots));
        }
        let now = engine.elapsed();
        finishing |= now >= deadline;
        if now >= deadline + DIVE_FINISH_SECONDS * DIVE_FINISH_STEPS {
            return Ok(());
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
            step_effort,
            out,
        )?;
        match lp.end {
            NodeEnd::Converged => {}
            NodeEnd::TimeLimit => finishing = true,
            NodeEnd::Pruned | NodeEnd::Infeasible => return Ok(()),
        }
        if incumbent.proven_by(lp.bound, out.integral_costs) {
            return Ok(());
        }
        match lp.solution {
            Some(s) => solution = s,
            None => return Ok(()),
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
    if let Some((chosen, _, _, _)) = master.solve_integer(time_limit, false) {
        let columns: Vec<&Column> = chosen.iter().map(|&i| &master.columns[i]).collect();
        incumbent.offer(engine.problem, scorer, super::roster_of(&columns));
    }
}
