"""A build backend's hooks run the way pip runs them: in a fresh virtual environment that
holds only its `build-system.requires` (from the configured index), in a copy of the
project, in a subprocess. `rustbackend migrate` asks the old backend for metadata there and
`--verify` builds with both backends there, so nothing the old backend writes
(`*.egg-info`, `build/`) lands in the project.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import venv

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, List, Optional

# Runs one hook inside the environment; its result goes to a file, since backends print.
_RUNNER = r"""
import importlib, json, sys
backend_name, paths, hook, args, out = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4]), sys.argv[5]
sys.path[:0] = paths
module, _, attribute = backend_name.partition(":")
backend = importlib.import_module(module)
for part in filter(None, attribute.split(".")):
    backend = getattr(backend, part)
function = getattr(backend, hook, None)
result = function(*args) if function is not None else None
with open(out, "w") as f:
    json.dump({"result": result, "missing": function is None}, f)
"""

# PEP 517's fallback for projects without [build-system].
LEGACY_REQUIRES = ["setuptools>=40.8.0", "wheel"]
LEGACY_BACKEND = "setuptools.build_meta:__legacy__"


class HookFailed(Exception):
    """A hook of the old backend failed; the message holds its output."""


class IsolatedBackend:
    """One backend in its own environment, over a copy of the project."""

    def __init__(self, project: str, requires: "List[str]", backend: str, backend_path: "List[str]",
                 extra_path: "Optional[str]" = None) -> None:
        self.scratch = tempfile.mkdtemp(prefix="rustbackend-migrate-")
        self.project = os.path.join(self.scratch, "project")
        shutil.copytree(project, self.project, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", ".tox", ".nox", ".venv", "dist"))
        self.backend = backend
        self.backend_path = [os.path.join(self.project, p) for p in backend_path]
        self.extra_path = extra_path
        self.env = os.path.join(self.scratch, "env")
        venv.EnvBuilder(with_pip=True).create(self.env)
        bindir = "Scripts" if os.name == "nt" else "bin"
        self.python = os.path.join(self.env, bindir, "python.exe" if os.name == "nt" else "python")
        self.install(requires)

    def install(self, requirements: "List[str]") -> None:
        if not requirements:
            return
        done = subprocess.run([self.python, "-m", "pip", "install", "--disable-pip-version-check", "-q", *requirements],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise HookFailed(f"installing {' '.join(requirements)} failed:\n{done.stdout}{done.stderr}")

    def call(self, hook: str, *args: "Any") -> "Any":
        out = os.path.join(self.scratch, "result.json")
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
        # The environment's scripts come first on PATH, as in pip's isolated builds
        # (uv_build runs its `uv-build` executable from there).
        env["PATH"] = os.path.dirname(self.python) + os.pathsep + env.get("PATH", "")
        if self.extra_path:
            env["PYTHONPATH"] = self.extra_path
        done = subprocess.run([self.python, "-c", _RUNNER, self.backend, json.dumps(self.backend_path), hook,
                               json.dumps(list(args)), out],
                              cwd=self.project, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise HookFailed(f"{self.backend}'s {hook} failed:\n{done.stdout}{done.stderr}")
        with open(out) as f:
            answer = json.load(f)
        return None if answer["missing"] else answer["result"]

    def prepare(self, kind: str) -> None:
        """Installs what the backend's get_requires_for_build_<kind> asks for."""
        extra = self.call(f"get_requires_for_build_{kind}", {})
        self.install(list(extra or []))

    def close(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)


def our_package_path(scratch: str) -> str:
    """A directory holding only this rustbackend package, to put on an environment's path."""
    here = os.path.dirname(os.path.abspath(__file__))
    target = os.path.join(scratch, "rustbackend-path")
    os.makedirs(target, exist_ok=True)
    link = os.path.join(target, "rustbackend")
    if not os.path.exists(link):
        try:
            os.symlink(here, link)
        except OSError:
            shutil.copytree(here, link)
    return target

