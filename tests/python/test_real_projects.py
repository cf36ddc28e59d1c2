"""Real projects from PyPI, at pinned versions: download the sdist, switch its backend to
rustbackend, build, and compare with the wheel its authors published."""

from __future__ import annotations

import configparser
import hashlib
import json
import os
import re
import shutil
import sys
import tarfile
import urllib.request
import zipfile
from pathlib import Path

import pytest
from packaging.metadata import Metadata
from packaging.utils import canonicalize_name, parse_wheel_filename

from conftest import run

# (project, version) pairs; their published wheels are pure Python (compiled projects are
# in COMPILED, below). flit_core built
# tomli..wheel, markdown-it-py, tomli_w and mdurl; hatchling the others.
REAL = [
    ("tomli", "2.2.1"),
    ("packaging", "24.2"),
    ("typing_extensions", "4.12.2"),
    ("idna", "3.10"),
    ("click", "8.1.8"),
    ("wheel", "0.45.1"),
    ("pygments", "2.18.0"),  # license table, entry points, 300 modules
    ("urllib3", "2.2.3"),  # src layout; hatch-vcs's `__version__ = version = '...'` file
    ("uvicorn", "0.32.1"),  # license expression next to a License classifier
    ("starlette", "0.41.3"),  # the same
    ("markdown-it-py", "3.0.0"),  # flit's `[tool.flit.module] name` becomes module-name
    ("platformdirs", "4.3.6"),  # hatch-vcs's version.py, listed in the sdist's own .gitignore
    ("tomli_w", "1.1.0"),
    ("mdurl", "0.1.2"),
]
COMPARED_FIELDS = [
    "name", "version", "summary", "requires_python", "keywords", "author",
    "author_email", "maintainer", "maintainer_email", "project_urls",
    "provides_extra", "description_content_type", "description",
]
# Backends order these lists differently (hatchling sorts them); compared as sets.
UNORDERED = {"keywords", "provides_extra"}


def download(project: str, version: str, dest: Path, wheel_tag: str = "py3-none-any") -> tuple:
    """The sdist and the wheel of `project==version` whose tags include `wheel_tag` (by
    default the pure-Python one; `cp311-cp311-manylinux_2_17_x86_64` for a compiled
    project), fetched straight from the index's JSON simple API (PEP 691) and checked against
    its sha256 digests. (`pip download --no-binary` would prepare the sdist's metadata,
    building its backend from source.)"""
    index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple").rstrip("/")
    request = urllib.request.Request(
        f"{index}/{canonicalize_name(project)}/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        files = json.load(response)["files"]

    def wanted(name: str) -> str:
        if name.endswith(".tar.gz"):
            stem, _, tail = name[: -len(".tar.gz")].rpartition("-")
            return "sdist" if canonicalize_name(stem) == canonicalize_name(project) and tail == version else ""
        if name.endswith(".whl"):
            found, found_version, _, tags = parse_wheel_filename(name)
            if wheel_tag == "py3-none-any":
                fits = any(t.abi == "none" and t.platform == "any" and t.interpreter.startswith("py3") for t in tags)
            else:
                fits = wheel_tag in {str(t) for t in tags}
            return "wheel" if found == canonicalize_name(project) and str(found_version) == version and fits else ""
        return ""

    got = {}
    dest.mkdir(parents=True)
    for entry in files:
        kind = wanted(entry["filename"])
        if kind and kind not in got:
            with urllib.request.urlopen(entry["url"], timeout=120) as response:
                data = response.read()
            assert hashlib.sha256(data).hexdigest() == entry["hashes"]["sha256"], entry["filename"]
            got[kind] = dest / entry["filename"]
            got[kind].write_bytes(data)
    return got["sdist"], got["wheel"]


def switch_backend(pyproject: Path) -> None:
    """Points the project at rustbackend (flit's module name becomes `module-name`). A
    `License ::` classifier beside an SPDX `license` expression is removed, as PEP 639 asks
    (we refuse the pair, as setuptools does; older hatchling wrote both)."""
    text = pyproject.read_text("utf-8")
    text = re.sub(r"(?ms)^\[build-system\].*?(?=^\[)", "", text)
    # flit names a module that differs from the project name in [tool.flit.module].
    flit_module = re.search(r'(?ms)^\[tool\.flit\.module\]\s*name\s*=\s*"([^"]+)"', text)
    if flit_module:
        text += f'\n[tool.rustbackend]\nmodule-name = "{flit_module.group(1)}"\n'
    if re.search(r"(?m)^license\s*=\s*[\"']", text):
        text = re.sub(r"\n\s*[\"']License :: [^\"']*[\"'],?", "", text)
    pyproject.write_text(
        '[build-system]\nrequires = ["rustbackend"]\nbuild-backend = "rustbackend"\n\n' + text, "utf-8"
    )


def payload(wheel: Path) -> list:
    with zipfile.ZipFile(wheel) as zf:
        return sorted(n for n in zf.namelist() if ".dist-info/" not in n)


def dist_info_text(wheel: Path, name: str) -> str:
    """The text of `*.dist-info/<name>` in the wheel, or "" when it has none."""
    with zipfile.ZipFile(wheel) as zf:
        found = [n for n in zf.namelist() if n.endswith(f".dist-info/{name}")]
        return zf.read(found[0]).decode() if found else ""


def metadata(wheel: Path, validate: bool = True) -> Metadata:
    return Metadata.from_email(dist_info_text(wheel, "METADATA"), validate=validate)


@pytest.mark.parametrize("project,version", REAL)
def test_real_project_matches_published_wheel(project, version, frontend_env, tmp_path):
    sdist, published = download(project, version, tmp_path / "downloads")
    with tarfile.open(sdist) as tf:
        tf.extractall(tmp_path / "src", filter="data")
    (source,) = (tmp_path / "src").iterdir()
    switch_backend(source / "pyproject.toml")
    out = tmp_path / "ours"
    run([sys.executable, "-m", "build", "--outdir", out, source], env=frontend_env)
    (ours,) = out.glob("*.whl")
    assert ours.name == published.name
    assert payload(ours) == payload(published)
    # Ours must pass packaging's validation; some published wheels do not (hatchling 1.2x
    # wrote License-File under Metadata-Version 2.3).
    mine, theirs = metadata(ours), metadata(published, validate=False)
    for field in COMPARED_FIELDS:
        a, b = getattr(mine, field), getattr(theirs, field)
        if field == "description":  # backends differ only in trailing newlines after the body
            a, b = a.rstrip("\n"), b.rstrip("\n")
        if field in UNORDERED:
            a, b = sorted(a or []), sorted(b or [])
        assert a == b, field
    their_classifiers = [c for c in theirs.classifiers or [] if not (mine.license_expression and c.startswith("License ::"))]
    assert sorted(mine.classifiers or []) == sorted(their_classifiers)
    assert requirements(mine) == requirements(theirs)
    assert entry_points(ours) == entry_points(published)


def requirements(meta: Metadata) -> list:
    """Requires-Dist as comparable values: names normalized, in any order."""
    return sorted(
        (canonicalize_name(r.name), sorted(r.extras), str(r.specifier), str(r.marker)) for r in meta.requires_dist or []
    )


def entry_points(wheel: Path) -> set:
    """entry_points.txt (an INI file) as (group, name, object reference) triples."""
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
    parser.optionxform = str  # names are case-sensitive
    parser.read_string(dist_info_text(wheel, "entry_points.txt"))
    return {(group, name, value) for group in parser.sections() for name, value in parser[group].items()}


# Compiled projects: (project, version, our pyproject.toml in place of its setup.py). Each is
# built through pip, installed in a fresh venv, and its own tests run against it.
CYMEM_PYPROJECT = """\
[build-system]
requires = ["rustbackend"]
build-backend = "rustbackend"

[project]
name = "cymem"
version = "2.0.11"
description = "Manage calls to calloc/free through Cython"
readme = "README.md"
license = "MIT"
authors = [{ name = "Matthew Honnibal", email = "matt@explosion.ai" }]

# setup.py: cythonize([Extension("cymem.cymem", ["cymem/cymem.pyx"], language="c++")])
[[tool.rustbackend.ext-modules]]
name = "cymem.cymem"
sources = ["cymem/cymem.pyx"]
language = "c++"
"""
COMPILED = [("cymem", "2.0.11", CYMEM_PYPROJECT, "cymem.tests.test_import")]
# Runs every `test_*` function of a test module (the projects' tests are plain pytest-style
# functions; pytest is not in the offline wheelhouse the venv installs from).
RUN_TESTS = """
import importlib, sys
module = importlib.import_module(sys.argv[1])
names = sorted(n for n in dir(module) if n.startswith("test_"))
for name in names:
    getattr(module, name)()
print(len(names), "passed")
"""


@pytest.mark.parametrize("project,version,pyproject,tests", COMPILED)
def test_real_compiled_project_builds_installs_and_passes_its_tests(project, version, pyproject, tests,
                                                                    frontend_env, make_venv, tmp_path):
    """A Cython (C++) project from PyPI, its setup.py replaced by our table: built by pip in
    isolation (which fetches Cython because the hooks ask for it), tagged as auditwheel says,
    holding the files of the published wheel, and passing its own tests."""
    from conftest import auditwheel_platform

    sdist, published = download(project, version, tmp_path / "downloads",
                                wheel_tag="cp311-cp311-manylinux_2_17_x86_64")
    with tarfile.open(sdist) as tf:
        tf.extractall(tmp_path / "src", filter="data")
    (root,) = (tmp_path / "src").iterdir()
    (root / "setup.py").unlink()
    for stale in root.glob("*.egg-info"):
        shutil.rmtree(stale)
    (root / "pyproject.toml").write_text(pyproject, "utf-8")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", tmp_path / "ours", root], env=frontend_env)
    (ours,) = (tmp_path / "ours").glob("*.whl")
    assert ours.name.startswith(f"{project}-{version}-cp311-cp311-manylinux_")
    assert auditwheel_platform(ours) == ours.name.rsplit("-", 1)[1].removesuffix(".whl")
    # The published wheel also carries the .cpp that Cython generated (ours does not: it is
    # not a source of the project, and the .pyx and .pxd are there) and directory entries.
    theirs = [n for n in payload(published) if not n.endswith((".cpp", "/"))]
    assert payload(ours) == theirs
    env = make_venv()
    env.pip("install", ours)
    result = env.run(env.python, "-c", RUN_TESTS, tests)
    assert result.stdout.strip().endswith("passed") and not result.stdout.startswith("0 ")
