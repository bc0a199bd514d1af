//! Seeded GAP-like task requests for the unit tests of the task heuristics (tabu search,
//! knapsack Lagrangian, ejection chains), so the three test suites share one generator.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use super::domain::TaskProblem;
use super::task_request_from_value;

/// How the generated costs relate to the efforts.
#[derive(Clone, Copy, Debug)]
pub(crate) enum GapCosts {
    /// Costs uniform in 10..=50, independent of the effort.
    Random,
    /// Type-d-like: cheap pairs take long (`40 − effort ± 4`).
    TypeD,
}

/// A seeded GAP-like request: `m` agents, `n` jobs with efforts in 5..=25, capacities at
/// `tight` of the average load, every job assigned when `assign_all`.
pub(crate) fn gap(
    m: usize,
    n: usize,
    tight: f64,
    seed: u64,
    costs_of: GapCosts,
    assign_all: bool,
) -> TaskProblem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut tasks = Vec::new();
    let mut total = vec![0.0; m];
    for j in 0..n {
        let mut est = serde_json::Map::new();
        let mut costs = serde_json::Map::new();
        for (i, t) in total.iter_mut().enumerate() {
            let a: u32 = rng.random_range(5..=25);
            *t += f64::from(a);
            est.insert(format!("A{i}"), json!(a));
            let c = match costs_of {
                GapCosts::Random => rng.random_range(10..=50),
                GapCosts::TypeD => 40 - a as i64 + rng.random_range(-4..=4),
            };
            costs.insert(format!("A{i}"), json!(c));
        }
        tasks.push(json!({"taskId": format!("J{j}"), "employeeEstimates": est, "costs": costs}));
    }
    let employees: Vec<_> = (0..m)
        .map(|i| {
            json!({"employeeId": format!("A{i}"),
                   "capacityHours": (tight * total[i] / m as f64).floor()})
        })
        .collect();
    task_request_from_value(&json!({
        "schemaVersion": "0.96", "tasks": tasks, "employees": employees,
        "constraints": {"assignAll": assign_all},
        "solverConfig": {"affinityWeight": 0, "seed": 1, "threads": 1}
    }))
    .unwrap()
}

/// The MILP's proven optimum of `p` (the test fails unless the solve proves it): what the
/// heuristics' tests measure themselves against.
pub(crate) fn proven_optimum(p: &TaskProblem) -> f64 {
    let sol = super::solve_tasks(p, &Default::default()).unwrap();
    assert_eq!(sol.status, crate::solve::Status::Optimal);
    sol.objective.unwrap()
}

/// Assert that a heuristic's `objective` is not below the proven `optimum` (it would be a
/// broken assignment or objective) and at most `rel_gap` above it.
pub(crate) fn assert_near_optimum(objective: f64, optimum: f64, rel_gap: f64, what: &str) {
    assert!(
        objective >= optimum - 1e-6,
        "{what}: below a proven optimum"
    );
    assert!(
        objective <= optimum * (1.0 + rel_gap) + 1e-6,
        "{what} {objective} vs optimum {optimum}"
    );
}
