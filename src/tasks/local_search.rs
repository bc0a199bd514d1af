//! Tabu search over task assignments: the warm start HiGHS needs on tight, GAP-like problems.
//!
//! Why it exists: on capacity-tight instances (OR-Library GAP type d) the greedy cannot place
//! every task, and HiGHS alone spends its time limit proving a tight LP bound while its
//! incumbents stay about 1 % above the optimum. A short search in the space of *all*
//! assignments — capacity excess allowed but penalised, the penalty weight raised while the
//! search is infeasible and lowered while it is feasible (strategic oscillation) — finds
//! rosters close to the optimum in well under a second on those sizes, and HiGHS then starts
//! from one.
//!
//! Moves: give one task to another employee (or leave it unassigned, when that is allowed);
//! swap the employees of two tasks. Each iteration takes the best non-tabu move (a move that
//! gives a better feasible assignment than any seen so far is taken even when tabu). A task
//! that leaves an employee may not return to them for a seeded random tenure.
//!
//! It works on the [`TaskModel`]'s columns (the pairs the variable filter keeps, with their
//! objective coefficients), so it optimises exactly what HiGHS optimises; the answer is a
//! candidate warm start only — the caller checks it with the independent checker. It must
//! never return an assignment that breaks a capacity or count row.

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::domain::{EmpIdx, TaskIdx, TaskProblem, TOL};
use super::model::TaskModel;

/// Largest `tasks × (employees + 1)` the dense move tables are built for.
const MAX_CELLS: usize = 4_000_000;

/// Stop settings of [`improve`].
#[derive(Clone, Copy, Debug)]
pub struct SearchLimits {
    /// Stop at this instant.
    pub deadline: Instant,
    /// Stop after this many iterations without a better feasible assignment.
    pub max_stall: usize,
    /// Seed of the tenure draws.
    pub seed: u64,
}

impl SearchLimits {
    /// The stall limit used by the solver: proportional to the number of tasks, at least
    /// 5,000 iterations.
    pub fn stall_for(tasks: usize) -> usize {
        (50 * tasks).max(5_000)
    }
}

/// What the search found.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchResult {
    /// The best feasible assignment (task, employee), sorted by task.
    pub pairs: Vec<(TaskIdx, EmpIdx)>,
    /// Its objective (the model's objective of these columns).
    pub objective: f64,
    /// Iterations run.
    pub iterations: usize,
}

/// One way a pending task can be served: by an employee (a model column) or not at all.
#[derive(Clone, Copy, Debug)]
struct Option_ {
    /// `None`: left unassigned.
    employee: Option<u32>,
    cost: f64,
    hours: f64,
}

struct Search<'a> {
    tasks: Vec<TaskIdx>,
    options: Vec<Vec<Option_>>,
    /// `slot[k * width + e]` = index in `options[k]` of employee `e` (`width - 1` = none).
    slot: Vec<u32>,
    width: usize,
    room: Vec<f64>,
    cap: Vec<f64>,
    load: Vec<f64>,
    count: Vec<f64>,
    current: Vec<u32>,
    tabu_until: Vec<usize>,
    alpha: f64,
    beta: f64,
    _p: &'a TaskProblem,
}

const NONE: u32 = u32::MAX;

/// A move: (penalised delta, task position, new option, swap partner (position, option)).
type Move = (f64, usize, u32, Option<(usize, u32)>);

impl Search<'_> {
    fn emp_key(&self, o: &Option_) -> usize {
        o.employee.map_or(self.width - 1, |e| e as usize)
    }

    fn excess(&self, e: usize, load: f64, count: f64) -> f64 {
        self.alpha * (load - self.room[e]).max(0.0) + self.beta * (count - self.cap[e]).max(0.0)
    }

    /// Change of the penalised objective when employee `e` gains `dh` hours and `dn` tasks.
    fn delta_emp(&self, e: Option<u32>, dh: f64, dn: f64) -> f64 {
        match e {
            None => 0.0,
            Some(e) => {
                let e = e as usize;
                self.excess(e, self.load[e] + dh, self.count[e] + dn)
                    - self.excess(e, self.load[e], self.count[e])
            }
        }
    }

    fn infeasibility(&self) -> f64 {
        (0..self.room.len())
            .map(|e| {
                (self.load[e] - self.room[e] - TOL).max(0.0)
                    + (self.count[e] - self.cap[e]).max(0.0)
            })
            .sum()
    }

    fn cost(&self) -> f64 {
        self.current
            .iter()
            .enumerate()
            .map(|(k, &i)| self.options[k][i as usize].cost)
            .sum()
    }

    fn apply(&mut self, k: usize, to: u32) {
        let from = self.options[k][self.current[k] as usize];
        let next = self.options[k][to as usize];
        if let Some(e) = from.employee {
            self.load[e as usize] -= from.hours;
            self.count[e as usize] -= 1.0;
        }
        if let Some(e) = next.employee {
            self.load[e as usize] += next.hours;
            self.count[e as usize] += 1.0;
        }
        self.current[k] = to;
    }

    fn is_tabu(&self, k: usize, to: u32, iter: usize) -> bool {
        let key = self.emp_key(&self.options[k][to as usize]);
        self.tabu_until[k * self.width + key] > iter
    }
}

/// Search from `start` (pairs of the model; tasks it leaves out start unassigned when that is
/// allowed, else on their cheapest column) and return the best feasible assignment found, or
/// `None` when none was found or the problem is too large for the dense tables.
pub fn improve(
    p: &TaskProblem,
    model: &TaskModel,
    start: Option<&[(TaskIdx, EmpIdx)]>,
    limits: SearchLimits,
) -> Option<SearchResult> {
    let tasks: Vec<TaskIdx> = p.pending().collect();
    let n_emp = p.employees.len();
    let width = n_emp + 1;
    if tasks.is_empty() || tasks.len().saturating_mul(width) > MAX_CELLS {
        return None;
    }
    let mut index_of_task = vec![NONE; p.tasks.len()];
    for (k, t) in tasks.iter().enumerate() {
        index_of_task[t.ix()] = k as u32;
    }
    let mut options: Vec<Vec<Option_>> = vec![Vec::new(); tasks.len()];
    for (col, &(t, e)) in model.pairs.iter().enumerate() {
        let k = index_of_task[t.ix()];
        if k == NONE {
            continue;
        }
        options[k as usize].push(Option_ {
            employee: Some(e.0),
            cost: model.lp.cols[col].cost,
            hours: p.hours(e, t),
        });
    }
    for &(t, col) in &model.unassigned {
        let k = index_of_task[t.ix()];
        if k != NONE {
            options[k as usize].push(Option_ {
                employee: None,
                cost: model.lp.cols[col as usize].cost,
                hours: 0.0,
            });
        }
    }
    if options.iter().any(|o| o.is_empty()) {
        return None; // a task nobody can take under assignAll: the caller explains it
    }
    let mut slot = vec![NONE; tasks.len() * width];
    for (k, opts) in options.iter().enumerate() {
        for (i, o) in opts.iter().enumerate() {
            let key = o.employee.map_or(width - 1, |e| e as usize);
            slot[k * width + key] = i as u32;
        }
    }
    let room: Vec<f64> = p
        .employee_ids()
        .map(|e| {
            if p.constraints.enforce_capacity {
                p.remaining_capacity(e)
            } else {
                f64::INFINITY
            }
        })
        .collect();
    let cap: Vec<f64> = p
        .employee_ids()
        .map(|e| p.max_assignments(e).map_or(f64::INFINITY, f64::from))
        .collect();
    // Initial penalty weights: a unit of excess costs about as much as the cost spread of a
    // task, so capacity is neither ignored nor frozen at the start.
    let spread = options
        .iter()
        .map(|o| {
            let (lo, hi) = o
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                    (lo.min(x.cost), hi.max(x.cost))
                });
            hi - lo
        })
        .sum::<f64>()
        / tasks.len() as f64;
    let mean_hours = options
        .iter()
        .flat_map(|o| o.iter().map(|x| x.hours))
        .sum::<f64>()
        / options.iter().map(Vec::len).sum::<usize>().max(1) as f64;
    let alpha0 = (spread.max(1.0)) / mean_hours.max(TOL);
    let mut s = Search {
        current: vec![0; tasks.len()],
        tabu_until: vec![0; tasks.len() * width],
        load: vec![0.0; n_emp],
        count: vec![0.0; n_emp],
        tasks,
        options,
        slot,
        width,
        room,
        cap,
        alpha: alpha0,
        beta: spread.max(1.0),
        _p: p,
    };
    let given: std::collections::BTreeMap<TaskIdx, EmpIdx> =
        start.unwrap_or_default().iter().copied().collect();
    for k in 0..s.tasks.len() {
        let t = s.tasks[k];
        let from_start = given
            .get(&t)
            .map(|e| s.slot[k * width + e.ix()])
            .filter(|&i| i != NONE);
        let unassigned = s.slot[k * width + width - 1];
        let cheapest = || {
            let opts = &s.options[k];
            (0..opts.len() as u32)
                .filter(|&i| opts[i as usize].employee.is_some())
                .min_by(|&a, &b| {
                    opts[a as usize]
                        .cost
                        .total_cmp(&opts[b as usize].cost)
                        .then(a.cmp(&b))
                })
                .unwrap_or(0)
        };
        let i = from_start.unwrap_or(if unassigned != NONE {
            unassigned
        } else {
            cheapest()
        });
        s.current[k] = 0;
        // Place without the bookkeeping of a move away from option 0.
        let o = s.options[k][i as usize];
        if let Some(e) = o.employee {
            s.load[e as usize] += o.hours;
            s.count[e as usize] += 1.0;
        }
        s.current[k] = i;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(limits.seed ^ 0x7a5c_u64);
    let n = s.tasks.len();
    let tenure_hi = (n / 10).max(3) + 7;
    let mut cost = s.cost();
    let mut best: Option<(f64, Vec<u32>)> = None;
    if s.infeasibility() <= 0.0 {
        best = Some((cost, s.current.clone()));
    }
    let mut last_gain = 0usize;
    let mut iter = 0usize;
    while iter - last_gain < limits.max_stall {
        if iter % 64 == 0 && Instant::now() >= limits.deadline {
            break;
        }
        iter += 1;
        let best_cost = best.as_ref().map_or(f64::INFINITY, |b| b.0);
        // Aspiration is judged from feasible points only (cheaply, per move).
        let feasible_now = s.infeasibility() <= 0.0;
        let mut chosen: Option<Move> = None;
        let mut consider = |delta: f64, feasible_gain: bool, tabu: bool, mv| {
            if tabu && !feasible_gain {
                return;
            }
            if chosen
                .as_ref()
                .is_none_or(|c: &(f64, usize, u32, _)| delta < c.0 - 1e-12)
            {
                let (k, to, sw) = mv;
                chosen = Some((delta, k, to, sw));
            }
        };
        // Shift moves.
        for k in 0..n {
            let cur = s.options[k][s.current[k] as usize];
            for to in 0..s.options[k].len() as u32 {
                if to == s.current[k] {
                    continue;
                }
                let next = s.options[k][to as usize];
                let delta = next.cost - cur.cost
                    + s.delta_emp(cur.employee, -cur.hours, -1.0)
                    + if next.employee == cur.employee {
                        0.0
                    } else {
                        s.delta_emp(next.employee, next.hours, 1.0)
                    };
                let gain = cost + next.cost - cur.cost < best_cost - 1e-9
                    && feasible_now
                    && shift_feasible(&s, cur, next);
                consider(delta, gain, s.is_tabu(k, to, iter), (k, to, None));
            }
        }
        // Swap moves between tasks on two different employees.
        for k1 in 0..n {
            let o1 = s.options[k1][s.current[k1] as usize];
            let Some(e1) = o1.employee else { continue };
            for k2 in (k1 + 1)..n {
                let o2 = s.options[k2][s.current[k2] as usize];
                let Some(e2) = o2.employee else { continue };
                if e1 == e2 {
                    continue;
                }
                let to1 = s.slot[k1 * width + e2 as usize];
                let to2 = s.slot[k2 * width + e1 as usize];
                if to1 == NONE || to2 == NONE {
                    continue;
                }
                let n1 = s.options[k1][to1 as usize];
                let n2 = s.options[k2][to2 as usize];
                let (a, b) = (e1 as usize, e2 as usize);
                let la = s.load[a] - o1.hours + n2.hours;
                let lb = s.load[b] - o2.hours + n1.hours;
                let delta = n1.cost + n2.cost - o1.cost - o2.cost + s.excess(a, la, s.count[a])
                    - s.excess(a, s.load[a], s.count[a])
                    + s.excess(b, lb, s.count[b])
                    - s.excess(b, s.load[b], s.count[b]);
                let gain = cost + n1.cost + n2.cost - o1.cost - o2.cost < best_cost - 1e-9
                    && feasible_now
                    && la <= s.room[a] + TOL
                    && lb <= s.room[b] + TOL;
                let tabu = s.is_tabu(k1, to1, iter) || s.is_tabu(k2, to2, iter);
                consider(delta, gain, tabu, (k1, to1, Some((k2, to2))));
            }
        }
        let Some((_, k, to, swap)) = chosen else {
            break; // every move tabu: nothing left to try
        };
        let mut leave = |s: &mut Search, k: usize, to: u32, rng: &mut ChaCha8Rng| {
            let key = s.emp_key(&s.options[k][s.current[k] as usize]);
            s.tabu_until[k * s.width + key] = iter + rng.random_range(3..=tenure_hi);
            cost += s.options[k][to as usize].cost - s.options[k][s.current[k] as usize].cost;
            s.apply(k, to);
        };
        leave(&mut s, k, to, &mut rng);
        if let Some((k2, to2)) = swap {
            leave(&mut s, k2, to2, &mut rng);
        }
        let feasible = s.infeasibility() <= 0.0;
        if feasible {
            if cost < best.as_ref().map_or(f64::INFINITY, |b| b.0) - 1e-9 {
                best = Some((cost, s.current.clone()));
                last_gain = iter;
            }
            s.alpha = (s.alpha / 1.1).max(alpha0 * 1e-3);
            s.beta = (s.beta / 1.1).max(1e-3);
        } else {
            s.alpha = (s.alpha * 1.1).min(alpha0 * 1e6);
            s.beta = (s.beta * 1.1).min(1e9);
        }
    }
    let (objective, chosen) = best?;
    let mut pairs: Vec<(TaskIdx, EmpIdx)> = chosen
        .iter()
        .enumerate()
        .filter_map(|(k, &i)| {
            s.options[k][i as usize]
                .employee
                .map(|e| (s.tasks[k], EmpIdx(e)))
        })
        .collect();
    pairs.sort_unstable();
    Some(SearchResult {
        pairs,
        objective,
        iterations: iter,
    })
}

/// Whether a shift from a feasible point leaves the receiving employee within their rows.
fn shift_feasible(s: &Search, cur: Option_, next: Option_) -> bool {
    match next.employee {
        None => true,
        Some(e) => {
            let e = e as usize;
            let same = cur.employee == next.employee;
            let (dh, dn) = if same {
                (next.hours - cur.hours, 0.0)
            } else {
                (next.hours, 1.0)
            };
            s.load[e] + dh <= s.room[e] + TOL && s.count[e] + dn <= s.cap[e]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::FallbackScorer;
    use crate::tasks::testgen::{assert_near_optimum, gap, proven_optimum, GapCosts};
    use crate::tasks::TaskScores;

    fn limits(seed: u64) -> SearchLimits {
        SearchLimits {
            deadline: Instant::now() + std::time::Duration::from_secs(30),
            max_stall: 3_000,
            seed,
        }
    }

    #[test]
    fn finds_a_feasible_assignment_from_nothing_and_reports_its_objective() {
        let p = gap(5, 30, 0.8, 7, GapCosts::Random, true);
        let scores = TaskScores::compute(&p, &FallbackScorer);
        let model = TaskModel::build(&p, &scores);
        let found = improve(&p, &model, None, limits(1)).expect("a feasible assignment");
        assert_eq!(found.pairs.len(), 30, "every job assigned");
        let mut load = [0.0; 5];
        for &(t, e) in &found.pairs {
            load[e.ix()] += p.hours(e, t);
        }
        for e in p.employee_ids() {
            assert!(
                load[e.ix()] <= p.remaining_capacity(e) + TOL,
                "capacity of {e:?}"
            );
        }
        let values = model.values_of(&found.pairs).unwrap();
        assert!((model.objective_of(&values) - found.objective).abs() < 1e-6);
        let report = crate::tasks::check_tasks(
            &p,
            &super::super::to_assignments(&p, &scores, &found.pairs),
            &FallbackScorer,
        );
        assert!(report.feasible, "{:?}", report.violations);
        assert!((report.objective - found.objective).abs() < 1e-6);
    }

    #[test]
    fn never_worse_than_a_feasible_start_and_deterministic() {
        let p = gap(4, 24, 0.9, 3, GapCosts::Random, true);
        let scores = TaskScores::compute(&p, &FallbackScorer);
        let model = TaskModel::build(&p, &scores);
        let first = improve(&p, &model, None, limits(5)).unwrap();
        let again = improve(&p, &model, Some(&first.pairs), limits(5)).unwrap();
        assert!(again.objective <= first.objective + 1e-9);
        assert_eq!(improve(&p, &model, None, limits(5)).unwrap(), first);
    }

    #[test]
    fn reaches_the_milp_optimum_on_a_small_instance() {
        let p = gap(5, 25, 0.85, 11, GapCosts::Random, true);
        let optimum = proven_optimum(&p);
        let scores = TaskScores::compute(&p, &FallbackScorer);
        let model = TaskModel::build(&p, &scores);
        let found = improve(&p, &model, None, limits(2)).unwrap();
        assert_near_optimum(found.objective, optimum, 0.01, "search");
    }
}
