#!/usr/bin/env bash
# Creates .venv with the pinned tools (tests/python/requirements.txt) and builds the
# rustbackend wheel into target/wheelhouse/. Sourced by demo.sh and test.sh; defines
# make_venv for other pinned tool sets.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
PYTHON=${PYTHON:-python3}
VENV="$ROOT/.venv"

# make_venv DIR REQUIREMENTS: (re)creates DIR when the pinned requirements changed.
make_venv() {
    local dir=$1 reqs=$2 stamp="$1/.requirements.sha256" want
    want=$(sha256sum "$reqs" | cut -d' ' -f1)
    if [ ! -x "$dir/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        echo "== creating $dir with the pinned tools of ${reqs#"$ROOT/"}"
        rm -rf "$dir"
        "$PYTHON" -m venv "$dir"
        "$dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$reqs"
        echo "$want" > "$stamp"
    fi
}
make_venv "$VENV" "$ROOT/tests/python/requirements.txt"
echo "== building the rustbackend wheel (maturin, release)"
rm -rf "$ROOT/target/wheelhouse"
"$VENV/bin/maturin" build --release --quiet -o "$ROOT/target/wheelhouse" >/dev/null
export RUSTBACKEND_WHEELHOUSE="$ROOT/target/wheelhouse"
ls "$RUSTBACKEND_WHEELHOUSE"
