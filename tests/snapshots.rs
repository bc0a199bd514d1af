//! Insta snapshots of solver outputs on the shipped instances: normalised (timings redacted),
//! deterministic (threads and seed pinned in the instance files). A changed snapshot means
//! the roster changed: review it (`cargo insta review`) and say why in the commit.

mod common;

use common::{load, normalised_json, solve_checked};
use roster::domain::Method;

fn snapshot(name: &str, path: &str, method: Method) {
    let mut p = load(path);
    p.config.method = method;
    let sol = solve_checked(&p);
    insta::assert_json_snapshot!(name, normalised_json(&p, &sol));
}

#[test]
fn demo_milp() {
    snapshot("demo_milp", "instances/demo.json", Method::Milp);
}

#[test]
fn demo_greedy_ml() {
    snapshot("demo_greedy_ml", "instances/demo.json", Method::GreedyMl);
}

#[test]
fn demo_balanced_ml() {
    snapshot(
        "demo_balanced_ml",
        "instances/demo.json",
        Method::BalancedMl,
    );
}

#[test]
fn small_milp() {
    snapshot("small_milp", "instances/gen-small.json", Method::Milp);
}
