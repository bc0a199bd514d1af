//! `roster validate INPUT`: a roster request, or a task request (it has a `tasks` key).

use std::path::PathBuf;

use super::{read_input, EXIT_OK};

#[derive(clap::Args)]
pub struct Args {
    /// Roster or task request (JSON; `-` for stdin).
    input: PathBuf,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let text = read_input(&a.input)?;
    let value = roster::input::parse_json(&text, "roster request")?;
    if value.get("tasks").is_some() {
        let p = roster::tasks::task_request_from_value(&value)?;
        println!(
            "valid task request: {} tasks ({} pending), {} employees, method {}",
            p.tasks.len(),
            p.pending().count(),
            p.employees.len(),
            p.config.method.as_str()
        );
        return Ok(EXIT_OK);
    }
    let p = roster::input::request_from_value(&value)?;
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
