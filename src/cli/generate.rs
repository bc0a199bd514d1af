//! `roster generate [--employees N] [--days D] [--shifts S] [--skills K] [--density F] [--seed X]`.

use std::path::PathBuf;

use roster::generate::{generate, GenerateSpec};

use super::{write_json, EXIT_OK};

#[derive(clap::Args)]
pub struct Args {
    /// Employees.
    #[arg(long, default_value_t = 20)]
    employees: usize,
    /// Days in the horizon.
    #[arg(long, default_value_t = 14)]
    days: u32,
    /// Shift types (1..=8).
    #[arg(long, default_value_t = 3)]
    shifts: usize,
    /// Distinct skills.
    #[arg(long, default_value_t = 3)]
    skills: usize,
    /// Fraction of available capacity that demand asks for.
    #[arg(long, default_value_t = 0.7)]
    density: f64,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// First date (Monday recommended).
    #[arg(long, default_value = "2025-12-01")]
    start: chrono::NaiveDate,
    /// Write here instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    anyhow::ensure!(a.employees >= 1, "--employees must be at least 1");
    anyhow::ensure!(
        (1..=roster::input::MAX_HORIZON_DAYS).contains(&a.days),
        "--days must be between 1 and {}",
        roster::input::MAX_HORIZON_DAYS
    );
    anyhow::ensure!(
        (1..=8).contains(&a.shifts),
        "--shifts must be between 1 and 8"
    );
    anyhow::ensure!(
        a.density > 0.0 && a.density <= 1.0,
        "--density must be in (0, 1]"
    );
    let spec = GenerateSpec {
        employees: a.employees,
        days: a.days,
        shifts: a.shifts,
        skills: a.skills,
        density: a.density,
        seed: a.seed,
        start: a.start,
    };
    write_json(a.output.as_ref(), &generate(&spec))?;
    Ok(EXIT_OK)
}
