"""Real projects from PyPI, at pinned versions: download the sdist, switch its backend to
rustbackend, build, and compare with the wheel its authors published."""

from __future__ import annotations

import re
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from packaging.metadata import Metadata

from conftest import run

# (project, version) pairs; their published wheels are pure Python.
REAL = [
    ("tomli", "2.2.1"),
    ("packaging", "24.2"),
    ("typing_extensions", "4.12.2"),
    ("idna", "3.10"),
    ("click", "8.1.8"),
    ("wheel", "0.45.1"),
]
COMPARED_FIELDS = [
    "name", "version", "summary", "requires_python", "classifiers", "keywords", "author",
    "author_email", "maintainer", "maintainer_email", "project_urls", "requires_dist",
    "provides_extra", "description_content_type", "description",
]


def download(args, dest: Path, env) -> Path:
    index_env = {k: v for k, v in env.items() if k not in ("PIP_NO_INDEX", "PIP_FIND_LINKS")}
    run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", dest, *args], env=index_env)
    (path,) = dest.iterdir()
    return path


def switch_backend(pyproject: Path) -> None:
    text = pyproject.read_text("utf-8")
    text = re.sub(r"(?ms)^\[build-system\].*?(?=^\[)", "", text)
    pyproject.write_text(
        '[build-system]\nrequires = ["rustbackend"]\nbuild-backend = "rustbackend"\n\n' + text, "utf-8"
    )


def payload(wheel: Path) -> list:
    with zipfile.ZipFile(wheel) as zf:
        return sorted(n for n in zf.namelist() if ".dist-info/" not in n)


def metadata(wheel: Path) -> Metadata:
    with zipfile.ZipFile(wheel) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        return Metadata.from_email(zf.read(name), validate=True)


@pytest.mark.parametrize("project,version", REAL)
def test_real_project_matches_published_wheel(project, version, frontend_env, tmp_path):
    sdist = download(["--no-binary", ":all:", f"{project}=={version}"], tmp_path / "sdist", frontend_env)
    published = download(
        ["--only-binary", ":all:", "--platform", "any", "--implementation", "py", "--python-version", "3.8",
         f"{project}=={version}"],
        tmp_path / "published", frontend_env,
    )
    with tarfile.open(sdist) as tf:
        tf.extractall(tmp_path / "src", filter="data")
    (source,) = (tmp_path / "src").iterdir()
    switch_backend(source / "pyproject.toml")
    out = tmp_path / "ours"
    run([sys.executable, "-m", "build", "--outdir", out, source], env=frontend_env)
    (ours,) = out.glob("*.whl")
    assert ours.name == published.name
    assert payload(ours) == payload(published)
    mine, theirs = metadata(ours), metadata(published)
    for field in COMPARED_FIELDS:
        a, b = getattr(mine, field), getattr(theirs, field)
        if field == "description":  # backends differ only in trailing newlines after the body
            a, b = a.rstrip("\n"), b.rstrip("\n")
        assert a == b, field
