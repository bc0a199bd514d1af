//! `roster train --data FILE --out MODEL [--trees N] [--leaves N] [--learning-rate X]
//! [--holdout F] [--seed N] [--model-version V]`: train the LightGBM affinity model from
//! logged training data and print its held-out AUC and log-loss beside the fallback's AUC.

use std::path::PathBuf;

use roster::scoring::lightgbm::sidecar_path;
use roster::scoring::training::{read_csv, train, TrainParams};

use super::{read_input, write_text, UsageError, EXIT_OK};

#[derive(clap::Args)]
pub struct Args {
    /// Training data (CSV: taskId,employeeId,featureVersion,<features>,outcome).
    #[arg(long)]
    data: PathBuf,
    /// Model file to write (LightGBM text); the sidecar goes beside it with extension .json.
    #[arg(long)]
    out: PathBuf,
    /// Boosting rounds (trees).
    #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u32).range(1..=10000))]
    trees: u32,
    /// Leaves per tree.
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u32).range(2..=4096))]
    leaves: u32,
    /// Learning rate.
    #[arg(long, default_value_t = 0.15)]
    learning_rate: f64,
    /// Share of labelled rows held out for the reported figures.
    #[arg(long, default_value_t = 0.2)]
    holdout: f64,
    /// Seed (split and LightGBM).
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Model version written to the sidecar and reported as scoringModelVersion.
    #[arg(long, default_value = "affinity-v1")]
    model_version: String,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    if !(a.holdout > 0.0 && a.holdout < 1.0) {
        return Err(UsageError(format!("--holdout {} must lie in (0, 1)", a.holdout)).into());
    }
    if !(a.learning_rate > 0.0 && a.learning_rate.is_finite()) {
        return Err(UsageError(format!(
            "--learning-rate {} must be positive",
            a.learning_rate
        ))
        .into());
    }
    let text = read_input(&a.data)?;
    let rows = read_csv(&text).map_err(|e| UsageError(format!("{}: {e}", a.data.display())))?;
    let params = TrainParams {
        trees: a.trees,
        leaves: a.leaves,
        learning_rate: a.learning_rate,
        holdout: a.holdout,
        seed: a.seed,
        model_version: a.model_version,
    };
    let trained = train(&rows, &params).map_err(|e| UsageError(e.to_string()))?;
    write_text(&a.out, &trained.model_text)?;
    let mut side = serde_json::to_string_pretty(&trained.meta)?;
    side.push('\n');
    write_text(&sidecar_path(&a.out), &side)?;
    let r = &trained.report;
    println!(
        "trained {} trees x {} leaves on {} rows ({} held out, {} without outcome skipped)",
        params.trees, params.leaves, r.train_rows, r.held_out_rows, r.unlabelled_rows
    );
    println!("held-out AUC      {:.4}", r.auc);
    println!("held-out log-loss {:.4}", r.log_loss);
    println!(
        "fallback AUC      {:.4} (0.4*skill+0.3*experience+0.3*workload, same rows)",
        r.fallback_auc
    );
    println!(
        "wrote {} and {}",
        a.out.display(),
        sidecar_path(&a.out).display()
    );
    Ok(EXIT_OK)
}
