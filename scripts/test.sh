#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls exactly this).
# Installs missing native prerequisites, then: formatting, lints, every test.
# Everything uses the release profile, shared with `cargo run --release`, so the C++ of
# HiGHS compiles once.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prereqs.sh
cargo fmt --all -- --check
cargo clippy --release --all-targets --locked -- -D warnings
cargo test --release --locked
