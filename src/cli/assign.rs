//! `roster assign INPUT [--method …] [-o OUT] [--time-limit S] [--seed N] [--solver-log]`:
//! solve a task request. `roster solve` hands task requests (a `tasks` key) here too.

use std::path::PathBuf;

use roster::domain::{Method, WarmStart};
use roster::solve::Status;
use roster::tasks::{solve_tasks, task_human_summary, task_solution_json, TaskSolveOptions};

use super::{read_input, write_json, EXIT_INFEASIBLE, EXIT_NO_SOLUTION, EXIT_OK, EXIT_VIOLATIONS};

#[derive(clap::Args)]
pub struct Args {
    /// Task request (JSON; `-` for stdin).
    input: PathBuf,
    /// Write the solution here instead of stdout (written only when the input is valid).
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    overrides: Overrides,
}

/// Command-line settings that override the request's `method` and `solverConfig`.
#[derive(clap::Args, Default)]
pub struct Overrides {
    /// Method (overrides method / solverConfig.method).
    #[arg(long, value_parser = ["milp", "greedy_ml", "balanced_ml"])]
    pub method: Option<String>,
    /// Warm start for milp (overrides solverConfig.warmStart).
    #[arg(long, value_parser = ["greedy_ml", "balanced_ml", "none"])]
    pub warm_start: Option<String>,
    /// Time limit in seconds (overrides solverConfig.timeLimitSeconds).
    #[arg(long, value_parser = super::positive_seconds)]
    pub time_limit: Option<f64>,
    /// HiGHS threads.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub threads: Option<u32>,
    /// Seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Show HiGHS's own log.
    #[arg(long)]
    pub solver_log: bool,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let text = read_input(&a.input)?;
    let value = roster::input::parse_json(&text, "task request")?;
    run_value(&value, a.output.as_ref(), &a.overrides)
}

/// Validate, solve, write the solution and the summary; the exit code follows the status.
pub fn run_value(
    value: &serde_json::Value,
    output: Option<&PathBuf>,
    o: &Overrides,
) -> anyhow::Result<u8> {
    let mut p = roster::tasks::task_request_from_value(value)?;
    if let Some(m) = &o.method {
        p.config.method = match m.as_str() {
            "greedy_ml" => Method::GreedyMl,
            "balanced_ml" => Method::BalancedMl,
            _ => Method::Milp,
        };
    }
    if let Some(w) = &o.warm_start {
        p.config.warm_start = match w.as_str() {
            "none" => WarmStart::None,
            "balanced_ml" => WarmStart::BalancedMl,
            _ => WarmStart::GreedyMl,
        };
    }
    if let Some(t) = o.time_limit {
        p.config.time_limit_seconds = t;
    }
    if let Some(t) = o.threads {
        p.config.threads = t;
    }
    if let Some(s) = o.seed {
        p.config.seed = s;
    }
    let opts = TaskSolveOptions {
        solver_log: o.solver_log,
        ..Default::default()
    };
    let sol = solve_tasks(&p, &opts)?;
    write_json(output, &task_solution_json(&p, &sol))?;
    eprint!("{}", task_human_summary(&p, &sol));
    if sol.check.as_ref().is_some_and(|c| !c.feasible) && sol.status.has_roster() {
        return Ok(EXIT_VIOLATIONS);
    }
    Ok(match sol.status {
        Status::Optimal | Status::Feasible | Status::NoSlots => EXIT_OK,
        Status::Infeasible => EXIT_INFEASIBLE,
        Status::TimeLimitNoSolution | Status::NoSolution => EXIT_NO_SOLUTION,
    })
}
