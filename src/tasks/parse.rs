//! Task request JSON → validated [`TaskProblem`], in the same two phases as the roster
//! request (`crate::input`): the embedded schema first, then the meaning (unknown or
//! duplicate ids, missing efforts, impossible dates, conflicting methods), every error with
//! its JSON pointer, rule and value, all reported together.
//!
//! The raw serde types mirror `schemas/task-request.schema.json` and never leave this module.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value};

use super::domain::*;
use crate::domain::{Method, RootLp, SkillRequirement, SolverConfig, WarmStart};
use crate::input::raw::RawSolverConfig;
use crate::input::{parse_json, validate_document, InputError, InputErrors};

/// The embedded task request schema.
pub const TASK_REQUEST_SCHEMA: &str = include_str!("../../schemas/task-request.schema.json");
/// The embedded task solution schema.
pub const TASK_SOLUTION_SCHEMA: &str = include_str!("../../schemas/task-solution.schema.json");

const DOCUMENT: &str = "task request";

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawTaskRequest {
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    reference_date: Option<String>,
    #[serde(default)]
    tasks: Vec<RawTask>,
    #[serde(default)]
    employees: Vec<RawEmployee>,
    #[serde(default)]
    constraints: RawConstraints,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    solver_config: RawSolverConfig,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawSkillReq {
    #[serde(default)]
    skill: String,
    #[serde(default)]
    min_level: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawSkill {
    #[serde(default)]
    skill: String,
    #[serde(default)]
    level: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawTask {
    #[serde(default)]
    task_id: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    required_skills: Vec<RawSkillReq>,
    #[serde(default)]
    priority: Option<f64>,
    #[serde(default)]
    complexity: Option<f64>,
    #[serde(default)]
    estimated_hours: Option<f64>,
    #[serde(default)]
    employee_estimates: indexmap::IndexMap<String, f64>,
    #[serde(default)]
    costs: indexmap::IndexMap<String, f64>,
    #[serde(default)]
    deadline: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawEmployee {
    #[serde(default)]
    employee_id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    skills: Vec<RawSkill>,
    #[serde(default)]
    experience_years: Option<f64>,
    #[serde(default)]
    current_workload_hours: Option<f64>,
    #[serde(default)]
    capacity_hours: Option<f64>,
    #[serde(default)]
    performance_rating: Option<f64>,
    #[serde(default)]
    availability: Option<String>,
    #[serde(default)]
    max_assignments: Option<u32>,
    #[serde(default)]
    history: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawConstraints {
    #[serde(default)]
    max_assignments_per_employee: Option<u32>,
    #[serde(default)]
    enforce_capacity: Option<bool>,
    #[serde(default)]
    enforce_availability: Option<bool>,
    #[serde(default)]
    require_skills: Option<bool>,
    #[serde(default)]
    assign_all: Option<bool>,
    #[serde(default)]
    unassigned_penalty: Option<f64>,
}

/// Read a task request from JSON text: syntax → schema → semantics → [`TaskProblem`].
pub fn load_task_request(text: &str) -> Result<TaskProblem, InputErrors> {
    let value = parse_json(text, DOCUMENT)?;
    task_request_from_value(&value)
}

/// Like [`load_task_request`] from an already parsed value. Schema and semantic errors come
/// together whenever the document still has the request's shape.
pub fn task_request_from_value(value: &Value) -> Result<TaskProblem, InputErrors> {
    validate_document(value, TASK_REQUEST_SCHEMA, DOCUMENT, build_task_problem)
}

/// A JSON pointer token for a map key (RFC 6901 escaping).
fn token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

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

fn method_of(s: &str) -> Method {
    match s {
        "greedy_ml" => Method::GreedyMl,
        "balanced_ml" => Method::BalancedMl,
        _ => Method::Milp,
    }
}

fn build_task_problem(raw: &RawTaskRequest) -> Result<TaskProblem, Vec<InputError>> {
    let mut errs = Errs(Vec::new());

    // Employees first: tasks refer to them.
    let mut emp_index: BTreeMap<&str, EmpIdx> = BTreeMap::new();
    let mut employees = Vec::with_capacity(raw.employees.len());
    for (i, re) in raw.employees.iter().enumerate() {
        let p = format!("/employees/{i}");
        if emp_index
            .insert(&re.employee_id, EmpIdx(i as u32))
            .is_some()
        {
            errs.push(
                format!("{p}/employeeId"),
                "duplicate-id",
                Some(json!(re.employee_id)),
                format!("employee {} is listed twice", re.employee_id),
            );
        }
        let mut skills = BTreeMap::new();
        for (j, s) in re.skills.iter().enumerate() {
            if skills
                .insert(s.skill.clone(), s.level.unwrap_or(1))
                .is_some()
            {
                errs.push(
                    format!("{p}/skills/{j}/skill"),
                    "duplicate-skill",
                    Some(json!(s.skill)),
                    format!("employee {} lists skill {} twice", re.employee_id, s.skill),
                );
            }
        }
        let availability = match re.availability.as_deref() {
            Some("busy") => Availability::Busy,
            Some("on_leave") => Availability::OnLeave,
            _ => Availability::Available,
        };
        employees.push(TaskEmployee {
            id: re.employee_id.clone(),
            name: re.name.clone(),
            skills,
            experience_years: re.experience_years.unwrap_or(0.0),
            current_workload_hours: re.current_workload_hours.unwrap_or(0.0),
            capacity_hours: re.capacity_hours.unwrap_or(0.0),
            performance_rating: re.performance_rating,
            availability,
            max_assignments: re.max_assignments,
            history: re.history.clone(),
        });
    }

    let mut task_ids: BTreeSet<&str> = BTreeSet::new();
    let mut tasks = Vec::with_capacity(raw.tasks.len());
    for (i, rt) in raw.tasks.iter().enumerate() {
        let p = format!("/tasks/{i}");
        if !task_ids.insert(&rt.task_id) {
            errs.push(
                format!("{p}/taskId"),
                "duplicate-id",
                Some(json!(rt.task_id)),
                format!("task {} is listed twice", rt.task_id),
            );
        }
        let mut required_skills: Vec<SkillRequirement> = Vec::new();
        for (j, r) in rt.required_skills.iter().enumerate() {
            if required_skills.iter().any(|x| x.skill == r.skill) {
                errs.push(
                    format!("{p}/requiredSkills/{j}/skill"),
                    "duplicate-skill",
                    Some(json!(r.skill)),
                    format!("task {} requires skill {} twice", rt.task_id, r.skill),
                );
                continue;
            }
            required_skills.push(SkillRequirement {
                skill: r.skill.clone(),
                min_level: r.min_level.unwrap_or(1),
            });
        }
        let mut per_employee = |field: &str, map: &indexmap::IndexMap<String, f64>| {
            let mut out = BTreeMap::new();
            for (id, &v) in map {
                match emp_index.get(id.as_str()) {
                    Some(&e) => {
                        out.insert(e, v);
                    }
                    None => errs.push(
                        format!("{p}/{field}/{}", token(id)),
                        "unknown-employee",
                        Some(json!(id)),
                        format!(
                            "task {} names employee {id} in {field}, but no employee has that id",
                            rt.task_id
                        ),
                    ),
                }
            }
            out
        };
        let employee_estimates = per_employee("employeeEstimates", &rt.employee_estimates);
        let costs = per_employee("costs", &rt.costs);
        if rt.estimated_hours.is_none() {
            let missing: Vec<&str> = employees
                .iter()
                .enumerate()
                .filter(|(e, _)| !employee_estimates.contains_key(&EmpIdx(*e as u32)))
                .map(|(_, emp)| emp.id.as_str())
                .collect();
            if !missing.is_empty() {
                errs.push(
                    &p,
                    "missing-estimate",
                    Some(json!(missing)),
                    format!(
                        "task {} has no estimatedHours and no employeeEstimates entry for {} employee(s): give estimatedHours, or an estimate for every employee",
                        rt.task_id,
                        missing.len()
                    ),
                );
            }
        }
        let deadline = rt
            .deadline
            .as_deref()
            .and_then(|d| errs.date(&format!("{p}/deadline"), d));
        let status = match rt.status.as_deref() {
            Some("assigned") => TaskStatus::Assigned,
            Some("in_progress") => TaskStatus::InProgress,
            Some("completed") => TaskStatus::Completed,
            Some("cancelled") => TaskStatus::Cancelled,
            _ => TaskStatus::Pending,
        };
        tasks.push(Task {
            id: rt.task_id.clone(),
            title: rt.title.clone(),
            required_skills,
            priority: rt.priority.unwrap_or(1.0),
            complexity: rt.complexity,
            estimated_hours: rt.estimated_hours,
            employee_estimates,
            costs,
            deadline,
            status,
        });
    }

    let reference_date = raw
        .reference_date
        .as_deref()
        .and_then(|d| errs.date("/referenceDate", d));

    let d = TaskConstraints::default();
    let rc = &raw.constraints;
    let constraints = TaskConstraints {
        max_assignments_per_employee: rc.max_assignments_per_employee,
        enforce_capacity: rc.enforce_capacity.unwrap_or(d.enforce_capacity),
        enforce_availability: rc.enforce_availability.unwrap_or(d.enforce_availability),
        require_skills: rc.require_skills.unwrap_or(d.require_skills),
        assign_all: rc.assign_all.unwrap_or(d.assign_all),
        unassigned_penalty: rc.unassigned_penalty.unwrap_or(d.unassigned_penalty),
    };

    let config = build_config(raw, &mut errs);
    if !errs.0.is_empty() {
        return Err(errs.0);
    }
    Ok(TaskProblem {
        request_id: raw.request_id.clone().unwrap_or_default(),
        reference_date,
        tasks,
        employees,
        constraints,
        config,
    })
}

/// `method` (top level) wins; `solverConfig.method` is accepted too, and must agree with it.
fn build_config(raw: &RawTaskRequest, errs: &mut Errs) -> SolverConfig {
    let c = &raw.solver_config;
    if let (Some(top), Some(inner)) = (&raw.method, &c.method) {
        if top != inner {
            errs.push(
                "/solverConfig/method",
                "conflicting-method",
                Some(json!(inner)),
                format!("solverConfig.method {inner} contradicts method {top}: give one"),
            );
        }
    }
    let d = SolverConfig::default();
    SolverConfig {
        method: raw
            .method
            .as_deref()
            .or(c.method.as_deref())
            .map_or(Method::Milp, method_of),
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
        affinity_weight: c.affinity_weight.unwrap_or(d.affinity_weight),
        balance_weight: c.balance_weight.unwrap_or(d.balance_weight),
        strategy: d.strategy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Value {
        json!({
            "schemaVersion": "0.96",
            "requestId": "T",
            "tasks": [
                {"taskId": "T1", "estimatedHours": 4, "priority": 3,
                 "requiredSkills": [{"skill": "rust", "minLevel": 2}]},
                {"taskId": "T2", "employeeEstimates": {"E1": 2, "E2": 3}, "costs": {"E2": 5}}
            ],
            "employees": [
                {"employeeId": "E1", "capacityHours": 10, "skills": [{"skill": "rust", "level": 3}]},
                {"employeeId": "E2", "capacityHours": 8, "availability": "on_leave"}
            ]
        })
    }

    fn errors(v: &Value) -> Vec<(String, String)> {
        task_request_from_value(v)
            .expect_err("invalid")
            .errors
            .into_iter()
            .map(|e| (e.pointer, e.rule))
            .collect()
    }

    #[test]
    fn a_valid_request_gets_its_defaults() {
        let p = task_request_from_value(&base()).unwrap();
        assert_eq!(p.tasks.len(), 2);
        assert_eq!(p.config.method, Method::Milp);
        assert!(p.constraints.enforce_capacity && !p.constraints.assign_all);
        assert_eq!(p.hours(EmpIdx(1), TaskIdx(1)), 3.0);
        assert_eq!(p.hours(EmpIdx(1), TaskIdx(0)), 4.0);
        assert_eq!(p.cost(EmpIdx(1), TaskIdx(1)), 5.0);
        assert_eq!(p.cost(EmpIdx(0), TaskIdx(1)), 0.0);
        assert_eq!(p.unassigned_penalty(TaskIdx(0)), 300.0);
        assert_eq!(
            p.pair_block(EmpIdx(1), TaskIdx(1)),
            Some(PairBlock::Availability)
        );
        assert_eq!(p.pair_block(EmpIdx(0), TaskIdx(0)), None);
    }

    #[test]
    fn schema_and_semantic_errors_come_together() {
        let mut v = base();
        v["tasks"][0]["estimatedHours"] = json!(-1);
        v["tasks"][1]["costs"] = json!({"E9": 1, "a/b": 2});
        v["employees"][1]["employeeId"] = json!("E1");
        let errs = errors(&v);
        assert!(errs.contains(&("/tasks/0/estimatedHours".into(), "minimum".into())));
        assert!(errs.contains(&("/tasks/1/costs/E9".into(), "unknown-employee".into())));
        assert!(errs.contains(&("/tasks/1/costs/a~1b".into(), "unknown-employee".into())));
        assert!(errs.contains(&("/employees/1/employeeId".into(), "duplicate-id".into())));
    }

    #[test]
    fn a_task_needs_an_effort_for_everyone() {
        let mut v = base();
        v["tasks"][1]["employeeEstimates"] = json!({"E1": 2});
        assert_eq!(
            errors(&v),
            vec![("/tasks/1".into(), "missing-estimate".into())]
        );
    }

    #[test]
    fn impossible_dates_and_contradicting_methods_are_refused() {
        let mut v = base();
        v["tasks"][0]["deadline"] = json!("2025-02-30");
        v["method"] = json!("greedy_ml");
        v["solverConfig"] = json!({"method": "milp"});
        let errs = errors(&v);
        assert_eq!(
            errs,
            vec![
                ("/tasks/0/deadline".into(), "invalid-date".into()),
                ("/solverConfig/method".into(), "conflicting-method".into())
            ]
        );
    }
}
