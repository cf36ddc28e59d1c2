"""Dynamic versions, never by running project code: `__version__` read statically, a
version file, git tags; and the sdist that freezes the resolved version."""

from __future__ import annotations

import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import run
from helpers import git

PYPROJECT = """\
[build-system]
requires = ["rustbackend"]
build-backend = "rustbackend"

[project]
name = "dyn"
# the version comes from the package
dynamic = ["version"]
description = "Dynamic version"
{extra}
"""


def make_project(root: Path, init: str, extra: str = "") -> Path:
    project = root / "dyn"
    (project / "src" / "dyn").mkdir(parents=True)
    (project / "pyproject.toml").write_text(PYPROJECT.format(extra=extra))
    (project / "src" / "dyn" / "__init__.py").write_text(init)
    return project


def build(project: Path, env, out: Path, *args: str) -> list:
    run([sys.executable, "-m", "build", *args, "--outdir", out, project], env=env)
    return sorted(p.name for p in out.iterdir())


def test_version_from_dunder_version(tmp_path, frontend_env):
    project = make_project(tmp_path, '"""Dyn."""\n\n__version__ = "1.4.0rc2"\n')
    assert build(project, frontend_env, tmp_path / "dist") == ["dyn-1.4.0rc2-py3-none-any.whl", "dyn-1.4.0rc2.tar.gz"]


def test_version_from_version_file(tmp_path, frontend_env):
    project = make_project(
        tmp_path, "from dyn._version import __version__\n",
        extra='\n[tool.rustbackend]\nversion-file = "src/dyn/_version.py"\n',
    )
    (project / "src" / "dyn" / "_version.py").write_text("__version__ = '0.7.1'\n")
    assert build(project, frontend_env, tmp_path / "dist") == ["dyn-0.7.1-py3-none-any.whl", "dyn-0.7.1.tar.gz"]


def test_sdist_freezes_the_version_and_keeps_formatting(tmp_path, frontend_env):
    project = make_project(tmp_path, '__version__ = "2.0.0"\n')
    build(project, frontend_env, tmp_path / "dist", "--sdist")
    with tarfile.open(tmp_path / "dist" / "dyn-2.0.0.tar.gz") as tf:
        pyproject = tf.extractfile("dyn-2.0.0/pyproject.toml").read().decode()
        pkg_info = tf.extractfile("dyn-2.0.0/PKG-INFO").read().decode()
    assert "dynamic" not in pyproject
    assert 'version = "2.0.0"' in pyproject
    assert "# the version comes from the package" in pyproject  # comments survive
    assert "Version: 2.0.0\n" in pkg_info and "Dynamic:" not in pkg_info


@pytest.fixture
def git_project(tmp_path):
    project = make_project(tmp_path, '"""No version here."""\n',
                           extra='\n[tool.rustbackend]\nversion-source = "git"\n')
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "first")
    return project


def test_version_from_git_tags(git_project, frontend_env, tmp_path):
    project = git_project
    git(project, "tag", "v1.2.3")
    assert build(project, frontend_env, tmp_path / "a", "--wheel") == ["dyn-1.2.3-py3-none-any.whl"]

    (project / "src" / "dyn" / "more.py").write_text("X = 1\n")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "second")
    commit = git(project, "rev-parse", "--short=7", "HEAD")
    assert build(project, frontend_env, tmp_path / "b", "--wheel") == [f"dyn-1.2.4.dev1+g{commit}-py3-none-any.whl"]

    (project / "src" / "dyn" / "more.py").write_text("X = 2\n")  # uncommitted change
    assert build(project, frontend_env, tmp_path / "c", "--wheel") == [f"dyn-1.2.4.dev1+g{commit}.dirty-py3-none-any.whl"]


def test_git_version_without_its_local_label(git_project, frontend_env, tmp_path):
    project = git_project
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "git-local-version = false\n")
    git(project, "commit", "-qam", "no local label")
    git(project, "tag", "v1.2.3", "HEAD~1")
    # One commit after the tag, and a dirty tree: neither shows in the version.
    (project / "src" / "dyn" / "more.py").write_text("X = 1\n")
    git(project, "add", ".")
    assert build(project, frontend_env, tmp_path / "a", "--wheel") == ["dyn-1.2.4.dev1-py3-none-any.whl"]


def test_git_version_sdist_builds_without_git(git_project, frontend_env, tmp_path):
    project = git_project
    git(project, "tag", "3.1.0")
    # python -m build makes the sdist, then the wheel from the unpacked sdist (no .git there).
    assert build(project, frontend_env, tmp_path / "dist") == ["dyn-3.1.0-py3-none-any.whl", "dyn-3.1.0.tar.gz"]
    with zipfile.ZipFile(tmp_path / "dist" / "dyn-3.1.0-py3-none-any.whl") as zf:
        assert "Version: 3.1.0\n" in zf.read("dyn-3.1.0.dist-info/METADATA").decode()


def test_missing_dunder_version_is_a_clear_error(tmp_path, frontend_env):
    project = make_project(tmp_path, "VERSION = '1.0'\n")
    result = run([sys.executable, "-m", "build", "--wheel", "--outdir", tmp_path / "dist", project],
                 env=frontend_env, check=False)
    assert result.returncode != 0
    assert "`version` is dynamic, but `src/dyn/__init__.py` has no `__version__ = \"...\"` line" in result.stdout + result.stderr
