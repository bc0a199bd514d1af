//! Incremental rostering on the case, 500 employees × 31 days with part-day shifts
//! (`SituationSpec::large`: a greedy_ml previous roster of ~15,000 assignments, departures
//! freeing ~50 positions after a cutoff on day 10):
//! classification + locked context (pool trimming included), reading each request kind, the
//! whole incremental solve in each mode, and the payload size of the empty-slots request
//! (only the trimmed pool travels) against the full-roster one.
//! `cargo bench --bench incremental`.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use roster::incremental::generate::{situation, SituationSpec};
use roster::incremental::{empty_slots_request, load_empty_slots, load_full_roster};
use roster::solve::{solve, SolveOptions};

fn benches(c: &mut Criterion) {
    let full = situation(&SituationSpec::large());
    let prep = load_full_roster(&full).expect("generated situations are valid");
    let small = empty_slots_request(&prep);
    let (a, b) = (
        serde_json::to_string(&full).unwrap().len(),
        serde_json::to_string(&small).unwrap().len(),
    );
    let (pa, pb) = (
        serde_json::to_string(&full["previousRoster"])
            .unwrap()
            .len(),
        serde_json::to_string(&[&small["emptySlots"], &small["lockedContext"]])
            .unwrap()
            .len(),
    );
    eprintln!(
        "situation: {} previous assignments, {} open positions, pool {} employees of which {} \
         left out (they can fill no open position); payload full {a} B, empty slots {b} B \
         ({:.1} % smaller); previousRoster {pa} B, emptySlots + lockedContext {pb} B \
         ({:.1} % smaller)",
        prep.classification.unwrap_or_default().previous,
        prep.problem.slots.iter().map(|s| s.headcount).sum::<u32>(),
        prep.problem.employees.len() + prep.left_out.len(),
        prep.left_out.len(),
        100.0 * (1.0 - b as f64 / a as f64),
        100.0 * (1.0 - pb as f64 / pa as f64),
    );

    let mut g = c.benchmark_group("incremental_prepare");
    g.sample_size(20);
    // The part the issue times: classification, pool (trimmed), locked context (requestData
    // read).
    g.bench_function("classify_and_locked_context", |bench| {
        bench.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let p = load_full_roster(&full).unwrap();
                    Duration::from_secs_f64(p.classify_seconds)
                })
                .sum()
        })
    });
    g.bench_function("read_full_roster_request", |bench| {
        bench.iter(|| load_full_roster(&full).unwrap().problem.slots.len())
    });
    g.bench_function("read_empty_slots_request", |bench| {
        bench.iter(|| load_empty_slots(&small).unwrap().problem.slots.len())
    });
    g.finish();

    let mut g = c.benchmark_group("incremental_solve");
    g.sample_size(10);
    for (name, doc) in [("full_roster", &full), ("empty_slots", &small)] {
        g.bench_function(name, |bench| {
            bench.iter(|| {
                let p = roster::incremental::load(doc).unwrap();
                let sol = solve(&p.problem, &SolveOptions::default()).unwrap();
                sol.objective
            })
        });
    }
    g.finish();
}

criterion_group!(incremental, benches);
criterion_main!(incremental);
