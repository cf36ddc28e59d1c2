#!/usr/bin/env bash
# Creates .venv with the pinned tools (tests/python/requirements.txt) and builds the
# rustbackend wheel into target/wheelhouse/. Sourced by demo.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PYTHON=${PYTHON:-python3}
VENV="$ROOT/.venv"
REQS="$ROOT/tests/python/requirements.txt"
STAMP="$VENV/.requirements.sha256"
want=$(sha256sum "$REQS" | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
    echo "== creating $VENV with the pinned tools"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQS"
    echo "$want" > "$STAMP"
fi
echo "== building the rustbackend wheel (maturin, release)"
rm -rf "$ROOT/target/wheelhouse"
"$VENV/bin/maturin" build --release --quiet -o "$ROOT/target/wheelhouse" >/dev/null
export RUSTBACKEND_WHEELHOUSE="$ROOT/target/wheelhouse"
ls "$RUSTBACKEND_WHEELHOUSE"
