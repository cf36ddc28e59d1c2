"""The PEP 517 / PEP 660 hooks called directly, and what happens when a build fails."""

from __future__ import annotations

import json
import zipfile

from helpers import call

HOOKS = [
    "build_wheel", "build_sdist", "build_editable",
    "get_requires_for_build_wheel", "get_requires_for_build_sdist", "get_requires_for_build_editable",
    "prepare_metadata_for_build_wheel", "prepare_metadata_for_build_editable",
]


def test_import_is_cheap_and_exposes_every_hook(backend_venv, tmp_path):
    out = call(backend_venv, tmp_path, f"""
        import sys, json, rustbackend
        print(json.dumps({{
            "native_loaded": "rustbackend._native" in sys.modules,
            "hooks": [h for h in {HOOKS!r} if callable(getattr(rustbackend, h, None))],
            "requires": [rustbackend.get_requires_for_build_wheel(), rustbackend.get_requires_for_build_sdist(),
                         rustbackend.get_requires_for_build_editable()],
        }}))
    """)
    result = json.loads(out.stdout)
    assert result == {"native_loaded": False, "hooks": HOOKS, "requires": [[], [], []]}


def test_a_pure_wheel_is_built_without_sysconfig_and_the_same_facts(backend_venv, sample, tmp_path):
    """A wheel without extension modules is built from the cheap facts (no sysconfig import,
    about 2 ms of each hook process); on Linux they are exactly sysconfig's."""
    project = sample("src-basic")
    out = call(backend_venv, project, """
        import json, sys, rustbackend
        quick = rustbackend._tagging_facts()
        rustbackend.build_wheel("../wheels")
        imported = "sysconfig" in sys.modules
        full = rustbackend._interpreter()
        print(json.dumps({"quick": quick, "full": {k: full[k] for k in quick}, "imported": imported}))
    """)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["imported"] is False
    assert set(result["quick"]) >= {"platform", "version", "Py_GIL_DISABLED", "executable"}
    assert result["quick"] == result["full"]
    native = sample("data-dirs")
    (native / "pyproject.toml").write_text((native / "pyproject.toml").read_text() + "\n# ext-modules\n")
    out = call(backend_venv, native, "import rustbackend; print(rustbackend._tagging_facts())")
    assert out.stdout.strip() == "None"


def test_build_wheel_checks_prepared_metadata(backend_venv, sample, tmp_path):
    project = sample("src-basic")
    out = call(backend_venv, project, """
        import pathlib, sys, rustbackend
        md = pathlib.Path(sys.argv[0]).parent / "md" if False else pathlib.Path("../md")
        name = rustbackend.prepare_metadata_for_build_wheel(str(md))
        print(name)
        wheel = rustbackend.build_wheel("../wheels", metadata_directory=str(md / name))
        print(wheel)
    """)
    dist_info, wheel = out.stdout.split()
    assert dist_info == "greet-1.2.0.dist-info"
    prepared = (project.parent / "md" / dist_info)
    assert sorted(p.name for p in prepared.iterdir()) == ["METADATA", "WHEEL", "entry_points.txt", "licenses"]
    with zipfile.ZipFile(project.parent / "wheels" / wheel) as zf:
        assert zf.read(f"{dist_info}/METADATA") == (prepared / "METADATA").read_bytes()
        assert zf.read(f"{dist_info}/entry_points.txt") == (prepared / "entry_points.txt").read_bytes()

    # If the project changes in between, the build refuses instead of shipping other metadata:
    # first METADATA differs, then (METADATA alike again) entry_points.txt.
    def refused(out: str) -> str:
        failed = call(backend_venv, project, f"""
            import rustbackend
            try:
                rustbackend.build_wheel("../{out}", metadata_directory="../md/greet-1.2.0.dist-info")
            except rustbackend.BuildError as e:
                print("BuildError:", e)
        """)
        assert not (project.parent / out).exists() or not any((project.parent / out).iterdir())
        return failed.stdout

    pyproject = project / "pyproject.toml"
    original = pyproject.read_text()
    pyproject.write_text(original.replace("Says hello", "Says goodbye"))
    message = refused("wheels2")
    assert "the METADATA prepared in" in message and "differs from what this build produces" in message
    assert "[project.scripts]" in original
    pyproject.write_text(original.replace("[project.scripts]\n", "[project.scripts]\ngreet-again = \"greet:main\"\n"))
    message = refused("wheels3")
    assert "the entry_points.txt prepared in" in message and "differs from what this build produces" in message


def test_editable_hooks(backend_venv, sample):
    project = sample("flat-package")
    out = call(backend_venv, project, """
        import rustbackend
        name = rustbackend.prepare_metadata_for_build_editable("../md")
        print(name, rustbackend.build_editable("../wheels", metadata_directory="../md/" + name))
    """)
    dist_info, wheel = out.stdout.split()
    assert wheel == "geometry_tools-0.3.0rc1-py3-none-any.whl"
    with zipfile.ZipFile(project.parent / "wheels" / wheel) as zf:
        assert zf.read("_geometry_tools.pth").decode() == f"{project.resolve()}\n"
        assert zf.read(f"{dist_info}/METADATA") == (project.parent / "md" / dist_info / "METADATA").read_bytes()


BROKEN = """\
[build-system]
requires = ["rustbackend"]
build-backend = "rustbackend"

[project]
name = "broken"
version = "1.0.x"
description = "fine"
dependencies = ["requests >=", "ok-package"]
licence = "MIT"
"""


def test_invalid_project_raises_build_error_with_every_problem(backend_venv, tmp_path):
    project = tmp_path / "broken"
    project.mkdir()
    (project / "pyproject.toml").write_text(BROKEN)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    result = call(backend_venv, project, """
        import rustbackend, sys
        for hook in (rustbackend.build_wheel, rustbackend.build_sdist, rustbackend.build_editable):
            try:
                hook("../out")
            except rustbackend.BuildError as e:
                print(type(e).__module__, type(e).__name__)
                print(e)
            else:
                sys.exit("no error")
    """)
    text = result.stdout
    assert text.count("rustbackend BuildError") == 3
    assert "3 problems in pyproject.toml:" in text
    assert "error: pyproject.toml:7:15: `project.version` is not a valid PEP 440 version" in text
    assert "7 | version = \"1.0.x\"\n  |               ^^" in text
    assert "error: pyproject.toml:9:17: `project.dependencies` has an invalid PEP 508 requirement `requests >=`" in text
    assert "error: pyproject.toml:10:1: unknown key `project.licence`" in text
    assert "help: did you mean `project.license`?" in text
    assert list(out_dir.iterdir()) == []


def test_pip_shows_the_diagnostic_and_leaves_nothing(make_venv, tmp_path):
    project = tmp_path / "broken"
    project.mkdir()
    (project / "pyproject.toml").write_text(BROKEN)
    env = make_venv()
    out = tmp_path / "wheels"
    result = env.pip("wheel", "--no-deps", project, "-w", out, check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    # The report alone: no traceback, no exception name (BuildError ends the hook's process).
    assert "Traceback" not in output and "BuildError" not in output, output
    assert "pyproject.toml:7:15: `project.version` is not a valid PEP 440 version" in output
    assert not out.exists() or list(out.iterdir()) == []


def test_missing_module_error_says_where_it_looked(backend_venv, sample):
    project = sample("src-basic")
    (project / "src" / "greet").rename(project / "src" / "other")
    result = call(backend_venv, project, """
        import rustbackend
        try:
            rustbackend.build_wheel("../out")
        except rustbackend.BuildError as e:
            print(e)
    """)
    assert "no module `greet` found for project `greet`; looked for src/greet/, src/greet.py, greet/, greet.py" in result.stdout
    assert "help: found `src/other/`, `check_install.py` instead; set `module-name`" in result.stdout
    assert not (project.parent / "out").exists() or list((project.parent / "out").iterdir()) == []


def test_a_panic_becomes_a_build_error_without_a_rust_backtrace(backend_venv, tmp_path):
    result = call(backend_venv, tmp_path, """
        import rustbackend
        from rustbackend import _native
        try:
            _native._panic_for_test()
        except rustbackend.BuildError as e:
            print("BuildError:", e)
    """, RUST_BACKTRACE="full")
    assert "BuildError: internal error in rustbackend (test panic at src/python.rs:" in result.stdout
    assert "panicked" not in result.stderr and "stack backtrace" not in result.stderr
    assert result.stderr == ""


def test_a_panic_on_a_worker_thread_keeps_its_message(backend_venv, tmp_path):
    """The message comes from the unwinding payload, so a panic raised on a rayon worker (as
    parallel archive code would) is reported with its own text, not "unknown panic"."""
    result = call(backend_venv, tmp_path, """
        import rustbackend
        from rustbackend import _native
        try:
            _native._panic_for_test(on_worker=True)
        except rustbackend.BuildError as e:
            print("BuildError:", e)
    """, RUST_BACKTRACE="full")
    assert "BuildError: internal error in rustbackend (test panic on a worker at src/python.rs:" in result.stdout
    assert result.stderr == ""


def test_output_directory_is_created(backend_venv, sample):
    project = sample("single-module")
    result = call(backend_venv, project, """
        import rustbackend
        print(rustbackend.build_wheel("../new/nested/dir", config_settings={"jobs": "1"}))
    """)
    assert result.stdout.strip() == "tinymod-2024.1-py3-none-any.whl"
    assert (project.parent / "new" / "nested" / "dir" / "tinymod-2024.1-py3-none-any.whl").is_file()
    assert "rustbackend: built tinymod-2024.1-py3-none-any.whl from " in result.stderr


def test_unknown_settings_are_refused_with_a_suggestion(backend_venv, sample):
    """`-C job=2` is a typo that used to do nothing (pip shows no warning of a successful
    build): every hook refuses an unknown key, names the closest one, and writes nothing."""
    project = sample("single-module")
    result = call(backend_venv, project, """
        import os, rustbackend
        for hook, args in [("build_wheel", ("../out",)), ("build_sdist", ("../out",)),
                           ("build_editable", ("../out",)),
                           ("prepare_metadata_for_build_wheel", ("../out",))]:
            try:
                getattr(rustbackend, hook)(*args, config_settings={"job": "2"})
            except rustbackend.BuildError as e:
                print(hook, "BuildError:", e)
        print("written:", os.listdir("../out") if os.path.isdir("../out") else [])
    """)
    for hook in ("build_wheel", "build_sdist", "build_editable", "prepare_metadata_for_build_wheel"):
        assert f"{hook} BuildError: unknown config setting `job` (from -C job=...); did you mean `jobs`? rustbackend understands `build-details`, `build-dir`, `editable-mode`, `editable-rebuild`, `jobs`, `wheel-tag`" in result.stdout
    assert "written: []" in result.stdout


def test_bad_source_date_epoch_is_a_clear_error(backend_venv, sample):
    project = sample("single-module")
    result = call(backend_venv, project, """
        import rustbackend
        try:
            rustbackend.build_wheel("../out")
        except rustbackend.BuildError as e:
            print(e)
    """, SOURCE_DATE_EPOCH="yesterday")
    assert "SOURCE_DATE_EPOCH must be a whole number" in result.stdout
