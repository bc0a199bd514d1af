//! Large neighbourhood search over the incumbent: free a few employees, keep everyone
//! else on their incumbent schedule, and re-optimise the freed ones by column generation and
//! an integer master over their columns.
//!
//! Why: a dive fixes one schedule after another and cannot undo a choice; on Curtois
//! Instance8 its last steps often leave a slot uncovered (+100) that two or three employees
//! swapping days would have covered. A neighbourhood of a few employees is exactly that swap,
//! and it is small: its column generation prices only the freed employees into anything new
//! (the fixed ones are forced to their one schedule), and its integer master over a few
//! hundred columns solves in a fraction of a second. Which employees are freed is drawn from
//! the solver seed, so the search is deterministic up to its time budget.
//!
//! Every other neighbourhood is drawn around one of the incumbent's soft violations rather
//! than at random: the employees off on an under-covered day (who could take the shift) or
//! working on an over-covered one, with the violation's own employee. A random draw of six
//! of thirty employees rarely holds the two or three a swap needs; a drawn one that shares
//! the violation's days often does.
//!
//! Every third neighbourhood is a window of a few days instead, on which every employee is
//! free: a trade between employees who are not both in a drawn six (an under-cover on one day
//! moved to whoever has the slack) lies inside it. On large rosters every neighbourhood is
//! one: six of sixty employees rarely hold a trade, and a window's column generation is the
//! quicker of the two.

use rand::seq::index::sample;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::branch::{column_generation_under, fix_schedule, fix_schedule_outside, Decision};
use super::master::{Column, MasterLp};
use super::pricing::Effort;
use super::{DecomposeError, Decomposition, Engine, Incumbent, NodeEnd};
use crate::check::CheckReport;
use crate::constraints::Violation;
use crate::domain::{Day, EmployeeIdx, Problem, Roster, SlotIdx};
use crate::scoring::Scorer;

/// Employees freed per neighbourhood.
const FREED: usize = 6;
/// Neighbourhoods without improvement, per pass over the employees, before the search stops.
const STALL_ROUNDS: usize = 2;
/// Seconds one neighbourhood may take at most (column generation and integer master).
const NEIGHBOURHOOD_SECONDS: f64 = 3.0;
/// Neighbourhood kinds, taken in turn: around a violation, at random, a window of days.
const KINDS: usize = 3;
const WINDOW_KIND: usize = 2;
/// From this many employees every neighbourhood is a window of days: on Curtois 12 (60
/// employees, 60 s, seeds 0 and 1) windows only gave 4477 and 4274 (24 and 27 neighbourhoods,
/// each about a second); one window in two 4593 and 4599; one in three 4696 and 4603 (8
/// neighbourhoods: those of six employees took their whole 3 s, and improved once in six).
/// Below it the three kinds take turns (Curtois 8 ends at 1304 either way).
const WINDOWS_ONLY_EMPLOYEES: usize = super::LONG_DIVE_EMPLOYEES;
/// A window of days frees this many times the employee-days of a neighbourhood of employees.
const WINDOW_SCALE: usize = 2;
/// Shortest and longest window of days.
const MIN_WINDOW: Day = 2;
const MAX_WINDOW: Day = 7;

/// Days of a window neighbourhood on a roster of `n` employees over `days`: everyone is freed
/// on them, so it frees [`WINDOW_SCALE`] times the employee-days of [`FREED`] employees.
fn window_days(n: usize, days: Day) -> Day {
    let scaled = (WINDOW_SCALE * FREED * days as usize).div_ceil(n.max(1));
    (scaled as Day).clamp(MIN_WINDOW, MAX_WINDOW)
}

/// Improve `incumbent` by neighbourhoods until `deadline` (seconds since the start).
#[allow(clippy::too_many_arguments)]
pub(super) fn neighbourhood_search(
    engine: &mut Engine,
    out: &mut Decomposition,
    incumbent: &mut Incumbent,
    scorer: &dyn Scorer,
    master: &mut MasterLp,
    deadline: f64,
) -> Result<(), DecomposeError> {
    let p = engine.problem;
    let n = p.employees.len();
    if n < 2 {
        return Ok(());
    }
    let freed = FREED.min(n - 1);
    let mut rng = ChaCha8Rng::seed_from_u64(p.config.seed ^ 0x6c6e_735f_7365_6564);
    // It stops when the bound proves the incumbent, or after enough neighbourhoods without
    // a better roster that every employee was likely freed a few times (a count, so that
    // the search ends the same way on any machine when the time limit is not what stops it).
    let stall_limit = STALL_ROUNDS * n.div_ceil(freed);
    let days = p.horizon.days as Day;
    let window = window_days(n, days);
    let windows_only = n >= WINDOWS_ONLY_EMPLOYEES;
    let mut stalled = 0;
    while engine.elapsed() < deadline && stalled < stall_limit {
        if incumbent.proven_by(out.bound, out.integral_costs) {
            return Ok(());
        }
        let Some((roster, report)) = &incumbent.best else {
            return Ok(());
        };
        let schedules = schedules_of(roster, n);
        let kind = if windows_only {
            WINDOW_KIND
        } else {
            out.neighbourhoods % KINDS
        };
        let decisions: Vec<Decision> = match kind {
            WINDOW_KIND if window < days => {
                let from = rng.random_range(0..=days - window);
                fixed_outside(engine, &schedules, from..from + window)
            }
            kind => {
                let targeted = match kind {
                    0 => around_violation(p, &schedules, report, &mut rng, freed),
                    _ => None,
                };
                let free = targeted.unwrap_or_else(|| {
                    let mut free = vec![false; n];
                    let everyone: Vec<usize> = (0..n).collect();
                    free_some(&mut rng, &mut free, &everyone, freed);
                    free
                });
                (0..n)
                    .filter(|&i| !free[i])
                    .flat_map(|i| fix_schedule(engine, EmployeeIdx(i as u32), &schedules[i]))
                    .collect()
            }
        };
        let now = engine.elapsed();
        let until = deadline.min(now + NEIGHBOURHOOD_SECONDS);
        out.neighbourhoods += 1;
        let lp = column_generation_under(
            engine,
            master,
            &decisions,
            until,
            incumbent,
            out.root_bound,
            Effort::HeuristicFirst,
            out,
        )?;
        stalled += 1;
        // Pruned: the freed employees cannot do better than they do now.
        if matches!(lp.end, NodeEnd::Pruned | NodeEnd::Infeasible) {
            continue;
        }
        let left = (until - engine.elapsed()).max(0.2);
        let start = incumbent.columns_in(master);
        if let Some((chosen, _, _, _)) = master.solve_integer(left, true, start.as_deref()) {
            let columns: Vec<&Column> = chosen.iter().map(|&i| &master.columns[i]).collect();
            let improved = incumbent.offer(p, scorer, super::roster_of(&columns));
            tracing::debug!(kind, improved, objective = ?incumbent.objective(), "neighbourhood");
            if improved {
                out.neighbourhood_improvements += 1;
                stalled = 0;
            }
        }
    }
    Ok(())
}

/// The decisions that keep every employee on their schedule in `schedules` except on the
/// days `free`, where everyone is free.
///
/// Why: a neighbourhood of employees cannot move an under-cover to an employee outside it,
/// and on Curtois 12 (60 employees) six of them rarely hold the ones a trade needs. All
/// employees on a few days hold every trade within those days; on 12 two window
/// neighbourhoods out of two improved the best responses' roster.
fn fixed_outside(
    engine: &Engine,
    schedules: &[Vec<SlotIdx>],
    free: std::ops::Range<Day>,
) -> Vec<Decision> {
    schedules
        .iter()
        .enumerate()
        .flat_map(|(i, slots)| {
            fix_schedule_outside(engine, EmployeeIdx(i as u32), slots, free.clone())
        })
        .collect()
}

/// `freed` employees around one soft violation of `report` drawn with `rng`: its employee,
/// then, drawn among the employees off on one of its days (working on one, for an over-cover),
/// up to two thirds of them, then any others. `None` when no violation has a day.
fn around_violation(
    p: &Problem,
    schedules: &[Vec<SlotIdx>],
    report: &CheckReport,
    rng: &mut ChaCha8Rng,
    freed: usize,
) -> Option<Vec<bool>> {
    let dated: Vec<_> = report
        .soft_violations
        .iter()
        .filter(|v| v.penalty > 0.0 && !v.dates.is_empty())
        .collect();
    if dated.is_empty() {
        return None;
    }
    let v = dated[sample(rng, dated.len(), 1).index(0)];
    let days = violation_days(p, v);
    let n = schedules.len();
    let mut free = vec![false; n];
    if let Some(id) = &v.employee_id {
        if let Some(i) = p.employees.iter().position(|e| &e.id == id) {
            free[i] = true;
        }
    }
    let want_working = v.aspect == "over";
    let related: Vec<usize> = (0..n)
        .filter(|&i| !free[i] && works_on(p, &schedules[i], &days) == want_working)
        .collect();
    free_some(rng, &mut free, &related, 2 * freed / 3);
    let rest: Vec<usize> = (0..n).filter(|&i| !free[i]).collect();
    let chosen = free.iter().filter(|&&f| f).count();
    free_some(rng, &mut free, &rest, freed.saturating_sub(chosen));
    Some(free)
}

/// Each of the `n` employees' slots in `roster`, sorted.
fn schedules_of(roster: &Roster, n: usize) -> Vec<Vec<SlotIdx>> {
    let mut schedules: Vec<Vec<SlotIdx>> = vec![Vec::new(); n];
    for a in &roster.assignments {
        schedules[a.employee.ix()].push(a.slot);
    }
    for slots in &mut schedules {
        slots.sort_unstable();
    }
    schedules
}

/// The horizon days of a violation's dates.
fn violation_days(p: &Problem, v: &Violation) -> Vec<Day> {
    v.dates
        .iter()
        .filter_map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .filter_map(|d| p.horizon.day_in(d))
        .collect()
}

/// Whether a schedule works on one of `days`.
fn works_on(p: &Problem, slots: &[SlotIdx], days: &[Day]) -> bool {
    slots.iter().any(|&s| days.contains(&p.slots[s.ix()].day))
}

/// Free `count` of `among` (all of them when fewer), drawn with `rng`.
fn free_some(rng: &mut ChaCha8Rng, free: &mut [bool], among: &[usize], count: usize) {
    for k in sample(rng, among.len(), count.min(among.len())) {
        free[among[k]] = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check;
    use crate::heuristics::{construct_within, Construction};
    use crate::scoring::{FallbackScorer, PairScores};

    /// Around an under-cover violation (the report cut down to it) the neighbourhood frees
    /// exactly `freed` employees, two thirds of them (or all there are) off on its day,
    /// and the same ones for the same seed.
    #[test]
    fn neighbourhoods_around_an_under_cover_free_employees_off_that_day() {
        let rules = serde_json::json!([{"id": "C1", "hard": false}, {"id": "C4", "params": {"minRestHours": 12}}]);
        let mut tried = 0;
        for seed in [1, 2, 3, 4] {
            let req = crate::testkit::generated_request(12, 14, 1.6, seed, rules.clone());
            let p = crate::input::request_from_value(&req).expect("generated request is valid");
            let scores = PairScores::compute(&p, &FallbackScorer);
            let roster: Roster = construct_within(&p, &scores, Construction::Greedy, None);
            let mut report = check(&p, &roster, &FallbackScorer);
            let Some(under) = report
                .soft_violations
                .iter()
                .find(|v| v.aspect == "under" && v.penalty > 0.0 && !v.dates.is_empty())
                .cloned()
            else {
                continue;
            };
            tried += 1;
            report.soft_violations = vec![under.clone()];
            let schedules = schedules_of(&roster, p.employees.len());
            let days = violation_days(&p, &under);
            assert!(!days.is_empty());
            let off = |i: usize| !works_on(&p, &schedules[i], &days);
            let off_count = (0..p.employees.len()).filter(|&i| off(i)).count();
            let draw = |s: u64| {
                let mut rng = ChaCha8Rng::seed_from_u64(s);
                around_violation(&p, &schedules, &report, &mut rng, FREED).expect("a dated one")
            };
            let free = draw(seed);
            assert_eq!(free.iter().filter(|&&f| f).count(), FREED, "seed {seed}");
            let freed_off = (0..free.len()).filter(|&i| free[i] && off(i)).count();
            assert!(
                freed_off >= (2 * FREED / 3).min(off_count),
                "seed {seed}: {freed_off}"
            );
            assert_eq!(draw(seed), free, "seed {seed}: not deterministic");
        }
        assert!(tried > 0, "no generated roster left a slot under-covered");
    }

    /// A window neighbourhood keeps every employee's schedule outside its days: from the empty
    /// roster, the integer master over the columns its column generation leaves open gives a
    /// roster that is still empty there, keeps the hard rules (checker) and costs less.
    #[test]
    fn a_window_neighbourhood_moves_only_its_days() {
        let rules = serde_json::json!([{"id": "C1", "hard": false}, {"id": "C3", "params": {"maxConsecutiveDays": 3}}]);
        for seed in [3, 8, 13] {
            let req = crate::testkit::generated_request(6, 10, 1.3, seed, rules.clone());
            let p = crate::input::request_from_value(&req).expect("generated request is valid");
            let scores = PairScores::compute(&p, &FallbackScorer);
            // Nobody working: the cover is short on every day, in the window too.
            let start = Roster::default();
            let report = check(&p, &start, &FallbackScorer);
            assert!(
                report.feasible,
                "seed {seed}: {:#?}",
                report.hard_violations
            );
            let n = p.employees.len();
            let schedules = schedules_of(&start, n);
            let free = 3..6;
            let roster = super::super::with_engine(&p, &scores, |engine, master, out| {
                engine.add_rosters(master, std::slice::from_ref(&start));
                let mut incumbent = Incumbent::default();
                incumbent.consider(start.clone(), report.clone());
                let decisions = fixed_outside(engine, &schedules, free.clone());
                let lp = column_generation_under(
                    engine,
                    master,
                    &decisions,
                    30.0,
                    &incumbent,
                    f64::NEG_INFINITY,
                    Effort::HeuristicFirst,
                    out,
                )
                .expect("column generation runs");
                assert!(!matches!(lp.end, NodeEnd::Infeasible), "seed {seed}");
                let open = incumbent.columns_in(master);
                let (chosen, _, _, _) = master
                    .solve_integer(30.0, true, open.as_deref())
                    .expect("the incumbent's columns are open");
                let columns: Vec<&Column> = chosen.iter().map(|&i| &master.columns[i]).collect();
                super::super::roster_of(&columns)
            });
            let after = check(&p, &roster, &FallbackScorer);
            assert!(after.feasible, "seed {seed}: {:#?}", after.hard_violations);
            assert!(after.objective < report.objective - 1e-6, "seed {seed}");
            let moved = schedules_of(&roster, n);
            for i in 0..n {
                let outside = |v: &[SlotIdx]| -> Vec<SlotIdx> {
                    let days = |s: &&SlotIdx| !free.contains(&p.slots[s.ix()].day);
                    v.iter().filter(days).copied().collect()
                };
                assert_eq!(
                    outside(&moved[i]),
                    outside(&schedules[i]),
                    "seed {seed}, employee {i}"
                );
            }
        }
    }

    /// The window frees twice the employee-days of a neighbourhood of employees, within its
    /// bounds.
    #[test]
    fn window_days_scale_with_the_roster() {
        // Curtois 12: 60 employees, 28 days → ⌈2·6·28 / 60⌉ = 6.
        assert_eq!(window_days(60, 28), 6);
        assert_eq!(window_days(120, 28), 3);
        assert_eq!(window_days(600, 28), MIN_WINDOW);
        assert_eq!(window_days(8, 14), MAX_WINDOW);
    }

    /// Without a dated soft violation the neighbourhood is drawn at random instead.
    #[test]
    fn no_dated_violation_gives_no_targeted_neighbourhood() {
        let req = crate::testkit::generated_request(4, 7, 1.0, 5, serde_json::json!([]));
        let p = crate::input::request_from_value(&req).expect("generated request is valid");
        let report = check(&p, &Roster::default(), &FallbackScorer);
        let clean = CheckReport {
            soft_violations: Vec::new(),
            ..report
        };
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let schedules = vec![Vec::new(); p.employees.len()];
        assert!(around_violation(&p, &schedules, &clean, &mut rng, 2).is_none());
    }
}
