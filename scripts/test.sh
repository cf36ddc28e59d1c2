#!/usr/bin/env bash
# Runs every test from nothing: Rust format and lint checks, cargo test, then the
# end-to-end suite that drives real pip, build, uv, installer and twine in fresh venvs.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --features python --lib -- -D warnings
echo "== cargo test"
cargo test --quiet
source scripts/bootstrap.sh
echo "== end-to-end tests (pytest)"
"$VENV/bin/python" -m pytest tests/python -q "$@"
