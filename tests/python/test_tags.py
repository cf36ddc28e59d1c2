"""Wheel tags from real binaries: a prebuilt shared library and a C extension module,
compiled here with the system C compiler, tagged as auditwheel would tag them, installable
by pip on this machine and importable under two CPython versions."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import TOOLS_BIN, run

CC = shutil.which("cc") or shutil.which("gcc")
pytestmark = pytest.mark.skipif(CC is None or sys.platform != "linux", reason="needs a C compiler on Linux")

EXTENSION_C = r"""
#define PY_SSIZE_T_CLEAN
#include <Python.h>
static PyObject *add(PyObject *self, PyObject *args) {
    long a, b;
    if (!PyArg_ParseTuple(args, "ll", &a, &b)) return NULL;
    return PyLong_FromLong(a + b);
}
static PyMethodDef methods[] = {{"add", add, METH_VARARGS, "Add two integers."}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_speedups", NULL, -1, methods};
PyMODINIT_FUNC PyInit__speedups(void) { return PyModule_Create(&module); }
"""


def project_with(tmp_path: Path, name: str, extra: str = "") -> Path:
    project = tmp_path / name
    (project / "src" / "speedy").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        f'[build-system]\nrequires = ["rustbackend"]\nbuild-backend = "rustbackend"\n\n'
        f'[project]\nname = "speedy"\nversion = "1.0"\nrequires-python = ">=3.8"\n{extra}'
    )
    (project / "src" / "speedy" / "__init__.py").write_text("from speedy._speedups import add\n")
    return project


def compile_extension(python: str, target_dir: Path) -> Path:
    paths = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['include']); print(sysconfig.get_config_var('EXT_SUFFIX'))"]).stdout.split()
    include, suffix = paths
    source = target_dir / "_speedups.c"
    source.write_text(EXTENSION_C)
    output = target_dir / f"_speedups{suffix}"
    run([CC, "-shared", "-fPIC", "-O2", f"-I{include}", str(source), "-o", str(output)])
    source.unlink()
    return output


def auditwheel_tag(wheel: Path) -> str:
    out = run([TOOLS_BIN / "auditwheel", "show", wheel], check=False)
    text = " ".join((out.stdout + out.stderr).split())
    marker = 'consistent with the following platform tag: "'
    assert marker in text, text
    return text.split(marker, 1)[1].split('"', 1)[0]


def build_wheel(venv, project: Path, out: Path, *settings: str) -> Path:
    config = "{" + ", ".join(repr(s.split("=", 1)[0]) + ": " + repr(s.split("=", 1)[1]) for s in settings) + "}"
    name = run([venv.python, "-c", f"import rustbackend; print(rustbackend.build_wheel({str(out)!r}, {config}))"],
               env=venv.env, cwd=project).stdout.strip()
    return out / name


@pytest.mark.parametrize("version", ["3.11", "3.12"])
def test_c_extension_is_tagged_installed_and_imported(version, make_venv, frontend_env, tmp_path):
    python = shutil.which(f"python{version}") or str(Path.home() / f".pyenv/versions/{version}" / "bin/python")
    pyenv = Path.home() / ".pyenv" / "versions"
    candidates = sorted(pyenv.glob(f"{version}.*/bin/python{version}")) if pyenv.exists() else []
    python = str(candidates[-1]) if candidates else shutil.which(f"python{version}")
    if not python:
        pytest.skip(f"no CPython {version} here")
    project = project_with(tmp_path, f"speedy-{version}")
    compile_extension(python, project / "src" / "speedy")
    # A venv of that Python with rustbackend, which builds the wheel.
    venv = tmp_path / f"venv-{version}"
    run([python, "-m", "venv", "--without-pip", venv])
    vpython = venv / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", vpython, "install", "--quiet", "rustbackend"], env=frontend_env)
    out = tmp_path / "dist"
    code = f"import rustbackend; print(rustbackend.build_wheel({str(out)!r}))"
    name = run([vpython, "-c", code], env=frontend_env, cwd=project).stdout.strip()
    cp = "cp" + version.replace(".", "")
    assert name.startswith(f"speedy-1.0-{cp}-{cp}-manylinux_2_")
    wheel = out / name
    with zipfile.ZipFile(wheel) as zf:
        wheel_file = zf.read("speedy-1.0.dist-info/WHEEL").decode()
    assert "Root-Is-Purelib: false\n" in wheel_file
    platform = name.rsplit("-", 1)[1].removesuffix(".whl")
    assert f"Tag: {cp}-{cp}-{platform}\n" in wheel_file
    assert auditwheel_tag(wheel) == platform
    # pip on this machine accepts the tag, installs the wheel, and the extension imports.
    run([sys.executable, "-m", "pip", "--python", vpython, "install", "--quiet", wheel], env=frontend_env)
    assert run([vpython, "-c", "import speedy; print(speedy.add(2, 40))"], cwd=tmp_path).stdout.strip() == "42"


def test_prebuilt_shared_library_as_package_data(backend_venv, tmp_path):
    project = project_with(tmp_path, "libonly")
    (project / "src" / "speedy" / "__init__.py").write_text("")
    source = tmp_path / "helper.c"
    source.write_text("int helper(int x) { return x * 2; }\n")
    run([CC, "-shared", "-fPIC", str(source), "-o", str(project / "src" / "speedy" / "libhelper.so.1")])
    wheel = build_wheel(backend_venv, project, tmp_path / "dist")
    assert wheel.name.startswith("speedy-1.0-py3-none-manylinux_2_")
    platform = wheel.name.rsplit("-", 1)[1].removesuffix(".whl")
    assert auditwheel_tag(wheel) == platform
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
