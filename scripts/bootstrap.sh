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
