//! Seeded synthetic roster requests (`roster generate`): realistic enough to exercise every
//! rule of the catalog, reproducible from the seed alone (ChaCha8, no global RNG).
//!
//! Shape: `shifts` shift types with clock times (day 07–15, evening 15–23, night 23–07, then
//! staggered extra shifts), a general and a skilled requirement per shift, demand sized so
//! that `density` of the employees' available working days are needed, a few days of leave,
//! contracts of 40 or 48 weekly hours, and the C2/C3/C4 rules on.
//!
//! A second shift profile ([`ShiftProfile::PartDay`], `roster generate --part-day`) models
//! part-time rostering with split days: two 5-hour shifts (morning 07–12, afternoon 14–19)
//! that one person may both work on the same day (C5 off), demand sized from what a 40-hour
//! week of 5-hour shifts allows (8 shifts a week), so people work ~30 assignments a month
//! within the same weekly cap, streak and rest rules.

use chrono::{Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct GenerateSpec {
    /// Employees.
    pub employees: usize,
    /// Horizon days.
    pub days: u32,
    /// Shift types (1..=8).
    pub shifts: usize,
    /// Distinct skills.
    pub skills: usize,
    /// Fraction of available working capacity that demand asks for (0..1].
    pub density: f64,
    /// RNG seed.
    pub seed: u64,
    /// First date.
    pub start: NaiveDate,
}

impl Default for GenerateSpec {
    fn default() -> Self {
        GenerateSpec {
            employees: 20,
            days: 14,
            shifts: 3,
            skills: 3,
            density: 0.7,
            seed: 1,
            start: NaiveDate::from_ymd_opt(2025, 12, 1).expect("valid date"),
        }
    }
}

/// Which shift types and labour pattern to generate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ShiftProfile {
    /// Full-day 8-hour shifts, one per day (the default; `shifts` of them).
    #[default]
    FullDay,
    /// Two part-day 5-hour shifts (07–12, 14–19); a person may work both on one day (C5 is
    /// switched off), so a month holds ~30 assignments under the same weekly cap.
    PartDay,
}

const PART_DAY_TIMES: [(&str, &str, &str); 2] = [("M", "07:00", "12:00"), ("A", "14:00", "19:00")];

const SHIFT_TIMES: [(&str, &str, &str); 8] = [
    ("D", "07:00", "15:00"),
    ("E", "15:00", "23:00"),
    ("N", "23:00", "07:00"),
    ("M", "09:00", "17:00"),
    ("L", "12:00", "20:00"),
    ("S", "06:00", "14:00"),
    ("A", "14:00", "22:00"),
    ("T", "19:00", "03:00"),
];

/// Generate a request (full-day profile).
pub fn generate(spec: &GenerateSpec) -> Value {
    generate_with(spec, ShiftProfile::FullDay)
}

/// Generate a request with the given shift profile. [`ShiftProfile::PartDay`] ignores
/// `spec.shifts` (it always has its two shift types).
pub fn generate_with(spec: &GenerateSpec, profile: ShiftProfile) -> Value {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let times: &[(&str, &str, &str)] = match profile {
        ShiftProfile::FullDay => &SHIFT_TIMES[..spec.shifts.clamp(1, SHIFT_TIMES.len())],
        ShiftProfile::PartDay => &PART_DAY_TIMES,
    };
    let n_shifts = times.len();
    let skills: Vec<String> = (0..spec.skills.max(1))
        .map(|i| format!("skill{}", i + 1))
        .collect();
    let end = spec.start + Duration::days(i64::from(spec.days) - 1);
    let shift_types: Vec<Value> = times
        .iter()
        .map(|(c, s, e)| json!({"code": c, "startTime": s, "endTime": e}))
        .collect();
    // People-shifts needed per day: density × (5/7 of the staff) spread over the shifts; with
    // part-day shifts, density × 8/7 of the staff (a 40-hour week of 5-hour shifts).
    let per_person = match profile {
        ShiftProfile::FullDay => 5.0 / 7.0,
        ShiftProfile::PartDay => 8.0 / 7.0,
    };
    let per_day = spec.density * spec.employees as f64 * per_person;
    let per_shift = (per_day / n_shifts as f64).max(1.0);
    let mut demand = Vec::new();
    for (c, _, _) in times {
        let skilled = (per_shift * 0.3).round() as u32;
        let general = (per_shift.round() as u32).saturating_sub(skilled).max(1);
        demand.push(json!({
            "demandId": format!("{c}-general"), "requirementId": format!("REQ-{c}-G"),
            "shiftCode": c, "headcount": general, "underWeight": 100, "overWeight": 20,
        }));
        if skilled > 0 {
            let skill = &skills[rng.random_range(0..skills.len())];
            demand.push(json!({
                "demandId": format!("{c}-{skill}"), "requirementId": format!("REQ-{c}-{skill}"),
                "shiftCode": c, "headcount": skilled, "requiredSkills": [{"skill": skill, "minLevel": 2}],
                "underWeight": 150, "overWeight": 20, "priority": 2,
            }));
        }
    }
    let employees: Vec<Value> = (0..spec.employees)
        .map(|i| {
            let n_sk = rng.random_range(1..=skills.len().min(3));
            let mut own: Vec<Value> = Vec::new();
            let mut picked = Vec::new();
            while picked.len() < n_sk {
                let k = rng.random_range(0..skills.len());
                if !picked.contains(&k) {
                    picked.push(k);
                    own.push(json!({"skill": skills[k], "level": rng.random_range(1..=5)}));
                }
            }
            let leave: Vec<String> = (0..spec.days)
                .filter(|_| rng.random_bool(0.04))
                .map(|d| (spec.start + Duration::days(i64::from(d))).to_string())
                .collect();
            let weekly = if rng.random_bool(0.7) { 40 } else { 48 };
            json!({
                "employeeId": format!("E{:04}", i + 1),
                "name": format!("Employee {}", i + 1),
                "skills": own,
                "experienceYears": (rng.random_range(0.0..15.0_f64) * 10.0).round() / 10.0,
                "performanceRating": (rng.random_range(2.0..5.0_f64) * 10.0).round() / 10.0,
                "currentWorkloadHours": rng.random_range(0..30),
                "capacityHours": 40,
                "contract": {"maxWeeklyHours": weekly},
                "unavailableDates": leave,
            })
        })
        .collect();
    let mut rules = vec![
        json!({"id": "C1", "hard": false}),
        json!({"id": "C2", "params": {"maxHoursPerWeek": 48}}),
        json!({"id": "C3", "params": {"maxConsecutiveDays": 6}}),
        json!({"id": "C4", "params": {"minRestHours": 11}}),
    ];
    let mut reference = format!(
        "GEN-{}x{}x{}-s{}",
        spec.employees, spec.days, n_shifts, spec.seed
    );
    if profile == ShiftProfile::PartDay {
        rules.push(json!({"id": "C5", "enabled": false}));
        reference.push_str("-partday");
    }
    json!({
        "schemaVersion": "0.96",
        "planningReference": reference,
        "planningHorizon": {"startDate": spec.start.to_string(), "endDate": end.to_string()},
        "shiftTypes": shift_types,
        "demandItems": demand,
        "employees": employees,
        "solverConfig": {"method": "milp", "warmStart": "greedy_ml", "timeLimitSeconds": 60, "threads": 1, "seed": spec.seed},
        "constraintList": rules
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_instance_and_it_validates() {
        let spec = GenerateSpec::default();
        let a = generate(&spec);
        assert_eq!(a, generate(&spec));
        let b = generate(&GenerateSpec {
            seed: 2,
            ..spec.clone()
        });
        assert_ne!(a, b);
        let p = crate::input::request_from_value(&a).expect("generated requests are valid");
        assert_eq!(p.employees.len(), 20);
        assert_eq!(p.horizon.days, 14);
    }

    /// Part-day: two 5-hour shifts, C5 off, about 8/7 people-shifts per employee and day; the
    /// default profile is untouched by it.
    #[test]
    fn part_day_profile() {
        let spec = GenerateSpec {
            employees: 70,
            density: 1.0,
            ..GenerateSpec::default()
        };
        assert_eq!(generate(&spec), generate_with(&spec, ShiftProfile::FullDay));
        let v = generate_with(&spec, ShiftProfile::PartDay);
        let p = crate::input::request_from_value(&v).expect("valid");
        assert_eq!(p.shift_types.len(), 2);
        assert!(p.shift_types.iter().all(|t| t.duration_minutes == 300));
        assert!(!p.rules.is_on(crate::constraints::RuleId::C5));
        let per_day: u32 = p
            .slots
            .iter()
            .filter(|s| s.day == 0)
            .map(|s| s.headcount)
            .sum();
        assert_eq!(per_day, 80, "70 × 8/7 people-shifts a day");
    }
}
