//! `roster diff OLD NEW`: assignments added, removed and changed between two rosters, by
//! employee and date (solution documents, or incremental requests: their previous roster).

use std::path::PathBuf;

use super::{read_input, write_json, EXIT_OK};

#[derive(clap::Args)]
pub struct Args {
    /// The old roster (solution document; `-` for stdin).
    old: PathBuf,
    /// The new roster (solution document).
    new: PathBuf,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let old = roster::input::parse_json(&read_input(&a.old)?, "roster solution")?;
    let new = roster::input::parse_json(&read_input(&a.new)?, "roster solution")?;
    let d = roster::incremental::diff(
        &roster::incremental::placements_of(&old)?,
        &roster::incremental::placements_of(&new)?,
    );
    write_json(None, &d.to_json())?;
    eprintln!(
        "diff: {} added, {} removed, {} changed",
        d.added.len(),
        d.removed.len(),
        d.changed.len()
    );
    Ok(EXIT_OK)
}
