//! Learned scoring end to end: the shipped LightGBM model (loads, predicts deterministically,
//! scores and confidences in [0, 1]), model/feature mismatches refused, `roster train` on a
//! generated set beating the fallback's AUC, the model driving all three task methods and a
//! rostering solve (each re-verified by the checker with the same scorer), and the
//! preview/finalize workflow with its training log.

mod common;

use std::path::{Path, PathBuf};

use common::roster;
use roster::domain::Method;
use roster::scoring::features::{feature_names, task_features, FEATURE_VERSION, N_FEATURES};
use roster::scoring::lightgbm::{sidecar_path, LightGbmScorer, ModelError, ModelMeta};
use roster::scoring::training::{generate, read_csv, to_csv, train, TrainParams};
use roster::scoring::{FallbackScorer, Scorer, TaskScorer};
use roster::tasks::workflow::{
    finalize_assignments, preview_assignments, MemoryStore, WorkflowError, TASK_PREVIEW_SCHEMA,
    TRAINING_FILE,
};
use roster::tasks::{
    check_tasks, solve_tasks, task_request_from_value, task_solution_json, EmpIdx, TaskIdx,
    TaskProblem, TaskSolution, TaskSolveOptions, TASK_SOLUTION_SCHEMA,
};
use serde_json::{json, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shipped_model_path() -> PathBuf {
    root().join("models/affinity-v1.txt")
}

fn shipped() -> LightGbmScorer {
    LightGbmScorer::load(&shipped_model_path()).expect("the shipped model loads")
}

fn demo() -> TaskProblem {
    let text = std::fs::read_to_string(root().join("instances/tasks-demo.json")).unwrap();
    roster::tasks::load_task_request(&text).unwrap()
}

/// Solve with `scorer` and re-verify with the same scorer.
fn solve_checked(p: &TaskProblem, scorer: &dyn TaskScorer) -> TaskSolution {
    let opts = TaskSolveOptions {
        scorer,
        solver_log: false,
    };
    let sol = solve_tasks(p, &opts).expect("solve runs");
    assert!(sol.status.has_roster(), "{:?}", sol.status);
    let report = check_tasks(p, &sol.assignments, scorer);
    assert!(report.feasible, "violations: {:#?}", report.violations);
    let obj = sol.objective.unwrap();
    assert!(
        (obj - report.objective).abs() <= 1e-6 * obj.abs().max(1.0),
        "solver {obj} != checker {}",
        report.objective
    );
    let doc = task_solution_json(p, &sol);
    let errors = roster::input::schema_errors(TASK_SOLUTION_SCHEMA, &doc);
    assert!(errors.is_empty(), "{errors:#?}");
    sol
}

// ---------------------------------------------------------------------------------------
// The shipped model.

#[test]
fn shipped_model_predicts_deterministically_in_the_unit_interval() {
    let m = shipped();
    assert_eq!(TaskScorer::method(&m), "lightgbm");
    assert_eq!(TaskScorer::version(&m), "affinity-v1");
    assert_eq!(m.meta().feature_version, FEATURE_VERSION);
    let p = demo();
    let all = m.score_all_tasks(&p);
    assert_eq!(all.len(), p.tasks.len() * p.employees.len());
    // A second scorer from the same files, and pair-by-pair scoring, agree bit for bit.
    let again = shipped().score_all_tasks(&p);
    assert_eq!(all, again);
    for e in p.employee_ids() {
        for t in 0..p.tasks.len() {
            let t = TaskIdx(t as u32);
            let s = m.score_task(&p, e, t);
            assert_eq!(s, all[e.ix() * p.tasks.len() + t.ix()]);
            let (score, conf) = m.predict_proba(&p, e, t);
            assert_eq!(score, s);
            assert!((0.0..=1.0).contains(&score) && (0.0..=1.0).contains(&conf));
            let (fs, fc) = FallbackScorer.predict_proba(&p, e, t);
            assert!((0.0..=1.0).contains(&fs) && (0.0..=1.0).contains(&fc));
        }
    }
    // Scores are not constant: the model separates pairs.
    let (lo, hi) = all
        .iter()
        .fold((1.0f64, 0.0f64), |(l, h), &s| (l.min(s), h.max(s)));
    assert!(hi - lo > 0.2, "scores span only [{lo}, {hi}]");
    // Rayon chunks (large batches) give what one row at a time gives.
    let rows = generate(10_000, 5);
    let feats: Vec<_> = rows.iter().map(|r| r.features).collect();
    let batch = m.predict_rows(&feats);
    for i in [0, 4095, 4096, 9999] {
        assert_eq!(batch[i], m.predict_proba_row(&feats[i]).0);
    }
}

#[test]
fn score_candidates_ranks_best_first() {
    let m = shipped();
    let p = demo();
    let t = TaskIdx(0);
    let everyone: Vec<EmpIdx> = p.employee_ids().collect();
    let top = m.score_candidates(&p, t, &everyone, 3);
    assert_eq!(top.len(), 3.min(everyone.len()));
    for w in top.windows(2) {
        assert!(w[0].score >= w[1].score);
    }
    let best = everyone
        .iter()
        .map(|&e| m.score_task(&p, e, t))
        .fold(0.0f64, f64::max);
    assert_eq!(top[0].score, best);
    for c in &top {
        assert_eq!(c.score, m.score_task(&p, c.employee, t));
        assert!((0.0..=1.0).contains(&c.confidence));
    }
    assert!(m.score_candidates(&p, t, &everyone, 0).is_empty());
}

fn copy_model(dir: &Path) -> PathBuf {
    let model = dir.join("m.txt");
    std::fs::copy(shipped_model_path(), &model).unwrap();
    std::fs::copy(sidecar_path(&shipped_model_path()), sidecar_path(&model)).unwrap();
    model
}

#[test]
fn model_feature_mismatch_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let model = copy_model(dir.path());
    assert!(LightGbmScorer::load(&model).is_ok());
    let side = sidecar_path(&model);
    let meta: ModelMeta = serde_json::from_str(&std::fs::read_to_string(&side).unwrap()).unwrap();

    // Another feature-list version.
    let mut old = meta.clone();
    old.feature_version = "roster-affinity-features/v0".into();
    std::fs::write(&side, serde_json::to_string(&old).unwrap()).unwrap();
    let err = LightGbmScorer::load(&model).unwrap_err();
    assert!(matches!(err, ModelError::FeatureMismatch(_)), "{err}");
    assert!(err.to_string().contains("v0"), "{err}");

    // Same version, a renamed column.
    let mut renamed = meta.clone();
    renamed.features[4] = "emp_free_hours".into();
    std::fs::write(&side, serde_json::to_string(&renamed).unwrap()).unwrap();
    let err = LightGbmScorer::load(&model).unwrap_err().to_string();
    assert!(
        err.contains("column 4") && err.contains("emp_free_hours"),
        "{err}"
    );

    // A missing column.
    let mut short = meta.clone();
    short.features.pop();
    std::fs::write(&side, serde_json::to_string(&short).unwrap()).unwrap();
    assert!(matches!(
        LightGbmScorer::load(&model),
        Err(ModelError::FeatureMismatch(_))
    ));

    // The sidecar is right but the model file declares other features.
    std::fs::write(&side, serde_json::to_string(&meta).unwrap()).unwrap();
    let text = std::fs::read_to_string(&model).unwrap();
    let swapped = text.replacen("emp_experience_years", "years", 1);
    std::fs::write(&model, swapped).unwrap();
    let err = LightGbmScorer::load(&model).unwrap_err().to_string();
    assert!(err.contains("model file") && err.contains("years"), "{err}");

    // No sidecar.
    std::fs::remove_file(&side).unwrap();
    assert!(matches!(
        LightGbmScorer::load(&model),
        Err(ModelError::Io { .. })
    ));

    // Through the CLI: exit 2, nothing written.
    let d = dir.path();
    std::fs::write(
        d.join("req.json"),
        std::fs::read_to_string(root().join("instances/tasks-demo.json")).unwrap(),
    )
    .unwrap();
    let r = roster(
        d,
        &["assign", "req.json", "--model", "m.txt", "-o", "out.json"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--model"), "{}", r.stderr);
    assert!(!d.join("out.json").exists());
}

// ---------------------------------------------------------------------------------------
// Training.

#[test]
fn train_round_trip_beats_the_fallback_and_is_deterministic() {
    let rows = generate(6000, 21);
    let params = TrainParams {
        trees: 30,
        leaves: 15,
        ..TrainParams::default()
    };
    let a = train(&rows, &params).unwrap();
    let r = &a.report;
    assert_eq!(r.train_rows + r.held_out_rows, 6000);
    assert!(
        r.auc > r.fallback_auc + 0.02,
        "model AUC {} vs fallback {}",
        r.auc,
        r.fallback_auc
    );
    assert!(r.log_loss > 0.0 && r.log_loss < std::f64::consts::LN_2);
    // Same data and seed, same model.
    let b = train(&rows, &params).unwrap();
    assert_eq!(a.model_text, b.model_text);
    assert_eq!(a.report, b.report);
    // The saved files load back and score like the trained one.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.txt");
    std::fs::write(&path, &a.model_text).unwrap();
    std::fs::write(sidecar_path(&path), serde_json::to_string(&a.meta).unwrap()).unwrap();
    let loaded = LightGbmScorer::load(&path).unwrap();
    let feats: Vec<_> = rows[..50].iter().map(|r| r.features).collect();
    assert_eq!(loaded.predict_rows(&feats), a.scorer.predict_rows(&feats));
    // Unlabelled rows are skipped; one class only is refused.
    let mut half = rows[..400].to_vec();
    for r in &mut half[..100] {
        r.outcome = None;
    }
    assert_eq!(train(&half, &params).unwrap().report.unlabelled_rows, 100);
    let mut same = rows[..100].to_vec();
    for r in &mut same {
        r.outcome = Some(true);
    }
    assert!(train(&same, &params).is_err());
}

#[test]
fn cli_generates_trains_and_assigns_with_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    roster(
        d,
        &[
            "generate-training-data",
            "--pairs",
            "3000",
            "--seed",
            "2",
            "-o",
            "data.csv",
        ],
    )
    .expect_code(0);
    let data = std::fs::read_to_string(d.join("data.csv")).unwrap();
    assert_eq!(read_csv(&data).unwrap().len(), 3000);
    let t = roster(
        d,
        &[
            "train", "--data", "data.csv", "--out", "m.txt", "--trees", "20", "--seed", "3",
        ],
    );
    assert_eq!(t.code, 0, "{}", t.stderr);
    assert!(
        t.stdout.contains("held-out AUC") && t.stdout.contains("log-loss"),
        "{}",
        t.stdout
    );
    assert!(d.join("m.json").exists());
    // Same command, same model file.
    let first = std::fs::read_to_string(d.join("m.txt")).unwrap();
    roster(
        d,
        &[
            "train", "--data", "data.csv", "--out", "m2.txt", "--trees", "20", "--seed", "3",
        ],
    )
    .expect_code(0);
    assert_eq!(first, std::fs::read_to_string(d.join("m2.txt")).unwrap());
    // Bad data: exit 2 with the line.
    std::fs::write(
        d.join("bad.csv"),
        format!(
            "{}\nT,E,{FEATURE_VERSION},x\n",
            data.lines().next().unwrap()
        ),
    )
    .unwrap();
    let bad = roster(d, &["train", "--data", "bad.csv", "--out", "b.txt"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("line 2"), "{}", bad.stderr);
    assert!(!d.join("b.txt").exists());
    // The model drives `roster assign`.
    std::fs::write(
        d.join("req.json"),
        std::fs::read_to_string(root().join("instances/tasks-demo.json")).unwrap(),
    )
    .unwrap();
    let a = roster(
        d,
        &[
            "assign",
            "req.json",
            "--model",
            "m.txt",
            "--method",
            "greedy_ml",
        ],
    );
    assert_eq!(a.code, 0, "{}", a.stderr);
    let out = a.json();
    assert_eq!(out["scoringMethod"], "lightgbm");
    assert_eq!(out["scoringModelVersion"], "affinity-v1");
    for x in out["assignments"].as_array().unwrap() {
        let (s, c) = (
            x["score"].as_f64().unwrap(),
            x["confidence"].as_f64().unwrap(),
        );
        assert!((0.0..=1.0).contains(&s) && (0.0..=1.0).contains(&c));
    }
}

// ---------------------------------------------------------------------------------------
// The model as the methods' scorer.

#[test]
fn with_the_model_milp_is_at_least_as_good_and_balanced_spreads_load() {
    let m = shipped();
    let mut results = Vec::new();
    for method in [Method::GreedyMl, Method::BalancedMl, Method::Milp] {
        let mut p = demo();
        p.config.method = method;
        p.config.seed = 1;
        p.config.threads = 1;
        let sol = solve_checked(&p, &m);
        assert_eq!(sol.scoring.0, "lightgbm");
        let total: f64 = sol.assignments.iter().map(|a| a.score).sum();
        let max_load = sol
            .loads
            .iter()
            .filter_map(|l| l.utilisation)
            .fold(0.0f64, f64::max);
        results.push((method, sol.objective.unwrap(), total, max_load));
    }
    let (g, b, x) = (results[0], results[1], results[2]);
    // The MILP minimises the objective: never worse than either heuristic.
    assert!(x.1 <= g.1 + 1e-6 && x.1 <= b.1 + 1e-6, "{results:?}");
    assert!(
        b.3 <= g.3 + 1e-9,
        "balanced max load {} > greedy {}",
        b.3,
        g.3
    );
}

#[test]
fn the_same_model_scores_rostering_slots() {
    let m = shipped();
    let text = std::fs::read_to_string(root().join("instances/demo.json")).unwrap();
    let mut p = roster::input::load_request(&text).unwrap();
    p.config.method = Method::GreedyMl;
    let scores = roster::scoring::PairScores::compute(&p, &m);
    for e in 0..p.employees.len() {
        for s in 0..p.slots.len() {
            let (e, s) = (
                roster::domain::EmployeeIdx(e as u32),
                roster::domain::SlotIdx(s as u32),
            );
            let v = scores.get(e, s);
            assert!((0.0..=1.0).contains(&v));
            assert_eq!(v, m.score(&p, e, s));
        }
    }
    let opts = roster::solve::SolveOptions {
        scorer: &m,
        solver_log: false,
    };
    let sol = roster::solve::solve(&p, &opts).unwrap();
    assert_eq!(sol.scoring.0, "lightgbm");
    if sol.status.has_roster() {
        let report = roster::check::check(&p, &sol.roster, &m);
        assert!(report.feasible, "{:#?}", report.hard_violations);
        let obj = sol.objective.unwrap();
        assert!((obj - report.objective).abs() <= 1e-6 * obj.abs().max(1.0));
    }
}

// ---------------------------------------------------------------------------------------
// Preview / finalize.

#[test]
fn preview_stores_only_the_preview_and_finalize_logs_training_rows() {
    let mut p = demo();
    p.config.method = Method::GreedyMl;
    let mut store = MemoryStore::default();
    let opts = TaskSolveOptions::default();
    let pv = preview_assignments(&p, &opts, &mut store).unwrap();
    assert!(pv.id.starts_with("preview-"));
    assert_eq!(store.previews.len(), 1);
    assert!(store.finalized.is_empty() && store.training.is_empty());
    // The preview is what a plain solve gives, re-verified.
    let report = check_tasks(&p, &pv.solution.assignments, &FallbackScorer);
    assert!(report.feasible);
    // Same request, same preview id.
    let again = preview_assignments(&p, &opts, &mut store).unwrap();
    assert_eq!(again.id, pv.id);
    assert_eq!(store.previews.len(), 1);

    let r = finalize_assignments(&mut store, &pv.id, "2026-01-05T10:00:00Z").unwrap();
    assert_eq!(r.assignments_stored, pv.solution.assignments.len());
    assert_eq!(r.training_rows, pv.solution.assignments.len());
    let rec = &store.finalized[&pv.id];
    for doc in [&pv.document, rec] {
        let errors = roster::input::schema_errors(TASK_PREVIEW_SCHEMA, doc);
        assert!(errors.is_empty(), "{errors:#?}");
    }
    let errors = roster::input::schema_errors(TASK_SOLUTION_SCHEMA, &pv.document["solution"]);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(rec["finalizedAt"], "2026-01-05T10:00:00Z");
    assert_eq!(
        rec["assignments"].as_array().unwrap().len(),
        r.assignments_stored
    );
    // One logged row per chosen pair: its features, outcome empty.
    assert_eq!(store.training.len(), pv.solution.assignments.len());
    for (row, a) in store.training.iter().zip(&pv.solution.assignments) {
        assert_eq!(row.task_id, p.tasks[a.task.ix()].id);
        assert_eq!(row.employee_id, p.employees[a.employee.ix()].id);
        assert_eq!(row.features, task_features(&p, a.employee, a.task));
        assert_eq!(row.outcome, None);
    }

    // Again: an error, and nothing more is written.
    let before = (store.finalized.clone(), store.training.clone());
    let err = finalize_assignments(&mut store, &pv.id, "2026-01-06T10:00:00Z").unwrap_err();
    assert!(
        matches!(err, WorkflowError::AlreadyFinalized { .. }),
        "{err}"
    );
    assert_eq!((store.finalized.clone(), store.training.clone()), before);
    // Unknown: an error, nothing written.
    let err = finalize_assignments(&mut store, "preview-nope", "x").unwrap_err();
    assert!(matches!(err, WorkflowError::UnknownPreview(_)));
    assert_eq!((store.finalized.clone(), store.training.clone()), before);
}

#[test]
fn cli_preview_finalize_and_retrain_from_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("req.json"),
        std::fs::read_to_string(root().join("instances/tasks-demo.json")).unwrap(),
    )
    .unwrap();
    let pv = roster(
        d,
        &[
            "assign",
            "req.json",
            "--method",
            "balanced_ml",
            "--preview",
            "--store",
            "st",
        ],
    );
    assert_eq!(pv.code, 0, "{}", pv.stderr);
    let doc = pv.json();
    let id = doc["previewId"].as_str().unwrap().to_string();
    assert!(d.join("st/previews").join(format!("{id}.json")).exists());
    assert!(!d.join("st/finalized").exists());
    assert!(!d.join("st").join(TRAINING_FILE).exists());
    assert_eq!(doc["solution"]["method"], "balanced_ml");

    // --preview needs --store.
    assert_eq!(roster(d, &["assign", "req.json", "--preview"]).code, 2);
    // Unknown preview: exit 2, nothing written.
    let u = roster(d, &["finalize", "preview-0000", "--store", "st"]);
    assert_eq!(u.code, 2, "{}", u.stderr);
    assert!(u.stderr.contains("unknown preview"));
    assert!(!d.join("st/finalized").exists());
    let u = roster(d, &["finalize", "../x", "--store", "st"]);
    assert_eq!(u.code, 2);

    let f = roster(d, &["finalize", &id, "--store", "st"]);
    assert_eq!(f.code, 0, "{}", f.stderr);
    let n = doc["solution"]["assignments"].as_array().unwrap().len();
    assert_eq!(f.json()["assignmentsStored"], json!(n));
    let log = std::fs::read_to_string(d.join("st").join(TRAINING_FILE)).unwrap();
    let rows = read_csv(&log).unwrap();
    assert_eq!(rows.len(), n);
    assert!(rows.iter().all(|r| r.outcome.is_none()));

    // Twice: exit 2 and the log is unchanged.
    let f2 = roster(d, &["finalize", &id, "--store", "st"]);
    assert_eq!(f2.code, 2);
    assert!(f2.stderr.contains("already finalized"), "{}", f2.stderr);
    assert_eq!(
        std::fs::read_to_string(d.join("st").join(TRAINING_FILE)).unwrap(),
        log
    );

    // The log is `roster train` input: fill outcomes in, append generated rows, retrain.
    let mut filled = rows.clone();
    for (i, r) in filled.iter_mut().enumerate() {
        r.outcome = Some(i % 2 == 0);
    }
    filled.extend(generate(500, 9));
    std::fs::write(d.join("filled.csv"), to_csv(&filled)).unwrap();
    roster(
        d,
        &[
            "train",
            "--data",
            "filled.csv",
            "--out",
            "m.txt",
            "--trees",
            "10",
        ],
    )
    .expect_code(0);
}

#[test]
fn feature_rows_have_the_documented_width() {
    let p = task_request_from_value(&json!({
        "schemaVersion": "0.96",
        "tasks": [{"taskId": "T", "estimatedHours": 1}],
        "employees": [{"employeeId": "E", "capacityHours": 0}]
    }))
    .unwrap();
    let row = task_features(&p, EmpIdx(0), TaskIdx(0));
    assert_eq!(row.len(), N_FEATURES);
    assert_eq!(feature_names().len(), N_FEATURES);
    assert!(row.iter().all(|v| v.is_finite()));
    let v: Value = serde_json::to_value(row.to_vec()).unwrap();
    assert_eq!(v.as_array().unwrap().len(), N_FEATURES);
}
