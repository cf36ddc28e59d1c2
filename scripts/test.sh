#!/usr/bin/env bash
# Runs every test from nothing: Rust format and lint checks, the pinned tool venv and the
# backend wheel (scripts/bootstrap.sh), cargo test (its property test drives the pinned
# installer), then the end-to-end suite that drives real pip, build, uv, installer, twine
# and mypy in fresh venvs. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --features python --lib -- -D warnings
source scripts/bootstrap.sh
# pdm pins installer<0.8, which cannot share .venv (installer 1.1.0): its own venv.
make_venv "$ROOT/.venv-pdm" "$ROOT/tests/python/requirements-pdm.txt"
export RUSTBACKEND_PDM="$ROOT/.venv-pdm/bin/pdm"
echo "== cargo test"
RUSTBACKEND_INSTALLER_PYTHON="$VENV/bin/python" cargo test --quiet
echo "== end-to-end tests (pytest)"
"$VENV/bin/python" -m pytest tests/python -q "$@"
