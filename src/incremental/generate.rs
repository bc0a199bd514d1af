//! Seeded incremental situations for benchmarks and tests: a generated request
//! ([`crate::generate`]), a previous roster built by `greedy_ml` with the demand set to
//! exactly what it filled (so no position is open by accident), and departures on the first
//! solve day that free at least `solvable` positions. Reproducible from the seed alone.

use std::collections::BTreeMap;

use chrono::Duration;
use serde_json::{json, Value};

use crate::generate::{generate_with, GenerateSpec, ShiftProfile};
use crate::heuristics::{construct, Construction};
use crate::scoring::{FallbackScorer, PairScores, Scorer};

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct SituationSpec {
    /// The request.
    pub request: GenerateSpec,
    /// Last locked day (0-based; the window runs from the next day to the horizon end).
    pub cutoff_day: u32,
    /// Positions to free (at least; whole employees depart).
    pub solvable: u32,
    /// Shift profile of the request ([`ShiftProfile::PartDay`]: ~30 assignments per person
    /// and month, the issue's ~15,000-assignment previous roster at 500 × 31).
    pub profile: ShiftProfile,
}

impl SituationSpec {
    /// The performance case: 500 employees × 31 days with part-day shifts (two 5-hour
    /// shifts a day allowed, demand at density 0.85), a greedy_ml previous roster of ~15,000
    /// assignments, cutoff after day 10 (0-based 9), departures freeing ~50 positions
    /// (`roster generate --incremental --part-day --employees 500 --days 31 --density 0.85
    /// --seed 7 --solvable 40`).
    pub fn large() -> Self {
        let mut spec = SituationSpec {
            profile: ShiftProfile::PartDay,
            solvable: 40,
            ..SituationSpec::default()
        };
        spec.request.density = 0.85;
        spec
    }
}

impl Default for SituationSpec {
    fn default() -> Self {
        SituationSpec {
            request: GenerateSpec {
                employees: 500,
                days: 31,
                shifts: 3,
                density: 0.95,
                seed: 7,
                ..GenerateSpec::default()
            },
            cutoff_day: 9,
            solvable: 50,
            profile: ShiftProfile::FullDay,
        }
    }
}

/// A full-roster incremental request (`schemas/incremental-request.schema.json`).
///
/// # Panics
/// If `cutoff_day` is not before the last horizon day.
pub fn situation(spec: &SituationSpec) -> Value {
    assert!(
        spec.cutoff_day + 1 < spec.request.days,
        "the window needs a day"
    );
    let mut req = generate_with(&spec.request, spec.profile);
    let p = crate::input::request_from_value(&req).expect("generated requests are valid");
    let scores = PairScores::compute(&p, &FallbackScorer);
    let roster = construct(&p, &scores, Construction::Greedy);
    // Demand = what the construction filled.
    let counts = roster.count_per_slot(p.slots.len());
    let mut by_demand: BTreeMap<&str, serde_json::Map<String, Value>> = BTreeMap::new();
    for (s, &n) in p.slots.iter().zip(&counts) {
        by_demand
            .entry(s.demand_id.as_str())
            .or_default()
            .insert(p.horizon.date(s.day).to_string(), json!(n));
    }
    if let Some(items) = req["demandItems"].as_array_mut() {
        for item in items {
            let id = item["demandId"].as_str().unwrap_or("").to_string();
            item["headcount"] = json!(0);
            item["headcountByDate"] =
                Value::Object(by_demand.remove(id.as_str()).unwrap_or_default());
        }
    }
    let mut placed: Vec<_> = roster.assignments.clone();
    placed.sort_by_key(|a| {
        let s = &p.slots[a.slot.ix()];
        (
            s.day,
            s.shift,
            s.id.clone(),
            p.employees[a.employee.ix()].id.clone(),
        )
    });
    let assignments: Vec<Value> = placed
        .iter()
        .map(|a| {
            let s = &p.slots[a.slot.ix()];
            json!({
                "slotId": s.id,
                "date": p.horizon.date(s.day).to_string(),
                "shiftCode": p.shift_types[s.shift.ix()].code,
                "employeeId": p.employees[a.employee.ix()].id,
                "demandId": s.demand_id,
                "requirementId": s.requirement_id,
                "score": crate::output::round6(FallbackScorer.score(&p, a.employee, a.slot)),
            })
        })
        .collect();
    // Departures on the first solve day until enough positions are freed.
    let from = spec.cutoff_day as i32 + 1;
    let mut in_window = vec![0u32; p.employees.len()];
    for a in &placed {
        if p.slots[a.slot.ix()].day >= from {
            in_window[a.employee.ix()] += 1;
        }
    }
    let first = p.horizon.date(from);
    let mut departures = Vec::new();
    let mut freed = 0;
    for (e, &n) in in_window.iter().enumerate() {
        if freed >= spec.solvable {
            break;
        }
        if n > 0 {
            freed += n;
            departures
                .push(json!({"employeeId": p.employees[e].id, "departureDate": first.to_string()}));
        }
    }
    json!({
        "schemaVersion": "0.96",
        "requestData": req,
        "previousRoster": {
            "assignments": assignments,
            "solverMetadata": {"method": "greedy_ml", "seed": spec.request.seed},
        },
        "temporalWindow": {
            "cutoffDate": (first - Duration::days(1)).to_string(),
            "solveFromDate": first.to_string(),
            "solveToDate": p.horizon.end().to_string(),
        },
        "employeeChanges": {"departures": departures},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small situation: valid, deterministic, and exactly the departed employees' window
    /// shifts are open.
    #[test]
    fn small_situation_frees_the_departed_shifts() {
        let spec = SituationSpec {
            request: GenerateSpec {
                employees: 12,
                days: 10,
                ..GenerateSpec::default()
            },
            cutoff_day: 4,
            solvable: 5,
            profile: ShiftProfile::FullDay,
        };
        let doc = situation(&spec);
        assert_eq!(doc, situation(&spec));
        let prep = crate::incremental::load(&doc).expect("valid");
        let open: u32 = prep.problem.slots.iter().map(|s| s.headcount).sum();
        assert!(open >= 5, "{open}");
        assert!(prep
            .empty_slots
            .iter()
            .all(|e| e.reason == crate::incremental::Reason::DepartedEmployee));
    }
}
