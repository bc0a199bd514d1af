//! Stretches of equal days (working or off) and the "no stretch shorter than k" pattern that
//! C3 (minimum working stretch) and C10 (minimum days off) share.
//!
//! Both rules follow the Curtois & Qu boundary semantics: a stretch touching the end of the
//! horizon is never too short (it may go on), and neither is one touching the start when the
//! days before are unknown. When the locked context says what the day before the horizon was,
//! a stretch starting on day 0 is judged, and locked days of the same kind count in it. The
//! rows and the checker's judgement are written once here so the two rules cannot drift apart
//! and the encoding cannot drift from the checker.

use super::{LabelFace, Mode, RuleId};
use crate::domain::{Day, EmployeeIdx, Problem};
use crate::model::{Lin, ModelIr, RowTag};

/// What the locked context says about the days just before the horizon for one employee.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Before {
    /// Nothing known: stretches touching day 0 are not judged against minimums.
    Unknown,
    /// The employee worked the last `n` days (n ≥ 1).
    Working(u32),
    /// The employee was off the last `n` days (n ≥ 1).
    Off(u32),
}

impl Before {
    /// From the employee's locked history.
    pub(crate) fn of(p: &Problem, e: EmployeeIdx) -> Before {
        let h = p.history(e);
        match h.days_off_streak {
            _ if h.streak_days > 0 => Before::Working(h.streak_days),
            Some(n) if n > 0 => Before::Off(n),
            _ => Before::Unknown,
        }
    }

    /// The same knowledge seen from stretches of `value` days (`true`: working days).
    pub(crate) fn edge(self, value: bool) -> Edge {
        match (self, value) {
            (Before::Unknown, _) => Edge::Unknown,
            (Before::Working(n), true) | (Before::Off(n), false) => Edge::Same(n),
            (Before::Working(_), false) | (Before::Off(_), true) => Edge::Opposite,
        }
    }
}

/// The day before the horizon, seen from stretches of one value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Edge {
    /// Unknown: a stretch touching day 0 is not judged.
    Unknown,
    /// The day before had the other value: a stretch starting on day 0 is judged as it is.
    Opposite,
    /// The last `n ≥ 1` days before had the same value: they count in a stretch touching day 0.
    Same(u32),
}

impl Edge {
    /// Locked days that extend a stretch touching day 0.
    pub(crate) fn prefix(self) -> u32 {
        match self {
            Edge::Same(n) => n,
            Edge::Unknown | Edge::Opposite => 0,
        }
    }
}

/// Lengths of the stretches of `value` days of one employee as `(first day, length)`; a stretch
/// that touches day 0 includes `prefix` locked days before the horizon (its first day is then
/// negative, and a stretch of locked days alone ends at day 0).
pub fn stretches(
    works: impl Fn(Day) -> bool,
    days: Day,
    prefix: u32,
    value: bool,
) -> Vec<(Day, u32)> {
    let mut out = Vec::new();
    let mut start: Option<Day> = if prefix > 0 {
        Some(-(prefix as Day))
    } else {
        None
    };
    for d in 0..days {
        if works(d) == value {
            if start.is_none() {
                start = Some(d);
            }
        } else if let Some(s) = start.take() {
            out.push((s, (d - s) as u32));
        }
    }
    if let Some(s) = start {
        out.push((s, (days - s) as u32));
    }
    out
}

/// Whether a stretch `(start, len)` from [`stretches`] (built with `edge.prefix()`) is judged
/// too short: shorter than `min`, with some day inside the horizon, not touching the end, and
/// not touching the start unless the day before is known.
pub(crate) fn is_short(start: Day, len: u32, days: Day, min: u32, edge: Edge) -> bool {
    let end = start + len as Day; // exclusive
    let judged_start = start > 0 || edge != Edge::Unknown;
    len < min && end > 0 && end < days && judged_start
}

/// Rows forbidding every stretch of `value` days shorter than `min` that [`is_short`] would
/// judge: for a first day `d` and a length `l`, the pattern "other value on `d−1`, `value` on
/// `d..d+l`, other value on `d+l`" cannot hold in full. With `ind(i)` = `w[i]` for working
/// stretches and `1 − w[i]` for days off (`w` = [`ModelIr::day_worked`], locked days included):
/// `ind'(d−1) + Σ ind(i) + ind'(d+l) ≤ l + 1`. On day 0 the `d−1` term is known from the
/// locked context (dropped), and locked days of the same value shorten the lengths that are
/// too short. Soft: one unit per short stretch.
pub(crate) fn encode_min_stretch(
    m: &mut ModelIr,
    rule: RuleId,
    e: EmployeeIdx,
    min: u32,
    value: bool,
    edge: Edge,
    mode: Mode,
) {
    if min <= 1 {
        return;
    }
    let days = m.problem.days();
    let min = min as Day;
    // `ind(d, v)`: 1 when day d has value v.
    let ind = |m: &mut ModelIr, d: Day, v: bool| -> Lin {
        let w = m.day_worked(e, d);
        if v {
            w
        } else {
            let mut l = Lin {
                constant: 1.0,
                ..Lin::default()
            };
            l.add(&w, -1.0);
            l
        }
    };
    for d in 0..days {
        let (start_open, already) = if d > 0 {
            (true, 0)
        } else {
            match edge {
                Edge::Unknown => continue,
                Edge::Opposite => (false, 0),
                Edge::Same(n) => (false, n as Day),
            }
        };
        for l in 1..(min - already) {
            if d + l >= days {
                break; // touches the end: may go on after the horizon
            }
            let mut lin = Lin::default();
            for i in d..d + l {
                lin.add(&ind(m, i, value), 1.0);
            }
            lin.add(&ind(m, d + l, !value), 1.0);
            let mut terms = l + 1;
            if start_open {
                lin.add(&ind(m, d - 1, !value), 1.0);
                terms += 1;
            }
            let tag = RowTag::emp(rule, e, Some(d));
            m.constrain(tag, lin, f64::NEG_INFINITY, (terms - 1) as f64, mode, 1.0);
        }
    }
}

/// The labeling face of a minimum stretch of `value` days (C3 minimum, C10): the same
/// boundary semantics as [`is_short`], with the locked days the edge contributes.
pub(crate) fn min_run_face(value: bool, min: u32, edge: Edge) -> LabelFace {
    LabelFace::MinRun {
        worked: value,
        min,
        judged_at_start: edge != Edge::Unknown,
        prefix: edge.prefix(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(s: &str) -> impl Fn(Day) -> bool + '_ {
        move |d| s.as_bytes()[d as usize] == b'x'
    }

    #[test]
    fn stretches_of_both_values() {
        let w = pattern("xx..x.");
        assert_eq!(stretches(&w, 6, 0, true), vec![(0, 2), (4, 1)]);
        assert_eq!(stretches(&w, 6, 0, false), vec![(2, 2), (5, 1)]);
        // Locked days extend the stretch touching day 0 (or stand alone before it).
        assert_eq!(stretches(&w, 6, 3, true)[0], (-3, 5));
        assert_eq!(stretches(&w, 6, 2, false)[0], (-2, 2));
    }

    #[test]
    fn short_means_inside_judged_edges() {
        let days = 6;
        // Touching the end: never short.
        assert!(!is_short(5, 1, days, 3, Edge::Opposite));
        // Touching the start: judged only when the day before is known.
        assert!(!is_short(0, 1, days, 3, Edge::Unknown));
        assert!(is_short(0, 1, days, 3, Edge::Opposite));
        // Locked days of the same value count.
        assert!(!is_short(-2, 3, days, 3, Edge::Same(2)));
        assert!(is_short(-1, 2, days, 3, Edge::Same(1)));
        // Entirely before the horizon: not judged.
        assert!(!is_short(-2, 2, days, 3, Edge::Same(2)));
        // Inside.
        assert!(is_short(2, 2, days, 3, Edge::Unknown));
        assert!(!is_short(2, 3, days, 3, Edge::Unknown));
    }

    #[test]
    fn before_seen_from_both_values() {
        assert_eq!(Before::Working(2).edge(true), Edge::Same(2));
        assert_eq!(Before::Working(2).edge(false), Edge::Opposite);
        assert_eq!(Before::Off(3).edge(false), Edge::Same(3));
        assert_eq!(Before::Off(3).edge(true), Edge::Opposite);
        assert_eq!(Before::Unknown.edge(false), Edge::Unknown);
    }
}
