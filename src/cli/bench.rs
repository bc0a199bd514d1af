//! `roster bench DIR|FILES… [--time-limit S] [--format table|json|csv]`.
//!
//! A progress line per instance goes to stderr while it runs; the report goes to stdout (or
//! `-o`). Exit 0 when every instance ran, 1 when one failed to run (bad file, solver error).

use std::path::PathBuf;

use roster::bench::{discover, progress_line, run_instance, summarize, BenchOptions};

use super::{positive_seconds, UsageError, EXIT_ERROR, EXIT_OK};

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
}

#[derive(clap::Args)]
pub struct Args {
    /// Instance files or folders (Curtois, OR-Library GAP, our JSON requests).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// HiGHS time limit per instance, in seconds (default: each request's own).
    #[arg(long, value_parser = positive_seconds)]
    time_limit: Option<f64>,
    /// HiGHS threads (default: each request's own).
    #[arg(long)]
    threads: Option<u32>,
    /// Formulation of roster instances (default: each request's own, `auto` unless set).
    #[arg(long, value_parser = ["compact", "decomposition", "auto"])]
    strategy: Option<String>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write the report here instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let instances = discover(&a.paths).map_err(|e| UsageError(e.to_string()))?;
    let opts = BenchOptions {
        time_limit_seconds: a.time_limit,
        threads: a.threads,
        strategy: a
            .strategy
            .as_deref()
            .and_then(roster::domain::Strategy::parse),
    };
    let n = instances.len();
    let mut rows = Vec::with_capacity(n);
    for (i, inst) in instances.iter().enumerate() {
        let row = run_instance(inst, &opts);
        eprintln!("{}", progress_line(i, n, &row));
        rows.push(row);
    }
    let summary = summarize(&rows);
    let report = match a.format {
        Format::Table => roster::bench::table(&rows, &summary),
        Format::Csv => roster::bench::csv(&rows),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&serde_json::json!({
                "instances": rows,
                "summary": summary,
            }))?;
            s.push('\n');
            s
        }
    };
    match &a.output {
        Some(p) => super::write_text(p, &report)?,
        None => print!("{report}"),
    }
    Ok(if rows.iter().any(|r| r.error.is_some()) {
        EXIT_ERROR
    } else {
        EXIT_OK
    })
}
