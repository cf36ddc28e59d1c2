"""Wheel tags from real binaries: a prebuilt shared library compiled here with the system C
compiler, tagged as auditwheel tags it and installable on this machine; pure projects; the
override keys. (C extension modules built by rustbackend: test_native.py.)"""

from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import auditwheel_platform, run
from helpers import build_error

CC = shutil.which("cc") or shutil.which("gcc")
pytestmark = pytest.mark.skipif(CC is None or sys.platform != "linux", reason="needs a C compiler on Linux")

def project_with(tmp_path: Path, name: str, extra: str = "") -> Path:
    project = tmp_path / name
    (project / "src" / "speedy").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        f'[build-system]\nrequires = ["rustbackend"]\nbuild-backend = "rustbackend"\n\n'
        f'[project]\nname = "speedy"\nversion = "1.0"\nrequires-python = ">=3.8"\n{extra}'
    )
    (project / "src" / "speedy" / "__init__.py").write_text("from speedy._speedups import add\n")
    return project


def build_wheel(venv, project: Path, out: Path, *settings: str) -> Path:
    config = "{" + ", ".join(repr(s.split("=", 1)[0]) + ": " + repr(s.split("=", 1)[1]) for s in settings) + "}"
    name = run([venv.python, "-c", f"import rustbackend; print(rustbackend.build_wheel({str(out)!r}, {config}))"],
               env=venv.env, cwd=project).stdout.strip()
    return out / name


def test_prebuilt_shared_library_as_package_data(backend_venv, tmp_path):
    project = project_with(tmp_path, "libonly")
    (project / "src" / "speedy" / "__init__.py").write_text("")
    source = tmp_path / "helper.c"
    source.write_text("int helper(int x) { return x * 2; }\n")
    run([CC, "-shared", "-fPIC", str(source), "-o", str(project / "src" / "speedy" / "libhelper.so.1")])
    wheel = build_wheel(backend_venv, project, tmp_path / "dist")
    assert wheel.name.startswith("speedy-1.0-py3-none-manylinux_2_")
    platform = wheel.name.rsplit("-", 1)[1].removesuffix(".whl")
    assert auditwheel_platform(wheel) == platform
    from packaging.tags import sys_tags

    assert f"py3-none-{platform}" in {str(t) for t in sys_tags()}


def test_pure_projects_stay_pure_and_overrides_win(backend_venv, sample, tmp_path):
    project = sample("single-module")
    assert build_wheel(backend_venv, project, tmp_path / "a").name == "tinymod-2024.1-py3-none-any.whl"
    wheel = build_wheel(backend_venv, project, tmp_path / "b", "wheel-tag=py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64")
    assert wheel.name == "tinymod-2024.1-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read("tinymod-2024.1.dist-info/WHEEL").decode()
    assert "Tag: py3-none-manylinux_2_17_x86_64\nTag: py3-none-manylinux2014_x86_64\n" in text
    assert "Root-Is-Purelib: false" in text
    with open(project / "pyproject.toml", "a") as f:
        f.write('\n[tool.rustbackend.wheel]\npython-tag = "py38"\n')
    assert build_wheel(backend_venv, project, tmp_path / "c").name == "tinymod-2024.1-py38-none-any.whl"
    result = run([backend_venv.python, "-c", "import rustbackend\ntry:\n    rustbackend.build_wheel('../d', {'wheel-tag': 'py3-none'})\nexcept rustbackend.BuildError as e:\n    print(e)"],
                 env=backend_venv.env, cwd=project)
    assert "the config setting `wheel-tag`: `py3-none` is not a wheel tag" in result.stdout


def _compile(tmp_path: Path, source: str, output: Path, *flags: str) -> Path:
    c_file = tmp_path / (output.name + ".c")
    c_file.write_text(source)
    run([CC, "-shared", "-fPIC", str(c_file), "-o", str(output), *flags])
    return output


def test_extensions_for_two_interpreters_are_an_error(backend_venv, tmp_path):
    project = project_with(tmp_path, "two")
    package = project / "src" / "speedy"
    built = _compile(tmp_path, "int f(void) { return 1; }\n", package / "_a.cpython-311-x86_64-linux-gnu.so")
    shutil.copy(built, package / "_b.cpython-312-x86_64-linux-gnu.so")
    message = build_error(backend_venv, project)
    assert "extension modules for two interpreters, cp311 and cp312" in message


def test_a_library_outside_the_manylinux_set_falls_back_to_linux_with_a_warning(backend_venv, tmp_path):
    project = project_with(tmp_path, "private-lib")
    (project / "src" / "speedy" / "__init__.py").write_text("")
    private = _compile(tmp_path, "int secret(void) { return 7; }\n", tmp_path / "libprivate.so")
    _compile(tmp_path, "int secret(void);\nint api(void) { return secret(); }\n",
             project / "src" / "speedy" / "libapi.so.1", f"-L{tmp_path}", "-lprivate")
    assert private.exists()
    code = "import rustbackend; print(rustbackend.build_wheel('../out'))"
    result = run([backend_venv.python, "-c", code], env=backend_venv.env, cwd=project)
    assert result.stdout.strip() == "speedy-1.0-py3-none-linux_x86_64.whl"
    assert "tagged linux_x86_64, which PyPI does not accept" in result.stderr
    assert "it links `libprivate.so`" in result.stderr


MINGW = shutil.which("x86_64-w64-mingw32-gcc")


def cross_library(tmp_path: Path, compiler: list, name: str) -> Path:
    source = tmp_path / "helper.c"
    source.write_text("int helper(int x) { return x * 2; }\n")
    out = tmp_path / name
    run([*compiler, "-shared", "-o", str(out), str(source)])
    return out


@pytest.mark.skipif(MINGW is None, reason="needs mingw-w64 (scripts/install-system-tools.sh)")
def test_windows_dll_gives_a_windows_tag(backend_venv, tmp_path):
    """A PE binary from a real cross compiler (mingw-w64) tags the wheel for Windows."""
    project = project_with(tmp_path, "pe")
    (project / "src" / "speedy" / "__init__.py").write_text("")
    dll = cross_library(tmp_path, [MINGW], "helper.dll")
    shutil.copy(dll, project / "src" / "speedy" / "helper.dll")
    assert build_wheel(backend_venv, project, tmp_path / "dist").name == "speedy-1.0-py3-none-win_amd64.whl"


@pytest.mark.parametrize("target, platform", [
    ("aarch64-macos.11.0", "macosx_11_0_arm64"),
    ("x86_64-macos.10.13", "macosx_10_13_x86_64"),
])
def test_macos_dylib_gives_a_macos_tag_with_its_minimum_version(backend_venv, tmp_path, target, platform):
    """Mach-O binaries from a real cross linker (zig, the pinned ziglang) tag the wheel for
    macOS, with the architecture and the minimum macOS version the binary records."""
    project = project_with(tmp_path, "macho")
    (project / "src" / "speedy" / "__init__.py").write_text("")
    dylib = cross_library(tmp_path, [sys.executable, "-m", "ziglang", "cc", "-target", target], "libhelper.dylib")
    shutil.copy(dylib, project / "src" / "speedy" / "libhelper.dylib")
    assert build_wheel(backend_venv, project, tmp_path / "dist").name == f"speedy-1.0-py3-none-{platform}.whl"
