//! Affinity scores: how well an employee fits a slot or a task, in [0, 1].
//!
//! The scores are objective weights (−affinityWeight · score per placement) and the order in
//! which the heuristics try people. The [`Scorer`] (slots) and [`TaskScorer`] (tasks) traits
//! are the seams for learned models (LightGBM, a later issue); [`FallbackScorer`] is the
//! documented heuristic used when no model is given, and is reported as such in outputs
//! (`scoringMethod`). Its formula lives once, in [`fallback_factors`] and [`fallback_score`],
//! and serves both kinds of pair. [`lightgbm::LightGbmScorer`] is the learned model,
//! [`features`] the versioned feature list it reads, [`training`] the data it learns from.

pub mod features;
pub mod lightgbm;
pub mod training;

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::domain::{EmployeeIdx, Problem, SkillRequirement, SlotIdx};
use crate::tasks::{EmpIdx, TaskIdx, TaskProblem};

/// Scores employee–slot pairs.
pub trait Scorer: Send + Sync {
    /// Reported as `scoringMethod`.
    fn method(&self) -> &str;
    /// Model version (reported).
    fn version(&self) -> &str;
    /// Score of placing `e` on `s`, in [0, 1]. Must be deterministic.
    fn score(&self, p: &Problem, e: EmployeeIdx, s: SlotIdx) -> f64;

    /// Scores of every pair, employee-major (`e · slots + s`). The default scores pair by
    /// pair with rayon; a model overrides it to predict in batches.
    fn score_all(&self, p: &Problem) -> Vec<f64> {
        let n_slots = p.slots.len();
        (0..p.employees.len())
            .into_par_iter()
            .flat_map_iter(|e| {
                (0..n_slots).map(move |s| self.score(p, EmployeeIdx(e as u32), SlotIdx(s as u32)))
            })
            .collect()
    }
}

/// Scores employee–task pairs (task assignment). Implemented by [`FallbackScorer`]; a learned
/// model implements it beside [`Scorer`], with the same method and version strings.
pub trait TaskScorer: Send + Sync {
    /// Reported as `scoringMethod`.
    fn method(&self) -> &str;
    /// Model version (reported).
    fn version(&self) -> &str;
    /// Score of giving task `t` to employee `e`, in [0, 1]. Must be deterministic.
    fn score_task(&self, p: &TaskProblem, e: EmpIdx, t: TaskIdx) -> f64;

    /// Scores of the given pairs, in order. The default scores pair by pair with rayon; a
    /// model overrides it to predict in batches.
    fn score_task_pairs(&self, p: &TaskProblem, pairs: &[(EmpIdx, TaskIdx)]) -> Vec<f64> {
        pairs
            .par_iter()
            .map(|&(e, t)| self.score_task(p, e, t))
            .collect()
    }

    /// Scores of every pair, employee-major (`e · tasks + t`): the hot path.
    fn score_all_tasks(&self, p: &TaskProblem) -> Vec<f64> {
        let n_tasks = p.tasks.len();
        (0..p.employees.len())
            .into_par_iter()
            .flat_map_iter(|e| {
                (0..n_tasks).map(move |t| self.score_task(p, EmpIdx(e as u32), TaskIdx(t as u32)))
            })
            .collect()
    }

    /// The model's input for a pair ([`features::task_features`]; the fallback reads only
    /// three of them).
    fn extract_features(&self, p: &TaskProblem, e: EmpIdx, t: TaskIdx) -> features::FeatureRow {
        features::task_features(p, e, t)
    }

    /// `(score, confidence)` of a pair, both in [0, 1]; see [`confidence`].
    fn predict_proba(&self, p: &TaskProblem, e: EmpIdx, t: TaskIdx) -> (f64, f64) {
        let s = self.score_task(p, e, t);
        (s, confidence(s))
    }

    /// The `top_k` best of `employees` for task `t`, best first (ties: request order), with
    /// scores and confidences. Every listed employee is scored, eligible or not: filtering
    /// is the methods' business.
    fn score_candidates(
        &self,
        p: &TaskProblem,
        t: TaskIdx,
        employees: &[EmpIdx],
        top_k: usize,
    ) -> Vec<Candidate> {
        let pairs: Vec<(EmpIdx, TaskIdx)> = employees.iter().map(|&e| (e, t)).collect();
        let scores = self.score_task_pairs(p, &pairs);
        let mut out: Vec<Candidate> = employees
            .iter()
            .zip(scores)
            .map(|(&employee, score)| Candidate {
                employee,
                score,
                confidence: confidence(score),
            })
            .collect();
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.employee.cmp(&b.employee))
        });
        out.truncate(top_k);
        out
    }
}

/// One ranked candidate of [`TaskScorer::score_candidates`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    /// Who.
    pub employee: EmpIdx,
    /// Score in [0, 1].
    pub score: f64,
    /// Confidence in [0, 1].
    pub confidence: f64,
}

/// Confidence of a score read as a probability: `|2·score − 1|`, the distance from the
/// undecided 0.5 scaled to [0, 1] (1 for a sure yes or no, 0 for a coin flip). The same
/// definition serves the model and the fallback, so the numbers are comparable; for the
/// fallback they are not calibrated.
pub fn confidence(score: f64) -> f64 {
    (2.0 * score - 1.0).abs().clamp(0.0, 1.0)
}

/// The fallback's three factors `(skill, experience, workload)`, each in [0, 1], from plain
/// data shared by slots and tasks:
/// * skill: mean over the required skills of `min(level, 5) / 5` (0.5 when none is required);
/// * experience: `min(years, 10) / 10`;
/// * workload: `1 − min(currentWorkloadHours / capacityHours, 1)` (1 when capacity is 0 and
///   nothing is on the plate, 0 when capacity is 0 and there is work).
pub fn fallback_factors(
    required: &[SkillRequirement],
    skills: &BTreeMap<String, u32>,
    experience_years: f64,
    current_workload_hours: f64,
    capacity_hours: f64,
) -> (f64, f64, f64) {
    let skill = if required.is_empty() {
        0.5
    } else {
        required
            .iter()
            .map(|r| f64::from(skills.get(&r.skill).copied().unwrap_or(0).min(5)) / 5.0)
            .sum::<f64>()
            / required.len() as f64
    };
    let experience = experience_years.clamp(0.0, 10.0) / 10.0;
    let workload = if capacity_hours > 0.0 {
        1.0 - (current_workload_hours / capacity_hours).clamp(0.0, 1.0)
    } else if current_workload_hours > 0.0 {
        0.0
    } else {
        1.0
    };
    (skill, experience, workload)
}

/// `0.4·skill + 0.3·experience + 0.3·workload`.
pub fn fallback_score((skill, experience, workload): (f64, f64, f64)) -> f64 {
    0.4 * skill + 0.3 * experience + 0.3 * workload
}

/// `0.4·skill + 0.3·experience + 0.3·workload` over [`fallback_factors`], for slots and tasks.
#[derive(Clone, Copy, Debug, Default)]
pub struct FallbackScorer;

const FALLBACK_METHOD: &str = "fallback_heuristic";
const FALLBACK_VERSION: &str = "0.4*skill+0.3*experience+0.3*workload/v1";

impl FallbackScorer {
    /// The three factors `(skill, experience, workload)` of an employee–slot pair.
    pub fn factors(p: &Problem, e: EmployeeIdx, s: SlotIdx) -> (f64, f64, f64) {
        let emp = &p.employees[e.ix()];
        fallback_factors(
            &p.slots[s.ix()].required_skills,
            &emp.skills,
            emp.experience_years,
            emp.current_workload_hours,
            emp.capacity_hours,
        )
    }

    /// The three factors `(skill, experience, workload)` of an employee–task pair.
    pub fn task_factors(p: &TaskProblem, e: EmpIdx, t: TaskIdx) -> (f64, f64, f64) {
        let emp = &p.employees[e.ix()];
        fallback_factors(
            &p.tasks[t.ix()].required_skills,
            &emp.skills,
            emp.experience_years,
            emp.current_workload_hours,
            emp.capacity_hours,
        )
    }
}

impl Scorer for FallbackScorer {
    fn method(&self) -> &str {
        FALLBACK_METHOD
    }
    fn version(&self) -> &str {
        FALLBACK_VERSION
    }
    fn score(&self, p: &Problem, e: EmployeeIdx, s: SlotIdx) -> f64 {
        fallback_score(Self::factors(p, e, s))
    }
}

impl TaskScorer for FallbackScorer {
    fn method(&self) -> &str {
        FALLBACK_METHOD
    }
    fn version(&self) -> &str {
        FALLBACK_VERSION
    }
    fn score_task(&self, p: &TaskProblem, e: EmpIdx, t: TaskIdx) -> f64 {
        fallback_score(Self::task_factors(p, e, t))
    }
}

/// Scores of every employee–slot pair, computed once in parallel.
#[derive(Clone, Debug)]
pub struct PairScores {
    n_slots: usize,
    values: Vec<f64>,
}

impl PairScores {
    /// Score every pair with `scorer` ([`Scorer::score_all`]: rayon, or model batches).
    pub fn compute(p: &Problem, scorer: &dyn Scorer) -> Self {
        let n_slots = p.slots.len();
        let values = scorer.score_all(p);
        debug_assert_eq!(values.len(), n_slots * p.employees.len());
        PairScores { n_slots, values }
    }

    /// Score of a pair.
    pub fn get(&self, e: EmployeeIdx, s: SlotIdx) -> f64 {
        self.values[e.ix() * self.n_slots + s.ix()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::tiny_problem;

    #[test]
    fn fallback_weights_are_0_4_0_3_0_3() {
        let mut p = tiny_problem();
        p.slots[0].required_skills = vec![crate::domain::SkillRequirement {
            skill: "x".into(),
            min_level: 1,
        }];
        let e = &mut p.employees[0];
        e.skills.insert("x".into(), 4); // skill 0.8
        e.experience_years = 5.0; // 0.5
        e.current_workload_hours = 10.0;
        e.capacity_hours = 40.0; // workload 0.75
        let s = FallbackScorer.score(&p, EmployeeIdx(0), SlotIdx(0));
        assert!((s - (0.4 * 0.8 + 0.3 * 0.5 + 0.3 * 0.75)).abs() < 1e-12);
    }

    #[test]
    fn scores_stay_in_unit_interval_at_extremes() {
        let mut p = tiny_problem();
        let e = &mut p.employees[0];
        e.experience_years = 70.0;
        e.current_workload_hours = 500.0;
        e.capacity_hours = 0.0;
        let s = FallbackScorer.score(&p, EmployeeIdx(0), SlotIdx(0));
        assert!((0.0..=1.0).contains(&s));
        let all = PairScores::compute(&p, &FallbackScorer);
        assert_eq!(all.get(EmployeeIdx(0), SlotIdx(0)), s);
    }

    #[test]
    fn tasks_use_the_same_formula_as_slots() {
        let req = serde_json::json!({
            "schemaVersion": "0.96",
            "tasks": [{"taskId": "T", "estimatedHours": 2,
                       "requiredSkills": [{"skill": "x"}, {"skill": "y"}]}],
            "employees": [{"employeeId": "E", "capacityHours": 40, "currentWorkloadHours": 10,
                           "experienceYears": 5, "skills": [{"skill": "x", "level": 4}]}]
        });
        let p = crate::tasks::task_request_from_value(&req).unwrap();
        let (e, t) = (EmpIdx(0), TaskIdx(0));
        // skill (0.8 + 0) / 2 = 0.4, experience 0.5, workload 0.75.
        assert_eq!(FallbackScorer::task_factors(&p, e, t), (0.4, 0.5, 0.75));
        let s = FallbackScorer.score_task(&p, e, t);
        assert!((s - (0.4 * 0.4 + 0.3 * 0.5 + 0.3 * 0.75)).abs() < 1e-12);
    }
}
