//! Training data, the generator with a known ground truth, and `roster train`.
//!
//! The loop from assignment to retraining: every finalize logs the features of each chosen
//! pair with an empty outcome ([`crate::tasks::workflow`]); someone fills the outcome in
//! later (1 the assignment went well, 0 it did not); `roster train` learns from the rows
//! that have one.
//!
//! # Format (CSV, UTF-8, one header line)
//!
//! ```text
//! taskId,employeeId,featureVersion,emp_experience_years,…,fallback_score,outcome
//! T1,E4,roster-affinity-features/v1,5,10,40,…,0.535,1
//! ```
//!
//! The feature columns are [`FEATURES`](super::features::FEATURES) in order; `featureVersion`
//! must be [`FEATURE_VERSION`] on every row (rows of another list are refused, not
//! guessed); `outcome` is `0`, `1` or empty (unknown: skipped by training). Fields holding a
//! comma or a quote are quoted, quotes doubled (RFC 4180).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use super::features::{feature_names, task_features, FeatureRow, FEATURE_VERSION, N_FEATURES};
use super::lightgbm::{check_feature_list, LightGbmScorer, ModelError, ModelMeta};

/// One logged pair.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainingRow {
    /// Task id.
    pub task_id: String,
    /// Employee id.
    pub employee_id: String,
    /// Features ([`FEATURE_VERSION`]).
    pub features: FeatureRow,
    /// Outcome, when known.
    pub outcome: Option<bool>,
}

/// Why training data or training failed.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// A line of the data is malformed.
    #[error("line {line}: {message}")]
    Data {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The data was logged with another feature list.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// Not enough labelled rows, or only one class.
    #[error("{0}")]
    NotEnough(String),
}

/// The header line (no newline).
pub fn csv_header() -> String {
    let mut cols = vec![
        "taskId".to_string(),
        "employeeId".into(),
        "featureVersion".into(),
    ];
    cols.extend(feature_names());
    cols.push("outcome".into());
    cols.join(",")
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One data line (no newline).
pub fn csv_line(r: &TrainingRow) -> String {
    let mut s = format!(
        "{},{},{FEATURE_VERSION}",
        quote(&r.task_id),
        quote(&r.employee_id)
    );
    for v in r.features {
        s.push(',');
        s.push_str(&v.to_string());
    }
    s.push(',');
    if let Some(o) = r.outcome {
        s.push(if o { '1' } else { '0' });
    }
    s
}

/// The whole file: header and rows.
pub fn to_csv(rows: &[TrainingRow]) -> String {
    let mut s = csv_header();
    s.push('\n');
    for r in rows {
        s.push_str(&csv_line(r));
        s.push('\n');
    }
    s
}

fn split_csv(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if cur.is_empty() => quoted = true,
            (false, ',') => out.push(std::mem::take(&mut cur)),
            (_, c) => cur.push(c),
        }
    }
    if quoted {
        return Err("unterminated quoted field".into());
    }
    out.push(cur);
    Ok(out)
}

/// Parse training data (see the module docs); the header must match this build's features.
pub fn read_csv(text: &str) -> Result<Vec<TrainingRow>, TrainError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines.next().ok_or(TrainError::Data {
        line: 1,
        message: "empty file: expected the header line".into(),
    })?;
    let cols = split_csv(header.trim_end()).map_err(|m| TrainError::Data {
        line: 1,
        message: m,
    })?;
    let fixed = ["taskId", "employeeId", "featureVersion"];
    if cols.len() < 4 || cols[..3] != fixed || cols.last().map(String::as_str) != Some("outcome") {
        return Err(TrainError::Data {
            line: 1,
            message: format!(
                "header must be taskId,employeeId,featureVersion,<features>,outcome; got {header:?}"
            ),
        });
    }
    check_feature_list(
        FEATURE_VERSION,
        &cols[3..cols.len() - 1],
        "the training data header",
    )?;
    let mut rows = Vec::new();
    for (i, line) in lines {
        let n = i + 1;
        let bad = |message: String| TrainError::Data { line: n, message };
        let f = split_csv(line.trim_end()).map_err(bad)?;
        if f.len() != N_FEATURES + 4 {
            return Err(bad(format!(
                "{} fields, expected {}",
                f.len(),
                N_FEATURES + 4
            )));
        }
        if f[2] != FEATURE_VERSION {
            return Err(TrainError::Model(ModelError::FeatureMismatch(format!(
                "line {n} was logged with feature list {:?}, this build computes {FEATURE_VERSION:?}",
                f[2]
            ))));
        }
        let mut features = [0f32; N_FEATURES];
        for (j, v) in f[3..3 + N_FEATURES].iter().enumerate() {
            features[j] = v
                .trim()
                .parse::<f32>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| bad(format!("column {}: {v:?} is not a number", cols[3 + j])))?;
        }
        let outcome = match f[N_FEATURES + 3].trim() {
            "" => None,
            "0" => Some(false),
            "1" => Some(true),
            o => return Err(bad(format!("outcome {o:?} is not 0, 1 or empty"))),
        };
        rows.push(TrainingRow {
            task_id: f[0].clone(),
            employee_id: f[1].clone(),
            features,
            outcome,
        });
    }
    Ok(rows)
}

/// The generator's ground truth: the probability that a pair goes well.
///
/// `z = −1.2 + 3·skills_met_fraction·skill_match + 0.6·(performance − 3)
///      + 1.6·min(experience, 10)/10 · complexity/5 − 3·max(0, −capacity_fit)
///      − 1.5·[min_skill_margin < 0] − 2·max(0, utilisation − 0.8)`, `p = 1 / (1 + e^−z)`.
///
/// It rewards what the fallback sees (skills, experience, free capacity) but not linearly,
/// and also what it does not (performance, experience mattering on complex tasks, overload
/// by this very task), so a model can beat the fallback and the gap is measurable.
pub fn ground_truth(row: &FeatureRow) -> f64 {
    let g = |n: &str| f64::from(row[super::features::feature_index(n).expect("known feature")]);
    let z = -1.2
        + 3.0 * g("skills_met_fraction") * g("skill_match")
        + 0.6 * (g("emp_performance_rating") - 3.0)
        + 1.6 * g("emp_experience_years").min(10.0) / 10.0 * g("item_complexity") / 5.0
        - 3.0 * (-g("capacity_fit")).max(0.0)
        - 1.5 * f64::from(u8::from(g("min_skill_margin") < 0.0))
        - 2.0 * (g("emp_utilisation") - 0.8).max(0.0);
    1.0 / (1.0 + (-z).exp())
}

/// A seeded random task request: `tasks` × `employees`, ids prefixed by `prefix`.
///
/// 8 skills (levels 1–5, each held with probability 0.45); 1–3 required skills at minimum
/// levels 1–4; effort 1–16 h; capacity 20–45 h with a current workload of 0–45 h (at most
/// the capacity); performance 1–5; experience 0–20 years; priority and complexity 1–5;
/// deadlines 0–30 days after the reference date 2026-01-05. Used by the training-data
/// generator and the benchmarks.
pub fn random_task_request(
    tasks: usize,
    employees: usize,
    seed: u64,
    prefix: &str,
) -> serde_json::Value {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    random_request(&mut rng, tasks, employees, prefix)
}

fn random_request(rng: &mut ChaCha8Rng, n_t: usize, n_e: usize, prefix: &str) -> serde_json::Value {
    let employees: Vec<serde_json::Value> = (0..n_e)
        .map(|i| {
            let mut skills: Vec<serde_json::Value> = Vec::new();
            for s in 0..8 {
                if rng.random_bool(0.45) {
                    skills
                        .push(json!({"skill": format!("s{s}"), "level": rng.random_range(1..=5)}));
                }
            }
            let cap = f64::from(rng.random_range(20..=45));
            json!({
                "employeeId": format!("{prefix}E{i}"),
                "skills": skills,
                "experienceYears": rng.random_range(0..=20),
                "currentWorkloadHours": rng.random_range(0.0..45.0_f64).min(cap).round(),
                "capacityHours": cap,
                "performanceRating": (rng.random_range(1.0..5.0_f64) * 10.0).round() / 10.0,
            })
        })
        .collect();
    let reference = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).expect("date");
    let tasks: Vec<serde_json::Value> = (0..n_t)
        .map(|i| {
            let k = rng.random_range(1..=3);
            let mut req: Vec<serde_json::Value> = Vec::new();
            for _ in 0..k {
                let s = format!("s{}", rng.random_range(0..8));
                if req.iter().all(|r| r["skill"] != s.as_str()) {
                    req.push(json!({"skill": s, "minLevel": rng.random_range(1..=4)}));
                }
            }
            json!({
                "taskId": format!("{prefix}T{i}"),
                "requiredSkills": req,
                "priority": rng.random_range(1..=5),
                "complexity": rng.random_range(1..=5),
                "estimatedHours": rng.random_range(1..=16),
                "deadline": (reference + chrono::Duration::days(rng.random_range(0..=30))).to_string(),
            })
        })
        .collect();
    json!({
        "schemaVersion": "0.96",
        "requestId": format!("random-{prefix}{n_t}x{n_e}"),
        "referenceDate": reference.to_string(),
        "tasks": tasks,
        "employees": employees,
    })
}

/// `pairs` seeded random employee–task pairs with outcomes drawn from [`ground_truth`]:
/// every pair of a sequence of 20 × 20 [`random_task_request`]s, through the request parser,
/// so the features are exactly what a real request yields.
pub fn generate(pairs: usize, seed: u64) -> Vec<TrainingRow> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(pairs);
    let mut batch = 0;
    while out.len() < pairs {
        let req = random_request(&mut rng, 20, 20, &format!("B{batch}"));
        let p = crate::tasks::task_request_from_value(&req).expect("generated requests are valid");
        for e in p.employee_ids() {
            for t in 0..p.tasks.len() {
                if out.len() == pairs {
                    break;
                }
                let t = crate::tasks::TaskIdx(t as u32);
                let features = task_features(&p, e, t);
                let outcome = rng.random_bool(ground_truth(&features));
                out.push(TrainingRow {
                    task_id: p.tasks[t.ix()].id.clone(),
                    employee_id: p.employees[e.ix()].id.clone(),
                    features,
                    outcome: Some(outcome),
                });
            }
        }
        batch += 1;
    }
    out
}

/// Training settings.
#[derive(Clone, Debug)]
pub struct TrainParams {
    /// Boosting rounds (trees).
    pub trees: u32,
    /// Leaves per tree.
    pub leaves: u32,
    /// Learning rate.
    pub learning_rate: f64,
    /// Share of labelled rows held out for evaluation.
    pub holdout: f64,
    /// Seed of the split and of LightGBM.
    pub seed: u64,
    /// Reported model version.
    pub model_version: String,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            trees: 40,
            leaves: 15,
            learning_rate: 0.15,
            holdout: 0.2,
            seed: 7,
            model_version: "affinity-v1".into(),
        }
    }
}

/// Held-out figures of a trained model.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainReport {
    /// Labelled rows used for training.
    pub train_rows: usize,
    /// Labelled rows held out.
    pub held_out_rows: usize,
    /// Rows without outcome, skipped.
    pub unlabelled_rows: usize,
    /// Held-out ROC AUC of the model.
    pub auc: f64,
    /// Held-out log-loss of the model.
    pub log_loss: f64,
    /// Held-out ROC AUC of the fallback heuristic (its score column).
    pub fallback_auc: f64,
}

/// ROC AUC of `scores` against `labels` (Mann–Whitney, ties count one half); 0.5 when one
/// class is absent.
pub fn auc(scores: &[f64], labels: &[bool]) -> f64 {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let (mut rank_sum, mut i) = (0.0, 0);
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let mid = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            if labels[k] {
                rank_sum += mid;
            }
        }
        i = j + 1;
    }
    let pos = labels.iter().filter(|&&l| l).count() as f64;
    let neg = labels.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return 0.5;
    }
    (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

/// Mean binary log-loss (probabilities clipped to [1e-15, 1 − 1e-15]).
pub fn log_loss(probs: &[f64], labels: &[bool]) -> f64 {
    let n = probs.len().max(1) as f64;
    probs
        .iter()
        .zip(labels)
        .map(|(&p, &l)| {
            let p = p.clamp(1e-15, 1.0 - 1e-15);
            if l {
                -p.ln()
            } else {
                -(1.0 - p).ln()
            }
        })
        .sum::<f64>()
        / n
}

/// A trained model: its LightGBM text, its sidecar and its held-out figures.
pub struct Trained {
    /// LightGBM text model (with our feature names).
    pub model_text: String,
    /// Sidecar.
    pub meta: ModelMeta,
    /// Held-out figures.
    pub report: TrainReport,
    /// The model, loaded (and checked) like any other.
    pub scorer: LightGbmScorer,
}

/// Train a binary classifier on the labelled rows: a seeded shuffle holds `holdout` of them
/// out, LightGBM (deterministic mode, one thread) learns from the rest, and the held-out
/// rows give AUC and log-loss for the model and AUC for the fallback.
pub fn train(rows: &[TrainingRow], params: &TrainParams) -> Result<Trained, TrainError> {
    let labelled: Vec<&TrainingRow> = rows.iter().filter(|r| r.outcome.is_some()).collect();
    let unlabelled_rows = rows.len() - labelled.len();
    if labelled.len() < 20 {
        return Err(TrainError::NotEnough(format!(
            "{} labelled rows (outcome 0 or 1); at least 20 are needed",
            labelled.len()
        )));
    }
    let mut order: Vec<usize> = (0..labelled.len()).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    for i in (1..order.len()).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    let n_hold =
        ((labelled.len() as f64 * params.holdout).round() as usize).clamp(1, labelled.len() - 1);
    let (hold, fit) = order.split_at(n_hold);
    let flat =
        |ix: &[usize]| -> Vec<f32> { ix.iter().flat_map(|&i| labelled[i].features).collect() };
    let labels = |ix: &[usize]| -> Vec<bool> {
        ix.iter()
            .map(|&i| labelled[i].outcome.expect("labelled"))
            .collect()
    };
    let fit_labels: Vec<f32> = labels(fit)
        .iter()
        .map(|&l| f32::from(u8::from(l)))
        .collect();
    if fit_labels.iter().all(|&l| l == fit_labels[0]) {
        return Err(TrainError::NotEnough(
            "every training outcome is the same: a classifier needs both 0 and 1".into(),
        ));
    }
    let lgb = |e: lightgbm3::Error| TrainError::Model(ModelError::LightGbm(e.to_string()));
    let dataset = lightgbm3::Dataset::from_slice(&flat(fit), &fit_labels, N_FEATURES as i32, true)
        .map_err(lgb)?;
    let lgb_params = json!({
        "objective": "binary",
        // lightgbm3 1.0.8 boosts `num_iterations − 1` rounds (`for _ in 1..n`).
        "num_iterations": params.trees + 1,
        "num_leaves": params.leaves,
        "learning_rate": params.learning_rate,
        "min_data_in_leaf": 20,
        "seed": params.seed,
        "deterministic": true,
        "force_row_wise": true,
        "num_threads": 1,
        "verbose": -1,
    });
    let booster = lightgbm3::Booster::train(dataset, &lgb_params).map_err(lgb)?;
    let raw = booster.save_string().map_err(lgb)?;
    let names = feature_names().join(" ");
    let model_text: String = raw
        .lines()
        .map(|l| {
            if l.starts_with("feature_names=") {
                format!("feature_names={names}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    let hold_rows: Vec<FeatureRow> = hold.iter().map(|&i| labelled[i].features).collect();
    let hold_labels = labels(hold);
    let mut meta = ModelMeta {
        format: "roster-affinity-model".into(),
        model_version: params.model_version.clone(),
        feature_version: FEATURE_VERSION.into(),
        features: feature_names(),
        training: serde_json::Value::Null,
    };
    let scorer = LightGbmScorer::from_parts(model_text.clone(), meta.clone())?;
    let probs = scorer.predict_rows(&hold_rows);
    let fb_ix = super::features::feature_index("fallback_score").expect("known feature");
    let fallback: Vec<f64> = hold_rows.iter().map(|r| f64::from(r[fb_ix])).collect();
    let report = TrainReport {
        train_rows: fit.len(),
        held_out_rows: hold.len(),
        unlabelled_rows,
        auc: auc(&probs, &hold_labels),
        log_loss: log_loss(&probs, &hold_labels),
        fallback_auc: auc(&fallback, &hold_labels),
    };
    meta.training = json!({
        "trees": params.trees,
        "leaves": params.leaves,
        "learningRate": params.learning_rate,
        "seed": params.seed,
        "trainRows": report.train_rows,
        "heldOutRows": report.held_out_rows,
        "heldOutAuc": round4(report.auc),
        "heldOutLogLoss": round4(report.log_loss),
        "fallbackHeldOutAuc": round4(report.fallback_auc),
    });
    let scorer = LightGbmScorer::from_parts(model_text.clone(), meta.clone())?;
    Ok(Trained {
        model_text,
        meta,
        report,
        scorer,
    })
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_and_log_loss_on_hand_cases() {
        assert_eq!(
            auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]),
            0.75
        );
        assert_eq!(auc(&[0.5, 0.5], &[false, true]), 0.5);
        assert_eq!(auc(&[0.2, 0.9], &[false, true]), 1.0);
        let ll = log_loss(&[0.5, 0.5], &[true, false]);
        assert!((ll - std::f64::consts::LN_2).abs() < 1e-12);
    }

    #[test]
    fn csv_round_trips_and_refuses_other_feature_lists() {
        let mut rows = generate(30, 3);
        rows[0].task_id = "a,\"b\"".into();
        rows[1].outcome = None;
        let text = to_csv(&rows);
        assert_eq!(read_csv(&text).unwrap(), rows);
        let renamed = text.replacen("emp_capacity_hours", "emp_capacity", 1);
        let err = read_csv(&renamed).unwrap_err().to_string();
        assert!(
            err.contains("mismatch") && err.contains("emp_capacity"),
            "{err}"
        );
        let old = text.replace(FEATURE_VERSION, "roster-affinity-features/v0");
        assert!(read_csv(&old).unwrap_err().to_string().contains("v0"));
        let broken = format!("{}\nT,E,{FEATURE_VERSION},1,2\n", csv_header());
        assert!(matches!(
            read_csv(&broken),
            Err(TrainError::Data { line: 2, .. })
        ));
    }

    #[test]
    fn generator_is_seeded_and_has_both_outcomes() {
        let a = generate(500, 11);
        assert_eq!(a, generate(500, 11));
        assert_ne!(a, generate(500, 12));
        let pos = a.iter().filter(|r| r.outcome == Some(true)).count();
        assert!(pos > 50 && pos < 450, "{pos} positives");
        for r in &a {
            let p = ground_truth(&r.features);
            assert!((0.0..=1.0).contains(&p));
        }
    }
}
