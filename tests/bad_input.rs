//! Invalid requests given to the real `roster` binary: exit code 2, no panic, every error on
//! stderr as `POINTER: [RULE] message`, and nothing written (an existing output file is left
//! untouched).
//!
//! Every case runs in its own fresh temporary directory.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

mod common;

use common::{roster, Run};
use serde_json::{json, Value};

fn files_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// A small valid request: 3 days, a day and a night shift, three employees.
fn base() -> Value {
    json!({
        "schemaVersion": "0.96",
        "planningReference": "BAD-INPUT",
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
            {"employeeId": "E1", "contract": {"maxWeeklyHours": 40}},
            {"employeeId": "E2"},
            {"employeeId": "E3"}
        ],
        "solverConfig": {"threads": 1, "seed": 7, "timeLimitSeconds": 20},
        "constraintList": [{"id": "C2", "params": {"maxHoursPerWeek": 44}}]
    })
}

/// The base request changed by `f`, as text.
fn with(f: impl FnOnce(&mut Value)) -> String {
    let mut v = base();
    f(&mut v);
    serde_json::to_string_pretty(&v).unwrap()
}

/// The stderr lines that report one error each.
fn error_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("  /"))
        .map(str::trim)
        .collect()
}

/// Feed `text` to `solve -o OUT` (no OUT before), to `solve -o OUT` (an OUT already there)
/// and to `validate`; each must exit 2 without panicking, write nothing, and name every
/// `(pointer, rule)` of `expected` on one stderr line (`/` is the whole document). Returns
/// the stderr of the first run.
#[track_caller]
fn expect_invalid(text: &str, expected: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    std::fs::write(d.join("req.json"), text).unwrap();

    let check = |what: &str, run: &Run| {
        assert_eq!(
            run.code, 2,
            "{what}: exit code {} (expected 2)\nstdout:\n{}\nstderr:\n{}",
            run.code, run.stdout, run.stderr
        );
        assert!(
            run.stdout.trim().is_empty(),
            "{what}: stdout should be empty:\n{}",
            run.stdout
        );
        assert!(
            run.stderr.starts_with("invalid roster request:"),
            "{what}: stderr:\n{}",
            run.stderr
        );
        let lines = error_lines(&run.stderr);
        for (pointer, rule) in expected {
            let tag = format!("{pointer}: [{rule}]");
            assert!(
                lines.iter().any(|l| l.starts_with(&tag)),
                "{what}: no line `{tag} …` on stderr:\n{}",
                run.stderr
            );
        }
    };

    // No output file before.
    let first = roster(d, &["solve", "req.json", "-o", "out.json"]);
    check("solve -o (fresh)", &first);
    assert!(
        !d.join("out.json").exists(),
        "out.json was written for invalid input"
    );
    assert_eq!(
        files_in(d),
        BTreeSet::from(["req.json".to_string()]),
        "files left behind"
    );

    // An existing output file is left untouched.
    let sentinel = "previous roster, keep me\n";
    std::fs::write(d.join("out.json"), sentinel).unwrap();
    let second = roster(d, &["solve", "req.json", "-o", "out.json"]);
    check("solve -o (existing)", &second);
    assert_eq!(
        std::fs::read_to_string(d.join("out.json")).unwrap(),
        sentinel,
        "an existing out.json was modified"
    );
    assert_eq!(
        files_in(d),
        BTreeSet::from(["req.json".to_string(), "out.json".to_string()]),
        "files left behind"
    );

    // Same report from validate (and from solve to stdout).
    let v = roster(d, &["validate", "req.json"]);
    check("validate", &v);
    assert!(!v.stdout.contains("valid:"));
    assert_eq!(
        v.stderr, first.stderr,
        "validate and solve report differently"
    );
    let s = roster(d, &["solve", "req.json"]);
    check("solve (stdout)", &s);
    first.stderr
}

// ---------------------------------------------------------------------------------------
// syntax and schema

#[test]
fn malformed_json_reports_line_and_column() {
    let text = "{\n  \"schemaVersion\": \"0.96\",\n  \"planningHorizon\": {\"startDate\": \"2025-12-01\",, }\n}\n";
    let err = expect_invalid(text, &[("/", "json-syntax")]);
    assert!(err.contains("line 3, column"), "{err}");
}

#[test]
fn truncated_and_empty_files() {
    let full = with(|_| {});
    let err = expect_invalid(&full[..full.len() / 2], &[("/", "json-syntax")]);
    assert!(err.contains("line"), "{err}");
    expect_invalid("", &[("/", "json-syntax")]);
    expect_invalid("[]", &[("/", "type")]);
    expect_invalid("null", &[("/", "type")]);
}

#[test]
fn wrong_type() {
    let err = expect_invalid(
        &with(|v| v["demandItems"][0]["headcount"] = json!("3")),
        &[("/demandItems/0/headcount", "type")],
    );
    // The offending value is shown.
    assert!(err.contains("(value: \"3\")"), "{err}");
}

#[test]
fn missing_required_field() {
    let err = expect_invalid(
        &with(|v| {
            v.as_object_mut().unwrap().remove("employees");
        }),
        &[("/", "required")],
    );
    assert!(err.contains("\"employees\""), "{err}");
    // Nested required field.
    expect_invalid(
        &with(|v| {
            v["demandItems"][1]
                .as_object_mut()
                .unwrap()
                .remove("shiftCode");
        }),
        &[("/demandItems/1", "required")],
    );
}

#[test]
fn unknown_field() {
    expect_invalid(
        &with(|v| v["employees"][2]["favouriteColour"] = json!("blue")),
        &[("/employees/2", "additionalProperties")],
    );
}

#[test]
fn negative_hours() {
    expect_invalid(
        &with(|v| v["employees"][0]["contract"]["maxWeeklyHours"] = json!(-5)),
        &[("/employees/0/contract/maxWeeklyHours", "minimum")],
    );
}

#[test]
fn empty_employee_list() {
    expect_invalid(
        &with(|v| v["employees"] = json!([])),
        &[("/employees", "minItems")],
    );
}

// ---------------------------------------------------------------------------------------
// semantics

#[test]
fn unknown_shift_code_in_demand() {
    let err = expect_invalid(
        &with(|v| v["demandItems"][0]["shiftCode"] = json!("X")),
        &[("/demandItems/0/shiftCode", "unknown-shift-code")],
    );
    assert!(err.contains("\"X\""), "{err}");
}

#[test]
fn unknown_employee_in_locked_context() {
    let err = expect_invalid(
        &with(|v| {
            v["lockedContext"] = json!({"employeeAssignments": [
                {"employeeId": "E2", "assignedDates": ["2025-11-30"]},
                {"employeeId": "GHOST", "assignedDates": ["2025-11-30"]}
            ]})
        }),
        &[(
            "/lockedContext/employeeAssignments/1/employeeId",
            "unknown-employee",
        )],
    );
    assert!(err.contains("GHOST"), "{err}");
}

#[test]
fn duplicate_employee_id() {
    expect_invalid(
        &with(|v| v["employees"][2]["employeeId"] = json!("E1")),
        &[("/employees/2/employeeId", "duplicate-id")],
    );
}

#[test]
fn duplicate_demand_id_and_shift_code() {
    expect_invalid(
        &with(|v| {
            v["demandItems"][1]["demandId"] = json!("DAY");
            v["shiftTypes"][1]["code"] = json!("D");
        }),
        &[
            ("/shiftTypes/1/code", "duplicate-id"),
            ("/demandItems/1/demandId", "duplicate-id"),
        ],
    );
}

#[test]
fn horizon_of_zero_days() {
    // endDate the day before startDate: no day at all.
    expect_invalid(
        &with(|v| v["planningHorizon"]["endDate"] = json!("2025-11-30")),
        &[("/planningHorizon/endDate", "horizon-empty")],
    );
    expect_invalid(
        &with(|v| v["planningHorizon"]["endDate"] = json!("2024-01-01")),
        &[("/planningHorizon/endDate", "horizon-empty")],
    );
}

#[test]
fn horizon_of_ten_thousand_days() {
    // 2025-12-01 + 9999 days = 2053-04-17: a 10,000-day horizon.
    let err = expect_invalid(
        &with(|v| v["planningHorizon"]["endDate"] = json!("2053-04-17")),
        &[("/planningHorizon/endDate", "horizon-too-long")],
    );
    assert!(err.contains("10000 days"), "{err}");
}

#[test]
fn horizon_length_limit_is_exact() {
    // 1098 days (the maximum) validate; 1099 do not.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("req.json"),
        with(|v| v["planningHorizon"]["endDate"] = json!("2028-12-02")),
    )
    .unwrap();
    let run = roster(dir.path(), &["validate", "req.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("1098 days"), "{}", run.stdout);
    expect_invalid(
        &with(|v| v["planningHorizon"]["endDate"] = json!("2028-12-03")),
        &[("/planningHorizon/endDate", "horizon-too-long")],
    );
}

#[test]
fn invalid_calendar_date() {
    expect_invalid(
        &with(|v| v["planningHorizon"]["startDate"] = json!("2025-02-30")),
        &[("/planningHorizon/startDate", "invalid-date")],
    );
}

#[test]
fn date_outside_horizon() {
    expect_invalid(
        &with(|v| v["demandItems"][0]["dates"] = json!(["2025-12-02", "2026-01-05"])),
        &[("/demandItems/0/dates/1", "date-outside-horizon")],
    );
    expect_invalid(
        &with(|v| v["employees"][1]["unavailableDates"] = json!(["2025-11-15"])),
        &[("/employees/1/unavailableDates/0", "date-outside-horizon")],
    );
    expect_invalid(
        &with(|v| v["demandItems"][1]["headcountByDate"] = json!({"2025-12-24": 2})),
        &[(
            "/demandItems/1/headcountByDate/2025-12-24",
            "date-outside-horizon",
        )],
    );
}

#[test]
fn min_greater_than_max() {
    expect_invalid(
        &with(|v| {
            v["employees"][1]["contract"] =
                json!({"minConsecutiveDays": 5, "maxConsecutiveDays": 2})
        }),
        &[(
            "/employees/1/contract/minConsecutiveDays",
            "min-greater-than-max",
        )],
    );
    // The same through the C3 parameters.
    expect_invalid(
        &with(|v| {
            v["constraintList"] = json!([
                {"id": "C3", "params": {"minConsecutiveDays": 4, "maxConsecutiveDays": 3}}
            ])
        }),
        &[(
            "/constraintList/0/params/minConsecutiveDays",
            "min-greater-than-max",
        )],
    );
    // And for a leave running backwards.
    expect_invalid(
        &with(|v| v["employees"][0]["leave"] = json!([{"from": "2025-12-03", "to": "2025-12-02"}])),
        &[("/employees/0/leave/0/to", "min-greater-than-max")],
    );
}

#[test]
fn unknown_constraint_id() {
    let err = expect_invalid(
        &with(|v| {
            v["constraintList"]
                .as_array_mut()
                .unwrap()
                .push(json!({"id": "C99"}))
        }),
        &[("/constraintList/1/id", "unknown-constraint")],
    );
    assert!(err.contains("C99"), "{err}");
}

#[test]
fn invalid_rule_parameter_value() {
    let err = expect_invalid(
        &with(|v| v["constraintList"][0]["params"]["maxHoursPerWeek"] = json!("lots")),
        &[("/constraintList/0/params/maxHoursPerWeek", "type")],
    );
    assert!(err.contains("C2"), "{err}");
    assert!(err.contains("\"lots\""), "{err}");
}

#[test]
fn unknown_rule_parameter_name() {
    let err = expect_invalid(
        &with(|v| v["constraintList"][0]["params"]["maxHoursPerFortnight"] = json!(80)),
        &[("/constraintList/0/params", "additionalProperties")],
    );
    assert!(err.contains("maxHoursPerFortnight"), "{err}");
    assert!(err.contains("C2"), "{err}");
}

#[test]
fn rule_that_cannot_be_soft() {
    // Whether C-rules may be soft comes from the catalog; find one that cannot.
    let dir = tempfile::tempdir().unwrap();
    let run = roster(dir.path(), &["constraints", "--json"]);
    assert_eq!(run.code, 0);
    let specs: Value = serde_json::from_str(&run.stdout).unwrap();
    let Some(hard_only) = specs
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["canBeSoft"] == false)
    else {
        return; // every rule may be soft: nothing to test
    };
    let id = hard_only["id"].as_str().unwrap().to_string();
    expect_invalid(
        &with(|v| v["constraintList"] = json!([{"id": id, "hard": false}])),
        &[("/constraintList/0/hard", "cannot-be-soft")],
    );
}

// ---------------------------------------------------------------------------------------
// several errors at once

#[test]
fn several_semantic_errors_are_all_reported() {
    let expected = [
        ("/demandItems/0/shiftCode", "unknown-shift-code"),
        ("/demandItems/1/dates/0", "date-outside-horizon"),
        ("/employees/1/employeeId", "duplicate-id"),
        (
            "/employees/2/contract/minConsecutiveDays",
            "min-greater-than-max",
        ),
        ("/constraintList/1/id", "unknown-constraint"),
        (
            "/lockedContext/employeeAssignments/0/employeeId",
            "unknown-employee",
        ),
    ];
    let err = expect_invalid(
        &with(|v| {
            v["demandItems"][0]["shiftCode"] = json!("X");
            v["demandItems"][1]["dates"] = json!(["2026-01-05"]);
            v["employees"][1]["employeeId"] = json!("E1");
            v["employees"][2]["contract"] =
                json!({"minConsecutiveDays": 5, "maxConsecutiveDays": 2});
            v["constraintList"]
                .as_array_mut()
                .unwrap()
                .push(json!({"id": "C99"}));
            v["lockedContext"] = json!({"employeeAssignments": [{"employeeId": "GHOST"}]});
        }),
        &expected,
    );
    assert_eq!(error_lines(&err).len(), expected.len(), "{err}");
    assert!(err.starts_with("invalid roster request: 6 errors"), "{err}");
}

#[test]
fn several_schema_errors_are_all_reported() {
    let expected = [
        ("/demandItems/0/headcount", "type"),
        ("/employees/0/contract/maxWeeklyHours", "minimum"),
        ("/employees/1", "required"),
        ("/solverConfig/threads", "minimum"),
        ("/constraintList/0/id", "pattern"),
    ];
    let err = expect_invalid(
        &with(|v| {
            v["demandItems"][0]["headcount"] = json!("3");
            v["employees"][0]["contract"]["maxWeeklyHours"] = json!(-5);
            v["employees"][1]
                .as_object_mut()
                .unwrap()
                .remove("employeeId");
            v["solverConfig"]["threads"] = json!(0);
            v["constraintList"][0]["id"] = json!("cover");
        }),
        &expected,
    );
    assert_eq!(error_lines(&err).len(), expected.len(), "{err}");
    assert!(err.starts_with("invalid roster request: 5 errors"), "{err}");
}

#[test]
fn schema_and_semantic_errors_are_reported_together() {
    let expected = [
        ("/demandItems/0/headcount", "type"),
        ("/demandItems/1/shiftCode", "unknown-shift-code"),
    ];
    let err = expect_invalid(
        &with(|v| {
            v["demandItems"][0]["headcount"] = json!("3");
            v["demandItems"][1]["shiftCode"] = json!("X");
        }),
        &expected,
    );
    assert_eq!(error_lines(&err).len(), 2, "{err}");
}

#[test]

fn horizon_error_does_not_hide_other_errors() {
    let expected = [
        ("/planningHorizon/endDate", "horizon-empty"),
        ("/demandItems/1/shiftCode", "unknown-shift-code"),
        ("/employees/1/employeeId", "duplicate-id"),
        ("/constraintList/1/id", "unknown-constraint"),
    ];
    let err = expect_invalid(
        &with(|v| {
            v["planningHorizon"]["endDate"] = json!("2025-11-30");
            v["demandItems"][1]["shiftCode"] = json!("X");
            v["employees"][1]["employeeId"] = json!("E1");
            v["constraintList"]
                .as_array_mut()
                .unwrap()
                .push(json!({"id": "C99"}));
        }),
        &expected,
    );
    assert_eq!(error_lines(&err).len(), expected.len(), "{err}");
}

#[test]
fn integer_fields_given_as_floats_are_accepted_or_pinpointed() {
    type Change = Box<dyn Fn(&mut Value)>;
    let cases: [(&str, Change); 3] = [
        (
            "/demandItems/0/headcount",
            Box::new(|v: &mut Value| v["demandItems"][0]["headcount"] = json!(2.0)),
        ),
        (
            "/solverConfig/seed",
            Box::new(|v: &mut Value| v["solverConfig"]["seed"] = json!(3.0)),
        ),
        (
            "/solverConfig/seed",
            Box::new(|v: &mut Value| v["solverConfig"]["seed"] = json!(1.8446744073709552e19)),
        ),
    ];
    for (pointer, change) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("req.json"), with(|v| change(v))).unwrap();
        let run = roster(dir.path(), &["validate", "req.json"]);
        // Either accepted (JSON Schema calls 2.0 an integer) or rejected at the field.
        match run.code {
            0 => {}
            2 => assert!(
                error_lines(&run.stderr)
                    .iter()
                    .any(|l| l.starts_with(&format!("{pointer}: "))),
                "no error at {pointer}:\n{}",
                run.stderr
            ),
            c => panic!("exit code {c}:\n{}", run.stderr),
        }
    }
}

// ---------------------------------------------------------------------------------------
// files and other subcommands

#[test]
fn missing_input_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = roster(d, &["solve", "missing-file.json", "-o", "out.json"]);
    assert_ne!(run.code, 0, "stderr:\n{}", run.stderr);
    assert!(run.stdout.is_empty(), "stdout:\n{}", run.stdout);
    assert!(run.stderr.contains("missing-file.json"), "{}", run.stderr);
    assert!(run.stderr.contains("No such file"), "{}", run.stderr);
    assert!(!d.join("out.json").exists());
    assert!(
        files_in(d).is_empty(),
        "files left behind: {:?}",
        files_in(d)
    );
    for args in [
        &["validate", "missing-file.json"][..],
        &["check", "missing-file.json", "missing-solution.json"][..],
    ] {
        let run = roster(d, args);
        assert_ne!(run.code, 0, "{args:?}");
        assert!(run.stderr.contains("missing-file.json"), "{}", run.stderr);
    }
}

#[test]
fn input_is_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("req.json")).unwrap();
    let run = roster(dir.path(), &["solve", "req.json", "-o", "out.json"]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("req.json"), "{}", run.stderr);
    assert!(!dir.path().join("out.json").exists());
}

#[test]
fn invalid_request_on_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_roster"))
        .args(["solve", "-", "-o", "out.json"])
        .current_dir(dir.path())
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let text = with(|v| v["demandItems"][0]["shiftCode"] = json!("X"));
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"));
    assert!(
        stderr.contains("/demandItems/0/shiftCode: [unknown-shift-code]"),
        "{stderr}"
    );
    assert!(!dir.path().join("out.json").exists());
}

#[test]
fn check_with_an_invalid_request() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("req.json"),
        with(|v| v["employees"][2]["employeeId"] = json!("E1")),
    )
    .unwrap();
    std::fs::write(dir.path().join("sol.json"), r#"{"assignments": []}"#).unwrap();
    let run = roster(dir.path(), &["check", "req.json", "sol.json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr
            .contains("/employees/2/employeeId: [duplicate-id]"),
        "{}",
        run.stderr
    );
}
