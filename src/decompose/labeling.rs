//! Exact pricing by labeling: a dynamic program over one employee's days (a resource
//! constrained shortest path with one label per distinct state), for the rule shapes of
//! [`LabelFace`].
//!
//! Why: the one-employee pricing MILP costs HiGHS 50–80 ms however small it is, and pricing
//! is 99 % of column generation (Curtois Instance4: 27.5 s of 27.6 s). The rules of a rostering
//! contract are sequences and budgets over days, which a forward pass over the days with a
//! small state (the last shift, the current run, the open budgets and weekend counts) prices
//! exactly in a few milliseconds, and in parallel (no solver state is shared).
//!
//! Exactness: a label is a partial schedule up to a day; two labels with the same state have
//! the same feasible completions, so the cheaper one is kept (ties: the first, which keeps the
//! pass deterministic). Labels are dropped only when a hard rule is already broken, when a
//! budget's minimum can no longer be reached, or when even the cheapest completion cannot
//! reach the cutoff — so every schedule under the cutoff survives, and the cheapest one found
//! is the least reduced cost. Which rules it covers is each rule's own declaration
//! ([`crate::constraints::Rule::label_faces`]); anything else stays with the MILP pricer.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use indexmap::IndexMap;

use crate::constraints::{LabelFace, RuleId, Scope};
use crate::domain::{Day, EmployeeIdx, Problem, ShiftIdx, SlotIdx};
use crate::model::{ColKind, ModelIr};

/// Whether the labeling pricer covers every employee's rules in `p` (one shift a day hard,
/// and a labeling face for every active per-employee rule): then pricing needs no MILP.
pub fn covers(p: &Problem) -> bool {
    (0..p.employees.len() as u32)
        .map(EmployeeIdx)
        .all(|e| faces(p, e).is_some())
}

/// Every labeling face of `e`'s active per-employee rules, or `None` when one shift a day is
/// not hard or some rule has no exact face.
fn faces(p: &Problem, e: EmployeeIdx) -> Option<Vec<LabelFace>> {
    if !p.rules.is_hard(RuleId::C5) {
        return None;
    }
    let mut faces = Vec::new();
    for rule in p.rules.iter() {
        if rule.scope() == Scope::PerEmployee {
            faces.extend(rule.label_faces(p, e)?);
        }
    }
    Some(faces)
}

/// Labels one day may hold before the labeling gives up and the MILP prices instead.
pub const LABEL_LIMIT: usize = 400_000;

/// One decision on a day: work a shift through one of its `x` columns.
#[derive(Clone, Debug)]
struct DayOption {
    shift: ShiftIdx,
    /// `(x column, slot)` of each column of this shift on the day.
    cols: Vec<(usize, SlotIdx)>,
}

/// A budget face compiled over the horizon days.
#[derive(Clone, Debug)]
struct Budget {
    counts: Vec<bool>,
    last: Day,
    weight: Vec<i64>,
    constant: i64,
    min: Option<i64>,
    max: Option<i64>,
    /// `max_after[d]`: the most the days after `d` can still add.
    max_after: Vec<i64>,
}

/// A day-group count compiled over the horizon days.
#[derive(Clone, Debug)]
struct Groups {
    /// Group of each day, if any.
    group_of: Vec<Option<usize>>,
    /// Last day of each group.
    last_of: Vec<Day>,
    constant: i64,
    max: i64,
}

/// The labeling pricer of one employee.
#[derive(Debug)]
pub struct Labeler {
    days: usize,
    options: Vec<Vec<DayOption>>,
    fixed: Vec<Option<ShiftIdx>>,
    max_runs: Vec<(u32, u32)>,
    min_runs: Vec<(bool, u32, bool, u32)>,
    /// `not_next[a][b]`, empty when no face forbids a succession.
    not_next: Vec<Vec<bool>>,
    /// `not_on[d][t]`.
    not_on: Vec<Vec<bool>>,
    budgets: Vec<Budget>,
    groups: Vec<Groups>,
    /// Run lengths at or above this are all alike for every face.
    run_cap: i32,
    /// Shift types in the problem.
    shifts: usize,
    /// Cost of the objective's constant column (and its index), if the model has one.
    offset: Option<(usize, f64)>,
    /// Relaxable resources (bit `i`: budget `i`, bit `budgets + j`: day group `j`) that
    /// an exact pass has needed so far: later passes track them from the start.
    needed: AtomicU64,
}

/// A schedule the labeling found: its `x` columns and its cost under the priced costs.
#[derive(Clone, Debug, PartialEq)]
pub struct Labeled {
    /// `x` columns (indices into the pricing model), in day order.
    pub cols: Vec<usize>,
    /// Slots of those columns, sorted.
    pub slots: Vec<SlotIdx>,
    /// Σ priced column costs + the objective constant.
    pub cost: f64,
}

/// What one labeling pass says.
#[derive(Clone, Debug, PartialEq)]
pub enum LabelOutcome {
    /// The cheapest schedules under the cutoff, cheapest first (at most the number asked).
    Found(Vec<Labeled>),
    /// No schedule costs less than the cutoff.
    NoneBelow,
    /// A day held more than [`LABEL_LIMIT`] labels: not decided.
    TooLarge,
    /// The query's deadline passed before the pass ended: not decided.
    OutOfTime,
}

/// One pricing question to the labeling.
#[derive(Clone, Copy, Debug)]
pub struct Query<'a> {
    /// Priced cost of every column of the pricing model (∞: the column is never used); a
    /// schedule costs the sum over its `x` columns plus the objective constant.
    pub cost: &'a [f64],
    /// `force[d]`, when given: the column day `d` must use.
    pub force: &'a [Option<usize>],
    /// `must_work[d]`, when given and `true`: no day off on `d`.
    pub must_work: &'a [bool],
    /// Only schedules cheaper than this.
    pub cutoff: f64,
    /// At most this many schedules.
    pub keep: usize,
    /// When given: the pass gives up ([`LabelOutcome::OutOfTime`]) once this has passed
    /// (checked day by day), so that one large pricing cannot overrun the solve's limit.
    pub deadline: Option<Instant>,
}

/// What a query's costs say about the days, shared by the passes of one pricing: the
/// cheapest column of every option, the least the days from `d` on can add, and the
/// budgets' completion bounds.
struct DayBounds {
    best: Vec<Vec<Cheapest>>,
    least_after: Vec<f64>,
    completions: Vec<Completion>,
}

/// Which labels a pass keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dominance {
    /// Pareto dominance: every schedule under the cutoff survives, so the cheapest one found
    /// is the least reduced cost.
    Exact,
    /// One label per state with its monotone components ignored (the cheapest): every
    /// schedule found keeps every face, but a cheaper one may be lost. Fast columns while
    /// column generation is far from converged; only an exact pass proves that none is left.
    Heuristic,
}

#[derive(Clone, Copy, Debug)]
struct Label {
    cost: f64,
    parent: u32,
    /// Index of the option taken (`u16::MAX`: off; `u16::MAX - 1`: the locked shift).
    choice: u16,
}

/// One day's labels in creation order, grouped by their states' non-monotone components so
/// that a dominated label is dropped (or never kept).
///
/// States are stored flat (`width` components each) and groups are found by a hash of the
/// key without allocating it: the labeling inserts millions of labels per pricing round on
/// the large Curtois instances, and a `Vec` per state with SipHash per lookup was a third of
/// the pricing time (perf, Curtois 13).
struct Layer {
    width: usize,
    /// `width` components per label.
    states: Vec<i32>,
    labels: Vec<Label>,
    alive: Vec<bool>,
    /// Labels (indices) by the state with its monotone components zeroed.
    groups: IndexMap<Box<[i32]>, Vec<u32>, rustc_hash::FxBuildHasher>,
    /// Live labels.
    live: usize,
    /// Scratch: the key of the state being inserted.
    key: Vec<i32>,
}

impl Layer {
    fn new(width: usize) -> Self {
        Layer {
            width,
            states: Vec::new(),
            labels: Vec::new(),
            alive: Vec::new(),
            groups: IndexMap::default(),
            live: 0,
            key: Vec::with_capacity(width),
        }
    }

    fn state(&self, i: usize) -> &[i32] {
        &self.states[i * self.width..(i + 1) * self.width]
    }

    /// Keep `label` at `state` unless a label of the same group dominates it; drop the labels
    /// it dominates.
    fn insert(&mut self, state: &[i32], label: Label, mono: &[usize], dominance: Dominance) {
        let by_cost_only = dominance == Dominance::Heuristic;
        let dominates = |a: &[i32], ca: f64, b: &[i32], cb: f64| {
            ca <= cb && (by_cost_only || mono.iter().all(|&k| a[k] <= b[k]))
        };
        self.key.clear();
        self.key.extend_from_slice(state);
        for &k in mono {
            self.key[k] = 0;
        }
        let width = self.width;
        let Layer {
            states,
            labels,
            alive,
            groups,
            live,
            key,
            ..
        } = self;
        let at = |i: u32| &states[i as usize * width..(i as usize + 1) * width];
        let list = match groups.get_index_of(key.as_slice()) {
            Some(g) => &mut groups[g],
            None => groups.entry(key.as_slice().into()).or_default(),
        };
        if list
            .iter()
            .any(|&i| dominates(at(i), labels[i as usize].cost, state, label.cost))
        {
            return;
        }
        list.retain(|&i| {
            if dominates(state, label.cost, at(i), labels[i as usize].cost) {
                alive[i as usize] = false;
                *live -= 1;
                false
            } else {
                true
            }
        });
        list.push(labels.len() as u32);
        states.extend_from_slice(state);
        labels.push(label);
        alive.push(true);
        *live += 1;
    }
}

/// A budget's completion bound for one pricing pass (see [`Labeler::budget_completions`]).
struct Completion {
    /// State component of the budget's amount.
    component: usize,
    /// Last day the budget counts.
    last: usize,
    constant: i64,
    min: Option<i64>,
    max: Option<i64>,
    /// Least and most a worked counted day adds.
    w_lo: i64,
    w_hi: i64,
    stride: usize,
    least: Vec<f64>,
}

impl Completion {
    /// The least the days after `d` can add to a label of `state` (which has taken day `d`)
    /// while its amount still reaches the budget's minimum and keeps its maximum.
    fn least(&self, state: &[i32], d: usize) -> f64 {
        if d >= self.last {
            return f64::NEG_INFINITY; // closed: the amount no longer limits anything
        }
        let days_left = self.stride - 1 - (d + 1);
        let total = self.constant + i64::from(state[self.component]);
        let need = self.min.map_or(0, |m| (m - total).max(0));
        let k_lo = match need {
            0 => 0,
            _ if self.w_hi <= 0 => return f64::INFINITY,
            n => (n + self.w_hi - 1) / self.w_hi,
        } as usize;
        let k_hi = match self.max {
            Some(m) if self.w_lo > 0 => (((m - total).max(0)) / self.w_lo) as usize,
            _ => days_left,
        }
        .min(days_left);
        let row = &self.least[(d + 1) * self.stride..];
        (k_lo..=k_hi).map(|k| row[k]).fold(f64::INFINITY, f64::min)
    }
}

/// A schedule of one pass, with its shift (or none) on each day.
type PathFound = (Labeled, Vec<Option<ShiftIdx>>);

/// The column a worked shift uses on a day: `(x column, priced cost, slot)`.
type Cheapest = (usize, f64, SlotIdx);

const OFF: u16 = u16::MAX;
const LOCKED: u16 = u16::MAX - 1;

/// State slots before the budgets: last shift + 1 (0: off, −1: before day 0), run length,
/// run started on day 0.
const HEAD: usize = 3;

impl Labeler {
    /// The labeler of `e` over its pricing model `ir`, or `None` when some active rule has no
    /// exact face or the model holds penalised slack (soft rows), which labels do not track.
    pub fn new(p: &Problem, e: EmployeeIdx, ir: &ModelIr) -> Option<Labeler> {
        let faces = faces(p, e)?;
        let mut offset = None;
        for (i, c) in ir.cols.iter().enumerate() {
            match c.kind {
                ColKind::Assign(_) => {}
                ColKind::Offset => offset = Some((i, c.cost)),
                ColKind::Aux(_) if c.cost == 0.0 => {}
                _ => return None,
            }
        }
        let days = p.days();
        let n_shifts = p.shift_types.len();
        let mut options: Vec<Vec<DayOption>> = vec![Vec::new(); days as usize];
        for (i, c) in ir.cols.iter().enumerate() {
            if let ColKind::Assign(a) = c.kind {
                if c.hi < 0.5 {
                    continue;
                }
                let slot = &p.slots[a.slot.ix()];
                let day = &mut options[slot.day as usize];
                match day.iter_mut().find(|o| o.shift == slot.shift) {
                    Some(o) => o.cols.push((i, a.slot)),
                    None => day.push(DayOption {
                        shift: slot.shift,
                        cols: vec![(i, a.slot)],
                    }),
                }
            }
        }
        for day in &mut options {
            day.sort_by_key(|o| o.shift);
        }
        let fixed_map = p.fixed_shifts();
        let mut fixed: Vec<Option<ShiftIdx>> = vec![None; days as usize];
        for (&d, shifts) in &fixed_map[e.ix()] {
            match shifts.as_slice() {
                [] => {}
                // One shift a day: two locked ones break C5 (a broken constant), not ours.
                [t] if (0..days).contains(&d) => fixed[d as usize] = Some(*t),
                _ => return None,
            }
        }
        let mut out = Labeler {
            days: days as usize,
            options,
            fixed,
            max_runs: Vec::new(),
            min_runs: Vec::new(),
            not_next: Vec::new(),
            not_on: vec![vec![false; n_shifts]; days as usize],
            budgets: Vec::new(),
            groups: Vec::new(),
            run_cap: 1,
            shifts: n_shifts,
            offset,
            needed: AtomicU64::new(0),
        };
        for face in faces {
            out.compile(face, n_shifts);
        }
        Some(out)
    }

    fn compile(&mut self, face: LabelFace, n_shifts: usize) {
        let days = self.days;
        match face {
            LabelFace::MaxRun { max, prefix } => {
                self.run_cap = self.run_cap.max(max as i32 + 1);
                self.max_runs.push((max, prefix));
            }
            LabelFace::MinRun {
                worked,
                min,
                judged_at_start,
                prefix,
            } => {
                if min > 1 {
                    self.run_cap = self.run_cap.max(min as i32);
                    self.min_runs.push((worked, min, judged_at_start, prefix));
                }
            }
            LabelFace::NotNext(pairs) => {
                if self.not_next.is_empty() {
                    self.not_next = vec![vec![false; n_shifts]; n_shifts];
                }
                for (a, b) in pairs {
                    self.not_next[a.ix()][b.ix()] = true;
                }
            }
            LabelFace::NotOn(list) => {
                for (d, t) in list {
                    if (0..days as Day).contains(&d) {
                        self.not_on[d as usize][t.ix()] = true;
                    }
                }
            }
            LabelFace::Budget {
                days: list,
                weight,
                constant,
                min,
                max,
            } => {
                let mut counts = vec![false; days];
                for &d in &list {
                    if (0..days as Day).contains(&d) {
                        counts[d as usize] = true;
                    }
                }
                let Some(last) = (0..days).rev().find(|&d| counts[d]) else {
                    return; // no day counts: a constant (broken constants are caught earlier)
                };
                // A shift that alone breaks a maximum (of weights that only add) is never
                // worked on the budget's days: a forbidden shift there, not a resource.
                // Curtois contracts say "at most 0 of shift d3" this way, and as a budget
                // it kept d3 apart from d1 and d2 (see `shift_classes`).
                let mut weight = weight;
                if let (Some(m), None) = (max, min) {
                    if constant >= 0 && weight.iter().all(|&w| w >= 0) {
                        for (t, w) in weight.iter_mut().enumerate() {
                            if *w > 0 && constant + *w > m {
                                for d in (0..days).filter(|&d| counts[d]) {
                                    self.not_on[d][t] = true;
                                }
                                *w = 0;
                            }
                        }
                    }
                }
                let mut max_after = vec![0i64; days + 1];
                for d in (0..days).rev() {
                    let here = if !counts[d] {
                        0
                    } else if let Some(t) = self.fixed[d] {
                        weight[t.ix()]
                    } else {
                        self.options[d]
                            .iter()
                            .map(|o| weight[o.shift.ix()])
                            .max()
                            .unwrap_or(0)
                            .max(0)
                    };
                    max_after[d] = max_after[d + 1] + here;
                }
                // Bounds the days cannot reach are no constraint, and a budget without one
                // need not be tracked (fewer states, and more of them comparable).
                let max = max.filter(|&m| constant + max_after[0] > m);
                let min = min.filter(|&m| constant < m);
                if min.is_none() && max.is_none() {
                    return;
                }
                self.budgets.push(Budget {
                    counts,
                    last: last as Day,
                    weight,
                    constant,
                    min,
                    max,
                    max_after,
                });
            }
            LabelFace::Groups {
                groups,
                constant,
                max,
            } => {
                let mut group_of = vec![None; days];
                let mut last_of = Vec::new();
                for g in groups {
                    let inside: Vec<Day> = g
                        .into_iter()
                        .filter(|&d| (0..days as Day).contains(&d))
                        .collect();
                    let Some(&last) = inside.last() else { continue };
                    for &d in &inside {
                        group_of[d as usize] = Some(last_of.len());
                    }
                    last_of.push(last);
                }
                if i64::from(constant) + last_of.len() as i64 <= i64::from(max) {
                    return; // even working every group keeps the limit
                }
                self.groups.push(Groups {
                    group_of,
                    last_of,
                    constant: i64::from(constant),
                    max: i64::from(max),
                });
            }
        }
    }

    /// Length of a state vector.
    fn width(&self) -> usize {
        HEAD + self.budgets.len() + 2 * self.groups.len()
    }

    /// The cheapest schedules of `q` (see [`Query`]), cheapest first. Only
    /// [`Dominance::Exact`] proves that no schedule below the cutoff is missing.
    ///
    /// The exact pass relaxes state space decrementally: the budgets with only a maximum and
    /// the day-group counts — the components that make Pareto fronts wide — are left out of
    /// the state until the cheapest schedule found breaks one; that one is tracked and the
    /// pass repeated. A relaxation's cheapest schedule that keeps every face is the true
    /// cheapest, and a relaxation with nothing below the cutoff proves there is nothing.
    /// Which resources an employee needed is remembered for the next pricing.
    pub fn price(&self, q: &Query, dominance: Dominance) -> LabelOutcome {
        let all = self.relaxable();
        let mut relaxed = match dominance {
            Dominance::Exact => all & !self.needed.load(Ordering::Relaxed),
            Dominance::Heuristic => 0,
        };
        // What the costs say about the days does not depend on what is relaxed.
        let bounds = self.day_bounds(q);
        loop {
            let found = match self.pass(q, &bounds, dominance, relaxed) {
                Ok(found) => found,
                Err(outcome) => return outcome,
            };
            let broken = self.broken(&found[0].1, relaxed);
            if broken == 0 {
                let found: Vec<Labeled> = found
                    .into_iter()
                    .filter(|(_, shifts)| self.broken(shifts, relaxed) == 0)
                    .map(|(l, _)| l)
                    .collect();
                return LabelOutcome::Found(found);
            }
            relaxed &= !broken;
            self.needed.fetch_or(broken, Ordering::Relaxed);
        }
    }

    /// Bits of the resources [`Self::price`] may relax: budgets with a maximum only and day
    /// groups (at most 64; any further ones are always tracked).
    fn relaxable(&self) -> u64 {
        let mut bits = 0u64;
        for (i, b) in self.budgets.iter().enumerate() {
            if b.min.is_none() && i < 64 {
                bits |= 1 << i;
            }
        }
        for j in 0..self.groups.len() {
            let i = self.budgets.len() + j;
            if i < 64 {
                bits |= 1 << i;
            }
        }
        bits
    }

    /// The resources among `relaxed` that the day-by-day choices `shifts` break.
    fn broken(&self, shifts: &[Option<ShiftIdx>], relaxed: u64) -> u64 {
        let mut out = 0;
        let mut rest = relaxed;
        while rest != 0 {
            let bit = rest & rest.wrapping_neg();
            rest &= !bit;
            let mut s = vec![0i32; self.width()];
            s[0] = -1;
            let keeps = shifts
                .iter()
                .enumerate()
                .all(|(d, &t)| self.step(&mut s, d, t, relaxed & !bit));
            if !keeps {
                out |= bit;
            }
        }
        out
    }

    /// The cheapest option per day under `q`'s costs, and the completion bounds.
    fn day_bounds(&self, q: &Query) -> DayBounds {
        let Query {
            cost,
            force,
            must_work,
            ..
        } = *q;
        let days = self.days;
        // Cheapest option per (day, option): the column used if the shift is worked.
        let best: Vec<Vec<Cheapest>> = self
            .options
            .iter()
            .map(|day| {
                day.iter()
                    .map(|o| {
                        let mut it = o.cols.iter().map(|&(c, slot)| (c, cost[c], slot));
                        let first = it.next().expect("an option has a column");
                        it.fold(first, |acc, x| if x.1 < acc.1 { x } else { acc })
                    })
                    .collect()
            })
            .collect();
        // Per day: the least cost of working it (∞: it cannot be worked) and whether it may
        // be off.
        let work_least: Vec<f64> = (0..days)
            .map(|d| {
                if self.fixed[d].is_some() {
                    0.0
                } else if let Some(Some(c)) = force.get(d) {
                    cost[*c]
                } else {
                    best[d].iter().map(|b| b.1).fold(f64::INFINITY, f64::min)
                }
            })
            .collect();
        let may_rest: Vec<bool> = (0..days)
            .map(|d| {
                self.fixed[d].is_none()
                    && force.get(d).copied().flatten().is_none()
                    && !must_work.get(d).copied().unwrap_or(false)
            })
            .collect();
        // The least any days from `d` on can add: the completion bound.
        let mut least_after = vec![0.0f64; days + 1];
        for d in (0..days).rev() {
            let here = match may_rest[d] {
                true => work_least[d].min(0.0),
                false => work_least[d],
            };
            least_after[d] = least_after[d + 1] + here;
        }
        let completions = self.budget_completions(&work_least, &may_rest);
        DayBounds {
            best,
            least_after,
            completions,
        }
    }

    /// One labeling pass with the resources in `relaxed` left out of the state: the
    /// cheapest schedules below the cutoff with their day-by-day shifts (cheapest first, at
    /// most `keep`), or the outcome when there is none.
    fn pass(
        &self,
        q: &Query,
        bounds: &DayBounds,
        dominance: Dominance,
        relaxed: u64,
    ) -> Result<Vec<PathFound>, LabelOutcome> {
        let Query {
            force,
            must_work,
            cutoff,
            keep,
            deadline,
            ..
        } = *q;
        let DayBounds {
            best,
            least_after,
            completions,
        } = bounds;
        let days = self.days;
        let offset = self.offset.map_or(0.0, |(_, c)| c);
        let width = self.width();
        let mut start = vec![0i32; width];
        start[0] = -1;
        let mono = self.monotone_components();
        let mut layer = Layer::new(width);
        layer.insert(
            &start,
            Label {
                cost: offset,
                parent: 0,
                choice: OFF,
            },
            &mono,
            dominance,
        );
        let mut layers: Vec<Vec<Label>> = Vec::with_capacity(days);
        let mut next_state = vec![0i32; width];
        let class = self.shift_classes(relaxed);
        for d in 0..days {
            let mut next = Layer::new(width);
            let forced = force.get(d).copied().flatten();
            let choices: Vec<(u16, Option<ShiftIdx>, f64)> = match (self.fixed[d], forced) {
                (Some(t), _) => vec![(LOCKED, Some(t), 0.0)],
                (None, Some(c)) => self.options[d]
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| o.cols.iter().any(|&(x, _)| x == c))
                    .map(|(i, o)| (i as u16, Some(o.shift), best[d][i].1))
                    .collect(),
                (None, None) if must_work.get(d).copied().unwrap_or(false) => {
                    self.class_choices(d, &best[d], &class)
                }
                (None, None) => std::iter::once((OFF, None, 0.0))
                    .chain(self.class_choices(d, &best[d], &class))
                    .collect(),
            };
            for li in 0..layer.labels.len() {
                if !layer.alive[li] {
                    continue;
                }
                let (state, label) = (layer.state(li), layer.labels[li]);
                for &(choice, shift, c) in &choices {
                    let cost = label.cost + c;
                    if cost + least_after[d + 1] >= cutoff {
                        continue;
                    }
                    next_state.copy_from_slice(state);
                    if !self.step(&mut next_state, d, shift, relaxed) {
                        continue;
                    }
                    // The state holds the shift's class: its members have the same futures.
                    if let Some(t) = shift {
                        next_state[0] = i32::from(class[t.ix()]) + 1;
                    }
                    if completions
                        .iter()
                        .any(|b| cost + b.least(&next_state, d) >= cutoff)
                    {
                        continue;
                    }
                    let new = Label {
                        cost,
                        parent: li as u32,
                        choice,
                    };
                    next.insert(&next_state, new, &mono, dominance);
                }
            }
            if next.live > LABEL_LIMIT {
                return Err(LabelOutcome::TooLarge);
            }
            if deadline.is_some_and(|t| Instant::now() >= t) {
                return Err(LabelOutcome::OutOfTime);
            }
            layers.push(std::mem::take(&mut layer.labels));
            layer = next;
            if layer.live == 0 {
                return Err(LabelOutcome::NoneBelow);
            }
        }
        let mut finals: Vec<(usize, Label)> = layer
            .labels
            .iter()
            .enumerate()
            .filter(|&(i, _)| layer.alive[i])
            .map(|(i, &l)| (i, l))
            .collect();
        finals.sort_by(|a, b| a.1.cost.total_cmp(&b.1.cost).then(a.0.cmp(&b.0)));
        let found: Vec<PathFound> = finals
            .into_iter()
            .take(keep)
            .map(|(_, label)| self.path(&layers, label, best))
            .collect();
        if found.is_empty() {
            Err(LabelOutcome::NoneBelow)
        } else {
            Ok(found)
        }
    }

    /// Each shift's class (its least equivalent shift) for a pass with the resources in
    /// `relaxed` left out: shifts that no face of the pass tells apart — the same successions
    /// forbidden before and after them, the same weight in every budget tracked — have the
    /// same feasible completions from any state. A pass keeps one label per class and, on
    /// each day, only the cheapest shift of a class.
    ///
    /// Why: contracts often list several shifts of one kind (Curtois 12: three early, three
    /// day and three late shifts of 8 h; 13: 18 shifts in 12 classes), and without classes
    /// every one of them multiplied both the labels and the choices per label.
    fn shift_classes(&self, relaxed: u64) -> Vec<u16> {
        let n = self.shifts;
        let skip = |i: usize| i < 64 && relaxed & (1 << i) != 0;
        let alike = |a: usize, b: usize| {
            let succession = self.not_next.is_empty()
                || (0..n).all(|x| {
                    self.not_next[a][x] == self.not_next[b][x]
                        && self.not_next[x][a] == self.not_next[x][b]
                });
            succession
                && self
                    .budgets
                    .iter()
                    .enumerate()
                    .all(|(i, bu)| skip(i) || bu.weight[a] == bu.weight[b])
        };
        let mut class: Vec<u16> = Vec::with_capacity(n);
        for t in 0..n {
            let rep = (0..t).find(|&u| class[u] as usize == u && alike(u, t));
            class.push(rep.unwrap_or(t) as u16);
        }
        class
    }

    /// Day `d`'s worked choices, one per shift class: the cheapest option of the class
    /// (`best` holds each option's cheapest column; ties: the first) among the shifts that
    /// may be worked that day.
    fn class_choices(
        &self,
        d: usize,
        best: &[Cheapest],
        class: &[u16],
    ) -> Vec<(u16, Option<ShiftIdx>, f64)> {
        let mut chosen: Vec<(u16, Option<ShiftIdx>, f64)> = Vec::new();
        let mut of_class: Vec<Option<usize>> = vec![None; self.shifts];
        for (i, o) in self.options[d].iter().enumerate() {
            if self.not_on[d][o.shift.ix()] {
                continue;
            }
            let k = class[o.shift.ix()] as usize;
            let cost = best[i].1;
            match of_class[k] {
                Some(j) if chosen[j].2 <= cost => {}
                Some(j) => chosen[j] = (i as u16, Some(o.shift), cost),
                None => {
                    of_class[k] = Some(chosen.len());
                    chosen.push((i as u16, Some(o.shift), cost));
                }
            }
        }
        chosen
    }

    /// A completion bound per budget that limits how many of its days are still worked
    /// (a minimum, or a maximum over shifts that all weigh something): the cheapest way to
    /// work `k` of the days left, for every `k`, by a small dynamic program over the day
    /// costs alone (every other face relaxed). Near convergence the cutoff is close to the
    /// least reduced cost, and a total-hours budget is what keeps a label from simply
    /// taking every cheap day that follows.
    fn budget_completions(&self, work_least: &[f64], may_rest: &[bool]) -> Vec<Completion> {
        let days = self.days;
        let mut out = Vec::new();
        for (i, b) in self.budgets.iter().enumerate() {
            let mut weights = (0..days).filter(|&d| b.counts[d]).flat_map(|d| {
                let shifts: Vec<ShiftIdx> = match self.fixed[d] {
                    Some(t) => vec![t],
                    None => self.options[d].iter().map(|o| o.shift).collect(),
                };
                shifts.into_iter().map(|t| b.weight[t.ix()])
            });
            let Some(first) = weights.next() else {
                continue;
            };
            let (w_lo, w_hi) = weights.fold((first, first), |(lo, hi), w| (lo.min(w), hi.max(w)));
            let limits_min = b.min.is_some() && w_hi > 0;
            let limits_max = b.max.is_some() && w_lo > 0;
            if w_lo < 0 || !(limits_min || limits_max) {
                continue;
            }
            // least[d * stride + k]: the cheapest days d.. with exactly k counted days worked.
            let stride = days + 1;
            let mut least = vec![f64::INFINITY; (days + 1) * stride];
            least[days * stride] = 0.0;
            for d in (0..days).rev() {
                for k in 0..=(days - d) {
                    let next = least[(d + 1) * stride + k];
                    let here = if b.counts[d] {
                        let work = match k {
                            0 => f64::INFINITY,
                            _ => least[(d + 1) * stride + k - 1] + work_least[d],
                        };
                        let rest = if may_rest[d] { next } else { f64::INFINITY };
                        rest.min(work)
                    } else if may_rest[d] {
                        next + work_least[d].min(0.0)
                    } else {
                        next + work_least[d]
                    };
                    least[d * stride + k] = here;
                }
            }
            out.push(Completion {
                component: HEAD + i,
                last: b.last as usize,
                constant: b.constant,
                min: b.min,
                max: b.max,
                w_lo,
                w_hi,
                stride,
                least,
            });
        }
        out
    }

    /// State components where less is never worse: budgets with a maximum only and day-group
    /// counts. A label dominates another of the same other components when it costs no more
    /// and uses no more of any of these.
    fn monotone_components(&self) -> Vec<usize> {
        let g0 = HEAD + self.budgets.len();
        self.budgets
            .iter()
            .enumerate()
            .filter(|(_, b)| b.min.is_none())
            .map(|(i, _)| HEAD + i)
            .chain((0..self.groups.len()).map(|i| g0 + 2 * i))
            .collect()
    }

    /// Walk a final label back to its schedule (and its shift, or none, on each day).
    fn path(
        &self,
        layers: &[Vec<Label>],
        last: Label,
        best: &[Vec<Cheapest>],
    ) -> (Labeled, Vec<Option<ShiftIdx>>) {
        let (mut cols, mut slots) = (Vec::new(), Vec::new());
        let mut shifts = vec![None; self.days];
        let mut label = last;
        for d in (0..self.days).rev() {
            if label.choice == LOCKED {
                shifts[d] = self.fixed[d];
            } else if label.choice != OFF {
                let (c, _, slot) = best[d][label.choice as usize];
                cols.push(c);
                slots.push(slot);
                shifts[d] = Some(self.options[d][label.choice as usize].shift);
            }
            label = layers[d][label.parent as usize];
        }
        cols.reverse();
        slots.sort_unstable();
        let labeled = Labeled {
            cols,
            slots,
            cost: last.cost,
        };
        (labeled, shifts)
    }

    /// Apply working `shift` (or a day off) on day `d` to `s`; `false` when a face forbids it.
    /// The resources in `relaxed` (bits as in [`Self::relaxable`]) are neither counted nor
    /// checked.
    fn step(&self, s: &mut [i32], d: usize, shift: Option<ShiftIdx>, relaxed: u64) -> bool {
        let worked = shift.is_some();
        if let Some(t) = shift {
            if self.not_on[d][t.ix()] {
                return false;
            }
            if !self.not_next.is_empty() && s[0] > 0 && self.not_next[(s[0] - 1) as usize][t.ix()] {
                return false;
            }
        }
        // The run of equal days (worked or off) that day `d` extends or starts.
        if s[0] < 0 {
            s[1] = 1;
            s[2] = 1;
        } else if (s[0] > 0) == worked {
            s[1] = (s[1] + 1).min(self.run_cap);
            if s[1] >= self.run_cap {
                s[2] = 0;
            }
        } else {
            // The previous run ends before day d, inside the horizon.
            let (len, from_start, value) = (s[1] as u32, s[2] == 1, s[0] > 0);
            for &(v, min, judged_at_start, prefix) in &self.min_runs {
                if v == value && (!from_start || judged_at_start) {
                    let total = len + if from_start { prefix } else { 0 };
                    if total < min {
                        return false;
                    }
                }
            }
            s[1] = 1;
            s[2] = 0;
        }
        if worked {
            for &(max, prefix) in &self.max_runs {
                let total = s[1] as u32 + if s[2] == 1 { prefix } else { 0 };
                if total > max {
                    return false;
                }
            }
        }
        s[0] = shift.map_or(0, |t| t.0 as i32 + 1);
        let skip = |i: usize| i < 64 && relaxed & (1 << i) != 0;
        for (i, b) in self.budgets.iter().enumerate() {
            if !b.counts[d] || skip(i) {
                continue;
            }
            let v = &mut s[HEAD + i];
            if let Some(t) = shift {
                *v += b.weight[t.ix()] as i32;
            }
            let total = b.constant + i64::from(*v);
            if b.max.is_some_and(|m| total > m) {
                return false;
            }
            if let Some(min) = b.min {
                if total + b.max_after[d + 1] < min {
                    return false;
                }
            }
            if d as Day == b.last {
                *v = 0; // closed: nothing after it depends on the amount
            }
        }
        let g0 = HEAD + self.budgets.len();
        for (i, g) in self.groups.iter().enumerate() {
            if skip(self.budgets.len() + i) {
                continue;
            }
            let Some(k) = g.group_of[d] else { continue };
            let (count, flag) = (g0 + 2 * i, g0 + 2 * i + 1);
            if worked && s[flag] == 0 {
                s[flag] = 1;
                s[count] += 1;
                if g.constant + i64::from(s[count]) > g.max {
                    return false;
                }
            }
            if g.last_of[k] == d as Day {
                s[flag] = 0;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BuildMode;

    /// Employee `e`'s labeler (zero scores).
    fn labeler(p: &Problem, e: EmployeeIdx) -> Labeler {
        let ir = ModelIr::for_employees(p, vec![e], &|_, _| 0.0, BuildMode::Normal);
        Labeler::new(p, e, &ir).expect("the labeling covers Curtois rules")
    }

    /// The classes of employee `e`'s labeler, as lists of shift codes.
    fn classes(p: &Problem, e: EmployeeIdx, relaxed: u64) -> Vec<Vec<String>> {
        let class = labeler(p, e).shift_classes(relaxed);
        let mut out: Vec<Vec<String>> = Vec::new();
        for (t, &k) in class.iter().enumerate() {
            let code = p.shift_types[t].code.clone();
            match class[..t].iter().position(|&c| c == k) {
                Some(first) => {
                    let at = out
                        .iter()
                        .position(|g| g[0] == p.shift_types[first].code)
                        .expect("the class's first shift has a group");
                    out[at].push(code);
                }
                None => out.push(vec![code]),
            }
        }
        out
    }

    /// Curtois 12 lists three early, three day and three late shifts of 8 h with the same
    /// successions, and one night shift: four classes, whatever is relaxed. Employee A may
    /// work none of d3, p1 and n1 ("at most 0"): those are forbidden days, not budgets that
    /// would split their classes. On 13 the 10- and 12-hour shifts stay apart (other hours,
    /// other successions).
    #[test]
    fn shifts_no_face_tells_apart_share_a_class() {
        let Some(p12) = crate::testkit::curtois("Instance12") else {
            return;
        };
        let four: Vec<Vec<String>> = [["a1", "a2", "a3"], ["d1", "d2", "d3"], ["p1", "p2", "p3"]]
            .iter()
            .map(|g| g.map(String::from).to_vec())
            .chain([vec!["n1".to_string()]])
            .collect();
        for relaxed in [0, u64::MAX] {
            assert_eq!(classes(&p12, EmployeeIdx(0), relaxed), four);
        }
        let labeler = labeler(&p12, EmployeeIdx(0));
        for code in ["d3", "p1", "n1"] {
            let t = p12.shift_types.iter().position(|s| s.code == code).unwrap();
            assert!(
                labeler.not_on.iter().all(|day| day[t]),
                "{code} is forbidden"
            );
            let alone = |b: &Budget| {
                b.weight
                    .iter()
                    .enumerate()
                    .all(|(u, &w)| (u == t) == (w > 0))
            };
            assert!(
                !labeler.budgets.iter().any(alone),
                "{code} has a budget of its own"
            );
        }
        let p13 = crate::testkit::curtois("Instance13").unwrap();
        let mut twelve: Vec<Vec<String>> = Vec::new();
        for k in ["a", "d", "p"] {
            twelve.push((1..=3).map(|i| format!("{k}{i}")).collect());
            twelve.push(vec![format!("{k}4")]);
            twelve.push(vec![format!("{k}5")]);
        }
        twelve.extend(["n1", "n2", "n3"].map(|n| vec![n.to_string()]));
        assert_eq!(classes(&p13, EmployeeIdx(1), 0), twelve);
    }
}
