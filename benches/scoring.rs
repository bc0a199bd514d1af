//! Learned scoring and task assignment at size: the shipped LightGBM model's throughput in
//! pairs per second (batch scoring of every pair, features included), and `greedy_ml` on
//! 10,000 tasks × 1,000 employees including scoring, with the model and with the fallback.
//! `cargo bench --bench scoring`. The milp target (1,000 × 100 in 30 s) is a 30-second solve
//! and is timed on the CLI (README, "Learned scoring").

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use roster::domain::Method;
use roster::scoring::lightgbm::LightGbmScorer;
use roster::scoring::training::random_task_request;
use roster::scoring::{FallbackScorer, TaskScorer};
use roster::tasks::{solve_tasks, task_request_from_value, TaskProblem, TaskSolveOptions};

fn problem(tasks: usize, employees: usize) -> TaskProblem {
    let req = random_task_request(tasks, employees, 42, "");
    task_request_from_value(&req).expect("generated requests are valid")
}

fn model() -> LightGbmScorer {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/affinity-v1.txt");
    LightGbmScorer::load(&path).expect("the shipped model loads")
}

fn benches(c: &mut Criterion) {
    let lgbm = model();
    let mut g = c.benchmark_group("score_all_pairs");
    g.sample_size(10);
    for (t, e) in [(100usize, 100usize), (1000, 1000)] {
        let p = problem(t, e);
        g.throughput(Throughput::Elements((t * e) as u64));
        g.bench_with_input(
            BenchmarkId::new("lightgbm", format!("{t}x{e}")),
            &p,
            |b, p| b.iter(|| std::hint::black_box(lgbm.score_all_tasks(p).len())),
        );
        g.bench_with_input(
            BenchmarkId::new("fallback", format!("{t}x{e}")),
            &p,
            |b, p| b.iter(|| std::hint::black_box(FallbackScorer.score_all_tasks(p).len())),
        );
    }
    g.finish();

    let mut g = c.benchmark_group("greedy_ml_10000x1000");
    g.sample_size(10);
    let mut p = problem(10_000, 1_000);
    p.config.method = Method::GreedyMl;
    for (name, scorer) in [
        ("lightgbm", &lgbm as &dyn TaskScorer),
        ("fallback", &FallbackScorer as &dyn TaskScorer),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let opts = TaskSolveOptions {
                    scorer,
                    solver_log: false,
                };
                std::hint::black_box(solve_tasks(&p, &opts).expect("solves").assignments.len())
            })
        });
    }
    g.finish();
}

criterion_group!(scoring, benches);
criterion_main!(scoring);
