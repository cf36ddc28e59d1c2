#!/usr/bin/env python3
"""Compile-time benchmark: rustbackend against setuptools building the same C and C++
extension modules, on this machine, in the same run.

    bash benches/native.sh [--runs N]

The corpus (generated under target/bench/native/) has six extension modules of two
translation units each: three C modules and three C++ modules that instantiate standard
containers and algorithms (so each C++ unit takes the compiler a moment). Both backends get
the same sources, include directory and the interpreter's own compiler flags. Each hook runs
in a fresh interpreter in a fresh copy of the project (setuptools would otherwise reuse its
build/ directory), and the median of the runs is printed for:

- build_wheel: setuptools (one unit at a time, its default), rustbackend with `-C jobs=1`,
  and rustbackend on all cores;
- build_editable from nothing, then again with nothing changed (the rebuild an author waits
  for after `pip install -e .`), and after editing one C++ source;
- importing the six modules from an editable install (whose finder checks each module's
  inputs: rebuild on import) against importing them from the installed wheel, and the time
  from editing one C++ source to a working import (the rebuild on import itself).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import WORK, backend_python, hook_env  # noqa: E402

CORPUS = WORK / "native"
MODULES = 6  # even: C, odd: C++

C_UNIT = """\
#include "shared.h"
double {name}(const double *values, long n) {{
    double total = 0;
    for (long i = 0; i < n; i++) total += values[i] * SHARED_SCALE;
    return total;
}}
"""
CXX_UNIT = """\
#include <algorithm>
#include <map>
#include <numeric>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>
#include "shared.h"
extern "C" double {name}(const double *values, long n) {{
    std::vector<double> v(values, values + n);
    std::sort(v.begin(), v.end());
    std::map<long, std::string> labels;
    std::unordered_map<std::string, double> by_label;
    for (long i = 0; i < n; i++) {{
        std::ostringstream out;
        out << "v" << i;
        labels[i] = out.str();
        by_label[out.str()] = v[i];
    }}
    double total = std::accumulate(v.begin(), v.end(), 0.0);
    for (auto &entry : by_label) total += entry.second * SHARED_SCALE;
    return total + static_cast<double>(labels.size());
}}
"""
MODULE_C = """\
#define PY_SSIZE_T_CLEAN
#include <Python.h>
double {first}(const double *values, long n);
double {second}(const double *values, long n);
static PyObject *run(PyObject *self, PyObject *arg) {{
    double values[3] = {{1.0, 2.0, PyFloat_AsDouble(arg)}};
    return PyFloat_FromDouble({first}(values, 3) + {second}(values, 3));
}}
static PyMethodDef methods[] = {{{{"run", run, METH_O, NULL}}, {{NULL, NULL, 0, NULL}}}};
static struct PyModuleDef module = {{PyModuleDef_HEAD_INIT, "{module}", NULL, -1, methods}};
PyMODINIT_FUNC PyInit_{module}(void) {{ return PyModule_Create(&module); }}
"""


def sources_of(i: int) -> list:
    """The two translation units of module i: its Python entry point and a helper."""
    if i % 2 == 0:
        return [f"csrc/mod{i}.c", f"csrc/helper{i}.c"]
    return [f"csrc/mod{i}.c", f"csrc/helper{i}.cpp"]


def make_corpus() -> Path:
    """Writes the project once: sources, a pyproject.toml for rustbackend and a setup.py (and
    its own pyproject.toml) for setuptools, side by side in two directories."""
    marker = CORPUS / "ready"
    if marker.exists():
        return CORPUS
    shutil.rmtree(CORPUS, ignore_errors=True)
    base = CORPUS / "base"
    (base / "csrc").mkdir(parents=True)
    (base / "src" / "natives").mkdir(parents=True)
    (base / "src" / "natives" / "__init__.py").write_text("")
    (base / "csrc" / "shared.h").write_text("#define SHARED_SCALE 2.0\n")
    for i in range(MODULES):
        first, second = f"first{i}", f"second{i}"
        unit = CXX_UNIT if i % 2 else C_UNIT
        helper = sources_of(i)[1]
        text = C_UNIT.format(name=first)
        if i % 2:
            text = 'extern "C" {\n' + text + "}\n"
        (base / helper).write_text(text + unit.format(name=second))
        (base / f"csrc/mod{i}.c").write_text(MODULE_C.format(first=first, second=second, module=f"_m{i}"))
    tables = "".join(
        f'\n[[tool.rustbackend.ext-modules]]\nname = "natives._m{i}"\nsources = {sources_of(i)!r}\n'
        f'include-dirs = ["csrc"]\n'.replace("'", '"')
        for i in range(MODULES)
    )
    project = '[project]\nname = "natives"\nversion = "1.0.0"\nrequires-python = ">=3.8"\n'
    ours = CORPUS / "rustbackend"
    shutil.copytree(base, ours)
    (ours / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["rustbackend"]\nbuild-backend = "rustbackend"\n\n' + project + tables
    )
    theirs = CORPUS / "setuptools"
    shutil.copytree(base, theirs)
    (theirs / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n' + project
    )
    extensions = ",\n    ".join(
        f'Extension("natives._m{i}", {sources_of(i)!r}, include_dirs=["csrc"])' for i in range(MODULES)
    )
    (theirs / "setup.py").write_text(
        "from setuptools import Extension, setup\n\n"
        f"setup(packages=['natives'], package_dir={{'': 'src'}}, ext_modules=[\n    {extensions},\n])\n"
    )
    marker.write_text("")
    return CORPUS


def hook(python: Path, module: str, call: str, project: Path) -> float:
    """Runs `module.<call>` in a fresh interpreter in `project`; returns the seconds."""
    code = f"import {module} as b; b.{call}"
    start = time.perf_counter()
    proc = subprocess.run([str(python), "-c", code], cwd=project, capture_output=True, env=hook_env(python))
    elapsed = time.perf_counter() - start
    if proc.returncode:
        raise RuntimeError(f"{module}.{call} failed in {project}:\n{proc.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def fresh_copy(backend: str) -> Path:
    target = WORK / "native-run" / backend
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(CORPUS / backend, target)
    return target


def measure(python: Path, module: str, backend: str, runs: int, settings: dict) -> dict:
    """Medians for one backend: build_wheel from nothing, then build_editable from nothing,
    with nothing changed, and after one C++ source changed."""
    out = WORK / "native-run" / "out"
    times: dict = {"wheel": [], "editable": [], "unchanged": [], "one edit": []}
    for _ in range(runs):
        project = fresh_copy(backend)
        times["wheel"].append(hook(python, module, f"build_wheel({str(out)!r}, {settings!r})", project))
        project = fresh_copy(backend)
        editable = f"build_editable({str(out)!r}, {settings!r})"
        times["editable"].append(hook(python, module, editable, project))
        times["unchanged"].append(hook(python, module, editable, project))
        helper = project / "csrc" / "helper1.cpp"
        helper.write_text(helper.read_text() + "\n// edited\nstatic int edited = 1;\n")
        times["one edit"].append(hook(python, module, editable, project))
    return {key: statistics.median(values) for key, values in times.items()}


def import_seconds(python: Path, code: str, runs: int, env: dict) -> float:
    """The median wall time of `python -c code` (a fresh interpreter each run)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(python), "-c", code], check=True, capture_output=True, env=env, cwd=WORK)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_imports(tools_python: Path, runs: int) -> dict:
    """Import times: the corpus installed editable (rebuild on import) and from its wheel,
    and the time from one edited C++ source to a working import."""
    root = WORK / "native-import"
    shutil.rmtree(root, ignore_errors=True)
    wheelhouse = Path(__file__).resolve().parents[1] / "target" / "wheelhouse"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_FIND_LINKS=str(wheelhouse), PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    pythons = {}
    for kind in ("editable", "wheel"):
        venv = root / kind
        subprocess.run([str(tools_python), "-m", "venv", "--without-pip", str(venv)], check=True)
        pythons[kind] = venv / "bin" / "python"
    project = root / "project"
    shutil.copytree(CORPUS / "rustbackend", project)
    pip = [str(tools_python), "-m", "pip", "--python"]
    subprocess.run([*pip, str(pythons["wheel"]), "install", "--quiet", str(project)], check=True, env=env)
    subprocess.run([*pip, str(pythons["editable"]), "install", "--quiet", "-e", str(project)], check=True, env=env)
    code = "import " + ", ".join(f"natives._m{i}" for i in range(MODULES))
    result = {
        "python -c pass": import_seconds(pythons["wheel"], "pass", runs * 5, env),
        "from the wheel": import_seconds(pythons["wheel"], code, runs * 5, env),
        "editable, unchanged": import_seconds(pythons["editable"], code, runs * 5, env),
    }
    edits = []
    helper = project / "csrc" / "helper1.cpp"
    for run in range(runs):
        helper.write_text(helper.read_text() + f"\n// edit {run}\nstatic int edited{run} = 1;\n")
        edits.append(import_seconds(pythons["editable"], code, 1, dict(env, RUSTBACKEND_REBUILD="quiet")))
    result["editable, one .cpp edited"] = statistics.median(edits)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (default 3)")
    parser.add_argument("--imports-only", action="store_true", help="only the import times")
    args = parser.parse_args()
    tools_python = Path(sys.executable)
    make_corpus()
    if args.imports_only:
        backend_python("rustbackend", tools_python)
        print_imports(measure_imports(tools_python, args.runs))
        return 0
    ours = backend_python("rustbackend", tools_python)
    theirs = backend_python("setuptools", tools_python)
    rows = [
        ("setuptools", measure(theirs, "setuptools.build_meta", "setuptools", args.runs, {})),
        ("rustbackend -C jobs=1", measure(ours, "rustbackend", "rustbackend", args.runs, {"jobs": "1"})),
        (f"rustbackend ({os.cpu_count()} cores)", measure(ours, "rustbackend", "rustbackend", args.runs, {})),
    ]
    units = MODULES * 2
    print(f"\n{MODULES} modules, {units} translation units ({MODULES // 2} of them C++), median of {args.runs} runs, seconds")
    header = ["backend", "build_wheel", "editable", "editable, unchanged", "editable, one .cpp edited"]
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for name, result in rows:
        cells = [f"{result[key]:.2f}" for key in ("wheel", "editable", "unchanged", "one edit")]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print_imports(measure_imports(tools_python, args.runs))
    return 0


def print_imports(imports: dict) -> None:
    print(f"\nimporting the {MODULES} modules in a fresh interpreter (median), milliseconds")
    print("| " + " | ".join(imports) + " |")
    print("|" + " --- |" * len(imports))
    print("| " + " | ".join(f"{seconds * 1000:.1f}" for seconds in imports.values()) + " |")


if __name__ == "__main__":
    sys.exit(main())
