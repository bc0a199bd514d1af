//! Semantic validation: raw request → domain, collecting every error.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde_json::{json, Value};

use super::raw::*;
use super::InputError;
use crate::constraints::{catalog, Mode, RuleId, RuleSet};
use crate::domain::calendar::parse_clock;
use crate::domain::*;

/// Longest horizon accepted (three years): longer requests are almost surely mistakes and
/// would build models no solver finishes.
pub const MAX_HORIZON_DAYS: u32 = 1098;
/// Penalty per missing person when a demand item gives none.
pub const DEFAULT_UNDER_WEIGHT: f64 = 100.0;
/// Penalty per extra person when a demand item gives none.
pub const DEFAULT_OVER_WEIGHT: f64 = 10.0;

/// Errors collected so far, and whether dates can be judged against the horizon (false when
/// the horizon itself is invalid).
struct Errs {
    list: Vec<InputError>,
    horizon_known: bool,
}

impl Errs {
    fn push(&mut self, pointer: impl Into<String>, rule: &str, value: Option<Value>, msg: String) {
        self.list.push(InputError {
            pointer: pointer.into(),
            rule: rule.into(),
            value,
            message: msg,
        });
    }

    fn date(&mut self, pointer: &str, s: &str) -> Option<NaiveDate> {
        match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.push(
                    pointer,
                    "invalid-date",
                    Some(json!(s)),
                    format!("{s} is not a calendar date"),
                );
                None
            }
        }
    }

    /// A date that must fall inside the horizon (not judged when the horizon itself is
    /// invalid).
    fn day(&mut self, h: &Horizon, pointer: &str, s: &str) -> Option<Day> {
        let d = self.date(pointer, s)?;
        let day = h.day_in(d);
        if day.is_none() && self.horizon_known {
            self.push(
                pointer,
                "date-outside-horizon",
                Some(json!(s)),
                format!("{s} is outside the horizon {} .. {}", h.start, h.end()),
            );
        }
        day
    }
}

fn hours_to_minutes(h: f64) -> u32 {
    (h * 60.0).round() as u32
}

/// Build the domain problem, or every semantic error found.
pub fn build_problem(raw: &RawRequest) -> Result<Problem, Vec<InputError>> {
    let mut errs = Errs {
        list: Vec::new(),
        horizon_known: true,
    };

    // Horizon.
    let start = errs.date(
        "/planningHorizon/startDate",
        &raw.planning_horizon.start_date,
    );
    let end = errs.date("/planningHorizon/endDate", &raw.planning_horizon.end_date);
    let horizon = match (start, end) {
        (Some(s), Some(e)) => {
            let days = (e - s).num_days() + 1;
            if days < 1 {
                errs.push(
                    "/planningHorizon/endDate",
                    "horizon-empty",
                    Some(json!(raw.planning_horizon.end_date)),
                    format!("endDate is before startDate {s}: the horizon has no day"),
                );
                None
            } else if days > i64::from(MAX_HORIZON_DAYS) {
                errs.push(
                    "/planningHorizon/endDate",
                    "horizon-too-long",
                    Some(json!(raw.planning_horizon.end_date)),
                    format!("the horizon has {days} days; at most {MAX_HORIZON_DAYS} are accepted"),
                );
                None
            } else {
                Some(Horizon {
                    start: s,
                    days: days as u32,
                })
            }
        }
        _ => None,
    };
    // Without a valid horizon, dates cannot be placed in it: go on with a one-day stand-in
    // (so every other error is still reported) but do not judge dates against it.
    let horizon = horizon.unwrap_or_else(|| {
        errs.horizon_known = false;
        Horizon {
            start: start.unwrap_or(NaiveDate::from_ymd_opt(2000, 1, 3).expect("valid date")),
            days: 1,
        }
    });

    // Shift types.
    let mut shift_index: BTreeMap<&str, ShiftIdx> = BTreeMap::new();
    for (i, st) in raw.shift_types.iter().enumerate() {
        if shift_index.insert(&st.code, ShiftIdx(i as u32)).is_some() {
            errs.push(
                format!("/shiftTypes/{i}/code"),
                "duplicate-id",
                Some(json!(st.code)),
                format!("shift code {} is defined twice", st.code),
            );
        }
    }
    let mut shift_types = Vec::new();
    for (i, st) in raw.shift_types.iter().enumerate() {
        let p = format!("/shiftTypes/{i}");
        let start = st.start_time.as_deref().and_then(parse_clock);
        let end = st.end_time.as_deref().and_then(parse_clock);
        if st.start_time.is_some() && start.is_none() {
            errs.push(
                format!("{p}/startTime"),
                "invalid-time",
                st.start_time.as_ref().map(|v| json!(v)),
                "not a clock time HH:MM".into(),
            );
        }
        if st.end_time.is_some() && end.is_none() {
            errs.push(
                format!("{p}/endTime"),
                "invalid-time",
                st.end_time.as_ref().map(|v| json!(v)),
                "not a clock time HH:MM".into(),
            );
        }
        if start == Some(1440) {
            errs.push(
                format!("{p}/startTime"),
                "invalid-time",
                Some(json!("24:00")),
                "a shift cannot start at 24:00".into(),
            );
        }
        let span = match (start, end) {
            (Some(s), Some(e)) => Some(if e > s { e - s } else { e + 1440 - s }),
            _ => None,
        };
        if st.start_time.is_some() != st.end_time.is_some() && st.duration_minutes.is_none() {
            errs.push(
                &p,
                "incomplete-times",
                None,
                format!(
                    "shift {} gives only one of startTime/endTime and no durationMinutes",
                    st.code
                ),
            );
        }
        let duration = st.duration_minutes.or(span);
        if duration.is_none() {
            errs.push(
                &p,
                "missing-duration",
                None,
                format!(
                    "shift {} needs startTime and endTime, or durationMinutes",
                    st.code
                ),
            );
        }
        let mut cannot_follow = Vec::new();
        for (j, c) in st.cannot_follow.iter().enumerate() {
            match shift_index.get(c.as_str()) {
                Some(&t) => cannot_follow.push(t),
                None => errs.push(
                    format!("{p}/cannotFollow/{j}"),
                    "unknown-shift-code",
                    Some(json!(c)),
                    format!("no shift type has code {c}"),
                ),
            }
        }
        shift_types.push(ShiftType {
            code: st.code.clone(),
            name: st.name.clone().unwrap_or_else(|| st.code.clone()),
            start_minute: start.filter(|&s| s < 1440),
            duration_minutes: duration.unwrap_or(0),
            cannot_follow,
        });
    }

    // Demand → slots.
    let mut slots = Vec::new();
    let mut demand_ids = BTreeSet::new();
    for (i, d) in raw.demand_items.iter().enumerate() {
        let p = format!("/demandItems/{i}");
        if !demand_ids.insert(d.demand_id.as_str()) {
            errs.push(
                format!("{p}/demandId"),
                "duplicate-id",
                Some(json!(d.demand_id)),
                format!("demand id {} is used twice", d.demand_id),
            );
        }
        let Some(&shift) = shift_index.get(d.shift_code.as_str()) else {
            errs.push(
                format!("{p}/shiftCode"),
                "unknown-shift-code",
                Some(json!(d.shift_code)),
                format!("no shift type has code {}", d.shift_code),
            );
            continue;
        };
        let mut days: Vec<Day> = match &d.dates {
            Some(dates) => dates
                .iter()
                .enumerate()
                .filter_map(|(j, s)| errs.day(&horizon, &format!("{p}/dates/{j}"), s))
                .collect(),
            None => (0..horizon.days as Day).collect(),
        };
        if let Some(dows) = &d.days_of_week {
            let wanted: BTreeSet<u32> = dows
                .iter()
                .filter_map(|w| {
                    ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
                        .iter()
                        .position(|x| x == w)
                })
                .map(|x| x as u32)
                .collect();
            days.retain(|&day| {
                wanted.contains(&horizon.date(day).weekday().num_days_from_monday())
            });
        }
        let mut overrides = BTreeMap::new();
        for (date, hc) in &d.headcount_by_date {
            let ptr = format!("{p}/headcountByDate/{}", pointer_token(date));
            if let Some(day) = errs.day(&horizon, &ptr, date) {
                if !days.contains(&day) {
                    errs.push(
                        &ptr,
                        "date-not-in-demand",
                        Some(json!(date)),
                        format!("{date} is not one of this demand item's dates"),
                    );
                }
                overrides.insert(day, *hc);
            }
        }
        for day in days {
            // A slot with headcount 0 is kept: nobody is needed, and anyone placed there
            // is over-cover at the item's over weight (Curtois cover lines of 0 mean that).
            let headcount = overrides.get(&day).copied().unwrap_or(d.headcount);
            slots.push(Slot {
                id: format!("{}/{}", d.demand_id, horizon.date(day)),
                demand_id: d.demand_id.clone(),
                requirement_id: d
                    .requirement_id
                    .clone()
                    .unwrap_or_else(|| d.demand_id.clone()),
                day,
                shift,
                location_id: d.location_id.clone(),
                product_type_id: d.product_type_id.clone(),
                rank_id: d.rank_id.clone(),
                required_skills: d
                    .required_skills
                    .iter()
                    .map(|r| SkillRequirement {
                        skill: r.skill.clone(),
                        min_level: r.min_level.unwrap_or(1),
                    })
                    .collect(),
                headcount,
                under_weight: d.under_weight.unwrap_or(DEFAULT_UNDER_WEIGHT),
                over_weight: d.over_weight.unwrap_or(DEFAULT_OVER_WEIGHT),
                priority: d.priority.unwrap_or(1),
            });
        }
    }
    slots.sort_by(|a, b| (a.day, a.shift, &a.id).cmp(&(b.day, b.shift, &b.id)));

    // Employees.
    let mut employee_index: BTreeMap<&str, EmployeeIdx> = BTreeMap::new();
    for (i, e) in raw.employees.iter().enumerate() {
        if employee_index
            .insert(&e.employee_id, EmployeeIdx(i as u32))
            .is_some()
        {
            errs.push(
                format!("/employees/{i}/employeeId"),
                "duplicate-id",
                Some(json!(e.employee_id)),
                format!("employee id {} is used twice", e.employee_id),
            );
        }
    }
    let mut employees = Vec::new();
    for (i, e) in raw.employees.iter().enumerate() {
        let p = format!("/employees/{i}");
        let c = &e.contract;
        let cp = format!("{p}/contract");
        if let (Some(lo), Some(hi)) = (c.min_consecutive_days, c.max_consecutive_days) {
            if lo > hi {
                errs.push(
                    format!("{cp}/minConsecutiveDays"),
                    "min-greater-than-max",
                    Some(json!(lo)),
                    format!("minConsecutiveDays {lo} > maxConsecutiveDays {hi}"),
                );
            }
        }
        if let (Some(lo), Some(hi)) = (c.min_total_hours, c.max_total_hours) {
            if lo > hi {
                errs.push(
                    format!("{cp}/minTotalHours"),
                    "min-greater-than-max",
                    Some(json!(lo)),
                    format!("minTotalHours {lo} > maxTotalHours {hi}"),
                );
            }
        }
        let mut max_shifts_per_type = BTreeMap::new();
        for (code, n) in &c.max_shifts_per_type {
            match shift_index.get(code.as_str()) {
                Some(&t) => {
                    max_shifts_per_type.insert(t, *n);
                }
                None => errs.push(
                    format!("{cp}/maxShiftsPerType/{code}"),
                    "unknown-shift-code",
                    Some(json!(code)),
                    format!("no shift type has code {code}"),
                ),
            }
        }
        let mut unavailable: BTreeSet<Day> = BTreeSet::new();
        for (j, s) in e.unavailable_dates.iter().enumerate() {
            if let Some(d) = errs.day(&horizon, &format!("{p}/unavailableDates/{j}"), s) {
                unavailable.insert(d);
            }
        }
        for (j, l) in e.leave.iter().enumerate() {
            let lp = format!("{p}/leave/{j}");
            let (Some(from), Some(to)) = (
                errs.date(&format!("{lp}/from"), &l.from),
                errs.date(&format!("{lp}/to"), &l.to),
            ) else {
                continue;
            };
            if to < from {
                errs.push(
                    format!("{lp}/to"),
                    "min-greater-than-max",
                    Some(json!(l.to)),
                    format!("leave ends ({to}) before it starts ({from})"),
                );
                continue;
            }
            let (a, b) = (
                horizon.day_of(from).max(0),
                horizon.day_of(to).min(horizon.days as Day - 1),
            );
            unavailable.extend(a..=b);
        }
        let mut requests = Vec::new();
        for (j, r) in e.requests.iter().enumerate() {
            let rp = format!("{p}/requests/{j}");
            let Some(day) = errs.day(&horizon, &format!("{rp}/date"), &r.date) else {
                continue;
            };
            let shift = match &r.shift_code {
                Some(code) => match shift_index.get(code.as_str()) {
                    Some(&t) => Some(t),
                    None => {
                        errs.push(
                            format!("{rp}/shiftCode"),
                            "unknown-shift-code",
                            Some(json!(code)),
                            format!("no shift type has code {code}"),
                        );
                        continue;
                    }
                },
                None => None,
            };
            // An ON request without a shift code asks to work that day, any shift (C12).
            let on = r.kind == "ON";
            requests.push(ShiftRequest {
                day,
                shift,
                on,
                weight: r.weight.unwrap_or(1.0),
            });
        }
        let rotation = e.rotation.as_ref().map(|r| {
            let pattern = r
                .pattern
                .iter()
                .enumerate()
                .map(|(j, code)| {
                    if code == ROTATION_OFF {
                        return None;
                    }
                    let t = shift_index.get(code.as_str()).copied();
                    if t.is_none() {
                        errs.push(
                            format!("{p}/rotation/pattern/{j}"),
                            "unknown-shift-code",
                            Some(json!(code)),
                            format!(
                                "no shift type has code {code} (\"{ROTATION_OFF}\" is a day off)"
                            ),
                        );
                    }
                    t
                })
                .collect();
            Rotation {
                pattern,
                weight: r.weight.unwrap_or(1.0),
            }
        });
        employees.push(Employee {
            rotation,
            id: e.employee_id.clone(),
            name: e.name.clone().unwrap_or_else(|| e.employee_id.clone()),
            rank_id: e.rank_id.clone(),
            skills: e
                .skills
                .iter()
                .map(|s| (s.skill.clone(), s.level.unwrap_or(1)))
                .collect(),
            locations: e.locations.clone(),
            product_types: e.product_types.clone(),
            experience_years: e.experience_years.unwrap_or(0.0),
            performance_rating: e.performance_rating.unwrap_or(3.0),
            current_workload_hours: e.current_workload_hours.unwrap_or(0.0),
            capacity_hours: e.capacity_hours.unwrap_or(40.0),
            contract: Contract {
                max_weekly_minutes: c.max_weekly_hours.map(hours_to_minutes),
                max_consecutive_days: c.max_consecutive_days,
                min_consecutive_days: c.min_consecutive_days,
                min_rest_minutes: c.min_rest_hours.map(hours_to_minutes),
                max_total_minutes: c.max_total_hours.map(hours_to_minutes),
                min_total_minutes: c.min_total_hours.map(hours_to_minutes),
                max_monthly_minutes: c.max_monthly_hours.map(hours_to_minutes),
                max_shifts_per_type,
                min_consecutive_days_off: c.min_consecutive_days_off,
                max_weekends: c.max_weekends,
                max_assignments: c.max_assignments,
            },
            unavailable_days: unavailable.into_iter().collect(),
            requests,
        });
    }

    // Rules.
    let rules = build_rules(&raw.constraint_list, &shift_index, &mut errs);

    // Locked context.
    let mut locked = build_locked(
        raw.locked_context.as_ref(),
        &horizon,
        &employee_index,
        &shift_index,
        &shift_types,
        &mut errs,
    );

    rotation_offsets(raw.locked_context.as_ref(), &employees, &mut locked.history);
    let config = build_config(&raw.solver_config);

    if !errs.list.is_empty() {
        return Err(errs.list);
    }
    Ok(Problem {
        planning_reference: raw.planning_reference.clone().unwrap_or_default(),
        horizon,
        shift_types,
        slots,
        employees,
        rules: rules.expect("no errors means rules were built"),
        config,
        locked,
    })
}

fn build_rules(
    list: &[RawConstraint],
    shifts: &BTreeMap<&str, ShiftIdx>,
    errs: &mut Errs,
) -> Option<RuleSet> {
    let mut given: BTreeMap<RuleId, (usize, &RawConstraint)> = BTreeMap::new();
    let before = errs.list.len();
    for (i, c) in list.iter().enumerate() {
        let p = format!("/constraintList/{i}");
        match RuleId::parse(&c.id) {
            None => errs.push(
                format!("{p}/id"),
                "unknown-constraint",
                Some(json!(c.id)),
                format!(
                    "{} is not in the catalog (known: {})",
                    c.id,
                    RuleId::ALL.map(|r| r.as_str()).join(", ")
                ),
            ),
            Some(id) => {
                if given.insert(id, (i, c)).is_some() {
                    errs.push(
                        format!("{p}/id"),
                        "duplicate-id",
                        Some(json!(c.id)),
                        format!("{} appears twice in constraintList", c.id),
                    );
                }
            }
        }
    }
    let mut parts = Vec::new();
    for spec in catalog() {
        let id = spec.rule_id();
        let entry = given.get(&id);
        let enabled = entry
            .and_then(|(_, c)| c.enabled)
            .unwrap_or(spec.default_enabled);
        if !enabled {
            continue;
        }
        let hard = entry.and_then(|(_, c)| c.hard).unwrap_or(spec.default_hard);
        if !hard && !spec.can_be_soft {
            let (i, _) = entry.expect("soft only when asked");
            errs.push(
                format!("/constraintList/{i}/hard"),
                "cannot-be-soft",
                Some(json!(false)),
                format!("{id} can only be hard"),
            );
        }
        let weight = entry
            .and_then(|(_, c)| c.weight)
            .unwrap_or(spec.default_weight);
        let params = spec.resolve_params(entry.and_then(|(_, c)| c.params.as_ref()));
        let base = entry
            .map(|(i, _)| format!("/constraintList/{i}/params"))
            .unwrap_or_default();
        for mut e in super::schema_errors(&spec.parameters.to_string(), &params) {
            e.pointer = format!("{base}{}", e.pointer);
            e.message = format!("{id} parameter: {}", e.message);
            errs.list.push(e);
        }
        if id == RuleId::C3 {
            let lo = params["minConsecutiveDays"].as_u64().unwrap_or(1);
            let hi = params["maxConsecutiveDays"].as_u64().unwrap_or(u64::MAX);
            if lo > hi {
                errs.push(
                    format!("{base}/minConsecutiveDays"),
                    "min-greater-than-max",
                    Some(json!(lo)),
                    format!("C3 minConsecutiveDays {lo} > maxConsecutiveDays {hi}"),
                );
            }
        }
        if id == RuleId::C8 {
            if let (Some(lo), Some(hi)) = (
                params["minTotalHours"].as_f64(),
                params["maxTotalHours"].as_f64(),
            ) {
                if lo > hi {
                    errs.push(
                        format!("{base}/minTotalHours"),
                        "min-greater-than-max",
                        Some(json!(lo)),
                        format!("C8 minTotalHours {lo} > maxTotalHours {hi}"),
                    );
                }
            }
        }
        if id == RuleId::C9 {
            if let Some(limits) = params["maxShiftsPerType"].as_object() {
                for code in limits.keys().filter(|c| !shifts.contains_key(c.as_str())) {
                    errs.push(
                        format!("{base}/maxShiftsPerType/{}", pointer_token(code)),
                        "unknown-shift-code",
                        Some(json!(code)),
                        format!("no shift type has code {code}"),
                    );
                }
            }
        }
        let mode = if hard {
            Mode::Hard
        } else {
            Mode::Soft { weight }
        };
        parts.push((id, mode, params));
    }
    if errs.list.len() > before {
        return None;
    }
    match RuleSet::from_parts(parts) {
        Ok(r) => Some(r),
        Err(e) => {
            errs.push("/constraintList", "invalid-params", None, e.to_string());
            None
        }
    }
}

/// A JSON pointer reference token for a key (`~` → `~0`, `/` → `~1`).
fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The locked histories of `raw` read against an already built problem (its horizon,
/// employees and shift types), with the same rules and error pointers
/// (`/lockedContext/employeeAssignments/…`) as a request's own `lockedContext`. The
/// incremental modes use it to read a client's locked context against the solve window.
pub(crate) fn locked_history(
    raw: &RawLockedContext,
    p: &Problem,
) -> Result<Vec<EmployeeHistory>, Vec<InputError>> {
    let mut errs = Errs {
        list: Vec::new(),
        horizon_known: true,
    };
    let employees: BTreeMap<&str, EmployeeIdx> = p
        .employees
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), EmployeeIdx(i as u32)))
        .collect();
    let shifts: BTreeMap<&str, ShiftIdx> = p
        .shift_types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.code.as_str(), ShiftIdx(i as u32)))
        .collect();
    let locked = build_locked(
        Some(raw),
        &p.horizon,
        &employees,
        &shifts,
        &p.shift_types,
        &mut errs,
    );
    let mut history = locked.history;
    rotation_offsets(Some(raw), &p.employees, &mut history);
    if errs.list.is_empty() {
        Ok(history)
    } else {
        Err(errs.list)
    }
}

/// The pattern entry of a rotation day off.
pub const ROTATION_OFF: &str = "-";

/// Each employee's position in their rotation on the first horizon day: the locked context's
/// `rotationOffset` modulo the pattern length (0 for people without a rotation).
fn rotation_offsets(
    raw: Option<&RawLockedContext>,
    employees: &[Employee],
    history: &mut [EmployeeHistory],
) {
    let Some(raw) = raw else {
        return;
    };
    let index: BTreeMap<&str, usize> = employees
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    for le in &raw.employee_assignments {
        let (Some(off), Some(&i)) = (le.rotation_offset, index.get(le.employee_id.as_str())) else {
            continue;
        };
        if let Some(r) = employees[i]
            .rotation
            .as_ref()
            .filter(|r| !r.pattern.is_empty())
        {
            history[i].rotation_offset = off.rem_euclid(r.pattern.len() as i64) as u32;
        }
    }
}

fn build_locked(
    raw: Option<&RawLockedContext>,
    horizon: &Horizon,
    employees: &BTreeMap<&str, EmployeeIdx>,
    shifts: &BTreeMap<&str, ShiftIdx>,
    shift_types: &[ShiftType],
    errs: &mut Errs,
) -> LockedContext {
    let mut history = vec![EmployeeHistory::default(); employees.len()];
    let Some(raw) = raw else {
        return LockedContext {
            history,
            fixed: Vec::new(),
        };
    };
    let start = horizon.start;
    if let Some(c) = &raw.cutoff_date {
        if let Some(d) = errs.date("/lockedContext/cutoffDate", c) {
            if d >= start {
                errs.push(
                    "/lockedContext/cutoffDate",
                    "cutoff-not-before-horizon",
                    Some(json!(c)),
                    format!("cutoffDate {d} must be before the horizon start {start}"),
                );
            }
        }
    }
    let mut seen = BTreeSet::new();
    for (i, le) in raw.employee_assignments.iter().enumerate() {
        let p = format!("/lockedContext/employeeAssignments/{i}");
        let Some(&e) = employees.get(le.employee_id.as_str()) else {
            errs.push(
                format!("{p}/employeeId"),
                "unknown-employee",
                Some(json!(le.employee_id)),
                format!("no employee has id {}", le.employee_id),
            );
            continue;
        };
        if !seen.insert(e) {
            errs.push(
                format!("{p}/employeeId"),
                "duplicate-id",
                Some(json!(le.employee_id)),
                format!("employee {} has two locked contexts", le.employee_id),
            );
        }
        let h = &mut history[e.ix()];
        let mut dates = BTreeSet::new();
        for (j, s) in le.assigned_dates.iter().enumerate() {
            if let Some(d) = errs.date(&format!("{p}/assignedDates/{j}"), s) {
                if d >= start {
                    errs.push(
                        format!("{p}/assignedDates/{j}"),
                        "locked-date-in-horizon",
                        Some(json!(s)),
                        format!("locked date {d} is not before the horizon start {start}"),
                    );
                }
                dates.insert(d);
            }
        }
        for (w, hours) in &le.weekly_hours {
            match IsoWeek::parse(w) {
                Some(week) => {
                    h.weekly_minutes.insert(week, hours_to_minutes(*hours));
                }
                None => errs.push(
                    format!("{p}/weeklyHours/{w}"),
                    "invalid-iso-week",
                    Some(json!(w)),
                    format!("{w} is not an ISO week like 2025-W50"),
                ),
            }
        }
        match &le.monthly_hours {
            Some(RawMonthlyHours::Single(hours)) => {
                h.monthly_minutes
                    .insert((start.year(), start.month()), hours_to_minutes(*hours));
            }
            Some(RawMonthlyHours::PerMonth(m)) => {
                for (k, hours) in m {
                    let parsed = NaiveDate::parse_from_str(&format!("{k}-01"), "%Y-%m-%d").ok();
                    match parsed {
                        Some(d) => {
                            h.monthly_minutes
                                .insert((d.year(), d.month()), hours_to_minutes(*hours));
                        }
                        None => errs.push(
                            format!("{p}/monthlyHours/{k}"),
                            "invalid-month",
                            Some(json!(k)),
                            format!("{k} is not a month like 2025-12"),
                        ),
                    }
                }
            }
            None => {}
        }
        h.horizon_minutes = le.horizon_hours.map(hours_to_minutes).unwrap_or(0);
        let last_work = le
            .last_work_date
            .as_deref()
            .and_then(|s| errs.date(&format!("{p}/lastWorkDate"), s));
        if let Some(d) = last_work {
            if d >= start {
                errs.push(
                    format!("{p}/lastWorkDate"),
                    "locked-date-in-horizon",
                    le.last_work_date.as_ref().map(|v| json!(v)),
                    format!("lastWorkDate {d} is not before the horizon start {start}"),
                );
            }
        }
        let last_work = last_work
            .or_else(|| dates.iter().next_back().copied())
            .or_else(|| {
                // A streak running into the horizon ends the day before it.
                le.consecutive_working_days
                    .filter(|&n| n > 0)
                    .and_then(|_| start.pred_opt())
            });
        let day_before = start.pred_opt().expect("dates after year 0");
        h.streak_days = match le.consecutive_working_days {
            Some(n) => {
                if n > 0 && last_work.is_some_and(|d| d != day_before) {
                    errs.push(format!("{p}/consecutiveWorkingDays"), "inconsistent-streak", Some(json!(n)), format!("a streak of {n} days runs into the horizon, but the last work date is not {day_before}"));
                }
                n
            }
            None => {
                // Count back from the day before the horizon through the assigned dates (the
                // last work date counts as worked).
                dates.extend(last_work);
                let mut n = 0;
                let mut d = day_before;
                while dates.contains(&d) {
                    n += 1;
                    d = d.pred_opt().expect("dates after year 0");
                }
                n
            }
        };
        h.days_off_streak = match le.consecutive_days_off {
            Some(n) => {
                if n > 0 && h.streak_days > 0 {
                    errs.push(
                        format!("{p}/consecutiveDaysOff"),
                        "inconsistent-streak",
                        Some(json!(n)),
                        "an employee cannot both work and be off on the day before the horizon"
                            .into(),
                    );
                }
                Some(n)
            }
            None if h.streak_days == 0 => {
                last_work.map(|d| (start - d).num_days().saturating_sub(1) as u32)
            }
            None => None,
        };
        if let Some(code) = &le.last_shift_code {
            match shifts.get(code.as_str()) {
                Some(&t) => {
                    if last_work == Some(day_before) || h.streak_days > 0 {
                        h.last_shift = Some(t);
                    }
                }
                None => errs.push(
                    format!("{p}/lastShiftCode"),
                    "unknown-shift-code",
                    Some(json!(code)),
                    format!("no shift type has code {code}"),
                ),
            }
        }
        if let Some(s) = &le.last_shift_end {
            let parsed = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
                .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"));
            match parsed {
                Ok(t) => {
                    let day0 = start.and_hms_opt(0, 0, 0).expect("midnight exists");
                    let rel = (t - day0).num_minutes();
                    if rel > DAY_MINUTES {
                        errs.push(
                            format!("{p}/lastShiftEnd"),
                            "locked-date-in-horizon",
                            Some(json!(s)),
                            format!(
                                "the last locked shift ends after the first horizon day {start}"
                            ),
                        );
                    }
                    h.last_shift_end = Some(rel);
                }
                Err(_) => errs.push(
                    format!("{p}/lastShiftEnd"),
                    "invalid-datetime",
                    Some(json!(s)),
                    format!("{s} is not a date-time YYYY-MM-DDTHH:MM"),
                ),
            }
        } else if let (Some(t), Some(d)) = (h.last_shift, last_work) {
            // Derive the end from the shift's clock times when known.
            if let Some((_, end)) = shift_types[t.ix()].interval_on(horizon.day_of(d)) {
                h.last_shift_end = Some(end);
            }
        }
        h.weekends_worked = le.weekends_worked.unwrap_or(0);
    }
    LockedContext {
        history,
        fixed: Vec::new(),
    }
}

fn build_config(c: &RawSolverConfig) -> SolverConfig {
    let d = SolverConfig::default();
    SolverConfig {
        method: match c.method.as_deref() {
            Some("greedy_ml") => Method::GreedyMl,
            Some("balanced_ml") => Method::BalancedMl,
            _ => Method::Milp,
        },
        warm_start: match c.warm_start.as_deref() {
            Some("none") => WarmStart::None,
            Some("balanced_ml") => WarmStart::BalancedMl,
            _ => d.warm_start,
        },
        time_limit_seconds: c.time_limit_seconds.unwrap_or(d.time_limit_seconds),
        mip_rel_gap: c.mip_gap.unwrap_or(d.mip_rel_gap),
        mip_abs_gap: c.mip_abs_gap.unwrap_or(d.mip_abs_gap),
        threads: c.threads.unwrap_or(d.threads),
        seed: c.seed.unwrap_or(d.seed),
        presolve: c.presolve.unwrap_or(d.presolve),
        root_lp: match c.root_lp.as_deref() {
            Some("simplex") => RootLp::Simplex,
            Some("ipm") => RootLp::Ipm,
            _ => d.root_lp,
        },
        strategy: c
            .strategy
            .as_deref()
            .and_then(Strategy::parse)
            .unwrap_or(d.strategy),
        affinity_weight: c.affinity_weight.unwrap_or(d.affinity_weight),
        balance_weight: c.balance_weight.unwrap_or(d.balance_weight),
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::request;

    fn history_of(locked: serde_json::Value) -> crate::domain::EmployeeHistory {
        let mut req = request(2, 3, 1);
        req["lockedContext"] = serde_json::json!({"employeeAssignments": [locked]});
        let p = crate::input::request_from_value(&req).expect("valid");
        p.locked.history[0].clone()
    }

    /// Regression (fixture work on issue 2): a last work date on the day before the horizon
    /// is a streak of at least one day.
    #[test]
    fn last_work_date_the_day_before_is_a_streak() {
        let h = history_of(serde_json::json!({"employeeId": "E0", "lastWorkDate": "2025-11-30"}));
        assert_eq!(h.streak_days, 1);
        let h = history_of(serde_json::json!({"employeeId": "E0", "lastWorkDate": "2025-11-28"}));
        assert_eq!((h.streak_days, h.days_off_streak), (0, Some(2)));
    }

    /// Regression: with a streak but no last work date, the last shift's end comes from its
    /// clock times on the day before the horizon (N 22:00–06:00 ends at 06:00 on day 0).
    #[test]
    fn streak_without_last_work_date_derives_last_shift_end() {
        let h = history_of(
            serde_json::json!({"employeeId": "E0", "consecutiveWorkingDays": 1, "lastShiftCode": "N"}),
        );
        assert_eq!(h.last_shift_end, Some(6 * 60));
    }

    fn errors_of(req: &serde_json::Value) -> Vec<(String, String)> {
        match crate::input::request_from_value(req) {
            Ok(_) => Vec::new(),
            Err(e) => e.errors.into_iter().map(|e| (e.pointer, e.rule)).collect(),
        }
    }

    /// C12: an ON request without a shift code asks to work that day (any shift); the
    /// request keeps its day, kind and weight.
    #[test]
    fn on_request_without_shift_is_a_whole_day_request() {
        let mut req = request(1, 3, 1);
        req["employees"][0]["requests"] = serde_json::json!([
            {"date": "2025-12-02", "type": "ON", "weight": 3},
            {"date": "2025-12-03", "type": "OFF", "shiftCode": "N"}
        ]);
        let p = crate::input::request_from_value(&req).expect("valid");
        let r = &p.employees[0].requests;
        assert_eq!(
            (r[0].day, r[0].shift, r[0].on, r[0].weight),
            (1, None, true, 3.0)
        );
        assert_eq!((r[1].day, r[1].on, r[1].weight), (2, false, 1.0));
        assert_eq!(r[1].shift, p.shift_by_code("N"));
    }

    #[test]
    fn c9_parameter_codes_must_exist() {
        let mut req = request(1, 3, 1);
        req["constraintList"] =
            serde_json::json!([{"id": "C9", "params": {"maxShiftsPerType": {"D": 2, "X": 1}}}]);
        assert_eq!(
            errors_of(&req),
            vec![(
                "/constraintList/0/params/maxShiftsPerType/X".to_string(),
                "unknown-shift-code".to_string()
            )]
        );
    }

    #[test]
    fn c8_parameter_min_above_max() {
        let mut req = request(1, 3, 1);
        req["constraintList"] =
            serde_json::json!([{"id": "C8", "params": {"minTotalHours": 30, "maxTotalHours": 20}}]);
        assert_eq!(
            errors_of(&req),
            vec![(
                "/constraintList/0/params/minTotalHours".to_string(),
                "min-greater-than-max".to_string()
            )]
        );
    }

    /// The C8–C13 contract limits and locked counters reach the domain in minutes.
    #[test]
    fn contract_limits_and_locked_counters() {
        let mut req = request(1, 3, 1);
        req["employees"][0]["contract"] = serde_json::json!({
            "maxTotalHours": 20.5, "minTotalHours": 8, "maxMonthlyHours": 100,
            "maxShiftsPerType": {"N": 1}, "minConsecutiveDaysOff": 2, "maxWeekends": 1,
            "maxAssignments": 2
        });
        req["lockedContext"] = serde_json::json!({"employeeAssignments": [{
            "employeeId": "E0", "horizonHours": 4, "monthlyHours": {"2025-12": 6.5},
            "weekendsWorked": 1, "consecutiveDaysOff": 3
        }]});
        let p = crate::input::request_from_value(&req).expect("valid");
        let c = &p.employees[0].contract;
        assert_eq!(
            (
                c.max_total_minutes,
                c.min_total_minutes,
                c.max_monthly_minutes
            ),
            (Some(1230), Some(480), Some(6000))
        );
        assert_eq!(
            c.max_shifts_per_type.get(&p.shift_by_code("N").unwrap()),
            Some(&1)
        );
        assert_eq!(
            (
                c.min_consecutive_days_off,
                c.max_weekends,
                c.max_assignments
            ),
            (Some(2), Some(1), Some(2))
        );
        let h = &p.locked.history[0];
        assert_eq!(h.horizon_minutes, 240);
        assert_eq!(h.monthly_minutes.get(&(2025, 12)), Some(&390));
        assert_eq!((h.weekends_worked, h.days_off_streak), (1, Some(3)));
    }
}
