//! Feature extraction for learned affinity scores (DESIGN §6).
//!
//! A model is only as good as the agreement between the features it was trained on and the
//! features it is fed, so the list lives once, here, under a version string
//! ([`FEATURE_VERSION`]): a trained model stores the list and the version it was trained with
//! (in its sidecar and in LightGBM's own `feature_names`), and loading refuses a model whose
//! list differs. Any change to a feature's meaning must bump the version.
//!
//! The same [`FEATURES`] serve employee–task pairs ([`task_features`]) and employee–slot pairs
//! ([`slot_features`]); a feature that does not apply to one kind of pair has a documented
//! neutral value. Values are `f32` (what LightGBM reads, and half the memory of a batch).

use std::collections::BTreeMap;

use crate::domain::{EmployeeIdx, Problem, SkillRequirement, SlotIdx};
use crate::tasks::{EmpIdx, TaskIdx, TaskProblem};

use super::{fallback_factors, fallback_score};

/// Version of the feature list; stored with every model and checked when one is loaded.
pub const FEATURE_VERSION: &str = "roster-affinity-features/v1";

/// Which part of the pair a feature describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeatureGroup {
    /// The employee alone.
    Employee,
    /// The task or the slot alone.
    Item,
    /// The pair.
    Interaction,
}

/// One documented feature.
#[derive(Clone, Copy, Debug)]
pub struct FeatureSpec {
    /// Column name (training data header, LightGBM feature name).
    pub name: &'static str,
    /// Group.
    pub group: FeatureGroup,
    /// Meaning, range and neutral values.
    pub meaning: &'static str,
}

macro_rules! f {
    ($name:literal, $g:ident, $m:literal) => {
        FeatureSpec {
            name: $name,
            group: FeatureGroup::$g,
            meaning: $m,
        }
    };
}

/// The feature list of [`FEATURE_VERSION`], in column order.
pub const FEATURES: [FeatureSpec; N_FEATURES] = [
    f!("emp_experience_years", Employee, "years of experience, clamped to [0, 50]"),
    f!("emp_current_workload_hours", Employee, "hours already on the plate (≥ 0)"),
    f!("emp_capacity_hours", Employee, "capacity hours (≥ 0)"),
    f!("emp_utilisation", Employee, "current workload / capacity, clamped to [0, 2]; capacity 0: 0 without work, 2 with work"),
    f!("emp_remaining_hours", Employee, "capacity − current workload (may be negative)"),
    f!("emp_performance_rating", Employee, "performance rating in [0, 5]; 2.5 when not given"),
    f!("emp_skill_count", Employee, "number of skills held"),
    f!("emp_mean_skill_level", Employee, "mean level of the skills held (0 when none)"),
    f!("item_priority", Item, "task priority (≥ 1); slot priority"),
    f!("item_complexity", Item, "task complexity; 0 when not given and for slots"),
    f!("item_hours", Item, "effort of the pair in hours (the employee's estimate, else the task's); slots: shift length in hours"),
    f!("item_days_to_deadline", Item, "tasks: deadline − reference date in days, clamped to [−365, 365], 365 without a deadline or reference date; slots: days from the horizon start"),
    f!("item_required_skill_count", Item, "number of required skills"),
    f!("skill_match", Interaction, "mean over required skills of min(level, 5) / 5 (0.5 when none is required): the fallback's skill factor"),
    f!("skills_met_fraction", Interaction, "fraction of required skills held at their minimum level (1 when none is required)"),
    f!("min_skill_margin", Interaction, "min over required skills of level − minimum level, clamped to [−5, 5] (0 when none is required)"),
    f!("capacity_fit", Interaction, "(remaining hours − effort) / max(capacity, 1), clamped to [−1, 1]: room left after taking it"),
    f!("location_match", Interaction, "slots: 1 when the slot has no location or the employee works there, else 0; tasks: 1"),
    f!("rank_match", Interaction, "slots: 1 when the slot asks no rank or the employee's rank, else 0; tasks: 1"),
    f!("preference", Interaction, "slots: +1 when an on-request matches, −1 when an off-request or an unavailable day matches, else 0; tasks: 0"),
    f!("fallback_score", Interaction, "0.4·skill + 0.3·experience + 0.3·workload (the fallback heuristic itself)"),
];

/// Number of features of [`FEATURE_VERSION`].
pub const N_FEATURES: usize = 21;

/// Column index of [`FEATURES`] by name (used by the training-data generator and tests).
pub fn feature_index(name: &str) -> Option<usize> {
    FEATURES.iter().position(|f| f.name == name)
}

/// The names of [`FEATURES`], in order.
pub fn feature_names() -> Vec<String> {
    FEATURES.iter().map(|f| f.name.to_string()).collect()
}

/// A feature row.
pub type FeatureRow = [f32; N_FEATURES];

/// Plain data of a pair, shared by tasks and slots.
struct PairData<'a> {
    skills: &'a BTreeMap<String, u32>,
    experience: f64,
    workload: f64,
    capacity: f64,
    performance: Option<f64>,
    required: &'a [SkillRequirement],
    priority: f64,
    complexity: f64,
    hours: f64,
    days_to_deadline: f64,
    location_match: f64,
    rank_match: f64,
    preference: f64,
}

fn build(d: &PairData) -> FeatureRow {
    let utilisation = if d.capacity > 0.0 {
        (d.workload / d.capacity).clamp(0.0, 2.0)
    } else if d.workload > 0.0 {
        2.0
    } else {
        0.0
    };
    let remaining = d.capacity - d.workload;
    let mean_level = if d.skills.is_empty() {
        0.0
    } else {
        d.skills.values().map(|&l| f64::from(l)).sum::<f64>() / d.skills.len() as f64
    };
    let (mut met, mut margin) = (0usize, i64::MAX);
    for r in d.required {
        let level = d.skills.get(&r.skill).copied().unwrap_or(0);
        if level >= r.min_level {
            met += 1;
        }
        margin = margin.min(i64::from(level) - i64::from(r.min_level));
    }
    let (met_fraction, margin) = if d.required.is_empty() {
        (1.0, 0.0)
    } else {
        (
            met as f64 / d.required.len() as f64,
            margin.clamp(-5, 5) as f64,
        )
    };
    let factors = fallback_factors(d.required, d.skills, d.experience, d.workload, d.capacity);
    let row = [
        d.experience.clamp(0.0, 50.0),
        d.workload,
        d.capacity,
        utilisation,
        remaining,
        d.performance.unwrap_or(2.5).clamp(0.0, 5.0),
        d.skills.len() as f64,
        mean_level,
        d.priority,
        d.complexity,
        d.hours,
        d.days_to_deadline,
        d.required.len() as f64,
        factors.0,
        met_fraction,
        margin,
        ((remaining - d.hours) / d.capacity.max(1.0)).clamp(-1.0, 1.0),
        d.location_match,
        d.rank_match,
        d.preference,
        fallback_score(factors),
    ];
    row.map(|v| v as f32)
}

/// Features of giving task `t` to employee `e`.
pub fn task_features(p: &TaskProblem, e: EmpIdx, t: TaskIdx) -> FeatureRow {
    let emp = &p.employees[e.ix()];
    let task = &p.tasks[t.ix()];
    let days = match (task.deadline, p.reference_date) {
        (Some(d), Some(r)) => ((d - r).num_days() as f64).clamp(-365.0, 365.0),
        _ => 365.0,
    };
    build(&PairData {
        skills: &emp.skills,
        experience: emp.experience_years,
        workload: emp.current_workload_hours,
        capacity: emp.capacity_hours,
        performance: emp.performance_rating,
        required: &task.required_skills,
        priority: task.priority,
        complexity: task.complexity.unwrap_or(0.0),
        hours: p.hours(e, t),
        days_to_deadline: days,
        location_match: 1.0,
        rank_match: 1.0,
        preference: 0.0,
    })
}

/// Features of placing employee `e` on slot `s`.
pub fn slot_features(p: &Problem, e: EmployeeIdx, s: SlotIdx) -> FeatureRow {
    let emp = &p.employees[e.ix()];
    let slot = &p.slots[s.ix()];
    let location_match = match &slot.location_id {
        Some(l) if !emp.locations.iter().any(|x| x == l) => 0.0,
        _ => 1.0,
    };
    let rank_match = match (&slot.rank_id, &emp.rank_id) {
        (None, _) => 1.0,
        (Some(r), Some(mine)) if r == mine => 1.0,
        _ => 0.0,
    };
    let refused = p.is_unavailable(e, slot.day)
        || emp
            .requests
            .iter()
            .any(|r| !r.on && r.day == slot.day && r.shift.is_none_or(|x| x == slot.shift));
    let wanted = emp
        .requests
        .iter()
        .any(|r| r.on && r.day == slot.day && r.shift.is_none_or(|x| x == slot.shift));
    let preference = if refused {
        -1.0
    } else if wanted {
        1.0
    } else {
        0.0
    };
    build(&PairData {
        skills: &emp.skills,
        experience: emp.experience_years,
        workload: emp.current_workload_hours,
        capacity: emp.capacity_hours,
        performance: Some(emp.performance_rating),
        required: &slot.required_skills,
        priority: f64::from(slot.priority),
        complexity: 0.0,
        hours: f64::from(p.shift_types[slot.shift.ix()].duration_minutes) / 60.0,
        days_to_deadline: f64::from(slot.day).clamp(-365.0, 365.0),
        location_match,
        rank_match,
        preference,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_documented_and_unique() {
        const { assert!(N_FEATURES >= 17) };
        let mut names = feature_names();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), N_FEATURES);
        for g in [
            FeatureGroup::Employee,
            FeatureGroup::Item,
            FeatureGroup::Interaction,
        ] {
            assert!(FEATURES.iter().any(|f| f.group == g));
        }
        assert!(FEATURES.iter().all(|f| !f.meaning.is_empty()));
    }

    /// Values worked out by hand for one pair.
    #[test]
    fn task_features_on_a_hand_checked_pair() {
        let req = serde_json::json!({
            "schemaVersion": "0.96",
            "referenceDate": "2025-12-01",
            "tasks": [{"taskId": "T", "estimatedHours": 6, "priority": 3, "complexity": 4,
                       "deadline": "2025-12-11",
                       "requiredSkills": [{"skill": "x", "minLevel": 3}, {"skill": "y", "minLevel": 2}]}],
            "employees": [{"employeeId": "E", "capacityHours": 40, "currentWorkloadHours": 10,
                           "experienceYears": 5, "performanceRating": 4,
                           "skills": [{"skill": "x", "level": 4}, {"skill": "z", "level": 2}]}]
        });
        let p = crate::tasks::task_request_from_value(&req).unwrap();
        let row = task_features(&p, EmpIdx(0), TaskIdx(0));
        let get = |n: &str| row[feature_index(n).unwrap()];
        assert_eq!(get("emp_experience_years"), 5.0);
        assert_eq!(get("emp_current_workload_hours"), 10.0);
        assert_eq!(get("emp_capacity_hours"), 40.0);
        assert_eq!(get("emp_utilisation"), 0.25);
        assert_eq!(get("emp_remaining_hours"), 30.0);
        assert_eq!(get("emp_performance_rating"), 4.0);
        assert_eq!(get("emp_skill_count"), 2.0);
        assert_eq!(get("emp_mean_skill_level"), 3.0); // (4 + 2) / 2
        assert_eq!(get("item_priority"), 3.0);
        assert_eq!(get("item_complexity"), 4.0);
        assert_eq!(get("item_hours"), 6.0);
        assert_eq!(get("item_days_to_deadline"), 10.0);
        assert_eq!(get("item_required_skill_count"), 2.0);
        assert_eq!(get("skill_match"), 0.4); // (4/5 + 0) / 2
        assert_eq!(get("skills_met_fraction"), 0.5); // x 4 ≥ 3, y 0 < 2
        assert_eq!(get("min_skill_margin"), -2.0); // y: 0 − 2
        assert_eq!(get("capacity_fit"), 0.6); // (30 − 6) / 40
        assert_eq!(get("location_match"), 1.0);
        assert_eq!(get("rank_match"), 1.0);
        assert_eq!(get("preference"), 0.0);
        // 0.4·0.4 + 0.3·0.5 + 0.3·0.75
        assert_eq!(get("fallback_score"), (0.16f64 + 0.15 + 0.225) as f32);
    }

    #[test]
    fn slot_features_see_location_rank_and_requests() {
        let mut p = crate::testkit::tiny_problem();
        p.slots[0].location_id = Some("north".into());
        p.slots[0].rank_id = Some("lead".into());
        p.employees[0].locations = vec!["north".into()];
        p.employees[0].rank_id = Some("lead".into());
        let day = p.slots[0].day;
        p.employees[1].requests.push(crate::domain::ShiftRequest {
            day,
            shift: None,
            on: false,
            weight: 1.0,
        });
        let at = |e: u32, n: &str| {
            slot_features(&p, EmployeeIdx(e), SlotIdx(0))[feature_index(n).unwrap()]
        };
        assert_eq!(at(0, "location_match"), 1.0);
        assert_eq!(at(1, "location_match"), 0.0);
        assert_eq!(at(0, "rank_match"), 1.0);
        assert_eq!(at(1, "rank_match"), 0.0);
        assert_eq!(at(0, "preference"), 0.0);
        assert_eq!(at(1, "preference"), -1.0);
        assert_eq!(at(0, "item_hours"), 8.0);
        let fb = crate::scoring::FallbackScorer::factors(&p, EmployeeIdx(1), SlotIdx(0));
        assert_eq!(at(1, "fallback_score"), fallback_score(fb) as f32);
    }
}
