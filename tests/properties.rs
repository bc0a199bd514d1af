//! Properties on random small instances (seeded generator + random rule settings):
//! * every MILP roster passes the independent checker, with the same objective;
//! * same input + seed → same roster;
//! * the MILP objective is never worse than its warm start's;
//! * the heuristics respect every hard rule (cover is soft here);
//! * a proven optimum is never worse than a heuristic roster (both checked).

mod common;

use common::solve_checked;
use proptest::prelude::*;
use roster::domain::{Method, Problem, WarmStart};
use roster::generate::{generate, GenerateSpec};
use roster::scoring::FallbackScorer;
use roster::solve::Status;

fn instance(
    employees: usize,
    days: u32,
    shifts: usize,
    seed: u64,
    min_stretch: u32,
    max_stretch: u32,
    soft_c2: bool,
) -> Problem {
    let mut req = generate(&GenerateSpec {
        employees,
        days,
        shifts,
        skills: 2,
        density: 0.8,
        seed,
        ..GenerateSpec::default()
    });
    req["constraintList"] = serde_json::json!([
        {"id": "C1", "hard": false},
        {"id": "C2", "hard": !soft_c2, "weight": 3.0, "params": {"maxHoursPerWeek": 32}},
        {"id": "C3", "params": {"maxConsecutiveDays": max_stretch, "minConsecutiveDays": min_stretch.min(max_stretch)}},
        {"id": "C4", "params": {"minRestHours": 12}}
    ]);
    req["solverConfig"]["timeLimitSeconds"] = serde_json::json!(20);
    roster::input::request_from_value(&req).expect("generated request is valid")
}

fn arb_problem() -> impl Strategy<Value = Problem> {
    (
        2usize..6,
        3u32..9,
        1usize..3,
        0u64..10_000,
        1u32..3,
        2u32..5,
        any::<bool>(),
    )
        .prop_map(|(e, d, s, seed, min, max, soft)| instance(e, d, s, seed, min, max, soft))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn milp_roster_passes_checker_and_beats_warm_start(p in arb_problem()) {
        let sol = solve_checked(&p);
        prop_assert!(sol.status.has_roster(), "status {:?}", sol.status);
        let milp = sol.milp.as_ref().expect("milp stats");
        if let (Some(w), Some(obj)) = (milp.warm_start_objective, sol.objective) {
            prop_assert!(obj <= w + 1e-6, "milp {obj} worse than warm start {w}");
        }
    }

    #[test]
    fn same_input_and_seed_same_roster(p in arb_problem()) {
        let a = solve_checked(&p);
        let b = solve_checked(&p);
        prop_assert_eq!(a.roster, b.roster);
        prop_assert_eq!(a.objective, b.objective);
    }

    #[test]
    fn heuristics_respect_hard_rules_and_optimum_is_no_worse(p in arb_problem()) {
        let mut opt = p.clone();
        opt.config.warm_start = WarmStart::None;
        let best = solve_checked(&opt);
        for m in [Method::GreedyMl, Method::BalancedMl] {
            let mut q = p.clone();
            q.config.method = m;
            let h = solve_checked(&q);
            let report = roster::check::check(&q, &h.roster, &FallbackScorer);
            prop_assert!(report.feasible, "{m:?} breaks hard rules: {:#?}", report.hard_violations);
            prop_assert_eq!(h.status, Status::Feasible);
            if best.status == Status::Optimal {
                prop_assert!(best.objective.unwrap() <= report.objective + 1e-6,
                    "optimum {:?} worse than {m:?} {}", best.objective, report.objective);
            }
        }
    }
}
