"""The command line (`rustbackend` and `python -m rustbackend`), in a fresh venv."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import zipfile

import pytest

from conftest import run
from helpers import git, write


@pytest.fixture(scope="module")
def cli(backend_venv):
    return backend_venv


def rb(venv, *args, cwd=None, check=True):
    return venv.run(venv.bin / "rustbackend", *args, cwd=cwd, check=check)


def test_version_agrees_everywhere(cli, sample, tmp_path):
    version = rb(cli, "--version").stdout.strip()
    module = cli.run(cli.python, "-m", "rustbackend", "--version").stdout.strip()
    installed = cli.py("import importlib.metadata as m; print(m.version('rustbackend'))").stdout.strip()
    native = cli.py("from rustbackend import _native; print(_native.__version__)").stdout.strip()
    assert version == module == f"rustbackend {installed}" == f"rustbackend {native}"
    project = sample("single-module")
    rb(cli, "build", project, "--wheel", "-o", tmp_path / "out")
    with zipfile.ZipFile(tmp_path / "out" / "tinymod-2024.1-py3-none-any.whl") as zf:
        assert f"Generator: rustbackend {installed}\n" in zf.read("tinymod-2024.1.dist-info/WHEEL").decode()


def test_help_lists_the_commands(cli):
    text = rb(cli, "--help").stdout
    for command in ("build", "ls", "check"):
        assert command in text


def test_build_prints_each_artifact_with_size_and_count(cli, sample, tmp_path):
    project = sample("src-basic")
    out = rb(cli, "build", project, "-o", tmp_path / "dist").stdout
    lines = out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("built ") and "greet-1.2.0.tar.gz" in lines[0] and "8 files)" in lines[0]
    assert "greet-1.2.0-py3-none-any.whl" in lines[1] and "8 files)" in lines[1]
    assert "\x1b[" not in out  # no colour when not on a terminal
    assert rb(cli, "-q", "build", project, "--wheel", "-o", tmp_path / "q").stdout == ""


def test_ls_matches_what_the_build_packs(cli, sample, tmp_path):
    project = sample("data-dirs")
    listing = rb(cli, "ls", project).stdout.splitlines()
    rb(cli, "build", project, "--wheel", "-o", tmp_path / "dist")
    with zipfile.ZipFile(tmp_path / "dist" / "datakit-0.2.0-py3-none-any.whl") as zf:
        assert [line.split("  <- ")[0].rstrip() for line in listing] == zf.namelist()
    assert any(line.endswith("<- src/datakit/templates/page.html") for line in listing)
    assert any("datakit-0.2.0.data/scripts/datakit-tool" in line and line.endswith("<- bin/datakit-tool") for line in listing)
    sdist = rb(cli, "ls", project, "--sdist").stdout
    assert "datakit-0.2.0/.env.example" in sdist and "datakit-0.2.0/.env " not in sdist
    editable = rb(cli, "ls", project, "--editable").stdout
    assert any(line.startswith("_datakit.pth ") and line.endswith("<- <generated>") for line in editable.splitlines())


def test_check_validates_projects_and_artifacts(cli, sample, tmp_path):
    project = sample("flat-package")
    assert rb(cli, "check", project).stdout.startswith("OK ")
    rb(cli, "build", project, "-o", tmp_path / "dist")
    artifacts = sorted(str(p) for p in (tmp_path / "dist").iterdir())
    result = rb(cli, "check", *artifacts)
    assert result.stdout.strip().endswith("2 passed, 0 failed")

    # A tampered wheel: a file changed after RECORD was written.
    wheel = next(p for p in (tmp_path / "dist").iterdir() if p.suffix == ".whl")
    tampered = tmp_path / "geometry_tools-0.3.0rc1-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info, data + b"# changed\n" if info.filename == "geometry/shapes.py" else data)
    bad = rb(cli, "check", tampered, check=False)
    assert bad.returncode == 1
    assert "RECORD: the hash of `geometry/shapes.py` does not match" in bad.stdout

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "one"\nlicence = "MIT"\n')
    result = rb(cli, "check", broken, check=False)
    assert result.returncode == 1
    assert "FAILED" in result.stdout and "2 problems in pyproject.toml" in result.stdout


def test_build_errors_exit_nonzero_without_a_traceback(cli, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "pyproject.toml").write_text('[project]\nname = "x"\n')
    result = rb(cli, "build", broken, check=False)
    assert result.returncode == 1
    assert "`project.version` is missing" in result.stderr
    assert "Traceback" not in result.stderr


def on_terminal(cmd, env, cwd) -> str:
    """Runs a command with stdout and stderr on a pseudo-terminal; returns all it printed."""
    main, sub = pty.openpty()
    proc = subprocess.Popen([str(c) for c in cmd], stdin=subprocess.DEVNULL, stdout=sub, stderr=sub,
                            env=env, cwd=cwd)
    os.close(sub)
    chunks = []
    while True:
        try:
            data = os.read(main, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    assert proc.wait(timeout=60) == 0, b"".join(chunks).decode(errors="replace")
    return b"".join(chunks).decode()


def test_terminal_gets_colour_and_a_spinner_for_slow_builds(cli, tmp_path):
    # A build made slow for real: the version comes from git, and this `git` waits 1.5 s
    # before `describe`. The spinner must turn while the native build runs.
    real_git = shutil.which("git")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").write_text(f'#!/bin/sh\n[ "$3" = describe ] && sleep 1.5\nexec {real_git} "$@"\n')
    (bin_dir / "git").chmod(0o755)
    project = tmp_path / "slow"
    (project / "slow").mkdir(parents=True)
    (project / "slow" / "__init__.py").write_text("")
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["rustbackend"]\nbuild-backend = "rustbackend"\n\n'
        '[project]\nname = "slow"\ndynamic = ["version"]\n\n[tool.rustbackend]\nversion-source = "git"\n'
    )
    git_env = dict(cli.env, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", "one"], ["tag", "2.0"]):
        subprocess.run([real_git, "-C", project, *args], check=True, env=git_env)
    env = dict(cli.env, PATH=f"{bin_dir}:{cli.env['PATH']}")
    env.pop("NO_COLOR", None)
    text = on_terminal([cli.bin / "rustbackend", "build", project, "--wheel", "-o", tmp_path / "out"], env, project)
    assert "\r| building the wheel" in text and "\r/ building the wheel" in text
    assert "\x1b[32mbuilt\x1b[0m" in text and "slow-2.0-py3-none-any.whl" in text
    # NO_COLOR turns colour off; a fast build shows no spinner.
    quick = on_terminal([cli.bin / "rustbackend", "build", project, "--sdist", "-o", tmp_path / "out2"],
                        dict(env, NO_COLOR="1", PATH=cli.env["PATH"]), project)
    assert "\x1b[" not in quick and "building the" not in quick and "slow-2.0.tar.gz" in quick


def test_quiet_and_verbose_work_after_the_command_too(cli, sample):
    project = sample("flat-package")
    for args in (["-v", "check", project], ["check", "-v", project], ["check", project, "-v"]):
        assert rb(cli, *args).stdout.startswith("OK "), args
    assert rb(cli, "-q", "check", project).stdout == rb(cli, "check", "-q", project).stdout
    assert rb(cli, "-q", "check", project).stdout != rb(cli, "check", project).stdout


def test_ls_left_out_says_when_nothing_is_left_out(cli, sample):
    project = sample("flat-package")
    for junk in (project).rglob("__pycache__"):
        shutil.rmtree(junk)
    result = rb(cli, "ls", project, "--left-out")
    assert result.stdout == ""
    assert "nothing is left out of the wheel" in result.stderr


def test_sdist_names_untracked_files_and_leaves_out_other_tools_outputs(cli, tmp_path):
    """In a git checkout, files the sdist packs that git does not track are named in one
    warning and marked by `ls --sdist`; other tools' build output (wheels and sdists in
    dist-hatch/, .pdm-python with its absolute path, .pdm-build/) is never packed."""
    project = write(tmp_path / "proj", {
        "pyproject.toml": '[build-system]\nrequires = ["rustbackend"]\nbuild-backend = "rustbackend"\n\n'
                          '[project]\nname = "proj"\nversion = "1.0"\n',
        "src/proj/__init__.py": "",
        ".gitignore": "*.log\n",
    })
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "one")
    write(project, {
        "notes.txt": "draft\n",
        "src/proj/new.py": "x = 1\n",
        "debug.log": "ignored\n",
        "dist-hatch/proj-1.0-py3-none-any.whl": "not really a wheel",
        "dist-hatch/proj-1.0.tar.gz": "not really an sdist",
        ".pdm-python": "/home/someone/.venv/bin/python\n",
        ".pdm-build/proj.pth": "/home/someone/proj/src\n",
        "tests/data/fixtures.tar.gz": "test data, packed",
    })
    git(project, "add", "tests")
    listing = rb(cli, "ls", project, "--sdist")
    assert "rustbackend: warning: the sdist packs 2 files that git does not track: `notes.txt`, `src/proj/new.py`; " in listing.stderr
    lines = listing.stdout.splitlines()
    assert any(line.startswith("proj-1.0/notes.txt ") and line.endswith("<- notes.txt (not tracked by git)") for line in lines)
    assert any(line.endswith("<- tests/data/fixtures.tar.gz") for line in lines), listing.stdout
    for junk in ("dist-hatch", ".pdm-python", ".pdm-build", "debug.log"):
        assert junk not in listing.stdout, junk
    left_out = rb(cli, "ls", project, "--sdist", "--left-out").stdout
    assert "dist-hatch/proj-1.0-py3-none-any.whl" in left_out and "(a default exclude)" in left_out
    # The warning reaches a frontend's verbose output too; once tracked, it is gone.
    build = rb(cli, "build", project, "--sdist", "-o", tmp_path / "out")
    assert "git does not track" in build.stderr
    git(project, "add", ".")
    assert "git does not track" not in rb(cli, "ls", project, "--sdist").stderr
