#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls exactly this).
# Installs missing native prerequisites, then: formatting, lints, every test.
# Everything uses the release profile, shared with `cargo run --release`, so the C++ of
# HiGHS compiles once.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prereqs.sh
# Cargo probes rustc with `rustc -` and stdin from /dev/null. On a machine where /dev/null has
# been replaced by a regular file (seen on a CI run: build scripts' stderr piled up in it and the
# probe compiled that text), every cargo command fails; empty it before each one.
null_guard() {
  if [ ! -c /dev/null ]; then
    echo "test.sh: /dev/null is not a character device on this machine; emptying it" >&2
    : > /dev/null
  fi
}
null_guard
cargo fmt --all -- --check
null_guard
cargo clippy --release --all-targets --locked -- -D warnings
null_guard
cargo test --release --locked
