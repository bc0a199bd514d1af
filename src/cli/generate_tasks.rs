//! `roster generate-tasks [--tasks N] [--employees M] [--seed S] [-o FILE]`: a seeded random
//! task request (`roster::scoring::training::random_task_request`, the requests the training
//! data comes from), for benchmarks and experiments.

use std::path::PathBuf;

use super::{write_json, EXIT_OK};

#[derive(clap::Args)]
pub struct Args {
    /// Tasks (all pending).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    tasks: u64,
    /// Employees.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    employees: u64,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Method written into the request.
    #[arg(long, value_parser = ["milp", "greedy_ml", "balanced_ml"])]
    method: Option<String>,
    /// Write here instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let mut req = roster::scoring::training::random_task_request(
        a.tasks as usize,
        a.employees as usize,
        a.seed,
        "",
    );
    if let Some(m) = a.method {
        req["method"] = serde_json::json!(m);
    }
    write_json(a.output.as_ref(), &req)?;
    Ok(EXIT_OK)
}
