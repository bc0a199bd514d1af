//! `greedy_ml` and `balanced_ml`: construction heuristics that are methods of their own and
//! the warm start of the MILP.
//!
//! Slots are filled in priority order (then date, shift, id); each open place goes to the
//! best-scoring employee whom every hard rule admits (`Rule::admits`). `balanced_ml` subtracts
//! `balanceWeight × (shifts so far / mean shifts per employee)` from the score, spreading work.
//! Rules that adding work can break (maxima, C10's short breaks, hard C12 off-requests) are
//! kept by `admits`. Minimum rules cannot be guaranteed while adding work, so repair passes
//! follow each fill: hard C8 minimum totals get more shifts, short C3 working stretches are
//! lengthened or else removed, short C10 breaks (only locked shifts can cause them) are filled
//! or widened. The result respects every hard rule except, possibly, hard cover and the minima
//! a repair could not reach, hard C12 on-requests included (then the method reports no solution, and the MILP does not use it
//! as a warm start).

use std::time::Instant;

use crate::constraints::{RuleId, Schedules};
use crate::domain::{Assignment, Day, EmployeeIdx, Method, Problem, Roster, SlotIdx};
use crate::scoring::PairScores;

/// Which construction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Construction {
    /// Best score.
    Greedy,
    /// Best score adjusted by load.
    Balanced,
}

impl Construction {
    /// The method it implements.
    pub fn method(self) -> Method {
        match self {
            Construction::Greedy => Method::GreedyMl,
            Construction::Balanced => Method::BalancedMl,
        }
    }
}

/// A hard rule's violation as the repairs see it.
struct Finding {
    e: EmployeeIdx,
    /// Horizon days concerned.
    days: Vec<Day>,
    aspect: &'static str,
    amount: f64,
}

struct State<'a> {
    p: &'a Problem,
    scores: &'a PairScores,
    kind: Construction,
    sched: Schedules,
    on_slot: Vec<Vec<EmployeeIdx>>,
    shifts_of: Vec<u32>,
    mean_load: f64,
    banned: std::collections::BTreeSet<(EmployeeIdx, Day)>,
    /// When to stop filling and repairing (the roster so far is returned, possibly
    /// breaking minimum rules): construction is quadratic in places, and a warm start must
    /// not eat the solver's time on very large instances.
    deadline: Option<Instant>,
}

impl State<'_> {
    fn out_of_time(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    fn admits(&self, e: EmployeeIdx, s: SlotIdx) -> bool {
        self.admits_except(e, s, None)
    }

    /// [`State::admits`] without one rule's test: for repairs that pass through states that
    /// rule rejects (filling a short stretch of days off one day at a time).
    fn admits_except(&self, e: EmployeeIdx, s: SlotIdx, skip: Option<RuleId>) -> bool {
        let p = self.p;
        let slot = &p.slots[s.ix()];
        if self.banned.contains(&(e, slot.day)) || self.on_slot[s.ix()].contains(&e) {
            return false;
        }
        if !p.rules.allows(p, e, s) {
            return false;
        }
        // One person never fills two slots of the same shift on one day.
        if self.sched.on(e, slot.day).contains(&slot.shift) {
            return false;
        }
        p.rules
            .iter()
            .filter(|r| r.mode().is_hard() && Some(r.id()) != skip)
            .all(|r| r.admits(p, &self.sched, e, slot.day, slot.shift))
    }

    /// Whether cover lets slot `s` take one more person (always, unless it is full and C1
    /// forbids over-cover).
    fn has_room(&self, s: SlotIdx) -> bool {
        let allow_over = self
            .p
            .rules
            .resolved
            .get(&RuleId::C1)
            .and_then(|v| v["allowOver"].as_bool())
            .unwrap_or(true);
        allow_over || !self.is_full(s)
    }

    fn is_full(&self, s: SlotIdx) -> bool {
        self.on_slot[s.ix()].len() >= self.p.slots[s.ix()].headcount as usize
    }

    fn value(&self, e: EmployeeIdx, s: SlotIdx) -> f64 {
        let base = self.scores.get(e, s);
        match self.kind {
            Construction::Greedy => base,
            Construction::Balanced => {
                base - self.p.config.balance_weight * f64::from(self.shifts_of[e.ix()])
                    / self.mean_load
            }
        }
    }

    fn place(&mut self, e: EmployeeIdx, s: SlotIdx) {
        let slot = &self.p.slots[s.ix()];
        self.sched.push(e, slot.day, slot.shift);
        self.on_slot[s.ix()].push(e);
        self.shifts_of[e.ix()] += 1;
    }

    fn remove(&mut self, e: EmployeeIdx, s: SlotIdx) {
        let slot = &self.p.slots[s.ix()];
        self.sched.remove(e, slot.day, slot.shift);
        self.on_slot[s.ix()].retain(|&x| x != e);
        self.shifts_of[e.ix()] -= 1;
    }

    fn fill(&mut self, order: &[SlotIdx]) {
        let n = self.p.employees.len() as u32;
        for &s in order {
            if self.out_of_time() {
                return;
            }
            let need = self.p.slots[s.ix()].headcount as usize;
            while self.on_slot[s.ix()].len() < need {
                let mut best: Option<(f64, EmployeeIdx)> = None;
                for e in (0..n).map(EmployeeIdx) {
                    if !self.admits(e, s) {
                        continue;
                    }
                    let v = self.value(e, s);
                    if best.is_none_or(|(bv, _)| v > bv) {
                        best = Some((v, e));
                    }
                }
                match best {
                    Some((_, e)) => self.place(e, s),
                    None => break,
                }
            }
        }
    }

    /// Slot of `e` on `day`, if placed by the heuristic (not locked).
    fn slot_on(&self, e: EmployeeIdx, day: Day) -> Vec<SlotIdx> {
        (0..self.p.slots.len())
            .map(|i| SlotIdx(i as u32))
            .filter(|s| self.p.slots[s.ix()].day == day && self.on_slot[s.ix()].contains(&e))
            .collect()
    }

    /// What a hard rule finds wrong with the current schedules: one [`Finding`] per violation
    /// that names an employee (none when the rule is off or soft).
    fn findings(&self, id: RuleId) -> Vec<Finding> {
        let p = self.p;
        let Some(rule) = p.rules.get(id).filter(|r| r.mode().is_hard()) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        let roster = self.roster();
        let cx = crate::constraints::EvalCtx {
            problem: p,
            roster: &roster,
            schedules: &self.sched,
        };
        rule.evaluate(&cx, &mut found);
        found
            .into_iter()
            .filter_map(|viol| {
                let e = p.employee_by_id(viol.employee_id.as_deref()?)?;
                let days = viol
                    .dates
                    .iter()
                    .filter_map(|d| d.parse().ok().and_then(|d| p.horizon.day_in(d)))
                    .collect();
                Some(Finding {
                    e,
                    days,
                    aspect: viol.aspect,
                    amount: viol.amount,
                })
            })
            .collect()
    }

    /// Short working stretches under a hard C3 minimum: `(employee, first day, length)`.
    fn short_stretches(&self) -> Vec<(EmployeeIdx, Day, u32)> {
        self.findings(RuleId::C3)
            .into_iter()
            .filter_map(|f| match (f.days.first(), f.days.last()) {
                (Some(&first), Some(&last)) => Some((f.e, first, (last - first + 1) as u32)),
                _ => None,
            })
            .collect()
    }

    fn repair_min_stretches(&mut self) {
        for _round in 0..3 {
            let short = self.short_stretches();
            if short.is_empty() {
                return;
            }
            for (e, first, len) in short {
                if self.out_of_time() {
                    return;
                }
                if !self.try_extend(e, first, len) {
                    for d in first..first + len as Day {
                        for s in self.slot_on(e, d) {
                            self.remove(e, s);
                        }
                        self.banned.insert((e, d));
                    }
                }
            }
        }
        // Last resort: remove every remaining short stretch (removal never creates one).
        for (e, first, len) in self.short_stretches() {
            for d in first..first + len as Day {
                for s in self.slot_on(e, d) {
                    self.remove(e, s);
                }
            }
        }
    }

    /// Lengthen a short stretch by placing `e` on adjacent days (open slots first).
    fn try_extend(&mut self, e: EmployeeIdx, first: Day, len: u32) -> bool {
        let p = self.p;
        let min = p.employees[e.ix()]
            .contract
            .min_consecutive_days
            .unwrap_or_else(|| {
                p.rules.resolved[&RuleId::C3]["minConsecutiveDays"]
                    .as_u64()
                    .unwrap_or(1) as u32
            });
        let mut added = Vec::new();
        let (mut lo, mut hi) = (first, first + len as Day - 1);
        while ((hi - lo + 1) as u32) < min {
            let mut grew = false;
            for day in [hi + 1, lo - 1] {
                if day < 0 || day >= p.days() || self.sched.works(e, day) {
                    continue;
                }
                let mut cands: Vec<SlotIdx> = (0..p.slots.len())
                    .map(|i| SlotIdx(i as u32))
                    .filter(|s| p.slots[s.ix()].day == day && self.admits(e, *s))
                    .filter(|&s| self.has_room(s))
                    .collect();
                cands.sort_by_key(|&s| (self.is_full(s), s));
                if let Some(&s) = cands.first() {
                    self.place(e, s);
                    added.push(s);
                    if day > hi {
                        hi = day;
                    } else {
                        lo = day;
                    }
                    grew = true;
                    break;
                }
            }
            if !grew {
                for s in added {
                    self.remove(e, s);
                }
                return false;
            }
        }
        // Merging into a neighbouring stretch cannot break the maximum: admits() checked it.
        true
    }

    /// The repairs for minimum rules, in an order where later ones undo little of the earlier:
    /// totals add work, stretches extend or remove short working stretches, days off close or
    /// widen short breaks.
    fn repair(&mut self) {
        self.repair_min_totals();
        self.repair_min_stretches();
        self.repair_days_off();
    }

    /// Hard C8 minimum: give each employee short of their minimum total more shifts — open
    /// slots first, then days next to their working stretches, earliest first — as long as
    /// every hard rule admits them.
    fn repair_min_totals(&mut self) {
        let p = self.p;
        let short: Vec<(EmployeeIdx, f64)> = self
            .findings(RuleId::C8)
            .into_iter()
            .filter(|f| f.aspect == "min")
            .map(|f| (f.e, f.amount * 60.0))
            .collect();
        for (e, mut missing) in short {
            while missing > 1e-9 {
                if self.out_of_time() {
                    return;
                }
                let best = (0..p.slots.len() as u32)
                    .map(SlotIdx)
                    .filter(|&s| self.has_room(s) && self.admits(e, s))
                    .min_by_key(|&s| {
                        let day = p.slots[s.ix()].day;
                        let next_to_work =
                            self.sched.works(e, day - 1) || self.sched.works(e, day + 1);
                        (self.is_full(s), !next_to_work, day, s)
                    });
                let Some(s) = best else { break };
                self.place(e, s);
                missing -= f64::from(p.shift_types[p.slots[s.ix()].shift.ix()].duration_minutes);
            }
        }
    }

    /// Hard C10: close each short stretch of days off by working all its days (every other
    /// hard rule admitting), else widen it by removing the working stretch after it (or
    /// before it) when that holds no locked shift. Whatever is left goes to the MILP.
    fn repair_days_off(&mut self) {
        let days = self.p.days();
        for _round in 0..3 {
            let found = self.findings(RuleId::C10);
            if found.is_empty() {
                return;
            }
            for f in found {
                if self.out_of_time() {
                    return;
                }
                let (Some(&first), Some(&last)) = (f.days.first(), f.days.last()) else {
                    continue;
                };
                let e = f.e;
                // Skip a finding an earlier repair of the same employee changed.
                let still = (first..=last).all(|d| !self.sched.works(e, d))
                    && (first == 0 || self.sched.works(e, first - 1))
                    && last + 1 < days
                    && self.sched.works(e, last + 1);
                if !still || self.try_fill_days(e, first..=last) {
                    continue;
                }
                let after: Vec<Day> = (last + 1..days)
                    .take_while(|&d| self.sched.works(e, d))
                    .collect();
                let before: Vec<Day> = (0..first)
                    .rev()
                    .take_while(|&d| self.sched.works(e, d))
                    .collect();
                for stretch in [after, before] {
                    if !stretch.is_empty() && stretch.iter().all(|&d| !self.is_locked(e, d)) {
                        for d in stretch {
                            for s in self.slot_on(e, d) {
                                self.remove(e, s);
                            }
                        }
                        break;
                    }
                }
            }
        }
    }

    /// Place `e` on every day of `range` (open slots first), ignoring C10 on the way; undo
    /// everything and return `false` if some day has no admitted slot.
    fn try_fill_days(&mut self, e: EmployeeIdx, range: std::ops::RangeInclusive<Day>) -> bool {
        let p = self.p;
        let mut added = Vec::new();
        for day in range {
            let best = (0..p.slots.len() as u32)
                .map(SlotIdx)
                .filter(|&s| p.slots[s.ix()].day == day && self.has_room(s))
                .filter(|&s| self.admits_except(e, s, Some(RuleId::C10)))
                .min_by_key(|&s| (self.is_full(s), s));
            match best {
                Some(s) => {
                    self.place(e, s);
                    added.push(s);
                }
                None => {
                    for s in added {
                        self.remove(e, s);
                    }
                    return false;
                }
            }
        }
        true
    }

    /// Whether `e` has a locked shift on `day` (one the heuristic did not place).
    fn is_locked(&self, e: EmployeeIdx, day: Day) -> bool {
        self.sched.on(e, day).len() > self.slot_on(e, day).len()
    }

    fn roster(&self) -> Roster {
        Roster::new(
            self.on_slot
                .iter()
                .enumerate()
                .flat_map(|(s, es)| {
                    es.iter().map(move |&e| Assignment {
                        employee: e,
                        slot: SlotIdx(s as u32),
                    })
                })
                .collect(),
        )
    }
}

/// Build a roster with the given construction.
pub fn construct(p: &Problem, scores: &PairScores, kind: Construction) -> Roster {
    construct_within(p, scores, kind, None)
}

/// [`construct`] that stops filling and repairing at `deadline` and returns the roster so
/// far (the checker then says whether it is usable).
pub fn construct_within(
    p: &Problem,
    scores: &PairScores,
    kind: Construction,
    deadline: Option<Instant>,
) -> Roster {
    let total: u32 = p.slots.iter().map(|s| s.headcount).sum();
    let mut st = State {
        p,
        scores,
        kind,
        sched: Schedules::with_fixed(p),
        on_slot: vec![Vec::new(); p.slots.len()],
        shifts_of: vec![0; p.employees.len()],
        mean_load: (f64::from(total) / p.employees.len().max(1) as f64).max(1.0),
        banned: Default::default(),
        deadline,
    };
    let mut order: Vec<SlotIdx> = (0..p.slots.len()).map(|i| SlotIdx(i as u32)).collect();
    order.sort_by_key(|s| {
        let slot = &p.slots[s.ix()];
        (std::cmp::Reverse(slot.priority), slot.day, slot.shift, *s)
    });
    st.fill(&order);
    st.repair();
    st.fill(&order);
    st.repair();
    st.roster()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FixedAssignment;
    use crate::scoring::FallbackScorer;
    use serde_json::json;

    fn build(req: serde_json::Value) -> Problem {
        crate::input::request_from_value(&req).expect("valid")
    }

    fn constructed(p: &Problem, kind: Construction) -> crate::check::CheckReport {
        let scores = PairScores::compute(p, &FallbackScorer);
        let roster = construct(p, &scores, kind);
        crate::check::check(p, &roster, &FallbackScorer)
    }

    /// Hard C8 minimum: the fill gives every D shift to the best-scoring employee; the repair
    /// gives the other one enough shifts (over-cover is allowed) to reach 16 h.
    #[test]
    fn repair_reaches_minimum_totals() {
        let mut req = crate::testkit::request(2, 5, 1);
        req["demandItems"] = json!([{"demandId": "day", "shiftCode": "D", "headcount": 1}]);
        for e in req["employees"].as_array_mut().unwrap() {
            e["contract"] = json!({"minTotalHours": 16});
        }
        let p = build(req);
        for kind in [Construction::Greedy, Construction::Balanced] {
            let report = constructed(&p, kind);
            assert!(report.feasible, "{kind:?}: {:#?}", report.hard_violations);
        }
    }

    fn with_locked(
        days: u32,
        min_off: u32,
        locked: &[Day],
        employee: serde_json::Value,
    ) -> Problem {
        let mut extra = employee;
        extra["contract"] = json!({"minConsecutiveDaysOff": min_off});
        let mut p = crate::testkit::rule_problem(
            days,
            extra,
            json!([{"id": "C1", "hard": false}, {"id": "C5"}, {"id": "C7"}, {"id": "C10"}]),
        );
        let d = p.shift_by_code("D").unwrap();
        for &day in locked {
            p.locked.fixed.push(FixedAssignment {
                employee: EmployeeIdx(0),
                day,
                shift: d,
                slot: None,
            });
        }
        p
    }

    /// Hard C10: locked shifts on days 0 and 3 leave a 2-day break (min 3). The fill cannot
    /// work day 1 or 2 alone (each leaves a 1-day break); the repair works both.
    #[test]
    fn repair_closes_short_breaks_left_by_locked_shifts() {
        let p = with_locked(6, 3, &[0, 3], json!({}));
        let report = constructed(&p, Construction::Greedy);
        assert!(report.feasible, "{:#?}", report.hard_violations);
    }

    /// A deadline already passed stops construction before the first slot; without one the
    /// same request is filled.
    #[test]
    fn deadline_stops_construction() {
        let p = crate::testkit::tiny_problem();
        let scores = PairScores::compute(&p, &FallbackScorer);
        let full = construct_within(&p, &scores, Construction::Greedy, None);
        assert!(!full.assignments.is_empty());
        let late = construct_within(&p, &scores, Construction::Greedy, Some(Instant::now()));
        assert!(late.assignments.is_empty());
    }

    /// Hard C10, the fallback: the break cannot be worked (leave on day 1), so the repair
    /// widens it by removing the heuristic's working stretch after it.
    #[test]
    fn repair_widens_breaks_it_cannot_close() {
        let p = with_locked(6, 2, &[0], json!({"unavailableDates": ["2025-12-02"]}));
        let scores = PairScores::compute(&p, &FallbackScorer);
        let mut st = State {
            p: &p,
            scores: &scores,
            kind: Construction::Greedy,
            sched: Schedules::with_fixed(&p),
            on_slot: vec![Vec::new(); p.slots.len()],
            shifts_of: vec![0; 1],
            mean_load: 1.0,
            banned: Default::default(),
            deadline: None,
        };
        let e = EmployeeIdx(0);
        for day in [2, 3] {
            let s = (0..p.slots.len() as u32)
                .map(SlotIdx)
                .find(|s| p.slots[s.ix()].day == day)
                .unwrap();
            st.place(e, s);
        }
        assert_eq!(st.findings(RuleId::C10).len(), 1);
        st.repair_days_off();
        assert!(st.findings(RuleId::C10).is_empty());
        assert!(!st.sched.works(e, 2) && !st.sched.works(e, 3) && st.sched.works(e, 0));
    }
}
