"""Helpers that several end-to-end test files share: running code and hooks in the backend
virtualenv, the error a hook raises, `rustbackend ls` listings, artifact member names, git
with a private identity, and small projects written from a dict of files."""

from __future__ import annotations

import subprocess
import tarfile
import textwrap
import zipfile
from pathlib import Path
from typing import Dict, List, Optional

from conftest import run


def call(venv, project: Path, code: str, check: bool = True, **env):
    """Runs `code` in the backend venv with the project as working directory."""
    return run([venv.python, "-c", textwrap.dedent(code)], env=dict(venv.env, **env), cwd=project, check=check)


def hooks(venv, project: Path, out: Path, *kinds: str, env: Optional[Dict[str, str]] = None):
    """Runs rustbackend's `build_<kind>` hooks in `project` into `out`; returns the process
    (stderr holds the warnings)."""
    calls = "; ".join(f"print(rustbackend.build_{k}(sys.argv[1]))" for k in kinds)
    return run([venv.python, "-c", f"import rustbackend, sys; {calls}", out],
               env=dict(venv.env, **(env or {})), cwd=project)


def build_error(venv, project: Path, hook: str = "build_wheel") -> str:
    """What `hook` prints when it runs into `../out`: "BuildError: ..." or "no error"; checks
    that a failure left nothing in the output directory."""
    out = call(venv, project, f"""
        import rustbackend
        try:
            rustbackend.{hook}("../out")
            print("no error")
        except rustbackend.BuildError as e:
            print("BuildError:", e)
    """).stdout
    if out.startswith("BuildError:"):
        leftovers = list((project.parent / "out").glob("*")) if (project.parent / "out").exists() else []
        assert leftovers == []
    return out


def ls(venv, project: Path, *args: str):
    """Runs `rustbackend ls PROJECT ARGS...`."""
    return run([venv.bin / "rustbackend", "ls", project, *args], env=venv.env)


def listing(venv, project: Path, *args: str) -> List[str]:
    """The archive paths `rustbackend ls` prints, in order."""
    return [line.split("  <- ")[0].rstrip() for line in ls(venv, project, *args).stdout.splitlines()]


def left_out(venv, project: Path, *args: str) -> Dict[str, str]:
    """`rustbackend ls --left-out`: path -> reason."""
    lines = ls(venv, project, "--left-out", *args).stdout.splitlines()
    return {line.split("  (")[0].rstrip(): line.rsplit("(", 1)[1].rstrip(")") for line in lines}


def wheel_names(path: Path) -> List[str]:
    """A wheel's member names, in archive order."""
    with zipfile.ZipFile(path) as zf:
        return [i.filename for i in zf.infolist()]


def sdist_names(path: Path) -> List[str]:
    """An sdist's member names below its top directory, in archive order."""
    with tarfile.open(path) as tf:
        return [n.split("/", 1)[1] for n in tf.getnames()]


def git(cwd: Path, *args: str, home: Optional[Path] = None) -> str:
    """Runs git in `cwd` with a private identity and HOME (default: the parent of `cwd`), so
    the user's configuration never leaks in; returns stdout, stripped."""
    env = {"HOME": str(home or cwd.parent), "PATH": "/usr/bin:/bin:/usr/local/bin",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True,
                          text=True, env=env).stdout.strip()


def write(root: Path, files: Dict[str, str]) -> Path:
    """Writes `files` (path -> text) below `root`; returns `root`."""
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root


def simple_project(root: Path, name: str = "proj", pyproject_extra: str = "") -> Path:
    """`root/<name>`: a src-layout project with an empty package and version 1.0."""
    return write(root / name, {
        "pyproject.toml": f'[project]\nname = "{name}"\nversion = "1.0"\n{pyproject_extra}',
        f"src/{name}/__init__.py": "",
    })
