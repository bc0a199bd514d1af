//! Per-employee MILP repair of a constructed roster.
//!
//! Why: every hard rule but cover is per-employee — its rows touch one employee's columns
//! only — so when a construction leaves some employees breaking hard rules (a minimum total
//! not reached, a stretch too short), each of them can be given a schedule that keeps every
//! one of their rules by solving their own model alone ([`ModelIr::for_employees`]: the same
//! catalog encoding as the compact model). Cover enters as prices read from the compact
//! model's cover rows, given what everybody else already works: a slot still short pays its
//! under-cover weight, a full one costs its over-cover weight. On Curtois Instances 14–20 the
//! greedy construction breaks minimum rules and HiGHS finds no incumbent in 60 s on the
//! compact model; a handful of one-employee MILPs make the construction a feasible warm
//! start. It is the pricing problem of the decomposition by employee (DESIGN §4.1) with
//! prices taken from a roster instead of duals.

use std::collections::BTreeSet;
use std::time::Instant;

use crate::constraints::RuleId;
use crate::domain::{Assignment, EmployeeIdx, Problem, Roster, SlotIdx, SolverConfig};

use super::highs_backend::{self, BackendError};
use super::ir::{BuildMode, Lin, ModelIr, RowTag};

/// Reward for covering a slot short of a *hard* cover row (no under slack): large against
/// any per-person weight, small enough to keep HiGHS's numerics calm.
const HARD_COVER_REWARD: f64 = 1.0e4;
/// The longest any one group's MILP may run.
const PER_GROUP_SECONDS: f64 = 10.0;
/// Employees re-planned together in the improvement rounds (at least; see
/// [`group_size`]).
pub const GROUP_SIZE: usize = 3;
/// Most employees re-planned together.
const MAX_GROUP_SIZE: usize = 8;
/// Size (nonzeros + columns) a group model should reach: employees with few columns (an
/// incremental window with a few dozen open positions) are grouped by more than three, so that
/// each HiGHS call has something to do.
const GROUP_MODEL_SIZE: usize = 1500;
/// Improvement rounds in a row without progress before giving up.
const STALL_ROUNDS: u32 = 2;
/// Work units ([`Budget::work`]: nonzeros of the group models solved) the improvement rounds
/// get per second of the time-limit share they are given; measured on the 2-core machine
/// the README's figures come from, so that the work budget lasts about as long as the time
/// budget it replaced.
pub const WORK_PER_SECOND: f64 = 1.0e6;
/// Work units a group MILP costs besides its size (setting HiGHS up).
const GROUP_WORK: u64 = 1000;
/// Group models smaller than this (nonzeros + columns) are solved without HiGHS's presolve:
/// on the incremental benchmark's groups (~200) it was half the rounds' time.
const PRESOLVE_SIZE: usize = 5000;

/// How much the improvement rounds may do. The work count makes the warm start the same on
/// every run of the same input (a clock budget made it move with the machine's load); the
/// deadline is only a safety cap, set far above what the work takes normally.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Work units: the nonzeros of every group model solved (a group MILP costs about its
    /// size). The round in progress stops at the first group past the budget.
    pub work: u64,
    /// Never go on past this instant (a group in progress is finished first).
    pub deadline: Instant,
}

impl Budget {
    /// The budget for `seconds` of improvement time: [`WORK_PER_SECOND`] work units a
    /// second, and a safety deadline at `cap`.
    pub fn for_seconds(seconds: f64, cap: Instant) -> Self {
        Budget {
            work: (seconds.max(0.0) * WORK_PER_SECOND) as u64,
            deadline: cap,
        }
    }
}
/// Relative gain under which a round counts as no progress.
const STALL_GAIN: f64 = 1e-3;

/// One slot's cover row: bounds, and the cost of a person below / above them (`None`: hard).
#[derive(Clone, Copy)]
struct CoverRow {
    lo: f64,
    hi: f64,
    under: Option<f64>,
    over: Option<f64>,
}

/// What the cover rows of the compact model say a person on each slot is worth.
struct CoverPrices {
    /// Per slot, its cover row if the rule is on.
    rows: Vec<Option<CoverRow>>,
}

impl CoverPrices {
    fn of(compact: &ModelIr) -> Self {
        let mut rows = vec![None; compact.problem.slots.len()];
        for r in &compact.rows {
            if let (Some(RuleId::C1), Some(s)) = (r.tag.rule, r.tag.slot) {
                let cost = |c: Option<super::ColId>| c.map(|c| compact.cols[c.0 as usize].cost);
                rows[s.ix()] = Some(CoverRow {
                    lo: r.lo,
                    hi: r.hi,
                    under: cost(r.below),
                    over: cost(r.above),
                });
            }
        }
        CoverPrices { rows }
    }

    /// Add to `m` (a group's model) each slot's cover row restricted to the group's
    /// columns, with the people outside the group (`others`) as a constant: the same bounds
    /// and slack costs as in the compact model, except that a hard minimum becomes a large
    /// reward (the group alone may not be able to meet it).
    fn add_rows(&self, m: &mut ModelIr, others: &[u32]) {
        for (si, row) in self.rows.iter().enumerate() {
            let Some(CoverRow {
                lo,
                hi,
                under,
                over,
            }) = *row
            else {
                continue;
            };
            let s = SlotIdx(si as u32);
            let terms: Vec<_> = m.slot_vars(s).iter().map(|&(c, _)| (c, 1.0)).collect();
            if terms.is_empty() {
                continue;
            }
            let tag = RowTag {
                rule: Some(RuleId::C1),
                employee: None,
                day: Some(m.problem.slots[si].day),
                slot: Some(s),
            };
            let lin = Lin {
                terms,
                constant: f64::from(others[si]),
            };
            let under = Some(under.unwrap_or(HARD_COVER_REWARD));
            m.add_row(tag, lin, lo, hi, under, over);
        }
    }
}

/// Re-plan each employee of `employees` by their own MILP, the others fixed as in `roster`,
/// until `deadline`. Employees whose MILP finds no schedule keep theirs.
pub fn repair_per_employee(
    compact: &ModelIr,
    roster: &Roster,
    employees: &[EmployeeIdx],
    score: &dyn Fn(EmployeeIdx, SlotIdx) -> f64,
    cfg: &SolverConfig,
    deadline: Instant,
) -> Result<Roster, BackendError> {
    let groups: Vec<Vec<EmployeeIdx>> = employees.iter().map(|&e| vec![e]).collect();
    replan_groups(compact, roster, &groups, score, cfg, deadline)
}

/// Re-plan each group of employees together by their own MILP (their per-employee rows and
/// the cover rows restricted to them), everybody else fixed as in `roster`, until
/// `deadline`. A group whose MILP finds no schedule keeps its own.
pub fn replan_groups(
    compact: &ModelIr,
    roster: &Roster,
    groups: &[Vec<EmployeeIdx>],
    score: &dyn Fn(EmployeeIdx, SlotIdx) -> f64,
    cfg: &SolverConfig,
    deadline: Instant,
) -> Result<Roster, BackendError> {
    let budget = Budget {
        work: u64::MAX,
        deadline,
    };
    Ok(replan_within(compact, roster, groups, score, cfg, budget)?.0)
}

/// [`replan_groups`] within a work budget: groups are re-planned in order until the work
/// done (nonzeros of their models) reaches `budget.work` or the clock `budget.deadline`.
/// Returns the roster and the work done.
fn replan_within(
    compact: &ModelIr,
    roster: &Roster,
    groups: &[Vec<EmployeeIdx>],
    score: &dyn Fn(EmployeeIdx, SlotIdx) -> f64,
    cfg: &SolverConfig,
    budget: Budget,
) -> Result<(Roster, u64), BackendError> {
    let deadline = budget.deadline;
    let mut work = 0u64;
    let p: &Problem = compact.problem;
    let prices = CoverPrices::of(compact);
    let mut assignments: BTreeSet<Assignment> = roster.assignments.iter().copied().collect();
    let mut count = roster.count_per_slot(p.slots.len());
    for group in groups {
        let left = deadline
            .saturating_duration_since(Instant::now())
            .as_secs_f64();
        if left <= 0.0 || work >= budget.work {
            break;
        }
        let own: Vec<Assignment> = assignments
            .iter()
            .filter(|a| group.contains(&a.employee))
            .copied()
            .collect();
        for a in &own {
            count[a.slot.ix()] -= 1;
        }
        let mut m = ModelIr::for_employees(p, group.clone(), score, BuildMode::Normal);
        prices.add_rows(&mut m, &count);
        let size = m.nonzeros() + m.cols.len();
        work += size as u64 + GROUP_WORK;
        let sub_cfg = SolverConfig {
            time_limit_seconds: left.min(PER_GROUP_SECONDS),
            // HiGHS's presolve costs more than it saves on a small group model.
            presolve: cfg.presolve && size >= PRESOLVE_SIZE,
            ..cfg.clone()
        };
        // The current schedules as HiGHS's start: when they keep every rule, the answer is
        // never worse (with the others fixed, the group's objective is the exact change of
        // the compact objective).
        let start = m.values_of(&Roster::new(own.clone()));
        let run = highs_backend::solve(&m, &sub_cfg, start.as_deref(), false)?;
        let new_own = match &run.values {
            Some(values) => m.roster_of(values).assignments,
            None => own.clone(),
        };
        for a in &own {
            assignments.remove(a);
        }
        for a in new_own {
            count[a.slot.ix()] += 1;
            assignments.insert(a);
        }
    }
    Ok((Roster::new(assignments.into_iter().collect()), work))
}

/// Employees per group in the improvement rounds on `compact`: [`GROUP_SIZE`], or more (up
/// to [`MAX_GROUP_SIZE`]) when an employee's share of the model (over the `movable`
/// employees, those with a column) is below a third of [`GROUP_MODEL_SIZE`].
pub fn group_size(compact: &ModelIr, movable: usize) -> usize {
    let per_employee = (compact.nonzeros() + compact.cols.len()) / movable.max(1);
    (GROUP_MODEL_SIZE / per_employee.max(1)).clamp(GROUP_SIZE, MAX_GROUP_SIZE)
}

/// Rounds of [`replan_groups`] over every employee, a large-neighbourhood search by
/// employee: each round shuffles the employees (seeded by `cfg.seed` and the round, so the
/// same input gives the same rounds) into groups of [`group_size`] and re-plans each group
/// against the others. It stops after [`STALL_ROUNDS`] rounds in a row that lower the
/// compact objective by less than [`STALL_GAIN`] (relative), or when the work `budget` is
/// spent (the same input always stops at the same group), or at its safety deadline; the best
/// roster seen is returned. Employees without a column cannot change and are left out of the
/// groups.
pub fn improve_by_groups(
    compact: &ModelIr,
    roster: Roster,
    score: &dyn Fn(EmployeeIdx, SlotIdx) -> f64,
    cfg: &SolverConfig,
    budget: Budget,
) -> Result<Roster, BackendError> {
    use rand::seq::SliceRandom;
    use rand::SeedableRng;
    let value = |r: &Roster| {
        compact
            .values_of(r)
            .map_or(f64::INFINITY, |v| compact.objective_of(&v))
    };
    let mut has_column = vec![false; compact.problem.employees.len()];
    for c in &compact.cols {
        if let super::ir::ColKind::Assign(a) = c.kind {
            has_column[a.employee.ix()] = true;
        }
    }
    let mut everyone: Vec<EmployeeIdx> = (0..compact.problem.employees.len())
        .map(|i| EmployeeIdx(i as u32))
        .filter(|e| has_column[e.ix()])
        .collect();
    let size = group_size(compact, everyone.len());
    let mut best_value = value(&roster);
    let mut best = roster;
    let mut stalled = 0;
    let mut left = budget;
    for round in 0u64.. {
        if stalled >= STALL_ROUNDS || left.work == 0 || Instant::now() >= budget.deadline {
            break;
        }
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(cfg.seed.wrapping_add(round));
        everyone.shuffle(&mut rng);
        let groups: Vec<Vec<EmployeeIdx>> = everyone.chunks(size).map(<[_]>::to_vec).collect();
        let (next, work) = replan_within(compact, &best, &groups, score, cfg, left)?;
        left.work = left.work.saturating_sub(work);
        let v = value(&next);
        if v < best_value - 1e-9 {
            // A round that gains less than 0.1 % counts as a stall too: the rest is HiGHS's.
            let small = best_value - v < STALL_GAIN * best_value.abs().max(1.0);
            best_value = v;
            best = next;
            stalled = if small { stalled + 1 } else { 0 };
        } else {
            stalled += 1;
        }
    }
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check;
    use crate::scoring::FallbackScorer;
    use crate::testkit::rule_problem;
    use serde_json::json;

    /// An empty roster breaks a hard minimum of 3 shifts; the employee's own MILP gives them
    /// a schedule that keeps it, and the checker agrees.
    #[test]
    fn one_employee_milp_restores_hard_minimums() {
        let p = rule_problem(
            7,
            json!({"contract": {"minTotalHours": 24}}),
            json!([{"id": "C8"}, {"id": "C3", "params": {"minConsecutiveDays": 2}}]),
        );
        let empty = Roster::new(Vec::new());
        assert!(!check(&p, &empty, &FallbackScorer).feasible);
        let compact = ModelIr::compact(&p, &|_, _| 0.0, BuildMode::Normal);
        let deadline = Instant::now() + std::time::Duration::from_secs(30);
        let fixed = repair_per_employee(
            &compact,
            &empty,
            &[EmployeeIdx(0)],
            &|_, _| 0.0,
            &p.config,
            deadline,
        )
        .unwrap();
        let report = check(&p, &fixed, &FallbackScorer);
        assert!(report.feasible, "{:?}", report.hard_violations);
        assert!(fixed.assignments.len() >= 3);
    }

    /// Rounds by groups of employees improve the greedy roster of the demo and keep it
    /// feasible.
    #[test]
    fn rounds_by_groups_improve_the_greedy_roster() {
        let p = crate::input::load_request(include_str!("../../instances/demo.json")).unwrap();
        let scores = crate::scoring::PairScores::compute(&p, &FallbackScorer);
        let score = |e, s| scores.get(e, s);
        let greedy =
            crate::heuristics::construct(&p, &scores, crate::heuristics::Construction::Greedy);
        let compact = ModelIr::compact(&p, &score, BuildMode::Normal);
        let before = check(&p, &greedy, &FallbackScorer);
        assert!(before.feasible);
        let budget = Budget::for_seconds(6.0, Instant::now() + std::time::Duration::from_secs(600));
        let better =
            improve_by_groups(&compact, greedy.clone(), &score, &p.config, budget).unwrap();
        // A work budget, not a clock: the same input gives the same roster.
        let again = improve_by_groups(&compact, greedy.clone(), &score, &p.config, budget).unwrap();
        assert_eq!(better, again);
        let after = check(&p, &better, &FallbackScorer);
        assert!(after.feasible, "{:?}", after.hard_violations);
        assert!(
            after.objective < before.objective - 1.0,
            "{} → {}",
            before.objective,
            after.objective
        );
    }
}
