"""The workflows of teams with a private index, end to end against a real one: a local
pypiserver (pinned) on 127.0.0.1 that holds the rustbackend wheel under test, and nothing
from PyPI. Every tool here finds rustbackend (and the project) on that index, the way
users' tools do, not through --find-links: twine uploads our wheel and sdist, pip and uv
install them (the sdist built by rustbackend fetched from the index), pip-compile resolves a
project through our metadata hook, Poetry builds and installs a rustbackend project, and a
`pip install --prefix` tree runs on its own as in a slim runtime image."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import SAMPLES, TOOLS_BIN, copy_sample, cpython, run
from helpers import write


@dataclass
class Index:
    """A running index: its upload URL, its simple API and the server's request log."""

    url: str
    simple: str
    log: Path

    def requests(self) -> str:
        return self.log.read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, wheelhouse: Path):
    """pypiserver serving a directory that holds the wheelhouse (rustbackend, Cython), open
    for uploads without authentication, with no fallback to PyPI. Stopped by its PID."""
    base = tmp_path_factory.mktemp("index")
    packages = base / "packages"
    packages.mkdir()
    for wheel in wheelhouse.glob("*.whl"):
        shutil.copy(wheel, packages)
    port = free_port()
    log = base / "server.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [TOOLS_BIN / "pypi-server", "run", "-v", "-i", "127.0.0.1", "-p", str(port), "-a", ".", "-P", ".",
             "--disable-fallback", str(packages)],
            stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"pypiserver did not start:\n{log.read_text(errors='replace')}")
                time.sleep(0.2)
        yield Index(url=f"{url}/", simple=f"{url}/simple/", log=log)
    finally:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(server.pid, signal.SIGKILL)
            server.wait()


def with_index(env: dict, index: Index) -> dict:
    """`env` with the index in place of the local wheelhouse: pip and uv see only what the
    index serves."""
    env = {k: v for k, v in env.items() if k not in ("PIP_FIND_LINKS", "PIP_NO_INDEX", "UV_FIND_LINKS", "UV_NO_INDEX")}
    env.update(PIP_INDEX_URL=index.simple, UV_DEFAULT_INDEX=index.simple)
    return env


@pytest.fixture(scope="module")
def index_env(frontend_env, index) -> dict:
    return with_index(frontend_env, index)


@pytest.fixture(scope="module")
def uploaded(index, index_env, tmp_path_factory) -> dict:
    """greet 1.2.0 (sample-projects/src-basic, with a console script and an MIT license)
    built by rustbackend, fetched from the index by `python -m build`, and uploaded with
    twine. Returns {"wheel": path, "sdist": path}."""
    base = tmp_path_factory.mktemp("greet")
    project = copy_sample("src-basic", base)
    out = base / "dist"
    run([sys.executable, "-m", "build", "--outdir", out, project], env=index_env)
    artifacts = {"wheel": out / "greet-1.2.0-py3-none-any.whl", "sdist": out / "greet-1.2.0.tar.gz"}
    run([TOOLS_BIN / "twine", "upload", "--non-interactive", "--repository-url", index.url, "-u", "ci", "-p", "unused",
         artifacts["wheel"], artifacts["sdist"]], env=index_env)
    return artifacts


def simple_page(index, project: str) -> str:
    with urllib.request.urlopen(f"{index.simple}{project}/", timeout=10) as response:
        return response.read().decode()


def test_twine_uploads_our_wheel_and_sdist_to_the_index(index, uploaded):
    """Both files are on the index, with the sha256 of what we built; the build itself
    fetched rustbackend from the index."""
    page = simple_page(index, "greet")
    for artifact in uploaded.values():
        digest = hashlib.sha256(artifact.read_bytes()).hexdigest()
        assert f"{artifact.name}#sha256={digest}" in page
    assert re.search(r'"GET /packages/rustbackend-[^ ]+\.whl HTTP', index.requests())


def test_pip_installs_the_wheel_from_the_index(uploaded, index, make_venv, tmp_path):
    env = make_venv()
    env.env = with_index(env.env, index)
    env.pip("install", "--only-binary", "greet", "greet==1.2.0")
    assert env.run(env.bin / "greet", "index", cwd=tmp_path).stdout.strip() == "Hello, index!"


def test_pip_builds_the_sdist_from_the_index_with_rustbackend_from_the_index(index, uploaded, make_venv, tmp_path):
    """`--no-binary greet`: pip downloads the sdist and builds it in isolation, installing
    rustbackend from the same index; the wheel it builds is ours."""
    env = make_venv()
    env.env = with_index(env.env, index)
    result = env.pip("install", "-v", "--no-binary", "greet", "greet==1.2.0")
    assert "greet-1.2.0.tar.gz" in result.stdout and "rustbackend: built greet-1.2.0-py3-none-any.whl" in result.stdout + result.stderr
    generator = env.py("import importlib.metadata as m; print(m.distribution('greet').read_text('WHEEL'))").stdout
    assert "Generator: rustbackend" in generator
    assert env.run(env.bin / "greet", cwd=tmp_path).stdout.strip() == "Hello, world!"


def test_uv_pip_installs_from_the_index_wheel_and_sdist(uploaded, index, make_venv, tmp_path):
    """uv installs the wheel, and with `--no-binary greet` builds the sdist with rustbackend
    that it fetched from the index."""
    uv = Path(sys.executable).parent / "uv"
    for kind, extra in (("wheel", []), ("sdist", ["--no-binary", "greet"])):
        env = make_venv(f"venv-{kind}")
        env.env = with_index(env.env, index)
        env.run(uv, "pip", "install", "--python", env.python, *extra, "greet==1.2.0")
        record = env.py("import importlib.metadata as m; print(m.distribution('greet').read_text('WHEEL'))").stdout
        assert "Generator: rustbackend" in record
        assert env.run(env.bin / "greet", kind, cwd=tmp_path).stdout.strip() == f"Hello, {kind}!"


def test_pip_compile_resolves_a_project_through_our_metadata_hook(uploaded, index, index_env, tmp_path):
    """pip-compile prepares an application's metadata with rustbackend (fetched from the
    index into an isolated build) and pins its dependency from the index, with hashes."""
    app = write(tmp_path / "app", {
        "pyproject.toml": '[build-system]\nrequires = ["rustbackend"]\nbuild-backend = "rustbackend"\n\n'
                          '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = ["greet>=1.2"]\n',
        "src/app/__init__.py": "",
    })
    out = tmp_path / "requirements.txt"
    run([TOOLS_BIN / "pip-compile", "--quiet", "--generate-hashes", "--index-url", index.simple, "--output-file", out,
         app / "pyproject.toml"], env=index_env, cwd=app)
    text = out.read_text()
    assert re.search(r"^greet==1\.2\.0 \\$", text, re.M), text
    for artifact in uploaded.values():
        assert f"--hash=sha256:{hashlib.sha256(artifact.read_bytes()).hexdigest()}" in text
    assert re.search(r"# via app \(.*pyproject\.toml\)", text), text


def test_poetry_builds_and_installs_a_rustbackend_project_from_a_private_source(uploaded, index, frontend_env, tmp_path):
    """A Poetry project whose build backend is rustbackend, with the index as its
    `[[tool.poetry.source]]`: `poetry build` fetches rustbackend from it and builds both
    artifacts through our hooks; `poetry install` resolves the dependency from it and
    installs the project (with Poetry's own editable builder: it never calls a backend's
    build_editable, which the README says); `poetry run pip install -e .` installs it through
    our hook instead, for projects that need it (extension modules)."""
    poetry = os.environ.get("RUSTBACKEND_POETRY")
    assert poetry and Path(poetry).exists(), "run through scripts/test.sh, which sets RUSTBACKEND_POETRY"
    project = write(tmp_path / "hello-app", {
        "pyproject.toml": '[build-system]\nrequires = ["rustbackend"]\nbuild-backend = "rustbackend"\n\n'
                          '[project]\nname = "hello-app"\nversion = "0.3.0"\nrequires-python = ">=3.8"\n'
                          'dependencies = ["greet>=1.2"]\n\n'
                          '[project.scripts]\nhello-app = "hello_app:main"\n\n'
                          f'[[tool.poetry.source]]\nname = "internal"\nurl = "{index.simple}"\npriority = "primary"\n',
        "src/hello_app/__init__.py": "from greet import hello\n\n\ndef main():\n    print(hello('poetry'))\n",
    })
    env = {k: v for k, v in frontend_env.items() if not k.startswith(("PIP_", "UV_"))}
    env.update(
        POETRY_VIRTUALENVS_IN_PROJECT="true", POETRY_NO_INTERACTION="1",
        POETRY_CACHE_DIR=str(tmp_path / "poetry-cache"), POETRY_CONFIG_DIR=str(tmp_path / "poetry-config"),
        POETRY_DATA_DIR=str(tmp_path / "poetry-data"), PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    before = index.requests().count("GET /packages/rustbackend-")
    run([poetry, "build"], env=env, cwd=project)
    assert sorted(p.name for p in (project / "dist").iterdir()) == ["hello_app-0.3.0-py3-none-any.whl", "hello_app-0.3.0.tar.gz"]
    assert index.requests().count("GET /packages/rustbackend-") > before
    with zipfile.ZipFile(project / "dist" / "hello_app-0.3.0-py3-none-any.whl") as wheel:
        assert "Generator: rustbackend" in wheel.read("hello_app-0.3.0.dist-info/WHEEL").decode()

    run([poetry, "install"], env=env, cwd=project)
    assert run([poetry, "run", "hello-app"], env=env, cwd=project).stdout.strip() == "Hello, poetry!"
    show = "import importlib.metadata as m; print(m.distribution('hello-app').read_text('WHEEL')); print(m.version('greet'))"
    installed = run([poetry, "run", "python", "-c", show], env=env, cwd=project).stdout
    assert "Generator: poetry-core" in installed and "1.2.0" in installed

    run([poetry, "run", "python", "-m", "pip", "install", "--no-deps", "-e", "."], env=dict(env, PIP_INDEX_URL=index.simple), cwd=project)
    assert "Generator: rustbackend" in run([poetry, "run", "python", "-c", show], env=env, cwd=project).stdout
    (project / "src" / "hello_app" / "__init__.py").write_text("def main():\n    print('edited in place')\n")
    assert run([poetry, "run", "hello-app"], env=env, cwd=project).stdout.strip() == "edited in place"


def test_a_prefix_install_runs_on_its_own_like_a_slim_runtime_image(uploaded, frontend_env, tmp_path):
    """The builder stage of a multi-stage image: `pip install --prefix /install` of our wheel
    with the base interpreter; the runtime stage copies the tree elsewhere and runs the console
    script and the import with only that tree on the path."""
    python = cpython("3.11")
    staged = tmp_path / "install"
    run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--prefix", staged, uploaded["wheel"]],
        env=frontend_env)
    runtime = tmp_path / "runtime" / "usr-local"
    shutil.copytree(staged, runtime)
    shutil.rmtree(staged)
    site = runtime / "lib" / "python3.11" / "site-packages"
    env = {"PATH": f"{runtime / 'bin'}:/usr/bin:/bin", "PYTHONPATH": str(site)}
    assert run([runtime / "bin" / "greet", "runtime"], env=env, cwd=tmp_path).stdout.strip() == "Hello, runtime!"
    where = run([python, "-c", "import greet; print(greet.__file__)"], env=env, cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(site)


def test_pip_licenses_reads_our_license_metadata(uploaded, make_venv):
    """A license report (pip-licenses, from the metadata only) finds the SPDX expression
    and the license file that our wheel declares."""
    env = make_venv()
    env.pip("install", uploaded["wheel"])
    report = run([TOOLS_BIN / "pip-licenses", "--python", env.python, "--from=meta", "--with-license-file",
                  "--format=json", "--packages", "greet"], env=env.env).stdout
    import json

    (entry,) = json.loads(report)
    assert entry["Name"] == "greet" and entry["License"] == "MIT"
    assert entry["LicenseFile"].endswith("greet-1.2.0.dist-info/licenses/LICENSE")
    assert (SAMPLES / "src-basic" / "LICENSE").read_text() == entry["LicenseText"]


# The variables by which a tool can find packages; each row test below starts from an
# environment without any of them and sets only those its README row names.
INDEX_VARIABLES = ("PIP_FIND_LINKS", "PIP_NO_INDEX", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "UV_FIND_LINKS",
                   "UV_NO_INDEX", "UV_DEFAULT_INDEX", "UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_INDEX")


def row_env(frontend_env: dict, tmp_path: Path, **variables: str) -> dict:
    env = {k: v for k, v in frontend_env.items() if k not in INDEX_VARIABLES}
    env.update(HATCH_DATA_DIR=str(tmp_path / "hatch-data"), HATCH_CACHE_DIR=str(tmp_path / "hatch-cache"))
    env.update(variables)
    return env


@pytest.mark.parametrize("tool", ["pip", "build", "pip-compile", "uv", "hatch", "pip-find-links"])
def test_each_readme_row_finds_rustbackend_with_only_its_variables(tool, index, frontend_env, wheelhouse, tmp_path):
    """README, "where each tool finds build requirements": pip, build and pip-compile with
    PIP_INDEX_URL alone (or PIP_FIND_LINKS with PIP_NO_INDEX); uv and hatch (which installs
    build requirements with uv) with UV_DEFAULT_INDEX alone."""
    project = copy_sample("single-module", tmp_path)
    out = tmp_path / "out"
    tools = Path(sys.executable).parent
    pip_index = {"PIP_INDEX_URL": index.simple}
    commands = {
        "pip": ([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", out, project], pip_index),
        "pip-find-links": ([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", out, project],
                           {"PIP_FIND_LINKS": str(wheelhouse), "PIP_NO_INDEX": "1"}),
        "build": ([sys.executable, "-m", "build", "--wheel", "--outdir", out, project], pip_index),
        "pip-compile": ([TOOLS_BIN / "pip-compile", "--quiet", "--output-file", out / "requirements.txt",
                         project / "pyproject.toml"], pip_index),
        "uv": ([tools / "uv", "build", "--wheel", "--python", sys.executable, "--out-dir", out, project],
               {"UV_DEFAULT_INDEX": index.simple}),
        "hatch": ([tools / "hatch", "build", "-t", "wheel", out], {"UV_DEFAULT_INDEX": index.simple}),
    }
    cmd, variables = commands[tool]
    out.mkdir()
    result = run(cmd, env=row_env(frontend_env, tmp_path, **variables), cwd=project, check=False)
    assert result.returncode == 0, f"{tool} with only {variables}:\n{result.stdout}\n{result.stderr}"
    made = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert made == (["requirements.txt"] if tool == "pip-compile" else ["tinymod-2024.1-py3-none-any.whl"]), made
