#!/usr/bin/env bash
# Builds rustbackend (release) and runs the compile-time benchmark against setuptools;
# arguments go to benches/native.py (--runs N).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh >/dev/null
exec "$VENV/bin/python" benches/native.py "$@"
