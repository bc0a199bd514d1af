//! `roster check INPUT SOLUTION`.

use std::path::PathBuf;

use roster::scoring::FallbackScorer;

use super::{read_input, write_json, EXIT_OK, EXIT_VIOLATIONS};

#[derive(clap::Args)]
pub struct Args {
    /// Roster request.
    input: PathBuf,
    /// Solution document (needs `assignments` with slotId and employeeId).
    solution: PathBuf,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let p = roster::input::load_request(&read_input(&a.input)?)?;
    let doc = roster::input::parse_json(&read_input(&a.solution)?, "roster solution")?;
    let roster = roster::output::read_roster(&p, &doc)?;
    let report = roster::check::check(&p, &roster, &FallbackScorer);
    write_json(None, &serde_json::to_value(&report)?)?;
    eprintln!(
        "check: {} — {} hard violation(s), {} soft, objective {:.4}",
        if report.feasible {
            "feasible"
        } else {
            "INFEASIBLE"
        },
        report.hard_violations.len(),
        report.soft_violations.len(),
        report.objective
    );
    for v in report.hard_violations.iter().take(20) {
        eprintln!("  {} {}", v.rule, v.message);
    }
    if let Some(claimed) = doc.pointer("/solverRun/objective").and_then(|v| v.as_f64()) {
        let same = (claimed - report.objective).abs() <= 1e-6 * claimed.abs().max(1.0);
        eprintln!(
            "objective in the solution file {claimed:.4} {} the recomputed one",
            if same { "matches" } else { "DIFFERS FROM" }
        );
    }
    Ok(if report.feasible {
        EXIT_OK
    } else {
        EXIT_VIOLATIONS
    })
}
