#!/usr/bin/env bash
# Builds rustbackend (release) and runs the side-by-side benchmark; arguments go to
# benches/compare.py (--quick, --corpus NAME, --backend NAME).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh >/dev/null
exec "$VENV/bin/python" benches/compare.py "$@"
