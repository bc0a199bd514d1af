//! The decomposition by employee (column generation, integer master): its bound is a property
//! of the formulation, checked on the public Curtois instances where the design quotes it, and
//! on small generated instances against the compact MILP.

mod common;

use std::path::PathBuf;

use roster::decompose::{self, RootStatus};
use roster::import::parse_curtois;
use roster::scoring::FallbackScorer;

fn curtois(name: &str) -> Option<roster::domain::Problem> {
    let root = std::env::var_os("ROSTER_BENCHMARKS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/benchmarks"));
    let path = root.join("curtois").join(format!("{name}.txt"));
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!(
            "skipped: {} not found (set ROSTER_BENCHMARKS to the benchmark folder)",
            path.display()
        );
        return None;
    };
    let inst = parse_curtois(&text).unwrap();
    Some(roster::input::request_from_value(&inst.to_request(name)).unwrap())
}

#[test]
fn curtois_instance4_root_bound_is_the_optimum() {
    let Some(mut p) = curtois("Instance4") else {
        return;
    };
    p.config.threads = 1;
    let d = decompose::solve(&p, &FallbackScorer, 120.0).unwrap();
    eprintln!("{d:?}");
    assert_eq!(d.root_status, RootStatus::Converged);
    assert!((d.bound - 1716.0).abs() < 0.05, "root bound {}", d.bound);
}
