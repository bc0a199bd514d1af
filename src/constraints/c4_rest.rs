//! C4 rest between shifts: shift `b` may not follow shift `a` when it is on an explicit
//! "cannot follow" list of `a` (next day), or when the clock times leave less than the minimum
//! rest between the end of `a` and the start of `b` (overnight shifts included). The first
//! days are checked against the last locked shift (its end time and its type).
//!
//! Encoding: `x[e,d,a] + Σ_{b conflicting} x[e,d+k,b] ≤ 1`, the aggregate form, valid when
//! one-shift-per-day (C5) is hard; pairwise rows otherwise. Soft: penalty per conflicting pair.

use serde::Deserialize;

use super::{EvalCtx, LabelFace, Mode, Rule, RuleId, Schedules, Violation};
use crate::domain::{Day, EmployeeIdx, Minute, Problem, ShiftIdx, DAY_MINUTES};
use crate::model::{ModelIr, RowTag};

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Params {
    min_rest_hours: f64,
    use_clock_times: bool,
    use_cannot_follow: bool,
}

/// C4 rest between shifts.
#[derive(Clone, Debug)]
pub struct Rest {
    mode: Mode,
    params: Params,
}

impl Rest {
    /// From the resolved parameters.
    pub fn new(mode: Mode, params: &serde_json::Value) -> serde_json::Result<Self> {
        Ok(Rest {
            mode,
            params: Params::deserialize(params)?,
        })
    }

    fn min_rest(&self, p: &Problem, e: EmployeeIdx) -> Minute {
        p.employees[e.ix()]
            .contract
            .min_rest_minutes
            .map(Minute::from)
            .unwrap_or((self.params.min_rest_hours * 60.0).round() as Minute)
    }

    /// Largest day distance at which two shifts can still conflict.
    fn horizon_k(&self, p: &Problem, e: EmployeeIdx) -> Day {
        let latest_end = p
            .shift_types
            .iter()
            .filter_map(|t| t.interval_on(0).map(|(_, end)| end))
            .max()
            .unwrap_or(0);
        let reach = latest_end + self.min_rest(p, e);
        ((reach + DAY_MINUTES - 1) / DAY_MINUTES).max(1) as Day
    }

    /// Does `b` worked `k ≥ 1` days after `a` break the rest rule for `e`?
    pub fn conflict(&self, p: &Problem, e: EmployeeIdx, a: ShiftIdx, b: ShiftIdx, k: Day) -> bool {
        let ta = &p.shift_types[a.ix()];
        let tb = &p.shift_types[b.ix()];
        if self.params.use_cannot_follow && k == 1 && ta.cannot_follow.contains(&b) {
            return true;
        }
        if self.params.use_clock_times {
            if let (Some((_, end_a)), Some((start_b, _))) = (ta.interval_on(0), tb.interval_on(k)) {
                return start_b - end_a < self.min_rest(p, e);
            }
        }
        false
    }

    /// Does `b` on `day` break the rest after the last locked shift before the horizon?
    fn conflict_with_history(&self, p: &Problem, e: EmployeeIdx, b: ShiftIdx, day: Day) -> bool {
        let h = p.history(e);
        if let Some(last) = h.last_shift {
            if day == 0
                && self.params.use_cannot_follow
                && p.shift_types[last.ix()].cannot_follow.contains(&b)
            {
                return true;
            }
        }
        if self.params.use_clock_times {
            if let (Some(end), Some((start, _))) =
                (h.last_shift_end, p.shift_types[b.ix()].interval_on(day))
            {
                return start - end < self.min_rest(p, e);
            }
        }
        false
    }

    fn shifts_on(m: &ModelIr, e: EmployeeIdx, day: Day) -> Vec<ShiftIdx> {
        let mut v: Vec<ShiftIdx> = m.day_vars(e, day).iter().map(|x| x.shift).collect();
        v.extend(m.fixed(e, day));
        v.sort();
        v.dedup();
        v
    }
}

impl Rule for Rest {
    fn id(&self) -> RuleId {
        RuleId::C4
    }
    fn mode(&self) -> Mode {
        self.mode
    }

    fn label_faces(&self, p: &Problem, e: EmployeeIdx) -> Option<Vec<LabelFace>> {
        if !self.mode.is_hard() {
            return None;
        }
        let kmax = self.horizon_k(p, e);
        let shifts: Vec<ShiftIdx> = (0..p.shift_types.len() as u32).map(ShiftIdx).collect();
        // The labeling remembers one day back: conflicts two or more days apart stay with
        // the MILP (the history's, on the first days, are single-day facts and fine).
        for k in 2..=kmax {
            for &a in &shifts {
                if shifts.iter().any(|&b| self.conflict(p, e, a, b, k)) {
                    return None;
                }
            }
        }
        let mut pairs = Vec::new();
        for &a in &shifts {
            for &b in &shifts {
                if self.conflict(p, e, a, b, 1) {
                    pairs.push((a, b));
                }
            }
        }
        let mut first = Vec::new();
        for day in 0..p.days().min(kmax + 1) {
            for &b in &shifts {
                if self.conflict_with_history(p, e, b, day) {
                    first.push((day, b));
                }
            }
        }
        Some(vec![LabelFace::NotNext(pairs), LabelFace::NotOn(first)])
    }

    fn encode_employee(&self, m: &mut ModelIr, e: EmployeeIdx) {
        let p = m.problem;
        let days = p.days();
        let kmax = self.horizon_k(p, e);
        let aggregate = p.rules.is_hard(RuleId::C5);
        // History: the first days against the last locked shift.
        for day in 0..days.min(kmax + 1) {
            for b in Self::shifts_on(m, e, day) {
                if self.conflict_with_history(p, e, b, day) {
                    let tag = RowTag::emp(RuleId::C4, e, Some(day));
                    let lin = m.shift(e, day, b);
                    m.constrain(tag, lin, f64::NEG_INFINITY, 0.0, self.mode, 1.0);
                }
            }
        }
        for d in 0..days {
            for a in Self::shifts_on(m, e, d) {
                for k in 1..=kmax {
                    if d + k >= days {
                        break;
                    }
                    let later: Vec<ShiftIdx> = Self::shifts_on(m, e, d + k)
                        .into_iter()
                        .filter(|&b| self.conflict(p, e, a, b, k))
                        .collect();
                    if later.is_empty() {
                        continue;
                    }
                    let tag = RowTag::emp(RuleId::C4, e, Some(d));
                    if aggregate {
                        let mut lin = m.shift(e, d, a);
                        for &b in &later {
                            lin.add(&m.shift(e, d + k, b), 1.0);
                        }
                        m.constrain(tag, lin, f64::NEG_INFINITY, 1.0, self.mode, 1.0);
                    } else {
                        for &b in &later {
                            let mut lin = m.shift(e, d, a);
                            lin.add(&m.shift(e, d + k, b), 1.0);
                            m.constrain(tag, lin, f64::NEG_INFINITY, 1.0, self.mode, 1.0);
                        }
                    }
                }
            }
        }
    }

    fn evaluate(&self, cx: &EvalCtx, out: &mut Vec<Violation>) {
        let p = cx.problem;
        let days = p.days();
        for ei in 0..p.employees.len() {
            let e = EmployeeIdx(ei as u32);
            let kmax = self.horizon_k(p, e);
            let code = |t: ShiftIdx| p.shift_types[t.ix()].code.as_str();
            for day in 0..days.min(kmax + 1) {
                for &b in cx.schedules.on(e, day) {
                    if self.conflict_with_history(p, e, b, day) {
                        out.push(cx.violation(
                            RuleId::C4,
                            self.mode,
                            Some(e),
                            None,
                            &[day],
                            1.0,
                            format!(
                                "{} works {} on {} too soon after the last locked shift",
                                p.employees[ei].id,
                                code(b),
                                cx.date(day)
                            ),
                        ));
                    }
                }
            }
            for d in 0..days {
                for &a in cx.schedules.on(e, d) {
                    for k in 1..=kmax {
                        for &b in cx.schedules.on(e, d + k) {
                            if self.conflict(p, e, a, b, k) {
                                out.push(cx.violation(
                                    RuleId::C4,
                                    self.mode,
                                    Some(e),
                                    None,
                                    &[d, d + k],
                                    1.0,
                                    format!(
                                        "{}: {} on {} may not be followed by {} on {}",
                                        p.employees[ei].id,
                                        code(a),
                                        cx.date(d),
                                        code(b),
                                        cx.date(d + k)
                                    ),
                                ));
                            }
                        }
                    }
                }
            }
        }
    }

    fn refusal_is_final(&self) -> bool {
        true // more work never undoes a refusal
    }
    fn admits(&self, p: &Problem, s: &Schedules, e: EmployeeIdx, day: Day, t: ShiftIdx) -> bool {
        if self.conflict_with_history(p, e, t, day) {
            return false;
        }
        let kmax = self.horizon_k(p, e);
        for k in 1..=kmax {
            if s.on(e, day - k)
                .iter()
                .any(|&a| self.conflict(p, e, a, t, k))
            {
                return false;
            }
            if s.on(e, day + k)
                .iter()
                .any(|&b| self.conflict(p, e, t, b, k))
            {
                return false;
            }
        }
        true
    }
}
