//! Public benchmarks, read from `../shared/benchmarks` (or `$ROSTER_BENCHMARKS`), never copied
//! into the project. When the folder is absent every test here says so and passes: the
//! benchmark files belong to others and are not part of the crate.

mod common;

use std::path::PathBuf;

use common::{roster, solve_checked};
use roster::import::parse_curtois;
use roster::solve::Status;
use serde_json::Value;

/// The benchmark folder, or `None` after printing why the test is skipped.
fn benchmarks(set: &str) -> Option<PathBuf> {
    let root = std::env::var_os("ROSTER_BENCHMARKS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/benchmarks"));
    let dir = root.join(set);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: benchmark set not found at {} (set ROSTER_BENCHMARKS to its parent)",
            dir.display()
        );
        None
    }
}

fn best_known(dir: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(dir.join("best_known.json")).expect("best_known.json");
    serde_json::from_str(&text).expect("best_known.json is JSON")
}

/// Every Curtois instance imports into a request that validates, with the size the set's
/// table gives (days, employees, shift types) and one slot per cover line.
#[test]
fn every_curtois_instance_imports_faithfully() {
    let Some(dir) = benchmarks("curtois") else {
        return;
    };
    let known = best_known(&dir);
    for i in 1..=24 {
        let name = format!("Instance{i}");
        let text = std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap();
        let inst = parse_curtois(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let request = inst.to_request(&name);
        let p = roster::input::request_from_value(&request)
            .unwrap_or_else(|e| panic!("{name} does not validate: {e}"));
        let k = &known[&name];
        assert_eq!(
            u64::from(p.horizon.days),
            k["days"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(p.employees.len() as u64, k["employees"].as_u64().unwrap());
        assert_eq!(
            p.shift_types.len() as u64,
            k["shift_types"].as_u64().unwrap()
        );
        assert_eq!(
            p.slots.len(),
            inst.cover.len(),
            "{name}: one slot per cover line"
        );
        // Day 0 is a Monday.
        assert_eq!(
            chrono::Datelike::weekday(&p.horizon.start),
            chrono::Weekday::Mon
        );
        let requests: usize = p.employees.iter().map(|e| e.requests.len()).sum();
        assert_eq!(requests, inst.on_requests.len() + inst.off_requests.len());
    }
}

/// Curtois 1–3 solve to their published optima, proven, and the checker agrees.
#[test]
fn curtois_1_to_3_reach_the_published_optimum() {
    let Some(dir) = benchmarks("curtois") else {
        return;
    };
    let known = best_known(&dir);
    for i in 1..=3 {
        let name = format!("Instance{i}");
        let text = std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap();
        let request = parse_curtois(&text).unwrap().to_request(&name);
        let mut p = roster::input::request_from_value(&request).unwrap();
        p.config.time_limit_seconds = 300.0;
        let sol = solve_checked(&p);
        let best = known[&name]["best_known"].as_f64().unwrap();
        assert_eq!(sol.status, Status::Optimal, "{name}");
        let obj = sol.objective.unwrap();
        assert!(
            (obj - best).abs() < 1e-6,
            "{name}: objective {obj}, published optimum {best}"
        );
        // The penalty is the benchmark's: requests and cover only, no affinity term.
        let report = sol.check.as_ref().unwrap();
        assert_eq!(report.breakdown.affinity, 0.0);
    }
}

/// `roster import curtois` writes a request `roster validate` accepts, and `roster bench`
/// reports the instance with its published value.
#[test]
fn import_and_bench_from_the_command_line() {
    let Some(dir) = benchmarks("curtois") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let file = dir.join("Instance1.txt");
    let file = file.to_str().unwrap();
    roster(work.path(), &["import", "curtois", file, "-o", "i1.json"]).expect_code(0);
    roster(work.path(), &["validate", "i1.json"]).expect_code(0);
    let run = roster(work.path(), &["bench", file, "--format", "json"]);
    run.expect_code(0);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let row = &v["instances"][0];
    assert_eq!(row["instance"], "Instance1");
    assert_eq!(row["knownBest"], 607.0);
    assert_eq!(row["status"], "OPTIMAL");
    assert_eq!(row["objective"], 607.0);
    assert_eq!(row["checked"], true);
    assert!(
        run.stderr.contains("[1/1] Instance1: OPTIMAL"),
        "{}",
        run.stderr
    );
    assert_eq!(v["summary"]["atKnownBest"], 1);
}

/// `roster import gap` picks one problem of an OR-Library file (refusing to guess), the
/// request solves to the published maximisation optimum, and `roster bench` runs every
/// problem of the file plus a Chu & Beasley instance to their published minimum optima.
#[test]
fn gap_import_and_bench_from_the_command_line() {
    let Some(dir) = benchmarks("gap") else {
        return;
    };
    let known = best_known(&dir);
    let work = tempfile::tempdir().unwrap();
    let gap1 = dir.join("orlib/gap1.txt");
    let gap1 = gap1.to_str().unwrap();
    let run = roster(work.path(), &["import", "gap", gap1, "-o", "g.json"]);
    run.expect_code(2);
    assert!(run.stderr.contains("--problem 1..5"), "{}", run.stderr);
    assert!(!work.path().join("g.json").exists());
    roster(work.path(), &["import", "gap", gap1, "--problem", "9"]).expect_code(2);

    let args = ["import", "gap", gap1, "--problem", "3", "--sense", "max"];
    roster(work.path(), &[&args[..], &["-o", "g.json"]].concat()).expect_code(0);
    let request: Value =
        serde_json::from_str(&std::fs::read_to_string(work.path().join("g.json")).unwrap())
            .unwrap();
    assert_eq!(request["requestId"], "gap1-2");
    let run = roster(work.path(), &["solve", "g.json"]);
    run.expect_code(0);
    let sol: Value = serde_json::from_str(&run.stdout).unwrap();
    let max_optimum = known["gap1-2"]["max_optimum"].as_f64().unwrap();
    assert_eq!(sol["status"], "OPTIMAL", "{sol}");
    assert_eq!(sol["solverRun"]["objective"].as_f64(), Some(-max_optimum));

    let chu = dir.join("split/chu1997/a05100");
    let run = roster(
        work.path(),
        &["bench", gap1, chu.to_str().unwrap(), "--format", "json"],
    );
    run.expect_code(0);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let rows = v["instances"].as_array().unwrap();
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["instance"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["gap1-0", "gap1-1", "gap1-2", "gap1-3", "gap1-4", "a05100"]
    );
    for r in rows {
        let name = r["instance"].as_str().unwrap();
        assert_eq!(r["format"], "gap");
        assert_eq!(r["status"], "OPTIMAL", "{r}");
        assert_eq!(r["checked"], true, "{r}");
        assert_eq!(
            r["knownBest"].as_f64(),
            known[name]["best_known"].as_f64(),
            "{r}"
        );
        assert_eq!(r["objective"].as_f64(), r["knownBest"].as_f64(), "{r}");
    }
    assert_eq!(v["summary"]["atKnownBest"], 6);
}
