//! `roster locked-context PREVIOUS --cutoff DATE [-o OUT]`: from a full-roster incremental
//! request, the equivalent empty-slots request (the open positions and the locked context
//! computed as the solver would), so a client can send the small payload.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde_json::json;

use super::{read_input, write_json, UsageError, EXIT_OK};

#[derive(clap::Args)]
pub struct Args {
    /// Full-roster incremental request (requestData + previousRoster; `-` for stdin).
    previous: PathBuf,
    /// Last locked date (sets temporalWindow.cutoffDate; solveFromDate defaults to the next
    /// day and solveToDate to the horizon end when the request has no window).
    #[arg(long)]
    cutoff: Option<NaiveDate>,
    /// Write the empty-slots request here instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let mut value = roster::input::parse_json(&read_input(&a.previous)?, "incremental request")?;
    if value.get("previousRoster").is_none() {
        return Err(UsageError(format!(
            "{} has no previousRoster: locked-context reads a full-roster incremental request",
            a.previous.display()
        ))
        .into());
    }
    if let Some(c) = a.cutoff {
        let end = value
            .pointer("/requestData/planningHorizon/endDate")
            .cloned()
            .unwrap_or(json!(null));
        let w = value
            .as_object_mut()
            .expect("a document with previousRoster is an object")
            .entry("temporalWindow")
            .or_insert_with(|| json!({}));
        if let Some(w) = w.as_object_mut() {
            w.insert("cutoffDate".into(), json!(c.to_string()));
            let next = c.succ_opt().map(|d| d.to_string());
            let from_ok = w
                .get("solveFromDate")
                .and_then(|v| v.as_str())
                .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
                .is_some_and(|d| d > c);
            if !from_ok {
                w.insert("solveFromDate".into(), json!(next));
            }
            w.entry("solveToDate").or_insert(end);
        }
    }
    let prep = roster::incremental::load_full_roster(&value)?;
    let doc = roster::incremental::empty_slots_request(&prep);
    write_json(a.output.as_ref(), &doc)?;
    let c = prep.classification.unwrap_or_default();
    eprintln!(
        "locked-context: {} previous assignment(s), {} locked, {} solvable; {} open position(s) \
         in {} .. {}; computed in {:.3} s",
        c.previous,
        c.locked,
        c.solvable,
        prep.empty_slots.iter().map(|e| e.headcount).sum::<u32>(),
        prep.solve_from,
        prep.solve_to,
        prep.prepare_seconds
    );
    Ok(EXIT_OK)
}
