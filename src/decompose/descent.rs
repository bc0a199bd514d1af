//! Roster-level local search by best responses: one employee at a time moves to the cheapest
//! schedule given everyone else's, and ruin-and-recreate steps (a few employees' schedules,
//! or a stretch of days of many employees, cleared and rebuilt the same way) leave the local
//! optima. Its best use is repairing an LP rounding: every employee on their heaviest
//! schedule of the master LP keeps their own rules but rarely meets the cover; best
//! responses from there land near the LP's value.
//!
//! Why: on the large Curtois instances (12, 14, 15, 17) the root LP bound is at or near the
//! optimum, but column generation converges late and the dive that turns the LP into a
//! roster got only a few steps, so the rosters stayed 37–97 % above the optimum. With
//! everyone else fixed, the cost of one employee's schedule is exactly a pricing problem: a
//! cover row's under/over slacks make the marginal cost of working a slot `f(a + 1) − f(a)`
//! of the row's activity `a` without them, a linear price per slot. So the labeling that
//! prices columns also answers "this employee's best schedule now", in milliseconds,
//! keeping every hard rule of the employee by construction. Moves are accepted on the exact
//! change of the objective (own cost + the coupling rows' slack cost, [`MasterShape::row_cost`]);
//! every roster handed on is re-verified by the checker.
//!
//! Employees are drawn from the solver seed; the search stops after a number of steps
//! without a better roster, with the clock as a cap.
//!
//! [`MasterShape::row_cost`]: super::master::MasterShape::row_cost

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::pricing::{Effort, Pricing, Restrict};
use super::{Decomposition, Engine, Incumbent};
use crate::domain::{Assignment, Day, EmployeeIdx, Roster, SlotIdx};
use crate::scoring::Scorer;

/// Least improvement a move must bring (objective units).
const IMPROVE: f64 = 1e-6;
/// Seconds one best response may take when a pricing MILP answers it.
const MILP_RESPONSE_SECONDS: f64 = 1.0;
/// Most employees one ruin clears.
const MAX_RUINED: usize = 4;
/// Shortest and longest stretch of days a stretch ruin clears.
const MIN_WINDOW: Day = 3;
const MAX_WINDOW: Day = 7;
/// A stretch ruin clears one employee in this many.
const WINDOW_SHARE: usize = 2;

/// Which moves a best response may make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Only to a cheaper total.
    Better,
    /// To the cheapest schedule, whatever it does to the total (rebuilding a ruined one).
    Any,
}

/// The search's roster and what it costs, kept up to date move by move.
#[derive(Clone)]
struct State {
    /// Each employee's schedule (sorted slots), or what is left of it while ruined.
    schedules: Vec<Vec<SlotIdx>>,
    /// Whether each schedule is whole (keeps the employee's own rules; not ruined).
    whole: Vec<bool>,
    /// Each employee's own cost (0 while ruined).
    own: Vec<f64>,
    /// Activity of every coupling row.
    activity: Vec<f64>,
    /// Σ own + Σ coupling row costs.
    total: f64,
    /// Employees whose best response may have changed since they last responded.
    unsettled: Vec<bool>,
}

struct Search<'s, 'a, 'p> {
    engine: &'s Engine<'a, 'p>,
    state: State,
    /// Slots each employee may work.
    slots: Vec<Vec<SlotIdx>>,
    /// Employees who may work in each coupling row.
    row_employees: Vec<Vec<usize>>,
    /// Scratch: the marginal cost of each slot for the employee being moved.
    marginal: Vec<f64>,
    /// The days `from..to` each employee ruined on a stretch of days has to rebuild.
    ruined_days: Vec<Option<(Day, Day)>>,
    /// When set, a best response still pricing at this instant gives up (and moves no one).
    until: Option<std::time::Instant>,
}

impl<'s, 'a, 'p> Search<'s, 'a, 'p> {
    /// The search from `roster`, where each employee whose schedule breaks their own hard
    /// rules starts ruined.
    fn new(engine: &'s Engine<'a, 'p>, roster: &Roster) -> Self {
        let p = engine.problem;
        let n = p.employees.len();
        let mut schedules = Vec::with_capacity(n);
        let mut whole = Vec::with_capacity(n);
        let mut own = Vec::with_capacity(n);
        for pr in engine.pricers {
            let priced = pr.cost_of(roster);
            whole.push(priced.is_some());
            let (slots, cost) = priced.unwrap_or_default();
            schedules.push(slots);
            own.push(cost);
        }
        let mut search = Search {
            engine,
            state: State {
                schedules,
                whole,
                own,
                activity: vec![0.0; engine.shape.coupling_rows()],
                total: 0.0,
                unsettled: vec![true; n],
            },
            slots: engine.pricers.iter().map(|pr| pr.slots()).collect(),
            row_employees: vec![Vec::new(); engine.shape.coupling_rows()],
            marginal: vec![0.0; p.slots.len()],
            ruined_days: vec![None; n],
            until: None,
        };
        for e in 0..n {
            for (r, k) in search.contribution(e, &search.state.schedules[e]) {
                search.state.activity[r] += k;
            }
            for (r, _) in search.contribution(e, &search.slots[e]) {
                search.row_employees[r].push(e);
            }
        }
        search.state.total = search.state.own.iter().sum::<f64>()
            + (0..search.state.activity.len())
                .map(|r| engine.shape.row_cost(r, search.state.activity[r]))
                .sum::<f64>();
        search
    }

    /// The coupling rows employee `e`'s schedule `slots` enters, merged by row.
    fn contribution(&self, e: usize, slots: &[SlotIdx]) -> Vec<(usize, f64)> {
        let mut rows: Vec<(usize, f64)> = slots
            .iter()
            .flat_map(|&slot| {
                self.engine.shape.entries(Assignment {
                    employee: EmployeeIdx(e as u32),
                    slot,
                })
            })
            .copied()
            .collect();
        rows.sort_by_key(|x| x.0);
        rows.dedup_by(|b, a| {
            if a.0 == b.0 {
                a.1 += b.1;
                true
            } else {
                false
            }
        });
        rows
    }

    /// Change in the coupling rows' cost when `e`'s share of the activity goes from `old`
    /// to `new` (the activity without `e` is `state.activity − old`).
    fn coupling_delta(&self, old: &[(usize, f64)], new: &[(usize, f64)]) -> f64 {
        let shape = self.engine.shape;
        let act = &self.state.activity;
        let mut delta = 0.0;
        let (mut i, mut j) = (0, 0);
        while i < old.len() || j < new.len() {
            let r = match (old.get(i), new.get(j)) {
                (Some(a), Some(b)) => a.0.min(b.0),
                (Some(a), None) => a.0,
                (None, Some(b)) => b.0,
                (None, None) => unreachable!(),
            };
            let mut k_old = 0.0;
            let mut k_new = 0.0;
            if old.get(i).is_some_and(|x| x.0 == r) {
                k_old = old[i].1;
                i += 1;
            }
            if new.get(j).is_some_and(|x| x.0 == r) {
                k_new = new[j].1;
                j += 1;
            }
            let base = act[r] - k_old;
            delta += shape.row_cost(r, base + k_new) - shape.row_cost(r, act[r]);
        }
        delta
    }

    /// Clear employee `e`'s schedule on the days `from..to` (every day: the whole of it);
    /// what is left is no schedule until `e` responds again.
    fn ruin(&mut self, e: usize, from: Day, to: Day) {
        let p = self.engine.problem;
        let left: Vec<SlotIdx> = self.state.schedules[e]
            .iter()
            .copied()
            .filter(|s| !(from..to).contains(&p.slots[s.ix()].day))
            .collect();
        let old = self.contribution(e, &self.state.schedules[e]);
        let new = self.contribution(e, &left);
        let delta = self.coupling_delta(&old, &new) - self.state.own[e];
        self.apply(e, &old, &new, delta, left, 0.0);
        self.state.whole[e] = false;
        let days = p.horizon.days as Day;
        self.ruined_days[e] = (from > 0 || to < days).then_some((from, to));
    }

    /// What the other employees' best responses see of row `r`: the marginal cost of one
    /// more on it and of the last one on it.
    fn profile(&self, r: usize, a: f64) -> (f64, f64) {
        let shape = self.engine.shape;
        let here = shape.row_cost(r, a);
        (
            shape.row_cost(r, a + 1.0) - here,
            here - shape.row_cost(r, a - 1.0),
        )
    }

    /// Move employee `e` to its cheapest schedule given everyone else's, found by labeling
    /// with `effort`, when `mode` allows the change. A ruined employee keeps what is left
    /// of its schedule and rebuilds the rest. Whether `e` moved.
    fn respond(&mut self, e: usize, effort: Effort, mode: Mode) -> bool {
        let engine = self.engine;
        let shape = engine.shape;
        let old = self.contribution(e, &self.state.schedules[e]);
        let employee = EmployeeIdx(e as u32);
        // Activity without e, and the marginal cost of each of e's slots there.
        let mut base: Vec<(usize, f64)> = Vec::new();
        for &(r, k) in &old {
            base.push((r, self.state.activity[r]));
            self.state.activity[r] -= k;
        }
        for &slot in &self.slots[e] {
            let a = Assignment { employee, slot };
            self.marginal[slot.ix()] = shape
                .entries(a)
                .iter()
                .map(|&(r, k)| {
                    let act = self.state.activity[r];
                    shape.row_cost(r, act + k) - shape.row_cost(r, act)
                })
                .sum();
        }
        for &(r, a) in &base {
            self.state.activity[r] = a;
        }
        let whole = self.state.whole[e];
        let now = &self.state.schedules[e];
        let convexity = match mode {
            Mode::Better if whole => {
                self.state.own[e] + now.iter().map(|s| self.marginal[s.ix()]).sum::<f64>() - IMPROVE
            }
            _ => f64::MAX,
        };
        // A ruined schedule keeps its slots outside the ruined days: forced on the days it
        // works, every other slot of those days forbidden.
        let restrict = if whole {
            Restrict::default()
        } else {
            self.keep_rest(e)
        };
        let marginal = &self.marginal;
        let dual = |a: Assignment| -marginal[a.slot.ix()];
        let pricer = &engine.pricers[e];
        // The pricing MILP answers where labeling cannot (a rule without a labeling face).
        let found = pricer
            .price_by_labeling(&dual, convexity, 1, &restrict, effort, self.until)
            .or_else(|| {
                let mut cfg = engine.pricing_cfg.clone();
                cfg.time_limit_seconds = MILP_RESPONSE_SECONDS;
                pricer.price(&dual, convexity, &restrict, &cfg).ok()
            });
        let Some(Pricing::Columns(list)) = found else {
            return false;
        };
        let Some(best) = list.into_iter().find(|c| !whole || c.slots != *now) else {
            return false;
        };
        let new = self.contribution(e, &best.slots);
        let delta = best.cost - self.state.own[e] + self.coupling_delta(&old, &new);
        if whole && mode == Mode::Better && delta >= -IMPROVE {
            return false;
        }
        let mut rows: Vec<usize> = old.iter().chain(&new).map(|x| x.0).collect();
        rows.sort_unstable();
        rows.dedup();
        let before: Vec<f64> = rows.iter().map(|&r| self.state.activity[r]).collect();
        self.apply(e, &old, &new, delta, best.slots, best.cost);
        self.state.whole[e] = true;
        self.ruined_days[e] = None;
        let at = |r: usize| before[rows.binary_search(&r).expect("a touched row")];
        self.unsettle(&rows, &at, Some(e));
        true
    }

    /// Rebuild every ruined employee (from the start: those whose schedule broke their own
    /// rules) by their best response. Whether all of them got a schedule.
    fn rebuild_ruined(&mut self) -> bool {
        (0..self.state.schedules.len())
            .all(|e| self.state.whole[e] || self.respond(e, Effort::HeuristicFirst, Mode::Any))
    }

    /// The decisions that keep a ruined employee's schedule outside its ruined days: the
    /// days it still works are forced, and on the days between them that it had off every
    /// slot is forbidden. (A wholly ruined employee is free.)
    fn keep_rest(&self, e: usize) -> Restrict {
        let Some(window) = self.ruined_days[e] else {
            return Restrict::default();
        };
        let p = self.engine.problem;
        let outside = |s: &SlotIdx| !(window.0..window.1).contains(&p.slots[s.ix()].day);
        let kept = &self.state.schedules[e];
        Restrict {
            force: kept.clone(),
            forbid: self.slots[e]
                .iter()
                .copied()
                .filter(|s| outside(s) && kept.binary_search(s).is_err())
                .collect(),
            work_any: Vec::new(),
        }
    }

    /// Give employee `e` the schedule `slots` of own cost `cost`, whose
    /// coupling rows are `new` (those of its current schedule are `old`), changing the
    /// total by `delta`.
    fn apply(
        &mut self,
        e: usize,
        old: &[(usize, f64)],
        new: &[(usize, f64)],
        delta: f64,
        slots: Vec<SlotIdx>,
        cost: f64,
    ) {
        for &(r, k) in old {
            self.state.activity[r] -= k;
        }
        for &(r, k) in new {
            self.state.activity[r] += k;
        }
        self.state.schedules[e] = slots;
        self.state.own[e] = cost;
        self.state.total += delta;
    }

    /// After moves that changed the `rows` from activity `before`: whoever may work in a row
    /// whose profile changed (but `moved`, who responded to it) must respond again.
    fn unsettle(&mut self, rows: &[usize], before: &dyn Fn(usize) -> f64, moved: Option<usize>) {
        for &r in rows {
            let was = self.profile(r, before(r));
            let now = self.profile(r, self.state.activity[r]);
            if (now.0 - was.0).abs() > IMPROVE || (now.1 - was.1).abs() > IMPROVE {
                for &o in &self.row_employees[r] {
                    if Some(o) != moved {
                        self.state.unsettled[o] = true;
                    }
                }
            }
        }
    }

    /// Best responses of the unsettled employees (in `rng`'s order), pass after pass, until
    /// everyone is settled or the search's `until` has passed. An employee settles when it
    /// responds, and is unsettled again when a move changes what it sees of a row.
    fn descend(&mut self, rng: &mut ChaCha8Rng) {
        loop {
            let mut order: Vec<usize> = (0..self.state.schedules.len())
                .filter(|&e| self.state.unsettled[e])
                .collect();
            if order.is_empty() {
                return;
            }
            order.shuffle(rng);
            for e in order {
                if self.until.is_some_and(|t| std::time::Instant::now() >= t) {
                    return;
                }
                if self.state.unsettled[e] {
                    self.state.unsettled[e] = false;
                    self.respond(e, Effort::HeuristicFirst, Mode::Better);
                }
            }
        }
    }

    /// The roster of the current state (ruined employees work nothing).
    fn roster(&self) -> Roster {
        Roster::new(
            self.state
                .schedules
                .iter()
                .enumerate()
                .flat_map(|(e, slots)| {
                    slots.iter().map(move |&slot| Assignment {
                        employee: EmployeeIdx(e as u32),
                        slot,
                    })
                })
                .collect(),
        )
    }
}

/// Improve `incumbent` from `start`: best responses until nobody moves, then
/// ruin-and-recreate steps until `deadline` (seconds since the start), until `stall` steps in
/// a row find no better roster, or until the bound proves the incumbent. Returns whether
/// the incumbent improved.
pub(super) fn improve(
    engine: &Engine,
    out: &mut Decomposition,
    incumbent: &mut Incumbent,
    scorer: &dyn Scorer,
    start: &Roster,
    deadline: f64,
    stall: usize,
) -> bool {
    let t = std::time::Instant::now();
    let improved = search(engine, out, incumbent, scorer, start, (deadline, stall));
    out.descent_seconds += t.elapsed().as_secs_f64();
    improved
}

/// [`improve`] without the clock, which stops at `until.0` or after `until.1` steps in a
/// row without a better roster.
fn search(
    engine: &Engine,
    out: &mut Decomposition,
    incumbent: &mut Incumbent,
    scorer: &dyn Scorer,
    start: &Roster,
    (deadline, stall): (f64, usize),
) -> bool {
    let p = engine.problem;
    let n = p.employees.len();
    let mut search = Search::new(engine, start);
    search.until = Some(engine.instant_at(deadline));
    if !search.rebuild_ruined() {
        return false;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(p.config.seed ^ 0x6465_7363_656e_7400);
    let mut improved = false;
    search.descend(&mut rng);
    let mut best = search.state.total;
    if incumbent.offer(p, scorer, search.roster()) {
        improved = true;
        out.descent_improvements += 1;
    }
    let mut stalled = 0;
    let mut order: Vec<usize> = (0..n).collect();
    while n >= 2
        && stalled < stall
        && engine.elapsed() < deadline
        && !incumbent.proven_by(out.bound, out.integral_costs)
    {
        out.ruins += 1;
        let saved = search.state.clone();
        order.shuffle(&mut rng);
        // Every other step clears a stretch of days for many employees (who covers those
        // days is decided afresh); the others clear a few employees' whole schedules.
        let days = p.horizon.days as Day;
        let (ruined, from, to) = if out.ruins % 2 == 0 && days > MAX_WINDOW {
            let len = rng.random_range(MIN_WINDOW..=MAX_WINDOW);
            let from = rng.random_range(0..=days - len);
            (&order[..n.div_ceil(WINDOW_SHARE)], from, from + len)
        } else {
            (&order[..rng.random_range(2..=MAX_RUINED.min(n))], 0, days)
        };
        for &e in ruined {
            search.ruin(e, from, to);
        }
        let mut complete = true;
        for &e in ruined {
            complete &= search.respond(e, Effort::HeuristicFirst, Mode::Any);
        }
        if complete {
            let changed: Vec<usize> = (0..saved.activity.len())
                .filter(|&r| (saved.activity[r] - search.state.activity[r]).abs() > IMPROVE)
                .collect();
            search.unsettle(&changed, &|r| saved.activity[r], None);
            search.descend(&mut rng);
        }
        stalled += 1;
        // Sideways steps are kept (the search walks plateaus), worse ones undone.
        if !complete || search.state.total > saved.total + IMPROVE {
            search.state = saved;
            search.ruined_days.fill(None);
            continue;
        }
        if search.state.total < best - IMPROVE {
            best = search.state.total;
            stalled = 0;
            if incumbent.offer(p, scorer, search.roster()) {
                improved = true;
                out.descent_improvements += 1;
            }
        }
    }
    improved
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check;
    use crate::decompose::Parts;
    use crate::domain::Problem;
    use crate::heuristics::{construct, Construction};
    use crate::scoring::{FallbackScorer, PairScores};
    use std::time::Instant;

    /// A generated roster with soft cover (under/over slacks in the coupling rows), sequence
    /// and total-time rules, and a locked history.
    fn problem(seed: u64) -> Problem {
        let rules = serde_json::json!([
            {"id": "C1", "hard": false},
            {"id": "C2", "params": {"maxHoursPerWeek": 40}},
            {"id": "C3", "params": {"maxConsecutiveDays": 4, "minConsecutiveDays": 2}},
            {"id": "C4", "params": {"minRestHours": 12}},
            {"id": "C10", "hard": false, "weight": 2.0, "params": {"minConsecutiveDaysOff": 2}}
        ]);
        let mut req = crate::testkit::generated_request(8, 14, 0.8, seed, rules);
        let first = req["employees"][0]["employeeId"].clone();
        req["lockedContext"] = serde_json::json!({
            "employeeAssignments": [{"employeeId": first, "consecutiveWorkingDays": 3}]
        });
        crate::input::request_from_value(&req).expect("generated request is valid")
    }

    fn with_engine<R>(p: &Problem, f: impl FnOnce(&Engine, &mut Decomposition) -> R) -> R {
        let scores = PairScores::compute(p, &FallbackScorer);
        let mut parts = Parts::new(p, &scores);
        assert!(!parts.broken);
        let engine = Engine::new(p, &parts.shape, &parts.pricers, Instant::now());
        f(&engine, &mut parts.out)
    }

    fn greedy(p: &Problem) -> Roster {
        construct(
            p,
            &PairScores::compute(p, &FallbackScorer),
            Construction::Greedy,
        )
    }

    /// The search's own account of the objective, move after move (best responses, both
    /// kinds of ruin, rebuilds), is what the independent checker says of its roster.
    #[test]
    fn tracked_total_is_the_checkers_objective() {
        for seed in [3, 17, 40] {
            let p = problem(seed);
            with_engine(&p, |engine, _| {
                let mut search = Search::new(engine, &greedy(&p));
                let n = p.employees.len();
                assert!(search.rebuild_ruined());
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                let agree = |search: &Search| {
                    let report = check(&p, &search.roster(), &FallbackScorer);
                    assert!(report.feasible, "{:?}", report.hard_violations);
                    assert!(
                        (report.objective - search.state.total).abs() < 1e-6,
                        "tracked {} checker {}",
                        search.state.total,
                        report.objective
                    );
                };
                search.descend(&mut rng);
                agree(&search);
                for step in 0..12 {
                    let (from, to) = if step % 2 == 0 { (4, 9) } else { (0, 14) };
                    let ruined = [step % n, (step * 3 + 1) % n];
                    for &e in &ruined {
                        search.ruin(e, from, to);
                    }
                    for &e in &ruined {
                        assert!(search.respond(e, Effort::HeuristicFirst, Mode::Any));
                    }
                    agree(&search);
                    search.state.unsettled.fill(true);
                    search.descend(&mut rng);
                    agree(&search);
                }
            });
        }
    }

    /// A stretch ruin rebuilds only the ruined days: outside them the schedule is kept.
    #[test]
    fn stretch_ruin_keeps_the_other_days() {
        let p = problem(5);
        with_engine(&p, |engine, _| {
            let mut search = Search::new(engine, &greedy(&p));
            let n = p.employees.len();
            assert!(search.rebuild_ruined());
            let outside = |slots: &[SlotIdx]| -> Vec<SlotIdx> {
                slots
                    .iter()
                    .copied()
                    .filter(|s| !(3..8).contains(&p.slots[s.ix()].day))
                    .collect()
            };
            for e in 0..n {
                let before = outside(&search.state.schedules[e]);
                search.ruin(e, 3, 8);
                assert!(search.respond(e, Effort::HeuristicFirst, Mode::Any));
                assert_eq!(outside(&search.state.schedules[e]), before, "employee {e}");
            }
        });
    }

    /// The search never hands on a worse roster than its start, every roster it keeps passes
    /// the checker, and the same seed gives the same roster.
    #[test]
    fn improve_is_monotone_checked_and_deterministic() {
        let p = problem(11);
        let run = || {
            with_engine(&p, |engine, out| {
                let start = greedy(&p);
                let mut incumbent = Incumbent::default();
                let report = check(&p, &start, &FallbackScorer);
                let start_objective = report.feasible.then_some(report.objective);
                if report.feasible {
                    incumbent.consider(start.clone(), report);
                }
                improve(
                    engine,
                    out,
                    &mut incumbent,
                    &FallbackScorer,
                    &start,
                    60.0,
                    40,
                );
                let (roster, report) = incumbent.best.clone().expect("a roster");
                assert!(check(&p, &roster, &FallbackScorer).feasible);
                if let Some(o) = start_objective {
                    assert!(report.objective <= o);
                }
                assert!(out.ruins > 0);
                roster
            })
        };
        assert_eq!(run(), run());
    }
}
