//! The task solution document (`schemas/task-solution.schema.json`) and the one-screen
//! summary.
//!
//! Order is fixed — assignments in service order (priority, deadline, request order),
//! unassigned tasks and loads in request order — so the same input and seed give
//! byte-identical JSON apart from the timing fields.

use serde_json::{json, Value};

use super::{TaskAssignment, TaskProblem, TaskSolution};
use crate::input::{InputError, InputErrors};
use crate::output::{milp_json, round6};

/// Build the output document.
pub fn task_solution_json(p: &TaskProblem, sol: &TaskSolution) -> Value {
    let assignments: Vec<Value> = sol
        .assignments
        .iter()
        .map(|a| {
            json!({
                "taskId": p.tasks[a.task.ix()].id,
                "employeeId": p.employees[a.employee.ix()].id,
                "score": round6(a.score),
                "confidence": round6(crate::scoring::confidence(a.score)),
                "cost": a.cost,
                "hours": a.hours,
            })
        })
        .collect();
    let loads: Vec<Value> = sol
        .loads
        .iter()
        .map(|l| {
            json!({
                "employeeId": l.employee_id,
                "tasks": l.tasks,
                "assignedHours": l.assigned_hours,
                "totalHours": l.total_hours,
                "capacityHours": l.capacity_hours,
                "utilisation": l.utilisation.map(round6),
            })
        })
        .collect();
    let total_score: f64 = sol.assignments.iter().map(|a| a.score).sum();
    let total_cost: f64 = sol.assignments.iter().map(|a| a.cost).sum();
    let total_hours: f64 = sol.assignments.iter().map(|a| a.hours).sum();
    let max_utilisation = sol
        .loads
        .iter()
        .filter_map(|l| l.utilisation)
        .fold(None, |m: Option<f64>, u| Some(m.map_or(u, |m| m.max(u))));
    let check = sol.check.as_ref();
    json!({
        "schemaVersion": "0.96",
        "requestId": p.request_id,
        "status": sol.status,
        "method": sol.method.as_str(),
        "warmStart": sol.warm_start.map(|w| w.as_str()),
        "scoringMethod": sol.scoring.0,
        "scoringModelVersion": sol.scoring.1,
        "solverRun": {
            "objective": sol.objective,
            "bestBound": sol.best_bound,
            "gap": sol.gap,
            "wallTimeSeconds": sol.wall_seconds,
            "timeToBestSeconds": sol.time_to_best_seconds,
            "milp": sol.milp.as_ref().map(milp_json),
        },
        "objectiveBreakdown": check.map(|c| &c.breakdown),
        "summary": {
            "tasks": p.tasks.len(),
            "pendingTasks": p.pending().count(),
            "assigned": sol.assignments.len(),
            "unassigned": sol.unassigned.len(),
            "employees": p.employees.len(),
            "employeesUsed": sol.loads.iter().filter(|l| l.tasks > 0).count(),
            "totalScore": round6(total_score),
            "totalCost": total_cost,
            "totalHours": total_hours,
            "maxUtilisation": max_utilisation.map(round6),
        },
        "assignments": assignments,
        "unassigned": sol.unassigned,
        "employeeLoads": loads,
        "violations": check.map(|c| c.violations.clone()).unwrap_or_default(),
        "conflicts": sol.conflicts,
    })
}

/// Read the assignments of a task solution document back (for `roster check`): only
/// `assignments[].taskId` and `.employeeId` are needed; unknown ids are errors. Scores, costs
/// and hours are taken from the problem, not from the document.
pub fn read_task_assignments(
    p: &TaskProblem,
    doc: &Value,
) -> Result<Vec<TaskAssignment>, InputErrors> {
    let mut errors = Vec::new();
    let mut err = |pointer: String, rule: &str, value: Option<Value>, message: String| {
        errors.push(InputError {
            pointer,
            rule: rule.into(),
            value,
            message,
        })
    };
    let mut out = Vec::new();
    match doc.get("assignments").and_then(Value::as_array) {
        None => err(
            String::new(),
            "required",
            None,
            "a task solution needs an `assignments` array".into(),
        ),
        Some(items) => {
            for (i, item) in items.iter().enumerate() {
                let field = |k: &str| item.get(k).and_then(Value::as_str);
                let (Some(tid), Some(eid)) = (field("taskId"), field("employeeId")) else {
                    err(
                        format!("/assignments/{i}"),
                        "required",
                        Some(item.clone()),
                        "an assignment needs taskId and employeeId strings".into(),
                    );
                    continue;
                };
                let t = p.task_by_id(tid);
                let e = p.employee_by_id(eid);
                if t.is_none() {
                    err(
                        format!("/assignments/{i}/taskId"),
                        "unknown-task",
                        Some(json!(tid)),
                        format!("no task {tid} in the request"),
                    );
                }
                if e.is_none() {
                    err(
                        format!("/assignments/{i}/employeeId"),
                        "unknown-employee",
                        Some(json!(eid)),
                        format!("no employee {eid} in the request"),
                    );
                }
                if let (Some(task), Some(employee)) = (t, e) {
                    out.push(TaskAssignment {
                        task,
                        employee,
                        score: 0.0,
                        cost: p.cost(employee, task),
                        hours: p.hours(employee, task),
                    });
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(InputErrors {
            document: "task solution",
            errors,
        })
    }
}

/// The one-screen summary printed on stderr.
pub fn task_human_summary(p: &TaskProblem, sol: &TaskSolution) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let f = |x: Option<f64>| x.map(|v| format!("{v:.4}")).unwrap_or_else(|| "-".into());
    let _ = writeln!(
        o,
        "status     {:?}  (method {}{})",
        sol.status,
        sol.method.as_str(),
        sol.warm_start
            .map(|w| format!(", warm start {}", w.as_str()))
            .unwrap_or_default()
    );
    let _ = writeln!(
        o,
        "objective  {}   bound {}   gap {}",
        f(sol.objective),
        f(sol.best_bound),
        sol.gap
            .map(|g| format!("{:.2}%", g * 100.0))
            .unwrap_or_else(|| "-".into())
    );
    let pending = p.pending().count();
    let used = sol.loads.iter().filter(|l| l.tasks > 0).count();
    let _ = writeln!(
        o,
        "tasks      {}/{pending} pending tasks assigned, {} unassigned; {used} of {} employees used",
        sol.assignments.len(),
        sol.unassigned.len(),
        p.employees.len()
    );
    let max_util = sol
        .loads
        .iter()
        .filter_map(|l| l.utilisation)
        .fold(0.0, f64::max);
    if !sol.loads.is_empty() {
        let score: f64 = sol.assignments.iter().map(|a| a.score).sum();
        let _ = writeln!(
            o,
            "load       total score {score:.4}, highest utilisation {:.1}%",
            max_util * 100.0
        );
    }
    if let Some(m) = &sol.milp {
        let _ = writeln!(
            o,
            "model      {} rows, {} columns, {} nonzeros; HiGHS {} after {} nodes",
            m.model.rows,
            m.model.columns,
            m.model.nonzeros,
            m.raw_status,
            m.nodes.map(|n| n.to_string()).unwrap_or_else(|| "-".into())
        );
    }
    if let Some(c) = &sol.check {
        let _ = writeln!(
            o,
            "checker    {} (objective {:.4}), {} violation(s)",
            if c.feasible {
                "feasible"
            } else {
                "HARD VIOLATIONS"
            },
            c.objective,
            c.violations.len()
        );
    }
    for u in sol.unassigned.iter().take(10) {
        let _ = writeln!(
            o,
            "unassigned {} [{}] {}",
            u.task_id,
            u.reason.as_str(),
            u.message
        );
    }
    if sol.unassigned.len() > 10 {
        let _ = writeln!(
            o,
            "unassigned … {} more in the output",
            sol.unassigned.len() - 10
        );
    }
    for c in sol.conflicts.iter().take(10) {
        let _ = writeln!(o, "conflict   [{}] {}", c.rule, c.message);
    }
    match sol.time_to_best_seconds {
        Some(b) => {
            let _ = writeln!(
                o,
                "time       {:.2} s (best assignment found at {b:.2} s)",
                sol.wall_seconds
            );
        }
        None => {
            let _ = writeln!(o, "time       {:.2} s", sol.wall_seconds);
        }
    }
    o
}
