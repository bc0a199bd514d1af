//! `roster import curtois|gap FILE [-o OUT]`: public benchmark files to our request format.
//!
//! The converted request is validated before it is written, so an import either yields a
//! request `roster solve` accepts or fails with nothing written.

use std::path::PathBuf;

use anyhow::Context;
use roster::import::gap::{gap_request, parse_gap, GapSense};
use roster::import::parse_curtois;

use super::{read_input, write_json, UsageError, EXIT_OK};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    format: Format,
}

#[derive(clap::Subcommand)]
enum Format {
    /// A Curtois & Qu shift-scheduling instance (schedulingbenchmarks.org, Instance1…24).
    Curtois {
        /// The instance file (`-` for stdin).
        file: PathBuf,
        /// Write here instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// A Generalized Assignment Problem (OR-Library `gapN.txt` holding several problems, or
    /// one problem per file as in `split/`): becomes a task request.
    Gap {
        /// The instance file (`-` for stdin).
        file: PathBuf,
        /// Which problem of a multi-problem file (1-based); required when it holds several.
        #[arg(long, value_name = "K")]
        problem: Option<usize>,
        /// Minimise the costs (Yagiura, Chu & Beasley, fontanf) or maximise them as profits
        /// (OR-Library's published optima for gap1–gap12).
        #[arg(long, value_enum, default_value_t = Sense::Min)]
        sense: Sense,
        /// Write here instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Sense {
    Min,
    Max,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    match a.format {
        Format::Curtois { file, output } => {
            let text = read_input(&file)?;
            let inst =
                parse_curtois(&text).map_err(|e| UsageError(format!("{}: {e}", file.display())))?;
            let request = inst.to_request(&instance_name(&file));
            roster::input::request_from_value(&request)
                .context("the converted request does not validate (an importer bug)")?;
            write_json(output.as_ref(), &request)?;
        }
        Format::Gap {
            file,
            problem,
            sense,
            output,
        } => {
            let text = read_input(&file)?;
            let problems =
                parse_gap(&text).map_err(|e| UsageError(format!("{}: {e}", file.display())))?;
            let stem = instance_name(&file);
            let (inst, name) = match (problem, problems.len()) {
                (None, 1) => (&problems[0], stem),
                (None, n) => {
                    return Err(UsageError(format!(
                        "{} holds {n} problems: choose one with --problem 1..{n}",
                        file.display()
                    ))
                    .into())
                }
                // Named like the split set: `gap1-0` is problem 1 of `gap1.txt`.
                (Some(k), n) if k >= 1 && k <= n => (&problems[k - 1], format!("{stem}-{}", k - 1)),
                (Some(k), n) => {
                    return Err(UsageError(format!(
                        "--problem {k}: {} holds problems 1..{n}",
                        file.display()
                    ))
                    .into())
                }
            };
            let sense = match sense {
                Sense::Min => GapSense::Min,
                Sense::Max => GapSense::Max,
            };
            let request = gap_request(inst, &name, sense);
            roster::tasks::task_request_from_value(&request)
                .context("the converted request does not validate (an importer bug)")?;
            write_json(output.as_ref(), &request)?;
        }
    }
    Ok(EXIT_OK)
}

/// The instance's name: its file stem (`Instance1` for `…/Instance1.txt`).
pub fn instance_name(file: &std::path::Path) -> String {
    file.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| s != "-")
        .unwrap_or_else(|| "stdin".into())
}
