//! `roster generate [--employees N] [--days D] [--shifts S] [--skills K] [--density F] [--seed X]
//! [--part-day]`.

use std::path::PathBuf;

use roster::generate::{generate_with, GenerateSpec, ShiftProfile};
use roster::incremental::generate::SituationSpec;

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
    /// Part-day shifts: two 5-hour shifts (07–12, 14–19) that one person may both work on a
    /// day (C5 off), demand sized for 8 shifts a week (~30 assignments a month); `--shifts`
    /// is ignored.
    #[arg(long)]
    part_day: bool,
    /// Write a full-roster incremental request instead: a greedy_ml previous roster (demand
    /// set to what it filled), cutoff after day `--cutoff-day`, departures freeing at least
    /// `--solvable` positions.
    #[arg(long)]
    incremental: bool,
    /// Last locked day (0-based) of `--incremental`.
    #[arg(long, default_value_t = 9)]
    cutoff_day: u32,
    /// Positions to free with `--incremental`.
    #[arg(long, default_value_t = 50)]
    solvable: u32,
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
    let profile = if a.part_day {
        ShiftProfile::PartDay
    } else {
        ShiftProfile::FullDay
    };
    if a.incremental {
        anyhow::ensure!(
            a.cutoff_day + 1 < a.days,
            "--cutoff-day must leave at least one day in the horizon"
        );
        let doc = roster::incremental::generate::situation(&SituationSpec {
            request: spec,
            cutoff_day: a.cutoff_day,
            solvable: a.solvable,
            profile,
        });
        write_json(a.output.as_ref(), &doc)?;
        return Ok(EXIT_OK);
    }
    write_json(a.output.as_ref(), &generate_with(&spec, profile))?;
    Ok(EXIT_OK)
}

fn density(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 1.0 => Ok(v),
        _ => Err(format!("{s} is not in (0, 1]")),
    }
}
