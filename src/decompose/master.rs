//! The restricted master of the decomposition by employee: the coupling rows of the compact
//! model (cover with its under/over slacks), one convexity row per employee, and a column per
//! generated schedule. The LP lives in one HiGHS model between rounds: new columns are added
//! to the solved model and HiGHS re-solves from its last basis.
//!
//! Artificial columns (one per convexity row, one per hard side of a coupling row) at
//! [`ARTIFICIAL_COST`] keep the master feasible from the first round.

use std::collections::BTreeMap;
use std::ops::Bound;

use highs::{ColProblem, HighsModelStatus, Model, Row, Sense, SolvedModel};

use crate::domain::{Assignment, EmployeeIdx, Roster, SlotIdx, SolverConfig};
use crate::model::{ColKind, ModelIr};

/// Cost of an artificial column.
pub const ARTIFICIAL_COST: f64 = 1.0e5;

/// The simplex method a master re-solve starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Simplex {
    /// From a dual feasible basis: the first solve, or after bounds changed.
    Dual,
    /// From a primal feasible basis: an optimal one that columns were added to.
    Primal,
}

impl Simplex {
    /// HiGHS's `simplex_strategy` value.
    fn highs_strategy(self) -> i32 {
        match self {
            Simplex::Dual => 1,
            Simplex::Primal => 4,
        }
    }
}

/// A generated schedule (master column).
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// Whose schedule.
    pub employee: EmployeeIdx,
    /// Its slots, sorted.
    pub slots: Vec<SlotIdx>,
    /// Its own cost.
    pub cost: f64,
}

/// A coupling row of the compact model, as the master holds it.
#[derive(Clone, Debug)]
#[cfg_attr(test, derive(PartialEq))]
struct CouplingRow {
    lo: f64,
    hi: f64,
    /// Coupling columns (slacks, constants) with their coefficients.
    own: Vec<(usize, f64)>,
}

impl CouplingRow {
    /// The hard sides of the row, which get an artificial column each: `(below, above)`.
    fn artificial_sides(&self) -> (bool, bool) {
        let has_below = self.own.iter().any(|&(_, coef)| coef > 0.0);
        let has_above = self.own.iter().any(|&(_, coef)| coef < 0.0);
        (
            self.lo.is_finite() && !has_below,
            self.hi.is_finite() && !has_above,
        )
    }
}

/// The master's static part: coupling rows and columns, and which rows each `x` enters.
#[cfg_attr(test, derive(Debug, PartialEq))]
pub struct MasterShape {
    rows: Vec<CouplingRow>,
    /// Coupling columns `(lo, hi, cost, integer)`.
    cols: Vec<(f64, f64, f64, bool)>,
    /// `x[e,s]` → `(coupling row, coefficient)`.
    enters: BTreeMap<Assignment, Vec<(usize, f64)>>,
    /// Whether every schedule coefficient of each coupling row is an integer (then the
    /// row's activity is an integer in every roster).
    integral: Vec<bool>,
    employees: usize,
}

impl MasterShape {
    /// Read the coupling part off `compact`, whose first `own_cols` columns and `own_rows`
    /// rows are the per-employee part (what [`ModelIr::new`] or [`ModelIr::for_employees`]
    /// built before the coupling rules were encoded).
    pub fn from_compact(compact: &ModelIr, own_cols: usize, own_rows: usize) -> Self {
        let mut cols = Vec::new();
        let mut col_index = BTreeMap::new();
        for (i, c) in compact.cols.iter().enumerate().skip(own_cols) {
            col_index.insert(i, cols.len());
            cols.push((c.lo, c.hi, c.cost, c.integer));
        }
        let mut rows = Vec::new();
        let mut enters: BTreeMap<Assignment, Vec<(usize, f64)>> = BTreeMap::new();
        for r in compact.rows.iter().skip(own_rows) {
            let k = rows.len();
            let mut own = Vec::new();
            for &(c, coef) in &r.terms {
                match compact.cols[c.ix()].kind {
                    ColKind::Assign(a) if c.ix() < own_cols => {
                        enters.entry(a).or_default().push((k, coef))
                    }
                    _ => own.push((col_index[&c.ix()], coef)),
                }
            }
            own.extend(r.below.map(|b| (col_index[&b.ix()], 1.0)));
            own.extend(r.above.map(|a| (col_index[&a.ix()], -1.0)));
            rows.push(CouplingRow {
                lo: r.lo,
                hi: r.hi,
                own,
            });
        }
        let mut integral = vec![true; rows.len()];
        for &(r, k) in enters.values().flatten() {
            integral[r] &= (k - k.round()).abs() < 1e-9;
        }
        MasterShape {
            rows,
            cols,
            enters,
            integral,
            employees: compact.problem.employees.len(),
        }
    }

    /// Coupling rows a schedule's column enters, with its coefficients (merged by row).
    fn column_entries(&self, c: &Column) -> Vec<(usize, f64)> {
        let mut by_row: BTreeMap<usize, f64> = BTreeMap::new();
        for &s in &c.slots {
            let a = Assignment {
                employee: c.employee,
                slot: s,
            };
            for &(r, k) in self.entries(a) {
                *by_row.entry(r).or_default() += k;
            }
        }
        by_row.into_iter().filter(|x| x.1 != 0.0).collect()
    }

    /// The price of `x` under coupling duals `y`.
    pub fn dual_of(&self, y: &[f64], a: Assignment) -> f64 {
        self.entries(a).iter().map(|&(r, k)| y[r] * k).sum()
    }

    /// The coupling rows `x[a]` enters, with its coefficients.
    pub fn entries(&self, a: Assignment) -> &[(usize, f64)] {
        self.enters.get(&a).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The least cost of coupling row `r`'s own columns (its slacks, at their cheapest) when
    /// the schedules put `activity` on it; a side no slack can meet costs
    /// [`ARTIFICIAL_COST`] per unit. Exact for rows whose columns enter no other row (cover
    /// with its under/over slacks); a column shared by rows is priced in each.
    pub fn row_cost(&self, r: usize, activity: f64) -> f64 {
        let row = &self.rows[r];
        let mut act = activity;
        let mut cost = 0.0;
        for &(c, coef) in &row.own {
            let (lo, _, unit, _) = self.cols[c];
            if lo.is_finite() {
                act += coef * lo;
                cost += unit * lo;
            }
        }
        // Raise the activity to `lo` with the columns entering positively, lower it to
        // `hi` with those entering negatively, the cheapest per unit first.
        let mut fill = |mut need: f64, sign: f64| {
            let mut slacks: Vec<(f64, f64)> = row
                .own
                .iter()
                .filter(|&&(_, coef)| coef * sign > 0.0)
                .map(|&(c, coef)| {
                    let (lo, hi, unit, _) = self.cols[c];
                    let room = (hi - lo.max(0.0)) * coef.abs();
                    (unit / coef.abs(), room)
                })
                .collect();
            slacks.sort_by(|a, b| a.0.total_cmp(&b.0));
            for (unit, room) in slacks {
                if need <= 1e-9 {
                    break;
                }
                let used = need.min(room);
                cost += unit * used;
                need -= used;
            }
            if need > 1e-9 {
                cost += ARTIFICIAL_COST * need;
            }
        };
        if act < row.lo {
            fill(row.lo - act, 1.0);
        } else if act > row.hi {
            fill(act - row.hi, -1.0);
        }
        cost
    }

    /// Number of artificial columns [`MasterShape::build`] adds (after the static ones).
    fn artificials(&self) -> usize {
        self.employees
            + self
                .rows
                .iter()
                .map(|r| {
                    let (below, above) = r.artificial_sides();
                    usize::from(below) + usize::from(above)
                })
                .sum::<usize>()
    }

    /// A schedule column's entries: its coupling rows and its employee's convexity row.
    fn column_factors(&self, c: &Column, coupling: &[Row], convexity: &[Row]) -> Vec<(Row, f64)> {
        let mut factors: Vec<(Row, f64)> = self
            .column_entries(c)
            .into_iter()
            .map(|(r, k)| (coupling[r], k))
            .collect();
        factors.push((convexity[c.employee.ix()], 1.0));
        factors
    }

    /// The rows whose activity is integral in every roster, grouped by `key` of the slots
    /// that enter them (a row goes to a group when all its slots share the key).
    pub fn row_groups<K: Ord>(&self, key: impl Fn(SlotIdx) -> K) -> BTreeMap<K, Vec<usize>> {
        let mut of_row: Vec<Option<Option<K>>> = (0..self.rows.len()).map(|_| None).collect();
        for (a, entries) in &self.enters {
            for &(r, _) in entries {
                let k = key(a.slot);
                of_row[r] = match of_row[r].take() {
                    None => Some(Some(k)),
                    Some(Some(old)) if old == k => Some(Some(old)),
                    Some(_) => Some(None),
                };
            }
        }
        let mut groups: BTreeMap<K, Vec<usize>> = BTreeMap::new();
        for (r, k) in of_row.into_iter().enumerate() {
            if let Some(Some(k)) = k {
                if self.integral[r] {
                    groups.entry(k).or_default().push(r);
                }
            }
        }
        groups
    }

    /// The activity of the schedule columns in each coupling row: `Σ λ·a` (slacks left out).
    pub fn activity(&self, columns: &[Column], values: &[f64]) -> Vec<f64> {
        let mut act = vec![0.0; self.rows.len()];
        for (c, &v) in columns.iter().zip(values) {
            if v > 1e-9 {
                for (r, k) in self.column_entries(c) {
                    act[r] += v * k;
                }
            }
        }
        act
    }

    /// Number of coupling rows.
    pub fn coupling_rows(&self) -> usize {
        self.rows.len()
    }

    fn build(&self, integer: bool) -> (ColProblem, Vec<Row>, Vec<Row>) {
        let mut pb = ColProblem::default();
        let coupling: Vec<Row> = self
            .rows
            .iter()
            .map(|r| pb.add_row(bounds(r.lo, r.hi)))
            .collect();
        let convexity: Vec<Row> = (0..self.employees).map(|_| pb.add_row(1.0..=1.0)).collect();
        let mut own: Vec<Vec<(Row, f64)>> = vec![Vec::new(); self.cols.len()];
        for (k, r) in self.rows.iter().enumerate() {
            for &(c, coef) in &r.own {
                own[c].push((coupling[k], coef));
            }
        }
        for (c, &(lo, hi, cost, int)) in self.cols.iter().enumerate() {
            let factors = own[c].clone();
            if integer && int {
                pb.add_integer_column(cost, bounds(lo, hi), factors);
            } else {
                pb.add_column(cost, bounds(lo, hi), factors);
            }
        }
        // Artificials: a convexity row may stay unmet, a hard coupling side may be broken.
        for &row in &convexity {
            pb.add_column(ARTIFICIAL_COST, 0.0..=1.0, [(row, 1.0)]);
        }
        for (k, r) in self.rows.iter().enumerate() {
            let (below, above) = r.artificial_sides();
            if below {
                pb.add_column(ARTIFICIAL_COST, 0.0.., [(coupling[k], 1.0)]);
            }
            if above {
                pb.add_column(ARTIFICIAL_COST, 0.0.., [(coupling[k], -1.0)]);
            }
        }
        (pb, coupling, convexity)
    }
}

/// The sum of a column's coefficients (`entries`, by coupling row, sorted) over `rows`
/// (sorted).
fn sum_in(entries: &[(usize, f64)], rows: &[usize]) -> f64 {
    entries
        .iter()
        .filter(|(r, _)| rows.binary_search(r).is_ok())
        .map(|&(_, k)| k)
        .sum()
}

fn bounds(lo: f64, hi: f64) -> (Bound<f64>, Bound<f64>) {
    let b = |v: f64| {
        if v.is_finite() {
            Bound::Included(v)
        } else {
            Bound::Unbounded
        }
    };
    (b(lo), b(hi))
}

/// Options of every solve of a master model, `time_limit` seconds from now.
fn configure(model: &mut Model, cfg: &SolverConfig, time_limit: f64) {
    model.make_quiet();
    // HiGHS 1.x compares `time_limit` with the run time accumulated over every `run` of the
    // same object (HiGHS issues #1331, #1477): the master, alive for the whole search, hit
    // it long before its deadline (Curtois 12's dive: 11 re-solves stopped at ReachedTimeLimit
    // and rebuilt from scratch in 60 s). Zeroing the clocks makes the limit this solve's own.
    // SAFETY: the pointer is the live HiGHS object `model` owns; the call only resets timers.
    unsafe {
        highs_sys::Highs_zeroAllClocks(model.as_mut_ptr());
    }
    model.set_option("time_limit", time_limit.max(0.01));
    model.set_option("random_seed", (cfg.seed % (i32::MAX as u64)) as i32);
    let _ = model.try_set_option("threads", cfg.threads as i32);
}

/// The master LP, alive between rounds.
pub struct MasterLp<'s> {
    shape: &'s MasterShape,
    coupling: Vec<Row>,
    convexity: Vec<Row>,
    model: Option<Model>,
    solved: Option<SolvedModel>,
    /// Columns added so far, in column order after the static ones.
    pub columns: Vec<Column>,
    /// HiGHS handle of each column.
    handles: Vec<highs::Col>,
    /// Whether each column is open (not closed by [`MasterLp::restrict`]).
    open: Vec<bool>,
    /// HiGHS index of each schedule column.
    col_at: Vec<usize>,
    /// Activity rows (see [`MasterLp::bound_activity`]), in HiGHS row order after the
    /// convexity rows.
    activity_rows: Vec<ActivityRow>,
    /// HiGHS indices of the activity rows' artificial columns.
    art_at: Vec<usize>,
    /// Columns in the HiGHS model.
    ncols: usize,
    cfg: SolverConfig,
    /// Whether the model's basis is optimal but for columns added since: then primal
    /// simplex re-solves it.
    basis_primal_feasible: bool,
    /// Times the HiGHS model was built afresh after a failed solve.
    rebuilds: usize,
}

/// A copy of a coupling row's schedule part, `Σ λ·a − t = 0`, whose free column `t` takes
/// the bounds a branching decision puts on the row's activity (and two artificial columns
/// keep the master feasible while pricing catches up).
struct ActivityRow {
    /// The coupling rows summed (sorted).
    coupling: Vec<usize>,
    row: Row,
    t: highs::Col,
    lo: f64,
    hi: f64,
}

/// What one master solve says.
#[derive(Clone, Debug)]
pub struct MasterSolution {
    /// LP objective.
    pub objective: f64,
    /// Coupling row duals.
    pub coupling_duals: Vec<f64>,
    /// Convexity row duals, per employee.
    pub convexity_duals: Vec<f64>,
    /// Total value on artificial columns (0 when the master is truly feasible).
    pub artificial: f64,
    /// Value of each schedule column, in [`MasterLp::columns`] order.
    pub values: Vec<f64>,
}

impl MasterSolution {
    /// The reduced cost of `c` at this solution's duals.
    pub fn reduced_cost(&self, shape: &MasterShape, c: &Column) -> f64 {
        let priced: f64 = c
            .slots
            .iter()
            .map(|&slot| {
                let a = Assignment {
                    employee: c.employee,
                    slot,
                };
                shape.dual_of(&self.coupling_duals, a)
            })
            .sum();
        c.cost - priced - self.convexity_duals[c.employee.ix()]
    }
}

impl<'s> MasterLp<'s> {
    /// An empty master (static columns and artificials only).
    pub fn new(shape: &'s MasterShape, cfg: &SolverConfig) -> Self {
        let (pb, coupling, convexity) = shape.build(false);
        MasterLp {
            shape,
            coupling,
            convexity,
            model: Some(pb.optimise(Sense::Minimise)),
            solved: None,
            columns: Vec::new(),
            handles: Vec::new(),
            open: Vec::new(),
            col_at: Vec::new(),
            activity_rows: Vec::new(),
            art_at: Vec::new(),
            ncols: shape.cols.len() + shape.artificials(),
            cfg: cfg.clone(),
            basis_primal_feasible: false,
            rebuilds: 0,
        }
    }

    /// HiGHS's random seed for the next solves.
    pub fn set_seed(&mut self, seed: u64) {
        self.cfg.seed = seed;
    }

    /// Times the HiGHS model was built afresh after a failed solve (each loses the basis).
    pub fn rebuilds(&self) -> usize {
        self.rebuilds
    }

    /// The activity `Σ λ·a` of the schedule columns in each coupling row at `values`.
    pub fn activity(&self, values: &[f64]) -> Vec<f64> {
        self.shape.activity(&self.columns, values)
    }

    /// Bound the summed activity of sets of coupling rows (`rows → (lo, hi)`; every other
    /// set's activity is free again): a branching decision on rows whose activity is
    /// integral in every roster. The new row's dual is added to each coupling row's in
    /// [`MasterSolution`], so pricing sees it through [`MasterShape::dual_of`] unchanged.
    pub fn bound_activity(&mut self, wanted: &BTreeMap<Vec<usize>, (f64, f64)>) {
        let mut model = None;
        for rows in wanted.keys() {
            if !self.activity_rows.iter().any(|a| &a.coupling == rows) {
                let m = model.get_or_insert_with(|| self.take_model());
                let factors: Vec<(highs::Col, f64)> = self
                    .columns
                    .iter()
                    .zip(&self.handles)
                    .filter_map(|(c, &h)| {
                        let k = sum_in(&self.shape.column_entries(c), rows);
                        (k != 0.0).then_some((h, k))
                    })
                    .collect();
                let row = m.add_row(0.0..=0.0, factors);
                self.basis_primal_feasible = false;
                let t = Self::add_activity_columns(m, row, &mut self.ncols, &mut self.art_at);
                self.activity_rows.push(ActivityRow {
                    coupling: rows.clone(),
                    row,
                    t,
                    lo: f64::NEG_INFINITY,
                    hi: f64::INFINITY,
                });
            }
        }
        for i in 0..self.activity_rows.len() {
            let a = &self.activity_rows[i];
            let (lo, hi) = wanted
                .get(&a.coupling)
                .copied()
                .unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
            if (lo, hi) != (a.lo, a.hi) {
                let t = a.t;
                let m = model.get_or_insert_with(|| self.take_model());
                m.change_column_bounds(t, bounds(lo, hi));
                let a = &mut self.activity_rows[i];
                a.lo = lo;
                a.hi = hi;
                self.basis_primal_feasible = false;
            }
        }
        if let Some(m) = model {
            self.model = Some(m);
        }
    }

    /// The columns of a new activity row: `t` (free, returned) and two artificials.
    fn add_activity_columns(
        m: &mut Model,
        row: Row,
        ncols: &mut usize,
        art_at: &mut Vec<usize>,
    ) -> highs::Col {
        let t = m.add_col(0.0, bounds(f64::NEG_INFINITY, f64::INFINITY), [(row, -1.0)]);
        m.add_col(ARTIFICIAL_COST, 0.0.., [(row, 1.0)]);
        m.add_col(ARTIFICIAL_COST, 0.0.., [(row, -1.0)]);
        art_at.extend([*ncols + 1, *ncols + 2]);
        *ncols += 3;
        t
    }

    /// A schedule column's entries in the activity rows.
    fn activity_factors(&self, c: &Column) -> Vec<(Row, f64)> {
        if self.activity_rows.is_empty() {
            return Vec::new();
        }
        let entries = self.shape.column_entries(c);
        self.activity_rows
            .iter()
            .filter_map(|a| {
                let k = sum_in(&entries, &a.coupling);
                (k != 0.0).then_some((a.row, k))
            })
            .collect()
    }

    /// Open the columns `allowed` admits and close the others (upper bound 0): the share of
    /// the columns a branch-and-price node may use. HiGHS re-solves from its last basis.
    pub fn restrict(&mut self, allowed: &dyn Fn(&Column) -> bool) {
        let mut model = None;
        for i in 0..self.columns.len() {
            let want = allowed(&self.columns[i]);
            if want != self.open[i] {
                let m = model.get_or_insert_with(|| self.take_model());
                if want {
                    m.change_column_bounds(self.handles[i], 0.0..);
                } else {
                    m.change_column_bounds(self.handles[i], 0.0..=0.0);
                }
                self.open[i] = want;
                self.basis_primal_feasible = false;
            }
        }
        if let Some(m) = model {
            self.model = Some(m);
        }
    }

    /// The model to change or solve next: the unsolved one, or the last solved one turned
    /// back into a model (HiGHS keeps its basis).
    fn take_model(&mut self) -> Model {
        match (self.model.take(), self.solved.take()) {
            (Some(m), _) => m,
            (None, Some(s)) => Model::from(s),
            (None, None) => unreachable!("the master always holds a model"),
        }
    }

    /// Add a schedule column.
    pub fn add(&mut self, c: Column) {
        let mut model = self.take_model();
        let mut factors = self
            .shape
            .column_factors(&c, &self.coupling, &self.convexity);
        factors.extend(self.activity_factors(&c));
        self.handles.push(model.add_col(c.cost, 0.0.., factors));
        self.col_at.push(self.ncols);
        self.ncols += 1;
        self.open.push(true);
        self.columns.push(c);
        self.model = Some(model);
    }

    /// Solve the LP within `time_limit` seconds.
    pub fn solve(&mut self, time_limit: f64) -> Option<MasterSolution> {
        let t0 = std::time::Instant::now();
        if let Some(sol) = self.try_solve(time_limit) {
            return Some(sol);
        }
        // HiGHS may give up on a long-modified model (many bound changes from its basis):
        // solve the same LP once more from scratch.
        let left = time_limit - t0.elapsed().as_secs_f64();
        if left <= 0.0 {
            return None;
        }
        self.rebuild();
        self.try_solve(left)
    }

    /// The simplex method the next solve uses: primal after column additions to an optimal
    /// basis of the unrestricted master (the root's column generation), dual otherwise. In
    /// restricted masters (nodes, dive steps, neighbourhoods) primal ends on other degenerate
    /// vertices, and the dives of Curtois 8 and 9 went elsewhere (1405, 442 unproven). With
    /// dual smoothing, root only, one 60 s run each on 2 cores: 7 proven at 10.7 s (21.8 s
    /// dual), 10 at 12.0 s (23.3), 17 at 38.1 s (6253 unproven), 9 at 27–28 s (24.7), 8 1309
    /// in 2 of 2 (1305), 12 4893 (4927).
    pub fn next_simplex(&self) -> Simplex {
        let unrestricted = self.activity_rows.is_empty() && self.open.iter().all(|&o| o);
        match self.basis_primal_feasible && unrestricted {
            true => Simplex::Primal,
            false => Simplex::Dual,
        }
    }

    fn try_solve(&mut self, time_limit: f64) -> Option<MasterSolution> {
        let t0 = std::time::Instant::now();
        let mut model = self.take_model();
        configure(&mut model, &self.cfg, time_limit);
        // Columns added to an optimal basis leave it primal feasible: primal simplex goes on
        // from it (on Curtois 12 it halves the master's time against dual simplex, which
        // has to repair the basis's dual infeasibilities first). Changed bounds (closed
        // columns, activity bounds) leave it dual feasible: dual simplex.
        model.set_option("simplex_strategy", self.next_simplex().highs_strategy());
        let solved = match model.try_solve() {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(status = ?e, "master LP solve failed");
                self.rebuild();
                return None;
            }
        };
        let status = solved.status();
        let result = (status == HighsModelStatus::Optimal).then(|| {
            let sol = solved.get_solution();
            let rows = sol.dual_rows();
            let cols = sol.columns();
            let n_static = self.shape.cols.len();
            let n_art = self.shape.artificials();
            let artificial: f64 = cols[n_static..n_static + n_art].iter().sum::<f64>()
                + self.art_at.iter().map(|&j| cols[j]).sum::<f64>();
            let nr = self.coupling.len();
            let ne = self.convexity.len();
            let mut coupling_duals = rows[..nr].to_vec();
            for (i, a) in self.activity_rows.iter().enumerate() {
                for &r in &a.coupling {
                    coupling_duals[r] += rows[nr + ne + i];
                }
            }
            MasterSolution {
                objective: solved.objective_value(),
                coupling_duals,
                convexity_duals: rows[nr..nr + ne].to_vec(),
                artificial,
                values: self.col_at.iter().map(|&j| cols[j]).collect(),
            }
        });
        if result.is_none() {
            tracing::debug!(?status, "master LP not optimal");
        }
        tracing::trace!(
            seconds = t0.elapsed().as_secs_f64(),
            iterations = solved.simplex_iteration_count(),
            columns = self.columns.len(),
            "master LP solve"
        );
        self.basis_primal_feasible = result.is_some();
        self.solved = Some(solved);
        result
    }

    /// A fresh HiGHS model with the same columns and open/closed bounds (no basis).
    fn rebuild(&mut self) {
        self.rebuilds += 1;
        let (pb, coupling, convexity) = self.shape.build(false);
        let mut model = pb.optimise(Sense::Minimise);
        self.ncols = self.shape.cols.len() + self.shape.artificials();
        self.art_at.clear();
        for a in &mut self.activity_rows {
            a.row = model.add_row(0.0..=0.0, []);
            a.t = Self::add_activity_columns(&mut model, a.row, &mut self.ncols, &mut self.art_at);
            model.change_column_bounds(a.t, bounds(a.lo, a.hi));
        }
        self.coupling = coupling;
        self.convexity = convexity;
        self.handles.clear();
        self.col_at.clear();
        for (c, &open) in self.columns.iter().zip(&self.open) {
            let mut factors = self
                .shape
                .column_factors(c, &self.coupling, &self.convexity);
            factors.extend(self.activity_factors(c));
            let hi = if open { f64::INFINITY } else { 0.0 };
            self.handles.push(model.add_col(c.cost, 0.0..=hi, factors));
            self.col_at.push(self.ncols);
            self.ncols += 1;
        }
        self.model = Some(model);
        self.solved = None;
        self.basis_primal_feasible = false;
    }

    /// Each employee's cheapest column with exactly their schedule in `roster`, or `None`
    /// when some employee's schedule is not a column.
    pub fn columns_of(&self, roster: &Roster) -> Option<Vec<usize>> {
        let employees = self.convexity.len();
        let mut schedules: Vec<Vec<SlotIdx>> = vec![Vec::new(); employees];
        for a in &roster.assignments {
            schedules.get_mut(a.employee.ix())?.push(a.slot);
        }
        let mut cheapest: Vec<Option<usize>> = vec![None; employees];
        for (i, c) in self.columns.iter().enumerate() {
            let e = c.employee.ix();
            if c.slots == schedules[e] && cheapest[e].is_none_or(|j| c.cost < self.columns[j].cost)
            {
                cheapest[e] = Some(i);
            }
        }
        cheapest.into_iter().collect()
    }

    /// Solve the master as a MILP over the columns generated so far (price-and-branch):
    /// the best roster these schedules make, with HiGHS's objective and bound. With
    /// `only_open`, the columns [`MasterLp::restrict`] closed stay out.
    ///
    /// `start` (column indices, one per employee, as [`MasterLp::columns_of`] gives them) is
    /// HiGHS's first incumbent: its heuristics then search around it, and its cutoff prunes
    /// from the first node.
    pub fn solve_integer(
        &self,
        time_limit: f64,
        only_open: bool,
        start: Option<&[usize]>,
    ) -> Option<(Vec<usize>, f64, f64, bool)> {
        let (mut pb, coupling, convexity) = self.shape.build(true);
        for (c, &open) in self.columns.iter().zip(&self.open) {
            let factors = self.shape.column_factors(c, &coupling, &convexity);
            let hi = if open || !only_open { 1.0 } else { 0.0 };
            pb.add_integer_column(c.cost, 0.0..=hi, factors);
        }
        let first = self.shape.cols.len() + self.shape.artificials();
        let mut model = pb.optimise(Sense::Minimise);
        configure(&mut model, &self.cfg, time_limit);
        model.set_option("mip_rel_gap", 0.0);
        if let Some(start) = start {
            // Only the schedules are given: HiGHS completes the slack columns with an LP
            // over the fixed integers.
            let mut values = vec![0.0; first + self.columns.len()];
            for &i in start {
                values[first + i] = 1.0;
            }
            if model
                .try_set_solution(Some(&values), None, None, None)
                .is_err()
            {
                tracing::debug!("integer master start rejected");
            }
        }
        let solved = model.try_solve().ok()?;
        let has = solved.primal_solution_status() == highs::HighsSolutionStatus::Feasible;
        if !has {
            return None;
        }
        let values = solved.get_solution().columns().to_vec();
        let artificial: f64 = values[self.shape.cols.len()..first].iter().sum();
        if artificial > 1e-6 {
            return None;
        }
        let chosen = (0..self.columns.len())
            .filter(|&i| values[first + i] > 0.5)
            .collect();
        let bound = solved
            .double_info_value(c"mip_dual_bound")
            .unwrap_or(f64::NEG_INFINITY);
        let proven = solved.status() == HighsModelStatus::Optimal;
        Some((chosen, solved.objective_value(), bound, proven))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constraints::Scope;
    use crate::domain::{EmployeeIdx, Problem};
    use crate::model::BuildMode;

    fn problem(seed: u64, hard_cover: bool) -> Problem {
        let rules = serde_json::json!([
            {"id": "C1", "hard": hard_cover},
            {"id": "C3", "params": {"maxConsecutiveDays": 4, "minConsecutiveDays": 2}},
            {"id": "C4", "params": {"minRestHours": 12}},
            {"id": "C10", "hard": false, "weight": 2.0, "params": {"minConsecutiveDaysOff": 2}}
        ]);
        let req = crate::testkit::generated_request(6, 14, 0.8, seed, rules);
        crate::input::request_from_value(&req).expect("generated request is valid")
    }

    fn shape_over(mut m: ModelIr) -> MasterShape {
        let (own_cols, own_rows) = (m.cols.len(), m.rows.len());
        for rule in m.problem.rules.iter() {
            if rule.scope() == Scope::Coupling {
                rule.encode_coupling(&mut m);
            }
        }
        MasterShape::from_compact(&m, own_cols, own_rows)
    }

    /// HiGHS's time limit counts the run time of every solve of the same object: a master
    /// alive longer than one solve's limit must still solve within that limit, warm (no
    /// rebuild from scratch).
    #[test]
    fn a_long_lived_master_keeps_each_solves_own_time_limit() {
        let p = problem(1, false);
        let score = |_: EmployeeIdx, _: crate::domain::SlotIdx| 0.25;
        let all: Vec<EmployeeIdx> = (0..p.employees.len() as u32).map(EmployeeIdx).collect();
        let shape = shape_over(ModelIr::new(&p, all, &score, BuildMode::Normal));
        let mut master = MasterLp::new(&shape, &p.config);
        for e in 0..p.employees.len() as u32 {
            for day in 0..3u32 {
                let slots: Vec<SlotIdx> = p
                    .slots
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.day.rem_euclid(3) as u32 == day)
                    .map(|(i, _)| SlotIdx(i as u32))
                    .take(4)
                    .collect();
                master.add(Column {
                    employee: EmployeeIdx(e),
                    slots,
                    cost: 1.0 + day as f64,
                });
            }
        }
        // Solves with a limit of 0.2 s each until the object has run for three times that.
        let t0 = std::time::Instant::now();
        let mut solves = 0;
        while t0.elapsed().as_secs_f64() < 0.6 && solves < 200_000 {
            // One schedule closed in turn: every solve pivots.
            let closed = solves % master.columns.len();
            let (e, cost) = ((closed / 3) as u32, 1.0 + (closed % 3) as f64);
            master.restrict(&|c: &Column| !(c.employee.0 == e && c.cost == cost));
            assert!(master.solve(0.2).is_some(), "solve {solves}");
            solves += 1;
        }
        assert!(t0.elapsed().as_secs_f64() >= 0.6, "{solves} solves");
        assert_eq!(master.rebuilds(), 0, "{solves} solves");
    }

    /// The master reads only the coupling rows: built over the bare `x` columns they are
    /// the same as over the whole compact model (own rows and their columns included).
    #[test]
    fn coupling_rows_do_not_depend_on_the_own_rows() {
        for (seed, hard) in [(1, false), (2, true), (3, false)] {
            let p = problem(seed, hard);
            let score = |_: EmployeeIdx, _: crate::domain::SlotIdx| 0.25;
            let all: Vec<EmployeeIdx> = (0..p.employees.len() as u32).map(EmployeeIdx).collect();
            let full = ModelIr::for_employees(&p, all.clone(), &score, BuildMode::Normal);
            assert!(!full.rows.is_empty(), "the own rows exist");
            let bare = ModelIr::new(&p, all, &score, BuildMode::Normal);
            let (a, b) = (shape_over(full), shape_over(bare));
            assert!(a.coupling_rows() > 0);
            assert_eq!(a, b, "seed {seed}");
        }
    }
}
