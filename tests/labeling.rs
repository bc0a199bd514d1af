//! The labeling pricer against the MILP pricer: on random duals both must find the same least
//! reduced cost (and agree when none is negative), on Curtois instances and on random small
//! instances with every rule the labeling covers on and a locked context; every schedule the
//! labeling returns keeps the employee's hard rules in the independent checker.

mod common;

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use roster::check::check;
use roster::decompose::pricing::{Effort, Pricer, Pricing, Restrict};
use roster::domain::{Assignment, EmployeeIdx, FixedAssignment, Problem, Roster, ShiftIdx};
use roster::generate::{generate, GenerateSpec};
use roster::scoring::{FallbackScorer, PairScores};

/// The least reduced cost a pricing result shows (`None`: none below the cutoff).
fn least(p: &Pricing) -> Option<f64> {
    match p {
        Pricing::Columns(list) => Some(list[0].reduced_cost),
        Pricing::NoneNegative { .. } => None,
        Pricing::Unknown { .. } => panic!("pricing MILP did not finish"),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// Price the first `employees` employees of `p` under `rounds` random dual vectors with both
/// pricers; returns how many pricing problems were compared.
fn compare_pricers(
    p: &Problem,
    employees: usize,
    seed: u64,
    rounds: usize,
    dual_scale: f64,
) -> usize {
    let scores = PairScores::compute(p, &FallbackScorer);
    let score = |e, s| scores.get(e, s);
    let mut cfg = p.config.clone();
    cfg.time_limit_seconds = 60.0;
    cfg.mip_rel_gap = 0.0;
    cfg.mip_abs_gap = 1e-7;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let free = Restrict::default();
    let mut compared = 0;
    for ei in 0..p.employees.len().min(employees) {
        let e = EmployeeIdx(ei as u32);
        let pr = Pricer::new(p, e, &score);
        if pr.broken {
            continue;
        }
        assert!(
            pr.has_labeling(),
            "employee {ei}: the labeling should cover these rules"
        );
        for _ in 0..rounds {
            let duals: Vec<f64> = (0..p.slots.len())
                .map(|_| rng.random::<f64>() * dual_scale)
                .collect();
            let dual = |a: Assignment| duals[a.slot.ix()];
            // A convexity dual so high that the cheapest schedule is always a column: both must
            // find the same least reduced cost.
            let big = 1e6;
            let milp = pr.price(&dual, big, &free, &cfg).unwrap();
            let labels = pr
                .price_by_labeling(&dual, big, 3, &free, Effort::Exact, None)
                .expect("labeling decides");
            let (m, l) = match (least(&milp), least(&labels)) {
                (Some(m), Some(l)) => (m, l),
                // No schedule keeps the employee's hard rules (locked context): both agree.
                (None, None) => continue,
                (m, l) => panic!("employee {ei}: MILP {m:?} vs labeling {l:?}"),
            };
            assert!(close(m, l), "employee {ei}: MILP {m} vs labeling {l}");
            // The heuristic pass proves nothing, never beats the least reduced cost, and
            // finds schedules that keep every rule; heuristic-first is exact once it claims
            // a bound.
            let quick = pr
                .price_by_labeling(&dual, big, 3, &free, Effort::Heuristic, None)
                .expect("labeling decides");
            let first = pr
                .price_by_labeling(&dual, big, 3, &free, Effort::HeuristicFirst, None)
                .expect("labeling decides");
            let mut checked: Vec<&roster::decompose::pricing::Priced> = Vec::new();
            for pricing in [&quick, &first] {
                match pricing {
                    Pricing::Columns(list) => {
                        let best = &list[0];
                        assert!(best.reduced_cost >= l - 1e-6, "employee {ei}: below exact");
                        if best.reduced_cost_bound.is_finite() {
                            assert!(close(best.reduced_cost, l), "employee {ei}: claimed bound");
                        }
                        checked.extend(list);
                    }
                    Pricing::Unknown { bound } => assert_eq!(*bound, f64::NEG_INFINITY),
                    Pricing::NoneNegative { .. } => {
                        panic!("employee {ei}: a heuristic pass claims no column")
                    }
                }
            }
            let Pricing::Columns(list) = &labels else {
                unreachable!()
            };
            for pair in list.windows(2) {
                assert!(pair[1].reduced_cost >= pair[0].reduced_cost - 1e-9);
            }
            checked.extend(list);
            for c in checked {
                let roster = Roster::new(
                    c.slots
                        .iter()
                        .map(|&slot| Assignment { employee: e, slot })
                        .collect(),
                );
                let report = check(p, &roster, &FallbackScorer);
                let own: Vec<_> = report
                    .hard_violations
                    .iter()
                    .filter(|v| v.employee_id.as_deref() == Some(&p.employees[ei].id))
                    .collect();
                assert!(
                    own.is_empty(),
                    "employee {ei}: labeled schedule breaks {own:?}"
                );
            }
            // Around the least reduced cost: a convexity dual just above it leaves a column,
            // one just below leaves none — for both pricers.
            let at = m + big; // the cheapest schedule's own cost minus its duals
            for (mu, expect) in [(at + 0.5, true), (at - 0.5, false)] {
                let milp = pr.price(&dual, mu, &free, &cfg).unwrap();
                let labels = pr
                    .price_by_labeling(&dual, mu, 3, &free, Effort::Exact, None)
                    .unwrap();
                assert_eq!(
                    least(&milp).is_some(),
                    expect,
                    "employee {ei}: MILP at μ={mu}"
                );
                assert_eq!(
                    least(&labels).is_some(),
                    expect,
                    "employee {ei}: labels at μ={mu}"
                );
                if let (Some(a), Some(b)) = (least(&milp), least(&labels)) {
                    assert!(
                        close(a, b),
                        "employee {ei}: MILP {a} vs labeling {b} at μ={mu}"
                    );
                }
            }
            compared += 1;
        }
    }
    compared
}

/// Curtois 4 and 7 (every employee), and the first employees of 12 and 13, whose shifts of
/// one kind the labeling prices as one class (see `shift_classes`); and of 15, also under
/// duals too small to pay for work, where the minimum of the total-minutes range binds.
#[test]
fn labeling_matches_milp_pricing_on_curtois_random_duals() {
    for (name, seed, employees, dual_scale) in [
        ("Instance4", 4u64, usize::MAX, 40.0),
        ("Instance7", 7, usize::MAX, 40.0),
        ("Instance12", 12, 6, 40.0),
        ("Instance13", 13, 4, 40.0),
        ("Instance15", 15, 3, 40.0),
        ("Instance15", 16, 3, 0.5),
    ] {
        let Some(mut p) = common::curtois(name) else {
            return;
        };
        p.config.threads = 1;
        let n = compare_pricers(&p, employees, seed, 2, dual_scale);
        assert!(
            n >= p.employees.len().min(employees),
            "{name}: only {n} pricing problems compared"
        );
    }
}

/// A small generated instance with every rule the labeling covers hard (C12 soft), a locked
/// history and locked shifts inside the horizon.
fn covered_instance(e: usize, days: u32, seed: u64, min_run: u32, min_off: u32) -> Problem {
    let mut req = generate(&GenerateSpec {
        employees: e,
        days,
        shifts: 2,
        skills: 2,
        density: 0.8,
        seed,
        ..GenerateSpec::default()
    });
    req["constraintList"] = serde_json::json!([
        {"id": "C1", "hard": false},
        {"id": "C2", "params": {"maxHoursPerWeek": 40}},
        {"id": "C3", "params": {"maxConsecutiveDays": 4, "minConsecutiveDays": min_run}},
        {"id": "C4", "params": {"minRestHours": 12}},
        {"id": "C8", "params": {"maxTotalHours": 8.0 * f64::from(days) * 0.6, "minTotalHours": 16}},
        {"id": "C9", "params": {"maxShiftsPerType": {"E": 3}}},
        {"id": "C10", "params": {"minConsecutiveDaysOff": min_off}},
        {"id": "C11", "params": {"maxWeekends": 1}},
        {"id": "C13", "params": {"maxAssignments": days - 2}}
    ]);
    req["solverConfig"]["threads"] = serde_json::json!(1);
    let mut p = roster::input::request_from_value(&req).expect("generated request is valid");
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    let n_shifts = p.shift_types.len() as u32;
    for ei in 0..p.employees.len() {
        let h = &mut p.locked.history[ei];
        match rng.random_range(0..3) {
            0 => h.streak_days = rng.random_range(1..5),
            1 => h.days_off_streak = Some(rng.random_range(1..3)),
            _ => {}
        }
        if h.streak_days > 0 {
            h.last_shift = Some(ShiftIdx(rng.random_range(0..n_shifts)));
        }
        h.weekends_worked = rng.random_range(0..2);
        h.assignments = rng.random_range(0..2);
        if rng.random_bool(0.4) {
            let day = rng.random_range(0..days as i32);
            p.locked.fixed.push(FixedAssignment {
                employee: EmployeeIdx(ei as u32),
                day,
                shift: ShiftIdx(rng.random_range(0..n_shifts)),
                slot: None,
            });
        }
    }
    p
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    /// Every covered rule on, locked context included: labeling and MILP pricing agree,
    /// under duals that pay for work (the maxima bind) and under duals that do not (the
    /// minima bind).
    #[test]
    fn labeling_matches_milp_pricing_with_every_covered_rule(
        e in 2usize..4, days in 7u32..15, seed in 0u64..10_000, min_run in 1u32..3, min_off in 1u32..3,
        dual_scale in prop::sample::select(vec![0.5, 30.0])
    ) {
        let p = covered_instance(e, days, seed, min_run, min_off);
        compare_pricers(&p, usize::MAX, seed, 2, dual_scale);
    }
}

#[test]
fn labeling_declines_rules_it_cannot_represent() {
    let mut req = generate(&GenerateSpec {
        employees: 2,
        days: 7,
        shifts: 2,
        seed: 3,
        ..GenerateSpec::default()
    });
    // A soft C3 has slack rows the labels do not track: the MILP must price.
    req["constraintList"] = serde_json::json!([
        {"id": "C1", "hard": false},
        {"id": "C3", "hard": false, "weight": 3.0, "params": {"maxConsecutiveDays": 3}}
    ]);
    let p = roster::input::request_from_value(&req).unwrap();
    let scores = PairScores::compute(&p, &FallbackScorer);
    let score = |e, s| scores.get(e, s);
    let pr = Pricer::new(&p, EmployeeIdx(0), &score);
    assert!(!pr.has_labeling());
    assert!(pr
        .price_by_labeling(&|_| 0.0, 1e6, 1, &Restrict::default(), Effort::Exact, None)
        .is_none());
}

/// A labeling pass whose deadline has passed decides nothing and proves nothing: the pricer
/// says "unknown" with no bound (so column generation reports no Lagrangian bound for the
/// round) instead of handing the problem to a MILP there is no time for; before the
/// deadline the same question is answered as without one.
#[test]
fn labeling_past_its_deadline_is_unknown_without_a_bound() {
    let p = covered_instance(3, 14, 7, 2, 1);
    let scores = PairScores::compute(&p, &FallbackScorer);
    let score = |e, s| scores.get(e, s);
    let free = Restrict::default();
    let later = std::time::Instant::now() + std::time::Duration::from_secs(3600);
    for ei in 0..p.employees.len() {
        let pr = Pricer::new(&p, EmployeeIdx(ei as u32), &score);
        assert!(pr.has_labeling());
        for effort in [Effort::Exact, Effort::HeuristicFirst, Effort::Heuristic] {
            let late = pr.price_by_labeling(
                &|_| 1.0,
                1e6,
                1,
                &free,
                effort,
                Some(std::time::Instant::now()),
            );
            assert_eq!(
                late,
                Some(Pricing::Unknown {
                    bound: f64::NEG_INFINITY
                }),
                "employee {ei}, {effort:?}"
            );
            let timely = pr.price_by_labeling(&|_| 1.0, 1e6, 1, &free, effort, Some(later));
            let free_run = pr.price_by_labeling(&|_| 1.0, 1e6, 1, &free, effort, None);
            assert!(matches!(timely, Some(Pricing::Columns(_))), "employee {ei}");
            assert_eq!(timely, free_run, "employee {ei}, {effort:?}");
        }
    }
}
