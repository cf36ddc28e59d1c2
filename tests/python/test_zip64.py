"""Zip64: wheels with more than 65,535 entries and with a file over 4 GiB, checked by
Python's zipfile and installer's RECORD validation."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from installer.sources import WheelFile

from conftest import run


def make_project(root: Path) -> Path:
    project = root / "big"
    (project / "src" / "big").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "big"\nversion = "1.0"\n')
    (project / "src" / "big" / "__init__.py").write_text("")
    return project


def build_wheel(venv, project: Path) -> Path:
    run([venv.python, "-c", "import rustbackend; rustbackend.build_wheel('../out')"], env=venv.env, cwd=project)
    return project.parent / "out" / "big-1.0-py3-none-any.whl"


def test_more_than_65535_entries(backend_venv, tmp_path):
    project = make_project(tmp_path)
    data = project / "src" / "big" / "data"
    for i in range(70):
        sub = data / f"d{i:02}"
        sub.mkdir(parents=True)
        for j in range(1000):
            (sub / f"f{j:03}.txt").write_text(f"{i} {j}\n")
    wheel = build_wheel(backend_venv, project)
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert len(names) == 70_000 + 4  # data, __init__.py, METADATA, WHEEL, RECORD
        assert zf.read("big/data/d69/f999.txt") == b"69 999\n"
    raw = wheel.read_bytes()
    assert raw.rfind(b"PK\x06\x06") != -1  # the zip64 end of central directory record
    with WheelFile.open(wheel) as source:
        source.validate_record(validate_contents=True)


@pytest.mark.slow
def test_a_file_over_4_gib(backend_venv, tmp_path):
    project = make_project(tmp_path)
    huge = project / "src" / "big" / "huge.bin"
    with open(huge, "wb") as f:
        f.truncate(4 * 1024**3 + 12345)  # sparse: no disk space used
    wheel = build_wheel(backend_venv, project)
    assert wheel.stat().st_size < 64 * 1024**2
    with zipfile.ZipFile(wheel) as zf:
        assert zf.getinfo("big/huge.bin").file_size == 4 * 1024**3 + 12345
    with WheelFile.open(wheel) as source:
        source.validate_record(validate_contents=True)
