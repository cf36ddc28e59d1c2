"""`rustbackend migrate`: small projects of each backend, translated, written, verified
against the old backend (pinned in tests/python/requirements-old-backends.txt, from the
local directory scripts/bootstrap.sh fills), and every refusal at its line."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from conftest import run
from helpers import git, write


def migrate(migrate_env, project: Path, *args: str) -> subprocess.CompletedProcess:
    venv, env = migrate_env
    return subprocess.run([venv.bin / "rustbackend", "migrate", project, *args], env=env,
                          capture_output=True, text=True)


def tree(root: Path) -> dict:
    """Every file below root (but .git) with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts}


SETUP_PY = '''\
import os
from setuptools import setup, find_packages, Extension

here = os.path.abspath(os.path.dirname(__file__))
with open(os.path.join(here, "README.md")) as f:
    long_description = f.read()

VERSION = "1.4.0"

setup(
    name="acme-tools",
    version=VERSION,
    description="Tools from Acme",
    long_description=long_description,
    long_description_content_type="text/markdown",
    author="Wile E. Coyote",
    author_email="wile@acme.example",
    url="https://acme.example/tools",
    project_urls={"Source": "https://git.acme.example/tools"},
    license="MIT",
    classifiers=["Programming Language :: Python :: 3"],
    python_requires=">=3.8",
    packages=find_packages(where="src", exclude=["*.tests", "*.tests.*"]),
    package_dir={"": "src"},
    package_data={"acme_tools": ["templates/*.txt"]},
    install_requires=["requests>=2", 'tomli; python_version < "3.11"'],
    extras_require={"cli": ["click>=8"]},
    entry_points={"console_scripts": ["acme = acme_tools.cli:main"],
                  "acme.plugins": ["basic = acme_tools.plugins:basic"]},
    scripts=["bin/acme-report"],
    zip_safe=False,
)
'''

SETUP_FILES = {
    "setup.py": SETUP_PY,
    "README.md": "# Acme tools\n\nTools.\n",
    "LICENSE": "MIT License\n",
    "src/acme_tools/__init__.py": "",
    "src/acme_tools/cli.py": "def main():\n    print('acme')\n",
    "src/acme_tools/plugins.py": "def basic():\n    pass\n",
    "src/acme_tools/templates/report.txt": "report\n",
    "src/acme_tools/templates/notes.md": "setuptools leaves this out: not package data\n",
    "src/acme_tools/tests/__init__.py": "",
    "bin/acme-report": "#!/usr/bin/env python\nprint('report')\n",
}


def test_setup_py_is_read_without_running_it_and_carried_whole(migrate_env, tmp_path):
    marker = tmp_path / "setup.py-ran"
    project = write(tmp_path / "acme", dict(SETUP_FILES, **{"setup.py": f"open({str(marker)!r}, 'w')\n" + SETUP_PY}))
    result = migrate(migrate_env, project)
    assert result.returncode == 0, result.stderr
    assert "not carried" not in result.stderr
    assert result.stdout.startswith("--- pyproject.toml (before)\n+++ pyproject.toml (after)\n")
    assert not (project / "pyproject.toml").exists()  # no --write
    migrated = tomllib.loads("".join(line[1:] + "\n" for line in result.stdout.splitlines()[3:] if line.startswith("+")))
    meta = migrated["project"]
    assert migrated["build-system"] == {"requires": ["rustbackend>=0.1.0"], "build-backend": "rustbackend"}
    assert meta["name"] == "acme-tools" and meta["version"] == "1.4.0"
    assert meta["readme"] == "README.md"
    assert meta["authors"] == [{"name": "Wile E. Coyote", "email": "wile@acme.example"}]
    assert meta["urls"] == {"Homepage": "https://acme.example/tools", "Source": "https://git.acme.example/tools"}
    assert meta["dependencies"] == ["requests>=2", 'tomli; python_version < "3.11"']
    assert meta["optional-dependencies"] == {"cli": ["click>=8"]}
    assert meta["scripts"] == {"acme": "acme_tools.cli:main"}
    assert meta["entry-points"] == {"acme.plugins": {"basic": "acme_tools.plugins:basic"}}
    settings = migrated["tool"]["rustbackend"]
    # The tests package find_packages() excluded and the file package_data does not name
    # stay out of the wheel; bin/acme-report is a script.
    assert settings["wheel"]["exclude"] == ["src/acme_tools/tests/**", "src/acme_tools/templates/notes.md"]
    assert settings["wheel"]["data"] == {"scripts": ["bin/acme-report"]}
    assert not marker.exists()  # setup.py was read, never run


def test_write_then_verify_builds_what_setuptools_built(migrate_env, tmp_path):
    project = write(tmp_path / "acme", SETUP_FILES)
    before = tree(project)
    result = migrate(migrate_env, project, "--write", "--verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "verified: setuptools and rustbackend build the same wheel and sdist" in result.stdout
    after = tree(project)
    # Only pyproject.toml changed: setuptools ran in a copy (no egg-info, no build/).
    assert set(after) - set(before) == {"pyproject.toml"}
    assert all(after[name] == data for name, data in before.items())
    # The written file builds with rustbackend through a real frontend.
    venv, env = migrate_env
    out = tmp_path / "dist"
    run([sys.executable, "-m", "build", "--wheel", "--outdir", out, project], env=env)
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert "acme_tools/templates/report.txt" in names and "acme_tools/templates/notes.md" not in names
    assert "acme_tools-1.4.0.data/scripts/acme-report" in names


def test_a_version_computed_in_setup_py_comes_from_the_old_backend(migrate_env, tmp_path):
    project = write(tmp_path / "computed", {
        "setup.py": "import re\nfrom setuptools import setup\n"
                    "VERSION = re.search(r'(\\d+\\.\\d+)', open('src/computed/VERSION.txt').read()).group(1)\n"
                    "setup(name='computed', version=VERSION, packages=['computed'], package_dir={'': 'src'},\n"
                    "      package_data={'computed': ['VERSION.txt']})\n",
        "src/computed/__init__.py": "",
        "src/computed/VERSION.txt": "release 3.7\n",
    })
    result = migrate(migrate_env, project, "--write")
    assert result.returncode == 0, result.stderr
    assert "asking setuptools.build_meta:__legacy__ for version" in result.stderr
    assert "setup.py:4: `version` is written statically" in result.stderr
    assert tomllib.loads((project / "pyproject.toml").read_text())["project"]["version"] == "3.7"
    assert sorted(p.name for p in project.iterdir()) == ["pyproject.toml", "setup.py", "src"]
    # Without asking, the field is refused at its line.
    (project / "pyproject.toml").unlink()
    result = migrate(migrate_env, project, "--no-consult")
    assert result.returncode == 1
    assert "not carried: setup.py:4: `version`: computed by the old backend" in result.stderr


def test_what_cannot_be_carried_is_named_with_its_line(migrate_env, tmp_path):
    project = write(tmp_path / "custom", {
        "setup.py": "from setuptools import setup, Extension\nfrom mybuild import BuildExt, Update\n"
                    "kw = dict(zip_safe=False)\n"
                    "kw['name'] = 'custom'\n"
                    "setup(\n"
                    "    version='1.0',\n"
                    "    cmdclass={'build_ext': BuildExt, 'update': Update},\n"
                    "    platforms=['any'],\n"
                    "    **kw\n"
                    ")\n",
        "custom/__init__.py": "",
    })
    result = migrate(migrate_env, project, "--no-consult")
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("not carried")]
    assert lines == [
        "not carried: setup.py:7: `cmdclass.build_ext`: setup.py replaces the `build_ext` step with its own code; "
        "rustbackend runs none: carry what it does into [tool.rustbackend] by hand",
        "not carried: setup.py:8: `platforms`: core metadata's `Platform` has no [project] field (and no installer "
        "reads it); remove the argument",
        "not carried: setup.py:9: `**`: `**kw` is computed when setup.py runs; migrate reads setup.py without "
        "running it: write the value in pyproject.toml",
    ]
    assert "the custom command `update` is not part of a build" in result.stderr


POETRY = '''\
# Poetry 1.x metadata
[tool.poetry]
name = "beacon"
version = "0.4.2"
description = "Signals"
authors = ["Ada Lovelace <ada@example.org>"]
license = "MIT"
readme = "README.md"
homepage = "https://beacon.example"
packages = [{ include = "beacon", from = "src" }]

[tool.poetry.dependencies]
python = "^3.9"
attrs = "^23.1"
tomli = { version = "~2.0", python = "<3.11" }
rich = { version = ">=13", optional = true }

[tool.poetry.extras]
pretty = ["rich"]

[tool.poetry.scripts]
beacon = "beacon.cli:main"

[tool.poetry.group.dev.dependencies]
pytest = "^8"

[tool.black]  # unrelated, kept
line-length = 100

[build-system]
requires = ["poetry-core>=1.0.0"]
build-backend = "poetry.core.masonry.api"
'''


def test_poetry_metadata_constraints_and_groups(migrate_env, tmp_path):
    project = write(tmp_path / "beacon", {
        "pyproject.toml": POETRY, "README.md": "Beacon\n", "src/beacon/__init__.py": "",
        "src/beacon/cli.py": "def main():\n    pass\n", "tests/test_beacon.py": "",
    })
    result = migrate(migrate_env, project, "--write", "--verify")
    assert result.returncode == 0, result.stdout + result.stderr
    text = (project / "pyproject.toml").read_text()
    migrated = tomllib.loads(text)
    meta = migrated["project"]
    assert meta["requires-python"] == ">=3.9,<4.0"
    assert meta["dependencies"] == ["attrs (>=23.1,<24.0)", 'tomli (>=2.0,<2.1); python_version < "3.11"']
    assert meta["optional-dependencies"] == {"pretty": ["rich (>=13)"]}
    assert meta["scripts"] == {"beacon": "beacon.cli:main"}
    # Poetry's generated classifiers came from poetry-core's own metadata.
    assert "Programming Language :: Python :: 3.9" in meta["classifiers"]
    # The dependency group stays for Poetry the tool; the unrelated table and comments stay.
    assert migrated["tool"]["poetry"] == {"group": {"dev": {"dependencies": {"pytest": "^8"}}}}
    assert "[tool.black]  # unrelated, kept" in text and "# Poetry 1.x metadata" in text


HATCH = '''\
[build-system]
requires = ["hatchling", "hatch-vcs"]
build-backend = "hatchling.build"

[project]
name = "lantern"
dynamic = ["version"]
description = "Light"
requires-python = ">=3.9"

[tool.hatch.version]
source = "vcs"
raw-options = { local_scheme = "no-local-version" }

[tool.hatch.build.targets.wheel]
packages = ["src/lantern"]

[tool.hatch.build.targets.sdist]
include = ["/src", "/tests"]

# kept: hatch the tool reads it
[tool.hatch.envs.default]
dependencies = ["pytest"]
'''


def test_hatch_vcs_in_a_tagged_checkout(migrate_env, tmp_path):
    project = write(tmp_path / "lantern", {
        "pyproject.toml": HATCH, "src/lantern/__init__.py": "", "tests/test_lantern.py": "",
        "docs/index.md": "left out of hatch's sdist\n", "tox.ini": "",
    })
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "release")
    git(project, "tag", "v2.1.0")
    result = migrate(migrate_env, project, "--write", "--verify")
    assert result.returncode == 0, result.stdout + result.stderr
    migrated = tomllib.loads((project / "pyproject.toml").read_text())
    assert migrated["project"]["dynamic"] == ["version"]
    settings = migrated["tool"]["rustbackend"]
    assert settings["version-source"] == "git" and settings["git-local-version"] is False
    assert settings["sdist"]["exclude"] == ["docs", "tox.ini"]
    assert "build" not in migrated["tool"]["hatch"] and "version" not in migrated["tool"]["hatch"]
    assert migrated["tool"]["hatch"]["envs"] == {"default": {"dependencies": ["pytest"]}}


def test_flit_uv_build_and_pdm_tables(migrate_env, tmp_path):
    flit = write(tmp_path / "flitproj", {
        "pyproject.toml": '[build-system]\nrequires = ["flit_core>=3.4"]\nbuild-backend = "flit_core.buildapi"\n\n'
                          '[project]\nname = "flit-proj"\ndynamic = ["version", "description"]\n\n'
                          '[tool.flit.module]\nname = "flitmod"\n',
        "flitmod/__init__.py": '"""Does flit things."""\n__version__ = "0.3"\n',
    })
    result = migrate(migrate_env, flit, "--write", "--verify")
    assert result.returncode == 0, result.stdout + result.stderr
    migrated = tomllib.loads((flit / "pyproject.toml").read_text())
    assert migrated["project"]["description"] == "Does flit things."  # from flit's metadata
    assert migrated["project"]["dynamic"] == ["version"]
    assert migrated["tool"]["rustbackend"]["module-name"] == "flitmod"
    assert "flit" not in migrated["tool"]

    uv = write(tmp_path / "uvproj", {
        "pyproject.toml": '[build-system]\nrequires = ["uv_build>=0.13,<0.14"]\nbuild-backend = "uv_build"\n\n'
                          '[project]\nname = "uv-proj"\nversion = "1.0"\n\n'
                          '[tool.uv.build-backend]\nmodule-name = "uvmod"\nmodule-root = ""\n',
        "uvmod/__init__.py": "",
    })
    result = migrate(migrate_env, uv, "--write", "--verify")
    assert result.returncode == 0, result.stdout + result.stderr
    migrated = tomllib.loads((uv / "pyproject.toml").read_text())
    assert migrated["tool"]["rustbackend"] == {"module-name": "uvmod", "module-root": ""}

    pdm = write(tmp_path / "pdmproj", {
        "pyproject.toml": '[build-system]\nrequires = ["pdm-backend"]\nbuild-backend = "pdm.backend"\n\n'
                          '[project]\nname = "pdm-proj"\ndynamic = ["version"]\n\n'
                          '[tool.pdm.version]\nsource = "file"\npath = "src/pdm_proj/__init__.py"\n\n'
                          '[tool.pdm.dev-dependencies]\ntest = ["pytest"]\n',
        "src/pdm_proj/__init__.py": '__version__ = "5.0"\n',
    })
    result = migrate(migrate_env, pdm, "--write", "--verify")
    assert result.returncode == 0, result.stdout + result.stderr
    migrated = tomllib.loads((pdm / "pyproject.toml").read_text())
    assert migrated["tool"]["rustbackend"]["version-file"] == "src/pdm_proj/__init__.py"
    assert migrated["tool"]["pdm"] == {"dev-dependencies": {"test": ["pytest"]}}


def test_verify_reports_a_difference_and_fails(migrate_env, tmp_path):
    # A hand-written pyproject.toml that forgets the entry points and the description: --verify
    # names each difference (file-list differences it carries itself, as settings).
    project = write(tmp_path / "acme", SETUP_FILES)
    result = migrate(migrate_env, project)
    assert result.returncode == 0
    venv, env = migrate_env
    code = ("import json, sys; from rustbackend import _migrate; "
            "r = _migrate._verify(sys.argv[1], {'old_build_system': (['setuptools>=40.8.0', 'wheel'], "
            "'setuptools.build_meta:__legacy__', []), 'after': open(sys.argv[2]).read()}); print(json.dumps(r[0]))")
    broken = tmp_path / "broken.toml"
    broken.write_text('[build-system]\nrequires = ["rustbackend"]\nbuild-backend = "rustbackend"\n'
                      '[project]\nname = "acme-tools"\nversion = "1.4.0"\n')
    out = run([venv.python, "-c", code, project, broken], env=env).stdout
    assert "entry point [console_scripts] acme = acme_tools.cli:main only in the old wheel" in out
    assert "METADATA summary: 'Tools from Acme' (old) and None (rustbackend)" in out


def test_unknown_backend_and_already_migrated(migrate_env, tmp_path):
    other = write(tmp_path / "other", {"pyproject.toml": '[build-system]\nrequires = ["scikit-build-core"]\n'
                                                          'build-backend = "scikit_build_core.build"\n'})
    result = migrate(migrate_env, other)
    assert result.returncode == 1
    assert "names the build backend `scikit_build_core.build`, which migrate does not know" in result.stderr
    done = write(tmp_path / "done", {"pyproject.toml": '[build-system]\nrequires = ["rustbackend"]\n'
                                                         'build-backend = "rustbackend"\n[project]\nname = "done"\nversion = "1"\n'})
    result = migrate(migrate_env, done)
    assert result.returncode == 0 and "already builds with rustbackend" in result.stderr


def test_verify_carries_generated_files_the_old_wheel_shipped(migrate_env, tmp_path):
    # A generated, git-ignored data file that setuptools packs as package data: --verify
    # finds it only in the old wheel, sees that an ignore rule left it out of ours, and
    # carries it as `artifacts`; then both wheels agree.
    project = write(tmp_path / "gen", {
        "setup.py": "from setuptools import setup\n"
                    "setup(name='gen', version='1.0', packages=['gen'], package_data={'gen': ['*.json']})\n",
        "gen/__init__.py": "",
        "gen/table.json": "{}\n",
        ".gitignore": "gen/table.json\n",
    })
    result = migrate(migrate_env, project, "--write", "--verify")
    assert result.returncode == 0, result.stdout + result.stderr
    settings = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["rustbackend"]
    assert settings["artifacts"] == ["gen/table.json"]
