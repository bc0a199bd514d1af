//! Raw incremental request types: 1:1 mirrors of `schemas/incremental-request.schema.json`
//! and `schemas/empty-slots-request.schema.json`. Like `crate::input::raw`, every field has
//! a default (values the schema rejected are dropped before these are read, so the semantic
//! errors of the rest are still reported). Nothing outside `crate::incremental` sees them.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::input::raw::RawLockedEmployee;

/// A full-roster incremental request.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawFullRoster {
    /// The roster request (validated on its own).
    #[serde(default)]
    pub request_data: serde_json::Value,
    /// The previous roster.
    #[serde(default)]
    pub previous_roster: RawPreviousRoster,
    /// Cutoff and solve window.
    #[serde(default)]
    pub temporal_window: RawWindow,
    /// Joiners, departures, long leaves.
    #[serde(default)]
    pub employee_changes: RawChanges,
    /// Assignments released by hand.
    #[serde(default)]
    pub manual_releases: Vec<RawRelease>,
}

/// A published assignment released by hand.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawRelease {
    /// Employee.
    #[serde(default)]
    pub employee_id: String,
    /// Date.
    #[serde(default)]
    pub date: String,
    /// Shift code.
    #[serde(default)]
    pub shift_code: String,
}

/// The previous roster (a solution document; only its assignments are read).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawPreviousRoster {
    /// Previous assignments, kept as JSON so locked ones are written back verbatim.
    #[serde(default)]
    pub assignments: Vec<serde_json::Value>,
}

/// The fields of a previous assignment that classification reads.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawPrevAssignment {
    /// Slot.
    #[serde(default)]
    pub slot_id: String,
    /// Date.
    #[serde(default)]
    pub date: String,
    /// Shift code.
    #[serde(default)]
    pub shift_code: String,
    /// Employee (absent on UNASSIGNED items).
    #[serde(default)]
    pub employee_id: Option<String>,
    /// Requirement (to find the slot when its id is not one of the request's).
    #[serde(default)]
    pub requirement_id: Option<String>,
    /// "ASSIGNED" | "UNASSIGNED".
    #[serde(default)]
    pub status: Option<String>,
}

/// The temporal window.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawWindow {
    /// Last locked date.
    #[serde(default)]
    pub cutoff_date: Option<String>,
    /// First date that may change.
    #[serde(default)]
    pub solve_from_date: String,
    /// Last date that may change.
    #[serde(default)]
    pub solve_to_date: String,
}

/// Workforce changes.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawChanges {
    /// Employee objects of the request's shape.
    #[serde(default)]
    pub new_joiners: Vec<serde_json::Value>,
    /// Who leaves, from when.
    #[serde(default)]
    pub departures: Vec<RawDeparture>,
    /// Who is on long leave, when.
    #[serde(default)]
    pub long_leaves: Vec<RawLongLeave>,
}

/// A departure.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawDeparture {
    /// Employee.
    #[serde(default)]
    pub employee_id: String,
    /// First day no longer worked.
    #[serde(default)]
    pub departure_date: String,
}

/// A long leave (inclusive).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawLongLeave {
    /// Employee.
    #[serde(default)]
    pub employee_id: String,
    /// First day.
    #[serde(default)]
    pub from: String,
    /// Last day.
    #[serde(default)]
    pub to: String,
}

/// An empty-slots request.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawEmptySlots {
    /// The roster request.
    #[serde(default)]
    pub request_data: serde_json::Value,
    /// Slots to fill.
    #[serde(default)]
    pub empty_slots: Vec<RawEmptySlot>,
    /// Pre-computed locked context.
    #[serde(default)]
    pub locked_context: Option<RawEmptyLocked>,
    /// Solve window.
    #[serde(default)]
    pub temporal_window: RawWindow,
    /// Joiners, departures, long leaves.
    #[serde(default)]
    pub employee_changes: RawChanges,
}

/// One empty slot.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawEmptySlot {
    /// Slot id.
    #[serde(default)]
    pub slot_id: String,
    /// Date.
    #[serde(default)]
    pub date: String,
    /// Shift code.
    #[serde(default)]
    pub shift_code: String,
    /// Requirement.
    #[serde(default)]
    pub requirement_id: String,
    /// Location (checked against the slot when given).
    #[serde(default)]
    pub location_id: Option<String>,
    /// Product type (checked when given).
    #[serde(default)]
    pub product_type_id: Option<String>,
    /// Rank (checked when given).
    #[serde(default)]
    pub rank_id: Option<String>,
    /// People to place (default 1).
    #[serde(default)]
    pub headcount: Option<u32>,
    /// Why it is empty (default UNASSIGNED).
    #[serde(default)]
    pub reason: Option<String>,
    /// Demand item (lean form: the slot defines itself).
    #[serde(default)]
    pub demand_id: Option<String>,
    /// Required skills (lean form; checked against the slot when given).
    #[serde(default)]
    pub required_skills: Option<Vec<crate::input::raw::RawSkillRequirement>>,
    /// Penalty per missing person (lean form; checked when given).
    #[serde(default)]
    pub under_weight: Option<f64>,
    /// Penalty per extra person (lean form; checked when given).
    #[serde(default)]
    pub over_weight: Option<f64>,
    /// Priority (lean form; checked when given).
    #[serde(default)]
    pub priority: Option<u32>,
}

/// The empty-slots locked context.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawEmptyLocked {
    /// Last locked date.
    #[serde(default)]
    pub cutoff_date: Option<String>,
    /// Per employee.
    #[serde(default)]
    pub employee_assignments: Vec<RawEmptyLockedEmployee>,
}

/// One employee's locked context: the fresh request's fields plus the counters and the locked
/// shifts inside the window.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawEmptyLockedEmployee {
    /// The fields a fresh request's locked context has.
    #[serde(flatten)]
    pub base: RawLockedEmployee,
    /// C9 counters by shift code.
    #[serde(default)]
    pub shifts_per_type: BTreeMap<String, u32>,
    /// C13 counter.
    #[serde(default)]
    pub assignment_count: Option<u32>,
    /// Locked shifts from solveFromDate on ("D,D,,N").
    #[serde(default)]
    pub locked_shifts: Option<String>,
}
