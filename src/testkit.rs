//! Small problems for unit tests.

use serde_json::json;

use crate::domain::Problem;

/// A request with `n_emp` employees over `days` days from Monday 2025-12-01, one 8-hour day
/// shift "D" (07:00–15:00) and a night shift "N" (22:00–06:00) each needing `hc` people.
pub fn request(n_emp: usize, days: u32, hc: u32) -> serde_json::Value {
    let end = chrono::NaiveDate::from_ymd_opt(2025, 12, 1).unwrap()
        + chrono::Duration::days(days as i64 - 1);
    json!({
        "schemaVersion": "0.96",
        "planningHorizon": {"startDate": "2025-12-01", "endDate": end.to_string()},
        "shiftTypes": [
            {"code": "D", "startTime": "07:00", "endTime": "15:00"},
            {"code": "N", "startTime": "22:00", "endTime": "06:00"}
        ],
        "demandItems": [
            {"demandId": "day", "shiftCode": "D", "headcount": hc},
            {"demandId": "night", "shiftCode": "N", "headcount": hc}
        ],
        "employees": (0..n_emp).map(|i| json!({"employeeId": format!("E{i}"), "experienceYears": i})).collect::<Vec<_>>(),
        "solverConfig": {"timeLimitSeconds": 20, "threads": 1, "seed": 1}
    })
}

/// A 2-employee, 3-day problem.
pub fn tiny_problem() -> Problem {
    crate::input::request_from_value(&request(2, 3, 1)).expect("tiny request is valid")
}

/// A one-employee ("E0") problem over `days` days from Monday 2025-12-01 with shifts D and N
/// (one slot each per day), `employee` fields merged into E0, and only the rules listed in
/// `rules` on (every other rule off), affinity 0 — the objective is rule penalties only.
pub fn rule_problem(days: u32, employee: serde_json::Value, rules: serde_json::Value) -> Problem {
    let mut req = request(1, days, 1);
    if let (Some(e), Some(extra)) = (req["employees"][0].as_object_mut(), employee.as_object()) {
        e.extend(extra.clone());
    }
    let given = rules.as_array().cloned().unwrap_or_default();
    let list: Vec<serde_json::Value> = crate::constraints::RuleId::ALL
        .iter()
        .map(|id| {
            given
                .iter()
                .find(|r| r["id"] == id.as_str())
                .cloned()
                .unwrap_or_else(|| json!({"id": id.as_str(), "enabled": false}))
        })
        .collect();
    req["constraintList"] = json!(list);
    req["solverConfig"]["affinityWeight"] = json!(0);
    crate::input::request_from_value(&req).expect("rule problem is valid")
}

/// E0's roster from `(day, shift code)` pairs.
pub fn roster_of(p: &Problem, work: &[(crate::domain::Day, &str)]) -> crate::domain::Roster {
    crate::domain::Roster::new(
        work.iter()
            .map(|&(day, code)| {
                let t = p.shift_by_code(code).expect("known code");
                let s = p
                    .slots
                    .iter()
                    .position(|s| s.day == day && s.shift == t)
                    .expect("a slot of that shift on that day");
                crate::domain::Assignment {
                    employee: crate::domain::EmployeeIdx(0),
                    slot: crate::domain::SlotIdx(s as u32),
                }
            })
            .collect(),
    )
}

/// The checker's verdict `(feasible, objective)` on E0's roster, after asserting that the MILP
/// encoding agrees (same objective when feasible, none when not).
pub fn verdict(p: &Problem, work: &[(crate::domain::Day, &str)]) -> (bool, f64) {
    let roster = roster_of(p, work);
    let scorer = crate::scoring::FallbackScorer;
    let report = crate::check::check(p, &roster, &scorer);
    let milp = crate::solve::milp_verdict(p, &roster, &scorer).expect("HiGHS runs");
    match milp {
        Some(obj) => assert!(
            report.feasible && (obj - report.objective).abs() < 1e-6,
            "MILP {obj} vs checker {report:#?}"
        ),
        None => assert!(!report.feasible, "MILP rejects, checker {report:#?}"),
    }
    (report.feasible, report.objective)
}

/// Whether the heuristic admission of every hard rule lets E0, working `work`, also take
/// `code` on `day`.
pub fn admits(
    p: &Problem,
    work: &[(crate::domain::Day, &str)],
    day: crate::domain::Day,
    code: &str,
) -> bool {
    let roster = roster_of(p, work);
    let s = crate::constraints::Schedules::of(p, &roster);
    let t = p.shift_by_code(code).expect("known code");
    p.rules
        .iter()
        .filter(|r| r.mode().is_hard())
        .all(|r| r.admits(p, &s, crate::domain::EmployeeIdx(0), day, t))
}

/// A generated request of `employees` × `days` (three shifts, two skills, demand `density`,
/// `seed`) with `rules` as its constraint list: the decomposition's unit tests edit it further.
pub fn generated_request(
    employees: usize,
    days: u32,
    density: f64,
    seed: u64,
    rules: serde_json::Value,
) -> serde_json::Value {
    let mut req = crate::generate::generate(&crate::generate::GenerateSpec {
        employees,
        days,
        shifts: 3,
        skills: 2,
        density,
        seed,
        ..Default::default()
    });
    req["constraintList"] = rules;
    req
}

/// A Curtois & Qu instance read from `../shared/benchmarks` (or `ROSTER_BENCHMARKS`), one
/// HiGHS thread; `None`, with a note on stderr, when the benchmark folder is missing.
pub fn curtois(name: &str) -> Option<Problem> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/benchmarks");
    let root = std::env::var_os("ROSTER_BENCHMARKS").map_or(root, std::path::PathBuf::from);
    let Ok(text) = std::fs::read_to_string(root.join(format!("curtois/{name}.txt"))) else {
        eprintln!("skipped: the Curtois benchmark folder is missing (ROSTER_BENCHMARKS)");
        return None;
    };
    let inst = crate::import::parse_curtois(&text).unwrap();
    let mut p = crate::input::request_from_value(&inst.to_request(name)).unwrap();
    p.config.threads = 1;
    Some(p)
}
