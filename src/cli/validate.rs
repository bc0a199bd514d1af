//! `roster validate INPUT`: a roster request, a task request (it has a `tasks` key), or an
//! incremental request (`previousRoster` or `emptySlots`).

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
    use roster::incremental::RequestKind;
    let kind = roster::incremental::detect(&value)?;
    if matches!(kind, RequestKind::FullRoster | RequestKind::EmptySlots) {
        let prep = roster::incremental::load(&value)?;
        let c = prep.classification.unwrap_or_default();
        println!(
            "valid incremental request ({}): window {} .. {} after cutoff {}, {} open position(s) \
             on {} slot(s), {} employees in the pool{}",
            prep.mode.as_str(),
            prep.solve_from,
            prep.solve_to,
            prep.cutoff,
            prep.problem.slots.iter().map(|s| s.headcount).sum::<u32>(),
            prep.problem.slots.len(),
            prep.problem.employees.len(),
            if prep.classification.is_some() {
                format!(
                    "; previous roster: {} assignments, {} locked, {} solvable",
                    c.previous, c.locked, c.solvable
                )
            } else {
                String::new()
            }
        );
        return Ok(EXIT_OK);
    }
    if kind == RequestKind::Tasks {
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
