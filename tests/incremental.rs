//! Incremental rostering (issue 4): the three cases of the original notes
//! (`../shared/seeds/002_02e89f9c1798bea6.txt`, Testing Strategy), the boundary cases, both
//! modes on the same situation, and the lock guarantee. Every solve goes through the
//! independent checker on the window problem, and every merged roster through the checker
//! on the request's whole horizon.

mod common;

use common::solve_checked;
use roster::incremental::{self, Mode, Prepared};
use roster::scoring::FallbackScorer;
use roster::solve::{Solution, Status};
use serde_json::{json, Value};

/// A request from Monday 2025-12-01 over `days` days: shift D 07:00–15:00 (`day` demand) and
/// N 22:00–06:00 (`night` demand), `emp` employees E0.. with experience = index, C2 40 h,
/// C3 max 5 days, C4 11 h rest.
pub fn request(emp: usize, days: u32, day_hc: u32, night_hc: u32) -> Value {
    let end = chrono::NaiveDate::from_ymd_opt(2025, 12, 1).unwrap()
        + chrono::Duration::days(i64::from(days) - 1);
    json!({
        "schemaVersion": "0.96",
        "planningHorizon": {"startDate": "2025-12-01", "endDate": end.to_string()},
        "shiftTypes": [
            {"code": "D", "startTime": "07:00", "endTime": "15:00"},
            {"code": "N", "startTime": "22:00", "endTime": "06:00"}
        ],
        "demandItems": [
            {"demandId": "day", "shiftCode": "D", "headcount": day_hc},
            {"demandId": "night", "shiftCode": "N", "headcount": night_hc}
        ],
        "employees": (0..emp).map(|i| json!({"employeeId": format!("E{i}"), "experienceYears": i})).collect::<Vec<_>>(),
        "solverConfig": {"timeLimitSeconds": 20, "threads": 1, "seed": 1},
        "constraintList": [
            {"id": "C2", "params": {"maxHoursPerWeek": 40}},
            {"id": "C3", "params": {"maxConsecutiveDays": 5}},
            {"id": "C4", "params": {"minRestHours": 11}}
        ]
    })
}

/// A fresh solve (checked) as the solution document `roster solve` writes.
pub fn solve_fresh(req: &Value) -> Value {
    let p = roster::input::request_from_value(req).expect("valid request");
    let sol = solve_checked(&p);
    assert!(sol.status.has_roster(), "{:?}", sol.status);
    roster::output::solution_json(&p, &sol, &FallbackScorer)
}

/// A full-roster request.
pub fn full_request(
    req: &Value,
    prev: &Value,
    window: (&str, &str, &str),
    changes: Value,
) -> Value {
    json!({
        "schemaVersion": "0.96",
        "requestData": req,
        "previousRoster": prev,
        "temporalWindow": {"cutoffDate": window.0, "solveFromDate": window.1, "solveToDate": window.2},
        "employeeChanges": changes,
    })
}

/// Load, solve (checked on the window problem), and build the output document.
pub fn run(doc: &Value) -> (Prepared, Solution, Value) {
    let prep = incremental::load(doc).unwrap_or_else(|e| panic!("{e}"));
    let sol = solve_checked(&prep.problem);
    let out = incremental::incremental_json(&prep, &sol, &FallbackScorer);
    (prep, sol, out)
}

/// The merged roster passes the checker on the request's whole horizon (locked part
/// included): what the window problem encoded of the locked work was enough.
pub fn check_merged(prep: &Prepared, out: &Value) {
    let r = roster::output::read_roster(&prep.full, out).expect("merged roster reads back");
    let rep = roster::check::check(&prep.full, &r, &FallbackScorer);
    assert!(
        rep.feasible,
        "merged roster breaks hard rules: {:#?}",
        rep.hard_violations
    );
}

/// The pool trimming against the untrimmed window problem of the same request: every
/// left-out employee, put on any open position on top of the untrimmed optimum, breaks a hard
/// rule of its own (the checker says so, independently of the trimming's code); the untrimmed
/// solve never places a left-out employee; both reach the same status, and when both are
/// proven optimal the trimmed roster is optimal for the untrimmed problem too (the objectives
/// differ only by the left-out employees' constant penalties). Returns how many were left out.
pub fn check_trimming(doc: &Value, prep: &Prepared, sol: &Solution) -> usize {
    use roster::domain::{Assignment, EmployeeIdx, Roster, SlotIdx};
    let whole = incremental::load_untrimmed(doc).unwrap_or_else(|e| panic!("{e}"));
    assert!(whole.left_out.is_empty());
    let (p, q) = (&whole.problem, &prep.problem);
    assert_eq!(
        p.employees.len(),
        q.employees.len() + prep.left_out.len(),
        "the untrimmed pool is the trimmed one plus the left-out employees"
    );
    let whole_sol = solve_checked(p);
    assert_eq!(whole_sol.status, sol.status);
    let hard = |r: &Roster, e: EmployeeIdx| -> Vec<String> {
        let id = &p.employees[e.ix()].id;
        roster::check::check(p, r, &FallbackScorer)
            .hard_violations
            .iter()
            .filter(|v| v.employee_id.as_ref() == Some(id))
            .map(|v| format!("{:?} {} {:?}", v.rule, v.aspect, v.dates))
            .collect()
    };
    for id in &prep.left_out {
        let e = p
            .employee_by_id(id)
            .expect("a left-out employee is in the untrimmed pool");
        assert!(
            whole_sol.roster.assignments.iter().all(|a| a.employee != e),
            "{id} was left out but the untrimmed solve placed them"
        );
        let base = hard(&whole_sol.roster, e);
        for s in 0..p.slots.len() {
            let mut with = whole_sol.roster.assignments.clone();
            with.push(Assignment {
                employee: e,
                slot: SlotIdx(s as u32),
            });
            let broken = hard(&Roster::new(with), e);
            assert!(
                broken.iter().any(|v| !base.contains(v)),
                "{id} was left out but could fill slot {}",
                p.slots[s].id
            );
        }
    }
    if whole_sol.status == Status::Optimal && sol.status == Status::Optimal {
        let mapped = Roster::new(
            sol.roster
                .assignments
                .iter()
                .map(|a| Assignment {
                    employee: p
                        .employee_by_id(&q.employees[a.employee.ix()].id)
                        .expect("kept employees are in the untrimmed pool"),
                    slot: a.slot,
                })
                .collect(),
        );
        let rep = roster::check::check(p, &mapped, &FallbackScorer);
        assert!(rep.feasible);
        let best = whole_sol.objective.unwrap();
        assert!(
            (rep.objective - best).abs() <= 1e-6 * best.abs().max(1.0),
            "trimmed roster {} vs untrimmed optimum {best}",
            rep.objective
        );
    }
    prep.left_out.len()
}

/// `item`'s value of `k`.
fn s<'a>(item: &'a Value, k: &str) -> &'a str {
    item[k].as_str().unwrap_or("")
}

fn assignments(doc: &Value) -> Vec<Value> {
    doc["assignments"].as_array().cloned().unwrap_or_default()
}

/// Seed case 1: unfilled slots are filled without breaking the employee who already has 40 h
/// in that ISO week and a 5-day streak (C2 40 h, C3 max 5). EMP001 is the scorer's favourite,
/// and without the locked context it does get a slot — so the context is what keeps it off.
#[test]
fn seed_case_1_locked_hours_and_streak_are_not_broken() {
    let mut req = request(3, 14, 0, 0);
    req["employees"] = json!([
        {"employeeId": "EMP001", "experienceYears": 20},
        {"employeeId": "EMP002", "experienceYears": 1},
        {"employeeId": "EMP003", "experienceYears": 1}
    ]);
    req["demandItems"] = json!([
        {"demandId": "day", "shiftCode": "D", "headcount": 1, "dates": ["2025-12-10", "2025-12-11"]}
    ]);
    let slots = json!([
        {"slotId": "day/2025-12-10", "date": "2025-12-10", "shiftCode": "D", "requirementId": "day", "reason": "UNASSIGNED"},
        {"slotId": "day/2025-12-11", "date": "2025-12-11", "shiftCode": "D", "requirementId": "day", "reason": "UNASSIGNED"}
    ]);
    let doc = |locked: Value| {
        json!({
            "requestData": req,
            "emptySlots": slots,
            "lockedContext": {"cutoffDate": "2025-12-09", "employeeAssignments": locked},
            "temporalWindow": {"solveFromDate": "2025-12-10", "solveToDate": "2025-12-14"}
        })
    };
    // Control: nothing locked, the favourite takes a slot.
    let (_, _, out) = run(&doc(json!([])));
    assert!(assignments(&out)
        .iter()
        .any(|a| s(a, "employeeId") == "EMP001"));
    // 40 h in W50 and a 5-day streak ending 2025-12-09.
    let (prep, sol, out) = run(&doc(json!([{
        "employeeId": "EMP001",
        "weeklyHours": {"2025-W50": 40.0},
        "consecutiveWorkingDays": 5,
        "lastShiftCode": "D"
    }])));
    assert_eq!(prep.mode, Mode::EmptySlots);
    assert!(sol.status.has_roster());
    let a = assignments(&out);
    assert_eq!(a.len(), 2, "both slots filled: {a:#?}");
    assert!(a.iter().all(|a| s(a, "employeeId") != "EMP001"), "{a:#?}");
    assert_eq!(out["incrementalSolve"]["filledSlotCount"], 2);
    assert_eq!(out["incrementalSolve"]["unfilledSlotCount"], 0);
    assert_eq!(out["incrementalSolve"]["reasons"]["UNASSIGNED"], 2);
    // Either rule alone keeps EMP001 off the first day.
    for locked in [
        json!({"employeeId": "EMP001", "weeklyHours": {"2025-W50": 40.0}}),
        json!({"employeeId": "EMP001", "consecutiveWorkingDays": 5}),
    ] {
        let (_, _, out) = run(&doc(json!([locked])));
        assert!(
            assignments(&out)
                .iter()
                .all(|a| !(s(a, "employeeId") == "EMP001" && s(a, "date") == "2025-12-10")),
            "{locked}: {out:#}"
        );
    }
}

/// Seed case 2: the slots of a departed employee are reassigned to the others; the departed
/// employee gets nothing after the departure and everything else stays.
#[test]
fn seed_case_2_departed_employees_slots_are_reassigned() {
    let req = request(5, 14, 1, 1);
    let prev = solve_fresh(&req);
    // The employee with the most shifts after the cutoff leaves on the first solve day.
    let mut count = std::collections::BTreeMap::new();
    for a in assignments(&prev)
        .iter()
        .filter(|a| s(a, "date") > "2025-12-05")
    {
        *count.entry(s(a, "employeeId").to_string()).or_insert(0) += 1;
    }
    let (gone, n) = count.iter().max_by_key(|(_, &n)| n).unwrap();
    assert!(*n > 0);
    let doc = full_request(
        &req,
        &prev,
        ("2025-12-05", "2025-12-06", "2025-12-14"),
        json!({"departures": [{"employeeId": gone, "departureDate": "2025-12-06"}]}),
    );
    let (prep, sol, out) = run(&doc);
    assert!(sol.status.has_roster());
    let inc = &out["incrementalSolve"];
    assert_eq!(inc["reasons"]["DEPARTED_EMPLOYEE"], json!(n));
    assert_eq!(inc["filledSlotCount"], json!(n), "{inc:#}");
    let a = assignments(&out);
    assert!(a
        .iter()
        .all(|x| !(s(x, "employeeId") == gone.as_str() && s(x, "date") > "2025-12-05")));
    // Every slot is still covered as before.
    assert_eq!(a.len(), assignments(&prev).len());
    // Exactly the departed employee's shifts were removed; the added ones are others'.
    let removed = inc["changedAssignments"]["removed"].as_array().unwrap();
    assert_eq!(removed.len(), *n);
    assert!(removed.iter().all(|r| s(r, "employeeId") == gone.as_str()));
    let added = inc["changedAssignments"]["added"].as_array().unwrap();
    assert_eq!(added.len(), *n);
    assert!(added.iter().all(|r| s(r, "employeeId") != gone.as_str()));
    check_merged(&prep, &out);
}

/// Seed case 3: fill 10 empty slots and prove the 100 locked ones unchanged (employee, date,
/// shift — the JSON objects themselves), in both modes.
#[test]
fn seed_case_3_ten_filled_hundred_locked_unchanged() {
    // 10 employees × 14 days, 5 + 3 people a day: 112 positions; drop 10 after the cutoff and
    // 2 more anywhere … simpler: keep the first 110 and open 10 of them.
    let mut req = request(14, 14, 5, 3);
    req["constraintList"] = json!([
        {"id": "C2", "params": {"maxHoursPerWeek": 48}},
        {"id": "C3", "params": {"maxConsecutiveDays": 6}},
        {"id": "C4", "params": {"minRestHours": 11}}
    ]);
    let full_prev = solve_fresh(&req);
    let all = assignments(&full_prev);
    assert!(all.len() >= 110, "{}", all.len());
    // 110 previous positions: 100 kept, the 10 latest opened (UNASSIGNED).
    let mut prev_items: Vec<Value> = all[..110].to_vec();
    for item in prev_items[100..].iter_mut() {
        item["status"] = json!("UNASSIGNED");
        item.as_object_mut().unwrap().remove("employeeId");
    }
    // Demand = the 110 positions exactly (the other slots' headcount drops accordingly).
    let mut per_slot: std::collections::BTreeMap<String, u32> = Default::default();
    for a in &prev_items {
        *per_slot.entry(s(a, "slotId").to_string()).or_default() += 1;
    }
    let mut demand = Vec::new();
    for (id, code) in [("day", "D"), ("night", "N")] {
        let by_date: serde_json::Map<String, Value> = per_slot
            .iter()
            .filter(|(k, _)| k.starts_with(&format!("{id}/")))
            .map(|(k, &n)| (k[id.len() + 1..].to_string(), json!(n)))
            .collect();
        demand.push(
            json!({"demandId": id, "shiftCode": code, "headcount": 0, "headcountByDate": by_date}),
        );
    }
    req["demandItems"] = json!(demand);
    let cutoff = s(&prev_items[100], "date");
    let cutoff = (chrono::NaiveDate::parse_from_str(cutoff, "%Y-%m-%d").unwrap()
        - chrono::Duration::days(1))
    .to_string();
    let from = (chrono::NaiveDate::parse_from_str(&cutoff, "%Y-%m-%d").unwrap()
        + chrono::Duration::days(1))
    .to_string();
    let prev = json!({"assignments": prev_items, "solverMetadata": {"source": "test"}});
    let doc = full_request(&req, &prev, (&cutoff, &from, "2025-12-14"), json!({}));
    let (prep, sol, out) = run(&doc);
    assert!(sol.status.has_roster());
    let inc = &out["incrementalSolve"];
    assert_eq!(inc["emptySlotCount"], 10);
    assert_eq!(inc["filledSlotCount"], 10, "{inc:#}");
    assert_eq!(inc["lockedAssignmentCount"], 100);
    let merged = assignments(&out);
    assert_eq!(merged.len(), 110);
    for locked in &prev_items[..100] {
        assert!(
            merged.contains(locked),
            "locked assignment changed: {locked}"
        );
    }
    assert_eq!(inc["changedAssignments"]["counts"]["removed"], 0);
    assert_eq!(inc["changedAssignments"]["counts"]["changed"], 0);
    assert_eq!(inc["changedAssignments"]["counts"]["added"], 10);
    check_merged(&prep, &out);

    // The same through the empty-slots mode: 10 slots in, only those 10 out.
    let small = incremental::empty_slots_request(&prep);
    let (prep2, sol2, out2) = run(&small);
    assert_eq!(prep2.mode, Mode::EmptySlots);
    assert_eq!(assignments(&out2).len(), 10);
    assert_eq!(out2["incrementalSolve"]["filledSlotCount"], 10);
    let (a, b) = (sol.objective.unwrap(), sol2.objective.unwrap());
    assert!((a - b).abs() < 1e-6, "{a} vs {b}");
}

/// Boundary: a cutoff in the middle of an ISO week. E4 (the favourite) worked Mon–Wed of W49
/// (24 h, locked); with a 32 h cap it may work one more day of that week, not two.
#[test]
fn cutoff_in_the_middle_of_an_iso_week_counts_the_locked_hours() {
    let mut req = request(5, 7, 1, 0);
    req["constraintList"] = json!([
        {"id": "C2", "params": {"maxHoursPerWeek": 32}},
        {"id": "C3", "params": {"maxConsecutiveDays": 7}},
    ]);
    let items: Vec<Value> = ["2025-12-01", "2025-12-02", "2025-12-03"]
        .iter()
        .map(|d| json!({"slotId": format!("day/{d}"), "date": d, "shiftCode": "D", "employeeId": "E4"}))
        .collect();
    let prev = json!({ "assignments": items });
    let doc = full_request(
        &req,
        &prev,
        ("2025-12-03", "2025-12-04", "2025-12-07"),
        json!({}),
    );
    let (prep, _, out) = run(&doc);
    let w49 = roster::domain::IsoWeek::parse("2025-W49").unwrap();
    let e4 = prep.problem.employee_by_id("E4").unwrap();
    assert_eq!(
        prep.problem.history(e4).weekly_minutes.get(&w49),
        Some(&(24 * 60))
    );
    let e4_days = assignments(&out)
        .iter()
        .filter(|a| s(a, "employeeId") == "E4")
        .count();
    assert_eq!(e4_days, 4, "3 locked + 1 more within 32 h: {out:#}");
    check_merged(&prep, &out);
}

/// Boundary: a night shift on the cutoff day ends at 06:00 on the first solve day; with 11 h
/// rest the favourite cannot take that day's 07:00 D shift (but can the next day's).
#[test]
fn night_shift_ending_after_midnight_on_the_cutoff_day_keeps_the_rest() {
    let mut req = request(3, 5, 1, 0);
    req["demandItems"] = json!([
        {"demandId": "day", "shiftCode": "D", "headcount": 1, "dates": ["2025-12-03", "2025-12-04"]},
        {"demandId": "night", "shiftCode": "N", "headcount": 0, "dates": ["2025-12-02"]}
    ]);
    let prev = json!({"assignments": [
        {"slotId": "night/2025-12-02", "date": "2025-12-02", "shiftCode": "N", "employeeId": "E2"}
    ]});
    let doc = full_request(
        &req,
        &prev,
        ("2025-12-02", "2025-12-03", "2025-12-05"),
        json!({}),
    );
    let (prep, _, out) = run(&doc);
    let e2 = prep.problem.employee_by_id("E2").unwrap();
    assert_eq!(prep.problem.history(e2).last_shift_end, Some(6 * 60));
    let a = assignments(&out);
    let who = |d: &str| {
        a.iter()
            .find(|x| s(x, "date") == d && s(x, "shiftCode") == "D")
            .map(|x| s(x, "employeeId").to_string())
    };
    assert_ne!(who("2025-12-03").as_deref(), Some("E2"), "{a:#?}");
    assert_eq!(who("2025-12-04").as_deref(), Some("E2"), "{a:#?}");
    check_merged(&prep, &out);
}

/// Boundary: a joiner has no history and takes work; a departure before the cutoff keeps the
/// locked history and frees only the later slots.
#[test]
fn joiner_without_history_and_departure_before_the_cutoff() {
    let req = request(4, 10, 1, 1);
    let prev = solve_fresh(&req);
    let e1_before: Vec<Value> = assignments(&prev)
        .into_iter()
        .filter(|a| s(a, "employeeId") == "E1" && s(a, "date") <= "2025-12-05")
        .collect();
    let e1_after = assignments(&prev)
        .iter()
        .filter(|a| s(a, "employeeId") == "E1" && s(a, "date") > "2025-12-05")
        .count();
    assert!(!e1_before.is_empty() && e1_after > 0);
    let doc = full_request(
        &req,
        &prev,
        ("2025-12-05", "2025-12-06", "2025-12-10"),
        json!({
            "departures": [{"employeeId": "E1", "departureDate": "2025-12-03"}],
            "newJoiners": [{"employeeId": "J1", "experienceYears": 30}]
        }),
    );
    let (prep, _, out) = run(&doc);
    assert!(
        prep.problem.employee_by_id("E1").is_none(),
        "departed left the pool"
    );
    let j1 = prep
        .problem
        .employee_by_id("J1")
        .expect("joiner in the pool");
    assert_eq!(
        prep.problem.history(j1),
        &roster::domain::EmployeeHistory::default()
    );
    let a = assignments(&out);
    for x in &e1_before {
        assert!(a.contains(x), "locked history of the departed kept: {x}");
    }
    assert!(a
        .iter()
        .all(|x| !(s(x, "employeeId") == "E1" && s(x, "date") > "2025-12-05")));
    assert!(a.iter().any(|x| s(x, "employeeId") == "J1"), "{a:#?}");
    assert_eq!(
        out["incrementalSolve"]["reasons"]["DEPARTED_EMPLOYEE"],
        json!(e1_after)
    );
    check_merged(&prep, &out);
}

/// Boundary: an empty `emptySlots` list is status NO_SLOTS with nothing assigned.
#[test]
fn empty_empty_slots_is_no_slots() {
    let doc = json!({
        "requestData": request(2, 7, 1, 1),
        "emptySlots": [],
        "temporalWindow": {"solveFromDate": "2025-12-04", "solveToDate": "2025-12-07"}
    });
    let (_, sol, out) = run(&doc);
    assert_eq!(sol.status, Status::NoSlots);
    assert_eq!(out["status"], "NO_SLOTS");
    assert_eq!(assignments(&out).len(), 0);
    assert_eq!(out["incrementalSolve"]["emptySlotCount"], 0);
}

/// Long leave frees the employee's shifts in the leave period only, and keeps them off.
#[test]
fn long_leave_frees_the_period_only() {
    let req = request(4, 10, 1, 1);
    let prev = solve_fresh(&req);
    let doc = full_request(
        &req,
        &prev,
        ("2025-12-03", "2025-12-04", "2025-12-10"),
        json!({"longLeaves": [{"employeeId": "E3", "from": "2025-12-06", "to": "2025-12-08"}]}),
    );
    let (prep, _, out) = run(&doc);
    let on_leave = |a: &Value| {
        s(a, "employeeId") == "E3" && ("2025-12-06"..="2025-12-08").contains(&s(a, "date"))
    };
    let freed = assignments(&prev).iter().filter(|a| on_leave(a)).count();
    assert_eq!(
        out["incrementalSolve"]["reasons"]["LONG_LEAVE"],
        json!(freed)
    );
    assert!(!assignments(&out).iter().any(on_leave));
    for a in assignments(&prev).iter().filter(|a| !on_leave(a)) {
        assert!(assignments(&out).contains(a), "kept: {a}");
    }
    check_merged(&prep, &out);
}

/// An open position outside the solve window stays open (it is not an error, and it is not
/// filled), while the open ones inside are filled.
#[test]
fn open_positions_outside_the_window_stay_open() {
    let req = request(4, 10, 1, 0);
    let mut prev = solve_fresh(&req);
    for item in prev["assignments"].as_array_mut().unwrap() {
        if ["2025-12-06", "2025-12-09"].contains(&s(item, "date")) && s(item, "shiftCode") == "D" {
            item["status"] = json!("UNASSIGNED");
            item.as_object_mut().unwrap().remove("employeeId");
        }
    }
    let doc = full_request(
        &req,
        &prev,
        ("2025-12-04", "2025-12-05", "2025-12-07"),
        json!({}),
    );
    let (prep, _, out) = run(&doc);
    assert_eq!(out["incrementalSolve"]["emptySlotCount"], 1);
    assert_eq!(out["incrementalSolve"]["reasons"]["UNASSIGNED"], 1);
    let a = assignments(&out);
    assert!(a
        .iter()
        .any(|x| s(x, "date") == "2025-12-06" && s(x, "shiftCode") == "D"));
    assert!(!a
        .iter()
        .any(|x| s(x, "date") == "2025-12-09" && s(x, "shiftCode") == "D"));
    check_merged(&prep, &out);
}

/// requestData's own locked context (history before its horizon) counts in full-roster mode
/// and is folded into the locked context `roster locked-context` writes: E3 (the favourite)
/// has a 5-day streak before 2025-12-01 and a locked D on the 1st, so with C3 max 5 it cannot
/// take the 2nd … in either mode. Reasons given by the client (MANUAL_RELEASE) are counted.
#[test]
fn request_history_before_the_horizon_is_folded_in() {
    let mut req = request(4, 7, 1, 0);
    req["constraintList"] = json!([
        {"id": "C3", "params": {"maxConsecutiveDays": 6}},
        {"id": "C4", "params": {"minRestHours": 11}}
    ]);
    req["lockedContext"] = json!({"employeeAssignments": [
        {"employeeId": "E3", "consecutiveWorkingDays": 5}
    ]});
    let prev = json!({"assignments": [
        {"slotId": "day/2025-12-01", "date": "2025-12-01", "shiftCode": "D", "employeeId": "E3"}
    ]});
    let doc = full_request(
        &req,
        &prev,
        ("2025-12-01", "2025-12-02", "2025-12-07"),
        json!({}),
    );
    let (prep, sol, out) = run(&doc);
    let e3 = prep.problem.employee_by_id("E3").unwrap();
    assert_eq!(prep.problem.history(e3).streak_days, 6);
    let e3_on_2nd = |o: &Value| {
        assignments(o)
            .iter()
            .any(|a| s(a, "employeeId") == "E3" && s(a, "date") == "2025-12-02")
    };
    assert!(!e3_on_2nd(&out), "{out:#}");
    let mut small = incremental::empty_slots_request(&prep);
    assert!(small["requestData"].get("lockedContext").is_none());
    small["emptySlots"][0]["reason"] = json!("MANUAL_RELEASE");
    let (prep2, sol2, out2) = run(&small);
    assert_eq!(prep2.problem.history(e3).streak_days, 6);
    assert!(!e3_on_2nd(&out2), "{out2:#}");
    assert_eq!(out2["incrementalSolve"]["reasons"]["MANUAL_RELEASE"], 1);
    assert!((sol.objective.unwrap() - sol2.objective.unwrap()).abs() < 1e-9);
}

/// `roster diff` of two rosters, by employee and date.
#[test]
fn diff_by_employee_and_date() {
    let p = |e: &str, d: &str, t: &str| roster::incremental::Placement {
        employee_id: e.into(),
        date: d.into(),
        shift_code: t.into(),
        slot_id: format!("{t}/{d}"),
    };
    let old = vec![p("A", "1", "D"), p("B", "1", "N"), p("C", "2", "D")];
    let new = vec![p("A", "1", "D"), p("B", "1", "D"), p("D", "2", "D")];
    let d = incremental::diff(&old, &new);
    assert_eq!(d.changed, vec![(p("B", "1", "N"), p("B", "1", "D"))]);
    assert_eq!(d.removed, vec![p("C", "2", "D")]);
    assert_eq!(d.added, vec![p("D", "2", "D")]);
    assert!(incremental::diff(&old, &old).is_empty());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// A random situation: a fresh roster, a cutoff, maybe a departure, maybe a long leave,
    /// maybe some positions opened after the cutoff.
    #[derive(Clone, Debug)]
    struct Situation {
        emp: usize,
        days: u32,
        day_hc: u32,
        night_hc: u32,
        cutoff: u32,
        depart: Option<(usize, u32)>,
        leave: Option<(usize, u32, u32)>,
        open: Vec<usize>,
    }

    fn arb_situation() -> impl Strategy<Value = Situation> {
        (3usize..6, 6u32..11, 1u32..3, 0u32..2).prop_flat_map(|(emp, days, day_hc, night_hc)| {
            (
                1u32..days - 1,
                proptest::option::of((0..emp, 0..days)),
                proptest::option::of((0..emp, 0..days, 0u32..4)),
                proptest::collection::vec(0usize..100, 0..4),
            )
                .prop_map(move |(cutoff, depart, leave, open)| Situation {
                    emp,
                    days,
                    day_hc,
                    night_hc,
                    cutoff,
                    depart,
                    leave,
                    open,
                })
        })
    }

    fn date(d: u32) -> String {
        (chrono::NaiveDate::from_ymd_opt(2025, 12, 1).unwrap() + chrono::Duration::days(d.into()))
            .to_string()
    }

    /// The request, the previous roster document and the full-roster request.
    fn build(s: &Situation) -> (Value, Value) {
        let mut req = request(s.emp, s.days, s.day_hc, s.night_hc);
        req["constraintList"] = json!([
            {"id": "C2", "params": {"maxHoursPerWeek": 48}},
            {"id": "C3", "params": {"maxConsecutiveDays": 6}},
            {"id": "C4", "params": {"minRestHours": 11}},
            {"id": "C8", "params": {"maxTotalHours": 60, "maxMonthlyHours": 56}},
            {"id": "C9", "params": {"maxShiftsPerType": {"N": 4}}},
            {"id": "C11", "params": {"maxWeekends": 2}},
            {"id": "C13", "params": {"maxAssignments": 7}}
        ]);
        // A "cannot follow" list, so the last locked shift's type matters (C4).
        req["shiftTypes"][1]["cannotFollow"] = json!(["D"]);
        let mut prev = solve_fresh(&req);
        let cutoff = date(s.cutoff);
        // Open some positions after the cutoff.
        let items = prev["assignments"].as_array_mut().unwrap();
        let after: Vec<usize> = (0..items.len())
            .filter(|&i| s_(&items[i], "date") > cutoff.as_str())
            .collect();
        for &k in &s.open {
            if !after.is_empty() {
                let i = after[k % after.len()];
                items[i]["status"] = json!("UNASSIGNED");
                items[i].as_object_mut().unwrap().remove("employeeId");
            }
        }
        let mut changes = json!({});
        if let Some((e, d)) = s.depart {
            changes["departures"] =
                json!([{"employeeId": format!("E{e}"), "departureDate": date(d)}]);
        }
        if let Some((e, d, len)) = s.leave {
            if s.depart.is_none_or(|(x, _)| x != e) {
                changes["longLeaves"] = json!([{"employeeId": format!("E{e}"), "from": date(d), "to": date((d + len).min(s.days - 1))}]);
            }
        }
        let doc = full_request(
            &req,
            &prev,
            (&cutoff, &date(s.cutoff + 1), &date(s.days - 1)),
            changes,
        );
        (prev, doc)
    }

    fn s_<'a>(v: &'a Value, k: &str) -> &'a str {
        s(v, k)
    }

    /// The previous assignments that must stay, by the issue's classification, computed here
    /// independently of the library.
    fn must_stay(s: &Situation, prev: &Value) -> Vec<Value> {
        let cutoff = date(s.cutoff);
        assignments(prev)
            .into_iter()
            .filter(|a| a.get("employeeId").is_some())
            .filter(|a| {
                let (e, d) = (s_(a, "employeeId"), s_(a, "date"));
                if d <= cutoff.as_str() {
                    return true;
                }
                let departed = s
                    .depart
                    .is_some_and(|(x, dd)| e == format!("E{x}") && d >= date(dd).as_str());
                let on_leave = s.leave.is_some_and(|(x, a0, len)| {
                    s.depart.is_none_or(|(y, _)| y != x)
                        && e == format!("E{x}")
                        && d >= date(a0).as_str()
                        && d <= date((a0 + len).min(s.days - 1)).as_str()
                });
                !departed && !on_leave
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

        /// Locked assignments never change; the checker finds no violation in the window
        /// problem (run) nor in the merged roster over the whole horizon; both modes reach
        /// the same objective; re-solving the result with nothing solvable changes nothing.
        #[test]
        fn incremental_guarantees(s in arb_situation()) {
            let (prev, doc) = build(&s);
            let (prep, sol, out) = run(&doc);
            prop_assert!(sol.status.has_roster() || sol.status == Status::NoSlots, "{:?}", sol.status);
            let merged = assignments(&out);
            for a in must_stay(&s, &prev) {
                prop_assert!(merged.contains(&a), "locked assignment changed: {}", a);
            }
            check_merged(&prep, &out);

            check_trimming(&doc, &prep, &sol);

            // Both modes, same situation: same window problem, same objective — in the lean
            // form (no demand items, the empty slots define the slots) and with demand items.
            for small in [
                incremental::empty_slots_request(&prep),
                incremental::empty_slots_request_with_demand(&prep),
            ] {
                let text = serde_json::to_string(&small).unwrap();
                let small: Value = serde_json::from_str(&text).unwrap();
                let (prep2, sol2, out2) = run(&small);
                prop_assert_eq!(&prep2.problem.slots, &prep.problem.slots);
                prop_assert_eq!(&prep2.problem.locked, &prep.problem.locked);
                prop_assert_eq!(&prep2.problem.employees, &prep.problem.employees);
                prop_assert!(prep2.left_out.is_empty(), "the empty-slots request holds the trimmed pool");
                prop_assert_eq!(sol2.status, sol.status);
                if let (Some(a), Some(b)) = (sol.objective, sol2.objective) {
                    prop_assert!((a - b).abs() <= 1e-6 * a.abs().max(1.0), "{} vs {}", a, b);
                }
                prop_assert_eq!(
                    &out2["incrementalSolve"]["filledSlotCount"],
                    &out["incrementalSolve"]["filledSlotCount"]
                );
            }

            // Re-solve the result as the previous roster, with no changes: nothing removed
            // or changed; with every position filled, nothing to solve at all.
            let again = full_request(&doc["requestData"], &out, (
                s_(&doc["temporalWindow"], "cutoffDate"),
                s_(&doc["temporalWindow"], "solveFromDate"),
                s_(&doc["temporalWindow"], "solveToDate"),
            ), json!({}));
            let (_, sol3, out3) = run(&again);
            let ch = &out3["incrementalSolve"]["changedAssignments"]["counts"];
            prop_assert_eq!(&ch["removed"], &json!(0));
            prop_assert_eq!(&ch["changed"], &json!(0));
            if out["incrementalSolve"]["unfilledSlotCount"] == 0 {
                prop_assert_eq!(sol3.status, Status::NoSlots);
                prop_assert_eq!(assignments(&out3), merged);
            }
        }
    }
}

mod binary {
    use super::*;
    use common::roster;

    fn write(dir: &std::path::Path, name: &str, v: &Value) {
        std::fs::write(dir.join(name), serde_json::to_string_pretty(v).unwrap()).unwrap();
    }

    fn situation(dir: &std::path::Path) -> Value {
        let req = request(4, 7, 1, 1);
        let prev = solve_fresh(&req);
        let doc = full_request(
            &req,
            &prev,
            ("2025-12-03", "2025-12-04", "2025-12-07"),
            json!({"departures": [{"employeeId": "E3", "departureDate": "2025-12-04"}]}),
        );
        write(dir, "prev.json", &prev);
        write(dir, "inc.json", &doc);
        doc
    }

    /// Invalid input: exit 2, the pointer and the rule on stderr, nothing written.
    fn rejected(dir: &std::path::Path, doc: &Value, pointer: &str, rule: &str) -> String {
        write(dir, "bad.json", doc);
        let r = roster(dir, &["solve", "bad.json", "-o", "out.json"]);
        r.expect_code(2);
        assert!(
            r.stderr.contains(pointer) && r.stderr.contains(rule),
            "{pointer} [{rule}] not in:\n{}",
            r.stderr
        );
        assert!(!dir.join("out.json").exists(), "nothing is written");
        r.stderr
    }

    #[test]
    fn modes_through_the_binary_agree_and_diff_shows_the_changes() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        situation(d);
        roster(d, &["solve", "inc.json", "-o", "full.json"]).expect_code(0);
        roster(d, &["locked-context", "inc.json", "-o", "small.json"]).expect_code(0);
        let small: Value =
            serde_json::from_str(&std::fs::read_to_string(d.join("small.json")).unwrap()).unwrap();
        assert!(small.get("emptySlots").is_some() && small.get("previousRoster").is_none());
        assert!(
            small["requestData"].get("demandItems").is_none(),
            "the lean form: the empty slots define the slots"
        );
        roster(d, &["solve", "small.json", "-o", "filled.json"]).expect_code(0);
        let read = |f: &str| -> Value {
            serde_json::from_str(&std::fs::read_to_string(d.join(f)).unwrap()).unwrap()
        };
        let (full, filled) = (read("full.json"), read("filled.json"));
        assert_eq!(full["incrementalSolve"]["mode"], "full_roster");
        assert_eq!(filled["incrementalSolve"]["mode"], "empty_slots");
        assert_eq!(
            full["solverRun"]["objective"], filled["solverRun"]["objective"],
            "both modes, same objective"
        );
        // The merged roster checks on the request's horizon (E3 is still in requestData).
        write(d, "req.json", &read("inc.json")["requestData"]);
        roster(d, &["check", "req.json", "full.json"]).expect_code(0);
        // The same through check/validate with the incremental requests themselves.
        let r = roster(d, &["check", "inc.json", "full.json"]);
        r.expect_code(0);
        assert!(
            r.stderr.contains("feasible") && r.stderr.contains("merged roster"),
            "{}",
            r.stderr
        );
        let r = roster(d, &["check", "small.json", "filled.json"]);
        r.expect_code(0);
        assert!(r.stderr.contains("matches"), "{}", r.stderr);
        let r = roster(d, &["validate", "inc.json"]);
        r.expect_code(0);
        assert!(
            r.stdout.contains("full_roster") && r.stdout.contains("solvable"),
            "{}",
            r.stdout
        );
        roster(d, &["validate", "small.json"]).expect_code(0);
        // Giving a new slot to someone locked on another shift that day breaks one shift per
        // day in the window (the locked context counted): check says so (exit 5).
        let mut bad = filled.clone();
        let first = bad["assignments"][0].clone();
        let busy = assignments(&full)
            .into_iter()
            .find(|a| s(a, "date") == s(&first, "date") && s(a, "slotId") != s(&first, "slotId"))
            .expect("someone is locked on another shift that day");
        bad["assignments"][0]["employeeId"] = busy["employeeId"].clone();
        write(d, "bad-filled.json", &bad);
        let r = roster(d, &["check", "small.json", "bad-filled.json"]);
        r.expect_code(5);
        assert!(r.stderr.contains("C5"), "{}", r.stderr);
        // diff OLD NEW = the changed assignments of the incremental block.
        let r = roster(d, &["diff", "prev.json", "full.json"]);
        r.expect_code(0);
        assert_eq!(r.json(), full["incrementalSolve"]["changedAssignments"]);
        // --cutoff moves the window.
        let r = roster(d, &["locked-context", "inc.json", "--cutoff", "2025-12-05"]);
        r.expect_code(0);
        assert_eq!(r.json()["temporalWindow"]["solveFromDate"], "2025-12-06");
        assert_eq!(r.json()["lockedContext"]["cutoffDate"], "2025-12-05");
    }

    #[test]
    fn no_slots_exits_zero() {
        let dir = tempfile::tempdir().unwrap();
        let doc = json!({
            "requestData": request(2, 7, 1, 1),
            "emptySlots": [],
            "temporalWindow": {"solveFromDate": "2025-12-04", "solveToDate": "2025-12-07"}
        });
        write(dir.path(), "e.json", &doc);
        let r = roster(dir.path(), &["solve", "e.json"]);
        r.expect_code(0);
        assert_eq!(r.json()["status"], "NO_SLOTS");
    }

    #[test]
    fn bad_incremental_input_is_rejected_with_pointers() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let doc = situation(d);
        // Both modes at once: rejected, not guessed.
        let mut both = doc.clone();
        both["emptySlots"] = json!([]);
        let err = rejected(d, &both, "/", "ambiguous-mode");
        assert!(err.contains("previousRoster") && err.contains("emptySlots"));
        // Neither: the error names both.
        let mut neither = doc.clone();
        neither.as_object_mut().unwrap().remove("previousRoster");
        let err = rejected(d, &neither, "/", "missing-mode");
        assert!(err.contains("previousRoster") && err.contains("emptySlots"));
        // Cutoff not before the window.
        let mut w = doc.clone();
        w["temporalWindow"]["cutoffDate"] = json!("2025-12-04");
        rejected(
            d,
            &w,
            "/temporalWindow/cutoffDate",
            "cutoff-not-before-window",
        );
        // Schema: a missing window field.
        let mut w = doc.clone();
        w["temporalWindow"]
            .as_object_mut()
            .unwrap()
            .remove("solveToDate");
        rejected(d, &w, "/temporalWindow", "required");
        // requestData errors point into requestData; joiner errors into newJoiners.
        let mut w = doc.clone();
        w["requestData"]["demandItems"][0]["shiftCode"] = json!("X");
        rejected(
            d,
            &w,
            "/requestData/demandItems/0/shiftCode",
            "unknown-shift-code",
        );
        let mut w = doc.clone();
        w["employeeChanges"]["newJoiners"] = json!([{"employeeId": "J", "experienceYears": -3}]);
        rejected(
            d,
            &w,
            "/employeeChanges/newJoiners/0/experienceYears",
            "minimum",
        );
        // A previous assignment of someone unknown, on an unknown shift.
        let mut w = doc.clone();
        w["previousRoster"]["assignments"][0]["employeeId"] = json!("NOBODY");
        rejected(
            d,
            &w,
            "/previousRoster/assignments/0/employeeId",
            "unknown-employee",
        );
        let mut w = doc.clone();
        w["previousRoster"]["assignments"][0]["shiftCode"] = json!("Z");
        rejected(
            d,
            &w,
            "/previousRoster/assignments/0/shiftCode",
            "unknown-shift-code",
        );
        // A departure freeing shifts after the window.
        let mut w = doc.clone();
        w["temporalWindow"]["solveToDate"] = json!("2025-12-05");
        rejected(
            d,
            &w,
            "/previousRoster/assignments/",
            "freed-outside-window",
        );
        // Manual releases: before the cutoff, of nothing, twice.
        let mut w = doc.clone();
        let first = doc["previousRoster"]["assignments"][0].clone();
        w["manualReleases"] = json!([{"employeeId": first["employeeId"], "date": first["date"], "shiftCode": first["shiftCode"]}]);
        rejected(d, &w, "/manualReleases/0/date", "release-before-cutoff");
        w["manualReleases"] = json!([{"employeeId": "E0", "date": "2025-12-05", "shiftCode": "Z"}]);
        rejected(d, &w, "/manualReleases/0", "unknown-assignment");
        let late = doc["previousRoster"]["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| s(a, "date") == "2025-12-06")
            .cloned()
            .unwrap();
        let r = json!({"employeeId": late["employeeId"], "date": "2025-12-06", "shiftCode": late["shiftCode"]});
        w["manualReleases"] = json!([r, r]);
        rejected(d, &w, "/manualReleases/1", "duplicate-release");
        // Empty-slots mode: an unknown slot, a bad reason, a locked context twice.
        let small = json!({
            "requestData": request(2, 7, 1, 1),
            "emptySlots": [{"slotId": "nope", "date": "2025-12-05", "shiftCode": "D", "requirementId": "zzz"}],
            "temporalWindow": {"solveFromDate": "2025-12-04", "solveToDate": "2025-12-07"}
        });
        rejected(d, &small, "/emptySlots/0/slotId", "unknown-slot");
        let mut w = small.clone();
        w["emptySlots"][0] = json!({"slotId": "day/2025-12-05", "date": "2025-12-05", "shiftCode": "D", "requirementId": "day", "reason": "BORED"});
        rejected(d, &w, "/emptySlots/0/reason", "enum");
        let mut w = small.clone();
        w["emptySlots"] = json!([]);
        w["requestData"]["lockedContext"] = json!({"employeeAssignments": []});
        rejected(d, &w, "/requestData/lockedContext", "locked-context-twice");
        let mut w = small.clone();
        w["emptySlots"] = json!([]);
        w["lockedContext"] =
            json!({"employeeAssignments": [{"employeeId": "E0", "lockedShifts": "D,Q"}]});
        rejected(
            d,
            &w,
            "/lockedContext/employeeAssignments/0/lockedShifts",
            "unknown-shift-code",
        );
        // The helper refuses a request without a previous roster (exit 2).
        write(d, "small.json", &small);
        roster(d, &["locked-context", "small.json"]).expect_code(2);
    }
}

/// One snapshot of a full-roster output (timings redacted): the merged roster, the changed
/// assignments and the counts.
#[test]
fn snapshot_full_roster_output() {
    let req = request(4, 7, 1, 1);
    let prev = solve_fresh(&req);
    let doc = full_request(
        &req,
        &prev,
        ("2025-12-03", "2025-12-04", "2025-12-07"),
        json!({
            "departures": [{"employeeId": "E3", "departureDate": "2025-12-05"}],
            "newJoiners": [{"employeeId": "J1", "experienceYears": 2}]
        }),
    );
    let (prep, _, mut out) = run(&doc);
    check_merged(&prep, &out);
    out["solverRun"]["wallTimeSeconds"] = json!("[time]");
    out["solverRun"]["timeToBestSeconds"] = json!("[time]");
    if out["solverRun"]["milp"].is_object() {
        out["solverRun"]["milp"]["buildSeconds"] = json!("[time]");
        out["solverRun"]["milp"]["solveSeconds"] = json!("[time]");
    }
    out["incrementalSolve"]["prepareSeconds"] = json!("[time]");
    out["incrementalSolve"]["classificationSeconds"] = json!("[time]");
    insta::assert_json_snapshot!("incremental_full_roster", out);
}

/// A request over Mon 2025-12-01 .. Sun 12-07 with two part-day shifts (M 07–12, A 14–19,
/// 5 h each), one person each a day, C5 off (two shifts a day allowed), C2 20 h a week.
fn part_day_request(employees: Value) -> Value {
    json!({
        "schemaVersion": "0.96",
        "planningHorizon": {"startDate": "2025-12-01", "endDate": "2025-12-07"},
        "shiftTypes": [
            {"code": "M", "startTime": "07:00", "endTime": "12:00"},
            {"code": "A", "startTime": "14:00", "endTime": "19:00"}
        ],
        "demandItems": [
            {"demandId": "M", "shiftCode": "M", "headcount": 1},
            {"demandId": "A", "shiftCode": "A", "headcount": 1}
        ],
        "employees": employees,
        "solverConfig": {"timeLimitSeconds": 20, "threads": 1, "seed": 1},
        "constraintList": [
            {"id": "C2", "params": {"maxHoursPerWeek": 20}},
            {"id": "C5", "enabled": false}
        ]
    })
}

fn placed(emp: &str, date: &str, code: &str) -> Value {
    json!({"slotId": format!("{code}/{date}"), "date": date, "shiftCode": code, "employeeId": emp})
}

/// Regression (found with the ~15,000-assignment part-day case): two locked shifts of one
/// person on one day both count. The MILP kept one locked shift per employee and day, so C2
/// saw 10 of E0's 20 locked hours and gave the favourite E0 more work than its cap; the
/// checker caught it. Here E0 (the favourite) has M+A locked on Tue and Wed (20 h): it gets
/// nothing more that week, E1 takes 4 of the 8 open positions (its own 20 h), 4 stay open.
#[test]
fn two_locked_shifts_on_one_day_both_count() {
    let req = part_day_request(json!([
        {"employeeId": "E0", "experienceYears": 20},
        {"employeeId": "E1", "experienceYears": 1}
    ]));
    let prev = json!({"assignments": [
        placed("E0", "2025-12-02", "M"), placed("E0", "2025-12-02", "A"),
        placed("E0", "2025-12-03", "M"), placed("E0", "2025-12-03", "A"),
    ]});
    let doc = full_request(
        &req,
        &prev,
        ("2025-12-01", "2025-12-02", "2025-12-07"),
        json!({}),
    );
    let (prep, sol, out) = run(&doc);
    assert!(sol.status.has_roster(), "{:?}", sol.status);
    check_merged(&prep, &out);
    let new: Vec<Value> = assignments(&out)
        .into_iter()
        .filter(|a| s(a, "date") > "2025-12-03")
        .collect();
    assert!(new.iter().all(|a| s(a, "employeeId") == "E1"), "{new:#?}");
    assert_eq!(out["incrementalSolve"]["filledSlotCount"], 4);
    assert_eq!(out["incrementalSolve"]["unfilledSlotCount"], 4);
    // The same through the lean empty-slots request.
    let (_, sol2, out2) = run(&incremental::empty_slots_request(&prep));
    assert_eq!(sol2.objective, sol.objective);
    assert_eq!(out2["incrementalSolve"]["filledSlotCount"], 4);
}

/// Rotation: E0 works the 4-day cycle D, D, off, off, at position 1 on 2025-12-01 (so D on
/// days d with (1 + d) mod 4 < 2), C12 hard. The window from 12-06 (day 5) continues it at
/// position (1 + 5) mod 4 = 2 — computed from the request in full-roster mode, read from
/// `rotationOffset` in empty-slots mode. E0 is the favourite, every window position is open,
/// so E0 is placed on exactly the days the rotation lets it work: ignoring the offset (the
/// cycle restarting at 0 on the window start) swaps its working days and days off, and the
/// checker on the whole horizon reports C12.
#[test]
fn rotation_continues_where_the_locked_history_left_it() {
    let mut req = request(3, 14, 1, 0);
    req["employees"][0]["experienceYears"] = json!(30);
    req["employees"][0]["rotation"] = json!({"pattern": ["D", "D", "-", "-"]});
    req["lockedContext"] =
        json!({"employeeAssignments": [{"employeeId": "E0", "rotationOffset": 1}]});
    req["constraintList"] = json!([{"id": "C12", "hard": true}]);
    let works = |date: &str| {
        let d = (chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap()
            - chrono::NaiveDate::from_ymd_opt(2025, 12, 1).unwrap())
        .num_days();
        (1 + d).rem_euclid(4) < 2
    };
    let mut prev = solve_fresh(&req);
    for a in prev["assignments"].as_array_mut().unwrap() {
        if s(a, "employeeId") == "E0" {
            assert!(
                works(s(a, "date")),
                "the fresh solve follows the rotation: {a}"
            );
        }
        if s(a, "date") > "2025-12-05" {
            a["status"] = json!("UNASSIGNED");
            a.as_object_mut().unwrap().remove("employeeId");
        }
    }
    let doc = full_request(
        &req,
        &prev,
        ("2025-12-05", "2025-12-06", "2025-12-14"),
        json!({}),
    );
    let (prep, sol, out) = run(&doc);
    assert!(sol.status.has_roster(), "{:?}", sol.status);
    assert_eq!(prep.problem.locked.history[0].rotation_offset, 2);
    check_merged(&prep, &out);
    let e0_days = |out: &Value| -> Vec<String> {
        assignments(out)
            .into_iter()
            .filter(|a| s(a, "employeeId") == "E0" && s(a, "date") >= "2025-12-06")
            .map(|a| s(&a, "date").to_string())
            .collect()
    };
    let expected: Vec<String> = (5..14)
        .map(|d| {
            (chrono::NaiveDate::from_ymd_opt(2025, 12, 1).unwrap() + chrono::Duration::days(d))
                .to_string()
        })
        .filter(|d| works(d))
        .collect();
    assert_eq!(
        e0_days(&out),
        expected,
        "the favourite works every rotation day, only those"
    );
    // Empty-slots mode reads the offset.
    let small = incremental::empty_slots_request(&prep);
    let entry = small["lockedContext"]["employeeAssignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["employeeId"] == "E0")
        .cloned()
        .expect("E0 has a locked context");
    assert_eq!(entry["rotationOffset"], 2);
    let (prep2, sol2, out2) = run(&small);
    assert_eq!(prep2.problem.locked, prep.problem.locked);
    assert_eq!(sol2.objective, sol.objective);
    assert_eq!(e0_days(&out2), expected);
    // Another offset is another rotation: E0 then works the complementary days.
    let mut shifted = small.clone();
    for e in shifted["lockedContext"]["employeeAssignments"]
        .as_array_mut()
        .unwrap()
    {
        if e["employeeId"] == "E0" {
            e["rotationOffset"] = json!(0);
        }
    }
    let (_, _, out3) = run(&shifted);
    let days3 = e0_days(&out3);
    assert!(
        !days3.is_empty() && days3.iter().all(|d| !works(d)),
        "{days3:?}"
    );
}

/// A planner releases one published assignment after the cutoff by hand: it becomes
/// SOLVABLE (MANUAL_RELEASE), the position may be re-filled, everything else stays verbatim,
/// and the empty-slots request carries the reason.
#[test]
fn manual_release_frees_exactly_the_released_assignment() {
    let req = request(4, 7, 1, 1);
    let prev = solve_fresh(&req);
    let target = assignments(&prev)
        .into_iter()
        .find(|a| s(a, "date") == "2025-12-05" && s(a, "shiftCode") == "D")
        .expect("a D assignment on 12-05");
    let mut doc = full_request(
        &req,
        &prev,
        ("2025-12-03", "2025-12-04", "2025-12-07"),
        json!({}),
    );
    doc["manualReleases"] = json!([{
        "employeeId": target["employeeId"], "date": "2025-12-05", "shiftCode": "D"
    }]);
    let (prep, sol, out) = run(&doc);
    assert!(sol.status.has_roster(), "{:?}", sol.status);
    check_merged(&prep, &out);
    let inc = &out["incrementalSolve"];
    assert_eq!(inc["solvableAssignmentCount"], 1);
    assert_eq!(inc["reasons"]["MANUAL_RELEASE"], 1);
    assert_eq!(inc["emptySlotCount"], 1);
    assert_eq!(
        inc["filledSlotCount"], 1,
        "the released position is re-filled"
    );
    let merged = assignments(&out);
    for a in assignments(&prev) {
        if a != target {
            assert!(merged.contains(&a), "locked assignment changed: {a}");
        }
    }
    assert_eq!(
        merged
            .iter()
            .filter(|a| s(a, "slotId") == s(&target, "slotId"))
            .count(),
        1
    );
    let small = incremental::empty_slots_request(&prep);
    assert_eq!(small["emptySlots"].as_array().unwrap().len(), 1);
    assert_eq!(small["emptySlots"][0]["reason"], "MANUAL_RELEASE");
    let (_, sol2, out2) = run(&small);
    assert_eq!(sol2.objective, sol.objective);
    assert_eq!(out2["incrementalSolve"]["reasons"]["MANUAL_RELEASE"], 1);
}

/// The lean empty-slots form (no requestData.demandItems): an empty slot that cannot be
/// resolved, or is defined twice differently, is an input error with its pointer; with demand
/// items, a slot field that contradicts the demand is one too.
#[test]
fn lean_empty_slots_are_validated() {
    let mut data = request(2, 7, 1, 1);
    data.as_object_mut().unwrap().remove("demandItems");
    let doc = |slots: Value| {
        json!({
            "requestData": data,
            "emptySlots": slots,
            "temporalWindow": {"solveFromDate": "2025-12-04", "solveToDate": "2025-12-07"}
        })
    };
    let err = |d: &Value| incremental::load(d).expect_err("rejected").errors;
    let e = err(&doc(json!([
        {"slotId": "x", "date": "2025-12-05", "shiftCode": "Q", "requirementId": "r"}
    ])));
    assert_eq!(
        (e[0].pointer.as_str(), e[0].rule.as_str()),
        ("/emptySlots/0/shiftCode", "unknown-shift-code")
    );
    let e = err(&doc(json!([
        {"slotId": "x", "date": "2025-12-05", "shiftCode": "D", "requirementId": "r"},
        {"slotId": "x", "date": "2025-12-05", "shiftCode": "D", "requirementId": "r", "underWeight": 7}
    ])));
    assert_eq!(
        (e[0].pointer.as_str(), e[0].rule.as_str()),
        ("/emptySlots/1", "slot-mismatch")
    );
    let e = err(&doc(json!([
        {"slotId": "x", "date": "2026-01-05", "shiftCode": "D", "requirementId": "r"}
    ])));
    assert_eq!(e[0].rule, "date-outside-horizon");
    // A valid lean slot: its own definition, two reasons adding up.
    let ok = doc(json!([
        {"slotId": "x", "date": "2025-12-05", "shiftCode": "D", "requirementId": "r",
         "requiredSkills": [{"skill": "s1"}], "underWeight": 50, "priority": 2, "reason": "MANUAL_RELEASE"},
        {"slotId": "x", "date": "2025-12-05", "shiftCode": "D", "requirementId": "r",
         "requiredSkills": [{"skill": "s1"}], "underWeight": 50, "priority": 2}
    ]));
    let prep = incremental::load(&ok).expect("valid");
    assert_eq!(prep.problem.slots.len(), 1);
    let slot = &prep.problem.slots[0];
    assert_eq!((slot.headcount, slot.day, slot.priority), (2, 1, 2));
    assert_eq!((slot.under_weight, slot.over_weight), (50.0, 10.0));
    assert_eq!(slot.required_skills[0].min_level, 1);
    // Nobody has skill s1: both positions stay open, the solve says so.
    let sol = solve_checked(&prep.problem);
    assert_eq!(sol.roster.assignments.len(), 0);
    // With demand items, a contradicting field is a mismatch.
    let mut full = doc(json!([
        {"slotId": "day/2025-12-05", "date": "2025-12-05", "shiftCode": "D", "requirementId": "day", "underWeight": 7}
    ]));
    full["requestData"] = request(2, 7, 1, 1);
    let e = err(&full);
    assert_eq!(
        (e[0].pointer.as_str(), e[0].rule.as_str()),
        ("/emptySlots/0/underWeight", "slot-mismatch")
    );
}

/// The pool trimming on a generated situation where it matters (part-day shifts, most of the
/// pool's weekly hours already locked): employees are left out, the empty-slots request
/// carries only the trimmed pool, both modes reach the same objective, and every left-out
/// employee provably could fill no open position (`check_trimming`).
#[test]
fn trimmed_pool_both_modes_agree_and_left_out_could_fill_nothing() {
    use roster::generate::{GenerateSpec, ShiftProfile};
    use roster::incremental::generate::{situation, SituationSpec};
    let spec = SituationSpec {
        request: GenerateSpec {
            employees: 40,
            days: 14,
            density: 0.85,
            seed: 3,
            ..SituationSpec::large().request
        },
        cutoff_day: 6,
        solvable: 6,
        profile: ShiftProfile::PartDay,
    };
    let doc = situation(&spec);
    let (prep, sol, out) = run(&doc);
    assert!(sol.status.has_roster(), "{:?}", sol.status);
    check_merged(&prep, &out);
    let left_out = check_trimming(&doc, &prep, &sol);
    assert!(left_out > 0, "this situation leaves employees out");
    let small = incremental::empty_slots_request(&prep);
    let listed = small["requestData"]["employees"].as_array().unwrap().len()
        + small["employeeChanges"]["newJoiners"]
            .as_array()
            .map_or(0, Vec::len);
    assert_eq!(listed, prep.problem.employees.len());
    let (prep2, sol2, _) = run(&small);
    assert_eq!(prep2.problem.employees, prep.problem.employees);
    assert_eq!(prep2.problem.locked, prep.problem.locked);
    let (a, b) = (sol.objective.unwrap(), sol2.objective.unwrap());
    assert!((a - b).abs() <= 1e-6 * a.abs().max(1.0), "{a} vs {b}");
}

/// The warm start's polish runs on a work budget, not a clock: the same request gives the
/// same warm start (and roster) every time.
#[test]
fn warm_start_is_the_same_on_every_run() {
    let req = request(6, 14, 1, 1);
    let p = roster::input::request_from_value(&req).expect("valid");
    let a = solve_checked(&p);
    let b = solve_checked(&p);
    let warm = a.milp.as_ref().and_then(|m| m.warm_start_objective);
    assert!(warm.is_some(), "a polished warm start was handed over");
    assert_eq!(warm, b.milp.as_ref().and_then(|m| m.warm_start_objective));
    assert_eq!(a.roster, b.roster);
}
