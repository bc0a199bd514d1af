//! Fixture cases for the constraint catalog: `constraints/cases/<ID>/<case>.json`.
//!
//! Each file holds a tiny request, a roster and the expected verdict. A case passes when
//! * the independent checker agrees with the hand-computed verdict (feasibility, number of
//!   violations per rule, objective), and
//! * the MILP encoding agrees with the checker: with every `x` column fixed to the roster,
//!   [`roster::solve::milp_verdict`] finds the same objective when the roster is feasible and
//!   no solution when it is not.
//!
//! Every case file must be listed in [`cases!`] below (a test enforces it), so a new case
//! cannot be skipped silently.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use roster::constraints::RuleId;
use roster::domain::{Assignment, Roster, SlotIdx};
use roster::scoring::FallbackScorer;
use serde_json::Value;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("constraints/cases")
}

/// One `#[test]` per case file, plus [`LISTED`], the files named here.
macro_rules! cases {
    ($($name:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $name() {
                run_case($file);
            }
        )*

        /// Every case file named in this test file.
        const LISTED: &[&str] = &[$($file),*];
    };
}

cases! {
    c1_exact_cover_hard => "C1/exact_cover_hard.json",
    c1_hard_under => "C1/hard_under.json",
    c1_soft_under_priority => "C1/soft_under_priority.json",
    c1_soft_under_default_weights => "C1/soft_under_default_weights.json",
    c1_hard_over_allowed => "C1/hard_over_allowed.json",
    c1_hard_over_disallowed => "C1/hard_over_disallowed.json",
    c1_soft_over_and_under => "C1/soft_over_and_under.json",
    c1_soft_over_disallowed => "C1/soft_over_disallowed.json",

    c2_at_cap => "C2/at_cap.json",
    c2_week_over_cap => "C2/week_over_cap.json",
    c2_contract_cap_overrides => "C2/contract_cap_overrides.json",
    c2_iso_weeks_not_rolling => "C2/iso_weeks_not_rolling.json",
    c2_locked_week_cut_by_start_ok => "C2/locked_week_cut_by_start_ok.json",
    c2_locked_week_cut_by_start_over => "C2/locked_week_cut_by_start_over.json",
    c2_locked_other_week_ignored => "C2/locked_other_week_ignored.json",
    c2_soft_over => "C2/soft_over.json",
    c2_soft_two_weeks_over => "C2/soft_two_weeks_over.json",
    c2_soft_locked_alone_over => "C2/soft_locked_alone_over.json",
    c2_hard_locked_alone_over => "C2/hard_locked_alone_over.json",

    c3_max_ok => "C3/max_ok.json",
    c3_max_exceeded => "C3/max_exceeded.json",
    c3_max_soft_windows => "C3/max_soft_windows.json",
    c3_max_locked_streak => "C3/max_locked_streak.json",
    c3_max_locked_streak_ok => "C3/max_locked_streak_ok.json",
    c3_max_locked_streak_soft => "C3/max_locked_streak_soft.json",
    c3_max_locked_streak_from_assigned_dates => "C3/max_locked_streak_from_assigned_dates.json",
    c3_max_locked_streak_not_continued => "C3/max_locked_streak_not_continued.json",
    c3_min_short_inside => "C3/min_short_inside.json",
    c3_min_ok_inside => "C3/min_ok_inside.json",
    c3_min_touching_end => "C3/min_touching_end.json",
    c3_min_touching_start_unknown => "C3/min_touching_start_unknown.json",
    c3_min_touching_start_known_off => "C3/min_touching_start_known_off.json",
    c3_min_locked_streak_completes => "C3/min_locked_streak_completes.json",
    c3_min_locked_streak_short => "C3/min_locked_streak_short.json",
    c3_min_soft_two_short => "C3/min_soft_two_short.json",
    c3_contract_overrides => "C3/contract_overrides.json",
    c3_two_shifts_a_day_c5_off => "C3/two_shifts_a_day_c5_off.json",

    c4_cannot_follow_next_day => "C4/cannot_follow_next_day.json",
    c4_cannot_follow_is_directional => "C4/cannot_follow_is_directional.json",
    c4_cannot_follow_next_day_only => "C4/cannot_follow_next_day_only.json",
    c4_cannot_follow_switched_off => "C4/cannot_follow_switched_off.json",
    c4_clock_overnight_night_then_day => "C4/clock_overnight_night_then_day.json",
    c4_clock_rest_respected => "C4/clock_rest_respected.json",
    c4_clock_rest_exact_minimum => "C4/clock_rest_exact_minimum.json",
    c4_contract_min_rest_overrides => "C4/contract_min_rest_overrides.json",
    c4_clock_rest_two_days_later => "C4/clock_rest_two_days_later.json",
    c4_history_last_shift_end_too_soon => "C4/history_last_shift_end_too_soon.json",
    c4_history_last_shift_end_exact => "C4/history_last_shift_end_exact.json",
    c4_history_overnight_last_shift_code => "C4/history_overnight_last_shift_code.json",
    c4_history_cannot_follow => "C4/history_cannot_follow.json",
    c4_history_cannot_follow_after_day_off => "C4/history_cannot_follow_after_day_off.json",
    c4_soft_pairs_without_c5 => "C4/soft_pairs_without_c5.json",
    c4_soft_history_and_pair => "C4/soft_history_and_pair.json",

    c5_one_shift_per_day_ok => "C5/one_shift_per_day_ok.json",
    c5_two_shifts_same_day => "C5/two_shifts_same_day.json",
    c5_soft_two_days_double => "C5/soft_two_days_double.json",
    c5_soft_three_shifts_one_day => "C5/soft_three_shifts_one_day.json",
    c5_same_shift_two_slots_c5_off => "C5/same_shift_two_slots_c5_off.json",
    c5_same_shift_two_slots_c5_soft => "C5/same_shift_two_slots_c5_soft.json",

    c6_skill_level_met => "C6/skill_level_met.json",
    c6_skill_level_too_low => "C6/skill_level_too_low.json",
    c6_skill_check_switched_off => "C6/skill_check_switched_off.json",
    c6_rank_mismatch => "C6/rank_mismatch.json",
    c6_location_unrestricted_or_listed => "C6/location_unrestricted_or_listed.json",
    c6_location_not_listed => "C6/location_not_listed.json",
    c6_product_type_not_listed => "C6/product_type_not_listed.json",
    c6_soft_ineligible => "C6/soft_ineligible.json",

    c7_available_days_ok => "C7/available_days_ok.json",
    c7_unavailable_date => "C7/unavailable_date.json",
    c7_leave_period => "C7/leave_period.json",
    c7_soft_unavailable => "C7/soft_unavailable.json",

    c8_max_total_at_limit => "C8/max_total_at_limit.json",
    c8_max_total_over => "C8/max_total_over.json",
    c8_max_total_locked_hours => "C8/max_total_locked_hours.json",
    c8_min_total_short_hard => "C8/min_total_short_hard.json",
    c8_min_total_locked_completes => "C8/min_total_locked_completes.json",
    c8_soft_min_and_max => "C8/soft_min_and_max.json",
    c8_monthly_cap_per_calendar_month => "C8/monthly_cap_per_calendar_month.json",
    c8_monthly_cap_hard_locked_month => "C8/monthly_cap_hard_locked_month.json",

    c9_at_limit => "C9/at_limit.json",
    c9_over_limit_hard => "C9/over_limit_hard.json",
    c9_zero_limit_forbids_type => "C9/zero_limit_forbids_type.json",
    c9_soft_per_extra_shift => "C9/soft_per_extra_shift.json",
    c9_contract_overrides_param => "C9/contract_overrides_param.json",

    c10_short_inside => "C10/short_inside.json",
    c10_ok_inside => "C10/ok_inside.json",
    c10_touching_end => "C10/touching_end.json",
    c10_touching_start_unknown => "C10/touching_start_unknown.json",
    c10_touching_start_worked_before => "C10/touching_start_worked_before.json",
    c10_locked_days_off_complete => "C10/locked_days_off_complete.json",
    c10_locked_days_off_short => "C10/locked_days_off_short.json",
    c10_locked_days_off_alone_not_judged => "C10/locked_days_off_alone_not_judged.json",
    c10_soft_two_short => "C10/soft_two_short.json",
    c10_contract_overrides => "C10/contract_overrides.json",
    c10_two_shifts_a_day_c5_off => "C10/two_shifts_a_day_c5_off.json",
    c10_soft_two_shifts_a_day_short => "C10/soft_two_shifts_a_day_short.json",

    c11_at_limit => "C11/at_limit.json",
    c11_over_hard => "C11/over_hard.json",
    c11_soft_per_extra_weekend => "C11/soft_per_extra_weekend.json",
    c11_locked_weekends_worked => "C11/locked_weekends_worked.json",
    c11_weekends_cut_by_horizon_edges => "C11/weekends_cut_by_horizon_edges.json",
    c11_two_shifts_a_day_one_weekend => "C11/two_shifts_a_day_one_weekend.json",
    c11_soft_two_shifts_a_day_c5_hard => "C11/soft_two_shifts_a_day_c5_hard.json",

    c12_soft_on_with_shift_unmet => "C12/soft_on_with_shift_unmet.json",
    c12_soft_on_with_shift_met => "C12/soft_on_with_shift_met.json",
    c12_soft_whole_day_requests_rule_weight => "C12/soft_whole_day_requests_rule_weight.json",
    c12_soft_whole_day_two_shifts_c5_off => "C12/soft_whole_day_two_shifts_c5_off.json",
    c12_soft_whole_day_on_c5_hard => "C12/soft_whole_day_on_c5_hard.json",
    c12_hard_off_request => "C12/hard_off_request.json",
    c12_hard_on_request_unmet => "C12/hard_on_request_unmet.json",
    c12_hard_requests_met => "C12/hard_requests_met.json",

    c13_at_limit => "C13/at_limit.json",
    c13_over_hard => "C13/over_hard.json",
    c13_soft_counts_slots_not_days => "C13/soft_counts_slots_not_days.json",
    c13_contract_overrides_param => "C13/contract_overrides_param.json",
}

/// What a case file expects.
struct Expect {
    feasible: bool,
    violations: BTreeMap<String, usize>,
    objective: Option<f64>,
}

fn parse_expect(file: &str, v: &Value) -> Expect {
    let obj = v
        .as_object()
        .unwrap_or_else(|| panic!("{file}: \"expect\" must be an object"));
    for k in obj.keys() {
        assert!(
            ["feasible", "violations", "objective"].contains(&k.as_str()),
            "{file}: unknown key expect.{k}"
        );
    }
    let feasible = obj
        .get("feasible")
        .and_then(Value::as_bool)
        .unwrap_or_else(|| panic!("{file}: expect.feasible must be a boolean"));
    let violations =
        obj.get("violations")
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("{file}: expect.violations must be an object"))
            .iter()
            .map(|(rule, n)| {
                assert!(
                    RuleId::parse(rule).is_some(),
                    "{file}: expect.violations names unknown rule {rule}"
                );
                let n = n.as_u64().filter(|&n| n > 0).unwrap_or_else(|| {
                    panic!("{file}: expect.violations.{rule} must be a count > 0")
                });
                (rule.clone(), n as usize)
            })
            .collect();
    let objective = obj.get("objective").map(|o| {
        o.as_f64()
            .unwrap_or_else(|| panic!("{file}: expect.objective must be a number"))
    });
    Expect {
        feasible,
        violations,
        objective,
    }
}

fn run_case(file: &str) {
    let path = cases_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    let keys: Vec<&str> = doc
        .as_object()
        .unwrap_or_else(|| panic!("{file}: a case is a JSON object"))
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["description", "request", "roster", "expect"],
        "{file}: a case has exactly the keys description, request, roster, expect"
    );
    assert!(
        doc["description"].as_str().is_some_and(|s| !s.is_empty()),
        "{file}: description must be a non-empty string"
    );
    let expect = parse_expect(file, &doc["expect"]);

    let p = roster::input::request_from_value(&doc["request"])
        .unwrap_or_else(|e| panic!("{file}: request is not valid: {e}"));
    assert_eq!(
        p.config.affinity_weight, 0.0,
        "{file}: set solverConfig.affinityWeight to 0 so the objective is rule penalties only"
    );

    let entries = doc["roster"]
        .as_array()
        .unwrap_or_else(|| panic!("{file}: roster must be an array"));
    let mut assignments = Vec::new();
    for (i, a) in entries.iter().enumerate() {
        let emp_id = a["employeeId"]
            .as_str()
            .unwrap_or_else(|| panic!("{file}: roster[{i}].employeeId must be a string"));
        let slot_id = a["slotId"]
            .as_str()
            .unwrap_or_else(|| panic!("{file}: roster[{i}].slotId must be a string"));
        let employee = p
            .employee_by_id(emp_id)
            .unwrap_or_else(|| panic!("{file}: roster[{i}]: no employee {emp_id}"));
        let slot = p
            .slots
            .iter()
            .position(|s| s.id == slot_id)
            .map(|s| SlotIdx(s as u32))
            .unwrap_or_else(|| {
                let known: Vec<&str> = p.slots.iter().map(|s| s.id.as_str()).collect();
                panic!("{file}: roster[{i}]: no slot {slot_id} (slots: {known:?})")
            });
        assignments.push(Assignment { employee, slot });
    }
    assert_eq!(
        Roster::new(assignments.clone()).assignments.len(),
        assignments.len(),
        "{file}: roster lists an assignment twice"
    );
    let roster = Roster::new(assignments);

    // The checker against the hand-computed verdict.
    let report = roster::check::check(&p, &roster, &FallbackScorer);
    let all: Vec<_> = report
        .hard_violations
        .iter()
        .chain(&report.soft_violations)
        .collect();
    let listing = all
        .iter()
        .map(|v| {
            format!(
                "  {} {} (amount {}, penalty {}): {}",
                v.rule,
                if v.hard { "hard" } else { "soft" },
                v.amount,
                v.penalty,
                v.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for v in &all {
        *counts.entry(v.rule.to_string()).or_default() += 1;
    }
    assert_eq!(
        report.feasible, expect.feasible,
        "{file}: checker feasible = {}, expected {}; violations:\n{listing}",
        report.feasible, expect.feasible
    );
    assert_eq!(
        counts, expect.violations,
        "{file}: checker violations per rule differ from expect.violations; violations:\n{listing}"
    );
    if let Some(want) = expect.objective {
        assert!(
            (report.objective - want).abs() <= 1e-6,
            "{file}: checker objective {} != expected {want}; violations:\n{listing}",
            report.objective
        );
    }

    // The MILP encoding against the checker.
    let verdict = roster::solve::milp_verdict(&p, &roster, &FallbackScorer)
        .unwrap_or_else(|e| panic!("{file}: HiGHS failed: {e}"));
    match (report.feasible, verdict) {
        (true, Some(obj)) => assert!(
            (obj - report.objective).abs() <= 1e-6 * obj.abs().max(1.0),
            "{file}: MILP objective {obj} != checker objective {}; violations:\n{listing}",
            report.objective
        ),
        (true, None) => panic!(
            "{file}: the checker finds the roster feasible (objective {}), the MILP encoding \
             rejects it; violations:\n{listing}",
            report.objective
        ),
        (false, Some(obj)) => panic!(
            "{file}: the checker finds the roster infeasible, the MILP encoding accepts it \
             with objective {obj}; violations:\n{listing}"
        ),
        (false, None) => {}
    }
}

/// Every `.json` file under `dir`, as paths relative to `root` with `/` separators.
fn json_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("readable directory entry").path();
        if path.is_dir() {
            json_files(root, &path, out);
        } else if path.extension().is_some_and(|x| x == "json") {
            let rel = path.strip_prefix(root).expect("under the root");
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
}

#[test]
fn every_case_file_is_listed() {
    let root = cases_dir();
    let mut on_disk = Vec::new();
    json_files(&root, &root, &mut on_disk);
    on_disk.sort();
    let mut listed: Vec<String> = LISTED.iter().map(|s| s.to_string()).collect();
    listed.sort();
    let mut dup = listed.clone();
    dup.dedup();
    assert_eq!(dup.len(), listed.len(), "a case is listed twice in cases!");
    let missing: Vec<&String> = on_disk.iter().filter(|f| !listed.contains(f)).collect();
    let stale: Vec<&String> = listed.iter().filter(|f| !on_disk.contains(f)).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "constraints/cases and the cases! list in tests/constraint_cases.rs differ:\n  \
         not listed: {missing:?}\n  listed but missing: {stale:?}"
    );
    for f in &on_disk {
        let dir = f.split('/').next().unwrap_or_default();
        assert!(
            f.matches('/').count() == 1 && RuleId::parse(dir).is_some(),
            "{f}: case files live in constraints/cases/<rule id>/"
        );
    }
}
