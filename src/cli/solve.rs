//! `roster solve INPUT [-o OUT] [--method …] [--time-limit S]`: a roster request, a task
//! request (detected by its `tasks` key), which goes to `roster assign`'s code, or an
//! incremental request (`previousRoster` or `emptySlots`, see `roster::incremental`).

use std::path::PathBuf;

use roster::domain::{Method, SolverConfig, WarmStart};
use roster::incremental::RequestKind;
use roster::solve::{SolveOptions, Status};

use super::{read_input, write_json, EXIT_INFEASIBLE, EXIT_NO_SOLUTION, EXIT_OK};

#[derive(clap::Args)]
pub struct Args {
    /// Roster request (JSON; `-` for stdin).
    input: PathBuf,
    /// Write the solution here instead of stdout (written only when the input is valid).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Method (overrides solverConfig.method).
    #[arg(long, value_parser = ["milp", "greedy_ml", "balanced_ml"])]
    method: Option<String>,
    /// Warm start for milp (overrides solverConfig.warmStart).
    #[arg(long, value_parser = ["greedy_ml", "balanced_ml", "none"])]
    warm_start: Option<String>,
    /// Formulation of milp (overrides solverConfig.strategy).
    #[arg(long, value_parser = ["compact", "decomposition", "auto"])]
    strategy: Option<String>,
    /// Time limit in seconds (overrides solverConfig.timeLimitSeconds).
    #[arg(long, value_parser = super::positive_seconds)]
    time_limit: Option<f64>,
    /// HiGHS threads.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=256))]
    threads: Option<u32>,
    /// Seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Show HiGHS's own log.
    #[arg(long)]
    solver_log: bool,
    /// LightGBM model file (sidecar .json beside it) for the affinity scores; default: the
    /// fallback heuristic.
    #[arg(long)]
    model: Option<PathBuf>,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let text = read_input(&a.input)?;
    let value = roster::input::parse_json(&text, "roster request")?;
    let kind = roster::incremental::detect(&value)?;
    if matches!(kind, RequestKind::FullRoster | RequestKind::EmptySlots) {
        return incremental(&value, &a);
    }
    if kind == RequestKind::Tasks {
        let o = super::assign::Overrides {
            method: a.method.clone(),
            warm_start: a.warm_start.clone(),
            time_limit: a.time_limit,
            threads: a.threads,
            seed: a.seed,
            solver_log: a.solver_log,
            model: a.model,
        };
        return super::assign::run_value(&value, a.output.as_ref(), &o);
    }
    let mut p = roster::input::request_from_value(&value)?;
    overrides(&mut p.config, &a)?;
    let model = super::assign::load_model(a.model.as_ref())?;
    let opts = SolveOptions {
        solver_log: a.solver_log,
        scorer: match &model {
            Some(m) => m,
            None => &roster::scoring::FallbackScorer,
        },
    };
    let sol = roster::solve::solve(&p, &opts)?;
    let doc = roster::output::solution_json(&p, &sol, opts.scorer);
    write_json(a.output.as_ref(), &doc)?;
    eprint!("{}", roster::output::human_summary(&p, &sol));
    Ok(exit_code(sol.status))
}

fn exit_code(status: Status) -> u8 {
    match status {
        Status::Optimal | Status::Feasible | Status::NoSlots => EXIT_OK,
        Status::Infeasible => EXIT_INFEASIBLE,
        Status::TimeLimitNoSolution | Status::NoSolution => EXIT_NO_SOLUTION,
    }
}

/// An incremental request: the window problem solved by the same engine, locked assignments
/// merged back verbatim.
fn incremental(value: &serde_json::Value, a: &Args) -> anyhow::Result<u8> {
    let mut prep = roster::incremental::load(value)?;
    overrides(&mut prep.problem.config, a)?;
    let model = super::assign::load_model(a.model.as_ref())?;
    let opts = SolveOptions {
        solver_log: a.solver_log,
        scorer: match &model {
            Some(m) => m,
            None => &roster::scoring::FallbackScorer,
        },
    };
    let sol = roster::solve::solve(&prep.problem, &opts)?;
    let doc = roster::incremental::incremental_json(&prep, &sol, opts.scorer);
    write_json(a.output.as_ref(), &doc)?;
    let inc = &doc["incrementalSolve"];
    eprintln!(
        "incremental ({}): {} open position(s) from {} to {}, {} filled, {} unfilled; prepared in {:.3} s",
        prep.mode.as_str(),
        inc["emptySlotCount"],
        prep.solve_from,
        prep.solve_to,
        inc["filledSlotCount"],
        inc["unfilledSlotCount"],
        prep.prepare_seconds
    );
    eprint!("{}", roster::output::human_summary(&prep.problem, &sol));
    Ok(exit_code(sol.status))
}

/// The command-line overrides of `solverConfig`.
fn overrides(c: &mut SolverConfig, a: &Args) -> anyhow::Result<()> {
    if let Some(m) = &a.method {
        c.method = match m.as_str() {
            "greedy_ml" => Method::GreedyMl,
            "balanced_ml" => Method::BalancedMl,
            _ => Method::Milp,
        };
    }
    if let Some(w) = &a.warm_start {
        c.warm_start = match w.as_str() {
            "none" => WarmStart::None,
            "balanced_ml" => WarmStart::BalancedMl,
            _ => WarmStart::GreedyMl,
        };
    }
    if let Some(s) = &a.strategy {
        c.strategy = roster::domain::Strategy::parse(s).unwrap_or(c.strategy);
    }
    if let Some(t) = a.time_limit {
        anyhow::ensure!(
            t > 0.0 && t.is_finite(),
            "--time-limit must be a positive number of seconds"
        );
        c.time_limit_seconds = t;
    }
    if let Some(t) = a.threads {
        anyhow::ensure!(t >= 1, "--threads must be at least 1");
        c.threads = t;
    }
    if let Some(s) = a.seed {
        c.seed = s;
    }
    Ok(())
}
