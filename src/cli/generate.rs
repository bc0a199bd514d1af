//! `roster generate [--employees N] [--days D] [--shifts S] [--skills K] [--density F] [--seed X]`.

use std::path::PathBuf;

use roster::generate::{generate, GenerateSpec};

use super::{write_json, EXIT_OK};

#[derive(clap::Args)]
pub struct Args {
    /// Employees.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    employees: u32,
    /// Days in the horizon.
    #[arg(long, default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=roster::input::MAX_HORIZON_DAYS as i64))]
    days: u32,
    /// Shift types (1..=8).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=8))]
    shifts: u32,
    /// Distinct skills.
    #[arg(long, default_value_t = 3)]
    skills: usize,
    /// Fraction of available capacity that demand asks for, in (0, 1].
    #[arg(long, default_value_t = 0.7, value_parser = density)]
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
    let spec = GenerateSpec {
        employees: a.employees as usize,
        days: a.days,
        shifts: a.shifts as usize,
        skills: a.skills,
        density: a.density,
        seed: a.seed,
        start: a.start,
    };
    write_json(a.output.as_ref(), &generate(&spec))?;
    Ok(EXIT_OK)
}

fn density(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 1.0 => Ok(v),
        _ => Err(format!("{s} is not in (0, 1]")),
    }
}
