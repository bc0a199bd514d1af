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
    /// Improving solutions in the order HiGHS found them.
    pub incumbents: Vec<Incumbent>,
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
        option: String,
        /// Value given.
        value: String,
    },
    /// HiGHS failed while solving.
    #[error("HiGHS failed while solving: {0}")]
    Run(String),
}

/// A column of a [`LinearProgram`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LpCol {
    /// Lower bound.
    pub lo: f64,
    /// Upper bound (may be +∞).
    pub hi: f64,
    /// Integer column.
    pub integer: bool,
    /// Objective coefficient (minimised).
    pub cost: f64,
}

/// A row `lo ≤ Σ coef·col ≤ hi` of a [`LinearProgram`].
#[derive(Clone, Debug, PartialEq)]
pub struct LpRow {
    /// Lower bound (may be −∞).
    pub lo: f64,
    /// Upper bound (may be +∞).
    pub hi: f64,
    /// Terms `(column index, coefficient)`.
    pub terms: Vec<(u32, f64)>,
}

/// A MILP in plain form: what every model of the crate (the roster IR, the task-assignment
/// model) lowers to before it is handed to HiGHS, so the solver options, the bound, the
/// status and the incumbent log are read in one place.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LinearProgram {
    /// Columns.
    pub cols: Vec<LpCol>,
    /// Rows.
    pub rows: Vec<LpRow>,
}

/// An improving solution found by HiGHS during the run.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Incumbent {
    /// Seconds since `Highs_run` started.
    pub seconds: f64,
    /// Objective of the new incumbent (the model's objective, without constant offsets).
    pub objective: f64,
}

/// Solve the IR as a MILP. `warm` gives initial column values (a feasible roster).
pub fn solve(
    ir: &ModelIr,
    cfg: &SolverConfig,
    warm: Option<&[f64]>,
    log: bool,
) -> Result<MilpRun, BackendError> {
    let t0 = Instant::now();
    let lp = ir.to_linear_program();
    let lower_seconds = t0.elapsed().as_secs_f64();
    let mut run = solve_lp(&lp, cfg, warm, log)?;
    run.build_seconds += lower_seconds;
    Ok(run)
}

/// Solve a [`LinearProgram`] on HiGHS with the options of `cfg`; `warm` gives initial
/// column values (HiGHS checks them and keeps them as incumbent when feasible).
pub fn solve_lp(
    lp: &LinearProgram,
    cfg: &SolverConfig,
    warm: Option<&[f64]>,
    log: bool,
) -> Result<MilpRun, BackendError> {
    run_lp(lp, cfg, warm, log, None)
}

/// [`solve_lp`] for solutions of objective below `cutoff` only (HiGHS's `objective_bound`):
/// every node whose bound reaches it is pruned, so "none exists" is proven fast — the
/// status is then not `Optimal` and `values` is `None`. The pricing problems of the
/// decomposition ask exactly this: is there a schedule of negative reduced cost?
pub fn solve_lp_below(
    lp: &LinearProgram,
    cfg: &SolverConfig,
    cutoff: f64,
) -> Result<MilpRun, BackendError> {
    run_lp(lp, cfg, None, false, Some(cutoff))
}

fn run_lp(
    lp: &LinearProgram,
    cfg: &SolverConfig,
    warm: Option<&[f64]>,
    log: bool,
    cutoff: Option<f64>,
) -> Result<MilpRun, BackendError> {
    let t0 = Instant::now();
    let mut vars = ProblemVariables::new();
    let mut integer_columns = 0;
    let cols: Vec<Variable> = lp
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
    for (c, &v) in lp.cols.iter().zip(&cols) {
        if c.cost != 0.0 {
            objective.add_mul(c.cost, v);
        }
    }
    let mut problem = vars.minimise(objective).using(good_lp::highs);
    let mut rows = 0;
    let mut nonzeros = 0;
    for r in &lp.rows {
        let mut e = Expression::with_capacity(r.terms.len());
        for &(c, k) in &r.terms {
            e.add_mul(k, cols[c as usize]);
        }
        let n = r.terms.len();
        if r.lo == r.hi {
            problem.add_constraint(e.eq(r.lo));
            rows += 1;
            nonzeros += n;
        } else if r.lo.is_finite() && r.hi.is_finite() {
            problem.add_constraint(e.clone().geq(r.lo));
            problem.add_constraint(e.leq(r.hi));
            rows += 2;
            nonzeros += 2 * n;
        } else if r.lo.is_finite() {
            problem.add_constraint(e.geq(r.lo));
            rows += 1;
            nonzeros += n;
        } else if r.hi.is_finite() {
            problem.add_constraint(e.leq(r.hi));
            rows += 1;
            nonzeros += n;
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
    // The interior point root runs on the unpresolved model: on large rosters HiGHS's MIP
    // presolve spends most of the time limit probing (see `RootLp::IPM_COLUMNS`).
    let ipm_root = cfg.root_lp.uses_ipm(lp.cols.len());
    set(
        &mut model,
        "presolve",
        if cfg.presolve && !ipm_root {
            "on"
        } else {
            "off"
        },
    )?;
    if ipm_root {
        set(&mut model, "mip_lp_solver", "ipx")?;
    }
    // Two root procedures of HiGHS do not look at the clock: on Curtois Instance24 (1.6 M
    // columns, 50 M nonzeros) feasibility jump ran past 400 s of a 60 s limit, and symmetry
    // detection after it. Without them the same run stops at 96 s.
    if lp.cols.len() >= HUGE_COLUMNS {
        set(&mut model, "mip_heuristic_run_feasibility_jump", false)?;
        set(&mut model, "mip_detect_symmetry", false)?;
    } else if warm.is_some() {
        // Feasibility jump looks for a first incumbent; a warm start is one. On the
        // incremental benchmark (13,000 rows) it took a third of HiGHS's time for nothing.
        set(&mut model, "mip_heuristic_run_feasibility_jump", false)?;
    }
    // HiGHS fixes its thread pool at first use in a process; a later different value is
    // refused. Keep the first one rather than failing the solve.
    if model.try_set_option("threads", cfg.threads as i32).is_err() {
        tracing::warn!(threads = cfg.threads, "HiGHS kept its earlier thread count");
    }
    apply_extra_options(&mut model)?;
    if let Some(c) = cutoff {
        set(&mut model, "objective_bound", c)?;
    }
    if let Some(w) = warm {
        model
            .try_set_solution(Some(w), None, None, None)
            .map_err(|e| BackendError::Run(format!("warm start rejected: {e:?}")))?;
    }
    let build_seconds = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    // Not moved until the run is over: HiGHS holds its address meanwhile.
    let mut incumbents: Vec<Incumbent> = Vec::new();
    watch_incumbents(&mut model, &mut incumbents)?;
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
        incumbents,
    })
}

/// Register the improving-solution callback, so the run reports when each incumbent was
/// found (the "time to best" of `roster bench`).
fn watch_incumbents(
    model: &mut highs::Model,
    log: &mut Vec<Incumbent>,
) -> Result<(), BackendError> {
    let user = log as *mut Vec<Incumbent> as *mut std::os::raw::c_void;
    // SAFETY: `model` owns a live HiGHS instance; `user` points to a `Vec` that
    // the caller neither moves nor drops until the run is over, and only `on_callback` dereferences it.
    let status = unsafe {
        let h = model.as_mut_ptr();
        let set = highs_sys::Highs_setCallback(h, Some(on_callback), user);
        if set == highs_sys::STATUS_OK {
            highs_sys::Highs_startCallback(h, highs_sys::kHighsCallbackMipImprovingSolution)
        } else {
            set
        }
    };
    if status == highs_sys::STATUS_OK {
        Ok(())
    } else {
        Err(BackendError::Run(
            "HiGHS refused the improving-solution callback".into(),
        ))
    }
}

unsafe extern "C" fn on_callback(
    kind: std::os::raw::c_int,
    _message: *const std::os::raw::c_char,
    out: *const highs_sys::HighsCallbackDataOut,
    _input: *mut highs_sys::HighsCallbackDataIn,
    user: *mut std::os::raw::c_void,
) {
    if kind != highs_sys::kHighsCallbackMipImprovingSolution || out.is_null() || user.is_null() {
        return;
    }
    // SAFETY: HiGHS passes back the `user` pointer given to `Highs_setCallback` (a live
    // `Vec<Incumbent>`) and a valid `out` for the duration of the call.
    let (log, out) = unsafe { (&mut *(user as *mut Vec<Incumbent>), &*out) };
    log.push(Incumbent {
        seconds: out.running_time,
        objective: out.objective_function_value,
    });
}

/// `ROSTER_HIGHS_OPTIONS="name=value;name=value"`: raw HiGHS options for experiments (for
/// example `mip_lp_solver=ipx`), applied after ours. Numbers are passed as numbers, `true` /
/// `false` as booleans, anything else as a string; an option HiGHS refuses is an error.
fn apply_extra_options(model: &mut highs::Model) -> Result<(), BackendError> {
    let Ok(spec) = std::env::var("ROSTER_HIGHS_OPTIONS") else {
        return Ok(());
    };
    for item in spec.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let (name, value) = item.split_once('=').unwrap_or((item, ""));
        let (name, value) = (name.trim(), value.trim());
        let refused = || BackendError::Option {
            option: name.to_string(),
            value: value.to_string(),
        };
        let ok = if let Ok(i) = value.parse::<i32>() {
            model.try_set_option(name, i).is_ok()
                || model.try_set_option(name, f64::from(i)).is_ok()
        } else if let Ok(f) = value.parse::<f64>() {
            model.try_set_option(name, f).is_ok()
        } else if let Ok(b) = value.parse::<bool>() {
            model.try_set_option(name, b).is_ok()
        } else {
            model.try_set_option(name, value).is_ok()
        };
        if !ok {
            return Err(refused());
        }
        tracing::info!(option = name, value, "extra HiGHS option");
    }
    Ok(())
}

/// Model size (columns) from which HiGHS's feasibility jump and symmetry detection are
/// switched off because they overrun the time limit there (measured on Curtois Instance24).
pub const HUGE_COLUMNS: usize = 500_000;

fn set<V: highs::HighsOptionValue + std::fmt::Debug + Copy>(
    model: &mut highs::Model,
    option: &'static str,
    value: V,
) -> Result<(), BackendError> {
    model
        .try_set_option(option, value)
        .map_err(|_| BackendError::Option {
            option: option.to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// max 5a + 4b + 3c s.t. 2a + 3b + c ≤ 5, 4a + b + 2c ≤ 11, 3a + 4b + 2c ≤ 8, binaries,
    /// written as a minimisation; the optimum takes a and b (9).
    fn knapsack() -> LinearProgram {
        let col = |cost| LpCol {
            lo: 0.0,
            hi: 1.0,
            integer: true,
            cost,
        };
        let row = |terms: Vec<(u32, f64)>, hi| LpRow {
            lo: f64::NEG_INFINITY,
            hi,
            terms,
        };
        LinearProgram {
            cols: vec![col(-5.0), col(-4.0), col(-3.0)],
            rows: vec![
                row(vec![(0, 2.0), (1, 3.0), (2, 1.0)], 5.0),
                row(vec![(0, 4.0), (1, 1.0), (2, 2.0)], 11.0),
                row(vec![(0, 3.0), (1, 4.0), (2, 2.0)], 8.0),
            ],
        }
    }

    #[test]
    fn solves_a_plain_program_and_logs_its_incumbents() {
        let run = solve_lp(&knapsack(), &SolverConfig::default(), None, false).unwrap();
        assert_eq!(run.status, highs::HighsModelStatus::Optimal);
        let objective = run.objective.unwrap();
        assert!((objective + 9.0).abs() < 1e-9, "objective {objective}");
        assert_eq!(run.size.columns, 3);
        assert_eq!(run.size.rows, 3);
        assert_eq!(run.size.nonzeros, 9);
        // Presolve may solve it outright; when HiGHS reports incumbents, the last is the
        // optimum and they improve in time order.
        if let Some(last) = run.incumbents.last() {
            assert!((last.objective - objective).abs() < 1e-9);
            assert!(run
                .incumbents
                .windows(2)
                .all(|w| w[0].seconds <= w[1].seconds && w[1].objective <= w[0].objective));
        }
    }

    #[test]
    fn a_warm_start_is_reported_as_an_incumbent() {
        let cfg = SolverConfig {
            presolve: false,
            ..SolverConfig::default()
        };
        let run = solve_lp(&knapsack(), &cfg, Some(&[1.0, 0.0, 1.0]), false).unwrap();
        assert!((run.objective.unwrap() + 9.0).abs() < 1e-9);
        assert!(!run.incumbents.is_empty(), "no incumbent logged");
    }
}
