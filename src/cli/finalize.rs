//! `roster finalize PREVIEW_ID --store DIR`: write a stored preview to the store's finalized
//! records and log its pairs to the store's training data (`DIR/training-data.csv`). An
//! unknown or already-finalized preview is an error (exit 2) and writes nothing.

use std::path::PathBuf;

use roster::tasks::workflow::{finalize_assignments, FileStore, WorkflowError};

use super::{UsageError, EXIT_OK};

#[derive(clap::Args)]
pub struct Args {
    /// The preview's id (printed by `roster assign --preview`).
    preview_id: String,
    /// Assignment store directory.
    #[arg(long)]
    store: PathBuf,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let mut store = FileStore::new(&a.store);
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    match finalize_assignments(&mut store, &a.preview_id, &now) {
        Ok(r) => {
            let doc = serde_json::json!({
                "previewId": r.preview_id,
                "finalizedAt": r.finalized_at,
                "assignmentsStored": r.assignments_stored,
                "trainingRowsLogged": r.training_rows,
            });
            super::write_json(None, &doc)?;
            eprintln!(
                "finalized {}: {} assignments stored, {} rows appended to {}",
                r.preview_id,
                r.assignments_stored,
                r.training_rows,
                store.training_path().display()
            );
            Ok(EXIT_OK)
        }
        Err(e @ (WorkflowError::UnknownPreview(_) | WorkflowError::AlreadyFinalized { .. })) => {
            Err(UsageError(e.to_string()).into())
        }
        Err(e) => Err(e.into()),
    }
}
