#!/usr/bin/env python3
"""Builds native projects with rustbackend on the interpreter that runs this script, installs
each wheel in a fresh virtualenv and checks that it works: what .github/workflows/native.yml
runs on Windows and macOS, and tests/python/test_platforms.py runs here.

    python scripts/native_smoke.py WHEELHOUSE [--sample NAME ...] [--real NAME ...]

WHEELHOUSE holds the rustbackend wheel for this platform (and Cython, for the Cython sample).
Without options: every native sample project (sample-projects/c-extension*) through
scripts/smoke_test_wheel.py, then the real compiled projects below: each sdist is fetched
from the index (PIP_INDEX_URL, else PyPI) at its pinned version and checked against its
sha256, its setup.py is replaced by our table (tests/fixtures/real-compiled/NAME.toml),
isolated pip builds it, and its check runs against the installed wheel. Prints the wheels it
made; exits non-zero on any failure. Standard library only.
"""

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import venv
from hashlib import sha256
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from smoke_test_wheel import main as smoke_sample  # noqa: E402

SAMPLES = sorted(p.name for p in (ROOT / "sample-projects").glob("c-extension*"))
# Real projects with compiled code (tests/python/test_real_compiled_projects.py builds them
# all here): the pinned version, and code that calls into the compiled module.
REAL = {
    "markupsafe": ("3.0.4", "import markupsafe, markupsafe._speedups as s; assert markupsafe._escape_inner is s._escape_inner;"
                            " assert str(markupsafe.escape('<a>')) == '&lt;a&gt;'"),
    "fastrlock": ("0.8.4", "from fastrlock.rlock import FastRLock; lock = FastRLock(); lock.acquire(); lock.release()"),
}


def run(cmd, **kwargs):
    print("$", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def fetch_sdist(name: str, version: str, dest: Path) -> Path:
    """The sdist of name==version from the index's JSON simple API (PEP 691), its sha256
    checked."""
    index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple").rstrip("/")
    request = urllib.request.Request(f"{index}/{name}/", headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        files = json.load(response)["files"]
    for file in files:
        stem, _, tail = file["filename"][: -len(".tar.gz")].rpartition("-")
        if file["filename"].endswith(".tar.gz") and tail == version and stem.lower().replace("_", "-") == name:
            with urllib.request.urlopen(file["url"], timeout=120) as response:
                data = response.read()
            if sha256(data).hexdigest() != file["hashes"]["sha256"]:
                raise SystemExit(f"error: {file['filename']} does not match its sha256")
            path = dest / file["filename"]
            path.write_bytes(data)
            return path
    raise SystemExit(f"error: no sdist of {name} {version} on {index}")


def smoke_real(wheelhouse: Path, name: str) -> str:
    version, check = REAL[name]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with tarfile.open(fetch_sdist(name, version, tmp)) as tf:
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tf.extractall(tmp / "src", **safe)
        (project,) = (tmp / "src").iterdir()
        (project / "setup.py").unlink(missing_ok=True)
        for stale in project.glob("*.egg-info"):
            shutil.rmtree(stale)
        shutil.copy(ROOT / "tests" / "fixtures" / "real-compiled" / f"{name}.toml", project / "pyproject.toml")
        venv.create(tmp / "venv", with_pip=True)
        bindir = "Scripts" if os.name == "nt" else "bin"
        python = tmp / "venv" / bindir / ("python.exe" if os.name == "nt" else "python")
        env = dict(os.environ, PIP_FIND_LINKS=str(wheelhouse), PIP_DISABLE_PIP_VERSION_CHECK="1")
        run([python, "-m", "pip", "wheel", "--no-deps", "-w", tmp / "out", project], env=env)
        (wheel,) = (tmp / "out").glob("*.whl")
        run([python, "-m", "pip", "install", "--no-deps", wheel], env=env)
        run([python, "-c", check], cwd=tmp)
        return wheel.name


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[4].strip(), file=sys.stderr)
        return 2
    wheelhouse = Path(argv[1]).resolve()
    samples, real, option = [], [], None
    for arg in argv[2:]:
        if arg in ("--sample", "--real"):
            option = arg
        elif option == "--sample" and arg in SAMPLES:
            samples.append(arg)
        elif option == "--real" and arg in REAL:
            real.append(arg)
        else:
            print(f"error: unknown argument {arg!r} (samples: {SAMPLES}; real: {sorted(REAL)})", file=sys.stderr)
            return 2
    if not samples and not real:
        samples, real = SAMPLES, sorted(REAL)
    for sample in samples:
        if smoke_sample(["smoke_test_wheel.py", str(wheelhouse), sample]) != 0:
            return 1
    for name in real:
        print(f"ok: {smoke_real(wheelhouse, name)} built by rustbackend and checked", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
