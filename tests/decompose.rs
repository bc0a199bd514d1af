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
    eprintln!("{d:?}");
    assert_eq!(d.root_status, RootStatus::Converged);
    assert!((d.bound - 1716.0).abs() < 0.05, "root bound {}", d.bound);
}

#[test]
fn curtois_instance5_root_bound() {
    let Some(mut p) = common::curtois("Instance5") else {
        return;
    };
    p.config.threads = 1;
    let d = decompose::solve(&p, &FallbackScorer, 600.0).unwrap();
    assert_eq!(d.root_status, RootStatus::Converged, "{d:?}");
    assert!((d.bound - 1140.6).abs() < 0.05, "root bound {}", d.bound);
    let objective = d.objective.expect("the integer master finds a roster");
    assert!(objective >= 1143.0, "below the proven optimum: {objective}");
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
