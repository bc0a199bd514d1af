//! Both request modes → one [`Prepared`] window problem.
//!
//! Full-roster mode classifies every previous assignment and computes the locked context
//! itself; empty-slots mode reads the client's. Both then go through the same window
//! construction ([`super::window`]), so the same situation gives the same sub-problem.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value};

use super::raw::*;
use super::window::{
    history_json, make_unavailable, parse_locked_shifts, prune, restrict, roll_history, sort_fixed,
    trim_pool,
};
use super::{Classification, EmptySlot, Mode, Placement, Prepared, Reason};
use crate::domain::{Day, EmployeeIdx, FixedAssignment, Problem, ShiftIdx, Slot};
use crate::input::raw::RawLockedContext;
use crate::input::{InputError, InputErrors};

/// The embedded full-roster request schema.
pub const FULL_ROSTER_SCHEMA: &str = include_str!("../../schemas/incremental-request.schema.json");
/// The embedded empty-slots request schema.
pub const EMPTY_SLOTS_SCHEMA: &str = include_str!("../../schemas/empty-slots-request.schema.json");

/// Errors collected while building.
#[derive(Default)]
struct Errs(Vec<InputError>);

impl Errs {
    fn push(&mut self, pointer: impl Into<String>, rule: &str, value: Option<Value>, msg: String) {
        self.0.push(InputError {
            pointer: pointer.into(),
            rule: rule.into(),
            value,
            message: msg,
        });
    }

    fn date(&mut self, pointer: &str, s: &str) -> Option<NaiveDate> {
        let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        if d.is_none() {
            self.push(
                pointer,
                "invalid-date",
                Some(json!(s)),
                format!("{s} is not a calendar date"),
            );
        }
        d
    }
}

/// The request's roster request with the joiners appended to its employees, validated; error
/// pointers are those of the incremental document.
fn request_data(data: &Value, joiners: &[Value]) -> Result<Problem, Vec<InputError>> {
    let mut merged = data.clone();
    let n = merged
        .get("employees")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    if !joiners.is_empty() {
        if let Some(o) = merged.as_object_mut() {
            let list = o.entry("employees").or_insert_with(|| json!([]));
            if let Some(a) = list.as_array_mut() {
                a.extend(joiners.iter().cloned());
            }
        }
    }
    crate::input::request_from_value(&merged).map_err(|e| {
        e.errors
            .into_iter()
            .map(|mut err| {
                err.pointer = remap_pointer(&err.pointer, n);
                err
            })
            .collect()
    })
}

/// `/employees/i/…` of the merged request → `/employeeChanges/newJoiners/(i−n)/…` for
/// joiners, `/requestData/…` for everything else.
fn remap_pointer(ptr: &str, n: usize) -> String {
    if let Some(rest) = ptr.strip_prefix("/employees/") {
        let (idx, tail) = rest.split_once('/').unwrap_or((rest, ""));
        if let Ok(i) = idx.parse::<usize>() {
            if i >= n {
                let tail = if tail.is_empty() {
                    String::new()
                } else {
                    format!("/{tail}")
                };
                return format!("/employeeChanges/newJoiners/{}{tail}", i - n);
            }
        }
    }
    format!("/requestData{ptr}")
}

/// The validated window.
struct Window {
    cutoff: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
}

fn window(
    raw: &RawWindow,
    cutoff: Option<NaiveDate>,
    full: &Problem,
    errs: &mut Errs,
) -> Option<Window> {
    let n0 = errs.0.len();
    let from = errs.date("/temporalWindow/solveFromDate", &raw.solve_from_date);
    let to = errs.date("/temporalWindow/solveToDate", &raw.solve_to_date);
    let (from, to) = (from?, to?);
    let cutoff = cutoff.or_else(|| from.pred_opt())?;
    let h = &full.horizon;
    if h.day_in(from).is_none() {
        errs.push(
            "/temporalWindow/solveFromDate",
            "date-outside-horizon",
            Some(json!(raw.solve_from_date)),
            format!("{from} is outside the horizon {} .. {}", h.start, h.end()),
        );
    }
    if h.day_in(to).is_none() {
        errs.push(
            "/temporalWindow/solveToDate",
            "date-outside-horizon",
            Some(json!(raw.solve_to_date)),
            format!("{to} is outside the horizon {} .. {}", h.start, h.end()),
        );
    }
    if to < from {
        errs.push(
            "/temporalWindow/solveToDate",
            "min-greater-than-max",
            Some(json!(raw.solve_to_date)),
            format!("solveToDate {to} is before solveFromDate {from}"),
        );
    }
    if cutoff >= from {
        errs.push(
            "/temporalWindow/cutoffDate",
            "cutoff-not-before-window",
            Some(json!(cutoff.to_string())),
            format!("cutoffDate {cutoff} must be before solveFromDate {from}"),
        );
    }
    (errs.0.len() == n0).then_some(Window { cutoff, from, to })
}

/// Departures by employee id, long leaves.
struct Changes {
    departures: BTreeMap<String, NaiveDate>,
    leaves: Vec<(String, NaiveDate, NaiveDate)>,
}

fn changes(
    raw: &RawChanges,
    full: &Problem,
    known: &dyn Fn(&str) -> bool,
    errs: &mut Errs,
) -> Changes {
    let mut departures = BTreeMap::new();
    for (i, d) in raw.departures.iter().enumerate() {
        let p = format!("/employeeChanges/departures/{i}");
        if !known(&d.employee_id) {
            errs.push(
                format!("{p}/employeeId"),
                "unknown-employee",
                Some(json!(d.employee_id)),
                format!(
                    "no employee {} in requestData or the previous roster",
                    d.employee_id
                ),
            );
        }
        if let Some(date) = errs.date(&format!("{p}/departureDate"), &d.departure_date) {
            if departures.insert(d.employee_id.clone(), date).is_some() {
                errs.push(
                    format!("{p}/employeeId"),
                    "duplicate-id",
                    Some(json!(d.employee_id)),
                    format!("employee {} departs twice", d.employee_id),
                );
            }
        }
    }
    let mut leaves = Vec::new();
    for (i, l) in raw.long_leaves.iter().enumerate() {
        let p = format!("/employeeChanges/longLeaves/{i}");
        if full.employee_by_id(&l.employee_id).is_none() {
            errs.push(
                format!("{p}/employeeId"),
                "unknown-employee",
                Some(json!(l.employee_id)),
                format!("no employee {} in requestData or newJoiners", l.employee_id),
            );
        }
        let (Some(a), Some(b)) = (
            errs.date(&format!("{p}/from"), &l.from),
            errs.date(&format!("{p}/to"), &l.to),
        ) else {
            continue;
        };
        if b < a {
            errs.push(
                format!("{p}/to"),
                "min-greater-than-max",
                Some(json!(l.to)),
                format!("leave ends ({b}) before it starts ({a})"),
            );
            continue;
        }
        leaves.push((l.employee_id.clone(), a, b));
    }
    Changes { departures, leaves }
}

impl Changes {
    fn departed_on(&self, id: &str, date: NaiveDate) -> bool {
        self.departures.get(id).is_some_and(|&d| date >= d)
    }
    fn on_leave(&self, id: &str, date: NaiveDate) -> bool {
        self.leaves
            .iter()
            .any(|(e, a, b)| e == id && (*a..=*b).contains(&date))
    }
}

/// The window problem: the pool (departed from the window start on removed), unavailability
/// from later departures and long leaves. Returns it with the pool as indices of `full`.
fn window_problem(full: &Problem, w: &Window, ch: &Changes) -> (Problem, Vec<EmployeeIdx>, Day) {
    let from = full.horizon.day_of(w.from);
    let pool: Vec<EmployeeIdx> = (0..full.employees.len())
        .map(|i| EmployeeIdx(i as u32))
        .filter(|&e| !ch.departed_on(&full.employees[e.ix()].id, w.from))
        .collect();
    let mut sub = restrict(full, from, &pool);
    let days = sub.days();
    for i in 0..sub.employees.len() {
        let e = EmployeeIdx(i as u32);
        let id = sub.employees[i].id.clone();
        if let Some(&d) = ch.departures.get(&id) {
            let first = sub.horizon.day_of(d);
            make_unavailable(&mut sub, e, first..days);
        }
        for (_, a, b) in ch.leaves.iter().filter(|(x, _, _)| *x == id) {
            let (a, b) = (sub.horizon.day_of(*a), sub.horizon.day_of(*b));
            make_unavailable(&mut sub, e, a.max(0)..=b.min(days - 1));
        }
    }
    (sub, pool, from)
}

/// A slot of `full` moved into the window problem with `headcount` people to place.
fn window_slot(full: &Problem, s: usize, from: Day, headcount: u32) -> Slot {
    let mut slot = full.slots[s].clone();
    slot.day -= from;
    slot.headcount = headcount;
    slot
}

fn empty_slot(full: &Problem, s: usize, headcount: u32, reason: Reason) -> EmptySlot {
    empty_slot_of(full, &full.slots[s], headcount, reason)
}

fn empty_slot_of(full: &Problem, slot: &Slot, headcount: u32, reason: Reason) -> EmptySlot {
    EmptySlot {
        slot_id: slot.id.clone(),
        date: full.horizon.date(slot.day),
        shift_code: full.shift_types[slot.shift.ix()].code.clone(),
        requirement_id: slot.requirement_id.clone(),
        location_id: slot.location_id.clone(),
        product_type_id: slot.product_type_id.clone(),
        rank_id: slot.rank_id.clone(),
        headcount,
        reason,
        demand_id: slot.demand_id.clone(),
        required_skills: slot.required_skills.clone(),
        under_weight: slot.under_weight,
        over_weight: slot.over_weight,
        priority: slot.priority,
    }
}

/// The slot a lean empty slot (no `requestData.demandItems`) defines, with headcount 0; the
/// demand items' defaults for what it leaves out. `None` (errors pushed) when it names a date
/// outside the horizon or an unknown shift code.
fn lean_slot(
    full: &Problem,
    es: &RawEmptySlot,
    date: NaiveDate,
    p: &str,
    errs: &mut Errs,
) -> Option<Slot> {
    let Some(day) = full.horizon.day_in(date) else {
        errs.push(
            format!("{p}/date"),
            "date-outside-horizon",
            Some(json!(es.date)),
            format!(
                "{date} is outside the requestData horizon {} .. {}",
                full.horizon.start,
                full.horizon.end()
            ),
        );
        return None;
    };
    let Some(shift) = full.shift_by_code(&es.shift_code) else {
        errs.push(
            format!("{p}/shiftCode"),
            "unknown-shift-code",
            Some(json!(es.shift_code)),
            format!(
                "no shift type of requestData has code {} (the lean form resolves an empty slot by its own fields)",
                es.shift_code
            ),
        );
        return None;
    };
    Some(Slot {
        id: es.slot_id.clone(),
        demand_id: es
            .demand_id
            .clone()
            .unwrap_or_else(|| es.requirement_id.clone()),
        requirement_id: es.requirement_id.clone(),
        day,
        shift,
        location_id: es.location_id.clone(),
        product_type_id: es.product_type_id.clone(),
        rank_id: es.rank_id.clone(),
        required_skills: skills_of(es).unwrap_or_default(),
        headcount: 0,
        under_weight: es
            .under_weight
            .unwrap_or(crate::input::DEFAULT_UNDER_WEIGHT),
        over_weight: es.over_weight.unwrap_or(crate::input::DEFAULT_OVER_WEIGHT),
        priority: es.priority.unwrap_or(1),
    })
}

fn skills_of(es: &RawEmptySlot) -> Option<Vec<crate::domain::SkillRequirement>> {
    es.required_skills.as_ref().map(|list| {
        list.iter()
            .map(|r| crate::domain::SkillRequirement {
                skill: r.skill.clone(),
                min_level: r.min_level.unwrap_or(1),
            })
            .collect()
    })
}

/// Read a full-roster incremental request: schema, then semantics, then classification.
pub fn load_full_roster(value: &Value) -> Result<Prepared, InputErrors> {
    load_full_roster_with(value, true)
}

/// Read an empty-slots request: schema, then semantics.
pub fn load_empty_slots(value: &Value) -> Result<Prepared, InputErrors> {
    load_empty_slots_with(value, true)
}

/// [`load_full_roster`], and with `trim` the employees who can fill no open position left
/// out of the window problem ([`Prepared::left_out`]).
pub(crate) fn load_full_roster_with(value: &Value, trim: bool) -> Result<Prepared, InputErrors> {
    let t0 = std::time::Instant::now();
    let mut prep = crate::input::validate_document(
        value,
        FULL_ROSTER_SCHEMA,
        "incremental request",
        |raw: &RawFullRoster| build_full(raw, trim),
    )?;
    prep.prepare_seconds = t0.elapsed().as_secs_f64();
    Ok(prep)
}

/// [`load_empty_slots`], trimming the pool with `trim`.
pub(crate) fn load_empty_slots_with(value: &Value, trim: bool) -> Result<Prepared, InputErrors> {
    let t0 = std::time::Instant::now();
    let mut prep = crate::input::validate_document(
        value,
        EMPTY_SLOTS_SCHEMA,
        "empty-slots request",
        |raw: &RawEmptySlots| build_empty(raw, trim),
    )?;
    prep.prepare_seconds = t0.elapsed().as_secs_f64();
    Ok(prep)
}

/// Manual releases by (employee, date, shift code) → (index in `manualReleases`, matched by
/// a previous assignment yet). A release on or before the cutoff, after the window, or twice
/// is an error.
type Releases = BTreeMap<(String, NaiveDate, String), (usize, bool)>;

fn releases(raw: &[RawRelease], w: &Window, errs: &mut Errs) -> Releases {
    let mut out = Releases::new();
    for (i, r) in raw.iter().enumerate() {
        let p = format!("/manualReleases/{i}");
        let Some(date) = errs.date(&format!("{p}/date"), &r.date) else {
            continue;
        };
        if date <= w.cutoff {
            errs.push(
                format!("{p}/date"),
                "release-before-cutoff",
                Some(json!(r.date)),
                format!(
                    "{date} is on or before the cutoffDate {}: locked history cannot be released",
                    w.cutoff
                ),
            );
            continue;
        }
        if date < w.from || date > w.to {
            errs.push(
                format!("{p}/date"),
                "release-outside-window",
                Some(json!(r.date)),
                format!(
                    "{date} is outside the solve window {} .. {}: widen the window",
                    w.from, w.to
                ),
            );
            continue;
        }
        let key = (r.employee_id.clone(), date, r.shift_code.clone());
        if out.insert(key, (i, false)).is_some() {
            errs.push(
                &p,
                "duplicate-release",
                Some(
                    json!({"employeeId": r.employee_id, "date": r.date, "shiftCode": r.shift_code}),
                ),
                "this assignment is released twice".into(),
            );
        }
    }
    out
}

/// What one previous assignment is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Locked,
    Solvable(Reason),
}

fn build_full(raw: &RawFullRoster, trim: bool) -> Result<Prepared, Vec<InputError>> {
    let full = request_data(&raw.request_data, &raw.employee_changes.new_joiners)?;
    let t0 = std::time::Instant::now();
    let mut errs = Errs::default();
    let cutoff = raw
        .temporal_window
        .cutoff_date
        .as_deref()
        .and_then(|c| errs.date("/temporalWindow/cutoffDate", c));
    let w = window(&raw.temporal_window, cutoff, &full, &mut errs);
    let prev_ids: std::collections::BTreeSet<&str> = raw
        .previous_roster
        .assignments
        .iter()
        .filter_map(|a| a.get("employeeId").and_then(Value::as_str))
        .collect();
    let known = |id: &str| full.employee_by_id(id).is_some() || prev_ids.contains(id);
    let ch = changes(&raw.employee_changes, &full, &known, &mut errs);
    let Some(w) = w else {
        return Err(errs.0);
    };
    let mut releases = releases(&raw.manual_releases, &w, &mut errs);
    let (mut sub, pool, from) = window_problem(&full, &w, &ch);
    let to = full.horizon.day_of(w.to);
    let sub_index: BTreeMap<&str, EmployeeIdx> = sub
        .employees
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), EmployeeIdx(i as u32)))
        .collect();
    let full_index: BTreeMap<&str, EmployeeIdx> = full
        .employees
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), EmployeeIdx(i as u32)))
        .collect();
    let slot_by_id: BTreeMap<&str, usize> = full
        .slots
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let slot_by_key: BTreeMap<(Day, ShiftIdx, &str), usize> = full
        .slots
        .iter()
        .enumerate()
        .map(|(i, s)| ((s.day, s.shift, s.requirement_id.as_str()), i))
        .collect();
    let shift_by_code: BTreeMap<&str, ShiftIdx> = full
        .shift_types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.code.as_str(), ShiftIdx(i as u32)))
        .collect();

    let mut locked_count = vec![0u32; full.slots.len()];
    let mut freed: BTreeMap<usize, [u32; 4]> = BTreeMap::new();
    let mut worked: Vec<Vec<(Day, ShiftIdx)>> = vec![Vec::new(); full.employees.len()];
    let mut fixed = Vec::new();
    let mut locked_json = Vec::new();
    let mut previous = Vec::new();
    let mut classification = Classification::default();
    for (i, item) in raw.previous_roster.assignments.iter().enumerate() {
        let p = format!("/previousRoster/assignments/{i}");
        let Ok(a) = RawPrevAssignment::deserialize(item) else {
            continue; // a schema error already names it
        };
        let Some(date) = errs.date(&format!("{p}/date"), &a.date) else {
            continue;
        };
        let Some(day) = full.horizon.day_in(date) else {
            errs.push(
                format!("{p}/date"),
                "date-outside-horizon",
                Some(json!(a.date)),
                format!(
                    "{date} is outside the requestData horizon {} .. {}",
                    full.horizon.start,
                    full.horizon.end()
                ),
            );
            continue;
        };
        let Some(&shift) = shift_by_code.get(a.shift_code.as_str()) else {
            errs.push(
                format!("{p}/shiftCode"),
                "unknown-shift-code",
                Some(json!(a.shift_code)),
                format!("no shift type has code {}", a.shift_code),
            );
            continue;
        };
        let slot = slot_by_id.get(a.slot_id.as_str()).copied().or_else(|| {
            a.requirement_id
                .as_deref()
                .and_then(|r| slot_by_key.get(&(day, shift, r)).copied())
        });
        if slot.is_some_and(|s| full.slots[s].day != day || full.slots[s].shift != shift) {
            errs.push(
                &p,
                "slot-mismatch",
                Some(json!({"slotId": a.slot_id, "date": a.date, "shiftCode": a.shift_code})),
                format!(
                    "slot {} is not on {date} with shift {} in requestData",
                    a.slot_id, a.shift_code
                ),
            );
            continue;
        }
        let employee = a
            .employee_id
            .as_deref()
            .filter(|_| a.status.as_deref() != Some("UNASSIGNED"));
        let class = match employee {
            _ if date <= w.cutoff => Class::Locked,
            None => Class::Solvable(Reason::Unassigned),
            Some(id) if ch.departed_on(id, date) => Class::Solvable(Reason::DepartedEmployee),
            Some(id) if ch.on_leave(id, date) => Class::Solvable(Reason::LongLeave),
            Some(id) => match releases.get_mut(&(id.to_string(), date, a.shift_code.clone())) {
                Some(r) => {
                    r.1 = true;
                    Class::Solvable(Reason::ManualRelease)
                }
                None => Class::Locked,
            },
        };
        // A release of an otherwise freed assignment is redundant, not wrong.
        if let Some(id) = employee {
            if let Some(r) = releases.get_mut(&(id.to_string(), date, a.shift_code.clone())) {
                r.1 = true;
            }
        }
        // An open position outside the window stays open: nobody asked to fill it.
        let class = match class {
            Class::Solvable(Reason::Unassigned) if !(from..=to).contains(&day) => Class::Locked,
            c => c,
        };
        classification.previous += 1;
        match class {
            Class::Solvable(reason) => {
                classification.solvable += 1;
                if !(from..=to).contains(&day) {
                    errs.push(
                        format!("{p}/date"),
                        "freed-outside-window",
                        Some(json!(a.date)),
                        format!(
                            "this assignment is freed ({}) but {date} is outside the solve window {} .. {}: widen the window",
                            reason.as_str(),
                            w.from,
                            w.to
                        ),
                    );
                    continue;
                }
                let Some(s) = slot else {
                    errs.push(
                        format!("{p}/slotId"),
                        "unknown-slot",
                        Some(json!(a.slot_id)),
                        format!(
                            "slot {} is not in requestData, so it cannot be re-solved",
                            a.slot_id
                        ),
                    );
                    continue;
                };
                if reason != Reason::Unassigned {
                    freed.entry(s).or_default()[reason.index()] += 1;
                }
                if let Some(id) = employee {
                    previous.push(Placement::new(id, date, &a.shift_code, &a.slot_id));
                }
            }
            Class::Locked => {
                classification.locked += 1;
                let Some(id) = employee else {
                    continue; // an open position in the past: nothing to keep
                };
                previous.push(Placement::new(id, date, &a.shift_code, &a.slot_id));
                locked_json.push(item.clone());
                if let Some(s) = slot {
                    locked_count[s] += 1;
                }
                if let Some(&e) = sub_index.get(id) {
                    if day >= from {
                        fixed.push(FixedAssignment {
                            employee: e,
                            day: day - from,
                            shift,
                            slot: None,
                        });
                    }
                }
                match full_index.get(id) {
                    Some(&e) => worked[e.ix()].push((day, shift)),
                    None if ch.departures.contains_key(id) => {}
                    None => errs.push(
                        format!("{p}/employeeId"),
                        "unknown-employee",
                        Some(json!(id)),
                        format!(
                            "locked assignment of {id}, who is neither in requestData nor departed"
                        ),
                    ),
                }
            }
        }
    }
    for ((id, date, code), (i, matched)) in &releases {
        if !matched {
            errs.push(
                format!("/manualReleases/{i}"),
                "unknown-assignment",
                Some(json!({"employeeId": id, "date": date.to_string(), "shiftCode": code})),
                format!(
                    "the previous roster has no assignment of {id} on {date} with shift {code} to release"
                ),
            );
        }
    }
    if !errs.0.is_empty() {
        return Err(errs.0);
    }

    // Locked context of the pool.
    for (i, &fe) in pool.iter().enumerate() {
        let mut h = roll_history(&full, fe, &worked[fe.ix()], from);
        prune(&mut h, &sub, EmployeeIdx(i as u32));
        sub.locked.history[i] = h;
    }
    sort_fixed(&mut fixed);
    sub.locked.fixed = fixed;

    // Solvable slots: what the locked assignments leave open in the window.
    let mut empty = Vec::new();
    for (s, slot) in full.slots.iter().enumerate() {
        if !(from..=to).contains(&slot.day) {
            continue;
        }
        let open = slot.headcount.saturating_sub(locked_count[s]);
        if open == 0 {
            continue;
        }
        let f = freed.get(&s).copied().unwrap_or_default();
        let dep = f[Reason::DepartedEmployee.index()].min(open);
        let leave = f[Reason::LongLeave.index()].min(open - dep);
        let manual = f[Reason::ManualRelease.index()].min(open - dep - leave);
        sub.slots.push(window_slot(&full, s, from, open));
        for (reason, n) in [
            (Reason::Unassigned, open - dep - leave - manual),
            (Reason::DepartedEmployee, dep),
            (Reason::LongLeave, leave),
            (Reason::ManualRelease, manual),
        ] {
            if n > 0 {
                empty.push(empty_slot(&full, s, n, reason));
            }
        }
    }
    let left_out = if trim {
        trim_pool(&mut sub)
    } else {
        Vec::new()
    };
    let mut request = raw.request_data.clone();
    if let Some(o) = request.as_object_mut() {
        o.shift_remove("lockedContext");
    }
    Ok(Prepared {
        mode: Mode::FullRoster,
        problem: sub,
        full,
        cutoff: w.cutoff,
        solve_from: w.from,
        solve_to: w.to,
        empty_slots: empty,
        locked: locked_json,
        previous,
        classification: Some(classification),
        left_out,
        request_data: request,
        employee_changes: changes_json(&raw.employee_changes),
        prepare_seconds: 0.0,
        classify_seconds: t0.elapsed().as_secs_f64(),
    })
}

fn changes_json(c: &RawChanges) -> Option<Value> {
    if c.new_joiners.is_empty() && c.departures.is_empty() && c.long_leaves.is_empty() {
        return None;
    }
    let departures: Vec<Value> = c
        .departures
        .iter()
        .map(|d| json!({"employeeId": d.employee_id, "departureDate": d.departure_date}))
        .collect();
    let leaves: Vec<Value> = c
        .long_leaves
        .iter()
        .map(|l| json!({"employeeId": l.employee_id, "from": l.from, "to": l.to}))
        .collect();
    Some(json!({"newJoiners": c.new_joiners, "departures": departures, "longLeaves": leaves}))
}

fn build_empty(raw: &RawEmptySlots, trim: bool) -> Result<Prepared, Vec<InputError>> {
    let mut errs = Errs::default();
    if raw.request_data.get("lockedContext").is_some() {
        errs.push(
            "/requestData/lockedContext",
            "locked-context-twice",
            None,
            "in empty-slots mode the top-level lockedContext describes everything before solveFromDate; requestData must not have its own".into(),
        );
    }
    // The lean form leaves the demand items out: the empty slots define the slots.
    let lean = raw.request_data.get("demandItems").is_none();
    let full = if lean && raw.request_data.is_object() {
        let mut data = raw.request_data.clone();
        data["demandItems"] = json!([]);
        request_data(&data, &raw.employee_changes.new_joiners)?
    } else {
        request_data(&raw.request_data, &raw.employee_changes.new_joiners)?
    };
    let t0 = std::time::Instant::now();
    let c1 = raw
        .locked_context
        .as_ref()
        .and_then(|l| l.cutoff_date.as_deref())
        .and_then(|c| errs.date("/lockedContext/cutoffDate", c));
    let c2 = raw
        .temporal_window
        .cutoff_date
        .as_deref()
        .and_then(|c| errs.date("/temporalWindow/cutoffDate", c));
    if let (Some(a), Some(b)) = (c1, c2) {
        if a != b {
            errs.push(
                "/temporalWindow/cutoffDate",
                "cutoff-mismatch",
                Some(json!(b.to_string())),
                format!("temporalWindow.cutoffDate {b} differs from lockedContext.cutoffDate {a}"),
            );
        }
    }
    let w = window(&raw.temporal_window, c1.or(c2), &full, &mut errs);
    let known = |_: &str| true;
    let ch = changes(&raw.employee_changes, &full, &known, &mut errs);
    let Some(w) = w else {
        return Err(errs.0);
    };
    let (mut sub, _pool, from) = window_problem(&full, &w, &ch);
    let to = full.horizon.day_of(w.to);

    // The client's locked context, read against the window problem.
    if let Some(lc) = &raw.locked_context {
        let base = RawLockedContext {
            cutoff_date: lc.cutoff_date.clone(),
            employee_assignments: lc
                .employee_assignments
                .iter()
                .map(|e| e.base.clone())
                .collect(),
        };
        match crate::input::locked_history(&base, &sub) {
            Ok(h) => sub.locked.history = h,
            Err(list) => errs.0.extend(list),
        }
        let mut fixed = Vec::new();
        for (i, le) in lc.employee_assignments.iter().enumerate() {
            let p = format!("/lockedContext/employeeAssignments/{i}");
            let Some(e) = sub.employee_by_id(&le.base.employee_id) else {
                continue; // reported by locked_history
            };
            let h = &mut sub.locked.history[e.ix()];
            for (code, &n) in &le.shifts_per_type {
                match full.shift_by_code(code) {
                    Some(t) => {
                        h.shifts_per_type.insert(t, n);
                    }
                    None => errs.push(
                        format!("{p}/shiftsPerType/{code}"),
                        "unknown-shift-code",
                        Some(json!(code)),
                        format!("no shift type has code {code}"),
                    ),
                }
            }
            h.assignments = le.assignment_count.unwrap_or(0);
            if let Some(s) = &le.locked_shifts {
                for (day, code) in parse_locked_shifts(s) {
                    let Some(t) = full.shift_by_code(code) else {
                        errs.push(
                            format!("{p}/lockedShifts"),
                            "unknown-shift-code",
                            Some(json!(code)),
                            format!("no shift type has code {code}"),
                        );
                        continue;
                    };
                    if day >= sub.days() {
                        errs.push(
                            format!("{p}/lockedShifts"),
                            "date-outside-horizon",
                            Some(json!(s)),
                            format!(
                                "{} days of locked shifts from {}, but the horizon ends {}",
                                day + 1,
                                w.from,
                                sub.horizon.end()
                            ),
                        );
                        break;
                    }
                    fixed.push(FixedAssignment {
                        employee: e,
                        day,
                        shift: t,
                        slot: None,
                    });
                }
            }
        }
        sort_fixed(&mut fixed);
        sub.locked.fixed = fixed;
        for i in 0..sub.employees.len() {
            let mut h = std::mem::take(&mut sub.locked.history[i]);
            prune(&mut h, &sub, EmployeeIdx(i as u32));
            sub.locked.history[i] = h;
        }
    }

    // The slots to fill.
    let slot_by_id: BTreeMap<&str, usize> = full
        .slots
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut wanted: BTreeMap<usize, u32> = BTreeMap::new();
    let mut lean_slots: Vec<(Slot, usize)> = Vec::new();
    let mut lean_index: BTreeMap<String, usize> = BTreeMap::new();
    let mut empty = Vec::new();
    for (i, es) in raw.empty_slots.iter().enumerate() {
        let p = format!("/emptySlots/{i}");
        let Some(date) = errs.date(&format!("{p}/date"), &es.date) else {
            continue;
        };
        let reason = es
            .reason
            .as_deref()
            .and_then(Reason::parse)
            .unwrap_or(Reason::Unassigned);
        let n = es.headcount.unwrap_or(1);
        if lean {
            let Some(slot) = lean_slot(&full, es, date, &p, &mut errs) else {
                continue;
            };
            if !(from..=to).contains(&slot.day) {
                errs.push(
                    format!("{p}/date"),
                    "date-outside-window",
                    Some(json!(es.date)),
                    format!("{date} is outside the solve window {} .. {}", w.from, w.to),
                );
                continue;
            }
            match lean_index.get(&slot.id) {
                Some(&k)
                    if Slot {
                        headcount: 0,
                        ..lean_slots[k].0.clone()
                    } != slot =>
                {
                    let same_place = {
                        let o = &lean_slots[k].0;
                        o.day == slot.day && o.shift == slot.shift
                    };
                    errs.push(
                        &p,
                        if same_place { "slot-mismatch" } else { "duplicate-id" },
                        Some(json!(es.slot_id)),
                        format!(
                            "slot {} is defined differently by /emptySlots/{}: one slot id, one definition",
                            slot.id, lean_slots[k].1
                        ),
                    );
                    continue;
                }
                Some(&k) => lean_slots[k].0.headcount += n,
                None => {
                    lean_index.insert(slot.id.clone(), lean_slots.len());
                    let mut s = slot.clone();
                    s.headcount = n;
                    lean_slots.push((s, i));
                }
            }
            empty.push(empty_slot_of(&full, &slot, n, reason));
            continue;
        }
        let day = full.horizon.day_of(date);
        let shift = full.shift_by_code(&es.shift_code);
        let s = slot_by_id.get(es.slot_id.as_str()).copied().or_else(|| {
            full.slots.iter().position(|s| {
                s.day == day && Some(s.shift) == shift && s.requirement_id == es.requirement_id
            })
        });
        let Some(s) = s else {
            errs.push(
                format!("{p}/slotId"),
                "unknown-slot",
                Some(json!(es.slot_id)),
                format!(
                    "no slot {} (nor one on {date} with shift {} for requirement {}) in requestData",
                    es.slot_id, es.shift_code, es.requirement_id
                ),
            );
            continue;
        };
        let slot = &full.slots[s];
        let mismatch = [
            ("date", slot.day != day),
            ("shiftCode", Some(slot.shift) != shift),
            ("requirementId", slot.requirement_id != es.requirement_id),
            (
                "locationId",
                es.location_id.is_some() && es.location_id != slot.location_id,
            ),
            (
                "productTypeId",
                es.product_type_id.is_some() && es.product_type_id != slot.product_type_id,
            ),
            ("rankId", es.rank_id.is_some() && es.rank_id != slot.rank_id),
            (
                "demandId",
                es.demand_id.as_ref().is_some_and(|d| *d != slot.demand_id),
            ),
            (
                "requiredSkills",
                skills_of(es).is_some_and(|k| k != slot.required_skills),
            ),
            (
                "underWeight",
                es.under_weight.is_some_and(|x| x != slot.under_weight),
            ),
            (
                "overWeight",
                es.over_weight.is_some_and(|x| x != slot.over_weight),
            ),
            ("priority", es.priority.is_some_and(|x| x != slot.priority)),
        ];
        if let Some((field, _)) = mismatch.iter().find(|(_, bad)| *bad) {
            errs.push(
                format!("{p}/{field}"),
                "slot-mismatch",
                None,
                format!("{field} does not match slot {} of requestData", slot.id),
            );
            continue;
        }
        if !(from..=to).contains(&day) {
            errs.push(
                format!("{p}/date"),
                "date-outside-window",
                Some(json!(es.date)),
                format!("{date} is outside the solve window {} .. {}", w.from, w.to),
            );
            continue;
        }
        *wanted.entry(s).or_default() += n;
        empty.push(empty_slot(&full, s, n, reason));
    }
    if !errs.0.is_empty() {
        return Err(errs.0);
    }
    sub.slots = if lean {
        let mut v: Vec<Slot> = lean_slots
            .into_iter()
            .map(|(mut s, _)| {
                s.day -= from;
                s
            })
            .collect();
        // The order a request's own slots have (see `crate::input`).
        v.sort_by(|a, b| (a.day, a.shift, &a.id).cmp(&(b.day, b.shift, &b.id)));
        v
    } else {
        wanted
            .iter()
            .map(|(&s, &n)| window_slot(&full, s, from, n))
            .collect()
    };
    let left_out = if trim {
        trim_pool(&mut sub)
    } else {
        Vec::new()
    };
    let mut request = raw.request_data.clone();
    if let Some(o) = request.as_object_mut() {
        o.shift_remove("lockedContext");
    }
    Ok(Prepared {
        mode: Mode::EmptySlots,
        problem: sub,
        full,
        cutoff: w.cutoff,
        solve_from: w.from,
        solve_to: w.to,
        empty_slots: empty,
        locked: Vec::new(),
        previous: Vec::new(),
        classification: None,
        left_out,
        request_data: request,
        employee_changes: changes_json(&raw.employee_changes),
        prepare_seconds: 0.0,
        classify_seconds: t0.elapsed().as_secs_f64(),
    })
}

/// The empty-slots request equivalent to a prepared situation, in the lean form `roster
/// locked-context` writes: requestData without its demand items (its own locked context folded
/// into the computed one), the empty slots defining their slots themselves, the locked context
/// of the pool and the window. Solving it builds the same window problem.
pub fn empty_slots_request(prep: &Prepared) -> Value {
    let mut doc = empty_slots_request_with_demand(prep);
    if let Some(o) = doc["requestData"].as_object_mut() {
        o.shift_remove("demandItems");
    }
    doc["emptySlots"] = Value::Array(
        prep.empty_slots
            .iter()
            .map(EmptySlot::to_lean_json)
            .collect(),
    );
    doc
}

/// [`empty_slots_request`] that keeps `requestData.demandItems` and names each empty slot by
/// id only (the slot is resolved against the demand items).
///
/// Only the window problem's pool travels: employees who departed before the window or can
/// fill no open position ([`Prepared::left_out`]) are left out of `requestData.employees`,
/// the joiners and the workforce changes, and each employee's unavailable dates and shift
/// requests before `solveFromDate` (the window never reads them) are dropped.
pub fn empty_slots_request_with_demand(prep: &Prepared) -> Value {
    let p = &prep.problem;
    let locked: Vec<Value> = (0..p.employees.len())
        .filter_map(|i| history_json(p, EmployeeIdx(i as u32)))
        .collect();
    let pool: std::collections::BTreeSet<&str> =
        p.employees.iter().map(|e| e.id.as_str()).collect();
    let from = prep.solve_from.to_string();
    let lean_employees = |list: &Value| -> Value {
        let items = list.as_array().map(Vec::as_slice).unwrap_or_default();
        Value::Array(
            items
                .iter()
                .filter(|e| {
                    e.get("employeeId")
                        .and_then(Value::as_str)
                        .is_some_and(|id| pool.contains(id))
                })
                .map(|e| window_employee(e, &from))
                .collect(),
        )
    };
    let mut request = prep.request_data.clone();
    if let Some(list) = request.get("employees") {
        request["employees"] = lean_employees(list);
    }
    let mut doc = json!({
        "schemaVersion": "0.96",
        "requestData": request,
        "emptySlots": prep.empty_slots.iter().map(EmptySlot::to_json).collect::<Vec<_>>(),
        "lockedContext": {
            "cutoffDate": prep.cutoff.to_string(),
            "employeeAssignments": locked,
        },
        "temporalWindow": {
            "solveFromDate": prep.solve_from.to_string(),
            "solveToDate": prep.solve_to.to_string(),
        },
    });
    if let Some(c) = &prep.employee_changes {
        let mut c = c.clone();
        if let Some(list) = c.get("newJoiners") {
            c["newJoiners"] = lean_employees(list);
        }
        for k in ["departures", "longLeaves"] {
            if let Some(a) = c.get_mut(k).and_then(Value::as_array_mut) {
                a.retain(|x| {
                    x.get("employeeId")
                        .and_then(Value::as_str)
                        .is_some_and(|id| pool.contains(id))
                });
            }
        }
        let empty = |k: &str| c.get(k).and_then(Value::as_array).is_none_or(Vec::is_empty);
        if !(empty("newJoiners") && empty("departures") && empty("longLeaves")) {
            doc["employeeChanges"] = c;
        }
    }
    doc
}

/// An employee object without what lies before the window (`from`, ISO): unavailable dates
/// and shift requests dated earlier are dropped (ISO dates compare as strings).
fn window_employee(e: &Value, from: &str) -> Value {
    let mut e = e.clone();
    for k in ["unavailableDates", "requests"] {
        let Some(list) = e.get_mut(k).and_then(Value::as_array_mut) else {
            continue;
        };
        list.retain(|x| {
            let date = x.as_str().or_else(|| x.get("date").and_then(Value::as_str));
            date.is_none_or(|d| d >= from)
        });
        if list.is_empty() {
            if let Some(o) = e.as_object_mut() {
                o.shift_remove(k);
            }
        }
    }
    e
}
