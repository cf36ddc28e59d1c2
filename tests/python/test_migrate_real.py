"""`rustbackend migrate` on real projects from PyPI, at pinned versions, none of which the
other real-project tests use: each sdist unpacked into a git checkout tagged with its version
(as an author's repository is; the sdist's generated PKG-INFO and *.egg-info removed),
migrated with `--write --verify` (the old backend, pinned in
tests/python/requirements-old-backends.txt, builds beside rustbackend and the two are
compared), then built with rustbackend by `python -m build` and compared with the wheel the
authors published. A project migrate cannot carry whole must say what it refused, and exit 1.
The README's "Switching" section records the outcome."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from conftest import ROOT, run
from helpers import git
from pypi import download, payload
from test_real_projects import COMPARED_FIELDS, UNORDERED, entry_points, metadata


def _load_compare():
    """rustbackend's `--verify` comparison (stdlib only), loaded from the source tree."""
    spec = importlib.util.spec_from_file_location("rustbackend_compare", ROOT / "python" / "rustbackend" / "_compare.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


COMPARE = _load_compare()


@dataclass(frozen=True)
class Real:
    project: str
    version: str
    backend: str
    compiled: bool = False
    # The settings migrate refuses (as it names them); empty: carried whole and verified.
    refused: tuple = ()
    # Members of the published wheel that the authors' build had and today's old backend
    # (and so ours) does not, each for a reason given below.
    theirs_only: frozenset = field(default_factory=frozenset)


REAL = [
    Real("six", "1.16.0", "setuptools (setup.py; py2.py3 from bdist_wheel universal)"),
    Real("jmespath", "1.0.1", "setuptools (setup.py, scripts)"),
    Real("certifi", "2024.8.30", "setuptools (setup.py, package_data)"),
    Real("cachetools", "5.5.0", "setuptools (setup.cfg, find:)"),
    Real("zipp", "3.20.2", "setuptools (pyproject, setuptools-scm)"),
    Real("tomlkit", "0.13.2", "poetry-core 1.x (include with formats, first author only)"),
    Real("cleo", "2.1.0", "poetry-core 1.x (caret dependencies)"),
    Real("crashtest", "0.4.1", "poetry-core 1.x"),
    Real("unearth", "0.17.2", "pdm-backend (scm, test fixtures that are archives)"),
    Real("findpython", "0.6.2", "pdm-backend (scripts)"),
    Real("pyparsing", "3.1.4", "flit_core (a computed __version__)"),
    Real("more-itertools", "10.5.0", "flit_core (license file)"),
    Real("pyproject-hooks", "1.2.0", "flit_core"),
    Real("pathspec", "0.12.1", "flit_core (sdist include globs, license text)"),
    Real("termcolor", "2.5.0", "hatchling + hatch-vcs (no-local-version)"),
    Real("colorama", "0.4.6", "hatchling (py2.py3, wheel include)"),
    Real("annotated-types", "0.7.0", "hatchling (license-files table, a stray [project] key)"),
    Real("referencing", "0.35.1", "hatchling + hatch-vcs"),
    Real("regex", "2024.9.11", "setuptools, C extension", compiled=True),
    Real("mmh3", "5.0.1", "setuptools, [tool.setuptools] ext-modules, top-level C module", compiled=True),
    Real("crc32c", "2.7.1", "setuptools, C sources listed with glob.glob()", compiled=True),
    Real("time-machine", "2.16.0", "setuptools, top-level C module", compiled=True),
    # hatch-fancy-pypi-readme's readme, as hatchling assembles it, written as static text.
    Real("attrs", "24.2.0", "hatchling + hatch-vcs (no-local-version) + fancy-pypi-readme"),
    Real("structlog", "24.4.0", "hatchling + hatch-vcs + fancy-pypi-readme"),
    # Refused: the extension module list is built by code (`ext_modules.append(...)` under a
    # platform check), which migrate never runs.
    Real("msgpack", "1.1.0", "setuptools, Cython", compiled=True, refused=("ext_modules",)),
    # Refused: `platforms=` has no [project] field.
    Real("decorator", "5.1.1", "setuptools (setup.py)", refused=("platforms",)),
]


def checkout(sdist: Path, version: str, dest: Path) -> Path:
    """The sdist as an author's tagged checkout: generated metadata removed, committed, tagged."""
    with tarfile.open(sdist) as tf:
        tf.extractall(dest, filter="data")
    (root,) = dest.iterdir()
    (root / "PKG-INFO").unlink(missing_ok=True)
    for stale in root.glob("*.egg-info"):
        shutil.rmtree(stale)
    git(root, "init", "-q")
    git(root, "add", "-A", "-f")
    git(root, "commit", "-qm", f"release {version}")
    git(root, "tag", version)
    return root


@pytest.mark.parametrize("case", REAL, ids=lambda c: c.project)
def test_migrate_real_project(case, migrate_env, tmp_path):
    sdist, published = download(case.project, case.version, tmp_path / "downloads", compiled=case.compiled)
    root = checkout(sdist, case.version, tmp_path / "src")
    venv, env = migrate_env
    result = subprocess.run([venv.bin / "rustbackend", "migrate", root, "--write", "--verify"],
                            env=env, capture_output=True, text=True)
    output = result.stdout + result.stderr
    refused = sorted({line.split("`")[1] for line in result.stderr.splitlines() if line.startswith("not carried: ")})
    if case.refused:
        assert result.returncode == 1, output
        assert refused == sorted(case.refused), output
        return
    assert result.returncode == 0, output
    assert refused == [] and "differs:" not in output, output
    assert f"and rustbackend build the same wheel and sdist" in result.stdout, output
    # Nothing but pyproject.toml changed in the checkout.
    changed = git(root, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert changed in (["M pyproject.toml"], ["?? pyproject.toml"]), changed
    git(root, "add", "pyproject.toml")
    git(root, "commit", "-qm", "switch to rustbackend")
    git(root, "tag", "-f", case.version)  # the release is made from the switched tree

    out = tmp_path / "ours"
    run([sys.executable, "-m", "build", "--wheel", "--outdir", out, root], env=env)
    (ours,) = out.glob("*.whl")
    name = canonicalize_name(case.project).replace("-", "_")
    assert ours.name.startswith(f"{name}-{case.version}-")
    theirs = [n for n in payload(published) if not n.endswith("/") and n not in case.theirs_only]
    assert payload(ours) == theirs
    mine, published_meta = metadata(ours), metadata(published, validate=False)
    for field_name in COMPARED_FIELDS:
        a, b = getattr(mine, field_name), getattr(published_meta, field_name)
        if field_name == "description":
            a, b = a.replace("\r\n", "\n").rstrip("\r\n"), b.replace("\r\n", "\n").rstrip("\r\n")
        if field_name in UNORDERED:
            a, b = sorted(a or []), sorted(b or [])
        if field_name in ("author", "author_email", "maintainer", "maintainer_email", "project_urls"):
            continue  # compared by --verify, normalised (Home-page and Author pairs)
        if field_name == "description_content_type":  # none means reStructuredText
            a, b = a or "text/x-rst", b or "text/x-rst"
        assert a == b, field_name
    # hatchling writes a project's requirements on its own extras (`attrs[tests]`) expanded;
    # compared as an installer resolves them.
    assert COMPARE._expanded(mine.requires_dist and [str(r) for r in mine.requires_dist] or [], mine.name) == \
        COMPARE._expanded([str(r) for r in published_meta.requires_dist or []], published_meta.name)
    assert entry_points(ours) == entry_points(published)
