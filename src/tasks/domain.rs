//! The validated task-assignment problem.
//!
//! Built only by [`super::parse`] after schema and semantic validation, so everything past
//! that seam indexes without re-checking: every task has an effort for every employee, every
//! id in a per-employee map is known. Collections are `Vec`s and `BTreeMap`s, so iteration
//! order never depends on hashing.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::domain::{SkillRequirement, SolverConfig};

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
    /// Index of a task in [`TaskProblem::tasks`].
    TaskIdx
);
index_type!(
    /// Index of an employee in [`TaskProblem::employees`].
    EmpIdx
);

/// Whether an employee can take work now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Availability {
    /// Can take tasks.
    Available,
    /// Busy: gets no task while availability is enforced.
    Busy,
    /// On leave: gets no task while availability is enforced.
    OnLeave,
}

impl Availability {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Availability::Available => "available",
            Availability::Busy => "busy",
            Availability::OnLeave => "on_leave",
        }
    }
}

/// Where a task stands; only [`TaskStatus::Pending`] tasks are assigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TaskStatus {
    /// Waiting for an employee: the solver assigns these.
    Pending,
    /// Already assigned elsewhere (its hours belong in `currentWorkloadHours`).
    Assigned,
    /// Being worked on.
    InProgress,
    /// Done.
    Completed,
    /// Dropped.
    Cancelled,
}

impl TaskStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Pending => "pending",
            TaskStatus::Assigned => "assigned",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Completed => "completed",
            TaskStatus::Cancelled => "cancelled",
        }
    }
}

/// A unit of work to give to one employee.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    /// External id.
    pub id: String,
    /// Display title.
    pub title: Option<String>,
    /// Skills the assignee must hold, with minimum levels (C6).
    pub required_skills: Vec<SkillRequirement>,
    /// Importance (≥ 1): multiplies the unassigned penalty and orders the heuristics.
    pub priority: f64,
    /// Complexity (scorer input).
    pub complexity: Option<f64>,
    /// Effort in hours when no per-employee estimate is given.
    pub estimated_hours: Option<f64>,
    /// Per-employee effort in hours (overrides `estimated_hours`).
    pub employee_estimates: BTreeMap<EmpIdx, f64>,
    /// Explicit cost of giving the task to an employee (0 when absent); GAP's `c[i][j]`.
    pub costs: BTreeMap<EmpIdx, f64>,
    /// Due date (orders the heuristics; scorer input).
    pub deadline: Option<NaiveDate>,
    /// Workflow status.
    pub status: TaskStatus,
}

/// A person who can take tasks.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskEmployee {
    /// External id.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Skill name → level.
    pub skills: BTreeMap<String, u32>,
    /// Years of experience (scorer input).
    pub experience_years: f64,
    /// Hours already on the person's plate.
    pub current_workload_hours: f64,
    /// Hours the person can hold in total (C13: current + assigned ≤ capacity).
    pub capacity_hours: f64,
    /// Performance rating in [0, 5] (scorer input).
    pub performance_rating: Option<f64>,
    /// Availability (C7).
    pub availability: Availability,
    /// Personal cap on new assignments (overrides the request-wide one).
    pub max_assignments: Option<u32>,
    /// Free-form history kept for the scorer.
    pub history: Option<serde_json::Value>,
}

/// Request-wide rules.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskConstraints {
    /// C13: at most this many new tasks per employee.
    pub max_assignments_per_employee: Option<u32>,
    /// C13: current workload + assigned hours ≤ capacity.
    pub enforce_capacity: bool,
    /// C7: busy and on-leave employees get no task.
    pub enforce_availability: bool,
    /// C6: the assignee holds every required skill at its minimum level.
    pub require_skills: bool,
    /// Every pending task must be assigned (hard), as in the GAP.
    pub assign_all: bool,
    /// Penalty per unassigned task, multiplied by its priority.
    pub unassigned_penalty: f64,
}

/// Default `unassignedPenalty` (per unit of priority).
pub const DEFAULT_UNASSIGNED_PENALTY: f64 = 100.0;

impl Default for TaskConstraints {
    fn default() -> Self {
        TaskConstraints {
            max_assignments_per_employee: None,
            enforce_capacity: true,
            enforce_availability: true,
            require_skills: true,
            assign_all: false,
            unassigned_penalty: DEFAULT_UNASSIGNED_PENALTY,
        }
    }
}

/// A fully validated task-assignment problem.
#[derive(Clone, Debug)]
pub struct TaskProblem {
    /// Caller's reference, echoed in outputs.
    pub request_id: String,
    /// "Today" for date features (days to deadline); never the system clock.
    pub reference_date: Option<NaiveDate>,
    /// Tasks, in request order.
    pub tasks: Vec<Task>,
    /// Employees, in request order.
    pub employees: Vec<TaskEmployee>,
    /// Rules.
    pub constraints: TaskConstraints,
    /// Solver settings; `config.method` is the method to run.
    pub config: SolverConfig,
}

/// Why a pair can never be used, whatever else is assigned (the variable filter).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PairBlock {
    /// C7: the employee is busy or on leave.
    Availability,
    /// C6: a required skill is missing or below its level.
    Skills,
    /// C13: the employee's assignment cap is 0.
    MaxAssignments,
    /// C13: the effort exceeds the employee's remaining capacity.
    Capacity,
}

impl TaskProblem {
    /// Pending tasks, in request order.
    pub fn pending(&self) -> impl Iterator<Item = TaskIdx> + '_ {
        self.tasks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.status == TaskStatus::Pending)
            .map(|(i, _)| TaskIdx(i as u32))
    }

    /// All employee indices.
    pub fn employee_ids(&self) -> impl Iterator<Item = EmpIdx> {
        (0..self.employees.len() as u32).map(EmpIdx)
    }

    /// Effort of `t` when done by `e`: the employee's estimate, else the task's.
    pub fn hours(&self, e: EmpIdx, t: TaskIdx) -> f64 {
        let task = &self.tasks[t.ix()];
        task.employee_estimates
            .get(&e)
            .copied()
            .or(task.estimated_hours)
            .unwrap_or(0.0)
    }

    /// Explicit cost of giving `t` to `e` (0 when none is given).
    pub fn cost(&self, e: EmpIdx, t: TaskIdx) -> f64 {
        self.tasks[t.ix()].costs.get(&e).copied().unwrap_or(0.0)
    }

    /// Hours `e` can still take: capacity − current workload (may be negative).
    pub fn remaining_capacity(&self, e: EmpIdx) -> f64 {
        let emp = &self.employees[e.ix()];
        emp.capacity_hours - emp.current_workload_hours
    }

    /// Cap on new assignments of `e`, if any.
    pub fn max_assignments(&self, e: EmpIdx) -> Option<u32> {
        self.employees[e.ix()]
            .max_assignments
            .or(self.constraints.max_assignments_per_employee)
    }

    /// Penalty paid when pending task `t` stays unassigned.
    pub fn unassigned_penalty(&self, t: TaskIdx) -> f64 {
        self.constraints.unassigned_penalty * self.tasks[t.ix()].priority
    }

    /// Whether `e` holds every skill `t` requires, at its level.
    pub fn has_skills(&self, e: EmpIdx, t: TaskIdx) -> bool {
        let emp = &self.employees[e.ix()];
        self.tasks[t.ix()]
            .required_skills
            .iter()
            .all(|r| emp.skills.get(&r.skill).copied().unwrap_or(0) >= r.min_level)
    }

    /// The first reason the pair `(e, t)` can never be used (availability, skills, a cap of
    /// 0, capacity), or `None` when it is eligible.
    pub fn pair_block(&self, e: EmpIdx, t: TaskIdx) -> Option<PairBlock> {
        let c = &self.constraints;
        if c.enforce_availability && self.employees[e.ix()].availability != Availability::Available
        {
            return Some(PairBlock::Availability);
        }
        if c.require_skills && !self.has_skills(e, t) {
            return Some(PairBlock::Skills);
        }
        if self.max_assignments(e) == Some(0) {
            return Some(PairBlock::MaxAssignments);
        }
        if c.enforce_capacity && self.hours(e, t) > self.remaining_capacity(e) + TOL {
            return Some(PairBlock::Capacity);
        }
        None
    }

    /// Employee index by id.
    pub fn employee_by_id(&self, id: &str) -> Option<EmpIdx> {
        self.employees
            .iter()
            .position(|e| e.id == id)
            .map(|i| EmpIdx(i as u32))
    }

    /// Task index by id.
    pub fn task_by_id(&self, id: &str) -> Option<TaskIdx> {
        self.tasks
            .iter()
            .position(|t| t.id == id)
            .map(|i| TaskIdx(i as u32))
    }
}

/// Tolerance on hours (capacity comparisons) and objective comparisons.
pub const TOL: f64 = 1e-6;
