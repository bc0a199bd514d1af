//! Preview and finalize: the scheduler service's workflow (original notes, ml_service /
//! scheduler_service) as a library API, with storage behind [`AssignmentStore`] so the later
//! service layer can put a database there.
//!
//! * [`assign_tasks`] solves and stores nothing.
//! * [`preview_assignments`] solves and stores the preview only (the solution document and the
//!   feature rows of its chosen pairs), under an id derived from its content.
//! * [`finalize_assignments`] writes the chosen preview to the output store and logs the
//!   features of each chosen pair, outcome empty, to the training data
//!   ([`crate::scoring::training`] format) — the loop from assignment to retraining. An
//!   unknown or already-finalized preview is an error, and nothing is written then.
//!
//! [`FileStore`] serves the CLI (`roster assign --preview --store DIR`, `roster finalize ID
//! --store DIR`); [`MemoryStore`] serves tests.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use serde_json::{json, Value};

use super::{solve_tasks, task_solution_json, TaskProblem, TaskSolution, TaskSolveOptions};
use crate::scoring::features::task_features;
use crate::scoring::training::{csv_header, csv_line, read_csv, TrainingRow};
use crate::solve::{SolveError, Status};

/// JSON Schema of the preview document and of the finalized record.
pub const TASK_PREVIEW_SCHEMA: &str = include_str!("../../schemas/task-preview.schema.json");

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
#[error("store: {0}")]
pub struct StoreError(pub String);

/// Where previews, finalized assignments and the training log live.
pub trait AssignmentStore {
    /// Save (or replace) a preview document.
    fn put_preview(&mut self, id: &str, doc: &Value) -> Result<(), StoreError>;
    /// A preview document, if there is one with this id.
    fn get_preview(&self, id: &str) -> Result<Option<Value>, StoreError>;
    /// The finalized record of a preview, if it was finalized.
    fn get_finalized(&self, id: &str) -> Result<Option<Value>, StoreError>;
    /// Save the finalized record of a preview.
    fn put_finalized(&mut self, id: &str, doc: &Value) -> Result<(), StoreError>;
    /// Append rows to the training log.
    fn append_training(&mut self, rows: &[TrainingRow]) -> Result<(), StoreError>;
}

/// Why a preview or a finalize failed.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// HiGHS failed.
    #[error(transparent)]
    Solve(#[from] SolveError),
    /// The solve gave nothing to preview.
    #[error("nothing to preview: the solve ended {0:?}")]
    NothingToPreview(Status),
    /// No preview has this id.
    #[error("unknown preview {0:?}")]
    UnknownPreview(String),
    /// The preview was finalized before.
    #[error("preview {id:?} was already finalized at {at}")]
    AlreadyFinalized {
        /// The preview.
        id: String,
        /// When.
        at: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored preview is damaged.
    #[error("preview {0:?} is damaged: {1}")]
    Damaged(String, String),
}

/// A stored preview.
#[derive(Clone, Debug)]
pub struct Preview {
    /// Its id (`preview-` + 16 hex digits of a hash of its content).
    pub id: String,
    /// The solution.
    pub solution: TaskSolution,
    /// The stored document (`schemas/task-preview.schema.json`).
    pub document: Value,
}

/// What a finalize wrote.
#[derive(Clone, Debug, PartialEq)]
pub struct FinalizeReceipt {
    /// The preview.
    pub preview_id: String,
    /// When (given by the caller).
    pub finalized_at: String,
    /// Assignments written to the output store.
    pub assignments_stored: usize,
    /// Rows appended to the training log.
    pub training_rows: usize,
}

/// Solve and return the solution; stores nothing (the scheduler's `assign_tasks`).
pub fn assign_tasks(p: &TaskProblem, opts: &TaskSolveOptions) -> Result<TaskSolution, SolveError> {
    solve_tasks(p, opts)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

/// Solve and store the preview only. Same request, method and scorer → same id.
pub fn preview_assignments(
    p: &TaskProblem,
    opts: &TaskSolveOptions,
    store: &mut dyn AssignmentStore,
) -> Result<Preview, WorkflowError> {
    let solution = solve_tasks(p, opts)?;
    if !(solution.status.has_roster() || solution.status == Status::NoSlots)
        || solution.check.as_ref().is_some_and(|c| !c.feasible)
    {
        return Err(WorkflowError::NothingToPreview(solution.status));
    }
    let log: Vec<String> = solution
        .assignments
        .iter()
        .map(|a| {
            csv_line(&TrainingRow {
                task_id: p.tasks[a.task.ix()].id.clone(),
                employee_id: p.employees[a.employee.ix()].id.clone(),
                features: task_features(p, a.employee, a.task),
                outcome: None,
            })
        })
        .collect();
    let mut key = format!(
        "{}\n{}\n{}\n{}\n",
        p.request_id,
        p.config.method.as_str(),
        solution.scoring.0,
        solution.scoring.1
    );
    for line in &log {
        key.push_str(line);
        key.push('\n');
    }
    let id = format!("preview-{:016x}", fnv1a(key.as_bytes()));
    let document = json!({
        "previewId": id,
        "requestId": p.request_id,
        "method": p.config.method.as_str(),
        "scoringMethod": solution.scoring.0,
        "scoringModelVersion": solution.scoring.1,
        "solution": task_solution_json(p, &solution),
        "trainingLog": log,
    });
    store.put_preview(&id, &document)?;
    Ok(Preview {
        id,
        solution,
        document,
    })
}

/// Write preview `id` to the output store and log its pairs for training. Unknown or
/// already finalized: an error, and nothing is written.
pub fn finalize_assignments(
    store: &mut dyn AssignmentStore,
    id: &str,
    finalized_at: &str,
) -> Result<FinalizeReceipt, WorkflowError> {
    let preview = store
        .get_preview(id)?
        .ok_or_else(|| WorkflowError::UnknownPreview(id.to_string()))?;
    if let Some(done) = store.get_finalized(id)? {
        return Err(WorkflowError::AlreadyFinalized {
            id: id.to_string(),
            at: done["finalizedAt"].as_str().unwrap_or("?").to_string(),
        });
    }
    let damaged = |m: String| WorkflowError::Damaged(id.to_string(), m);
    let lines: Vec<&str> = preview["trainingLog"]
        .as_array()
        .ok_or_else(|| damaged("no trainingLog".into()))?
        .iter()
        .map(|l| {
            l.as_str()
                .ok_or_else(|| damaged("a trainingLog line is not text".into()))
        })
        .collect::<Result<_, _>>()?;
    let mut text = csv_header();
    for l in &lines {
        text.push('\n');
        text.push_str(l);
    }
    let rows = read_csv(&text).map_err(|e| damaged(e.to_string()))?;
    let solution = &preview["solution"];
    let assignments = solution["assignments"].clone();
    let stored = assignments.as_array().map_or(0, Vec::len);
    let record = json!({
        "previewId": id,
        "finalizedAt": finalized_at,
        "requestId": preview["requestId"],
        "method": preview["method"],
        "scoringMethod": preview["scoringMethod"],
        "scoringModelVersion": preview["scoringModelVersion"],
        "assignmentsStored": stored,
        "assignments": assignments,
        "summary": solution["summary"],
    });
    store.append_training(&rows)?;
    store.put_finalized(id, &record)?;
    Ok(FinalizeReceipt {
        preview_id: id.to_string(),
        finalized_at: finalized_at.to_string(),
        assignments_stored: stored,
        training_rows: rows.len(),
    })
}

/// An in-memory store (tests, embedding).
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    /// Previews by id.
    pub previews: BTreeMap<String, Value>,
    /// Finalized records by preview id.
    pub finalized: BTreeMap<String, Value>,
    /// The training log.
    pub training: Vec<TrainingRow>,
}

impl AssignmentStore for MemoryStore {
    fn put_preview(&mut self, id: &str, doc: &Value) -> Result<(), StoreError> {
        self.previews.insert(id.to_string(), doc.clone());
        Ok(())
    }
    fn get_preview(&self, id: &str) -> Result<Option<Value>, StoreError> {
        Ok(self.previews.get(id).cloned())
    }
    fn get_finalized(&self, id: &str) -> Result<Option<Value>, StoreError> {
        Ok(self.finalized.get(id).cloned())
    }
    fn put_finalized(&mut self, id: &str, doc: &Value) -> Result<(), StoreError> {
        self.finalized.insert(id.to_string(), doc.clone());
        Ok(())
    }
    fn append_training(&mut self, rows: &[TrainingRow]) -> Result<(), StoreError> {
        self.training.extend_from_slice(rows);
        Ok(())
    }
}

/// A directory: `previews/ID.json`, `finalized/ID.json`, `training-data.csv` (appended;
/// the header is written when the file is created). JSON files are written atomically.
#[derive(Clone, Debug)]
pub struct FileStore {
    dir: PathBuf,
}

/// The training log's file name inside a [`FileStore`].
pub const TRAINING_FILE: &str = "training-data.csv";

impl FileStore {
    /// A store in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FileStore { dir: dir.into() }
    }

    /// The training log's path.
    pub fn training_path(&self) -> PathBuf {
        self.dir.join(TRAINING_FILE)
    }

    fn path(&self, kind: &str, id: &str) -> Option<PathBuf> {
        // Ids name files: only plain characters, so no id reaches outside the store.
        let plain = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        plain.then(|| self.dir.join(kind).join(format!("{id}.json")))
    }

    fn read(&self, kind: &str, id: &str) -> Result<Option<Value>, StoreError> {
        let Some(path) = self.path(kind, id) else {
            return Ok(None);
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| StoreError(format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError(format!("{}: {e}", path.display()))),
        }
    }

    fn write(&self, kind: &str, id: &str, doc: &Value) -> Result<(), StoreError> {
        let path = self
            .path(kind, id)
            .ok_or_else(|| StoreError(format!("{id:?} is not a valid id")))?;
        let err = |e: std::io::Error| StoreError(format!("{}: {e}", path.display()));
        let dir = path.parent().expect("kind directory");
        std::fs::create_dir_all(dir).map_err(err)?;
        let tmp = dir.join(format!(".{id}.{}.tmp", std::process::id()));
        let mut text = serde_json::to_string_pretty(doc).expect("JSON values serialise");
        text.push('\n');
        let res = std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, &path));
        if let Err(e) = res {
            let _ = std::fs::remove_file(&tmp);
            return Err(err(e));
        }
        Ok(())
    }
}

impl AssignmentStore for FileStore {
    fn put_preview(&mut self, id: &str, doc: &Value) -> Result<(), StoreError> {
        self.write("previews", id, doc)
    }
    fn get_preview(&self, id: &str) -> Result<Option<Value>, StoreError> {
        self.read("previews", id)
    }
    fn get_finalized(&self, id: &str) -> Result<Option<Value>, StoreError> {
        self.read("finalized", id)
    }
    fn put_finalized(&mut self, id: &str, doc: &Value) -> Result<(), StoreError> {
        self.write("finalized", id, doc)
    }
    fn append_training(&mut self, rows: &[TrainingRow]) -> Result<(), StoreError> {
        let path = self.training_path();
        let err = |e: std::io::Error| StoreError(format!("{}: {e}", path.display()));
        std::fs::create_dir_all(&self.dir).map_err(err)?;
        let fresh = std::fs::metadata(&path).map_or(true, |m| m.len() == 0);
        let mut text = String::new();
        if fresh {
            text.push_str(&csv_header());
            text.push('\n');
        }
        for r in rows {
            text.push_str(&csv_line(r));
            text.push('\n');
        }
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(err)?;
        f.write_all(text.as_bytes()).map_err(err)?;
        f.sync_all().map_err(err)
    }
}
