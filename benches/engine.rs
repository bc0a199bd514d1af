//! Engine benchmarks on generated instances of 20 / 100 / 500 employees (× 31 days × 3
//! shift types): model build (IR + scores), the construction heuristics, and pair scoring.
//! `cargo bench --bench engine`; the solver itself is timed by `roster solve`/`roster bench`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use roster::generate::{generate, GenerateSpec};
use roster::heuristics::{construct, Construction};
use roster::model::{BuildMode, ModelIr};
use roster::scoring::{FallbackScorer, PairScores};

fn problem(employees: usize) -> roster::domain::Problem {
    let req = generate(&GenerateSpec {
        employees,
        days: 31,
        shifts: 3,
        seed: 7,
        ..GenerateSpec::default()
    });
    roster::input::request_from_value(&req).expect("generated requests are valid")
}

fn benches(c: &mut Criterion) {
    let sizes = [20usize, 100, 500];
    let problems: Vec<_> = sizes.iter().map(|&n| (n, problem(n))).collect();

    let mut g = c.benchmark_group("model_build");
    g.sample_size(10);
    for (n, p) in &problems {
        let scores = PairScores::compute(p, &FallbackScorer);
        g.bench_with_input(BenchmarkId::from_parameter(n), p, |b, p| {
            b.iter(|| {
                let score = |e, s| scores.get(e, s);
                let ir = ModelIr::compact(p, &score, BuildMode::Normal);
                std::hint::black_box(ir.rows.len())
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("heuristics");
    g.sample_size(10);
    for (n, p) in &problems {
        let scores = PairScores::compute(p, &FallbackScorer);
        for (name, kind) in [
            ("greedy_ml", Construction::Greedy),
            ("balanced_ml", Construction::Balanced),
        ] {
            g.bench_with_input(BenchmarkId::new(name, n), p, |b, p| {
                b.iter(|| std::hint::black_box(construct(p, &scores, kind).assignments.len()))
            });
        }
    }
    g.finish();

    let mut g = c.benchmark_group("scoring");
    g.sample_size(10);
    for (n, p) in &problems {
        g.throughput(Throughput::Elements(
            (p.employees.len() * p.slots.len()) as u64,
        ));
        g.bench_with_input(BenchmarkId::from_parameter(n), p, |b, p| {
            b.iter(|| std::hint::black_box(PairScores::compute(p, &FallbackScorer)))
        });
    }
    g.finish();
}

criterion_group!(engine, benches);
criterion_main!(engine);
