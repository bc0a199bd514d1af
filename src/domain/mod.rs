//! The validated problem every algorithm works on.
//!
//! Nothing here knows about JSON: `crate::input` turns raw requests into these types after
//! schema and semantic validation, so code past that seam can index without re-checking.
//! Ids are `Copy` newtypes over dense indices; the original string ids stay beside them for
//! output. Collections are `Vec`s and `BTreeMap`s so that iteration order never depends on
//! hashing (outputs must be deterministic).

pub mod calendar;

use std::collections::BTreeMap;

pub use calendar::{Horizon, IsoWeek};

use crate::constraints::RuleSet;

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            /// The dense index as `usize`.
            #[inline]
            pub fn ix(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index_type!(
    /// Index of an employee in [`Problem::employees`].
    EmployeeIdx
);
index_type!(
    /// Index of a slot in [`Problem::slots`].
    SlotIdx
);
index_type!(
    /// Index of a shift type in [`Problem::shift_types`].
    ShiftIdx
);

/// A day of the horizon: 0 is `Horizon::start`. Negative days lie before the horizon.
pub type Day = i32;

/// Minutes since midnight of horizon day 0 (may be negative for locked history).
pub type Minute = i64;

/// Minutes in a day.
pub const DAY_MINUTES: Minute = 24 * 60;

/// A shift type: when it runs, how long it lasts, and what may not follow it.
#[derive(Clone, Debug, PartialEq)]
pub struct ShiftType {
    /// Short code used in requests and outputs, e.g. `"D"`.
    pub code: String,
    /// Human name.
    pub name: String,
    /// Start as minutes after midnight, when clock times are known.
    pub start_minute: Option<u32>,
    /// Paid/working length in minutes (from clock times, or given explicitly).
    pub duration_minutes: u32,
    /// Shift types that may not be worked on the day after this one (explicit list).
    pub cannot_follow: Vec<ShiftIdx>,
}

impl ShiftType {
    /// Absolute start and end (minutes from day 0 midnight) of this shift worked on `day`,
    /// when the clock times are known. Overnight shifts end on the next day.
    pub fn interval_on(&self, day: Day) -> Option<(Minute, Minute)> {
        self.start_minute.map(|s| {
            let start = Minute::from(day) * DAY_MINUTES + Minute::from(s);
            (start, start + Minute::from(self.duration_minutes))
        })
    }
}

/// A skill requirement of a slot.
#[derive(Clone, Debug, PartialEq)]
pub struct SkillRequirement {
    /// Skill name.
    pub skill: String,
    /// Minimum level (1 when unspecified).
    pub min_level: u32,
}

/// One (date, shift, requirement) to staff: the unit of cover.
#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    /// Stable id: `"{demandId}/{date}"` unless given explicitly.
    pub id: String,
    /// Demand item this slot came from.
    pub demand_id: String,
    /// Requirement id (from the demand item).
    pub requirement_id: String,
    /// Day of the horizon.
    pub day: Day,
    /// Shift type worked.
    pub shift: ShiftIdx,
    /// Location the slot is at, if any.
    pub location_id: Option<String>,
    /// Product type, if any.
    pub product_type_id: Option<String>,
    /// Rank required, if any.
    pub rank_id: Option<String>,
    /// Skills required.
    pub required_skills: Vec<SkillRequirement>,
    /// People needed.
    pub headcount: u32,
    /// Penalty per missing person (soft cover).
    pub under_weight: f64,
    /// Penalty per extra person.
    pub over_weight: f64,
    /// Priority (higher is more important); raises the under-cover penalty and orders the
    /// heuristics.
    pub priority: u32,
}

/// A shift-on or shift-off request (C12).
#[derive(Clone, Debug, PartialEq)]
pub struct ShiftRequest {
    /// Day of the horizon.
    pub day: Day,
    /// Shift requested (on) or refused (off); `None` on an off request means the whole day.
    pub shift: Option<ShiftIdx>,
    /// `true` for "I want this shift", `false` for "I do not want it".
    pub on: bool,
    /// Penalty paid when the request is not met.
    pub weight: f64,
}

/// Per-employee contract limits; `None` falls back to the rule's catalog parameter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Contract {
    /// C2: maximum minutes per ISO week.
    pub max_weekly_minutes: Option<u32>,
    /// C3: maximum consecutive working days.
    pub max_consecutive_days: Option<u32>,
    /// C3: minimum consecutive working days.
    pub min_consecutive_days: Option<u32>,
    /// C4: minimum rest between shifts, in minutes.
    pub min_rest_minutes: Option<u32>,
    /// C8: maximum minutes over the horizon.
    pub max_total_minutes: Option<u32>,
    /// C8: minimum minutes over the horizon.
    pub min_total_minutes: Option<u32>,
    /// C8: maximum minutes per calendar month.
    pub max_monthly_minutes: Option<u32>,
    /// C9: maximum shifts of each type over the horizon.
    pub max_shifts_per_type: BTreeMap<ShiftIdx, u32>,
    /// C10: minimum consecutive days off.
    pub min_consecutive_days_off: Option<u32>,
    /// C11: maximum working weekends.
    pub max_weekends: Option<u32>,
    /// C13: maximum number of assignments over the horizon.
    pub max_assignments: Option<u32>,
}

/// A person who can be rostered.
#[derive(Clone, Debug, PartialEq)]
pub struct Employee {
    /// External id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Rank (grade), if any.
    pub rank_id: Option<String>,
    /// Skill name → level.
    pub skills: BTreeMap<String, u32>,
    /// Locations the person may work at (empty: none declared).
    pub locations: Vec<String>,
    /// Product types the person may work (empty: none declared).
    pub product_types: Vec<String>,
    /// Years of experience (scorer input).
    pub experience_years: f64,
    /// Performance rating in [0, 5] (scorer input).
    pub performance_rating: f64,
    /// Hours of work already on the person's plate (scorer input).
    pub current_workload_hours: f64,
    /// Hours the person can take per week (scorer input).
    pub capacity_hours: f64,
    /// Contract limits.
    pub contract: Contract,
    /// Days of the horizon the person cannot work (leave, days off), sorted, deduplicated.
    pub unavailable_days: Vec<Day>,
    /// Shift-on/off requests.
    pub requests: Vec<ShiftRequest>,
    /// Rotating shift pattern, if the person works one.
    pub rotation: Option<Rotation>,
}

/// A rotating shift pattern (`employees[].rotation`): a cycle of days, each a shift code or a
/// day off, repeating by the calendar. The position on the first horizon day is the locked
/// context's `rotationOffset` ([`EmployeeHistory::rotation_offset`]). C12 reads it: a day off
/// of the pattern is an off-request for the whole day, a pattern day with a shift an
/// off-request for every other shift, each of the pattern's weight — so the rotation says
/// when and which shift a person may work, and cover decides whether they do.
#[derive(Clone, Debug, PartialEq)]
pub struct Rotation {
    /// The cycle: `Some(shift)` works that shift, `None` is a day off.
    pub pattern: Vec<Option<ShiftIdx>>,
    /// Penalty of each deviation (soft C12), or 0 to ignore the pattern.
    pub weight: f64,
}

/// A locked assignment inside the horizon (it counts in every rule and is never changed).
#[derive(Clone, Debug, PartialEq)]
pub struct FixedAssignment {
    /// Who.
    pub employee: EmployeeIdx,
    /// Which day of the horizon.
    pub day: Day,
    /// Which shift.
    pub shift: ShiftIdx,
    /// The slot it fills, when it fills one of this problem's slots.
    pub slot: Option<SlotIdx>,
}

/// What already happened before (or is locked within) the solve window, per employee.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EmployeeHistory {
    /// Locked minutes per ISO week (weeks that overlap the horizon matter).
    pub weekly_minutes: BTreeMap<IsoWeek, u32>,
    /// Locked minutes per calendar month `(year, month)`.
    pub monthly_minutes: BTreeMap<(i32, u32), u32>,
    /// Locked minutes that count towards the horizon totals (C8).
    pub horizon_minutes: u32,
    /// Consecutive working days ending on the day before the horizon starts.
    pub streak_days: u32,
    /// Consecutive days off ending on the day before the horizon starts (`None`: unknown,
    /// treated as "long enough").
    pub days_off_streak: Option<u32>,
    /// End of the last locked shift before the horizon, in minutes relative to day 0.
    pub last_shift_end: Option<Minute>,
    /// Shift worked on the day before the horizon (for "cannot follow" lists).
    pub last_shift: Option<ShiftIdx>,
    /// Working weekends already counted against C11.
    pub weekends_worked: u32,
    /// Shifts per type already counted against C9.
    pub shifts_per_type: BTreeMap<ShiftIdx, u32>,
    /// Assignments already counted against C13.
    pub assignments: u32,
    /// Position in the employee's rotation ([`Employee::rotation`]) on day 0 of the horizon,
    /// in `0..pattern length` (0 without a rotation).
    pub rotation_offset: u32,
}

/// The locked context of a solve: history before the window plus locked assignments in it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LockedContext {
    /// Per employee (indexed like [`Problem::employees`]).
    pub history: Vec<EmployeeHistory>,
    /// Locked assignments inside the horizon.
    pub fixed: Vec<FixedAssignment>,
}

/// Which algorithm produces the roster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    /// The MILP on HiGHS (optionally warm-started).
    Milp,
    /// Greedy by priority/date with the best-scoring feasible employee.
    GreedyMl,
    /// Greedy with scores adjusted by current load.
    BalancedMl,
}

impl Method {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Milp => "milp",
            Method::GreedyMl => "greedy_ml",
            Method::BalancedMl => "balanced_ml",
        }
    }
}

/// Warm start handed to HiGHS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarmStart {
    /// No initial solution.
    None,
    /// The `greedy_ml` roster.
    GreedyMl,
    /// The `balanced_ml` roster.
    BalancedMl,
}

impl WarmStart {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            WarmStart::None => "none",
            WarmStart::GreedyMl => "greedy_ml",
            WarmStart::BalancedMl => "balanced_ml",
        }
    }
}

/// How HiGHS solves the root LP relaxation of the MILP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RootLp {
    /// Dual simplex below [`RootLp::IPM_COLUMNS`] columns, interior point from there on.
    Auto,
    /// HiGHS's default: dual simplex after MIP presolve.
    Simplex,
    /// Interior point (IPX) with crossover, on the unpresolved model.
    Ipm,
}

impl RootLp {
    /// Model size (columns) from which `Auto` picks the interior point root. Measured on 2
    /// cores: at 500 × 31 × 3 (68 k columns) MIP presolve and probing take 35 s and the dual
    /// simplex does not finish the root in 60 s, while IPX without presolve solves it in 29 s;
    /// at 100 × 28 × 3 (12.6 k columns) the default is faster (11.6 s vs 16.8 s to optimal).
    pub const IPM_COLUMNS: usize = 40_000;

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RootLp::Auto => "auto",
            RootLp::Simplex => "simplex",
            RootLp::Ipm => "ipm",
        }
    }

    /// Whether the interior point root is used for a model of `columns` columns.
    pub fn uses_ipm(self, columns: usize) -> bool {
        match self {
            RootLp::Auto => columns >= Self::IPM_COLUMNS,
            RootLp::Simplex => false,
            RootLp::Ipm => true,
        }
    }
}

/// Which formulation the `milp` method solves (`solverConfig.strategy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// The compact MILP: every row in one HiGHS model.
    Compact,
    /// The decomposition by employee: column generation and the integer master
    /// (`crate::decompose`).
    Decomposition,
    /// [`Strategy::Decomposition`] when [`Strategy::prefers_decomposition`] says so, else
    /// [`Strategy::Compact`].
    Auto,
}

impl Strategy {
    /// From the wire name.
    pub fn parse(s: &str) -> Option<Strategy> {
        match s {
            "compact" => Some(Strategy::Compact),
            "decomposition" => Some(Strategy::Decomposition),
            "auto" => Some(Strategy::Auto),
            _ => None,
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Compact => "compact",
            Strategy::Decomposition => "decomposition",
            Strategy::Auto => "auto",
        }
    }

    /// The rule of `auto`: the decomposition pays when the problem has per-employee sequence
    /// or total-time rules (C3, C8, C10, C11: where the compact LP relaxation is weak) and
    /// spans two weeks or more, and either the labeling pricer covers every rule
    /// ([`crate::decompose::labeling::covers`]: any size, since every labeling keeps to the
    /// time limit — on Curtois 13 and 19–21, 84–182 days, it gives rosters where the compact
    /// model gives far worse ones or none) or the roster has at most
    /// [`Strategy::AUTO_MAX_EMPLOYEE_DAYS`] employee-days (one-employee MILPs of 50–80 ms
    /// each: Curtois Instance4, 10 × 28, converges; 16–20 × 28 did not in 60 s).
    pub fn prefers_decomposition(p: &Problem) -> bool {
        use crate::constraints::RuleId;
        let weak = [RuleId::C3, RuleId::C8, RuleId::C10, RuleId::C11]
            .iter()
            .any(|&r| p.rules.is_on(r));
        let size = p.employees.len() * p.horizon.days as usize;
        let priced = size <= Self::AUTO_MAX_EMPLOYEE_DAYS || crate::decompose::labeling::covers(p);
        weak && priced && p.horizon.days >= 14
    }

    /// Largest `employees × days` that `auto` gives to the decomposition priced by MILPs.
    pub const AUTO_MAX_EMPLOYEE_DAYS: usize = 300;

    /// The formulation that runs on `p`.
    pub fn resolve(self, p: &Problem) -> Strategy {
        match self {
            Strategy::Auto if Self::prefers_decomposition(p) => Strategy::Decomposition,
            Strategy::Auto => Strategy::Compact,
            s => s,
        }
    }
}

/// Solver settings (validated `solverConfig`).
#[derive(Clone, Debug, PartialEq)]
pub struct SolverConfig {
    /// Algorithm.
    pub method: Method,
    /// Warm start for `milp`.
    pub warm_start: WarmStart,
    /// Wall-clock limit in seconds.
    pub time_limit_seconds: f64,
    /// Relative MIP gap at which HiGHS stops.
    pub mip_rel_gap: f64,
    /// Absolute MIP gap at which HiGHS stops.
    pub mip_abs_gap: f64,
    /// HiGHS threads.
    pub threads: u32,
    /// Random seed (HiGHS and heuristics).
    pub seed: u64,
    /// HiGHS presolve on/off.
    pub presolve: bool,
    /// Root LP algorithm.
    pub root_lp: RootLp,
    /// Formulation of the `milp` method.
    pub strategy: Strategy,
    /// Weight of the affinity term in the objective.
    pub affinity_weight: f64,
    /// Load penalty of `balanced_ml` (score units per fraction of the mean load).
    pub balance_weight: f64,
}

impl Default for SolverConfig {
    fn default() -> Self {
        SolverConfig {
            method: Method::Milp,
            warm_start: WarmStart::GreedyMl,
            time_limit_seconds: 60.0,
            mip_rel_gap: 0.0,
            mip_abs_gap: 1e-6,
            threads: 1,
            seed: 0,
            presolve: true,
            root_lp: RootLp::Auto,
            strategy: Strategy::Auto,
            affinity_weight: 1.0,
            balance_weight: 0.5,
        }
    }
}

/// A fully validated rostering problem.
#[derive(Clone, Debug)]
pub struct Problem {
    /// Caller's reference, echoed in outputs.
    pub planning_reference: String,
    /// The days to roster.
    pub horizon: Horizon,
    /// Shift types.
    pub shift_types: Vec<ShiftType>,
    /// Slots to staff, sorted by (day, shift, id).
    pub slots: Vec<Slot>,
    /// Employees.
    pub employees: Vec<Employee>,
    /// Active rules with their resolved parameters.
    pub rules: RuleSet,
    /// Solver settings.
    pub config: SolverConfig,
    /// Locked history and assignments.
    pub locked: LockedContext,
}

impl Problem {
    /// Number of horizon days.
    pub fn days(&self) -> Day {
        self.horizon.days as Day
    }

    /// The locked history of an employee (empty for a fresh solve).
    pub fn history(&self, e: EmployeeIdx) -> &EmployeeHistory {
        static EMPTY: std::sync::OnceLock<EmployeeHistory> = std::sync::OnceLock::new();
        self.locked
            .history
            .get(e.ix())
            .unwrap_or_else(|| EMPTY.get_or_init(EmployeeHistory::default))
    }

    /// Slot indices grouped by day (index = day).
    pub fn slots_by_day(&self) -> Vec<Vec<SlotIdx>> {
        let mut by_day = vec![Vec::new(); self.horizon.days as usize];
        for (i, s) in self.slots.iter().enumerate() {
            by_day[s.day as usize].push(SlotIdx(i as u32));
        }
        by_day
    }

    /// Whether the employee is unavailable on `day` (C7 data).
    pub fn is_unavailable(&self, e: EmployeeIdx, day: Day) -> bool {
        self.employees[e.ix()]
            .unavailable_days
            .binary_search(&day)
            .is_ok()
    }

    /// Locked shifts of each employee inside the horizon: `fixed_by_employee[e][day]`, every
    /// locked shift of that day (several when one shift per day, C5, is off), sorted.
    pub fn fixed_shifts(&self) -> Vec<BTreeMap<Day, Vec<ShiftIdx>>> {
        self.fixed_shifts_of(&vec![true; self.employees.len()])
    }

    /// [`Problem::fixed_shifts`] of the employees with `keep[e]` only (the others' maps stay
    /// empty): what a model over a few employees needs, without the cost of everybody's.
    pub fn fixed_shifts_of(&self, keep: &[bool]) -> Vec<BTreeMap<Day, Vec<ShiftIdx>>> {
        let mut out: Vec<BTreeMap<Day, Vec<ShiftIdx>>> =
            vec![BTreeMap::new(); self.employees.len()];
        for f in self.locked.fixed.iter().filter(|f| keep[f.employee.ix()]) {
            out[f.employee.ix()].entry(f.day).or_default().push(f.shift);
        }
        for m in &mut out {
            for v in m.values_mut() {
                v.sort();
            }
        }
        out
    }

    /// The rotation-pattern entry of `e` on `day`: `None` without a rotation, else
    /// `Some(Some(shift))` (work only that shift) or `Some(None)` (day off).
    pub fn rotation_on(&self, e: EmployeeIdx, day: Day) -> Option<Option<ShiftIdx>> {
        let r = self.employees[e.ix()].rotation.as_ref()?;
        if r.pattern.is_empty() {
            return None;
        }
        let n = r.pattern.len() as i64;
        let pos = (i64::from(self.history(e).rotation_offset) + i64::from(day)).rem_euclid(n);
        Some(r.pattern[pos as usize])
    }

    /// The off-requests (C12) the rotation of `e` makes over the horizon: a whole-day one on
    /// each pattern day off, one per other shift type on each pattern working day; none when
    /// the rotation's weight is 0.
    pub fn rotation_requests(&self, e: EmployeeIdx) -> Vec<ShiftRequest> {
        let weight = match &self.employees[e.ix()].rotation {
            Some(r) if r.weight > 0.0 => r.weight,
            _ => return Vec::new(),
        };
        let mut out = Vec::new();
        for day in 0..self.days() {
            match self.rotation_on(e, day) {
                None => return out,
                Some(None) => out.push(ShiftRequest {
                    day,
                    shift: None,
                    on: false,
                    weight,
                }),
                Some(Some(t)) => out.extend(
                    (0..self.shift_types.len() as u32)
                        .map(ShiftIdx)
                        .filter(|&u| u != t)
                        .map(|u| ShiftRequest {
                            day,
                            shift: Some(u),
                            on: false,
                            weight,
                        }),
                ),
            }
        }
        out
    }

    /// Look up a shift type by code.
    pub fn shift_by_code(&self, code: &str) -> Option<ShiftIdx> {
        self.shift_types
            .iter()
            .position(|s| s.code == code)
            .map(|i| ShiftIdx(i as u32))
    }

    /// Look up an employee by id.
    pub fn employee_by_id(&self, id: &str) -> Option<EmployeeIdx> {
        self.employees
            .iter()
            .position(|e| e.id == id)
            .map(|i| EmployeeIdx(i as u32))
    }
}

/// One person placed on one slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Assignment {
    /// Who.
    pub employee: EmployeeIdx,
    /// Which slot.
    pub slot: SlotIdx,
}

/// A roster: the set of assignments (sorted, deduplicated).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Roster {
    /// Sorted by (employee, slot).
    pub assignments: Vec<Assignment>,
}

impl Roster {
    /// Build from any order; sorts and removes duplicates.
    pub fn new(mut assignments: Vec<Assignment>) -> Self {
        assignments.sort_unstable();
        assignments.dedup();
        Roster { assignments }
    }

    /// People on each slot.
    pub fn count_per_slot(&self, n_slots: usize) -> Vec<u32> {
        let mut c = vec![0u32; n_slots];
        for a in &self.assignments {
            c[a.slot.ix()] += 1;
        }
        c
    }
}
