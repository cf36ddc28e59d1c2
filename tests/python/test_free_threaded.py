"""Free-threaded CPython (PEP 703, `--disable-gil`): rustbackend's own cp313t wheel installs
there and keeps the GIL disabled; pure and native projects build through an isolated pip and
`python -m build`, their extension modules tagged `cp313-cp313t` as auditwheel agrees, and
import; `cython-directives` reach Cython (`freethreading_compatible`); a stable-ABI request
builds a version-specific wheel with its warning; two real compiled projects build and pass
their tests.

The interpreter is CPython 3.13 built with --disable-gil from Debian's source package by
scripts/free-threaded-python.sh, once, into a cache outside the clone; scripts/bootstrap.sh
(RUSTBACKEND_FREE_THREADED=1, as scripts/test.sh sets it) builds it and a wheelhouse of its own
(RUSTBACKEND_FT_WHEELHOUSE): rustbackend's cp313t wheel, Cython, build and pytest."""

from __future__ import annotations

import os
import re
import shutil
import sys
import tarfile
from pathlib import Path
from typing import Dict

import pytest

from conftest import SAMPLES, auditwheel_platform, run
from pypi import download, payload

FT_PYTHON = os.environ.get("RUSTBACKEND_FT_PYTHON")
FT_WHEELHOUSE = os.environ.get("RUSTBACKEND_FT_WHEELHOUSE")
REAL_COMPILED = Path(__file__).resolve().parents[1] / "fixtures" / "real-compiled"

pytestmark = pytest.mark.skipif(
    not (FT_PYTHON and FT_WHEELHOUSE),
    reason="no free-threaded CPython (scripts/test.sh builds one with scripts/free-threaded-python.sh)",
)


@pytest.fixture(scope="module")
def ft_env(frontend_env: Dict[str, str]) -> Dict[str, str]:
    """pip and build install only from the free-threaded wheelhouse."""
    return dict(frontend_env, PIP_FIND_LINKS=str(FT_WHEELHOUSE))


class FtVenv:
    """A venv of the free-threaded interpreter, driven by the pinned pip with `--python`."""

    def __init__(self, path: Path, env: Dict[str, str]) -> None:
        run([FT_PYTHON, "-m", "venv", "--without-pip", path])
        self.python = path / "bin" / "python"
        self.env = dict(env, VIRTUAL_ENV=str(path), PATH=f"{path / 'bin'}{os.pathsep}{env['PATH']}")

    def pip(self, *args: object, check: bool = True):
        return run([sys.executable, "-m", "pip", "--python", self.python, *args], env=self.env, check=check)

    def py(self, code: str, cwd: Path = None):
        return run([self.python, "-c", code], env=self.env, cwd=cwd)


def cp313t_wheel(wheel: Path, prefix: str) -> None:
    """The wheel is for free-threaded 3.13 and auditwheel agrees with its platform tag."""
    assert re.match(rf"{prefix}-[^-]+-cp313-cp313t-manylinux_2_\d+_x86_64\.whl$", wheel.name), wheel.name
    assert auditwheel_platform(wheel) == wheel.name.rsplit("-", 1)[1].removesuffix(".whl")


def test_rustbackend_installs_and_keeps_the_gil_disabled(ft_env, tmp_path):
    venv = FtVenv(tmp_path / "venv", ft_env)
    venv.pip("install", "rustbackend")
    out = venv.py("import sys, rustbackend._native as n; print(n.__file__); print(sys._is_gil_enabled())").stdout
    native, gil = out.split()
    assert native.endswith("_native.cpython-313t-x86_64-linux-gnu.so")
    assert gil == "False"


def test_a_pure_project_builds_with_pip_and_build(ft_env, tmp_path):
    venv = FtVenv(tmp_path / "venv", ft_env)
    project = shutil.copytree(SAMPLES / "src-basic", tmp_path / "src-basic")
    venv.pip("install", project)
    assert run([venv.python, project / "check_install.py"], env=venv.env, cwd=tmp_path).stdout.strip()
    venv.pip("install", "build")
    run([venv.python, "-m", "build", "-o", tmp_path / "dist", project], env=venv.env)
    names = sorted(p.name for p in (tmp_path / "dist").iterdir())
    assert names == ["greet-1.2.0-py3-none-any.whl", "greet-1.2.0.tar.gz"]


@pytest.mark.parametrize("sample,prefix", [
    ("c-extension", "acme_fast"), ("c-extension-cpp", "polyline"), ("c-extension-cython", "fibo"),
])
def test_native_samples_build_for_cp313t_with_pip_and_build(sample, prefix, ft_env, tmp_path):
    venv = FtVenv(tmp_path / "venv", ft_env)
    project = shutil.copytree(SAMPLES / sample, tmp_path / sample)
    venv.pip("wheel", "--no-deps", project, "-w", tmp_path / "pip")
    (wheel,) = (tmp_path / "pip").iterdir()
    cp313t_wheel(wheel, prefix)
    venv.pip("install", "build")
    run([venv.python, "-m", "build", "-o", tmp_path / "build", project], env=venv.env)
    (from_build,) = (tmp_path / "build").glob("*.whl")
    assert from_build.name == wheel.name
    venv.pip("install", wheel)
    assert "ok" in run([venv.python, project / "check_install.py"], env=venv.env, cwd=tmp_path).stdout


def test_cython_directives_keep_the_gil_disabled(ft_env, tmp_path):
    """`freethreading_compatible = true` makes Cython declare that the module runs without the
    GIL; without it, importing the module turns the GIL back on."""
    venv = FtVenv(tmp_path / "venv", ft_env)
    project = shutil.copytree(SAMPLES / "c-extension-cython", tmp_path / "fibo")
    check = "import sys, fibo._fib, fibo._stats; print(sys._is_gil_enabled())"
    venv.pip("install", project)
    assert venv.py(check, cwd=tmp_path).stdout.strip() == "True"
    text = (project / "pyproject.toml").read_text()
    for source in ("_fib", "_stats"):
        text = text.replace(f'sources = ["src/fibo/{source}.pyx"]',
                            f'sources = ["src/fibo/{source}.pyx"]\ncython-directives = {{ freethreading_compatible = true }}')
    (project / "pyproject.toml").write_text(text)
    venv.pip("install", "--force-reinstall", project)
    assert venv.py(check, cwd=tmp_path).stdout.strip() == "False"


def test_a_stable_abi_request_builds_a_cp313t_wheel_with_a_warning(ft_env, tmp_path):
    venv = FtVenv(tmp_path / "venv", ft_env)
    venv.pip("install", "rustbackend")
    project = shutil.copytree(SAMPLES / "c-extension-abi3", tmp_path / "abi3")
    result = run([venv.python, "-c", "import rustbackend; print(rustbackend.build_wheel('../out'))"],
                 env=venv.env, cwd=project)
    wheel = tmp_path / "out" / result.stdout.strip()
    cp313t_wheel(wheel, "stable_fast")
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warnings == [
        "rustbackend: warning: free-threaded CPython 3.13 has no stable ABI (abi3) before 3.15, so "
        "`stable_fast._core` (py-limited-api) is built for this interpreter only, into a version-specific "
        'wheel; py-limited-api = "cp315" or later builds for both stable ABIs (abi3.abi3t, PEP 803)'
    ]
    venv.pip("install", wheel)
    assert "ok" in run([venv.python, project / "check_install.py"], env=venv.env, cwd=tmp_path).stdout


@pytest.mark.parametrize("project,version,smoke,tests", [
    ("markupsafe", "3.0.4", "import markupsafe._speedups; import markupsafe as m; assert str(m.escape('<a>')) == '&lt;a&gt;'",
     "tests"),
    ("fastrlock", "0.8.4", "from fastrlock.rlock import FastRLock; lock = FastRLock(); lock.acquire(); lock.release()",
     "fastrlock/tests/test_rlock.py"),
])
def test_real_compiled_projects_build_for_cp313t_and_pass_their_tests(project, version, smoke, tests, ft_env, tmp_path):
    sdist, published = download(project, version, tmp_path / "downloads", compiled=True)
    with tarfile.open(sdist) as tf:
        tf.extractall(tmp_path / "src", filter="data")
    (root,) = (tmp_path / "src").iterdir()
    (root / "setup.py").unlink(missing_ok=True)
    for stale in root.glob("*.egg-info"):
        shutil.rmtree(stale)
    shutil.copy(REAL_COMPILED / f"{project}.toml", root / "pyproject.toml")
    venv = FtVenv(tmp_path / "venv", ft_env)
    venv.pip("wheel", "--no-deps", root, "-w", tmp_path / "ours")
    (ours,) = (tmp_path / "ours").glob("*.whl")
    cp313t_wheel(ours, project)
    # The same files as the authors' (GIL) wheel: only the extension suffix differs.
    same = [re.sub(r"cpython-31\dt?-", "", n) for n in payload(published) if not n.endswith("/")]
    assert [re.sub(r"cpython-31\dt?-", "", n) for n in payload(ours)] == same
    venv.pip("install", ours, "pytest")
    venv.py(smoke, cwd=tmp_path)
    run_dir = tmp_path / "run-tests"
    run_dir.mkdir()
    copy = shutil.copytree if (root / tests).is_dir() else shutil.copy
    copy(root / tests, run_dir / Path(tests).name)
    result = run([venv.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--import-mode=importlib", Path(tests).name],
                 env=venv.env, cwd=run_dir)
    summary = result.stdout.strip().splitlines()[-1]
    assert re.search(r"\b\d+ passed", summary) and not re.search(r"\b\d+ (failed|errors?)\b", summary), summary
