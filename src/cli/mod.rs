//! Subcommands and exit codes.
//!
//! Exit codes: 0 solved (or valid, or no slots to fill), 1 internal error, 2 invalid input
//! (nothing is written), 3 infeasible, 4 no roster found (time limit, or a heuristic that
//! could not satisfy every hard rule), 5 `check` found hard violations.

mod assign;
mod bench;
mod check;
mod constraints;
mod diff;
mod finalize;
mod generate;
mod generate_tasks;
mod import;
mod locked_context;
mod solve;
mod train;
mod training_data;
mod validate;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use roster::input::InputErrors;

/// Exit code: solved / valid.
pub const EXIT_OK: u8 = 0;
/// Exit code: internal error.
pub const EXIT_ERROR: u8 = 1;
/// Exit code: invalid input.
pub const EXIT_INVALID: u8 = 2;
/// Exit code: proven infeasible.
pub const EXIT_INFEASIBLE: u8 = 3;
/// Exit code: no roster found.
pub const EXIT_NO_SOLUTION: u8 = 4;
/// Exit code: the checked roster breaks hard rules.
pub const EXIT_VIOLATIONS: u8 = 5;

#[derive(Parser)]
#[command(
    name = "roster",
    version,
    about = "Roster optimizer: MILP on HiGHS with learned affinity scores"
)]
struct Cli {
    /// More logging (-v info, -vv debug, -vvv trace); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Solve a roster request (or a task request: `tasks`; or an incremental one:
    /// `previousRoster` or `emptySlots`).
    Solve(solve::Args),
    /// Assign pending tasks to employees (task request).
    Assign(assign::Args),
    /// Validate a roster request (schema + semantics).
    Validate(validate::Args),
    /// Check a solution against a request: hard violations and objective.
    Check(check::Args),
    /// Print the constraint catalog.
    Constraints(constraints::Args),
    /// Generate a seeded synthetic request.
    Generate(generate::Args),
    /// Convert a public benchmark file to a request.
    Import(import::Args),
    /// Run benchmark instances and compare with their published values.
    Bench(bench::Args),
    /// Compare two rosters: assignments added, removed, changed (by employee and date).
    Diff(diff::Args),
    /// From a full-roster incremental request, the equivalent empty-slots request.
    LockedContext(locked_context::Args),
    /// Finalize a stored task-assignment preview (writes it, logs training data).
    Finalize(finalize::Args),
    /// Train the LightGBM affinity model from logged training data.
    Train(train::Args),
    /// Generate training data with a known ground truth.
    GenerateTrainingData(training_data::Args),
    /// Generate a seeded random task request.
    GenerateTasks(generate_tasks::Args),
}

/// Parse arguments and run.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose, matches!(cli.command, Command::Solve(_)));
    let result = match cli.command {
        Command::Solve(a) => solve::run(a),
        Command::Assign(a) => assign::run(a),
        Command::Validate(a) => validate::run(a),
        Command::Check(a) => check::run(a),
        Command::Constraints(a) => constraints::run(a),
        Command::Generate(a) => generate::run(a),
        Command::Import(a) => import::run(a),
        Command::Bench(a) => bench::run(a),
        Command::Diff(a) => diff::run(a),
        Command::LockedContext(a) => locked_context::run(a),
        Command::Finalize(a) => finalize::run(a),
        Command::Train(a) => train::run(a),
        Command::GenerateTrainingData(a) => training_data::run(a),
        Command::GenerateTasks(a) => generate_tasks::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if let Some(inv) = e.downcast_ref::<InputErrors>() {
                eprint!("{inv}");
                return ExitCode::from(EXIT_INVALID);
            }
            if let Some(u) = e.downcast_ref::<UsageError>() {
                eprintln!("error: {u}");
                return ExitCode::from(EXIT_INVALID);
            }
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// A problem with the command line or its files (exit 2, like clap's usage errors).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// A clap value parser for a positive, finite number of seconds.
pub fn positive_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(v),
        _ => Err(format!("{s} is not a positive number of seconds")),
    }
}

/// Logging to stderr: warnings by default, more with `-v`; `progress` adds the solver's
/// progress lines (target `roster::progress`), which `solve` shows while it runs.
fn init_logging(verbose: u8, progress: bool) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    // The `highs` crate warns on every run that stops at the time limit (HiGHS returns a
    // warning status there); the status is reported properly, so keep that quiet by default.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        let quiet_highs = if verbose == 0 { ",highs=error" } else { "" };
        let progress = if progress && verbose == 0 {
            ",roster::progress=info"
        } else {
            ""
        };
        tracing_subscriber::EnvFilter::new(format!("{default}{quiet_highs}{progress}"))
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .without_time()
        .try_init();
}

/// Read a file, or stdin for `-`.
pub fn read_input(path: &Path) -> anyhow::Result<String> {
    if path == Path::new("-") {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| UsageError(format!("cannot read stdin: {e}")))?;
        return Ok(s);
    }
    std::fs::read_to_string(path)
        .map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())).into())
}

/// Write JSON to a file atomically (temp file + rename), or to stdout.
pub fn write_json(out: Option<&PathBuf>, value: &serde_json::Value) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    match out {
        None => {
            let mut so = std::io::stdout().lock();
            so.write_all(text.as_bytes())?;
            so.flush()?;
        }
        Some(path) => write_text(path, &text)?,
    }
    Ok(())
}

/// Write text to a file atomically: a temp file beside it, renamed into place; on failure
/// nothing partial or stray is left behind.
pub fn write_text(path: &Path, text: &str) -> anyhow::Result<()> {
    use anyhow::Context;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let (tmp, mut file) = tempfile_in(dir)?;
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("writing {}", path.display()));
    }
    Ok(())
}

fn tempfile_in(dir: &Path) -> anyhow::Result<(PathBuf, std::fs::File)> {
    use anyhow::Context;
    let name = format!(
        ".roster-{}-{}.tmp",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    );
    let path = dir.join(name);
    let f = std::fs::File::create(&path)
        .with_context(|| format!("creating a file in {}", dir.display()))?;
    Ok((path, f))
}
