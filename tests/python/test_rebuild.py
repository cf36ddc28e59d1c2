"""Editable installs whose extension modules rebuild on import: after an isolated
`pip install -e .` (or uv's), editing a `.c` source, a header or a `.pyx` and importing
gives the new code with no reinstall; a broken edit raises ImportError with the compiler's
messages and keeps the last good module; processes importing at once rebuild once;
`-C editable-rebuild=false` turns it off; the `.start` file (PEP 829) names the hooks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_sample, run

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="needs a C compiler on Linux")

SCALE = "import acme_fast; print(acme_fast.scale(21.0))"


def installed(make_venv, dest, sample="c-extension", *settings):
    dest.mkdir(parents=True, exist_ok=True)
    project = copy_sample(sample, dest)
    env = make_venv(f"venv-{dest.name}")
    args = [arg for setting in settings for arg in ("-C", setting)]
    env.pip("install", "-e", project, *args)
    return env, project


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, path
    path.write_text(text.replace(old, new))


def test_an_edited_source_is_rebuilt_on_import_once(make_venv, tmp_path):
    env, project = installed(make_venv, tmp_path / "p")
    first = env.py(SCALE)
    assert first.stdout.strip() == "42.0" and first.stderr == ""
    edit(project / "csrc" / "speedups.c", "x * ACME_FACTOR", "x * ACME_FACTOR * 10")
    rebuilt = env.py(SCALE)
    assert rebuilt.stdout.strip() == "420.0"
    assert rebuilt.stderr == "rustbackend: rebuilding acme_fast._speedups (csrc/speedups.c changed)\n"
    again = env.py(SCALE)
    assert again.stdout.strip() == "420.0" and again.stderr == ""
    # A file touched without change costs a hash, not a rebuild.
    (project / "csrc" / "speedups.c").touch()
    assert env.py(SCALE).stderr == ""
    # The stamps were brought up to date: reinstalling compiles nothing (the object keeps
    # its modification time).
    obj = next((project / "build" / "rustbackend").rglob("speedups.c.o"))
    before = obj.stat().st_mtime_ns
    env.pip("install", "-e", project)
    assert obj.stat().st_mtime_ns == before


def test_a_header_edit_rebuilds_and_output_can_be_silenced_or_verbose(make_venv, tmp_path):
    env, project = installed(make_venv, tmp_path / "p")
    env.env["RUSTBACKEND_REBUILD"] = "verbose"
    edit(project / "csrc" / "include" / "acme.h", "#endif\n#endif", "#endif\n#define ACME_EDITED 1\n#endif")
    verbose = env.py(SCALE)
    assert "rebuilding acme_fast._speedups (csrc/include/acme.h changed)" in verbose.stderr
    assert "rustbackend: $ " in verbose.stderr and " -c csrc/speedups.c " in verbose.stderr
    env.env["RUSTBACKEND_REBUILD"] = "quiet"
    edit(project / "csrc" / "include" / "acme.h", "#define ACME_EDITED 1", "#define ACME_EDITED 3")
    quiet = env.py(SCALE)
    assert quiet.stdout.strip() == "42.0" and quiet.stderr == ""


def test_a_broken_edit_raises_import_error_and_keeps_the_last_good_module(make_venv, tmp_path):
    env, project = installed(make_venv, tmp_path / "p")
    source = project / "csrc" / "speedups.c"
    edit(source, "x * ACME_FACTOR", "x * ACME_FACTOR +")
    broken = env.py(SCALE, check=False)
    assert broken.returncode != 0
    assert "ImportError: rustbackend could not rebuild acme_fast._speedups (compile failed" in broken.stderr
    assert "csrc/speedups.c:10:" in broken.stderr, broken.stderr  # the compiler's own file:line
    # The module next to the sources is still the last good one.
    env.env["RUSTBACKEND_REBUILD"] = "off"
    assert env.py(SCALE).stdout.strip() == "42.0"
    del env.env["RUSTBACKEND_REBUILD"]
    edit(source, "x * ACME_FACTOR +", "x * ACME_FACTOR * 3")
    assert env.py(SCALE).stdout.strip() == "126.0"


def test_processes_importing_at_once_rebuild_once(make_venv, tmp_path):
    env, project = installed(make_venv, tmp_path / "p")
    edit(project / "csrc" / "speedups.c", "x * ACME_FACTOR", "x * ACME_FACTOR * 5")
    procs = [subprocess.Popen([str(env.python), "-c", SCALE], env=env.env, cwd=env.workdir,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = [p.communicate() for p in procs]
    assert [out.strip() for out, _ in results] == ["210.0"] * 4, results
    assert sum(err.count("rebuilding acme_fast._speedups") for _, err in results) == 1, results


def test_cython_sources_rebuild_when_cython_is_there_and_say_how_to_get_it_when_not(make_venv, tmp_path):
    env, project = installed(make_venv, tmp_path / "p", "c-extension-cython")
    check = "import fibo._fib as f; print(f.fib(10))"
    assert env.py(check).stdout.strip() == "55"
    pyx = project / "src" / "fibo" / "_fib.pyx"
    text = pyx.read_text()
    # No Cython in the venv (the isolated build's is gone): the error names the .pyx.
    pyx.write_text(text + "\n\ndef extra():\n    return 7\n")
    missing = env.py("import fibo._fib as f; print(f.extra())", check=False)
    assert "rustbackend cannot rebuild fibo._fib: src/fibo/_fib.pyx changed, and translating it needs Cython" in missing.stderr
    assert "pip install cython" in missing.stderr
    env.pip("install", "Cython")
    rebuilt = env.py("import fibo._fib as f; print(f.extra(), f.fib(10))")
    assert rebuilt.stdout.strip() == "7 55"
    assert "rebuilding fibo._fib (src/fibo/_fib.pyx changed)" in rebuilt.stderr


def test_rebuild_can_be_turned_off_and_hooks_start_from_pth_and_start_files(make_venv, tmp_path):
    env, project = installed(make_venv, tmp_path / "off", "c-extension", "editable-rebuild=false")
    site = env.site_packages()
    assert not list(site.glob("_rustbackend_rebuild_*.py"))
    assert not list(site.glob("*.start"))
    edit(project / "csrc" / "speedups.c", "x * ACME_FACTOR", "x * ACME_FACTOR * 10")
    assert env.py(SCALE).stdout.strip() == "42.0"

    env, project = installed(make_venv, tmp_path / "on", "c-extension", "editable-mode=strict")
    site = env.site_packages()
    assert (site / "_rustbackend_rebuild_acme_fast.py").is_file()
    assert (site / "_acme_fast.start").read_text() == (
        "_acme_fast_editable_finder:install\n_rustbackend_rebuild_acme_fast:install\n")
    pth = (site / "_acme_fast.pth").read_text()
    assert pth == "import _acme_fast_editable_finder\nimport _rustbackend_rebuild_acme_fast; _rustbackend_rebuild_acme_fast.install()\n"
    edit(project / "csrc" / "speedups.c", "x * ACME_FACTOR", "x * ACME_FACTOR * 10")
    assert env.py(SCALE).stdout.strip() == "420.0"


def test_uv_editable_installs_rebuild_too(make_venv, frontend_env, tmp_path):
    project = copy_sample("c-extension", tmp_path)
    env = make_venv()
    run(["uv", "pip", "install", "--python", env.python, "-e", project], env=env.env)
    edit(project / "csrc" / "speedups.c", "x * ACME_FACTOR", "x * ACME_FACTOR * 10")
    assert env.py(SCALE).stdout.strip() == "420.0"


def test_a_regular_wheel_never_carries_the_finder(frontend_env, tmp_path):
    import zipfile

    project = copy_sample("c-extension", tmp_path)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", project, "-w", tmp_path / "out"], env=frontend_env)
    (wheel,) = (tmp_path / "out").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("acme_fast/_speedups.") for n in names)
    assert not [n for n in names if "rebuild" in n or n.endswith((".pth", ".start"))], names
