#!/usr/bin/env python3
"""Side-by-side build benchmark: rustbackend against uv_build, hatchling, flit_core,
setuptools and pdm-backend, on the same corpora, on this machine.

    bash benches/run.sh [--quick]

Each hook runs the way pip runs it: a fresh interpreter per hook, in the project directory.
For every corpus and backend it prints the median wall time of build_wheel and build_sdist
over several runs, the ratio to rustbackend, the peak memory (max RSS of the hook process)
and the artifact sizes; then a physical-limit reference for the same bytes (reading them,
and sha256 plus deflate of them using all cores) and the targets of issue 7.

Corpora are generated deterministically under target/bench/: a tiny 3-module project, a
package of 20,000 small modules in nested subpackages, a data-heavy package of about 100 MB
of JSON files, and a real project downloaded from PyPI at a pinned version (Flask).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "target" / "bench"

# Backend name -> (PyPI requirement, hook module). rustbackend comes from target/wheelhouse;
# --candidate LABEL=WHEEL adds other rustbackend builds as backends named rustbackend[LABEL].
BACKENDS = {
    "rustbackend": ("rustbackend", "rustbackend"),
    "uv_build": ("uv-build==0.13.6", "uv_build"),
    "hatchling": ("hatchling==1.33.0", "hatchling.build"),
    "flit_core": ("flit-core==4.2.0", "flit_core.buildapi"),
    "setuptools": ("setuptools==84.2.1", "setuptools.build_meta"),
    "pdm-backend": ("pdm-backend==2.5.0", "pdm.backend"),
}
REAL_PROJECT = ("flask", "3.1.3")
# A large real project: 2,000 files, mostly JSON service models (the sdist's worst case).
LARGE_PROJECT = ("botocore", "1.44.18")
# rustbackend[LABEL] -> the wheel to install for it (from --candidate).
CANDIDATES: dict = {}

PYPROJECT = """\
[build-system]
requires = ["{requirement}"]
build-backend = "{module}"

[project]
name = "{name}"
version = "1.0.0"
description = "Benchmark corpus {name}"
requires-python = ">=3.8"

[tool.setuptools.package-data]
"*" = ["*.json", "data/*.json"]
"""


def log(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- corpora


def write_package(root: Path, name: str, files: dict) -> None:
    for relative, text in files.items():
        path = root / "src" / name / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def corpus_tiny(root: Path) -> None:
    write_package(root, "tiny", {
        "__init__.py": '"""Tiny."""\n',
        "a.py": "def a():\n    return 1\n",
        "b.py": "def b():\n    return 2\n",
    })


def corpus_many(root: Path) -> None:
    files = {"__init__.py": '"""Many modules."""\n'}
    for i in range(20):
        files[f"p{i:02}/__init__.py"] = ""
        for j in range(10):
            files[f"p{i:02}/q{j}/__init__.py"] = ""
            for k in range(100):
                files[f"p{i:02}/q{j}/m{k:03}.py"] = (
                    f'"""Module {i}.{j}.{k}."""\n\n\ndef f{k}(x: int) -> int:\n    return x * {k} + {i * j}\n'
                )
    write_package(root, "many", files)


def corpus_data(root: Path) -> None:
    rng = random.Random(20261123)
    words = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa", "lambda", "theta", "zeta"]
    files = {"__init__.py": '"""Data-heavy."""\n'}
    for i in range(3000):
        records = [
            {"id": i * 1000 + n, "name": " ".join(rng.choice(words) for _ in range(3)),
             "value": rng.random(), "tags": rng.sample(words, 3), "count": rng.randrange(10**6)}
            for n in range(300)
        ]
        files[f"data/d{i:04}.json"] = json.dumps(records, indent=1)
    write_package(root, "datapkg", files)


def corpus_real(root: Path, python: Path, project: tuple = REAL_PROJECT) -> None:
    name, version = project
    cache = WORK / "downloads"
    cache.mkdir(parents=True, exist_ok=True)
    sdists = list(cache.glob(f"{name}-{version}.tar.gz"))
    if not sdists:
        subprocess.run([str(python), "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        "-d", str(cache), f"{name}=={version}"], check=True)
        sdists = list(cache.glob(f"{name}-{version}.tar.gz"))
    with tarfile.open(sdists[0]) as tf:
        tf.extractall(root.parent / "unpack", filter="data")
    shutil.move(str(root.parent / "unpack" / f"{name}-{version}"), root)
    shutil.rmtree(root.parent / "unpack")


CORPORA = {"tiny": "tiny", "many": "many", "data": "datapkg", "real": REAL_PROJECT[0], "large": LARGE_PROJECT[0]}


def make_corpus(kind: str, python: Path) -> Path:
    base = WORK / "corpora" / kind / "source"
    if base.exists():
        return base
    log(f"generating corpus {kind} ...")
    base.parent.mkdir(parents=True, exist_ok=True)
    if kind == "real":
        corpus_real(base, python, REAL_PROJECT)
    elif kind == "large":
        # botocore's sdist builds through setup.py: keep its package and its license, and give
        # every backend the same [project] table, as for the generated corpora.
        corpus_real(base, python, LARGE_PROJECT)
        for child in base.iterdir():
            if child.name not in ("botocore", "LICENSE.txt", "NOTICE", "README.rst"):
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        (base / "src").mkdir()
        shutil.move(str(base / "botocore"), base / "src" / "botocore")
        (base / "pyproject.toml").write_text(PYPROJECT.format(requirement="x", module="x", name="botocore")
                                             .replace('"data/*.json"', '"data/**/*.json", "*.pem"'))
    else:
        base.mkdir()
        {"tiny": corpus_tiny, "many": corpus_many, "data": corpus_data}[kind](base)
        (base / "pyproject.toml").write_text(PYPROJECT.format(requirement="x", module="x", name=CORPORA[kind]))
    return base


def project_for(kind: str, backend: str, python: Path) -> Path:
    """A copy of the corpus whose [build-system] names `backend`."""
    source = make_corpus(kind, python)
    target = WORK / "corpora" / kind / backend
    if not target.exists():
        shutil.copytree(source, target)
        requirement, module = BACKENDS[backend]
        pyproject = target / "pyproject.toml"
        text = re.sub(r"(?ms)^\[build-system\].*?(?=^\[)", "", pyproject.read_text())
        pyproject.write_text(f'[build-system]\nrequires = ["{requirement}"]\nbuild-backend = "{module}"\n\n{text}')
    return target


# ---------------------------------------------------------------- backends


def backend_python(backend: str, tools_python: Path) -> Path:
    venv = WORK / "venvs" / backend
    python = venv / "bin" / "python"
    pip = [str(tools_python), "-m", "pip", "--python", str(python), "install", "--quiet", "--disable-pip-version-check"]
    if not python.exists():
        log(f"installing {backend} ...")
        subprocess.run([str(tools_python), "-m", "venv", "--without-pip", str(venv)], check=True)
        if not backend.startswith("rustbackend"):
            subprocess.run([*pip, BACKENDS[backend][0]], check=True)
    if backend.startswith("rustbackend"):
        # Always the wheel just built (or the candidate's), even if this venv holds an older one.
        wheel = CANDIDATES.get(backend) or next((ROOT / "target" / "wheelhouse").glob("rustbackend-*.whl"))
        subprocess.run([*pip, "--force-reinstall", "--no-deps", str(wheel)], check=True)
    return python


def hook_env(python: Path) -> dict:
    """The environment a frontend gives a hook: the build environment's bin on PATH."""
    path = f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**os.environ, "PATH": path, "SOURCE_DATE_EPOCH": "1700000000"}


def run_hook(python: Path, module: str, hook: str, project: Path, out: Path) -> tuple:
    """Runs one hook in a fresh interpreter; returns (wall seconds, CPU seconds (user and
    system, all threads), peak RSS in MiB, artifact)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for junk in ("build", "dist"):
        shutil.rmtree(project / junk, ignore_errors=True)
    for egg in project.rglob("*.egg-info"):
        shutil.rmtree(egg, ignore_errors=True)
    code = f"import {module} as b; print(b.{hook}({str(out)!r}))"
    # The peak RSS comes from /usr/bin/time: a child forked from this (large) process would
    # report this process's memory as its own high-water mark.
    report = out.parent / f"{out.name}.rss"
    # CPU time from wait4 (microseconds; it includes the waited-for hook process), not from
    # /usr/bin/time, which rounds to 10 ms. Output goes to files so that nothing else reaps
    # the process first.
    command = ["/usr/bin/time", "-o", str(report), "-f", "%M", str(python), "-c", code]
    streams = out.parent / f"{out.name}.out", out.parent / f"{out.name}.err"
    start = time.perf_counter()
    with open(streams[0], "wb") as stdout, open(streams[1], "wb") as stderr:
        proc = subprocess.Popen(command, cwd=project, stdout=stdout, stderr=stderr, env=hook_env(python))
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if proc.returncode:
        raise RuntimeError(f"{module}.{hook} failed in {project}:\n{streams[1].read_text(errors='replace')[-2000:]}")
    artifact = out / streams[0].read_text().strip().splitlines()[-1]
    peak_kib = report.read_text().split()[-1]
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, int(peak_kib) / 1024, artifact


def python_startup(python: Path, runs: int) -> float:
    """The median wall time of `python -c pass`, started the way hooks are (through
    /usr/bin/time), so that the difference is the hook's own cost."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-o", os.devnull, "-f", "%M", str(python), "-c", "pass"], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# ---------------------------------------------------------------- reference


def physical_limit(project: Path, package: str) -> dict:
    """Reading the package's bytes, then sha256 and deflate (level 6) of them on all cores."""
    root = project / "src" / package if (project / "src" / package).is_dir() else project / package
    files = [p for p in sorted(root.rglob("*")) if p.is_file()]
    start = time.perf_counter()
    blobs = [p.read_bytes() for p in files]
    read = time.perf_counter() - start

    def work(blob: bytes) -> int:
        hashlib.sha256(blob).digest()
        return len(zlib.compress(blob, 6))

    start = time.perf_counter()
    with ThreadPoolExecutor(os.cpu_count()) as pool:
        list(pool.map(work, blobs, chunksize=64))
    cpu = time.perf_counter() - start
    return {"files": len(files), "bytes": sum(map(len, blobs)), "read": read, "hash_deflate": cpu, "total": read + cpu}


# ---------------------------------------------------------------- report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (for a smoke test)")
    parser.add_argument("--corpus", action="append", choices=list(CORPORA), help="only these corpora")
    parser.add_argument("--backend", action="append", choices=list(BACKENDS), help="only these backends")
    parser.add_argument("--runs", type=int, help="runs per hook and corpus (default: 10 tiny, 3 many/data, 5 real)")
    parser.add_argument("--candidate", action="append", default=[], metavar="LABEL=WHEEL",
                        help="also measure this rustbackend wheel, as rustbackend[LABEL] (before/after comparisons)")
    args = parser.parse_args()
    for candidate in args.candidate:
        label, _, wheel = candidate.partition("=")
        name = f"rustbackend[{label}]"
        BACKENDS[name] = BACKENDS["rustbackend"]
        CANDIDATES[name] = Path(wheel).resolve()
    tools_python = Path(sys.executable)
    runs = {"tiny": 10, "many": 3, "data": 3, "real": 5, "large": 3}
    if args.quick:
        runs = {k: 1 for k in runs}
    if args.runs:
        runs = {k: args.runs for k in runs}
    backends = args.backend or [b for b in BACKENDS if b not in CANDIDATES]
    if "rustbackend" not in backends:
        backends.insert(0, "rustbackend")
    backends[1:1] = list(CANDIDATES)
    pythons = {b: backend_python(b, tools_python) for b in backends}
    print(f"# Build benchmark ({os.cpu_count()} cores, Python {sys.version.split()[0]})\n")
    baseline = python_startup(pythons["rustbackend"], 20)
    print(f"`python -c pass`: {baseline * 1000:.1f} ms\n")
    results: dict = {}
    for kind in args.corpus or list(CORPORA):
        print(f"## {kind}\n")
        print("| backend | build_wheel (CPU) | ratio | build_sdist (CPU) | ratio | peak RSS (wheel) | wheel size | sdist size |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for backend in backends:
            project = project_for(kind, backend, tools_python)
            module = BACKENDS[backend][1]
            row = {}
            for hook in ("build_wheel", "build_sdist"):
                times, cpus, rss = [], [], []
                for _ in range(runs[kind]):
                    try:
                        seconds, cpu, peak, artifact = run_hook(pythons[backend], module, hook, project, WORK / "out" / backend)
                    except RuntimeError as e:
                        log(str(e))
                        times = []
                        break
                    times.append(seconds)
                    cpus.append(cpu)
                    rss.append(peak)
                row[hook] = (statistics.median(times), max(rss), artifact.stat().st_size, statistics.median(cpus)) if times else None
            results[(kind, backend)] = row
            ours = results[(kind, "rustbackend")]

            def cell(hook: str, index: int) -> str:
                value = row[hook]
                return "failed" if value is None else f"{value[0] * 1000:.0f} ms ({value[3] * 1000:.0f} ms)"

            def ratio(hook: str) -> str:
                if row[hook] is None or ours[hook] is None:
                    return ""
                return f"{row[hook][0] / ours[hook][0]:.1f}x"

            wheel, sdist = row["build_wheel"], row["build_sdist"]
            print(f"| {backend} | {cell('build_wheel', 0)} | {ratio('build_wheel')} | {cell('build_sdist', 0)} | "
                  f"{ratio('build_sdist')} | {wheel[1]:.0f} MiB | {wheel[2] / 1024:.0f} KiB | "
                  f"{(sdist[2] / 1024 if sdist else 0):.0f} KiB |" if wheel else f"| {backend} | failed | | | | | | |")
        reference = physical_limit(project_for(kind, "rustbackend", tools_python), CORPORA[kind])
        print(f"\nPhysical limit for the package's {reference['files']} files ({reference['bytes'] / 1e6:.1f} MB): "
              f"read {reference['read'] * 1000:.0f} ms + sha256 and deflate on all cores "
              f"{reference['hash_deflate'] * 1000:.0f} ms = {reference['total'] * 1000:.0f} ms\n")
        results[(kind, "reference")] = reference

    print("## Targets\n")

    def speedup(kind: str, hook: str, peer: str) -> "Optional[float]":
        ours = results.get((kind, "rustbackend"), {}).get(hook)
        theirs = results.get((kind, peer), {}).get(hook)
        return theirs[0] / ours[0] if ours and theirs else None

    for kind, hook, peer, factor in (("many", "build_wheel", "uv_build", 3), ("many", "build_wheel", "hatchling", 10),
                                     ("data", "build_wheel", "uv_build", 2), ("data", "build_wheel", "hatchling", 10),
                                     ("large", "build_wheel", "uv_build", 2), ("large", "build_sdist", "uv_build", 2)):
        ratio = speedup(kind, hook, peer)
        if ratio is not None:
            print(f"- {kind}: {hook} {ratio:.2f}x faster than {peer} (target {factor}x): "
                  f"{'met' if ratio >= factor else 'NOT met'}")
    for kind in ("many", "data"):
        ours = results.get((kind, "rustbackend"), {}).get("build_wheel")
        if ours and (kind, "reference") in results:
            limit = results[(kind, "reference")]["total"]
            print(f"- {kind}: build_wheel {ours[0] / limit:.2f}x the physical limit (target within 1.5x): "
                  f"{'met' if ours[0] <= 1.5 * limit else 'NOT met'}")
    large = results.get(("large", "rustbackend"), {}).get("build_sdist")
    if large and (os.cpu_count() or 1) > 1:
        print(f"- large: build_sdist CPU {large[3] * 1000:.0f} ms over wall {large[0] * 1000:.0f} ms "
              f"(target CPU > wall: deflate runs on every core): {'met' if large[3] > large[0] else 'NOT met'}")
    tiny = results.get(("tiny", "rustbackend"), {}).get("build_wheel")
    if tiny:
        extra = (tiny[0] - baseline) * 1000
        print(f"- tiny: a build_wheel process takes {extra:.1f} ms more than `python -c pass` (target 5 ms): "
              f"{'met' if extra <= 5 else 'NOT met'}")
    data = results.get(("data", "rustbackend"), {}).get("build_wheel")
    if data:
        print(f"- data: peak memory {data[1]:.0f} MiB (target under 200 MB): {'met' if data[1] < 200 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
