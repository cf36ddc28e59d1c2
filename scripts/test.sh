#!/usr/bin/env bash
# Runs every test from nothing: Rust format and lint checks (for Linux, Windows and macOS),
# the pinned tool venv and the release-grade backend wheel (scripts/bootstrap.sh; with a
# free-threaded CPython 3.13, built once into ~/.cache/rustbackend, and its cp313t wheel), the release
# artifacts (scripts/release-build.sh), cargo test (its property test drives the pinned
# installer), the Rust suite for Windows under Wine, actionlint on the release and native workflows, then
# the end-to-end suite that drives real pip, build, uv, installer, twine and mypy in fresh
# venvs. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== cargo fmt --check"
cargo fmt --all -- --check
bash scripts/install-system-tools.sh
echo "== cargo clippy (Linux)"
cargo clippy --quiet --workspace --all-targets -- -D warnings
cargo clippy --quiet --features python --lib -- -D warnings
for target in x86_64-pc-windows-msvc aarch64-apple-darwin x86_64-apple-darwin; do
    echo "== cargo clippy ($target)"
    rustup target list --installed | grep -qx "$target" || rustup target add "$target" >/dev/null
    cargo clippy --quiet --target "$target" --workspace --all-targets -- -D warnings
    cargo clippy --quiet --target "$target" --features python --lib -- -D warnings
done
RUSTBACKEND_FREE_THREADED=1 source scripts/bootstrap.sh
echo "== python scripts/check_version.py"
"$VENV/bin/python" scripts/check_version.py
echo "== actionlint"
"$VENV/bin/actionlint" -no-color .github/workflows/*.yml
echo "== release artifacts (scripts/release-build.sh target/release-artifacts)"
export RUSTBACKEND_RELEASE_DIR="$ROOT/target/release-artifacts"
rm -rf "$RUSTBACKEND_RELEASE_DIR" "$RUSTBACKEND_RELEASE_DIR-second"
# Two builders at once, each with its own cargo target directory (the link-time optimisation
# of each wheel runs on one core); the second's wheels join the first's when both are done.
CARGO_TARGET_DIR="$ROOT/target/release-second" bash scripts/release-build.sh \
    "$RUSTBACKEND_RELEASE_DIR-second" manylinux-s390x manylinux-armv7l musllinux-i686 \
    manylinux-ppc64le >/dev/null &
second=$!
bash scripts/release-build.sh "$RUSTBACKEND_RELEASE_DIR" sdist musllinux-x86_64 manylinux-aarch64 \
    manylinux-x86_64-cp314t manylinux-i686 >/dev/null
wait "$second"
mv "$RUSTBACKEND_RELEASE_DIR-second"/* "$RUSTBACKEND_RELEASE_DIR/"
rmdir "$RUSTBACKEND_RELEASE_DIR-second"
cp "$RUSTBACKEND_WHEELHOUSE"/rustbackend-*.whl "$RUSTBACKEND_RELEASE_DIR/"
# The cp313t wheel needs a free-threaded 3.13 to build (bootstrap made both, where it can).
if [ -n "${RUSTBACKEND_FT_WHEELHOUSE:-}" ]; then
    cp "$RUSTBACKEND_FT_WHEELHOUSE"/rustbackend-*.whl "$RUSTBACKEND_RELEASE_DIR/"
fi
ls "$RUSTBACKEND_RELEASE_DIR"
# pdm pins installer<0.8, which cannot share .venv (installer 1.1.0): its own venv.
make_venv "$ROOT/.venv-pdm" "$ROOT/tests/python/requirements-pdm.txt"
export RUSTBACKEND_PDM="$ROOT/.venv-pdm/bin/pdm"
# Poetry's pins are its own too (tests/python/requirements-poetry.txt).
make_venv "$ROOT/.venv-poetry" "$ROOT/tests/python/requirements-poetry.txt"
export RUSTBACKEND_POETRY="$ROOT/.venv-poetry/bin/poetry"
echo "== cargo test"
RUSTBACKEND_INSTALLER_PYTHON="$VENV/bin/python" cargo test --quiet --workspace
echo "== cargo test for Windows, under Wine (scripts/wine-test.sh)"
bash scripts/wine-test.sh
echo "== end-to-end tests (pytest)"
"$VENV/bin/python" -m pytest tests/python -q "$@"
