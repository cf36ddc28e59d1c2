"""Fixtures for the end-to-end suite: the rustbackend wheel (built once per run), fresh
virtualenvs, frontend environments that install only from the local wheelhouse, and sample
projects copied to temporary directories so builds never write into the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import Callable, Dict, List, Optional

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample-projects"
# Samples with C extension modules build per interpreter; tests/python/test_native.py covers
# them, the generic sample tests cover the rest.
SAMPLE_NAMES = sorted(
    p.name for p in SAMPLES.iterdir()
    if (p / "pyproject.toml").is_file() and not p.name.startswith("c-extension")
)
TOOLS_BIN = Path(sys.executable).parent


def run(
    cmd: List[str],
    env: Optional[Dict[str, str]] = None,
    cwd: Optional[Path] = None,
    check: bool = True,
) -> subprocess.CompletedProcess:
    """Runs a command, capturing output; on an unexpected exit code, fails with the output."""
    proc = subprocess.run(
        [str(c) for c in cmd],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"command failed ({proc.returncode}): {' '.join(map(str, cmd))}\n"
            f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
        )
    return proc


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the rustbackend wheel (built by scripts/bootstrap.sh, or here)."""
    given = os.environ.get("RUSTBACKEND_WHEELHOUSE")
    if given:
        path = Path(given)
    else:
        path = tmp_path_factory.mktemp("wheelhouse")
        run([TOOLS_BIN / "maturin", "build", "--release", "-o", path], cwd=ROOT)
    wheels = list(path.glob("rustbackend-*.whl"))
    assert len(wheels) == 1, f"expected one rustbackend wheel in {path}, found {wheels}"
    return path


@pytest.fixture(scope="session")
def frontend_env(wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Dict[str, str]:
    """Environment for pip, build and uv: packages come only from the local wheelhouse."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "PYTHON"))}
    env.pop("SOURCE_DATE_EPOCH", None)
    env.pop("VIRTUAL_ENV", None)
    env.update(
        PIP_FIND_LINKS=str(wheelhouse),
        PIP_NO_INDEX="1",
        PIP_NO_CACHE_DIR="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        UV_FIND_LINKS=str(wheelhouse),
        UV_NO_INDEX="1",
        UV_CACHE_DIR=str(tmp_path_factory.mktemp("uv-cache")),
        UV_PYTHON_DOWNLOADS="never",
        UV_NO_PROGRESS="1",
        PATH=f"{TOOLS_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    return env


class Venv:
    """A fresh virtualenv without pip; the pinned pip drives it with `--python`."""

    def __init__(self, path: Path, env: Dict[str, str]) -> None:
        venv.EnvBuilder(with_pip=False, symlinks=True).create(path)
        self.path = path
        self.bin = path / "bin"
        self.python = self.bin / "python"
        self.env = dict(env, VIRTUAL_ENV=str(path), PATH=f"{self.bin}{os.pathsep}{env['PATH']}")
        # Commands run from an empty directory, so nothing is imported from the working
        # directory by accident (a wheel's .data/data files land in the venv root).
        self.workdir = path.parent / f"{path.name}-cwd"
        self.workdir.mkdir()

    def run(self, *cmd: object, cwd: Optional[Path] = None, check: bool = True) -> subprocess.CompletedProcess:
        return run([str(c) for c in cmd], env=self.env, cwd=cwd or self.workdir, check=check)

    def pip(self, *args: object, check: bool = True) -> subprocess.CompletedProcess:
        return self.run(sys.executable, "-m", "pip", "--python", self.python, *args, check=check)

    def py(self, code: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run(self.python, "-c", code, check=check)

    def site_packages(self) -> Path:
        out = self.py("import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout
        return Path(out.strip())


@pytest.fixture
def make_venv(tmp_path: Path, frontend_env: Dict[str, str]) -> Callable[[str], Venv]:
    """Creates fresh virtualenvs under the test's temporary directory."""

    def make(name: str = "venv") -> Venv:
        return Venv(tmp_path / name, frontend_env)

    return make


@pytest.fixture(scope="session")
def backend_venv(tmp_path_factory: pytest.TempPathFactory, frontend_env: Dict[str, str]) -> Venv:
    """One venv with rustbackend installed, for calling the hooks directly; with the build
    requirements the hooks may ask for (Cython), as an isolated build would have them."""
    env = Venv(tmp_path_factory.mktemp("backend") / "venv", frontend_env)
    env.pip("install", "rustbackend", "-r", ROOT / "tests" / "python" / "requirements-build.txt")
    return env


@pytest.fixture(scope="session")
def migrate_env(backend_venv: Venv, wheelhouse: Path) -> tuple:
    """The backend venv and an environment for `rustbackend migrate` in it: pip's index is
    the wheelhouse and the pinned old backends (tests/python/requirements-old-backends.txt,
    downloaded into target/old-backends/ by scripts/bootstrap.sh)."""
    old = Path(os.environ.get("RUSTBACKEND_OLD_BACKENDS", ROOT / "target" / "old-backends"))
    assert any(old.glob("setuptools-*.whl")), f"run scripts/bootstrap.sh: no old backends in {old}"
    return backend_venv, dict(backend_venv.env, PIP_FIND_LINKS=f"{wheelhouse} {old}", PIP_NO_INDEX="1")


def copy_sample(name: str, dest: Path) -> Path:
    """Copies a sample project (without build outputs) to dest/name."""
    target = dest / name
    shutil.copytree(
        SAMPLES / name, target, ignore=shutil.ignore_patterns("dist", "build", "__pycache__")
    )
    return target


@pytest.fixture
def sample(tmp_path: Path) -> Callable[[str], Path]:
    """Returns a fresh copy of a sample project."""
    return lambda name: copy_sample(name, tmp_path / "src")


CORPUS = ROOT / "tests" / "fixtures" / "pyproject"


def auditwheel_platform(wheel: Path) -> str:
    """The platform tag `auditwheel show` finds the wheel consistent with."""
    out = run([TOOLS_BIN / "auditwheel", "show", wheel], check=False)
    text = " ".join((out.stdout + out.stderr).split())
    marker = 'consistent with the following platform tag: "'
    assert marker in text, text
    return text.split(marker, 1)[1].split('"', 1)[0]


def cpython(version: str) -> str:
    """The path of a CPython X.Y on this machine (pyenv's, or on PATH); skips without one."""
    pyenv = Path.home() / ".pyenv" / "versions"
    found = sorted(pyenv.glob(f"{version}.*/bin/python{version}")) if pyenv.exists() else []
    python = str(found[-1]) if found else shutil.which(f"python{version}")
    if not python:
        pytest.skip(f"no CPython {version} on this machine")
    return python


def materialize_case(case: Path, dest: Path) -> Path:
    """Copies a fixture case (without its snapshots) and, like the Rust runner does, gives a
    case without Python files a `src/<import name>/__init__.py`."""
    import re
    import tomllib

    shutil.copytree(case, dest, ignore=shutil.ignore_patterns("expected.*"))
    if not any(dest.rglob("*.py")):
        module = "demo"
        try:
            name = tomllib.loads((dest / "pyproject.toml").read_text("utf-8-sig"))["project"]["name"]
            if isinstance(name, str) and re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?", name):
                module = re.sub(r"[-_.]+", "_", name).lower()
        except Exception:
            pass
        init = dest / "src" / module / "__init__.py"
        init.parent.mkdir(parents=True)
        init.write_text('__version__ = "9.9.9"\n')
    return dest


class Built:
    """A sample built with `python -m build` (sdist, then wheel from the sdist) and with
    `python -m build --wheel` (wheel straight from the tree)."""

    def __init__(self, name: str, project: Path, sdist: Path, wheel: Path, tree_wheel: Path) -> None:
        self.name = name
        self.project = project
        self.sdist = sdist
        self.wheel = wheel
        self.tree_wheel = tree_wheel


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, frontend_env: Dict[str, str]) -> Dict[str, Built]:
    """Every sample project built once per session through `python -m build`."""
    result = {}
    for name in SAMPLE_NAMES:
        base = tmp_path_factory.mktemp(f"built-{name}")
        project = copy_sample(name, base)
        out, tree_out = base / "dist", base / "tree-dist"
        run([sys.executable, "-m", "build", "--outdir", out, project], env=frontend_env)
        run([sys.executable, "-m", "build", "--wheel", "--outdir", tree_out, project], env=frontend_env)
        (sdist,) = out.glob("*.tar.gz")
        (wheel,) = out.glob("*.whl")
        (tree_wheel,) = tree_out.glob("*.whl")
        result[name] = Built(name, project, sdist, wheel, tree_wheel)
    return result


def foreign_python(arch: str) -> tuple:
    """CPython for a Debian architecture, with its C headers, unpacked by
    scripts/foreign-python.sh (once, into target/); returns (its python3, the qemu-user
    command that runs it)."""
    root = ROOT / "target" / f"{arch}-python"
    python = root / "usr" / "bin" / "python3"
    headers = root / "usr" / "include" / "python3.11" / "Python.h"
    qemu = {"arm64": "qemu-aarch64", "armhf": "qemu-arm", "i386": "qemu-i386",
            "ppc64el": "qemu-ppc64le", "s390x": "qemu-s390x"}[arch]
    if not (python.exists() and headers.exists()):
        proc = subprocess.run(["bash", ROOT / "scripts" / "foreign-python.sh", arch, root],
                              capture_output=True, text=True)
        if proc.returncode == 3:
            pytest.skip(proc.stderr.strip())
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return python, qemu
