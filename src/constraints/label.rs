//! The fourth face of a per-employee rule: what it means to the labeling pricer of the
//! decomposition (`crate::decompose::labeling`), a dynamic program over one employee's days.
//!
//! Why a face and not a second implementation: the labeling pricer must forbid exactly the
//! schedules the rule's rows forbid, and the rule already knows its parameters, its contract
//! overrides and its locked context. Each rule says, in its own file, which of a few shapes it
//! has (a longest run, a shortest stretch, a forbidden succession, a budget over some days, a
//! count of worked day groups) with its numbers resolved; the pricer only composes shapes. A
//! rule that has no exact shape (a soft rule with slack rows, a long rest reaching two days)
//! answers `None`, and the decomposition prices that problem with the MILP instead. Every
//! schedule the labeling finds is re-checked against the rows (`ModelIr::values_of`), and a
//! test compares it with the MILP pricing on random duals.

use crate::domain::{Day, ShiftIdx};

/// One shape of a hard per-employee rule, for one employee, in horizon days. "Worked" days
/// include locked shifts inside the horizon.
#[derive(Clone, Debug, PartialEq)]
pub enum LabelFace {
    /// No run of worked days is longer than `max`; a run that starts on day 0 also counts the
    /// `prefix` worked days just before the horizon (C3 maximum).
    MaxRun {
        /// Longest run allowed.
        max: u32,
        /// Locked worked days just before day 0.
        prefix: u32,
    },
    /// No stretch of days with `worked` value is shorter than `min`, with the boundary
    /// semantics of `constraints::stretch`: a stretch touching the end is never short; one
    /// starting on day 0 is judged only when `judged_at_start`, and then counts `prefix`
    /// locked days of the same value before the horizon (C3 minimum, C10).
    MinRun {
        /// Worked days (`true`) or days off (`false`).
        worked: bool,
        /// Shortest stretch allowed.
        min: u32,
        /// Whether a stretch starting on day 0 is judged (the day before is known).
        judged_at_start: bool,
        /// Locked days of the same value just before day 0.
        prefix: u32,
    },
    /// Shift `.1` may not be worked on the day after shift `.0` (C4).
    NotNext(Vec<(ShiftIdx, ShiftIdx)>),
    /// Shift `.1` may not be worked on day `.0` (C4 against the last locked shift).
    NotOn(Vec<(Day, ShiftIdx)>),
    /// `constant + Σ_{d ∈ days} weight[shift worked on d]` lies in `[min, max]` (C2, C8, C9,
    /// C13); integral weights, so the bounds are rounded inwards.
    Budget {
        /// Days counted, sorted.
        days: Vec<Day>,
        /// Weight of each shift type (index = shift), 0 when it does not count.
        weight: Vec<i64>,
        /// Locked amount.
        constant: i64,
        /// Least total, if any.
        min: Option<i64>,
        /// Largest total, if any.
        max: Option<i64>,
    },
    /// `constant +` the number of `groups` (sorted runs of consecutive days) with a worked
    /// day is at most `max` (C11).
    Groups {
        /// Day groups, each sorted, in day order, not overlapping.
        groups: Vec<Vec<Day>>,
        /// Groups already counted.
        constant: u32,
        /// Largest count.
        max: u32,
    },
}

impl LabelFace {
    /// A [`LabelFace::Budget`] from a rule's (minute or count) numbers; `None` when a weight
    /// or the constant is not an integer (the labeling then leaves the rule to the MILP).
    pub fn budget(
        days: Vec<Day>,
        weight: Vec<f64>,
        constant: f64,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Option<LabelFace> {
        let int = |v: f64| (v - v.round()).abs() < 1e-9;
        if !weight.iter().all(|&w| int(w)) || !int(constant) {
            return None;
        }
        Some(LabelFace::Budget {
            days,
            weight: weight.iter().map(|w| w.round() as i64).collect(),
            constant: constant.round() as i64,
            min: min.map(|m| (m - 1e-9).ceil() as i64),
            max: max.map(|m| (m + 1e-9).floor() as i64),
        })
    }
}

/// Minutes of each shift type (index = shift): the weight of time budgets.
pub(crate) fn minutes_weight(p: &crate::domain::Problem) -> Vec<f64> {
    p.shift_types
        .iter()
        .map(|t| f64::from(t.duration_minutes))
        .collect()
}
