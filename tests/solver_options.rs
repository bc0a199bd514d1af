//! HiGHS options that change how the MILP is solved, never what it means: every setting must
//! reach the same proven optimum, re-verified by the checker.

mod common;

use common::{load, roster, solve_checked};
use roster::domain::RootLp;
use roster::solve::Status;

#[test]
fn every_root_lp_choice_reaches_the_same_optimum() {
    let mut objectives = Vec::new();
    for root in [RootLp::Auto, RootLp::Simplex, RootLp::Ipm] {
        let mut p = load("instances/demo.json");
        p.config.root_lp = root;
        let sol = solve_checked(&p);
        assert_eq!(sol.status, Status::Optimal, "{}", root.as_str());
        objectives.push(sol.objective.unwrap());
    }
    for o in &objectives {
        assert!((o - objectives[0]).abs() < 1e-6, "{objectives:?}");
    }
}

#[test]
fn auto_root_lp_switches_at_the_documented_size() {
    assert!(!RootLp::Auto.uses_ipm(RootLp::IPM_COLUMNS - 1));
    assert!(RootLp::Auto.uses_ipm(RootLp::IPM_COLUMNS));
    assert!(RootLp::Ipm.uses_ipm(1));
    assert!(!RootLp::Simplex.uses_ipm(usize::MAX));
}

#[test]
fn root_lp_is_validated_by_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(format!(
        "{}/instances/demo.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut req: serde_json::Value = serde_json::from_str(&text).unwrap();
    req["solverConfig"]["rootLp"] = "barrier".into();
    std::fs::write(dir.path().join("bad.json"), req.to_string()).unwrap();
    let run = roster(dir.path(), &["validate", "bad.json"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("/solverConfig/rootLp"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_refused_extra_highs_option_is_an_error_not_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let demo = format!("{}/instances/demo.json", env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_roster"))
        .args(["solve", &demo, "-o", "out.json"])
        .current_dir(dir.path())
        .env("ROSTER_HIGHS_OPTIONS", "no_such_option=1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no_such_option"), "{stderr}");
    assert!(!dir.path().join("out.json").exists());
}
