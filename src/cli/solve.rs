//! `roster solve INPUT [-o OUT] [--method …] [--time-limit S]`: a roster request, or a task
//! request (detected by its `tasks` key), which goes to `roster assign`'s code.

use std::path::PathBuf;

use roster::domain::{Method, WarmStart};
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
    if value.get("tasks").is_some() {
        let o = super::assign::Overrides {
            method: a.method,
            warm_start: a.warm_start,
            time_limit: a.time_limit,
            threads: a.threads,
            seed: a.seed,
            solver_log: a.solver_log,
            model: a.model,
        };
        return super::assign::run_value(&value, a.output.as_ref(), &o);
    }
    let mut p = roster::input::request_from_value(&value)?;
    if let Some(m) = &a.method {
        p.config.method = match m.as_str() {
            "greedy_ml" => Method::GreedyMl,
            "balanced_ml" => Method::BalancedMl,
            _ => Method::Milp,
        };
    }
    if let Some(w) = &a.warm_start {
        p.config.warm_start = match w.as_str() {
            "none" => WarmStart::None,
            "balanced_ml" => WarmStart::BalancedMl,
            _ => WarmStart::GreedyMl,
        };
    }
    if let Some(t) = a.time_limit {
        anyhow::ensure!(
            t > 0.0 && t.is_finite(),
            "--time-limit must be a positive number of seconds"
        );
        p.config.time_limit_seconds = t;
    }
    if let Some(t) = a.threads {
        anyhow::ensure!(t >= 1, "--threads must be at least 1");
        p.config.threads = t;
    }
    if let Some(s) = a.seed {
        p.config.seed = s;
    }
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
    Ok(match sol.status {
        Status::Optimal | Status::Feasible | Status::NoSlots => EXIT_OK,
        Status::Infeasible => EXIT_INFEASIBLE,
        Status::TimeLimitNoSolution | Status::NoSolution => EXIT_NO_SOLUTION,
    })
}
