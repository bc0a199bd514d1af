//! `greedy_ml` and `balanced_ml`: construction heuristics that are methods of their own and
//! the warm start of the MILP.
//!
//! Slots are filled in priority order (then date, shift, id); each open place goes to the
//! best-scoring employee whom every hard rule admits (`Rule::admits`). `balanced_ml` subtracts
//! `balanceWeight × (shifts so far / mean shifts per employee)` from the score, spreading work.
//! Minimum rules (C3 minimum stretch) cannot be guaranteed while adding work, so a repair pass
//! first tries to lengthen short stretches and otherwise removes them; the result respects
//! every hard rule except, possibly, hard cover (then the method reports no solution).

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

struct State<'a> {
    p: &'a Problem,
    scores: &'a PairScores,
    kind: Construction,
    sched: Schedules,
    on_slot: Vec<Vec<EmployeeIdx>>,
    shifts_of: Vec<u32>,
    mean_load: f64,
    banned: std::collections::BTreeSet<(EmployeeIdx, Day)>,
}

impl State<'_> {
    fn admits(&self, e: EmployeeIdx, s: SlotIdx) -> bool {
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
            .filter(|r| r.mode().is_hard())
            .all(|r| r.admits(p, &self.sched, e, slot.day, slot.shift))
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
        self.sched.shifts[e.ix()][slot.day as usize].push(slot.shift);
        self.on_slot[s.ix()].push(e);
        self.shifts_of[e.ix()] += 1;
    }

    fn remove(&mut self, e: EmployeeIdx, s: SlotIdx) {
        let slot = &self.p.slots[s.ix()];
        let day = &mut self.sched.shifts[e.ix()][slot.day as usize];
        if let Some(i) = day.iter().position(|&t| t == slot.shift) {
            day.remove(i);
        }
        self.on_slot[s.ix()].retain(|&x| x != e);
        self.shifts_of[e.ix()] -= 1;
    }

    fn fill(&mut self, order: &[SlotIdx]) {
        let n = self.p.employees.len() as u32;
        for &s in order {
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

    /// Short working stretches under a hard C3 minimum: `(employee, first day, length)`.
    fn short_stretches(&self) -> Vec<(EmployeeIdx, Day, u32)> {
        let p = self.p;
        let Some(rule) = p.rules.get(RuleId::C3).filter(|r| r.mode().is_hard()) else {
            return Vec::new();
        };
        let mut v = Vec::new();
        let mut found = Vec::new();
        let roster = self.roster();
        let cx = crate::constraints::EvalCtx {
            problem: p,
            roster: &roster,
            schedules: &self.sched,
        };
        rule.evaluate(&cx, &mut found);
        for viol in found {
            let Some(id) = &viol.employee_id else {
                continue;
            };
            let Some(e) = p.employee_by_id(id) else {
                continue;
            };
            let days: Vec<Day> = viol
                .dates
                .iter()
                .filter_map(|d| d.parse().ok().and_then(|d| p.horizon.day_in(d)))
                .collect();
            if let (Some(&first), Some(&last)) = (days.first(), days.last()) {
                v.push((e, first, (last - first + 1) as u32));
            }
        }
        v
    }

    fn repair_min_stretches(&mut self) {
        for _round in 0..3 {
            let short = self.short_stretches();
            if short.is_empty() {
                return;
            }
            for (e, first, len) in short {
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
        let allow_over = p
            .rules
            .resolved
            .get(&RuleId::C1)
            .and_then(|v| v["allowOver"].as_bool())
            .unwrap_or(true);
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
                    .filter(|s| {
                        allow_over
                            || self.on_slot[s.ix()].len() < p.slots[s.ix()].headcount as usize
                    })
                    .collect();
                cands.sort_by_key(|s| {
                    (
                        self.on_slot[s.ix()].len() >= p.slots[s.ix()].headcount as usize,
                        *s,
                    )
                });
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
    };
    let mut order: Vec<SlotIdx> = (0..p.slots.len()).map(|i| SlotIdx(i as u32)).collect();
    order.sort_by_key(|s| {
        let slot = &p.slots[s.ix()];
        (std::cmp::Reverse(slot.priority), slot.day, slot.shift, *s)
    });
    st.fill(&order);
    st.repair_min_stretches();
    st.fill(&order);
    st.repair_min_stretches();
    st.roster()
}
