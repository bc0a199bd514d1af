//! The constraint catalog: one module per rule (C1…C13), one registry.
//!
//! Each rule has three faces, kept side by side so a rule's meaning lives in one file:
//! * `encode_*` adds its rows to the MILP ([`crate::model::ModelIr`]), for all employees at
//!   once or for one employee alone (the seam the decomposition needs);
//! * `evaluate` judges a finished roster for the independent checker — it reads only the
//!   domain and the roster, never the MILP;
//! * `admits` is the cheap incremental test the construction heuristics use.
//!
//! The catalog specs (name, scope, parameters with defaults and JSON Schema, meaning) live as
//! data in `constraints/*.json` at the crate root and are embedded here, so `roster
//! constraints` prints exactly what validation enforces.

mod c10_days_off;
mod c11_weekends;
mod c12_requests;
mod c13_max_assignments;
mod c1_cover;
mod c2_weekly_hours;
mod c3_consecutive_days;
mod c4_rest;
mod c5_one_shift_per_day;
mod c6_eligibility;
mod c7_availability;
mod c8_total_hours;
mod c9_shifts_per_type;
mod label;
mod spec;
mod stretch;

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::domain::{Day, EmployeeIdx, Problem, Roster, ShiftIdx, SlotIdx};
use crate::model::ModelIr;

pub use c10_days_off::ConsecutiveDaysOff;
pub use c11_weekends::Weekends;
pub use c12_requests::Requests;
pub use c13_max_assignments::MaxAssignments;
pub use c1_cover::Cover;
pub use c2_weekly_hours::WeeklyHours;
pub use c3_consecutive_days::ConsecutiveDays;
pub use c4_rest::Rest;
pub use c5_one_shift_per_day::OneShiftPerDay;
pub use c6_eligibility::Eligibility;
pub use c7_availability::Availability;
pub use c8_total_hours::TotalHours;
pub use c9_shifts_per_type::ShiftsPerType;
pub use label::LabelFace;
pub use spec::{catalog, RuleSpec};
pub use stretch::stretches;

/// Stable catalog id of a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum RuleId {
    /// Cover.
    C1,
    /// Weekly hours cap.
    C2,
    /// Consecutive working days (max and min).
    C3,
    /// Rest between shifts.
    C4,
    /// One shift per day.
    C5,
    /// Eligibility.
    C6,
    /// Availability.
    C7,
    /// Hours over the horizon and per calendar month (min and max).
    C8,
    /// Maximum shifts per shift type.
    C9,
    /// Minimum consecutive days off.
    C10,
    /// Maximum working weekends.
    C11,
    /// Shift-on / shift-off requests.
    C12,
    /// Maximum assignments (rostering).
    C13,
}

impl RuleId {
    /// Every id in catalog order.
    pub const ALL: [RuleId; 13] = [
        RuleId::C1,
        RuleId::C2,
        RuleId::C3,
        RuleId::C4,
        RuleId::C5,
        RuleId::C6,
        RuleId::C7,
        RuleId::C8,
        RuleId::C9,
        RuleId::C10,
        RuleId::C11,
        RuleId::C12,
        RuleId::C13,
    ];

    /// The wire id, e.g. `"C2"`.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::C1 => "C1",
            RuleId::C2 => "C2",
            RuleId::C3 => "C3",
            RuleId::C4 => "C4",
            RuleId::C5 => "C5",
            RuleId::C6 => "C6",
            RuleId::C7 => "C7",
            RuleId::C8 => "C8",
            RuleId::C9 => "C9",
            RuleId::C10 => "C10",
            RuleId::C11 => "C11",
            RuleId::C12 => "C12",
            RuleId::C13 => "C13",
        }
    }

    /// Parse a wire id.
    pub fn parse(s: &str) -> Option<RuleId> {
        RuleId::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a rule's rows touch one employee's variables or couple employees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Rows touch a single employee (the pricing problem of the decomposition).
    PerEmployee,
    /// Rows couple employees (the master problem of the decomposition).
    Coupling,
}

/// Hard (must hold) or soft (penalised by `weight` per unit of excess).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    /// Must hold.
    Hard,
    /// Penalty per unit of violation.
    Soft {
        /// Penalty per unit.
        weight: f64,
    },
}

impl Mode {
    /// `true` for [`Mode::Hard`].
    pub fn is_hard(self) -> bool {
        matches!(self, Mode::Hard)
    }

    /// Penalty per unit (0 for hard rules, whose violations make a roster infeasible).
    pub fn weight(self) -> f64 {
        match self {
            Mode::Hard => 0.0,
            Mode::Soft { weight } => weight,
        }
    }
}

/// A rule's finding on a roster.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    /// Which rule.
    pub rule: RuleId,
    /// Hard violations make the roster infeasible; soft ones cost `penalty`.
    pub hard: bool,
    /// Employee concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<String>,
    /// Slot concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot_id: Option<String>,
    /// Dates concerned (ISO).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dates: Vec<String>,
    /// Which side of the rule (`"under"`/`"over"` for cover, `"max"`/`"min"` for limits);
    /// empty when the rule has one side.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub aspect: &'static str,
    /// Size of the violation in the rule's unit (people, hours, days, …).
    pub amount: f64,
    /// Objective penalty (`weight × amount` for soft rules, 0 for hard ones).
    pub penalty: f64,
    /// Human explanation.
    pub message: String,
}

/// Shifts worked by each employee on each horizon day (locked ones included), with each
/// employee's count of every shift type kept up to date: the totals rules (C8, C9) are asked
/// once per candidate assignment by the constructions, and recounting the horizon there made
/// a year's roster (Curtois 24) take minutes to construct.
#[derive(Clone, Debug, Default)]
pub struct Schedules {
    /// `shifts[e][day]`: shifts worked that day (usually 0 or 1).
    shifts: Vec<Vec<Vec<ShiftIdx>>>,
    /// `counts[e][t]`: shifts of type `t` that `e` works over the horizon.
    counts: Vec<Vec<u32>>,
}

impl Schedules {
    /// Empty schedules with the locked assignments of the problem.
    pub fn with_fixed(p: &Problem) -> Self {
        Self::with_fixed_of(p, &vec![true; p.employees.len()])
    }

    /// [`Schedules::with_fixed`] of the employees with `keep[e]` only (the others work
    /// nothing).
    pub fn with_fixed_of(p: &Problem, keep: &[bool]) -> Self {
        let days = p.horizon.days as usize;
        let shifts: Vec<Vec<Vec<ShiftIdx>>> = keep
            .iter()
            .map(|&k| {
                if k {
                    vec![Vec::new(); days]
                } else {
                    Vec::new()
                }
            })
            .collect();
        let counts = vec![vec![0; p.shift_types.len()]; keep.len()];
        let mut s = Schedules { shifts, counts };
        for f in p.locked.fixed.iter().filter(|f| keep[f.employee.ix()]) {
            s.push(f.employee, f.day, f.shift);
        }
        s
    }

    /// Schedules of a roster (locked assignments included).
    pub fn of(p: &Problem, roster: &Roster) -> Self {
        let mut s = Schedules::with_fixed(p);
        for a in &roster.assignments {
            let slot = &p.slots[a.slot.ix()];
            s.push(a.employee, slot.day, slot.shift);
        }
        s
    }

    /// `e` works shift `t` on `day` (a horizon day).
    pub fn push(&mut self, e: EmployeeIdx, day: Day, t: ShiftIdx) {
        self.shifts[e.ix()][day as usize].push(t);
        self.counts[e.ix()][t.ix()] += 1;
    }

    /// `e` no longer works shift `t` on `day` (nothing changes when it did not).
    pub fn remove(&mut self, e: EmployeeIdx, day: Day, t: ShiftIdx) {
        let on = &mut self.shifts[e.ix()][day as usize];
        if let Some(i) = on.iter().position(|&x| x == t) {
            on.remove(i);
            self.counts[e.ix()][t.ix()] -= 1;
        }
    }

    /// Shifts of type `t` that `e` works over the horizon.
    pub fn count(&self, e: EmployeeIdx, t: ShiftIdx) -> u32 {
        self.counts[e.ix()][t.ix()]
    }

    /// Minutes `e` works over the horizon.
    pub fn total_minutes(&self, p: &Problem, e: EmployeeIdx) -> u32 {
        self.counts[e.ix()]
            .iter()
            .zip(&p.shift_types)
            .map(|(&k, t)| k * t.duration_minutes)
            .sum()
    }

    /// Shifts of `e` on `day` (empty outside the horizon).
    pub fn on(&self, e: EmployeeIdx, day: Day) -> &[ShiftIdx] {
        if day < 0 {
            return &[];
        }
        self.shifts[e.ix()]
            .get(day as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Whether `e` works on `day` (inside the horizon).
    pub fn works(&self, e: EmployeeIdx, day: Day) -> bool {
        !self.on(e, day).is_empty()
    }

    /// Minutes worked by `e` on `day`.
    pub fn minutes(&self, p: &Problem, e: EmployeeIdx, day: Day) -> u32 {
        self.on(e, day)
            .iter()
            .map(|t| p.shift_types[t.ix()].duration_minutes)
            .sum()
    }
}

/// What `evaluate` sees: the problem, the roster and the schedules derived from it.
pub struct EvalCtx<'a> {
    /// The problem.
    pub problem: &'a Problem,
    /// The roster under judgement.
    pub roster: &'a Roster,
    /// Per-employee schedules (locked assignments included).
    pub schedules: &'a Schedules,
}

impl EvalCtx<'_> {
    /// ISO date of a day, for messages.
    pub fn date(&self, day: Day) -> String {
        self.problem.horizon.date(day).to_string()
    }

    /// External id of an employee.
    pub fn employee_id(&self, e: EmployeeIdx) -> String {
        self.problem.employees[e.ix()].id.clone()
    }

    /// Build a violation with the penalty derived from the mode.
    #[allow(clippy::too_many_arguments)]
    pub fn violation(
        &self,
        rule: RuleId,
        mode: Mode,
        employee: Option<EmployeeIdx>,
        slot: Option<SlotIdx>,
        days: &[Day],
        amount: f64,
        message: String,
    ) -> Violation {
        Violation {
            rule,
            hard: mode.is_hard(),
            employee_id: employee.map(|e| self.employee_id(e)),
            slot_id: slot.map(|s| self.problem.slots[s.ix()].id.clone()),
            dates: days.iter().map(|&d| self.date(d)).collect(),
            aspect: "",
            amount,
            penalty: mode.weight() * amount,
            message,
        }
    }
}

/// One catalog rule, with its resolved parameters and mode.
pub trait Rule: Send + Sync + fmt::Debug {
    /// Catalog id.
    fn id(&self) -> RuleId;
    /// Hard or soft.
    fn mode(&self) -> Mode;
    /// Per-employee or coupling.
    fn scope(&self) -> Scope {
        Scope::PerEmployee
    }
    /// Variable filter: may `e` be placed on slot `s` at all? (C6, C7.)
    fn allows(&self, _p: &Problem, _e: EmployeeIdx, _s: SlotIdx) -> bool {
        true
    }
    /// Add this rule's rows for employee `e` (per-employee rules).
    fn encode_employee(&self, _m: &mut ModelIr, _e: EmployeeIdx) {}
    /// Add this rule's rows that couple employees (coupling rules).
    fn encode_coupling(&self, _m: &mut ModelIr) {}
    /// Judge a finished roster (independent of the MILP encoding).
    fn evaluate(&self, cx: &EvalCtx, out: &mut Vec<Violation>);
    /// Heuristic admission: may `e`, whose schedule so far is `s`, also take `shift` on `day`
    /// without breaking this (hard) rule? Rules that cannot be broken by adding work (minimum
    /// rules) return `true` and are repaired afterwards.
    fn admits(
        &self,
        _p: &Problem,
        _s: &Schedules,
        _e: EmployeeIdx,
        _day: Day,
        _shift: ShiftIdx,
    ) -> bool {
        true
    }
    /// Whether a refusal by [`Rule::admits`] is final: no further work makes the schedule
    /// acceptable again (maximum rules — hours, streaks, rest, counts, requests), so a shift it
    /// refuses on top of the locked work alone is in no roster that keeps the (hard) rule.
    /// The incremental pool trimming relies on it. `false` for rules whose refusal more work
    /// can undo (C10: a break too short is closed by working through it).
    fn refusal_is_final(&self) -> bool {
        false
    }
    /// What this per-employee rule means to the labeling pricer for `e` ([`LabelFace`]): the
    /// shapes that forbid exactly what its rows forbid, or `None` when it has no exact shape
    /// (the decomposition then prices with the MILP). An empty list: the `x` columns and their
    /// costs already say everything.
    fn label_faces(&self, _p: &Problem, _e: EmployeeIdx) -> Option<Vec<LabelFace>> {
        None
    }
}

/// The active rules of a problem, in catalog order.
#[derive(Debug, Default)]
pub struct RuleSet {
    rules: Vec<Box<dyn Rule>>,
    /// Parameters as resolved (defaults applied), for output and `roster constraints`.
    pub resolved: BTreeMap<RuleId, serde_json::Value>,
}

impl Clone for RuleSet {
    fn clone(&self) -> Self {
        // Rules are immutable after validation; rebuild from the resolved parameters.
        let mut out = RuleSet {
            rules: Vec::new(),
            resolved: self.resolved.clone(),
        };
        for r in &self.rules {
            let params = self.resolved.get(&r.id()).cloned().unwrap_or_default();
            out.rules
                .push(build_rule(r.id(), r.mode(), &params).expect("resolved params are valid"));
        }
        out
    }
}

impl RuleSet {
    /// Build from `(id, mode, resolved params)` triples; ids must be unique.
    pub fn from_parts(
        parts: Vec<(RuleId, Mode, serde_json::Value)>,
    ) -> Result<RuleSet, serde_json::Error> {
        let mut rules: Vec<Box<dyn Rule>> = Vec::new();
        let mut resolved = BTreeMap::new();
        for (id, mode, params) in parts {
            rules.push(build_rule(id, mode, &params)?);
            resolved.insert(id, params);
        }
        rules.sort_by_key(|r| r.id());
        Ok(RuleSet { rules, resolved })
    }

    /// Active rules in catalog order.
    pub fn iter(&self) -> impl Iterator<Item = &dyn Rule> {
        self.rules.iter().map(|r| r.as_ref())
    }

    /// The active rule with this id.
    pub fn get(&self, id: RuleId) -> Option<&dyn Rule> {
        self.iter().find(|r| r.id() == id)
    }

    /// Whether a rule is active.
    pub fn is_on(&self, id: RuleId) -> bool {
        self.get(id).is_some()
    }

    /// Whether a rule is active and hard.
    pub fn is_hard(&self, id: RuleId) -> bool {
        self.get(id).is_some_and(|r| r.mode().is_hard())
    }

    /// Whether `e` may be placed on `s` under every active filter rule (C6, C7, hard C12).
    pub fn allows(&self, p: &Problem, e: EmployeeIdx, s: SlotIdx) -> bool {
        self.iter().all(|r| r.allows(p, e, s))
    }
}

fn build_rule(
    id: RuleId,
    mode: Mode,
    params: &serde_json::Value,
) -> Result<Box<dyn Rule>, serde_json::Error> {
    Ok(match id {
        RuleId::C1 => Box::new(Cover::new(mode, params)?),
        RuleId::C2 => Box::new(WeeklyHours::new(mode, params)?),
        RuleId::C3 => Box::new(ConsecutiveDays::new(mode, params)?),
        RuleId::C4 => Box::new(Rest::new(mode, params)?),
        RuleId::C5 => Box::new(OneShiftPerDay::new(mode, params)?),
        RuleId::C6 => Box::new(Eligibility::new(mode, params)?),
        RuleId::C7 => Box::new(Availability::new(mode, params)?),
        RuleId::C8 => Box::new(TotalHours::new(mode, params)?),
        RuleId::C9 => Box::new(ShiftsPerType::new(mode, params)?),
        RuleId::C10 => Box::new(ConsecutiveDaysOff::new(mode, params)?),
        RuleId::C11 => Box::new(Weekends::new(mode, params)?),
        RuleId::C12 => Box::new(Requests::new(mode, params)?),
        RuleId::C13 => Box::new(MaxAssignments::new(mode, params)?),
    })
}
