//! Affinity scores: how well an employee fits a slot, in [0, 1].
//!
//! The scores are objective weights (−affinityWeight · score per placement) and the order in
//! which the heuristics try people. The [`Scorer`] trait is the seam for learned models
//! (LightGBM, a later issue); [`FallbackScorer`] is the documented heuristic used when no model
//! is given, and is reported as such in outputs (`scoringMethod`).

use rayon::prelude::*;

use crate::domain::{EmployeeIdx, Problem, SlotIdx};

/// Scores employee–slot pairs.
pub trait Scorer: Send + Sync {
    /// Reported as `scoringMethod`.
    fn method(&self) -> &str;
    /// Model version (reported).
    fn version(&self) -> &str;
    /// Score of placing `e` on `s`, in [0, 1]. Must be deterministic.
    fn score(&self, p: &Problem, e: EmployeeIdx, s: SlotIdx) -> f64;
}

/// `0.4·skill + 0.3·experience + 0.3·workload`, each factor in [0, 1]:
/// * skill: mean over the slot's required skills of `min(level, 5) / 5` (0.5 when the slot
///   requires none);
/// * experience: `min(years, 10) / 10`;
/// * workload: `1 − min(currentWorkloadHours / capacityHours, 1)` (1 when capacity is 0 and
///   nothing is on the plate, 0 when capacity is 0 and there is work).
#[derive(Clone, Copy, Debug, Default)]
pub struct FallbackScorer;

impl FallbackScorer {
    /// The three factors `(skill, experience, workload)`.
    pub fn factors(p: &Problem, e: EmployeeIdx, s: SlotIdx) -> (f64, f64, f64) {
        let emp = &p.employees[e.ix()];
        let slot = &p.slots[s.ix()];
        let skill = if slot.required_skills.is_empty() {
            0.5
        } else {
            slot.required_skills
                .iter()
                .map(|r| f64::from(emp.skills.get(&r.skill).copied().unwrap_or(0).min(5)) / 5.0)
                .sum::<f64>()
                / slot.required_skills.len() as f64
        };
        let experience = emp.experience_years.clamp(0.0, 10.0) / 10.0;
        let workload = if emp.capacity_hours > 0.0 {
            1.0 - (emp.current_workload_hours / emp.capacity_hours).clamp(0.0, 1.0)
        } else if emp.current_workload_hours > 0.0 {
            0.0
        } else {
            1.0
        };
        (skill, experience, workload)
    }
}

impl Scorer for FallbackScorer {
    fn method(&self) -> &str {
        "fallback_heuristic"
    }
    fn version(&self) -> &str {
        "0.4*skill+0.3*experience+0.3*workload/v1"
    }
    fn score(&self, p: &Problem, e: EmployeeIdx, s: SlotIdx) -> f64 {
        let (skill, exp, load) = Self::factors(p, e, s);
        0.4 * skill + 0.3 * exp + 0.3 * load
    }
}

/// Scores of every employee–slot pair, computed once in parallel.
#[derive(Clone, Debug)]
pub struct PairScores {
    n_slots: usize,
    values: Vec<f64>,
}

impl PairScores {
    /// Score every pair with `scorer` (rayon over employees).
    pub fn compute(p: &Problem, scorer: &dyn Scorer) -> Self {
        let n_slots = p.slots.len();
        let values: Vec<f64> = (0..p.employees.len())
            .into_par_iter()
            .flat_map_iter(|e| {
                (0..n_slots).map(move |s| scorer.score(p, EmployeeIdx(e as u32), SlotIdx(s as u32)))
            })
            .collect();
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
}
