//! The decomposition by employee (column generation, integer master): its bound is a property
//! of the formulation, checked on the public Curtois instances where the design quotes it, and
//! on small generated instances against the compact MILP.

mod common;

use roster::decompose::{self, RootStatus};
use roster::scoring::FallbackScorer;

#[test]
fn curtois_instance4_root_bound_is_the_optimum() {
    let Some(mut p) = common::curtois("Instance4") else {
        return;
    };
    p.config.threads = 1;
    let d = decompose::solve(&p, &FallbackScorer, 120.0).unwrap();
    assert_eq!(d.root_status, RootStatus::Converged);
    assert!(
        (d.root_bound - 1716.0).abs() < 0.05,
        "root bound {}",
        d.root_bound
    );
    // Every pricing problem of the Curtois rule set is labeling's.
    assert_eq!(d.milp_pricings, 0);
    assert!(d.labeling_pricings > 0);
    // Branch-and-price (or the root's integer master) proves the known optimum.
    assert!(d.proven_optimal(), "{:?}", (d.bound, d.objective, d.nodes));
    assert_eq!(d.objective, Some(1716.0));
    let report = roster::check::check(&p, d.roster.as_ref().unwrap(), &FallbackScorer);
    assert!(report.feasible && report.objective == 1716.0);
}

#[test]
fn curtois_instance5_root_bound() {
    let Some(mut p) = common::curtois("Instance5") else {
        return;
    };
    p.config.threads = 1;
    let d = decompose::solve(&p, &FallbackScorer, 20.0).unwrap();
    assert_eq!(d.root_status, RootStatus::Converged, "{d:?}");
    assert!(
        (d.root_bound - 1140.6).abs() < 0.05,
        "root bound {}",
        d.root_bound
    );
    // Branch-and-price may raise the bound, never past the proven optimum.
    assert!(
        d.bound >= d.root_bound && d.bound <= 1143.0 + 1e-6,
        "bound {}",
        d.bound
    );
    let objective = d.objective.expect("the integer master finds a roster");
    assert!(objective >= 1143.0, "below the proven optimum: {objective}");
    let report = roster::check::check(&p, d.roster.as_ref().unwrap(), &FallbackScorer);
    assert!(report.feasible && (report.objective - objective).abs() < 1e-6);
}

/// The output of a decomposition solve (timings redacted), through the whole engine: the
/// strategy, rounds, columns, bound and roster are deterministic for a seed.
#[test]
fn decomposition_output_snapshot() {
    let mut p = properties::instance(3, 7, 42, 2, true);
    p.config.strategy = roster::domain::Strategy::Decomposition;
    let sol = common::solve_checked(&p);
    assert_eq!(sol.strategy, Some(roster::domain::Strategy::Decomposition));
    assert!(sol.decomposition.is_some());
    insta::assert_json_snapshot!("decomposition_small", common::normalised_json(&p, &sol));
}

mod properties {
    use super::common::solve_checked;
    use proptest::prelude::*;
    use roster::decompose::{self, RootStatus};
    use roster::domain::{Problem, Strategy};
    use roster::generate::{generate, GenerateSpec};
    use roster::model::{highs_backend, BuildMode, ModelIr};
    use roster::scoring::{FallbackScorer, PairScores};
    use roster::solve::Status;

    /// A small generated roster with sequence and total-time rules, some locked history.
    pub fn instance(e: usize, days: u32, seed: u64, min_stretch: u32, soft_c1: bool) -> Problem {
        let mut req = generate(&GenerateSpec {
            employees: e,
            days,
            shifts: 2,
            skills: 2,
            density: 0.7,
            seed,
            ..GenerateSpec::default()
        });
        req["constraintList"] = serde_json::json!([
            {"id": "C1", "hard": !soft_c1},
            {"id": "C2", "params": {"maxHoursPerWeek": 40}},
            {"id": "C3", "params": {"maxConsecutiveDays": 4, "minConsecutiveDays": min_stretch}},
            {"id": "C4", "params": {"minRestHours": 12}},
            {"id": "C10", "hard": false, "weight": 2.0, "params": {"minConsecutiveDaysOff": 2}}
        ]);
        let first = req["employees"][0]["employeeId"].clone();
        req["lockedContext"] = serde_json::json!({
            "employeeAssignments": [{"employeeId": first, "consecutiveWorkingDays": 3}]
        });
        req["solverConfig"]["timeLimitSeconds"] = serde_json::json!(30);
        req["solverConfig"]["threads"] = serde_json::json!(1);
        roster::input::request_from_value(&req).expect("generated request is valid")
    }

    /// The compact model's LP relaxation value.
    fn compact_lp_bound(p: &Problem) -> Option<f64> {
        let scores = PairScores::compute(p, &FallbackScorer);
        let score = |e, s| scores.get(e, s);
        let ir = ModelIr::compact(p, &score, BuildMode::Normal);
        let mut lp = ir.to_linear_program();
        lp.cols.iter_mut().for_each(|c| c.integer = false);
        let run = highs_backend::solve_lp(&lp, &p.config, None, false).ok()?;
        run.objective
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

        /// compact LP ≤ decomposition bound ≤ compact optimum ≤ integer master roster, every
        /// roster passes the checker, and the same input gives the same roster.
        #[test]
        fn bound_lies_between_the_compact_lp_and_the_optimum(
            e in 2usize..5, days in 5u32..9, seed in 0u64..5_000, min in 1u32..3, soft in any::<bool>()
        ) {
            let mut p = instance(e, days, seed, min, soft);
            p.config.strategy = Strategy::Compact;
            let compact = solve_checked(&p);
            let d = decompose::solve(&p, &FallbackScorer, 30.0).unwrap();
            let tol = |x: f64| 1e-6 * x.abs().max(1.0);
            match compact.status {
                Status::Optimal => {
                    let opt = compact.objective.unwrap();
                    prop_assert_eq!(d.root_status, RootStatus::Converged);
                    prop_assert!(d.bound <= opt + tol(opt), "bound {} above optimum {}", d.bound, opt);
                    let lp = compact_lp_bound(&p).unwrap();
                    prop_assert!(d.bound >= lp - tol(lp), "bound {} below compact LP {}", d.bound, lp);
                    if let (Some(r), Some(o)) = (&d.roster, d.objective) {
                        let report = roster::check::check(&p, r, &FallbackScorer);
                        prop_assert!(report.feasible);
                        prop_assert!((report.objective - o).abs() <= tol(o));
                        prop_assert!(o >= opt - tol(opt), "integer master {} below optimum {}", o, opt);
                    }
                    let again = decompose::solve(&p, &FallbackScorer, 30.0).unwrap();
                    prop_assert_eq!(&again.roster, &d.roster);
                    p.config.strategy = Strategy::Decomposition;
                    let via_solve = solve_checked(&p);
                    prop_assert!(via_solve.status.has_roster() || via_solve.status == Status::TimeLimitNoSolution);
                }
                Status::Infeasible => {
                    prop_assert!(d.roster.is_none(), "a roster for a proven infeasible problem");
                }
                _ => {}
            }
        }
    }
}

mod branch_and_price {
    use super::common::solve_checked_with;
    use proptest::prelude::*;
    use roster::decompose::{self, RootStatus};
    use roster::domain::{Problem, Strategy};
    use roster::generate::{generate, GenerateSpec};
    use roster::scoring::lightgbm::LightGbmScorer;
    use roster::solve::Status;

    /// A small generated roster whose every rule the labeling pricer covers (C10 hard), with a
    /// locked streak.
    fn covered(e: usize, days: u32, seed: u64, soft_c1: bool) -> Problem {
        let mut req = generate(&GenerateSpec {
            employees: e,
            days,
            shifts: 2,
            skills: 2,
            density: 0.85,
            seed,
            ..GenerateSpec::default()
        });
        req["constraintList"] = serde_json::json!([
            {"id": "C1", "hard": !soft_c1},
            {"id": "C2", "params": {"maxHoursPerWeek": 40}},
            {"id": "C3", "params": {"maxConsecutiveDays": 4, "minConsecutiveDays": 2}},
            {"id": "C4", "params": {"minRestHours": 12}},
            {"id": "C10", "params": {"minConsecutiveDaysOff": 2}},
            {"id": "C11", "params": {"maxWeekends": 1}}
        ]);
        let first = req["employees"][0]["employeeId"].clone();
        req["lockedContext"] = serde_json::json!({
            "employeeAssignments": [{"employeeId": first, "consecutiveWorkingDays": 2}]
        });
        req["solverConfig"]["timeLimitSeconds"] = serde_json::json!(30);
        req["solverConfig"]["threads"] = serde_json::json!(1);
        roster::input::request_from_value(&req).expect("generated request is valid")
    }

    fn shipped_scorer() -> LightGbmScorer {
        let model = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/affinity-v1.txt");
        LightGbmScorer::load(&model).expect("the shipped model loads")
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

        /// With the shipped LightGBM model's affinity in both objectives: branch-and-price
        /// completes, proves its roster optimal, and that optimum is the compact MILP's; the
        /// checker accepts the roster; the same input gives the same roster.
        #[test]
        fn branch_and_price_reaches_the_compact_optimum(
            e in 3usize..6, days in 7u32..11, seed in 0u64..5_000, soft in any::<bool>()
        ) {
            let scorer = shipped_scorer();
            let mut p = covered(e, days, seed, soft);
            p.config.strategy = Strategy::Compact;
            let compact = solve_checked_with(&p, &scorer);
            let d = decompose::solve(&p, &scorer, 30.0).unwrap();
            match compact.status {
                Status::Optimal => {
                    let opt = compact.objective.unwrap();
                    prop_assert_eq!(d.root_status, RootStatus::Converged);
                    prop_assert!(d.milp_pricings == 0, "labeling covers every rule here");
                    prop_assert_eq!(d.open_nodes, 0, "the search did not complete");
                    prop_assert!(d.proven_optimal(), "{:?}", (d.bound, d.objective));
                    let o = d.objective.unwrap();
                    prop_assert!((o - opt).abs() <= 1e-6 * opt.abs().max(1.0), "branch-and-price {} vs compact {}", o, opt);
                    let report = roster::check::check(&p, d.roster.as_ref().unwrap(), &scorer);
                    prop_assert!(report.feasible);
                    let again = decompose::solve(&p, &scorer, 30.0).unwrap();
                    prop_assert_eq!(&again.roster, &d.roster);
                }
                Status::Infeasible => prop_assert!(d.roster.is_none()),
                _ => {}
            }
        }
    }
}

/// Regression (proptest case e=3, days=7, seed=81, min=1, hard cover): column generation
/// must converge on a tiny instance with hard cover rows.
#[test]
fn tiny_hard_cover_instance_converges() {
    let p = properties::instance(3, 7, 81, 1, false);
    let d = decompose::solve(&p, &FallbackScorer, 30.0).unwrap();
    assert_eq!(
        d.root_status,
        RootStatus::Converged,
        "{:?}",
        (d.rounds, d.columns, d.master_objective, d.bound)
    );
}
