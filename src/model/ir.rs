//! A solver-neutral linear model: columns, rows with tags, and the index structures the
//! constraint encoders need (who can work which slot, per employee and day).
//!
//! Why an IR between the catalog and HiGHS: the same rule code must build the compact model
//! (all employees) and, later, the one-employee pricing models of the decomposition; the IR
//! also gives model statistics, warm-start values for slack columns, and an *elastic* variant
//! (every hard row gets a penalised slack) used to explain infeasibility.

use std::collections::BTreeMap;

use super::{LinearProgram, LpCol, LpRow};
use crate::constraints::{Mode, RuleId, Schedules};
use crate::domain::{
    Assignment, Day, EmployeeHistory, EmployeeIdx, Problem, Roster, ShiftIdx, SlotIdx,
};

/// Index of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ColId(pub u32);

/// What a column stands for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ColKind {
    /// `x[e,s]`: employee on slot.
    Assign(Assignment),
    /// Slack of a row: units below its lower bound.
    Below(u32),
    /// Slack of a row: units above its upper bound.
    Above(u32),
    /// Fixed violation of a soft row that no decision affects.
    Constant(RowTag),
    /// The objective's constant term: a column fixed at 1 whose cost is the constant, so
    /// HiGHS's objective and bound, [`ModelIr::objective_of`] and warm starts all include it
    /// with no special case (see [`ModelIr::add_objective_constant`]).
    Offset,
    /// An auxiliary column (e.g. "weekend worked") defined by rows `lin − aux ≤ 0` (see
    /// [`ModelIr::at_least`]): it takes the least value those rows allow.
    Aux(RowTag),
}

/// A column.
#[derive(Clone, Debug, PartialEq)]
pub struct Col {
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
    /// Integer (binary when bounds are 0..1).
    pub integer: bool,
    /// Objective coefficient (minimised).
    pub cost: f64,
    /// Meaning.
    pub kind: ColKind,
}

/// Which rule (and employee, day) a row comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RowTag {
    /// Catalog rule; `None` for structural rows (one person per slot of a shift).
    pub rule: Option<RuleId>,
    /// Employee concerned.
    pub employee: Option<EmployeeIdx>,
    /// Day concerned (first day of a window).
    pub day: Option<Day>,
    /// Slot concerned (cover rows).
    pub slot: Option<SlotIdx>,
}

impl RowTag {
    /// Tag for a per-employee row.
    pub fn emp(rule: RuleId, e: EmployeeIdx, day: Option<Day>) -> Self {
        RowTag {
            rule: Some(rule),
            employee: Some(e),
            day,
            slot: None,
        }
    }
}

/// A row `lo ≤ Σ coef·col ≤ hi`, with optional slack columns.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Lower bound (may be −∞).
    pub lo: f64,
    /// Upper bound (may be +∞).
    pub hi: f64,
    /// Origin.
    pub tag: RowTag,
    /// Terms `(col, coef)` (slacks excluded).
    pub terms: Vec<(ColId, f64)>,
    /// Slack raising the activity towards `lo` (coefficient +1), if soft below.
    pub below: Option<ColId>,
    /// Slack lowering the activity towards `hi` (coefficient −1), if soft above.
    pub above: Option<ColId>,
}

/// A linear expression `Σ coef·col + constant`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lin {
    /// Terms.
    pub terms: Vec<(ColId, f64)>,
    /// Constant part (locked work).
    pub constant: f64,
}

impl Lin {
    /// Add `other` scaled by `k`.
    pub fn add(&mut self, other: &Lin, k: f64) {
        self.terms
            .extend(other.terms.iter().map(|&(c, v)| (c, v * k)));
        self.constant += other.constant * k;
    }

    /// `true` when no column appears.
    pub fn is_constant(&self) -> bool {
        self.terms.is_empty()
    }
}

/// How the model is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuildMode {
    /// The optimisation model.
    Normal,
    /// Every hard row gets a slack of cost 1 and all other costs are 0: the optimum is the
    /// least total violation, and rows with positive slack explain infeasibility.
    Elastic,
}

/// One `x[e,s]` column as seen from an employee's day.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DayVar {
    /// The column.
    pub col: ColId,
    /// Its slot.
    pub slot: SlotIdx,
    /// The slot's shift.
    pub shift: ShiftIdx,
}

/// The linear model of a problem (all employees, or a subset).
pub struct ModelIr<'p> {
    /// The problem being modelled.
    pub problem: &'p Problem,
    /// Columns.
    pub cols: Vec<Col>,
    /// Rows.
    pub rows: Vec<Row>,
    /// Hard rows whose activity is constant and violates their bounds (locked context
    /// already breaks a rule): the model is infeasible whatever the decisions.
    pub broken_constants: Vec<RowTag>,
    mode: BuildMode,
    /// `day_vars[e][day]`.
    day_vars: Vec<Vec<Vec<DayVar>>>,
    /// `slot_vars[s]`: `(col, employee)`.
    slot_vars: Vec<Vec<(ColId, EmployeeIdx)>>,
    fixed: Vec<BTreeMap<Day, Vec<ShiftIdx>>>,
    employees: Vec<EmployeeIdx>,
    /// The [`ColKind::Offset`] column, once a constant was added.
    offset: Option<ColId>,
    /// Auxiliary "works that day" columns made by [`ModelIr::day_worked`].
    day_worked: BTreeMap<(EmployeeIdx, Day), ColId>,
}

/// The model's variable filter: whether the pair `(e, s)` gets an `x` column — every filter
/// rule allows it ([`crate::constraints::RuleSet::allows`]: C6, C7, hard C12) and `e` has no
/// locked shift that day while one shift per day (C5) is hard (`locked_under_c5`). Shared
/// with the incremental pool trimming, so both leave out exactly the same pairs.
pub fn column_allowed(
    problem: &Problem,
    e: EmployeeIdx,
    s: SlotIdx,
    locked_under_c5: bool,
) -> bool {
    !locked_under_c5 && problem.rules.allows(problem, e, s)
}

/// Whether employee `e` could fill slot `s` in some roster that keeps every hard rule, judged
/// on its locked shifts (`locked`, [`Schedules::with_fixed`]) plus `s` alone: the variable
/// filter ([`column_allowed`]: C6, C7, hard C12, hard C5 against a locked shift), the
/// one-person-per-shift row (the same shift locked that day), and every hard rule whose
/// refusal is final ([`crate::constraints::Rule::refusal_is_final`]: C2, C3, C4, C5, C8, C9,
/// C11, C12, C13 — more work never undoes it, so a slot refused on top of the locked work
/// alone is refused on top of any roster). The model gives such a pair no column (its `x`
/// could only be 0), and the incremental pool trimming leaves out whoever can fill no slot.
pub fn could_fill(problem: &Problem, locked: &Schedules, e: EmployeeIdx, s: SlotIdx) -> bool {
    let slot = &problem.slots[s.ix()];
    let on_day = locked.on(e, slot.day);
    let c5 = !on_day.is_empty() && problem.rules.is_hard(RuleId::C5);
    column_allowed(problem, e, s, c5)
        && !on_day.contains(&slot.shift)
        && problem
            .rules
            .iter()
            .filter(|r| r.mode().is_hard() && r.refusal_is_final())
            .all(|r| r.admits(problem, locked, e, slot.day, slot.shift))
}

impl<'p> ModelIr<'p> {
    /// An empty model over `employees` with the `x` columns of every allowed pair; `score`
    /// gives the affinity of a pair.
    pub fn new(
        problem: &'p Problem,
        employees: Vec<EmployeeIdx>,
        score: &dyn Fn(EmployeeIdx, SlotIdx) -> f64,
        mode: BuildMode,
    ) -> Self {
        let days = problem.horizon.days as usize;
        // Only the model's employees get their locked shifts and day lists: a group model of
        // the warm start's rounds (three employees of hundreds) pays for three.
        let mut member = vec![false; problem.employees.len()];
        for e in &employees {
            member[e.ix()] = true;
        }
        let fixed = problem.fixed_shifts_of(&member);
        let day_vars = member
            .iter()
            .map(|&m| {
                if m {
                    vec![Vec::new(); days]
                } else {
                    Vec::new()
                }
            })
            .collect();
        let mut m = ModelIr {
            problem,
            cols: Vec::new(),
            rows: Vec::new(),
            broken_constants: Vec::new(),
            mode,
            day_vars,
            slot_vars: vec![Vec::new(); problem.slots.len()],
            fixed,
            employees,
            offset: None,
            day_worked: BTreeMap::new(),
        };
        let one_shift_hard = problem.rules.is_hard(RuleId::C5);
        let aff = problem.config.affinity_weight;
        // Employees with locked work (an incremental window) get no column for a slot their
        // locked work alone rules out for good ([`could_fill`]): on the incremental benchmark
        // most of the pool has its weekly hours nearly used up. Not in the elastic model, which
        // must be able to break those rules to explain an infeasibility.
        let locked = (mode == BuildMode::Normal)
            .then(|| Schedules::with_fixed_of(problem, &member))
            .filter(|_| !problem.locked.fixed.is_empty() || !problem.locked.history.is_empty());
        let no_history = EmployeeHistory::default();
        for i in 0..m.employees.len() {
            let e = m.employees[i];
            let judged = locked
                .as_ref()
                .filter(|_| !m.fixed[e.ix()].is_empty() || *problem.history(e) != no_history);
            for (si, slot) in problem.slots.iter().enumerate() {
                let s = SlotIdx(si as u32);
                let allowed = match judged {
                    Some(l) => could_fill(problem, l, e, s),
                    None => {
                        let locked_that_day = m.fixed[e.ix()].contains_key(&slot.day);
                        column_allowed(problem, e, s, locked_that_day && one_shift_hard)
                    }
                };
                if !allowed {
                    continue;
                }
                let cost = match mode {
                    BuildMode::Normal => -aff * score(e, s),
                    BuildMode::Elastic => 0.0,
                };
                let col = m.push_col(Col {
                    lo: 0.0,
                    hi: 1.0,
                    integer: true,
                    cost,
                    kind: ColKind::Assign(Assignment {
                        employee: e,
                        slot: s,
                    }),
                });
                m.day_vars[e.ix()][slot.day as usize].push(DayVar {
                    col,
                    slot: s,
                    shift: slot.shift,
                });
                m.slot_vars[si].push((col, e));
            }
        }
        m
    }

    /// The compact model: every employee, every active rule.
    pub fn compact(
        problem: &'p Problem,
        score: &dyn Fn(EmployeeIdx, SlotIdx) -> f64,
        mode: BuildMode,
    ) -> Self {
        let all = (0..problem.employees.len())
            .map(|i| EmployeeIdx(i as u32))
            .collect();
        let mut m = ModelIr::for_employees(problem, all, score, mode);
        for rule in problem.rules.iter() {
            if rule.scope() == crate::constraints::Scope::Coupling {
                rule.encode_coupling(&mut m);
            }
        }
        m
    }

    /// The own model of a group of employees: their `x` columns, the structural rows and
    /// every per-employee rule, with no coupling row (cover). For one employee, the pricing
    /// problem of the decomposition by employee; for a few, the neighbourhood that the warm
    /// start's improvement rounds re-plan (see `model::repair`).
    pub fn for_employees(
        problem: &'p Problem,
        employees: Vec<EmployeeIdx>,
        score: &dyn Fn(EmployeeIdx, SlotIdx) -> f64,
        mode: BuildMode,
    ) -> Self {
        let mut m = ModelIr::new(problem, employees, score, mode);
        m.add_structural_rows();
        for rule in problem.rules.iter() {
            if rule.scope() == crate::constraints::Scope::PerEmployee {
                for i in 0..m.employees.len() {
                    let e = m.employees[i];
                    rule.encode_employee(&mut m, e);
                }
            }
        }
        m
    }

    /// Whether every objective coefficient is an integer (then every roster's objective is).
    pub fn integral_costs(&self) -> bool {
        self.cols
            .iter()
            .all(|c| (c.cost - c.cost.round()).abs() < 1e-9)
    }

    /// Build mode.
    pub fn mode(&self) -> BuildMode {
        self.mode
    }

    /// Employees in this model.
    pub fn employees(&self) -> &[EmployeeIdx] {
        &self.employees
    }

    /// `x` columns of `e` on `day` (empty outside the horizon).
    pub fn day_vars(&self, e: EmployeeIdx, day: Day) -> &[DayVar] {
        if day < 0 {
            return &[];
        }
        self.day_vars[e.ix()]
            .get(day as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// `x` columns of a slot.
    pub fn slot_vars(&self, s: SlotIdx) -> &[(ColId, EmployeeIdx)] {
        &self.slot_vars[s.ix()]
    }

    /// Locked shifts of `e` on `day` (empty when none; several when C5 is off).
    pub fn fixed(&self, e: EmployeeIdx, day: Day) -> &[ShiftIdx] {
        self.fixed[e.ix()]
            .get(&day)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// 1 if `e` works on `day` (decision columns plus locked work).
    pub fn work(&self, e: EmployeeIdx, day: Day) -> Lin {
        let mut l = Lin {
            terms: self.day_vars(e, day).iter().map(|v| (v.col, 1.0)).collect(),
            constant: 0.0,
        };
        l.constant += self.fixed(e, day).len() as f64;
        l
    }

    /// Exactly 1 if `e` works on `day`, else 0, whatever one-shift-per-day says — for rules
    /// about worked days (stretches, days off). With C5 hard this is [`ModelIr::work`]; otherwise
    /// a day with several columns gets an auxiliary `z` with `x ≤ z ≤ Σ x` (each `x` of the
    /// day), made once per employee and day.
    pub fn day_worked(&mut self, e: EmployeeIdx, day: Day) -> Lin {
        let work = self.work(e, day);
        // A locked shift that day: worked, however many (C5 off allows several).
        if work.constant > 0.0 {
            return Lin {
                terms: Vec::new(),
                constant: 1.0,
            };
        }
        if self.problem.rules.is_hard(RuleId::C5) || work.terms.len() <= 1 {
            return work;
        }
        let z = match self.day_worked.get(&(e, day)) {
            Some(&z) => z,
            None => {
                let tag = RowTag {
                    rule: None,
                    employee: Some(e),
                    day: Some(day),
                    slot: None,
                };
                let z = self.add_aux(tag, 0.0, 1.0);
                for &(c, _) in &work.terms {
                    let x = Lin {
                        terms: vec![(c, 1.0)],
                        constant: 0.0,
                    };
                    self.at_least(tag, x, z);
                }
                let mut upper = Lin {
                    terms: vec![(z, 1.0)],
                    constant: 0.0,
                };
                upper.add(&work, -1.0);
                self.add_row(tag, upper, f64::NEG_INFINITY, 0.0, None, None);
                self.day_worked.insert((e, day), z);
                z
            }
        };
        Lin {
            terms: vec![(z, 1.0)],
            constant: 0.0,
        }
    }

    /// Minutes worked by `e` on `day`.
    pub fn minutes(&self, e: EmployeeIdx, day: Day) -> Lin {
        let st = &self.problem.shift_types;
        let mut l = Lin {
            terms: self
                .day_vars(e, day)
                .iter()
                .map(|v| (v.col, f64::from(st[v.shift.ix()].duration_minutes)))
                .collect(),
            constant: 0.0,
        };
        for t in self.fixed(e, day) {
            l.constant += f64::from(st[t.ix()].duration_minutes);
        }
        l
    }

    /// 1 if `e` works shift `t` on `day`.
    pub fn shift(&self, e: EmployeeIdx, day: Day, t: ShiftIdx) -> Lin {
        let mut l = Lin {
            terms: self
                .day_vars(e, day)
                .iter()
                .filter(|v| v.shift == t)
                .map(|v| (v.col, 1.0))
                .collect(),
            constant: 0.0,
        };
        if self.fixed(e, day).contains(&t) {
            l.constant += 1.0;
        }
        l
    }

    /// Add a column.
    pub fn push_col(&mut self, c: Col) -> ColId {
        self.cols.push(c);
        ColId(self.cols.len() as u32 - 1)
    }

    /// Add `cost` to a column's objective coefficient.
    pub fn add_cost(&mut self, col: ColId, cost: f64) {
        if self.mode == BuildMode::Normal {
            self.cols[col.ix()].cost += cost;
        }
    }

    /// Add a constant to the objective (Normal mode only, like [`ModelIr::add_cost`]). Used for
    /// penalties written as `weight × (1 − Σ x)` (a shift-on request), which need no slack.
    pub fn add_objective_constant(&mut self, amount: f64) {
        if self.mode != BuildMode::Normal || amount == 0.0 {
            return;
        }
        match self.offset {
            Some(c) => self.cols[c.ix()].cost += amount,
            None => {
                let c = self.push_col(Col {
                    lo: 1.0,
                    hi: 1.0,
                    integer: false,
                    cost: amount,
                    kind: ColKind::Offset,
                });
                self.offset = Some(c);
            }
        }
    }

    /// The objective's constant term (0 when none was added).
    pub fn objective_constant(&self) -> f64 {
        self.offset.map_or(0.0, |c| self.cols[c.ix()].cost)
    }

    /// A continuous auxiliary column in `[lo, hi]` with no cost; define it with
    /// [`ModelIr::at_least`] and charge it with [`ModelIr::add_cost`] or use it in rows where a
    /// smaller value never hurts.
    pub fn add_aux(&mut self, tag: RowTag, lo: f64, hi: f64) -> ColId {
        self.push_col(Col {
            lo,
            hi,
            integer: false,
            cost: 0.0,
            kind: ColKind::Aux(tag),
        })
    }

    /// The defining row `lin ≤ aux` of an auxiliary column. It is structural: never relaxed,
    /// not even in the elastic model (an auxiliary column can always rise to satisfy it).
    pub fn at_least(&mut self, tag: RowTag, mut lin: Lin, aux: ColId) {
        lin.terms.push((aux, -1.0));
        self.add_row(tag, lin, f64::NEG_INFINITY, 0.0, None, None);
    }

    /// Add a row `lo ≤ lin ≤ hi` under a rule's mode. Soft rows get slacks costing
    /// `weight × unit` per unit of activity outside the bounds (`unit` converts the row's
    /// units into the rule's penalty unit, e.g. 1/60 for minutes → hours).
    pub fn constrain(&mut self, tag: RowTag, lin: Lin, lo: f64, hi: f64, mode: Mode, unit: f64) {
        let cost = match (mode, self.mode) {
            (Mode::Hard, BuildMode::Normal) => None,
            (Mode::Hard, BuildMode::Elastic) => Some(1.0),
            (Mode::Soft { weight }, BuildMode::Normal) => Some(weight * unit),
            (Mode::Soft { .. }, BuildMode::Elastic) => Some(0.0),
        };
        self.add_row(tag, lin, lo, hi, cost, cost);
    }

    /// Add a row with explicit slack costs below/above (`None`: that side is hard).
    pub fn add_row(
        &mut self,
        tag: RowTag,
        lin: Lin,
        lo: f64,
        hi: f64,
        below_cost: Option<f64>,
        above_cost: Option<f64>,
    ) {
        let lo = lo - lin.constant;
        let hi = hi - lin.constant;
        let mut terms = lin.terms;
        // Merge duplicate columns (deterministic order: by column id).
        terms.sort_by_key(|t| t.0);
        terms.dedup_by(|b, a| {
            if a.0 == b.0 {
                a.1 += b.1;
                true
            } else {
                false
            }
        });
        terms.retain(|t| t.1 != 0.0);
        if terms.is_empty() {
            let eps = 1e-9;
            let violated = 0.0 < lo - eps || 0.0 > hi + eps;
            let hard_side = (0.0 < lo - eps && below_cost.is_none())
                || (0.0 > hi + eps && above_cost.is_none());
            if violated && hard_side {
                self.broken_constants.push(tag);
            } else if violated {
                // A soft row no decision can affect: its penalty is a fixed column, so the
                // objective still counts it (the checker does).
                let (amount, cost) = if 0.0 < lo - eps {
                    (lo, below_cost.unwrap_or(0.0))
                } else {
                    (-hi, above_cost.unwrap_or(0.0))
                };
                let kind = ColKind::Constant(tag);
                self.push_col(Col {
                    lo: amount,
                    hi: amount,
                    integer: false,
                    cost,
                    kind,
                });
            }
            return;
        }
        // Skip rows that can never bind: max activity ≤ hi and min activity ≥ lo.
        let (mut amin, mut amax) = (0.0, 0.0);
        for &(c, v) in &terms {
            let col = &self.cols[c.ix()];
            if v > 0.0 {
                amin += v * col.lo;
                amax += v * col.hi;
            } else {
                amin += v * col.hi;
                amax += v * col.lo;
            }
        }
        if amax <= hi + 1e-9 && amin >= lo - 1e-9 {
            return;
        }
        let r = self.rows.len() as u32;
        let below = (lo.is_finite() && amin < lo - 1e-9)
            .then_some(below_cost)
            .flatten()
            .map(|cost| {
                self.push_col(Col {
                    lo: 0.0,
                    hi: f64::INFINITY,
                    integer: false,
                    cost,
                    kind: ColKind::Below(r),
                })
            });
        let above = (hi.is_finite() && amax > hi + 1e-9)
            .then_some(above_cost)
            .flatten()
            .map(|cost| {
                self.push_col(Col {
                    lo: 0.0,
                    hi: f64::INFINITY,
                    integer: false,
                    cost,
                    kind: ColKind::Above(r),
                })
            });
        self.rows.push(Row {
            lo,
            hi,
            tag,
            terms,
            below,
            above,
        });
    }

    /// A person fills at most one slot of the same shift on the same day (always on: one
    /// person cannot be counted twice in one shift, whatever C5 says).
    fn add_structural_rows(&mut self) {
        for i in 0..self.employees.len() {
            let e = self.employees[i];
            for day in 0..self.problem.days() {
                let vars = self.day_vars(e, day);
                let mut by_shift: BTreeMap<ShiftIdx, Vec<ColId>> = BTreeMap::new();
                for v in vars {
                    by_shift.entry(v.shift).or_default().push(v.col);
                }
                for (t, cols) in by_shift {
                    let locked = f64::from(u8::from(self.fixed(e, day).contains(&t)));
                    if cols.len() + locked as usize > 1 {
                        let lin = Lin {
                            terms: cols.into_iter().map(|c| (c, 1.0)).collect(),
                            constant: locked,
                        };
                        let tag = RowTag {
                            rule: None,
                            employee: Some(e),
                            day: Some(day),
                            slot: None,
                        };
                        self.add_row(tag, lin, f64::NEG_INFINITY, 1.0, None, None);
                    }
                }
            }
        }
    }

    /// The plain MILP handed to the solver: slack columns become ordinary terms.
    pub fn to_linear_program(&self) -> LinearProgram {
        let cols = self
            .cols
            .iter()
            .map(|c| LpCol {
                lo: c.lo,
                hi: c.hi,
                integer: c.integer,
                cost: c.cost,
            })
            .collect();
        let rows = self
            .rows
            .iter()
            .map(|r| {
                let mut terms = Vec::with_capacity(r.terms.len() + 2);
                terms.extend(r.terms.iter().map(|&(c, k)| (c.0, k)));
                terms.extend(r.below.map(|b| (b.0, 1.0)));
                terms.extend(r.above.map(|a| (a.0, -1.0)));
                LpRow {
                    lo: r.lo,
                    hi: r.hi,
                    terms,
                }
            })
            .collect();
        LinearProgram { cols, rows }
    }

    /// Number of nonzeros (slack entries included).
    pub fn nonzeros(&self) -> usize {
        self.rows
            .iter()
            .map(|r| {
                r.terms.len() + usize::from(r.below.is_some()) + usize::from(r.above.is_some())
            })
            .sum()
    }

    /// Column values of a roster: `x` from the assignments, slacks set to the least value
    /// that satisfies their rows (`None` if a hard row is violated or a pair has no column).
    pub fn values_of(&self, roster: &Roster) -> Option<Vec<f64>> {
        let mut index: BTreeMap<Assignment, ColId> = BTreeMap::new();
        for (i, c) in self.cols.iter().enumerate() {
            if let ColKind::Assign(a) = c.kind {
                index.insert(a, ColId(i as u32));
            }
        }
        let mut v: Vec<f64> = self.cols.iter().map(|c| c.lo).collect();
        for a in &roster.assignments {
            v[index.get(a)?.ix()] = 1.0;
        }
        // Auxiliary columns: the least value their defining rows `lin − c·aux ≤ hi` allow.
        for r in self.rows.iter().filter(|r| r.hi.is_finite()) {
            for &(c, k) in &r.terms {
                if k < 0.0 && matches!(self.cols[c.ix()].kind, ColKind::Aux(_)) {
                    let rest: f64 = r
                        .terms
                        .iter()
                        .filter(|t| t.0 != c)
                        .map(|&(c2, k2)| k2 * v[c2.ix()])
                        .sum();
                    let need = (rest - r.hi) / -k;
                    v[c.ix()] = v[c.ix()].max(need).min(self.cols[c.ix()].hi);
                }
            }
        }
        for r in &self.rows {
            let act: f64 = r.terms.iter().map(|&(c, k)| k * v[c.ix()]).sum();
            if act < r.lo - 1e-9 {
                v[r.below?.ix()] = r.lo - act;
            } else if act > r.hi + 1e-9 {
                v[r.above?.ix()] = act - r.hi;
            }
        }
        Some(v)
    }

    /// Objective of column values.
    pub fn objective_of(&self, values: &[f64]) -> f64 {
        self.cols.iter().zip(values).map(|(c, v)| c.cost * v).sum()
    }

    /// The roster encoded by column values (`x > 0.5`).
    pub fn roster_of(&self, values: &[f64]) -> Roster {
        Roster::new(
            self.cols
                .iter()
                .zip(values)
                .filter_map(|(c, &v)| match c.kind {
                    ColKind::Assign(a) if v > 0.5 => Some(a),
                    _ => None,
                })
                .collect(),
        )
    }
}

impl ColId {
    /// Index as usize.
    pub fn ix(self) -> usize {
        self.0 as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::highs_backend;
    use crate::testkit::tiny_problem;

    fn model(p: &Problem) -> ModelIr<'_> {
        let all = (0..p.employees.len() as u32).map(EmployeeIdx).collect();
        ModelIr::new(p, all, &|_, _| 0.0, BuildMode::Normal)
    }

    /// A shift-on request written as `w·(1 − x)`: the constant reaches HiGHS's objective,
    /// its bound and `objective_of` alike.
    #[test]
    fn objective_constant_is_reported_everywhere() {
        let p = tiny_problem();
        let mut m = model(&p);
        let x = m.day_vars(EmployeeIdx(0), 0)[0].col;
        m.add_objective_constant(5.0);
        m.add_cost(x, -5.0);
        m.add_objective_constant(2.0);
        assert_eq!(m.objective_constant(), 7.0);
        let run = highs_backend::solve(&m, &p.config, None, false).unwrap();
        let values = run.values.expect("feasible");
        assert!((run.objective.unwrap() - 2.0).abs() < 1e-9);
        assert!((m.objective_of(&values) - 2.0).abs() < 1e-9);
        assert!((run.bound.unwrap_or(2.0) - 2.0).abs() < 1e-9);
        // A roster without x pays the full constant.
        let empty = m.values_of(&Roster::default()).unwrap();
        assert!((m.objective_of(&empty) - 7.0).abs() < 1e-9);
    }

    #[test]
    fn elastic_models_have_no_constant() {
        let p = tiny_problem();
        let all = vec![EmployeeIdx(0)];
        let mut m = ModelIr::new(&p, all, &|_, _| 0.0, BuildMode::Elastic);
        m.add_objective_constant(5.0);
        assert_eq!(m.objective_constant(), 0.0);
    }

    /// An auxiliary "max" column takes the least value its rows allow in warm starts.
    #[test]
    fn aux_columns_get_their_least_value() {
        let p = tiny_problem();
        let mut m = model(&p);
        let e = EmployeeIdx(0);
        let tag = RowTag::emp(RuleId::C11, e, Some(0));
        let y = m.add_aux(tag, 0.0, 1.0);
        for d in 0..2 {
            for v in m.day_vars(e, d).to_vec() {
                m.at_least(
                    tag,
                    Lin {
                        terms: vec![(v.col, 1.0)],
                        constant: 0.0,
                    },
                    y,
                );
            }
        }
        let slot = m.day_vars(e, 1)[0].slot;
        let on = Roster::new(vec![Assignment { employee: e, slot }]);
        assert_eq!(m.values_of(&on).unwrap()[y.ix()], 1.0);
        assert_eq!(m.values_of(&Roster::default()).unwrap()[y.ix()], 0.0);
    }
}
