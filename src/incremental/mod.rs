//! Incremental rostering: re-solve part of a published roster and keep the rest exactly as
//! published (DESIGN §5).
//!
//! Two request modes, detected from the keys ([`detect`]):
//!
//! * **full roster** (`previousRoster`, `schemas/incremental-request.schema.json`): every
//!   previous assignment is classified — on or before the cutoff → LOCKED; employee departed
//!   by that date → SOLVABLE; employee on long leave that date → SOLVABLE; an open
//!   (UNASSIGNED) position → SOLVABLE; otherwise LOCKED —, the pool is the request's
//!   employees − departed + joiners, and the locked context is computed from the locked
//!   assignments;
//! * **empty slots** (`emptySlots`, `schemas/empty-slots-request.schema.json`): the client
//!   names the slots to fill and sends the locked context itself.
//!
//! Both build the same *window problem* (`Prepared::problem`): the request from
//! `solveFromDate` on, whose only slots are the open positions of the window, whose locked
//! history holds everything before the window and whose fixed assignments are the locked
//! shifts inside it (every rule counts them; nothing can move them). The existing engine
//! solves it; the output merges the locked assignments back verbatim.
//!
//! This module never changes a locked assignment: it only ever writes back the JSON objects
//! it was given.

mod build;
pub mod generate;
mod raw;
mod window;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::{json, Value};

pub use build::{
    empty_slots_request, empty_slots_request_with_demand, load_empty_slots, load_full_roster,
    EMPTY_SLOTS_SCHEMA, FULL_ROSTER_SCHEMA,
};

use crate::domain::Problem;
use crate::input::{InputError, InputErrors};
use crate::scoring::Scorer;
use crate::solve::Solution;

/// Which kind of request a JSON document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKind {
    /// A fresh roster request.
    Fresh,
    /// A task-assignment request (`tasks`).
    Tasks,
    /// Incremental, full previous roster (`previousRoster`).
    FullRoster,
    /// Incremental, empty slots only (`emptySlots`).
    EmptySlots,
}

/// Keys that only incremental requests have.
const INCREMENTAL_KEYS: [&str; 3] = ["requestData", "temporalWindow", "employeeChanges"];

/// Tell the request kind from the keys: `tasks` → tasks; `previousRoster` → full roster;
/// `emptySlots` → empty slots; both → rejected (never guessed); an incremental-looking
/// request (`requestData`, `temporalWindow`, `employeeChanges`) with neither → an error
/// naming both options; anything else is a fresh roster request.
pub fn detect(value: &Value) -> Result<RequestKind, InputErrors> {
    let has = |k: &str| value.get(k).is_some();
    let err = |rule: &str, message: String| InputErrors {
        document: "incremental request",
        errors: vec![InputError {
            pointer: String::new(),
            rule: rule.into(),
            value: None,
            message,
        }],
    };
    if has("tasks") {
        return Ok(RequestKind::Tasks);
    }
    match (has("previousRoster"), has("emptySlots")) {
        (true, true) => Err(err(
            "ambiguous-mode",
            "the request has both previousRoster (full-roster mode) and emptySlots (empty-slots \
             mode); send exactly one of them"
                .into(),
        )),
        (true, false) => Ok(RequestKind::FullRoster),
        (false, true) => Ok(RequestKind::EmptySlots),
        (false, false) => match INCREMENTAL_KEYS.iter().find(|k| has(k)) {
            Some(k) => Err(err(
                "missing-mode",
                format!(
                    "an incremental request (it has {k}) needs either previousRoster (the full \
                     previous roster) or emptySlots (only the slots to fill, with a \
                     lockedContext)"
                ),
            )),
            None => Ok(RequestKind::Fresh),
        },
    }
}

/// The two incremental modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The full previous roster was given and classified.
    FullRoster,
    /// Only the empty slots and a locked context were given.
    EmptySlots,
}

impl Mode {
    /// The wire name (`incrementalSolve.mode`).
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::FullRoster => "full_roster",
            Mode::EmptySlots => "empty_slots",
        }
    }
}

/// Why a slot is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// Never filled (or new demand).
    Unassigned,
    /// Its employee departed.
    DepartedEmployee,
    /// Its employee is on long leave.
    LongLeave,
    /// The planner released it.
    ManualRelease,
}

impl Reason {
    /// Every reason, in wire order.
    pub const ALL: [Reason; 4] = [
        Reason::Unassigned,
        Reason::DepartedEmployee,
        Reason::LongLeave,
        Reason::ManualRelease,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Unassigned => "UNASSIGNED",
            Reason::DepartedEmployee => "DEPARTED_EMPLOYEE",
            Reason::LongLeave => "LONG_LEAVE",
            Reason::ManualRelease => "MANUAL_RELEASE",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// An open position (or several on one slot) to fill.
#[derive(Clone, Debug, PartialEq)]
pub struct EmptySlot {
    /// Slot id of the request.
    pub slot_id: String,
    /// Date.
    pub date: NaiveDate,
    /// Shift code.
    pub shift_code: String,
    /// Requirement.
    pub requirement_id: String,
    /// Location.
    pub location_id: Option<String>,
    /// Product type.
    pub product_type_id: Option<String>,
    /// Rank.
    pub rank_id: Option<String>,
    /// People to place.
    pub headcount: u32,
    /// Why it is open.
    pub reason: Reason,
    /// Demand item of the slot.
    pub demand_id: String,
    /// Skills the slot needs.
    pub required_skills: Vec<crate::domain::SkillRequirement>,
    /// Penalty per missing person.
    pub under_weight: f64,
    /// Penalty per extra person.
    pub over_weight: f64,
    /// Priority.
    pub priority: u32,
}

impl EmptySlot {
    /// As an `emptySlots` item.
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "slotId": self.slot_id,
            "date": self.date.to_string(),
            "shiftCode": self.shift_code,
            "requirementId": self.requirement_id,
        });
        for (k, x) in [
            ("locationId", &self.location_id),
            ("productTypeId", &self.product_type_id),
            ("rankId", &self.rank_id),
        ] {
            if let Some(x) = x {
                v[k] = json!(x);
            }
        }
        v["headcount"] = json!(self.headcount);
        v["reason"] = json!(self.reason.as_str());
        v
    }

    /// As a self-defining `emptySlots` item of the lean form (a request without
    /// `requestData.demandItems`): also the slot's demand id, skills, weights and priority,
    /// each left out when it is the default the reader applies.
    pub fn to_lean_json(&self) -> Value {
        let mut v = self.to_json();
        if self.demand_id != self.requirement_id {
            v["demandId"] = json!(self.demand_id);
        }
        if !self.required_skills.is_empty() {
            v["requiredSkills"] = Value::Array(
                self.required_skills
                    .iter()
                    .map(|r| json!({"skill": r.skill, "minLevel": r.min_level}))
                    .collect(),
            );
        }
        if self.under_weight != crate::input::DEFAULT_UNDER_WEIGHT {
            v["underWeight"] = json!(self.under_weight);
        }
        if self.over_weight != crate::input::DEFAULT_OVER_WEIGHT {
            v["overWeight"] = json!(self.over_weight);
        }
        if self.priority != 1 {
            v["priority"] = json!(self.priority);
        }
        v
    }
}

/// How the previous assignments were classified (full-roster mode).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Classification {
    /// Previous assignments read (open positions included).
    pub previous: usize,
    /// Classified LOCKED.
    pub locked: usize,
    /// Classified SOLVABLE.
    pub solvable: usize,
}

/// One person on one shift on one date, as the outputs name it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Placement {
    /// Employee.
    pub employee_id: String,
    /// Date (ISO).
    pub date: String,
    /// Shift code.
    pub shift_code: String,
    /// Slot.
    pub slot_id: String,
}

impl Placement {
    fn new(employee: &str, date: NaiveDate, shift: &str, slot: &str) -> Self {
        Placement {
            employee_id: employee.into(),
            date: date.to_string(),
            shift_code: shift.into(),
            slot_id: slot.into(),
        }
    }

    fn to_json(&self) -> Value {
        json!({"employeeId": self.employee_id, "date": self.date, "shiftCode": self.shift_code, "slotId": self.slot_id})
    }
}

/// An incremental request read and turned into its window problem.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// Which mode the request used.
    pub mode: Mode,
    /// The window problem the engine solves: open positions only, locked work as history
    /// (before the window) and fixed assignments (inside it).
    pub problem: Problem,
    /// The request's own problem (joiners included) over its whole horizon.
    pub full: Problem,
    /// Last locked date.
    pub cutoff: NaiveDate,
    /// First date that may change.
    pub solve_from: NaiveDate,
    /// Last date that may change.
    pub solve_to: NaiveDate,
    /// The open positions, by slot and reason.
    pub empty_slots: Vec<EmptySlot>,
    /// The locked previous assignments, verbatim (full-roster mode).
    pub locked: Vec<Value>,
    /// Every previous placement with an employee (full-roster mode), for the diff.
    pub previous: Vec<Placement>,
    /// Classification counts (full-roster mode).
    pub classification: Option<Classification>,
    /// Ids of the pool employees left out of the window problem because they can fill none
    /// of its slots (nor does their locked work alone break a hard rule): they can only ever
    /// work their locked shifts, so they change no decision, and the empty-slots request
    /// written from this one leaves them out (see `window::pool_keep`).
    pub left_out: Vec<String>,
    /// The request's roster request, without a locked context of its own.
    pub request_data: Value,
    /// The workforce changes as given (for the empty-slots request written from this one).
    pub employee_changes: Option<Value>,
    /// Seconds spent reading (both schemas, requestData's semantics), classifying and
    /// computing the locked context.
    pub prepare_seconds: f64,
    /// Of those, seconds spent after requestData was read: classification, employee pool,
    /// locked context and open positions (full roster), or reading the client's locked
    /// context and matching the empty slots (empty slots).
    pub classify_seconds: f64,
}

/// Read either incremental request kind (see [`detect`]).
pub fn load(value: &Value) -> Result<Prepared, InputErrors> {
    match detect(value)? {
        RequestKind::FullRoster => load_full_roster(value),
        RequestKind::EmptySlots => load_empty_slots(value),
        RequestKind::Fresh | RequestKind::Tasks => Err(InputErrors {
            document: "incremental request",
            errors: vec![InputError {
                pointer: String::new(),
                rule: "missing-mode".into(),
                value: None,
                message: "not an incremental request: it needs either previousRoster or \
                          emptySlots"
                    .into(),
            }],
        }),
    }
}

/// [`load`] without trimming the pool: the window problem keeps every pool employee, also
/// those who can fill no open position. For comparisons (tests, diagnostics): solving it gives
/// the same decisions; its objective also counts the constant soft penalties of those
/// employees' locked work.
pub fn load_untrimmed(value: &Value) -> Result<Prepared, InputErrors> {
    match detect(value)? {
        RequestKind::FullRoster => build::load_full_roster_with(value, false),
        RequestKind::EmptySlots => build::load_empty_slots_with(value, false),
        RequestKind::Fresh | RequestKind::Tasks => load(value),
    }
}

/// The output document of an incremental solve: the solution document of the window problem
/// (`schemas/roster-solution.schema.json`), whose `assignments` are — in full-roster mode —
/// every locked assignment verbatim plus the new ones, or — in empty-slots mode — only the new
/// ones, and an `incrementalSolve` block. `summary`, `unfilledSlots` and `employeeStats`
/// describe the re-solved positions.
pub fn incremental_json(prep: &Prepared, sol: &Solution, scorer: &dyn Scorer) -> Value {
    let mut doc = crate::output::solution_json(&prep.problem, sol, scorer);
    let new_items: Vec<Value> = doc["assignments"].as_array().cloned().unwrap_or_default();
    let counts = sol.roster.count_per_slot(prep.problem.slots.len());
    let wanted: u32 = prep.problem.slots.iter().map(|s| s.headcount).sum();
    let filled: u32 = prep
        .problem
        .slots
        .iter()
        .zip(&counts)
        .map(|(s, &n)| n.min(s.headcount))
        .sum();
    let mut reasons = serde_json::Map::new();
    for r in Reason::ALL {
        let n: u32 = prep
            .empty_slots
            .iter()
            .filter(|e| e.reason == r)
            .map(|e| e.headcount)
            .sum();
        reasons.insert(r.as_str().into(), json!(n));
    }
    let mut block = json!({
        "mode": prep.mode.as_str(),
        "cutoffDate": prep.cutoff.to_string(),
        "solveFromDate": prep.solve_from.to_string(),
        "solveToDate": prep.solve_to.to_string(),
        "emptySlotCount": wanted,
        "filledSlotCount": filled,
        "unfilledSlotCount": wanted - filled,
        "reasons": reasons,
        "prepareSeconds": prep.prepare_seconds,
        "classificationSeconds": prep.classify_seconds,
    });
    if prep.mode == Mode::FullRoster {
        let shift_rank: BTreeMap<&str, usize> = prep
            .full
            .shift_types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.code.as_str(), i))
            .collect();
        fn field<'v>(v: &'v Value, k: &str) -> &'v str {
            v.get(k).and_then(Value::as_str).unwrap_or("")
        }
        fn key<'v>(
            v: &'v Value,
            ranks: &BTreeMap<&str, usize>,
        ) -> (&'v str, usize, &'v str, &'v str) {
            let rank = ranks.get(field(v, "shiftCode")).copied();
            (
                field(v, "date"),
                rank.unwrap_or(usize::MAX),
                field(v, "slotId"),
                field(v, "employeeId"),
            )
        }
        let items: Vec<Value> = prep.locked.iter().cloned().chain(new_items).collect();
        // Sorted by borrowed keys (no string copies), then moved into that order.
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.sort_by_cached_key(|&i| key(&items[i], &shift_rank));
        let mut items: Vec<Option<Value>> = items.into_iter().map(Some).collect();
        let merged: Vec<Value> = order.iter().filter_map(|&i| items[i].take()).collect();
        let after: Vec<Placement> = merged.iter().filter_map(placement_of).collect();
        let d = diff(&prep.previous, &after);
        let c = prep.classification.unwrap_or_default();
        block["previousAssignmentCount"] = json!(c.previous);
        block["lockedAssignmentCount"] = json!(c.locked);
        block["solvableAssignmentCount"] = json!(c.solvable);
        block["changedAssignments"] = d.to_json();
        doc["assignments"] = Value::Array(merged);
    }
    doc["incrementalSolve"] = block;
    doc
}

fn placement_of(v: &Value) -> Option<Placement> {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    Some(Placement {
        employee_id: s("employeeId")?,
        date: s("date")?,
        shift_code: s("shiftCode")?,
        slot_id: s("slotId")?,
    })
}

/// The placements of a solution document (`assignments`), or of an incremental request's
/// previous roster; items without an employee (open positions) are skipped. Each needs
/// `employeeId`, `date`, `shiftCode` and `slotId`.
pub fn placements_of(doc: &Value) -> Result<Vec<Placement>, InputErrors> {
    let (base, items) = match doc.pointer("/previousRoster/assignments") {
        Some(a) => ("/previousRoster/assignments", a),
        None => (
            "/assignments",
            doc.get("assignments").unwrap_or(&Value::Null),
        ),
    };
    let Some(items) = items.as_array() else {
        return Err(InputErrors {
            document: "roster solution",
            errors: vec![InputError {
                pointer: base.into(),
                rule: "required".into(),
                value: None,
                message: "a solution document needs an assignments array".into(),
            }],
        });
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if item.get("employeeId").is_none_or(Value::is_null)
            || item.get("status").and_then(Value::as_str) == Some("UNASSIGNED")
        {
            continue;
        }
        match placement_of(item) {
            Some(p) => out.push(p),
            None => errors.push(InputError {
                pointer: format!("{base}/{i}"),
                rule: "required".into(),
                value: Some(item.clone()),
                message: "an assignment needs employeeId, date, shiftCode and slotId (strings)"
                    .into(),
            }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(InputErrors {
            document: "roster solution",
            errors,
        })
    }
}

/// Differences between two rosters, by employee and date.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diff {
    /// Placements only in the new roster.
    pub added: Vec<Placement>,
    /// Placements only in the old roster.
    pub removed: Vec<Placement>,
    /// Same employee and date, another shift or slot: `(before, after)`.
    pub changed: Vec<(Placement, Placement)>,
}

impl Diff {
    /// Whether the rosters are the same.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// As JSON: `added`, `removed`, `changed` (with `before`/`after`) and their counts.
    pub fn to_json(&self) -> Value {
        json!({
            "added": self.added.iter().map(Placement::to_json).collect::<Vec<_>>(),
            "removed": self.removed.iter().map(Placement::to_json).collect::<Vec<_>>(),
            "changed": self.changed.iter().map(|(a, b)| json!({
                "employeeId": a.employee_id,
                "date": a.date,
                "before": {"shiftCode": a.shift_code, "slotId": a.slot_id},
                "after": {"shiftCode": b.shift_code, "slotId": b.slot_id},
            })).collect::<Vec<_>>(),
            "counts": {"added": self.added.len(), "removed": self.removed.len(), "changed": self.changed.len()},
        })
    }
}

/// Compare two rosters by (employee, date): a placement only in `new` is added, only in `old`
/// removed; one on each side with another shift or slot is changed. Sorted by employee, date.
pub fn diff(old: &[Placement], new: &[Placement]) -> Diff {
    // Both sides sorted (employee, date, shift, slot) and deduplicated, then walked together
    // one (employee, date) group at a time: no map, no copies but the output's.
    fn sorted(list: &[Placement]) -> Vec<&Placement> {
        let mut v: Vec<&Placement> = list.iter().collect();
        v.sort();
        v.dedup();
        v
    }
    fn key(p: &Placement) -> (&str, &str) {
        (p.employee_id.as_str(), p.date.as_str())
    }
    let (a, b) = (sorted(old), sorted(new));
    let mut d = Diff::default();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let k = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => key(x).min(key(y)),
            (Some(x), None) => key(x),
            (None, Some(y)) => key(y),
            (None, None) => break,
        };
        let (i0, j0) = (i, j);
        while i < a.len() && key(a[i]) == k {
            i += 1;
        }
        while j < b.len() && key(b[j]) == k {
            j += 1;
        }
        let (x, y) = (&a[i0..i], &b[j0..j]);
        let only_x: Vec<&Placement> = x.iter().filter(|p| !y.contains(p)).copied().collect();
        let only_y: Vec<&Placement> = y.iter().filter(|p| !x.contains(p)).copied().collect();
        if only_x.len() == 1 && only_y.len() == 1 {
            d.changed.push((only_x[0].clone(), only_y[0].clone()));
        } else {
            d.removed.extend(only_x.into_iter().cloned());
            d.added.extend(only_y.into_iter().cloned());
        }
    }
    d
}
