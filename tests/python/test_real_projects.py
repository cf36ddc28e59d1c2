"""Real projects from PyPI, at pinned versions: download the sdist, switch its backend to
rustbackend with `rustbackend migrate --write`, build, and compare with the wheel its authors
published."""

from __future__ import annotations

import configparser
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from packaging.metadata import Metadata
from packaging.utils import canonicalize_name

from conftest import run
from pypi import download, payload

# (project, version) pairs; their published wheels are pure Python (compiled projects are
# in test_real_compiled_projects.py). flit_core built tomli..wheel, markdown-it-py, tomli_w,
# mdurl and the Pallets projects; setuptools sniffio; hatchling the others.
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
    ("jinja2", "3.1.6"),  # flit_core
    ("itsdangerous", "2.2.0"),  # flit_core
    ("blinker", "1.9.0"),  # flit_core
    ("iniconfig", "2.0.0"),  # hatch-vcs's build hook `version-file` becomes ours
    ("sniffio", "1.3.1"),  # setuptools; a README with CRLF line endings
]
COMPARED_FIELDS = [
    "name", "version", "summary", "requires_python", "keywords", "author",
    "author_email", "maintainer", "maintainer_email", "project_urls",
    "provides_extra", "description_content_type", "description",
]
# Backends order these lists differently (hatchling sorts them); compared as sets.
UNORDERED = {"keywords", "provides_extra"}


# What `rustbackend migrate` refuses in these sdists (the rest of each is carried).
REFUSED = {
    # flit's sdist `include = ["*/*test*.py", ...]` picks files out of directories.
    "typing_extensions": ["tool.flit.sdist.include"],
}


def switch_backend(root: Path, migrate_env) -> None:
    """Points the project at rustbackend with `rustbackend migrate --write`, as an author
    would (the old backend, pinned, is asked for what it computes)."""
    venv, env = migrate_env
    result = subprocess.run([venv.bin / "rustbackend", "migrate", root, "--write"], env=env,
                            capture_output=True, text=True)
    refused = sorted({line.split("`")[1] for line in result.stderr.splitlines() if line.startswith("not carried: ")})
    expected = REFUSED.get(root.name.rsplit("-", 1)[0], [])
    assert refused == expected, result.stderr
    assert result.returncode == (1 if expected else 0), result.stderr


def dist_info_text(wheel: Path, name: str) -> str:
    """The text of `*.dist-info/<name>` in the wheel, or "" when it has none."""
    with zipfile.ZipFile(wheel) as zf:
        found = [n for n in zf.namelist() if n.endswith(f".dist-info/{name}")]
        return zf.read(found[0]).decode() if found else ""


def metadata(wheel: Path, validate: bool = True) -> Metadata:
    return Metadata.from_email(dist_info_text(wheel, "METADATA"), validate=validate)


@pytest.mark.parametrize("project,version", REAL)
def test_real_project_matches_published_wheel(project, version, frontend_env, migrate_env, tmp_path):
    sdist, published = download(project, version, tmp_path / "downloads")
    with tarfile.open(sdist) as tf:
        tf.extractall(tmp_path / "src", filter="data")
    (source,) = (tmp_path / "src").iterdir()
    switch_backend(source, migrate_env)
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
        if field == "description":  # backends differ only in trailing newlines after the body,
            # and in line endings: we write a CRLF readme with LF (setuptools keeps the CR).
            a, b = a.replace("\r\n", "\n").rstrip("\r\n"), b.replace("\r\n", "\n").rstrip("\r\n")
        if field in UNORDERED:
            a, b = sorted(a or []), sorted(b or [])
        assert a == b, field
    assert sorted(mine.classifiers or []) == sorted(theirs.classifiers or [])
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
