//! `roster check INPUT SOLUTION`: a roster, or a task assignment when INPUT is a task request.
//! With an incremental request as INPUT, a full-roster output is checked as the merged roster
//! over the request's whole horizon, an empty-slots output against the window problem (the
//! locked context counted).

use std::path::PathBuf;

use roster::scoring::FallbackScorer;

use super::{read_input, write_json, EXIT_OK, EXIT_VIOLATIONS};

#[derive(clap::Args)]
pub struct Args {
    /// Roster or task request.
    input: PathBuf,
    /// Solution document (needs `assignments` with slotId — or taskId — and employeeId).
    solution: PathBuf,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let request = roster::input::parse_json(&read_input(&a.input)?, "roster request")?;
    if request.get("tasks").is_some() {
        return check_tasks(&request, &a.solution);
    }
    use roster::incremental::{Mode, RequestKind};
    // A merged roster's objective covers the whole horizon; the file's is the re-solved part's.
    let (p, compare) = match roster::incremental::detect(&request)? {
        RequestKind::FullRoster | RequestKind::EmptySlots => {
            let prep = roster::incremental::load(&request)?;
            match prep.mode {
                Mode::FullRoster => (prep.full, false),
                Mode::EmptySlots => (prep.problem, true),
            }
        }
        _ => (roster::input::request_from_value(&request)?, true),
    };
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
    let claimed = doc.pointer("/solverRun/objective").and_then(|v| v.as_f64());
    match claimed {
        Some(_) if !compare => eprintln!(
            "objective above: the merged roster over the whole horizon (the solution file's is \
             the re-solved part's)"
        ),
        Some(claimed) => {
            let same = (claimed - report.objective).abs() <= 1e-6 * claimed.abs().max(1.0);
            eprintln!(
                "objective in the solution file {claimed:.4} {} the recomputed one",
                if same { "matches" } else { "DIFFERS FROM" }
            );
        }
        None => {}
    }
    Ok(if report.feasible {
        EXIT_OK
    } else {
        EXIT_VIOLATIONS
    })
}

/// The task checker on a task solution: violations and the objective recomputed.
fn check_tasks(request: &serde_json::Value, solution: &std::path::Path) -> anyhow::Result<u8> {
    let p = roster::tasks::task_request_from_value(request)?;
    let doc = roster::input::parse_json(&read_input(solution)?, "task solution")?;
    let assignments = roster::tasks::read_task_assignments(&p, &doc)?;
    let report = roster::tasks::check_tasks(&p, &assignments, &FallbackScorer);
    write_json(None, &serde_json::to_value(&report)?)?;
    eprintln!(
        "check: {} — {} violation(s), objective {:.4}",
        if report.feasible {
            "feasible"
        } else {
            "INFEASIBLE"
        },
        report.violations.len(),
        report.objective
    );
    for v in report.violations.iter().take(20) {
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
