#!/usr/bin/env bash
# Creates .venv with the pinned tools (tests/python/requirements.txt): maturin and zig for
# building rustbackend, and the frontends and validators the tests drive. Sourced by
# bootstrap.sh and release-build.sh; defines ROOT, VENV and make_venv for other pinned sets.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
PYTHON=${PYTHON:-python3}
VENV="$ROOT/.venv"

# make_venv DIR REQUIREMENTS: (re)creates DIR when the pinned requirements changed.
make_venv() {
    local dir=$1 reqs=$2 stamp="$1/.requirements.sha256" want
    # The stamp covers the files that REQUIREMENTS includes with `-r` too.
    want=$(cd "$(dirname "$reqs")" && cat "$reqs" $(sed -n 's/^-r *//p' "$reqs") | sha256sum | cut -d' ' -f1)
    if [ ! -x "$dir/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        echo "== creating $dir with the pinned tools of ${reqs#"$ROOT/"}"
        rm -rf "$dir"
        "$PYTHON" -m venv "$dir"
        "$dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$reqs"
        echo "$want" > "$stamp"
    fi
}
make_venv "$VENV" "$ROOT/tests/python/requirements.txt"
