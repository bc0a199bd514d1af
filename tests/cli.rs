//! Integration tests of the real `roster` binary: solve, check, validate, constraints and
//! generate, their exit codes and their JSON output.
//!
//! Every test runs the binary in its own fresh temporary directory.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

mod common;

use common::roster;
use serde_json::{json, Value};
use tempfile::TempDir;

const DEMO: &str = "instances/demo.json";

/// A fresh temporary directory holding a copy of `instances/demo.json`.
fn workdir() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("instances")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(DEMO),
        dir.path().join(DEMO),
    )
    .expect("copy the demo request");
    dir
}

fn read_json(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn write_json(path: &Path, v: &Value) {
    std::fs::write(path, serde_json::to_string_pretty(v).unwrap()).unwrap();
}

fn demo_request() -> Value {
    read_json(&Path::new(env!("CARGO_MANIFEST_DIR")).join(DEMO))
}

/// A small valid request: 3 days, a day and a night shift, three employees (E1 on leave on
/// the 2nd).
fn small_request() -> Value {
    json!({
        "schemaVersion": "0.96",
        "planningReference": "SMALL",
        "planningHorizon": {"startDate": "2025-12-01", "endDate": "2025-12-03"},
        "shiftTypes": [
            {"code": "D", "startTime": "07:00", "endTime": "15:00"},
            {"code": "N", "startTime": "23:00", "endTime": "07:00"}
        ],
        "demandItems": [
            {"demandId": "DAY", "shiftCode": "D", "headcount": 1},
            {"demandId": "NIGHT", "shiftCode": "N", "headcount": 1}
        ],
        "employees": [
            {"employeeId": "E1", "leave": [{"from": "2025-12-02", "to": "2025-12-02"}]},
            {"employeeId": "E2"},
            {"employeeId": "E3"}
        ],
        "solverConfig": {"threads": 1, "seed": 7, "timeLimitSeconds": 20}
    })
}

fn f64_at(v: &Value, pointer: &str) -> f64 {
    v.pointer(pointer)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("{pointer} is not a number in {v:#}"))
}

#[track_caller]
fn assert_close(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() <= 1e-6, "{what}: {a} vs {b}");
}

/// `solverRun.objective` equals the parts of `objectiveBreakdown` summed.
#[track_caller]
fn assert_objective_matches_breakdown(sol: &Value) {
    let objective = f64_at(sol, "/solverRun/objective");
    let b = &sol["objectiveBreakdown"];
    let soft: f64 = b["softRules"]
        .as_object()
        .expect("softRules is an object")
        .values()
        .map(|v| v.as_f64().expect("soft penalty is a number"))
        .sum();
    let sum = f64_at(b, "/underCover") + f64_at(b, "/overCover") + soft + f64_at(b, "/affinity");
    assert_close(
        objective,
        sum,
        "solverRun.objective vs objectiveBreakdown summed",
    );
}

/// Every assignment names a slot and an employee of the request (slot ids are
/// `{demandId}/{date}` with the date inside the horizon), consistently with its other fields.
#[track_caller]
fn assert_assignments_exist(request: &Value, sol: &Value) {
    let employees: BTreeSet<&str> = request["employees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["employeeId"].as_str().unwrap())
        .collect();
    let start = request["planningHorizon"]["startDate"].as_str().unwrap();
    let end = request["planningHorizon"]["endDate"].as_str().unwrap();
    let assignments = sol["assignments"].as_array().expect("assignments array");
    for a in assignments {
        let emp = a["employeeId"].as_str().expect("employeeId");
        assert!(employees.contains(emp), "unknown employee in {a}");
        let slot = a["slotId"].as_str().expect("slotId");
        let (demand_id, date) = slot.rsplit_once('/').expect("slot id is demandId/date");
        let demand = request["demandItems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["demandId"] == demand_id)
            .unwrap_or_else(|| panic!("slot {slot}: no demand item {demand_id}"));
        // ISO dates compare as strings.
        assert!(
            start <= date && date <= end,
            "slot {slot}: date outside the horizon"
        );
        assert_eq!(a["date"], date, "{a}");
        assert_eq!(a["demandId"], demand_id, "{a}");
        assert_eq!(a["shiftCode"], demand["shiftCode"], "{a}");
    }
}

// ---------------------------------------------------------------------------------------
// solve

#[test]
fn solve_demo_is_optimal_and_consistent() {
    let dir = workdir();
    let run = roster(dir.path(), &["solve", DEMO]);
    run.expect_code(0);
    let sol = run.json();
    assert_eq!(sol["status"], "OPTIMAL");
    assert_eq!(sol["method"], "milp");
    assert_objective_matches_breakdown(&sol);
    let request = demo_request();
    assert_assignments_exist(&request, &sol);
    assert!(
        !sol["assignments"].as_array().unwrap().is_empty(),
        "the demo roster places people"
    );
    assert_eq!(
        sol["hardViolations"].as_array().map(Vec::len),
        Some(0),
        "an optimal roster has no hard violation"
    );
    // Human summary on stderr.
    assert!(run.stderr.contains("status"), "stderr:\n{}", run.stderr);
    assert!(run.stderr.contains("objective"), "stderr:\n{}", run.stderr);
}

#[test]
fn solve_with_output_file_writes_it_and_keeps_stdout_clean() {
    let dir = workdir();
    let run = roster(dir.path(), &["solve", DEMO, "-o", "out.json"]);
    run.expect_code(0);
    assert!(
        run.stdout.trim().is_empty(),
        "stdout should hold no JSON with -o:\n{}",
        run.stdout
    );
    assert!(run.stderr.contains("status"), "stderr:\n{}", run.stderr);
    let sol = read_json(&dir.path().join("out.json"));
    assert_eq!(sol["status"], "OPTIMAL");
    assert_objective_matches_breakdown(&sol);
    assert_assignments_exist(&demo_request(), &sol);
    // Nothing else (no leftover temp file) next to it.
    let names: BTreeSet<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        BTreeSet::from(["instances".to_string(), "out.json".to_string()])
    );
}

#[test]
fn solve_with_output_file_replaces_an_existing_one() {
    let dir = workdir();
    std::fs::write(dir.path().join("out.json"), "old content").unwrap();
    roster(
        dir.path(),
        &["solve", DEMO, "-o", "out.json", "--method", "greedy_ml"],
    )
    .expect_code(0);
    let sol = read_json(&dir.path().join("out.json"));
    assert_eq!(sol["method"], "greedy_ml");
}

fn check_heuristic(method: &str) {
    let dir = workdir();
    let run = roster(dir.path(), &["solve", DEMO, "--method", method]);
    let sol = run.json();
    assert_eq!(sol["method"], method);
    match sol["status"].as_str() {
        Some("FEASIBLE") => {
            run.expect_code(0);
            assert_objective_matches_breakdown(&sol);
            assert_assignments_exist(&demo_request(), &sol);
        }
        Some("NO_SOLUTION") => {
            run.expect_code(4);
        }
        other => panic!("{method}: unexpected status {other:?}\n{}", run.stderr),
    }
    assert!(run.stderr.contains(method), "stderr:\n{}", run.stderr);
}

#[test]
fn solve_greedy_ml() {
    check_heuristic("greedy_ml");
}

#[test]
fn solve_balanced_ml() {
    check_heuristic("balanced_ml");
}

#[test]
fn solve_heuristic_without_a_feasible_roster_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    let mut req = small_request();
    req["demandItems"][0]["headcount"] = json!(5);
    req["constraintList"] = json!([{"id": "C1", "hard": true}]);
    write_json(&dir.path().join("req.json"), &req);
    for method in ["greedy_ml", "balanced_ml"] {
        let run = roster(dir.path(), &["solve", "req.json", "--method", method]);
        run.expect_code(4);
        let sol = run.json();
        assert_eq!(sol["status"], "NO_SOLUTION");
        assert_eq!(sol["method"], method);
        assert!(
            sol["hardViolations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v["rule"] == "C1"),
            "{method}: the missing cover is reported: {:#}",
            sol["hardViolations"]
        );
    }
}

#[test]
fn solve_accepts_time_limit() {
    let dir = workdir();
    let run = roster(dir.path(), &["solve", DEMO, "--time-limit", "20"]);
    run.expect_code(0);
    let sol = run.json();
    assert!(
        matches!(sol["status"].as_str(), Some("OPTIMAL" | "FEASIBLE")),
        "status {}",
        sol["status"]
    );
    assert_objective_matches_breakdown(&sol);
}

#[test]
fn solve_with_a_tiny_time_limit_still_answers() {
    // With the greedy warm start, a roster exists even when HiGHS stops at once; without it,
    // the run may end without one (exit 4). Either way: a well-formed answer.
    let dir = workdir();
    for warm in ["greedy_ml", "none"] {
        let run = roster(
            dir.path(),
            &["solve", DEMO, "--time-limit", "0.001", "--warm-start", warm],
        );
        let sol = run.json();
        match sol["status"].as_str() {
            Some("OPTIMAL" | "FEASIBLE") => {
                run.expect_code(0);
                assert_objective_matches_breakdown(&sol);
            }
            Some("TIME_LIMIT_NO_SOLUTION") => {
                run.expect_code(4);
                assert!(sol["solverRun"]["objective"].is_null());
            }
            other => panic!("warm start {warm}: unexpected status {other:?}"),
        }
    }
}

#[test]
fn solve_reads_stdin() {
    let dir = workdir();
    let text = std::fs::read(dir.path().join(DEMO)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_roster"))
        .args(["solve", "-", "--method", "greedy_ml"])
        .current_dir(dir.path())
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(&text).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let sol: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sol["status"], "FEASIBLE");
}

#[test]
fn solve_rejects_unknown_method_as_usage_error() {
    let dir = workdir();
    let run = roster(
        dir.path(),
        &[
            "solve",
            DEMO,
            "--method",
            "simulated_annealing",
            "-o",
            "out.json",
        ],
    );
    run.expect_code(2);
    assert!(run.stdout.is_empty());
    assert!(!dir.path().join("out.json").exists());
}

#[test]
fn invalid_option_values_exit_2() {
    let dir = workdir();
    for args in [
        &["solve", DEMO, "--time-limit", "0", "-o", "out.json"][..],
        &["solve", DEMO, "--time-limit", "NaN", "-o", "out.json"][..],
        &["solve", DEMO, "--threads", "0", "-o", "out.json"][..],
        &["generate", "--days", "0", "-o", "out.json"][..],
        &["generate", "--density", "0", "-o", "out.json"][..],
    ] {
        let run = roster(dir.path(), args);
        assert!(!dir.path().join("out.json").exists(), "{args:?}");
        assert!(run.stderr.contains("error"), "{args:?}: {}", run.stderr);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
}

#[test]

fn failed_output_write_leaves_no_temp_file() {
    let dir = workdir();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let run = roster(
        dir.path(),
        &["solve", DEMO, "-o", "out", "--method", "greedy_ml"],
    );
    assert_ne!(run.code, 0, "writing onto a directory cannot succeed");
    assert!(run.stderr.contains("out"), "stderr:\n{}", run.stderr);
    let names: BTreeSet<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        BTreeSet::from(["instances".to_string(), "out".to_string()]),
        "leftover files"
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("out")).unwrap().count(),
        0
    );
}

// ---------------------------------------------------------------------------------------
// check

/// Solve the demo into `dir/name` and return the solution.
fn solve_demo_into(dir: &Path, name: &str, method: &str) -> Value {
    roster(dir, &["solve", DEMO, "--method", method, "-o", name]).expect_code(0);
    read_json(&dir.join(name))
}

#[test]
fn check_accepts_the_solvers_roster_and_agrees_on_the_objective() {
    let dir = workdir();
    for method in ["milp", "greedy_ml"] {
        let name = format!("{method}.json");
        let sol = solve_demo_into(dir.path(), &name, method);
        let run = roster(dir.path(), &["check", DEMO, &name]);
        run.expect_code(0);
        let report = run.json();
        assert_eq!(report["feasible"], true, "{method}");
        assert_eq!(report["hardViolations"].as_array().map(Vec::len), Some(0));
        assert_close(
            f64_at(&report, "/objective"),
            f64_at(&sol, "/solverRun/objective"),
            &format!("{method}: check objective vs solverRun.objective"),
        );
        assert!(
            run.stderr.contains("matches"),
            "{method}: stderr:\n{}",
            run.stderr
        );
    }
}

fn hard_violations(report: &Value) -> &Vec<Value> {
    report["hardViolations"]
        .as_array()
        .expect("hardViolations array")
}

#[test]
fn check_flags_two_shifts_on_one_day() {
    let dir = workdir();
    let mut sol = solve_demo_into(dir.path(), "sol.json", "milp");
    let assignments = sol["assignments"].as_array().unwrap().clone();
    // Someone placed on the first day; give them a second slot of another shift that day.
    let first = &assignments[0];
    let (emp, date, shift) = (
        first["employeeId"].as_str().unwrap(),
        first["date"].as_str().unwrap(),
        first["shiftCode"].as_str().unwrap(),
    );
    let other = assignments
        .iter()
        .find(|a| a["date"] == date && a["shiftCode"] != shift)
        .expect("the demo staffs two shifts a day");
    let mut extra = other.clone();
    extra["employeeId"] = json!(emp);
    sol["assignments"].as_array_mut().unwrap().push(extra);
    write_json(&dir.path().join("tampered.json"), &sol);

    let run = roster(dir.path(), &["check", DEMO, "tampered.json"]);
    run.expect_code(5);
    let report = run.json();
    assert_eq!(report["feasible"], false);
    let c5: Vec<&Value> = hard_violations(&report)
        .iter()
        .filter(|v| v["rule"] == "C5")
        .collect();
    assert!(
        !c5.is_empty(),
        "no C5 violation in {:#}",
        report["hardViolations"]
    );
    assert!(c5.iter().all(|v| v["hard"] == true));
    assert!(
        c5.iter()
            .any(|v| v["message"].as_str().unwrap().contains(emp)
                && v["dates"].as_array().unwrap().contains(&json!(date))),
        "the C5 violation names {emp} on {date}: {c5:#?}"
    );
    assert!(run.stderr.contains("C5"), "stderr:\n{}", run.stderr);
}

#[test]
fn check_flags_one_person_counted_twice_on_a_shift() {
    // Same employee on two slots of the same shift and day: a structural violation.
    let dir = workdir();
    let mut sol = solve_demo_into(dir.path(), "sol.json", "greedy_ml");
    sol["assignments"] = json!([
        {"slotId": "T1-D-screen/2025-12-01", "employeeId": "ALPHA_005"},
        {"slotId": "T1-D-lead/2025-12-01", "employeeId": "ALPHA_005"}
    ]);
    write_json(&dir.path().join("tampered.json"), &sol);
    let run = roster(dir.path(), &["check", DEMO, "tampered.json"]);
    run.expect_code(5);
    let report = run.json();
    assert_eq!(report["feasible"], false);
    assert!(
        hard_violations(&report)
            .iter()
            .any(|v| v["rule"] == "C5" && v["message"].as_str().unwrap().contains("ALPHA_005")),
        "{:#}",
        report["hardViolations"]
    );
}

#[test]
fn check_flags_work_on_leave() {
    let dir = workdir();
    let mut sol = solve_demo_into(dir.path(), "sol.json", "milp");
    // ALPHA_003 (SAPO, ChangiT1, APO) is on leave 2025-12-08 .. 2025-12-10 and otherwise
    // eligible for the lead slot.
    sol["assignments"]
        .as_array_mut()
        .unwrap()
        .push(json!({"slotId": "T1-D-lead/2025-12-08", "employeeId": "ALPHA_003"}));
    write_json(&dir.path().join("tampered.json"), &sol);
    let run = roster(dir.path(), &["check", DEMO, "tampered.json"]);
    run.expect_code(5);
    let report = run.json();
    assert_eq!(report["feasible"], false);
    let c7: Vec<&Value> = hard_violations(&report)
        .iter()
        .filter(|v| v["rule"] == "C7")
        .collect();
    assert_eq!(c7.len(), 1, "{:#}", report["hardViolations"]);
    assert_eq!(c7[0]["employeeId"], "ALPHA_003");
    assert_eq!(c7[0]["dates"], json!(["2025-12-08"]));
    let msg = c7[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("ALPHA_003") && msg.contains("2025-12-08"),
        "{msg}"
    );
    assert!(run.stderr.contains("C7"), "stderr:\n{}", run.stderr);
    // The file's objective no longer matches the recomputed one.
    assert!(run.stderr.contains("DIFFERS"), "stderr:\n{}", run.stderr);
}

#[test]
fn check_rejects_unknown_slot_and_employee() {
    let dir = workdir();
    let mut sol = solve_demo_into(dir.path(), "sol.json", "greedy_ml");
    sol["assignments"][0]["slotId"] = json!("NO-SUCH-DEMAND/2025-12-01");
    sol["assignments"][1]["employeeId"] = json!("NOBODY");
    write_json(&dir.path().join("tampered.json"), &sol);
    let run = roster(dir.path(), &["check", DEMO, "tampered.json"]);
    run.expect_code(2);
    assert!(run.stdout.trim().is_empty(), "stdout:\n{}", run.stdout);
    assert!(
        run.stderr.contains("/assignments/0/slotId: [unknown-slot]"),
        "stderr:\n{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("/assignments/1/employeeId: [unknown-employee]"),
        "stderr:\n{}",
        run.stderr
    );
    assert!(run.stderr.contains("NO-SUCH-DEMAND/2025-12-01"));
}

#[test]
fn check_counts_a_repeated_assignment_once() {
    let dir = workdir();
    let mut sol = solve_demo_into(dir.path(), "sol.json", "greedy_ml");
    let first = sol["assignments"][0].clone();
    sol["assignments"].as_array_mut().unwrap().push(first);
    write_json(&dir.path().join("dup.json"), &sol);
    let run = roster(dir.path(), &["check", DEMO, "dup.json"]);
    run.expect_code(0);
    assert_close(
        f64_at(&run.json(), "/objective"),
        f64_at(&sol, "/solverRun/objective"),
        "objective with a repeated assignment",
    );
}

#[test]
fn check_rejects_malformed_solution() {
    let dir = workdir();
    std::fs::write(dir.path().join("sol.json"), "{\"assignments\": [").unwrap();
    let run = roster(dir.path(), &["check", DEMO, "sol.json"]);
    run.expect_code(2);
    assert!(run.stderr.contains("json-syntax"), "{}", run.stderr);
    std::fs::write(dir.path().join("sol.json"), "{\"assignments\": 3}").unwrap();
    let run = roster(dir.path(), &["check", DEMO, "sol.json"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("/assignments: [type]"),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------------------
// validate, constraints

#[test]
fn validate_demo() {
    let dir = workdir();
    let run = roster(dir.path(), &["validate", DEMO]);
    run.expect_code(0);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("valid:"))
        .unwrap_or_else(|| panic!("no valid: line in\n{}", run.stdout));
    assert!(line.contains("14 employees"), "{line}");
    assert!(line.contains("14 days"), "{line}");
    assert!(
        line.contains("C1 C2 C3 C4 C5 C6 C7 C8 C9 C10 C11 C12 C13"),
        "{line}"
    );
}

const CATALOG: [(&str, &str); 13] = [
    ("C1", "Cover"),
    ("C2", "Weekly hours cap"),
    ("C3", "Consecutive working days"),
    ("C4", "Rest between shifts"),
    ("C5", "One shift per day"),
    ("C6", "Eligibility"),
    ("C7", "Availability"),
    ("C8", "Hours over the horizon and per month"),
    ("C9", "Maximum shifts per shift type"),
    ("C10", "Minimum consecutive days off"),
    ("C11", "Maximum working weekends"),
    ("C12", "Shift requests"),
    ("C13", "Maximum assignments"),
];

#[test]
fn constraints_lists_the_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let run = roster(dir.path(), &["constraints"]);
    run.expect_code(0);
    for (id, name) in CATALOG {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.starts_with(&format!("{id} ")) && l.contains(name)),
            "no line for {id} {name} in\n{}",
            run.stdout
        );
    }
}

#[test]
fn constraints_json_is_an_array_of_thirteen_specs() {
    let dir = tempfile::tempdir().unwrap();
    let run = roster(dir.path(), &["constraints", "--json"]);
    run.expect_code(0);
    let specs = run.json();
    let specs = specs.as_array().expect("a JSON array");
    assert_eq!(specs.len(), 13);
    for (spec, (id, name)) in specs.iter().zip(CATALOG) {
        assert_eq!(spec["id"], id);
        assert_eq!(spec["name"], name);
        assert!(spec["defaultHard"].is_boolean(), "{spec}");
        assert!(spec["defaultEnabled"].is_boolean(), "{spec}");
        assert!(spec["meaning"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(spec["parameters"].is_object(), "{spec}");
    }
}

// ---------------------------------------------------------------------------------------
// generate

#[test]
fn generate_is_seeded_and_its_output_solves() {
    let dir = tempfile::tempdir().unwrap();
    let args = |seed: &'static str| {
        [
            "generate",
            "--employees",
            "8",
            "--days",
            "7",
            "--seed",
            seed,
        ]
    };
    let a = roster(dir.path(), &args("3"));
    let b = roster(dir.path(), &args("3"));
    let c = roster(dir.path(), &args("4"));
    for r in [&a, &b, &c] {
        r.expect_code(0);
    }
    assert_eq!(a.stdout, b.stdout, "same seed, different output");
    assert_ne!(a.stdout, c.stdout, "different seeds, same output");
    let req = a.json();
    assert_eq!(req["employees"].as_array().map(Vec::len), Some(8));
    assert_eq!(req["planningHorizon"]["startDate"], "2025-12-01");
    assert_eq!(req["planningHorizon"]["endDate"], "2025-12-07");

    // -o writes the same document.
    roster(
        dir.path(),
        &[
            "generate",
            "--employees",
            "8",
            "--days",
            "7",
            "--seed",
            "3",
            "-o",
            "gen.json",
        ],
    )
    .expect_code(0);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("gen.json")).unwrap(),
        a.stdout
    );

    let v = roster(dir.path(), &["validate", "gen.json"]);
    v.expect_code(0);
    assert!(
        v.stdout.contains("valid: 8 employees, 7 days"),
        "{}",
        v.stdout
    );

    let s = roster(dir.path(), &["solve", "gen.json"]);
    s.expect_code(0);
    let sol = s.json();
    assert!(
        matches!(sol["status"].as_str(), Some("OPTIMAL" | "FEASIBLE")),
        "status {}",
        sol["status"]
    );
    assert_objective_matches_breakdown(&sol);
    assert_assignments_exist(&req, &sol);
}

// ---------------------------------------------------------------------------------------
// infeasible, no slots

#[test]
fn infeasible_hard_cover_exits_3_with_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let mut req = small_request();
    // Five people wanted on the day shift, three employees in all, cover hard.
    req["demandItems"][0]["headcount"] = json!(5);
    req["constraintList"] = json!([{"id": "C1", "hard": true}]);
    write_json(&dir.path().join("req.json"), &req);
    let run = roster(dir.path(), &["solve", "req.json"]);
    run.expect_code(3);
    let sol = run.json();
    assert_eq!(sol["status"], "INFEASIBLE");
    assert_eq!(sol["assignments"].as_array().map(Vec::len), Some(0));
    let conflicts = sol["conflicts"].as_array().expect("conflicts array");
    assert!(!conflicts.is_empty(), "no conflicts reported");
    let day_slots: Vec<&Value> = conflicts
        .iter()
        .filter(|c| {
            c["rule"] == "C1" && c["slotId"].as_str().is_some_and(|s| s.starts_with("DAY/"))
        })
        .collect();
    assert!(
        !day_slots.is_empty(),
        "no C1 conflict on a DAY slot: {conflicts:#?}"
    );
    for c in &day_slots {
        let msg = c["message"].as_str().unwrap();
        let slot = c["slotId"].as_str().unwrap();
        assert!(msg.contains("C1"), "{msg}");
        assert!(msg.contains(slot), "{msg}");
    }
    assert!(run.stderr.contains("conflict"), "stderr:\n{}", run.stderr);

    // With -o the (infeasible) answer is still written.
    roster(dir.path(), &["solve", "req.json", "-o", "out.json"]).expect_code(3);
    assert_eq!(
        read_json(&dir.path().join("out.json"))["status"],
        "INFEASIBLE"
    );
}

#[test]
fn zero_headcount_slots_exist_and_stay_empty() {
    // Headcount 0 means "nobody needed": the slot exists and anyone placed there is
    // over-cover at the item's over weight, so the optimum leaves it empty.
    let dir = tempfile::tempdir().unwrap();
    let mut req = small_request();
    for d in req["demandItems"].as_array_mut().unwrap() {
        d["headcount"] = json!(0);
    }
    write_json(&dir.path().join("req.json"), &req);
    let run = roster(dir.path(), &["solve", "req.json"]);
    run.expect_code(0);
    let sol = run.json();
    assert_eq!(sol["status"], "OPTIMAL");
    assert!(sol["summary"]["slots"].as_u64().unwrap() > 0);
    assert_eq!(sol["assignments"].as_array().map(Vec::len), Some(0));
}

#[test]
fn no_slots_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut req = small_request();
    req["demandItems"] = json!([]);
    write_json(&dir.path().join("req.json"), &req);
    let run = roster(dir.path(), &["solve", "req.json"]);
    run.expect_code(0);
    let sol = run.json();
    assert_eq!(sol["status"], "NO_SLOTS");
    assert_eq!(sol["assignments"].as_array().map(Vec::len), Some(0));
    assert_eq!(sol["summary"]["slots"], 0);
    // Also for the heuristics.
    for method in ["greedy_ml", "balanced_ml"] {
        let run = roster(dir.path(), &["solve", "req.json", "--method", method]);
        run.expect_code(0);
        assert_eq!(run.json()["status"], "NO_SLOTS", "{method}");
    }
}

#[test]
fn small_request_solves_and_respects_leave() {
    let dir = tempfile::tempdir().unwrap();
    write_json(&dir.path().join("req.json"), &small_request());
    let run = roster(dir.path(), &["solve", "req.json"]);
    run.expect_code(0);
    let sol = run.json();
    assert_eq!(sol["status"], "OPTIMAL");
    assert_assignments_exist(&small_request(), &sol);
    assert!(!sol["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["employeeId"] == "E1" && a["date"] == "2025-12-02"));
}

// ---------------------------------------------------------------------------------------
// determinism

const TIMING_FIELDS: [&str; 4] = [
    "wallTimeSeconds",
    "timeToBestSeconds",
    "buildSeconds",
    "solveSeconds",
];

/// The output text without the lines of the timing fields.
fn without_timing(text: &str) -> (String, usize) {
    let mut removed = 0;
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            let timing = TIMING_FIELDS
                .iter()
                .any(|f| t.starts_with(&format!("\"{f}\":")));
            removed += usize::from(timing);
            !timing
        })
        .collect();
    (kept.join("\n"), removed)
}

#[test]
fn same_input_and_seed_give_identical_output() {
    let dir = workdir();
    for (method, timing_lines) in [("milp", 4), ("greedy_ml", 2), ("balanced_ml", 2)] {
        let run = |name: &str| {
            roster(
                dir.path(),
                &[
                    "solve", DEMO, "--method", method, "--seed", "42", "-o", name,
                ],
            )
            .expect_code(0);
            std::fs::read_to_string(dir.path().join(name)).unwrap()
        };
        let a = run("a.json");
        let b = run("b.json");
        let (sa, na) = without_timing(&a);
        let (sb, nb) = without_timing(&b);
        assert_eq!(na, timing_lines, "{method}: timing fields found");
        assert_eq!(nb, timing_lines);
        assert!(
            sa == sb,
            "{method}: outputs differ beyond the timing fields:\n--- a\n{sa}\n--- b\n{sb}"
        );
        // The same comparison on the parsed documents.
        let strip = |text: &str| {
            let mut v: Value = serde_json::from_str(text).unwrap();
            let run = v["solverRun"].as_object_mut().unwrap();
            run.remove("wallTimeSeconds").expect("wallTimeSeconds");
            run.remove("timeToBestSeconds").expect("timeToBestSeconds");
            if let Some(m) = run.get_mut("milp").and_then(Value::as_object_mut) {
                m.remove("buildSeconds").expect("buildSeconds");
                m.remove("solveSeconds").expect("solveSeconds");
            }
            v
        };
        assert_eq!(strip(&a), strip(&b), "{method}");
    }
}

#[test]
fn generated_instance_solves_identically_twice() {
    let dir = tempfile::tempdir().unwrap();
    roster(
        dir.path(),
        &[
            "generate",
            "--employees",
            "10",
            "--days",
            "7",
            "--seed",
            "5",
            "-o",
            "gen.json",
        ],
    )
    .expect_code(0);
    let a = roster(dir.path(), &["solve", "gen.json", "--seed", "9"]);
    let b = roster(dir.path(), &["solve", "gen.json", "--seed", "9"]);
    a.expect_code(0);
    b.expect_code(0);
    assert_eq!(without_timing(&a.stdout).0, without_timing(&b.stdout).0);
}
