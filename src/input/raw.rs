//! Raw request types: a 1:1 mirror of `schemas/roster-request.schema.json`.
//!
//! These are deserialised from JSON that passed the schema, or from a copy where the values the
//! schema rejected were dropped (so semantic errors can be reported in the same run): every
//! field therefore has a default. `validate` turns them into the domain. Nothing past
//! `crate::input` sees them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A roster request (schemaVersion 0.96).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawRequest {
    /// Must be "0.96".
    #[serde(default)]
    pub schema_version: String,
    /// Caller's reference.
    #[serde(default)]
    pub planning_reference: Option<String>,
    /// Dates to roster.
    #[serde(default)]
    pub planning_horizon: RawHorizon,
    /// Shift types.
    #[serde(default)]
    pub shift_types: Vec<RawShiftType>,
    /// Demand.
    #[serde(default)]
    pub demand_items: Vec<RawDemandItem>,
    /// Employees.
    #[serde(default)]
    pub employees: Vec<RawEmployee>,
    /// Solver settings.
    #[serde(default)]
    pub solver_config: RawSolverConfig,
    /// Rule switches and parameters.
    #[serde(default)]
    pub constraint_list: Vec<RawConstraint>,
    /// History before the horizon.
    #[serde(default)]
    pub locked_context: Option<RawLockedContext>,
}

/// Horizon dates (inclusive).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawHorizon {
    /// First date.
    #[serde(default)]
    pub start_date: String,
    /// Last date.
    #[serde(default)]
    pub end_date: String,
}

/// A shift type.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawShiftType {
    /// Code.
    #[serde(default)]
    pub code: String,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// "HH:MM".
    #[serde(default)]
    pub start_time: Option<String>,
    /// "HH:MM" (earlier than the start: ends next day).
    #[serde(default)]
    pub end_time: Option<String>,
    /// Length; required without clock times.
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    /// Codes that may not be worked the next day.
    #[serde(default)]
    pub cannot_follow: Vec<String>,
}

/// A required skill.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawSkillRequirement {
    /// Skill.
    #[serde(default)]
    pub skill: String,
    /// Minimum level (default 1).
    #[serde(default)]
    pub min_level: Option<u32>,
}

/// A demand item: one requirement on a shift over a set of dates.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawDemandItem {
    /// Unique id.
    #[serde(default)]
    pub demand_id: String,
    /// Requirement id (defaults to the demand id).
    #[serde(default)]
    pub requirement_id: Option<String>,
    /// Shift code.
    #[serde(default)]
    pub shift_code: String,
    /// Location.
    #[serde(default)]
    pub location_id: Option<String>,
    /// Product type.
    #[serde(default)]
    pub product_type_id: Option<String>,
    /// Rank.
    #[serde(default)]
    pub rank_id: Option<String>,
    /// Skills.
    #[serde(default)]
    pub required_skills: Vec<RawSkillRequirement>,
    /// People per date.
    #[serde(default)]
    pub headcount: u32,
    /// Explicit dates (default: every horizon date).
    #[serde(default)]
    pub dates: Option<Vec<String>>,
    /// Weekdays ("MON".."SUN") filter.
    #[serde(default)]
    pub days_of_week: Option<Vec<String>>,
    /// Per-date headcount overrides.
    #[serde(default)]
    pub headcount_by_date: BTreeMap<String, u32>,
    /// Penalty per missing person.
    #[serde(default)]
    pub under_weight: Option<f64>,
    /// Penalty per extra person.
    #[serde(default)]
    pub over_weight: Option<f64>,
    /// Priority ≥ 1.
    #[serde(default)]
    pub priority: Option<u32>,
}

/// An employee skill.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawSkill {
    /// Skill.
    #[serde(default)]
    pub skill: String,
    /// Level (default 1).
    #[serde(default)]
    pub level: Option<u32>,
}

/// Contract limits.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawContract {
    /// C2.
    #[serde(default)]
    pub max_weekly_hours: Option<f64>,
    /// C3.
    #[serde(default)]
    pub max_consecutive_days: Option<u32>,
    /// C3.
    #[serde(default)]
    pub min_consecutive_days: Option<u32>,
    /// C4.
    #[serde(default)]
    pub min_rest_hours: Option<f64>,
    /// C8.
    #[serde(default)]
    pub max_total_hours: Option<f64>,
    /// C8.
    #[serde(default)]
    pub min_total_hours: Option<f64>,
    /// C8.
    #[serde(default)]
    pub max_monthly_hours: Option<f64>,
    /// C9.
    #[serde(default)]
    pub max_shifts_per_type: BTreeMap<String, u32>,
    /// C10.
    #[serde(default)]
    pub min_consecutive_days_off: Option<u32>,
    /// C11.
    #[serde(default)]
    pub max_weekends: Option<u32>,
    /// C13.
    #[serde(default)]
    pub max_assignments: Option<u32>,
}

/// A leave period (inclusive).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawLeave {
    /// First date.
    #[serde(default)]
    pub from: String,
    /// Last date.
    #[serde(default)]
    pub to: String,
    /// Free text.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A shift-on/off request.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawShiftRequest {
    /// Date.
    #[serde(default)]
    pub date: String,
    /// Shift (for OFF: omitted means the whole day).
    #[serde(default)]
    pub shift_code: Option<String>,
    /// "ON" or "OFF".
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Penalty when not met.
    #[serde(default)]
    pub weight: Option<f64>,
}

/// An employee.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawEmployee {
    /// Unique id.
    #[serde(default)]
    pub employee_id: String,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Rank.
    #[serde(default)]
    pub rank_id: Option<String>,
    /// Skills.
    #[serde(default)]
    pub skills: Vec<RawSkill>,
    /// Locations.
    #[serde(default)]
    pub locations: Vec<String>,
    /// Product types.
    #[serde(default)]
    pub product_types: Vec<String>,
    /// Years.
    #[serde(default)]
    pub experience_years: Option<f64>,
    /// 0..5.
    #[serde(default)]
    pub performance_rating: Option<f64>,
    /// Hours already on the plate.
    #[serde(default)]
    pub current_workload_hours: Option<f64>,
    /// Weekly capacity in hours.
    #[serde(default)]
    pub capacity_hours: Option<f64>,
    /// Contract limits.
    #[serde(default)]
    pub contract: RawContract,
    /// Days off.
    #[serde(default)]
    pub unavailable_dates: Vec<String>,
    /// Leave periods.
    #[serde(default)]
    pub leave: Vec<RawLeave>,
    /// Requests.
    #[serde(default)]
    pub requests: Vec<RawShiftRequest>,
    /// Rotating shift pattern.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation: Option<RawRotation>,
}

/// A rotating shift pattern.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawRotation {
    /// Shift codes, `"-"` for a day off.
    #[serde(default)]
    pub pattern: Vec<String>,
    /// Penalty per deviation (default 1).
    #[serde(default)]
    pub weight: Option<f64>,
}

/// Solver settings.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawSolverConfig {
    /// "milp" | "greedy_ml" | "balanced_ml".
    #[serde(default)]
    pub method: Option<String>,
    /// "greedy_ml" | "balanced_ml" | "none".
    #[serde(default)]
    pub warm_start: Option<String>,
    /// Seconds.
    #[serde(default)]
    pub time_limit_seconds: Option<f64>,
    /// Relative MIP gap.
    #[serde(default)]
    pub mip_gap: Option<f64>,
    /// Absolute MIP gap.
    #[serde(default)]
    pub mip_abs_gap: Option<f64>,
    /// HiGHS threads.
    #[serde(default)]
    pub threads: Option<u32>,
    /// Seed.
    #[serde(default)]
    pub seed: Option<u64>,
    /// Presolve.
    #[serde(default)]
    pub presolve: Option<bool>,
    /// Root LP algorithm.
    #[serde(default)]
    pub root_lp: Option<String>,
    /// "compact" | "decomposition" | "auto".
    #[serde(default)]
    pub strategy: Option<String>,
    /// Affinity weight.
    #[serde(default)]
    pub affinity_weight: Option<f64>,
    /// balanced_ml load penalty.
    #[serde(default)]
    pub balance_weight: Option<f64>,
}

/// A `constraintList` entry.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawConstraint {
    /// Catalog id.
    #[serde(default)]
    pub id: String,
    /// On/off.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Hard/soft.
    #[serde(default)]
    pub hard: Option<bool>,
    /// Soft weight.
    #[serde(default)]
    pub weight: Option<f64>,
    /// Parameters.
    #[serde(default)]
    pub params: Option<serde_json::Value>,
}

/// Monthly locked hours: one number (the month the horizon starts in) or per `"YYYY-MM"`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum RawMonthlyHours {
    /// Hours of the month containing the horizon start.
    Single(f64),
    /// Hours per month.
    PerMonth(BTreeMap<String, f64>),
}

/// Locked context of one employee.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawLockedEmployee {
    /// Employee.
    #[serde(default)]
    pub employee_id: String,
    /// Dates already worked (before the horizon).
    #[serde(default)]
    pub assigned_dates: Vec<String>,
    /// Locked hours per ISO week ("2025-W50").
    #[serde(default)]
    pub weekly_hours: BTreeMap<String, f64>,
    /// Locked hours per month.
    #[serde(default)]
    pub monthly_hours: Option<RawMonthlyHours>,
    /// Locked hours counting towards horizon totals.
    #[serde(default)]
    pub horizon_hours: Option<f64>,
    /// Working streak ending the day before the horizon.
    #[serde(default)]
    pub consecutive_working_days: Option<u32>,
    /// Days-off streak ending the day before the horizon.
    #[serde(default)]
    pub consecutive_days_off: Option<u32>,
    /// Last worked date.
    #[serde(default)]
    pub last_work_date: Option<String>,
    /// End of the last locked shift ("YYYY-MM-DDTHH:MM").
    #[serde(default)]
    pub last_shift_end: Option<String>,
    /// Code of the last locked shift.
    #[serde(default)]
    pub last_shift_code: Option<String>,
    /// Position in the employee's rotation on the first horizon day (see `Rotation`).
    #[serde(default)]
    pub rotation_offset: Option<i64>,
    /// Weekends already worked (C11).
    #[serde(default)]
    pub weekends_worked: Option<u32>,
}

/// The locked context block.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawLockedContext {
    /// Cutoff date (the last locked date).
    #[serde(default)]
    pub cutoff_date: Option<String>,
    /// Per employee.
    #[serde(default)]
    pub employee_assignments: Vec<RawLockedEmployee>,
}
