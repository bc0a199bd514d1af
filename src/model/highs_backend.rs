//! The compact MILP on HiGHS: the IR is handed to good_lp, which builds the HiGHS problem;
//! the `highs::Model` behind it is then driven directly, because good_lp hides what a serious
//! run needs (the best bound, the raw status, warm start on the same model, option errors).

use std::time::Instant;

use good_lp::{variable, Expression, ProblemVariables, SolverModel, Variable};
use highs::{HighsModelStatus, HighsSolutionStatus};

use super::ModelIr;
use crate::domain::SolverConfig;

/// Size of the model handed to HiGHS.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ModelSize {
    /// Rows (a ranged row counts twice: good_lp emits one-sided rows).
    pub rows: usize,
    /// Columns.
    pub columns: usize,
    /// Nonzeros.
    pub nonzeros: usize,
    /// Integer columns.
    pub integer_columns: usize,
}

/// What HiGHS returned.
#[derive(Clone, Debug)]
pub struct MilpRun {
    /// HiGHS model status.
    pub status: HighsModelStatus,
    /// Column values when HiGHS has a feasible solution.
    pub values: Option<Vec<f64>>,
    /// Objective of `values`.
    pub objective: Option<f64>,
    /// Best dual bound (`mip_dual_bound`).
    pub bound: Option<f64>,
    /// HiGHS's relative gap.
    pub gap: Option<f64>,
    /// Branch-and-bound nodes.
    pub nodes: Option<i64>,
    /// Model size.
    pub size: ModelSize,
    /// Seconds to hand the model to HiGHS.
    pub build_seconds: f64,
    /// Seconds in `Highs_run`.
    pub solve_seconds: f64,
}

/// Errors from HiGHS itself (not infeasibility, which is a status).
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// HiGHS refused the model.
    #[error("HiGHS could not load the model: {0}")]
    Load(String),
    /// HiGHS refused an option.
    #[error("HiGHS refused option {option} = {value}")]
    Option {
        /// Option name.
        option: &'static str,
        /// Value given.
        value: String,
    },
    /// HiGHS failed while solving.
    #[error("HiGHS failed while solving: {0}")]
    Run(String),
}

/// Solve the IR as a MILP. `warm` gives initial column values (a feasible roster).
pub fn solve(
    ir: &ModelIr,
    cfg: &SolverConfig,
    warm: Option<&[f64]>,
    log: bool,
) -> Result<MilpRun, BackendError> {
    let t0 = Instant::now();
    let mut vars = ProblemVariables::new();
    let mut integer_columns = 0;
    let cols: Vec<Variable> = ir
        .cols
        .iter()
        .map(|c| {
            let mut d = variable().min(c.lo);
            if c.hi.is_finite() {
                d = d.max(c.hi);
            }
            if c.integer {
                integer_columns += 1;
                d = d.integer();
            }
            vars.add(d)
        })
        .collect();
    let mut objective = Expression::with_capacity(cols.len());
    for (c, &v) in ir.cols.iter().zip(&cols) {
        if c.cost != 0.0 {
            objective.add_mul(c.cost, v);
        }
    }
    let mut problem = vars.minimise(objective).using(good_lp::highs);
    let mut rows = 0;
    let mut nonzeros = 0;
    for r in &ir.rows {
        let mut e = Expression::with_capacity(r.terms.len() + 2);
        for &(c, k) in &r.terms {
            e.add_mul(k, cols[c.ix()]);
        }
        if let Some(b) = r.below {
            e.add_mul(1.0, cols[b.ix()]);
        }
        if let Some(a) = r.above {
            e.add_mul(-1.0, cols[a.ix()]);
        }
        let n = r.terms.len() + usize::from(r.below.is_some()) + usize::from(r.above.is_some());
        if r.lo == r.hi {
            problem.add_constraint(e.eq(r.lo));
            rows += 1;
            nonzeros += n;
        } else {
            if r.lo.is_finite() && r.hi.is_finite() {
                problem.add_constraint(e.clone().geq(r.lo));
                problem.add_constraint(e.leq(r.hi));
                rows += 2;
                nonzeros += 2 * n;
            } else if r.lo.is_finite() {
                problem.add_constraint(e.geq(r.lo));
                rows += 1;
                nonzeros += n;
            } else {
                problem.add_constraint(e.leq(r.hi));
                rows += 1;
                nonzeros += n;
            }
        }
    }
    let size = ModelSize {
        rows,
        columns: cols.len(),
        nonzeros,
        integer_columns,
    };
    let mut model = problem
        .try_into_inner()
        .map_err(|e| BackendError::Load(e.to_string()))?;
    set(&mut model, "output_flag", log)?;
    set(&mut model, "log_to_console", log)?;
    set(&mut model, "time_limit", cfg.time_limit_seconds)?;
    set(&mut model, "mip_rel_gap", cfg.mip_rel_gap)?;
    set(&mut model, "mip_abs_gap", cfg.mip_abs_gap)?;
    set(
        &mut model,
        "random_seed",
        (cfg.seed % (i32::MAX as u64)) as i32,
    )?;
    set(
        &mut model,
        "presolve",
        if cfg.presolve { "on" } else { "off" },
    )?;
    // HiGHS fixes its thread pool at first use in a process; a later different value is
    // refused. Keep the first one rather than failing the solve.
    if model.try_set_option("threads", cfg.threads as i32).is_err() {
        tracing::warn!(threads = cfg.threads, "HiGHS kept its earlier thread count");
    }
    if let Some(w) = warm {
        model
            .try_set_solution(Some(w), None, None, None)
            .map_err(|e| BackendError::Run(format!("warm start rejected: {e:?}")))?;
    }
    let build_seconds = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let solved = model
        .try_solve()
        .map_err(|e| BackendError::Run(format!("{e:?}")))?;
    let solve_seconds = t1.elapsed().as_secs_f64();
    let status = solved.status();
    let has_solution = solved.primal_solution_status() == HighsSolutionStatus::Feasible;
    let values = has_solution.then(|| solved.get_solution().columns().to_vec());
    let objective = has_solution.then(|| solved.objective_value());
    let bound = solved
        .double_info_value(c"mip_dual_bound")
        .ok()
        .filter(|b| b.is_finite());
    let gap = solved
        .double_info_value(c"mip_gap")
        .ok()
        .filter(|g| g.is_finite());
    let nodes = node_count(&solved);
    Ok(MilpRun {
        status,
        values,
        objective,
        bound,
        gap,
        nodes,
        size,
        build_seconds,
        solve_seconds,
    })
}

fn set<V: highs::HighsOptionValue + std::fmt::Debug + Copy>(
    model: &mut highs::Model,
    option: &'static str,
    value: V,
) -> Result<(), BackendError> {
    model
        .try_set_option(option, value)
        .map_err(|_| BackendError::Option {
            option,
            value: format!("{value:?}"),
        })
}

/// `mip_node_count` is an int64 info item, which the `highs` crate cannot read.
fn node_count(solved: &highs::SolvedModel) -> Option<i64> {
    let mut nodes: i64 = -1;
    // SAFETY: `solved` owns a live HiGHS instance; the name is a NUL-terminated literal and
    // `nodes` outlives the call.
    let status = unsafe {
        highs_sys::Highs_getInt64InfoValue(solved.as_ptr(), c"mip_node_count".as_ptr(), &mut nodes)
    };
    (status == highs_sys::STATUS_OK && nodes >= 0).then_some(nodes)
}
