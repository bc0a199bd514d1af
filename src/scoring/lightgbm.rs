//! The learned scorer: a LightGBM binary classifier (through `lightgbm3`) over the
//! [`features`](super::features) of a pair, its probability of a good outcome being the score.
//!
//! A model is two files: LightGBM's own text model (`models/affinity-v1.txt`) and a JSON
//! sidecar beside it (`models/affinity-v1.json`, [`ModelMeta`]) with the model version, the
//! feature list and version it was trained on, and its held-out figures. Loading checks the
//! sidecar's list and version and the model file's `feature_names` against the code's
//! ([`FEATURE_VERSION`]) and refuses a mismatch with an error naming the first difference —
//! a model fed columns it was not trained on would score silently wrong.
//!
//! A LightGBM `Booster` is a C++ handle that is not `Send`, while scorers are shared across
//! rayon workers. So the scorer keeps the model *text* and each thread that predicts builds
//! its own booster once (a thread-local cache keyed by scorer id); batches are cut into
//! chunks that rayon workers featurise and predict on their own booster with one LightGBM
//! thread each. Predictions are per row, so the chunking never changes a score.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use lightgbm3::Booster;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::features::{
    feature_names, slot_features, task_features, FeatureRow, FEATURE_VERSION, N_FEATURES,
};
use super::{Scorer, TaskScorer};
use crate::domain::{EmployeeIdx, Problem, SlotIdx};
use crate::tasks::{EmpIdx, TaskIdx, TaskProblem};

/// Reported as `scoringMethod` by [`LightGbmScorer`].
pub const LIGHTGBM_METHOD: &str = "lightgbm";

/// JSON Schema of the sidecar.
pub const MODEL_SIDECAR_SCHEMA: &str = include_str!("../../schemas/affinity-model.schema.json");

/// Rows per prediction call (a rayon work item).
const CHUNK: usize = 4096;

/// The sidecar of a model file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelMeta {
    /// Always `roster-affinity-model`.
    pub format: String,
    /// Model version, reported as `scoringModelVersion`.
    pub model_version: String,
    /// Feature-list version the model was trained on.
    pub feature_version: String,
    /// Feature names, in column order.
    pub features: Vec<String>,
    /// Training settings and figures (informational).
    #[serde(default)]
    pub training: serde_json::Value,
}

/// Why a model cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// Which file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The sidecar is not valid JSON of the expected shape.
    #[error("{path}: not a model sidecar: {message}")]
    Sidecar {
        /// Which file.
        path: String,
        /// The parse error.
        message: String,
    },
    /// The model was trained on other features than the code computes.
    #[error("model/feature mismatch: {0}")]
    FeatureMismatch(String),
    /// LightGBM refused the model.
    #[error("LightGBM: {0}")]
    LightGbm(String),
}

/// A loaded LightGBM affinity model; implements [`Scorer`] and [`TaskScorer`].
pub struct LightGbmScorer {
    id: u64,
    model_text: Arc<str>,
    meta: ModelMeta,
}

impl std::fmt::Debug for LightGbmScorer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LightGbmScorer")
            .field("model_version", &self.meta.model_version)
            .field("feature_version", &self.meta.feature_version)
            .finish()
    }
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// Boosters this thread built, by scorer id (a few at most; the oldest is dropped).
    static BOOSTERS: RefCell<Vec<(u64, Booster)>> = const { RefCell::new(Vec::new()) };
}

/// The sidecar path of a model file: the same path with the extension `.json`.
pub fn sidecar_path(model: &Path) -> PathBuf {
    model.with_extension("json")
}

/// The feature names a LightGBM text model declares (`feature_names=` line).
fn model_feature_names(text: &str) -> Option<Vec<String>> {
    text.lines()
        .find_map(|l| l.strip_prefix("feature_names="))
        .map(|rest| rest.split_whitespace().map(str::to_string).collect())
}

/// Compare a feature list with the code's; `Err` names the first difference.
pub fn check_feature_list(version: &str, names: &[String], what: &str) -> Result<(), ModelError> {
    if version != FEATURE_VERSION {
        return Err(ModelError::FeatureMismatch(format!(
            "{what} was built on feature list {version:?}, this build computes {FEATURE_VERSION:?}; retrain it with `roster train`"
        )));
    }
    let ours = feature_names();
    if names == ours.as_slice() {
        return Ok(());
    }
    let detail = match (0..ours.len().max(names.len())).find(|&i| names.get(i) != ours.get(i)) {
        Some(i) => format!(
            "column {i} is {:?} there but {:?} here",
            names.get(i).map(String::as_str).unwrap_or("(none)"),
            ours.get(i).map(String::as_str).unwrap_or("(none)")
        ),
        None => String::new(),
    };
    Err(ModelError::FeatureMismatch(format!(
        "{what} has {} features, {FEATURE_VERSION} has {}: {detail}",
        names.len(),
        ours.len()
    )))
}

impl LightGbmScorer {
    /// Load a model file and its sidecar ([`sidecar_path`]), checking the feature list.
    pub fn load(model: &Path) -> Result<Self, ModelError> {
        let read = |p: &Path| {
            std::fs::read_to_string(p).map_err(|source| ModelError::Io {
                path: p.display().to_string(),
                source,
            })
        };
        let text = read(model)?;
        let side = sidecar_path(model);
        let bad = |message: String| ModelError::Sidecar {
            path: side.display().to_string(),
            message,
        };
        let value: serde_json::Value =
            serde_json::from_str(&read(&side)?).map_err(|e| bad(e.to_string()))?;
        if let Some(e) = crate::input::schema_errors(MODEL_SIDECAR_SCHEMA, &value).first() {
            return Err(bad(format!(
                "at {:?} ({}): {}",
                e.pointer, e.rule, e.message
            )));
        }
        let meta: ModelMeta = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
        Self::from_parts(text, meta)
    }

    /// A scorer from a model text and its metadata, checked like [`Self::load`].
    pub fn from_parts(model_text: String, meta: ModelMeta) -> Result<Self, ModelError> {
        if meta.format != "roster-affinity-model" {
            return Err(ModelError::Sidecar {
                path: "sidecar".into(),
                message: format!(
                    "format is {:?}, expected \"roster-affinity-model\"",
                    meta.format
                ),
            });
        }
        check_feature_list(&meta.feature_version, &meta.features, "the model's sidecar")?;
        let declared = model_feature_names(&model_text).ok_or_else(|| {
            ModelError::LightGbm("the model text has no feature_names line".into())
        })?;
        check_feature_list(FEATURE_VERSION, &declared, "the model file")?;
        let booster =
            Booster::from_string(&model_text).map_err(|e| ModelError::LightGbm(e.to_string()))?;
        if booster.num_features() as usize != N_FEATURES {
            return Err(ModelError::FeatureMismatch(format!(
                "the model reads {} features, {FEATURE_VERSION} has {N_FEATURES}",
                booster.num_features()
            )));
        }
        if booster.num_classes() != 1 {
            return Err(ModelError::LightGbm(format!(
                "expected a binary classifier, the model has {} classes",
                booster.num_classes()
            )));
        }
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        BOOSTERS.with(|b| remember(&mut b.borrow_mut(), id, booster));
        Ok(LightGbmScorer {
            id,
            model_text: model_text.into(),
            meta,
        })
    }

    /// The sidecar data.
    pub fn meta(&self) -> &ModelMeta {
        &self.meta
    }

    fn with_booster<R>(&self, f: impl FnOnce(&Booster) -> R) -> R {
        BOOSTERS.with(|cell| {
            let mut cache = cell.borrow_mut();
            if !cache.iter().any(|(id, _)| *id == self.id) {
                let b = Booster::from_string(&self.model_text)
                    .expect("the model text was loaded once already");
                remember(&mut cache, self.id, b);
            }
            let (_, b) = cache
                .iter()
                .find(|(id, _)| *id == self.id)
                .expect("just inserted");
            f(b)
        })
    }

    /// Predict flat row-major rows on this thread's booster, one LightGBM thread.
    fn predict_here(&self, rows: &[f32]) -> Vec<f64> {
        if rows.is_empty() {
            return Vec::new();
        }
        self.with_booster(|b| {
            b.predict_with_params(rows, N_FEATURES as i32, true, "num_threads=1")
                .expect("rows have the model's feature count")
        })
        .into_iter()
        .map(|v| v.clamp(0.0, 1.0))
        .collect()
    }

    /// Probabilities of many feature rows, in parallel chunks.
    pub fn predict_rows(&self, rows: &[FeatureRow]) -> Vec<f64> {
        rows.par_chunks(CHUNK)
            .flat_map_iter(|chunk| self.predict_here(chunk.as_flattened()))
            .collect()
    }

    /// `(score, confidence)` of one feature row.
    pub fn predict_proba_row(&self, row: &FeatureRow) -> (f64, f64) {
        let s = self.predict_here(row)[0];
        (s, super::confidence(s))
    }

    /// Score `n` pairs whose features `feat(i)` gives, chunk by chunk in parallel.
    fn score_indexed(&self, n: usize, feat: impl Fn(usize) -> FeatureRow + Sync) -> Vec<f64> {
        let mut out = vec![0.0; n];
        out.par_chunks_mut(CHUNK).enumerate().for_each(|(ci, o)| {
            let start = ci * CHUNK;
            let rows: Vec<FeatureRow> = (start..start + o.len()).map(&feat).collect();
            o.copy_from_slice(&self.predict_here(rows.as_flattened()));
        });
        out
    }
}

fn remember(cache: &mut Vec<(u64, Booster)>, id: u64, b: Booster) {
    if cache.len() >= 4 {
        cache.remove(0);
    }
    cache.push((id, b));
}

impl TaskScorer for LightGbmScorer {
    fn method(&self) -> &str {
        LIGHTGBM_METHOD
    }
    fn version(&self) -> &str {
        &self.meta.model_version
    }
    fn score_task(&self, p: &TaskProblem, e: EmpIdx, t: TaskIdx) -> f64 {
        self.predict_here(&task_features(p, e, t))[0]
    }
    fn score_task_pairs(&self, p: &TaskProblem, pairs: &[(EmpIdx, TaskIdx)]) -> Vec<f64> {
        self.score_indexed(pairs.len(), |i| task_features(p, pairs[i].0, pairs[i].1))
    }
    fn score_all_tasks(&self, p: &TaskProblem) -> Vec<f64> {
        let n_t = p.tasks.len();
        if n_t == 0 {
            return Vec::new();
        }
        self.score_indexed(p.employees.len() * n_t, |i| {
            task_features(p, EmpIdx((i / n_t) as u32), TaskIdx((i % n_t) as u32))
        })
    }
}

impl Scorer for LightGbmScorer {
    fn method(&self) -> &str {
        LIGHTGBM_METHOD
    }
    fn version(&self) -> &str {
        &self.meta.model_version
    }
    fn score(&self, p: &Problem, e: EmployeeIdx, s: SlotIdx) -> f64 {
        self.predict_here(&slot_features(p, e, s))[0]
    }
    fn score_all(&self, p: &Problem) -> Vec<f64> {
        let n_s = p.slots.len();
        if n_s == 0 {
            return Vec::new();
        }
        self.score_indexed(p.employees.len() * n_s, |i| {
            slot_features(p, EmployeeIdx((i / n_s) as u32), SlotIdx((i % n_s) as u32))
        })
    }
}
