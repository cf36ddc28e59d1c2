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
# The other backends for the migrate tests (what `rustbackend migrate` consults and
# `--verify` builds with), each pinned, as the index those tests give pip.
export RUSTBACKEND_OLD_BACKENDS="$ROOT/target/old-backends"
rm -rf "$RUSTBACKEND_OLD_BACKENDS"
"$VENV/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps \
    --only-binary=:all: -r tests/python/requirements-old-backends.txt -d "$RUSTBACKEND_OLD_BACKENDS"
"$VENV/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps \
    --only-binary=:all: -r tests/python/requirements-old-backends-older.txt -d "$RUSTBACKEND_OLD_BACKENDS"
# With RUSTBACKEND_FREE_THREADED=1 (scripts/test.sh): a free-threaded CPython 3.13 (built once
# into a cache outside the clone by scripts/free-threaded-python.sh) and a wheelhouse of its
# own, target/wheelhouse-ft/, with rustbackend's cp313t wheel and the pure-Python wheels the
# free-threaded tests install. Skipped, with a line, where the interpreter cannot be built.
if [ "${RUSTBACKEND_FREE_THREADED:-}" = 1 ]; then
    export RUSTBACKEND_FT_WHEELHOUSE="$ROOT/target/wheelhouse-ft"
    rm -rf "$RUSTBACKEND_FT_WHEELHOUSE"
    status=0
    RUSTBACKEND_FT_PYTHON=$(bash scripts/free-threaded-python.sh 3.13) || status=$?
    if [ "$status" = 3 ]; then
        echo "== no free-threaded CPython on this machine: its tests are skipped"
        unset RUSTBACKEND_FT_PYTHON RUSTBACKEND_FT_WHEELHOUSE
    elif [ "$status" != 0 ]; then
        exit "$status"
    else
        export RUSTBACKEND_FT_PYTHON
        bash scripts/release-build.sh "$RUSTBACKEND_FT_WHEELHOUSE" manylinux-x86_64-cp313t
        "$VENV/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps \
            --only-binary=:all: --platform any --implementation py --abi none --python-version 3.13 \
            -r tests/python/requirements-build.txt -r tests/python/requirements-free-threaded.txt \
            -d "$RUSTBACKEND_FT_WHEELHOUSE"
    fi
fi

