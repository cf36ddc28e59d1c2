#!/usr/bin/env bash
# Creates .venv with the pinned tools (scripts/tools.sh) and builds the release-grade
# rustbackend wheel (manylinux2014 x86_64, abi3, by scripts/release-build.sh) into
# target/wheelhouse/. Sourced by demo.sh and test.sh; every end-to-end test reuses that wheel.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/tools.sh
export RUSTBACKEND_WHEELHOUSE="$ROOT/target/wheelhouse"
rm -rf "$RUSTBACKEND_WHEELHOUSE"
bash scripts/release-build.sh "$RUSTBACKEND_WHEELHOUSE" manylinux-x86_64
# What the hooks ask isolated builds for (Cython for `.pyx` sources), beside our wheel.
"$VENV/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps \
    --only-binary=:all: --platform any --implementation py --abi none --python-version 3.8 \
    -r tests/python/requirements-build.txt -d "$RUSTBACKEND_WHEELHOUSE"
