#!/usr/bin/env python3
"""Proves a rustbackend wheel works on the interpreter that runs this script, the way a
user's isolated build meets it:

    python scripts/smoke_test_wheel.py WHEELHOUSE [SAMPLE]

In a fresh virtualenv of this interpreter, real pip builds sample-projects/SAMPLE (default
src-basic) with `pip wheel` in an isolated build whose only index is WHEELHOUSE, so pip must
pick a rustbackend wheel from it that this platform accepts. The sample's wheel is then
installed and its check_install.py run. Prints one line per step and exits non-zero on any
failure. Standard library only: it runs on every release runner (Linux, macOS, Windows)
and on every CPython from 3.8.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(cmd, **kwargs):
    print("$", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    wheelhouse = Path(argv[1]).resolve()
    sample = argv[2] if len(argv) == 3 else "src-basic"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        venv.create(tmp / "venv", with_pip=True)
        bindir = "Scripts" if os.name == "nt" else "bin"
        python = tmp / "venv" / bindir / ("python.exe" if os.name == "nt" else "python")
        project = tmp / sample
        shutil.copytree(ROOT / "sample-projects" / sample, project)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
        env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheelhouse), PIP_DISABLE_PIP_VERSION_CHECK="1",
                   PIP_NO_CACHE_DIR="1")
        run([python, "-m", "pip", "wheel", "--no-deps", "-w", tmp / "out", project], env=env)
        built = sorted((tmp / "out").glob("*.whl"))
        if len(built) != 1:
            print(f"error: expected one wheel of {sample}, got {built}", file=sys.stderr)
            return 1
        run([python, "-m", "pip", "install", "--no-deps", built[0]], env=env)
        run([python, project / "check_install.py"], cwd=tmp)
        print(f"ok: {built[0].name} built by rustbackend on Python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
