//! `roster import curtois FILE [-o OUT]`: public benchmark files to our request format.
//!
//! The converted request is validated before it is written, so an import either yields a
//! request `roster solve` accepts or fails with nothing written.

use std::path::PathBuf;

use anyhow::Context;
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
