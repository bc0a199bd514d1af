//! `roster assign INPUT [--method …] [--model FILE] [--preview --store DIR] [-o OUT]
//! [--time-limit S] [--seed N] [--solver-log]`: solve a task request (with `--preview`, store
//! it as a preview for `roster finalize`). `roster solve` hands task requests (a `tasks` key)
//! here too.

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
    /// Store the result as a preview in --store (the output is the preview document; its
    /// `previewId` goes to `roster finalize`).
    #[arg(long, requires = "store")]
    preview: bool,
    /// Assignment store directory (previews, finalized records, training log).
    #[arg(long)]
    store: Option<PathBuf>,
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
    /// LightGBM model file (sidecar FILE with extension .json beside it); default: the
    /// fallback heuristic.
    #[arg(long)]
    pub model: Option<PathBuf>,
}

/// Load `--model`, if given (a usage error, exit 2, when it cannot be used).
pub fn load_model(
    path: Option<&PathBuf>,
) -> anyhow::Result<Option<roster::scoring::lightgbm::LightGbmScorer>> {
    path.map(|p| {
        roster::scoring::lightgbm::LightGbmScorer::load(p)
            .map_err(|e| super::UsageError(format!("--model {}: {e}", p.display())).into())
    })
    .transpose()
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let text = read_input(&a.input)?;
    let value = roster::input::parse_json(&text, "task request")?;
    if a.preview {
        let store = a
            .store
            .as_ref()
            .expect("clap requires --store with --preview");
        return run_preview(&value, a.output.as_ref(), &a.overrides, store);
    }
    run_value(&value, a.output.as_ref(), &a.overrides)
}

fn run_preview(
    value: &serde_json::Value,
    output: Option<&PathBuf>,
    o: &Overrides,
    store: &std::path::Path,
) -> anyhow::Result<u8> {
    let p = problem(value, o)?;
    let model = load_model(o.model.as_ref())?;
    let opts = TaskSolveOptions {
        solver_log: o.solver_log,
        scorer: match &model {
            Some(m) => m,
            None => &roster::scoring::FallbackScorer,
        },
    };
    let mut fs = roster::tasks::FileStore::new(store);
    let preview = roster::tasks::preview_assignments(&p, &opts, &mut fs)?;
    write_json(output, &preview.document)?;
    eprint!("{}", task_human_summary(&p, &preview.solution));
    eprintln!(
        "preview {} stored in {}; finalize with: roster finalize {} --store {}",
        preview.id,
        store.display(),
        preview.id,
        store.display()
    );
    Ok(EXIT_OK)
}

/// Validate, solve, write the solution and the summary; the exit code follows the status.
pub fn run_value(
    value: &serde_json::Value,
    output: Option<&PathBuf>,
    o: &Overrides,
) -> anyhow::Result<u8> {
    let p = problem(value, o)?;
    let model = load_model(o.model.as_ref())?;
    let opts = TaskSolveOptions {
        solver_log: o.solver_log,
        scorer: match &model {
            Some(m) => m,
            None => &roster::scoring::FallbackScorer,
        },
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

/// Validate the request and apply the overrides.
fn problem(value: &serde_json::Value, o: &Overrides) -> anyhow::Result<roster::tasks::TaskProblem> {
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
    Ok(p)
}
