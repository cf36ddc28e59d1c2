#!/usr/bin/env bash
# The main job: build every sample project's wheel and sdist through rustbackend, the way
# a frontend does (python -m build, isolated), and list what each artifact holds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
OUT="$ROOT/dist/samples"
rm -rf "$OUT" && mkdir -p "$OUT"
export PIP_FIND_LINKS="$RUSTBACKEND_WHEELHOUSE" PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1
for project in sample-projects/*/; do
    name=$(basename "$project")
    echo
    echo "== $name"
    if ! "$VENV/bin/python" -m build --outdir "$OUT/$name" "$project" >"$OUT/$name.log" 2>&1; then
        cat "$OUT/$name.log"
        exit 1
    fi
    "$VENV/bin/python" - "$OUT/$name" <<'PY'
import sys, tarfile, zipfile
from pathlib import Path

for artifact in sorted(Path(sys.argv[1]).iterdir()):
    if artifact.suffix == ".whl":
        with zipfile.ZipFile(artifact) as zf:
            names = [i.filename for i in zf.infolist()]
    else:
        with tarfile.open(artifact) as tf:
            names = tf.getnames()
    print(f"{artifact.name}  ({artifact.stat().st_size} bytes, {len(names)} files)")
    for name in names:
        print(f"    {name}")
PY
done
echo
echo "Artifacts are in $OUT"
