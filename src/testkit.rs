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
