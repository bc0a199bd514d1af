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

use rand::seq::index::sample;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::branch::{column_generation_under, fix_schedule, Decision};
use super::master::{Column, MasterLp};
use super::pricing::Effort;
use super::{DecomposeError, Decomposition, Engine, Incumbent, NodeEnd};
use crate::domain::{EmployeeIdx, SlotIdx};
use crate::scoring::Scorer;

/// Employees freed per neighbourhood.
const FREED: usize = 6;
/// Neighbourhoods without improvement, per pass over the employees, before the search stops.
const STALL_ROUNDS: usize = 2;
/// Seconds one neighbourhood may take at most (column generation and integer master).
const NEIGHBOURHOOD_SECONDS: f64 = 3.0;

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
    let mut stalled = 0;
    while engine.elapsed() < deadline && stalled < stall_limit {
        if incumbent.proven_by(out.bound, out.integral_costs) {
            return Ok(());
        }
        let Some((roster, _)) = &incumbent.best else {
            return Ok(());
        };
        let mut schedules: Vec<Vec<SlotIdx>> = vec![Vec::new(); n];
        for a in &roster.assignments {
            schedules[a.employee.ix()].push(a.slot);
        }
        for slots in &mut schedules {
            slots.sort_unstable();
        }
        let mut free = vec![false; n];
        for i in sample(&mut rng, n, freed) {
            free[i] = true;
        }
        let decisions: Vec<Decision> = (0..n)
            .filter(|&i| !free[i])
            .flat_map(|i| fix_schedule(engine, EmployeeIdx(i as u32), &schedules[i]))
            .collect();
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
            if incumbent.offer(p, scorer, super::roster_of(&columns)) {
                out.neighbourhood_improvements += 1;
                stalled = 0;
            }
        }
    }
    Ok(())
}
