//! The solution document (`schemas/roster-solution.schema.json`) and reading one back.
//!
//! Output order is fixed (assignments by date, shift, slot, employee), so the same input and
//! seed give byte-identical JSON apart from the timing fields.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::check::CheckReport;
use crate::domain::{Assignment, Problem, Roster};
use crate::input::{schema_errors, InputError, InputErrors, SOLUTION_SCHEMA};
use crate::scoring::Scorer;
use crate::solve::{Conflict, MilpStats, Solution, Status};

/// One placement in the output.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutAssignment {
    /// Slot.
    pub slot_id: String,
    /// Date.
    pub date: String,
    /// Shift code.
    pub shift_code: String,
    /// Employee.
    pub employee_id: String,
    /// Demand item.
    pub demand_id: String,
    /// Requirement.
    pub requirement_id: String,
    /// Affinity score of the pair.
    pub score: f64,
}

/// A slot left (partly) empty.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unfilled {
    /// Slot.
    pub slot_id: String,
    /// Date.
    pub date: String,
    /// Shift code.
    pub shift_code: String,
    /// Requirement.
    pub requirement_id: String,
    /// Headcount.
    pub headcount: u32,
    /// People missing.
    pub missing: u32,
}

/// People required, placed within headcount, and placed beyond it, over all slots.
fn cover_tally(p: &Problem, counts: &[u32]) -> (u32, u32, u32) {
    p.slots
        .iter()
        .zip(counts)
        .fold((0, 0, 0), |(req, fill, over), (s, &n)| {
            (
                req + s.headcount,
                fill + n.min(s.headcount),
                over + n.saturating_sub(s.headcount),
            )
        })
}

/// Build the output document.
pub fn solution_json(p: &Problem, sol: &Solution, scorer: &dyn Scorer) -> Value {
    let counts = sol.roster.count_per_slot(p.slots.len());
    let mut placed: Vec<&Assignment> = sol.roster.assignments.iter().collect();
    placed.sort_by_key(|a| {
        let s = &p.slots[a.slot.ix()];
        (s.day, s.shift, &s.id, &p.employees[a.employee.ix()].id)
    });
    let assignments: Vec<OutAssignment> = placed
        .into_iter()
        .map(|a| {
            let s = &p.slots[a.slot.ix()];
            OutAssignment {
                slot_id: s.id.clone(),
                date: p.horizon.date(s.day).to_string(),
                shift_code: p.shift_types[s.shift.ix()].code.clone(),
                employee_id: p.employees[a.employee.ix()].id.clone(),
                demand_id: s.demand_id.clone(),
                requirement_id: s.requirement_id.clone(),
                score: round6(scorer.score(p, a.employee, a.slot)),
            }
        })
        .collect();
    let has_roster = sol.status.has_roster() || sol.status == Status::NoSolution;
    let unfilled: Vec<Unfilled> = if has_roster {
        p.slots
            .iter()
            .zip(&counts)
            .filter(|(s, &n)| n < s.headcount)
            .map(|(s, &n)| Unfilled {
                slot_id: s.id.clone(),
                date: p.horizon.date(s.day).to_string(),
                shift_code: p.shift_types[s.shift.ix()].code.clone(),
                requirement_id: s.requirement_id.clone(),
                headcount: s.headcount,
                missing: s.headcount - n,
            })
            .collect()
    } else {
        Vec::new()
    };
    let (required, filled, over) = cover_tally(p, &counts);
    let mut per_emp: Vec<(u32, u32)> = vec![(0, 0); p.employees.len()];
    for a in &sol.roster.assignments {
        let s = &p.slots[a.slot.ix()];
        per_emp[a.employee.ix()].0 += 1;
        per_emp[a.employee.ix()].1 += p.shift_types[s.shift.ix()].duration_minutes;
    }
    let employee_stats: Vec<Value> = p
        .employees
        .iter()
        .zip(&per_emp)
        .map(|(e, &(n, m))| json!({"employeeId": e.id, "shifts": n, "hours": f64::from(m) / 60.0}))
        .collect();
    let check: Option<&CheckReport> = sol.check.as_ref();
    json!({
        "schemaVersion": "0.96",
        "planningReference": p.planning_reference,
        "status": sol.status,
        "method": sol.method.as_str(),
        "warmStart": sol.warm_start.map(|w| w.as_str()),
        "scoringMethod": sol.scoring.0,
        "scoringModelVersion": sol.scoring.1,
        "solverRun": {
            "objective": sol.objective.map(tidy),
            "bestBound": sol.best_bound.map(tidy),
            "gap": sol.gap.map(tidy),
            "wallTimeSeconds": sol.wall_seconds,
            "timeToBestSeconds": sol.time_to_best_seconds,
            "strategy": sol.strategy.map(|s| s.as_str()),
            "milp": sol.milp.as_ref().map(milp_json),
            "decomposition": sol.decomposition.as_ref().map(decomposition_json),
        },
        "objectiveBreakdown": check.map(|c| &c.breakdown),
        "summary": {
            "slots": p.slots.len(),
            "headcountRequired": required,
            "filled": filled,
            "unfilled": required - filled,
            "overCover": over,
            "employees": p.employees.len(),
            "employeesUsed": per_emp.iter().filter(|x| x.0 > 0).count(),
        },
        "assignments": assignments,
        "unfilledSlots": unfilled,
        "employeeStats": employee_stats,
        "violations": check.map(|c| c.soft_violations.clone()).unwrap_or_default(),
        "hardViolations": check.map(|c| c.hard_violations.clone()).unwrap_or_default(),
        "conflicts": sol.conflicts.iter().collect::<Vec<&Conflict>>(),
    })
}

pub(crate) fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

pub(crate) fn milp_json(m: &MilpStats) -> Value {
    json!({
        "rows": m.model.rows,
        "columns": m.model.columns,
        "nonzeros": m.model.nonzeros,
        "integerColumns": m.model.integer_columns,
        "rawStatus": m.raw_status,
        "nodes": m.nodes,
        "warmStartObjective": m.warm_start_objective.map(tidy),
        "buildSeconds": m.build_seconds,
        "solveSeconds": m.solve_seconds,
    })
}

pub(crate) fn decomposition_json(d: &crate::decompose::Decomposition) -> Value {
    json!({
        "rootStatus": d.root_status,
        "rounds": d.rounds,
        "columns": d.columns,
        "masterObjective": tidy(d.master_objective),
        "rootBound": d.root_bound.is_finite().then(|| tidy(d.root_bound)),
        "bound": d.bound.is_finite().then(|| tidy(d.bound)),
        "integerMasterOptimal": d.integer_master_optimal,
        "nodes": d.nodes,
        "openNodes": d.open_nodes,
        "diveSteps": d.dive_steps,
        "neighbourhoods": d.neighbourhoods,
        "neighbourhoodImprovements": d.neighbourhood_improvements,
        "ruins": d.ruins,
        "descentImprovements": d.descent_improvements,
        "descentSeconds": d.descent_seconds,
        "pricingSeconds": d.pricing_seconds,
        "labelingPricings": d.labeling_pricings,
        "milpPricings": d.milp_pricings,
        "mispricings": d.mispricings,
        "masterSeconds": d.master_seconds,
        "integerSeconds": d.integer_seconds,
        "branchSeconds": d.branch_seconds,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InAssignment {
    slot_id: String,
    employee_id: String,
}

/// Read the assignments of a solution document against a problem (for `roster check`).
/// Unknown slots or employees are errors; duplicates are kept once.
pub fn read_roster(p: &Problem, doc: &Value) -> Result<Roster, InputErrors> {
    let mut errors = schema_errors(SOLUTION_SCHEMA, doc);
    if !errors.is_empty() {
        return Err(InputErrors {
            document: "roster solution",
            errors,
        });
    }
    let items = doc["assignments"].as_array().cloned().unwrap_or_default();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let a: InAssignment = match serde_json::from_value(item.clone()) {
            Ok(a) => a,
            Err(e) => {
                errors.push(InputError {
                    pointer: format!("/assignments/{i}"),
                    rule: "shape".into(),
                    value: None,
                    message: e.to_string(),
                });
                continue;
            }
        };
        let e = p.employee_by_id(&a.employee_id);
        let s = p.slots.iter().position(|s| s.id == a.slot_id);
        if e.is_none() {
            errors.push(InputError {
                pointer: format!("/assignments/{i}/employeeId"),
                rule: "unknown-employee".into(),
                value: Some(json!(a.employee_id)),
                message: format!("no employee {} in the request", a.employee_id),
            });
        }
        if s.is_none() {
            errors.push(InputError {
                pointer: format!("/assignments/{i}/slotId"),
                rule: "unknown-slot".into(),
                value: Some(json!(a.slot_id)),
                message: format!("no slot {} in the request", a.slot_id),
            });
        }
        if let (Some(e), Some(s)) = (e, s) {
            out.push(Assignment {
                employee: e,
                slot: crate::domain::SlotIdx(s as u32),
            });
        }
    }
    if errors.is_empty() {
        Ok(Roster::new(out))
    } else {
        Err(InputErrors {
            document: "roster solution",
            errors,
        })
    }
}

/// The one-screen summary printed on stderr.
pub fn human_summary(p: &Problem, sol: &Solution) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let (required, filled, _) = cover_tally(p, &sol.roster.count_per_slot(p.slots.len()));
    let f = |x: Option<f64>| x.map(|v| format!("{v:.4}")).unwrap_or_else(|| "-".into());
    let _ = writeln!(
        o,
        "status     {:?}  (method {}{}{})",
        sol.status,
        sol.method.as_str(),
        sol.strategy
            .map(|s| format!(", strategy {}", s.as_str()))
            .unwrap_or_default(),
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
    let _ = writeln!(
        o,
        "cover      {filled}/{required} filled, {} unfilled, {} slots, {} employees",
        required - filled,
        p.slots.len(),
        p.employees.len()
    );
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
    if let Some(d) = &sol.decomposition {
        let _ = writeln!(
            o,
            "decompose  {} rounds ({} mis-priced), {} columns, root {:?} at {}, bound {}; {} branch-and-price nodes ({} open), {} dive steps, {} neighbourhoods ({} improving), \
             best responses: {} ruins ({} improving); integer master {}; pricing {} by labeling, {} by MILP; \
             time: pricing {:.2} s, master {:.2} s, integer master {:.2} s, branching {:.2} s, best responses {:.2} s",
            d.rounds,
            d.mispricings,
            d.columns,
            d.root_status,
            f(d.root_bound.is_finite().then_some(d.root_bound)),
            f(d.bound.is_finite().then_some(d.bound)),
            d.nodes,
            d.open_nodes,
            d.dive_steps,
            d.neighbourhoods,
            d.neighbourhood_improvements,
            d.ruins,
            d.descent_improvements,
            if d.integer_master_optimal {
                "optimal over the root columns"
            } else {
                "not proven"
            },
            d.labeling_pricings,
            d.milp_pricings,
            d.pricing_seconds,
            d.master_seconds,
            d.integer_seconds,
            d.branch_seconds,
            d.descent_seconds
        );
    }
    if let Some(c) = &sol.check {
        let _ = writeln!(
            o,
            "checker    {} (objective {:.4}), {} soft violation(s)",
            if c.feasible {
                "feasible"
            } else {
                "HARD VIOLATIONS"
            },
            c.objective,
            c.soft_violations.len()
        );
    }
    for c in sol.conflicts.iter().take(10) {
        let _ = writeln!(o, "conflict   {}", c.message);
    }
    if sol.conflicts.len() > 10 {
        let _ = writeln!(
            o,
            "conflict   … {} more in the output",
            sol.conflicts.len() - 10
        );
    }
    match sol.time_to_best_seconds {
        Some(b) => {
            let _ = writeln!(
                o,
                "time       {:.2} s (best roster found at {b:.2} s)",
                sol.wall_seconds
            );
        }
        None => {
            let _ = writeln!(o, "time       {:.2} s", sol.wall_seconds);
        }
    }
    o
}

/// A value rounded to 9 decimals for output: sums of fractional scores carry floating-point
/// noise in the last digits (132.57199999999997), which depends on summation order and says
/// nothing to a planner.
pub fn tidy(x: f64) -> f64 {
    let r = (x * 1e9).round() / 1e9;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

#[cfg(test)]
mod tidy_tests {
    use super::tidy;

    #[test]
    fn tidy_drops_summation_noise_only() {
        assert_eq!(tidy(132.57199999999997), 132.572);
        assert_eq!(tidy(606.9999999999978), 607.0);
        assert_eq!(tidy(-0.0000000000001), 0.0);
        assert_eq!(tidy(0.123456789), 0.123456789);
        assert_eq!(tidy(-5464.5712345678), -5464.571234568);
    }
}
