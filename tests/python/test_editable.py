"""Editable installs (PEP 660) in both modes, with pip and uv, each in a fresh virtualenv."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from conftest import copy_sample, run

# A module of each sample and the file its __file__ must point to, relative to the project.
MODULE_FILES = {
    "src-basic": ("greet", "src/greet/__init__.py"),
    "flat-package": ("geometry", "geometry/__init__.py"),
    "single-module": ("tinymod", "tinymod.py"),
    "src-single-module": ("solo", "src/solo.py"),
    "multi-module": ("beta", "beta.py"),
    "namespace-widgets": ("acme.widgets", "src/acme/widgets/__init__.py"),
    "data-dirs": ("datakit", "src/datakit/__init__.py"),
}
MODES = ["pth", "strict"]


def install_editable(env, project: Path, mode: str, *extra: str):
    return env.pip("install", "-e", project, "-C", f"editable-mode={mode}", *extra)


def listing(directory: Path) -> set:
    return {str(p.relative_to(directory)) for p in directory.rglob("*")} if directory.exists() else set()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(MODULE_FILES))
def test_editable_install_imports_from_the_source_tree(name, mode, sample, make_venv, tmp_path):
    project = sample(name)
    env = make_venv()
    install_editable(env, project, mode)
    assert env.run(env.python, project / "check_install.py", cwd=tmp_path).stdout.strip().endswith("ok")
    module, path = MODULE_FILES[name]
    where = env.py(f"import {module}; print({module}.__file__)").stdout.strip()
    assert Path(where).resolve() == (project / path).resolve()


@pytest.mark.parametrize("mode", MODES)
def test_edits_and_new_modules_are_visible_and_uninstall_is_clean(mode, sample, make_venv, tmp_path):
    project = sample("src-basic")
    env = make_venv()
    site = env.site_packages()
    before = listing(site)
    install_editable(env, project, mode)
    assert env.run(env.bin / "greet", "you", cwd=tmp_path).stdout.strip() == "Hello, you!"
    init = project / "src" / "greet" / "__init__.py"
    init.write_text(init.read_text().replace("Hello, ", "Hi, "))
    (project / "src" / "greet" / "added.py").write_text("ADDED = 42\n")
    assert env.run(env.bin / "greet", "you", cwd=tmp_path).stdout.strip() == "Hi, you!"
    assert env.py("from greet.added import ADDED; print(ADDED)").stdout.strip() == "42"
    env.pip("uninstall", "-y", "greet")
    assert listing(site) == before
    assert env.py("import greet", check=False).returncode != 0


def test_editable_with_an_extra_installs_its_dependencies(sample, make_venv, frontend_env, tmp_path):
    # A dependency wheel, built with rustbackend, served from a second local wheelhouse.
    deps = tmp_path / "deps"
    run([sys.executable, "-m", "build", "--wheel", "--outdir", deps, copy_sample("single-module", tmp_path / "dep-src")],
        env=frontend_env)
    project = sample("src-basic")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('dev = ["pytest>=7; python_version >= \'3.8\'"]', 'dev = ["tinymod>=2024"]'))
    env = make_venv()
    env.env["PIP_FIND_LINKS"] = f"{env.env['PIP_FIND_LINKS']} {deps}"
    env.pip("install", "-e", f"{project}[dev]")
    assert env.run(env.bin / "tinymod", cwd=tmp_path).stdout.strip() == "tinymod 42"
    assert env.run(env.bin / "greet", cwd=tmp_path).stdout.strip() == "Hello, world!"


def test_uv_pip_install_editable(sample, make_venv, tmp_path):
    project = sample("src-basic")
    env = make_venv()
    env.run(Path(sys.executable).parent / "uv", "pip", "install", "--python", env.python, "-e", project)
    where = env.py("import greet; print(greet.__file__)").stdout.strip()
    assert Path(where).resolve() == (project / "src" / "greet" / "__init__.py").resolve()
    assert env.run(env.bin / "greet", "uv", cwd=tmp_path).stdout.strip() == "Hello, uv!"


@pytest.mark.parametrize("mode", MODES)
def test_namespace_parts_editable_together_and_mixed_with_a_regular_install(mode, sample, make_venv):
    widgets, gadgets = sample("namespace-widgets"), sample("namespace-gadgets")
    env = make_venv()
    install_editable(env, widgets, mode)
    install_editable(env, gadgets, mode)
    code = "import acme.widgets, acme.gadgets; print(acme.widgets.widget(), acme.gadgets.gadget())"
    assert env.py(code).stdout.strip() == "widget gadget"

    mixed = make_venv("mixed")
    mixed.pip("install", gadgets)  # a regular install of the other part
    install_editable(mixed, widgets, mode)
    assert mixed.py(code).stdout.strip() == "widget gadget"


def test_strict_mode_hides_other_top_level_files_pth_mode_does_not(sample, make_venv):
    project = sample("flat-package")
    strict = make_venv("strict")
    install_editable(strict, project, "strict")
    assert strict.py("import geometry.shapes").returncode == 0
    hidden = strict.py("import noxfile", check=False)
    assert hidden.returncode != 0 and "No module named 'noxfile'" in hidden.stderr
    pth = make_venv("pth")
    install_editable(pth, project, "pth")
    assert pth.py("import noxfile").returncode == 0  # documented: the project root is on sys.path


def test_mypy_resolves_the_package_through_a_pth_editable_install(sample, make_venv, tmp_path):
    project = sample("src-basic")
    env = make_venv()
    install_editable(env, project, "pth")
    good, bad = tmp_path / "good.py", tmp_path / "bad.py"
    good.write_text("import greet\n\nmessage: str = greet.hello('typed')\n")
    bad.write_text("import greet\n\ngreet.hello(42)\n")
    mypy = [sys.executable, "-m", "mypy", "--no-incremental", "--python-executable", env.python]
    assert run(mypy + [good], cwd=tmp_path).stdout.startswith("Success")
    result = run(mypy + [bad], cwd=tmp_path, check=False)
    assert result.returncode == 1
    assert 'Argument 1 to "hello" has incompatible type "int"; expected "str"' in result.stdout


def test_editable_metadata_is_the_regular_wheels(backend_venv, sample):
    project = sample("flat-package")
    code = (
        "import rustbackend\n"
        "print(rustbackend.build_wheel('../regular'))\n"
        "print(rustbackend.build_editable('../editable', config_settings={'editable-mode': 'strict'}))\n"
    )
    regular, editable = run([backend_venv.python, "-c", code], env=backend_venv.env, cwd=project).stdout.split()
    dist_info = "geometry_tools-0.3.0rc1.dist-info"
    with zipfile.ZipFile(project.parent / "regular" / regular) as a, zipfile.ZipFile(project.parent / "editable" / editable) as b:
        for name in ("METADATA", "entry_points.txt"):
            assert a.read(f"{dist_info}/{name}") == b.read(f"{dist_info}/{name}")
        assert sorted(n for n in b.namelist() if ".dist-info" not in n) == [
            "_geometry_tools.pth", "_geometry_tools.start", "_geometry_tools_editable_finder.py",
        ]
        assert b.read("_geometry_tools.pth") == b"import _geometry_tools_editable_finder\n"
        # Python 3.15 and later start the finder from the .start file (PEP 829), and then skip
        # the .pth file's import line.
        assert b.read("_geometry_tools.start") == b"_geometry_tools_editable_finder:install\n"


def test_unknown_editable_mode_is_a_clear_error(sample, make_venv, tmp_path):
    env = make_venv()
    result = env.pip("install", "-e", sample("single-module"), "-C", "editable-mode=symlink", check=False)
    assert result.returncode != 0
    assert 'the config setting `editable-mode` must be "pth" or "strict", got `symlink`' in result.stdout + result.stderr


def test_a_module_in_a_directory_named_differently_installs_and_edits(make_venv, tmp_path):
    """`module-dirs = { pkg = "pkg_py3" }` (setuptools' `package_dir = {"pkg": "pkg_py3"}`):
    the wheel holds `pkg/`, its console script runs, and an editable install (the default
    mode asked for) imports `pkg` from `pkg_py3/`, edits included."""
    import textwrap

    project = tmp_path / "renamed"
    (project / "pkg_py3").mkdir(parents=True)
    (project / "pkg_py3" / "__init__.py").write_text("VALUE = 1\n")
    (project / "pkg_py3" / "cli.py").write_text("def main():\n    print('pkg cli ran')\n")
    (project / "pyproject.toml").write_text(textwrap.dedent("""\
        [build-system]
        requires = ["rustbackend"]
        build-backend = "rustbackend"

        [project]
        name = "renamed"
        version = "1.0"
        scripts = { pkg-cli = "pkg.cli:main" }

        [tool.rustbackend]
        module-dirs = { pkg = "pkg_py3" }
        """))
    env = make_venv()
    wheels = tmp_path / "wheels"
    env.pip("wheel", "--no-deps", "-w", wheels, project)
    (wheel,) = wheels.iterdir()
    with zipfile.ZipFile(wheel) as zf:
        payload = sorted(n for n in zf.namelist() if ".dist-info/" not in n)
    assert payload == ["pkg/__init__.py", "pkg/cli.py"]
    env.pip("install", wheel)
    assert env.py("import pkg; print(pkg.VALUE)").stdout.strip() == "1"
    assert run([env.path / "bin" / "pkg-cli"]).stdout.strip() == "pkg cli ran"
    editable = make_venv("editable")
    editable.pip("install", "-e", project)
    out = editable.py("import pkg; print(pkg.__file__)").stdout.strip()
    assert Path(out).resolve() == (project / "pkg_py3" / "__init__.py").resolve()
    (project / "pkg_py3" / "__init__.py").write_text("VALUE = 2\n")
    assert editable.py("import pkg; print(pkg.VALUE)").stdout.strip() == "2"
