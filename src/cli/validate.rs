//! `roster validate INPUT`.

use std::path::PathBuf;

use super::{read_input, EXIT_OK};

#[derive(clap::Args)]
pub struct Args {
    /// Roster request (JSON; `-` for stdin).
    input: PathBuf,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let text = read_input(&a.input)?;
    let p = roster::input::load_request(&text)?;
    let people: u32 = p.slots.iter().map(|s| s.headcount).sum();
    let rules: Vec<&str> = p.rules.iter().map(|r| r.id().as_str()).collect();
    println!(
        "valid: {} employees, {} days from {}, {} shift types, {} slots needing {} people, rules {}",
        p.employees.len(),
        p.horizon.days,
        p.horizon.start,
        p.shift_types.len(),
        p.slots.len(),
        people,
        rules.join(" ")
    );
    Ok(EXIT_OK)
}
