//! `roster generate-training-data [--pairs N] [--seed N] [-o FILE]`: seeded employee–task
//! pairs with outcomes drawn from a known ground truth
//! (`roster::scoring::training::ground_truth`), in the format `roster train` reads.

use std::path::PathBuf;

use roster::scoring::training::{generate, to_csv};

use super::{write_text, EXIT_OK};

#[derive(clap::Args)]
pub struct Args {
    /// Number of pairs (rows).
    #[arg(long, default_value_t = 20000, value_parser = clap::value_parser!(u64).range(1..=50_000_000))]
    pairs: u64,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write here instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let text = to_csv(&generate(a.pairs as usize, a.seed));
    match &a.output {
        Some(p) => write_text(p, &text)?,
        None => {
            use std::io::Write;
            std::io::stdout().lock().write_all(text.as_bytes())?;
        }
    }
    Ok(EXIT_OK)
}
