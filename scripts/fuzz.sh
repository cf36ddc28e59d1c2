#!/usr/bin/env bash
# Runs both cargo-fuzz targets, one after the other, for SECONDS each (default 1800), the
# pyproject one seeded with every fixture's pyproject.toml. A crash stops the run; its input
# is in fuzz/artifacts/TARGET/ and becomes a fixture (tests/fixtures/pyproject/).
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); libFuzzer's nightly flags are
# enabled on a stable toolchain by RUSTC_BOOTSTRAP=1.
set -euo pipefail
seconds=${1:-1800}
cd "$(dirname "$0")/../fuzz"
mkdir -p corpus/pyproject corpus/metadata
for case in ../tests/fixtures/pyproject/*/; do
    cp "$case/pyproject.toml" "corpus/pyproject/$(basename "$case").toml"
done
for target in pyproject metadata; do
    echo "== fuzzing $target for ${seconds}s"
    RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$target" "corpus/$target" -- -max_total_time="$seconds" -print_final_stats=1
done
