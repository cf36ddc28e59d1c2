"""Real frontends drive rustbackend: pip install / wheel / install -e, python -m build and
uv build, each in a fresh virtualenv with rustbackend served from the local wheelhouse."""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import SAMPLE_NAMES, run
from helpers import write

# The console or GUI script each sample installs, its arguments and its expected output.
SCRIPTS = {
    "src-basic": ("greet", ["pip"], "Hello, pip!"),
    "flat-package": ("geometry-gui", [], "geometry gui"),
    "single-module": ("tinymod", [], "tinymod 42"),
    "data-dirs": ("datakit-tool", [], "datakit-tool ran"),
}

WHEEL_NAMES = {'data-dirs': 'datakit-0.2.0-py3-none-any.whl',
 'flat-package': 'geometry_tools-0.3.0rc1-py3-none-any.whl',
 'multi-module': 'multi_module-0.1.0-py3-none-any.whl',
 'namespace-gadgets': 'acme_gadgets-2.0.0-py3-none-any.whl',
 'namespace-widgets': 'acme_widgets-1.0.0-py3-none-any.whl',
 'single-module': 'tinymod-2024.1-py3-none-any.whl',
 'src-basic': 'greet-1.2.0-py3-none-any.whl',
 'src-single-module': 'solo-0.5-py3-none-any.whl',
 'stubs-only': 'foo_stubs-1.0.0-py3-none-any.whl',
 'unicode-metadata': 'cafe_tools-1.0.post2-py3-none-any.whl'}


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_pip_install_imports_and_runs_scripts(name, sample, make_venv, tmp_path):
    project = sample(name)
    env = make_venv()
    env.pip("install", project)
    # Run from elsewhere so the import cannot come from the source tree.
    out = env.run(env.python, project / "check_install.py", cwd=tmp_path)
    assert out.stdout.strip().endswith("ok")
    if name in SCRIPTS:
        script, args, expected = SCRIPTS[name]
        assert env.run(env.bin / script, *args, cwd=tmp_path).stdout.strip() == expected
    shown = env.pip("show", "--files", _dist_name(project)).stdout
    assert "Location:" in shown


def _dist_name(project: Path) -> str:
    import tomllib

    return tomllib.loads((project / "pyproject.toml").read_text("utf-8"))["project"]["name"]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_pip_wheel_writes_one_correctly_named_wheel(name, sample, make_venv, tmp_path):
    project = sample(name)
    env = make_venv()
    out = tmp_path / "wheels"
    env.pip("wheel", "--no-deps", project, "-w", out)
    assert sorted(p.name for p in out.iterdir()) == [WHEEL_NAMES[name]]
    with zipfile.ZipFile(out / WHEEL_NAMES[name]) as zf:
        assert zf.testzip() is None


def test_pip_install_editable_sees_edits(sample, make_venv, tmp_path):
    project = sample("src-basic")
    env = make_venv()
    site = env.site_packages()
    before = _listing(site)
    env.pip("install", "-e", project)
    assert "_greet.pth" in _listing(site)
    where = env.py("import greet; print(greet.__file__)", check=True).stdout.strip()
    assert Path(where).resolve() == (project / "src" / "greet" / "__init__.py").resolve()
    init = project / "src" / "greet" / "__init__.py"
    init.write_text(init.read_text().replace("Hello, ", "Howdy, "))
    assert env.run(env.bin / "greet", "edit", cwd=tmp_path).stdout.strip() == "Howdy, edit!"
    env.pip("uninstall", "-y", "greet")
    # pip may remove site-packages itself when nothing else is left in it.
    assert _listing(site) == before


def _listing(directory: Path) -> set:
    return {str(p.relative_to(directory)) for p in directory.rglob("*")} if directory.exists() else set()


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_python_m_build_makes_sdist_and_wheel(name, built):
    b = built[name]
    assert b.wheel.name == WHEEL_NAMES[name]
    assert b.sdist.name == WHEEL_NAMES[name].replace("-py3-none-any.whl", ".tar.gz")


def test_uv_build(sample, frontend_env, tmp_path):
    project = sample("src-basic")
    out = tmp_path / "uv-dist"
    run(
        [Path(sys.executable).parent / "uv", "build", "--python", sys.executable, "--out-dir", out, project],
        env=frontend_env,
    )
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "greet-1.2.0-py3-none-any.whl",
        "greet-1.2.0.tar.gz",
    ]


def test_uv_pip_install(sample, make_venv, frontend_env, tmp_path):
    project = sample("single-module")
    env = make_venv()
    env.run(Path(sys.executable).parent / "uv", "pip", "install", "--python", env.python, project)
    assert env.run(env.bin / "tinymod", cwd=tmp_path).stdout.strip() == "tinymod 42"


def test_pip_downloads_and_installs_our_sdist(built, make_venv, tmp_path):
    """pip finds the sdist in an index directory, prepares its metadata through our hooks,
    downloads it, then builds and installs it from the sdist."""
    import shutil

    index = tmp_path / "index"
    index.mkdir()
    shutil.copy(built["src-basic"].sdist, index)
    env = make_venv()
    env.env["PIP_FIND_LINKS"] = f"{env.env['PIP_FIND_LINKS']} {index}"
    downloads = tmp_path / "downloads"
    env.pip("download", "--no-deps", "--no-binary", "greet", "greet==1.2.0", "-d", downloads)
    assert sorted(p.name for p in downloads.iterdir()) == ["greet-1.2.0.tar.gz"]
    env.pip("install", "--no-binary", "greet", "greet==1.2.0")
    assert env.run(env.bin / "greet", "sdist", cwd=tmp_path).stdout.strip() == "Hello, sdist!"


def test_hatch_build_drives_rustbackend(sample, frontend_env, tmp_path):
    project = sample("src-basic")
    out = tmp_path / "hatch-dist"
    env = dict(frontend_env, HATCH_DATA_DIR=str(tmp_path / "hatch-data"), HATCH_CACHE_DIR=str(tmp_path / "hatch-cache"))
    run([Path(sys.executable).parent / "hatch", "build", out], env=env, cwd=project)
    assert sorted(p.name for p in out.iterdir()) == ["greet-1.2.0-py3-none-any.whl", "greet-1.2.0.tar.gz"]


def test_pdm_build_drives_rustbackend_in_isolation(sample, frontend_env, wheelhouse, tmp_path):
    # pdm lives in its own venv (scripts/bootstrap.sh: its pins clash with the main tool set).
    pdm = os.environ.get("RUSTBACKEND_PDM")
    assert pdm and Path(pdm).exists(), "run through scripts/test.sh, which sets RUSTBACKEND_PDM"
    project = sample("src-basic")
    pyproject = project / "pyproject.toml"
    # pdm resolves build requirements itself: its "pypi" source becomes the local wheelhouse.
    pyproject.write_text(
        pyproject.read_text()
        + f'\n[[tool.pdm.source]]\nname = "pypi"\nurl = "{wheelhouse.as_uri()}"\ntype = "find_links"\n'
    )
    # Only its source finds rustbackend: none of pip's or uv's variables are set.
    env = dict(
        {k: v for k, v in frontend_env.items() if not k.startswith(("PIP_", "UV_"))},
        PDM_CHECK_UPDATE="false",
        PDM_PYTHON=sys.executable,
        PDM_HOME=str(tmp_path / "pdm-home"),
        PDM_CACHE_DIR=str(tmp_path / "pdm-cache"),
        PDM_CONFIG_FILE=str(tmp_path / "pdm-config.toml"),
    )
    out = tmp_path / "pdm-dist"
    result = run([pdm, "build", "-v", "-d", out], env=env, cwd=project)
    # pdm builds the sdist, then the wheel from that sdist, each in an isolated environment
    # with rustbackend installed from the wheelhouse; our hook log shows in its verbose output.
    assert "rustbackend: built greet-1.2.0.tar.gz" in result.stdout + result.stderr
    assert "rustbackend: built greet-1.2.0-py3-none-any.whl" in result.stdout + result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["greet-1.2.0-py3-none-any.whl", "greet-1.2.0.tar.gz"]
    with zipfile.ZipFile(out / "greet-1.2.0-py3-none-any.whl") as wheel:
        assert "greet/__init__.py" in wheel.namelist()


def test_pip_compile_reads_dependencies_through_our_metadata_hook(sample, frontend_env, tmp_path):
    # A dependency wheel, built with rustbackend, in a local wheelhouse.
    deps = tmp_path / "deps"
    run([sys.executable, "-m", "build", "--wheel", "--outdir", deps, sample("single-module")], env=frontend_env)
    project = sample("src-basic")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("dependencies = []", 'dependencies = ["tinymod>=2024"]'))
    env = dict(frontend_env, PIP_FIND_LINKS=f"{frontend_env['PIP_FIND_LINKS']} {deps}")
    out = tmp_path / "requirements.txt"
    run([Path(sys.executable).parent / "pip-compile", "--quiet", "--no-index", "--find-links", deps,
         "--find-links", frontend_env["PIP_FIND_LINKS"], "-o", out, "pyproject.toml"], env=env, cwd=project)
    text = out.read_text()
    assert "tinymod==2024.1" in text
    assert "via greet (pyproject.toml)" in text


BROKEN_PYPROJECT = """\
[build-system]
requires = ["rustbackend"]
build-backend = "rustbackend"

[project]
name = "broken"
version = "1.0"

[project.scripts]
broken = "broken.cli:main"
"""

# The report, as every frontend must show it: our lines, whole, and no Python traceback.
# (The problem is one frontends do not check themselves: uv validates [project] first.)
BROKEN_REPORT = [
    "error: pyproject.toml:10:10: `project.scripts.broken` names the module `broken.cli`, which the wheel would not hold; `broken` is this project's own, so no dependency can provide it",
    '10 | broken = "broken.cli:main"',
    "= help: correct the reference, or create `src/broken/cli.py`",
]


def _broken_project(tmp_path: Path) -> Path:
    return write(tmp_path / "broken", {"pyproject.toml": BROKEN_PYPROJECT, "src/broken/__init__.py": ""})


def _frontend_commands(project: Path, out: Path) -> dict:
    tools = Path(sys.executable).parent
    return {
        "pip": [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", out, project],
        "build": [sys.executable, "-m", "build", "--outdir", out, project],
        "uv": [tools / "uv", "build", "--python", sys.executable, "--out-dir", out, project],
        "hatch": [tools / "hatch", "build", out],
    }


@pytest.mark.parametrize("frontend", ["pip", "build", "uv", "hatch"])
def test_a_build_error_reaches_each_frontend_as_our_report_alone(frontend, frontend_env, tmp_path):
    """The hook ends its process with our report and exit status 1 (BuildError is also a
    SystemExit), so pip, build, uv and hatch print the report and no traceback."""
    project = _broken_project(tmp_path)
    out = tmp_path / "out"
    env = dict(frontend_env, HATCH_DATA_DIR=str(tmp_path / "hatch-data"), HATCH_CACHE_DIR=str(tmp_path / "hatch-cache"))
    result = run(_frontend_commands(project, out)[frontend], env=env, cwd=project, check=False)
    text = result.stdout + result.stderr
    assert result.returncode != 0, text
    assert "Traceback" not in text and "rustbackend/__init__.py" not in text, text
    lines = [line.strip() for line in text.splitlines()]
    for expected in BROKEN_REPORT:
        assert expected.strip() in lines, f"{frontend}: {expected!r} not in:\n{text}"
    # Nothing built is left (uv writes a .gitignore into its output directory first).
    assert not out.exists() or not [p for p in out.iterdir() if not p.name.startswith(".")], list(out.iterdir())


def test_in_process_callers_still_catch_build_error(backend_venv, tmp_path):
    """For code that calls a hook itself, the error is an Exception (rustbackend.BuildError)
    with the report as its text."""
    project = _broken_project(tmp_path)
    code = (
        "import rustbackend\n"
        "try:\n"
        "    rustbackend.build_wheel('../out')\n"
        "except Exception as e:\n"
        "    assert isinstance(e, rustbackend.BuildError) and isinstance(e, SystemExit)\n"
        "    print('caught:', e)\n"
    )
    result = run([backend_venv.python, "-c", code], env=backend_venv.env, cwd=project)
    assert result.stdout.startswith("caught: " + BROKEN_REPORT[0]), result.stdout


def test_pip_refuses_a_script_into_a_module_the_wheel_lacks(frontend_env, make_venv, tmp_path):
    """A console script naming a module of the project's own package that does not exist
    fails the install with the line it is on, instead of installing a command that crashes;
    `rustbackend check` on the project says the same."""
    project = write(tmp_path / "myapp", {
        "pyproject.toml": '[build-system]\nrequires = ["rustbackend"]\nbuild-backend = "rustbackend"\n\n'
                          '[project]\nname = "myapp"\nversion = "1.0"\n\n[project.scripts]\nmyapp = "myapp.cli:main"\n',
        "src/myapp/__init__.py": "",
    })
    env = make_venv()
    result = env.pip("install", project, check=False)
    assert result.returncode != 0
    text = result.stdout + result.stderr
    assert "Traceback" not in text, text
    assert ("error: pyproject.toml:10:9: `project.scripts.myapp` names the module `myapp.cli`, which the wheel "
            "would not hold; `myapp` is this project's own, so no dependency can provide it") in text, text
    assert "create `src/myapp/cli.py`" in text
    assert env.run(env.bin / "python", "-c", "import myapp", check=False).returncode != 0


def _fenced(text: str, after: str, language: str) -> str:
    """The first ```language block after the line `after` in a Markdown text."""
    rest = text[text.index(after):]
    start = rest.index(f"```{language}\n") + len(language) + 4
    return rest[start:rest.index("```", start)]


def test_the_package_description_alone_gets_an_author_to_installed_wheels(frontend_env, make_venv, wheelhouse, tmp_path):
    """docs/authors.md (rustbackend's description on PyPI), followed as written: the Quick
    start's pyproject.toml and files, then each command of "From a wheelhouse" (pip, build,
    uv, hatch) with only the wheelhouse named as it says. The one change: no `dependencies`,
    so nothing but rustbackend has to be found."""
    from conftest import ROOT

    guide = (ROOT / "docs" / "authors.md").read_text("utf-8")
    pyproject = _fenced(guide, "## Quick start for authors", "toml")
    assert 'dependencies = ["requests>=2.31"]\n' in pyproject
    project = write(tmp_path / "my-project", {
        "pyproject.toml": pyproject.replace('dependencies = ["requests>=2.31"]\n', ""),
        "src/my_project/__init__.py": "",
        "src/my_project/cli.py": "def main():\n    print('my-tool works')\n",
        "README.md": "# my-project\n",
        "LICENSE": "MIT License\n",
    })
    commands = [line.split("#")[0].strip() for line in _fenced(guide, "**From a wheelhouse**", "sh").splitlines()]
    commands = [c.replace("/path/to/wheelhouse", str(wheelhouse)) for c in commands if c]
    programs = [next(w for w in c.split() if "=" not in w) for c in commands]
    assert programs == ["pip", "python", "uv", "hatch"], commands
    venv = make_venv()
    tools = Path(sys.executable).parent
    env = {k: v for k, v in frontend_env.items() if not k.startswith(("PIP_", "UV_"))}
    env.update(HATCH_DATA_DIR=str(tmp_path / "hatch-data"), HATCH_CACHE_DIR=str(tmp_path / "hatch-cache"),
               UV_CACHE_DIR=frontend_env["UV_CACHE_DIR"])
    for command in commands:
        words = command.split()
        variables = dict(w.split("=", 1) for w in words if "=" in w and w.split("=")[0].isupper())
        words = [w for w in words if w.split("=")[0] not in variables]
        program = {"pip": [sys.executable, "-m", "pip", "--python", venv.python],
                   "python": [sys.executable], "uv": [tools / "uv"], "hatch": [tools / "hatch"]}[words[0]]
        if words[:2] == ["uv", "build"]:
            program += ["build", "--python", sys.executable]
            words = words[1:]
        run(program + words[1:], env=dict(env, **variables), cwd=project)
    # pip installed it: the script runs; build, uv and hatch wrote the same wheel.
    assert venv.run(venv.bin / "my-tool").stdout.strip() == "my-tool works"
    wheels = sorted(project.glob("dist/*.whl"))
    assert [w.name for w in wheels] == ["my_project-1.0.0-py3-none-any.whl"], wheels
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = wheel.namelist()
    assert "my_project/cli.py" in names and "my_project-1.0.0.dist-info/licenses/LICENSE" in names
