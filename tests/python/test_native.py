"""C, C++ and Cython extension modules declared in pyproject.toml: compiled by rustbackend for the
interpreter running the hook, installed by pip and imported under two CPython versions,
tagged as auditwheel tags them; the stable ABI; editable installs; compiler failures."""

from __future__ import annotations

import shutil
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import SAMPLES, auditwheel_platform, cpython, run

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or not (shutil.which("cc") or shutil.which("gcc")),
    reason="needs a C compiler on Linux",
)


def venv_for(python: str, path: Path, env) -> Path:
    run([python, "-m", "venv", "--without-pip", path])
    return path / "bin" / "python"


def pip(vpython: Path, env, *args, check=True):
    return run([sys.executable, "-m", "pip", "--python", vpython, *args], env=env, check=check)


def pip_wheel_of_sample(sample: str, prefix: str, version: str, frontend_env, tmp_path: Path):
    """Builds `sample` with pip for CPython `version` in a fresh venv; checks that the wheel
    is named `prefix-cpXY-cpXY-manylinux_2_*` and that auditwheel agrees with its platform
    tag. Returns (venv python, project copy, wheel)."""
    vpython = venv_for(cpython(version), tmp_path / "venv", frontend_env)
    project = tmp_path / sample
    shutil.copytree(SAMPLES / sample, project)
    wheels = tmp_path / "wheels"
    pip(vpython, frontend_env, "wheel", "--no-deps", project, "-w", wheels)
    (wheel,) = wheels.iterdir()
    cp = "cp" + version.replace(".", "")
    assert wheel.name.startswith(f"{prefix}-{cp}-{cp}-manylinux_2_")
    assert auditwheel_platform(wheel) == wheel.name.rsplit("-", 1)[1].removesuffix(".whl")
    return vpython, project, wheel


def install_and_check(vpython: Path, project: Path, wheel: Path, frontend_env, tmp_path: Path) -> str:
    """Installs `wheel` and runs the sample's check_install.py; returns what it printed."""
    pip(vpython, frontend_env, "install", wheel)
    return run([vpython, project / "check_install.py"], cwd=tmp_path).stdout.strip()


@pytest.mark.parametrize("version", ["3.11", "3.12"])
def test_c_extension_builds_installs_and_imports(version, frontend_env, tmp_path):
    vpython, project, wheel = pip_wheel_of_sample("c-extension", "acme_fast-0.1.0", version, frontend_env, tmp_path)
    with zipfile.ZipFile(wheel) as zf:
        assert "Root-Is-Purelib: false\n" in zf.read("acme_fast-0.1.0.dist-info/WHEEL").decode()
    assert install_and_check(vpython, project, wheel, frontend_env, tmp_path) == "acme_fast ok"


@pytest.mark.parametrize("version", ["3.11", "3.12"])
def test_cpp_extension_with_a_c_helper_builds_installs_and_imports(version, frontend_env, tmp_path):
    """`.cpp` compiled by the interpreter's C++ compiler, `.c` by its C compiler, one module
    linked by the C++ driver (libstdc++ comes along); the tag is what auditwheel says."""
    vpython, project, wheel = pip_wheel_of_sample("c-extension-cpp", "polyline-0.2.0", version, frontend_env, tmp_path)
    with zipfile.ZipFile(wheel) as zf:
        (module,) = [n for n in zf.namelist() if n.startswith("polyline/_core.")]
        binary = tmp_path / "core.so"
        binary.write_bytes(zf.read(module))
    needed = run(["objdump", "-p", binary]).stdout
    assert "NEEDED               libstdc++.so.6" in needed, needed
    assert install_and_check(vpython, project, wheel, frontend_env, tmp_path) == "polyline ok"


@pytest.mark.parametrize("version", ["3.11", "3.12"])
def test_cython_extensions_build_through_an_isolated_pip(version, frontend_env, tmp_path):
    """pip asks the hooks what to install, gets Cython (found in the local wheelhouse), and
    rustbackend translates both `.pyx` (one to C, one to C++ by its `# distutils: language`
    line, cimporting the other's `.pxd`), compiles and links them; auditwheel agrees with the
    tag; the sdist carries `.pyx` and `.pxd`, never generated C."""
    import tarfile

    vpython, project, wheel = pip_wheel_of_sample("c-extension-cython", "fibo-1.0.0", version, frontend_env, tmp_path)
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    suffix = f"cpython-{version.replace('.', '')}-x86_64-linux-gnu.so"
    assert [n for n in names if n.startswith("fibo/")] == [
        "fibo/__init__.py", f"fibo/_fib.{suffix}", "fibo/_fib.pxd", f"fibo/_stats.{suffix}"]
    assert install_and_check(vpython, project, wheel, frontend_env, tmp_path) == "fibo ok"

    sdist_dir = tmp_path / "sdist"
    run([sys.executable, "-m", "build", "--sdist", "--outdir", sdist_dir, project], env=frontend_env)
    with tarfile.open(sdist_dir / "fibo-1.0.0.tar.gz") as tf:
        members = tf.getnames()
    assert {"fibo-1.0.0/src/fibo/_fib.pyx", "fibo-1.0.0/src/fibo/_stats.pyx", "fibo-1.0.0/src/fibo/_fib.pxd"} <= set(members)
    assert not [m for m in members if m.endswith((".c", ".cpp"))]


def test_without_cython_the_build_says_how_to_get_it(make_venv, tmp_path):
    """A hook called where Cython is missing (not through a frontend) explains itself."""
    project = tmp_path / "c-extension-cython"
    shutil.copytree(SAMPLES / "c-extension-cython", project)
    env = make_venv()
    env.pip("install", "rustbackend")  # from the local wheelhouse, without Cython
    code = "import rustbackend\ntry:\n    rustbackend.build_wheel('../out')\nexcept rustbackend.BuildError as e:\n    print('BuildError:', e)"
    result = run([env.python, "-c", code], env=env.env, cwd=project)
    assert "BuildError: the extension module `fibo._fib` has Cython sources, but Cython is not installed where the build runs" in result.stdout
    assert 'pip install "Cython>=3.0"' in result.stdout
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_jobs_limits_the_compilers_and_gives_the_same_wheel(backend_venv, tmp_path):
    """`-C jobs=1` compiles one unit at a time; the wheel is byte-identical to the parallel
    build's. A bad value is a clear error."""
    project = tmp_path / "c-extension-cython"
    shutil.copytree(SAMPLES / "c-extension-cython", project)
    code = ("import rustbackend, sys\n"
            "print(rustbackend.build_wheel(sys.argv[1], config_settings={'jobs': sys.argv[2]}))")
    serial = run([backend_venv.python, "-c", code, tmp_path / "serial", "1"], env=backend_venv.env, cwd=project)
    run([backend_venv.python, "-c", code, tmp_path / "parallel", "2"], env=backend_venv.env, cwd=project)
    name = serial.stdout.strip()
    assert (tmp_path / "serial" / name).read_bytes() == (tmp_path / "parallel" / name).read_bytes()
    bad = run([backend_venv.python, "-c", "import rustbackend\ntry:\n    rustbackend.build_wheel('../out', config_settings={'jobs': 'many'})\nexcept rustbackend.BuildError as e:\n    print('BuildError:', e)"],
              env=backend_venv.env, cwd=project)
    assert "BuildError: the config setting `jobs` must be a positive number of compilers to run at once, got `many`; pass -C jobs=4" in bad.stdout


def test_stable_abi_wheel_serves_two_interpreters(frontend_env, tmp_path):
    project = tmp_path / "c-extension-abi3"
    shutil.copytree(SAMPLES / "c-extension-abi3", project)
    first = venv_for(cpython("3.11"), tmp_path / "v311", frontend_env)
    wheels = tmp_path / "wheels"
    pip(first, frontend_env, "wheel", "--no-deps", project, "-w", wheels)
    (wheel,) = wheels.iterdir()
    assert wheel.name.startswith("stable_fast-0.1.0-cp39-abi3-manylinux_")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    assert "stable_fast/_core.abi3.so" in names and "stable_fast/_core.c" not in names
    for version in ("3.11", "3.12"):
        vpython = first if version == "3.11" else venv_for(cpython(version), tmp_path / "v312", frontend_env)
        pip(vpython, frontend_env, "install", wheel)
        assert run([vpython, project / "check_install.py"], cwd=tmp_path).stdout.strip() == "stable_fast ok"


def test_cython_stable_abi_wheel_serves_three_interpreters(frontend_env, tmp_path):
    """Cython 3 translates for the limited API when Py_LIMITED_API is defined: the `.pyx`
    sample with `py-limited-api = "cp39"` builds one `cp39-abi3` wheel (tagged from the
    setting, not from requires-python's lower 3.8) that 3.11, 3.12 and 3.13 import."""
    project = tmp_path / "c-extension-cython"
    shutil.copytree(SAMPLES / "c-extension-cython", project)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    assert 'requires-python = ">=3.8"' in text
    for module in ("_fib", "_stats"):
        text = text.replace(f'sources = ["src/fibo/{module}.pyx"]\n', f'sources = ["src/fibo/{module}.pyx"]\npy-limited-api = "cp39"\n')
    pyproject.write_text(text)
    first = venv_for(cpython("3.11"), tmp_path / "v311", frontend_env)
    wheels = tmp_path / "wheels"
    pip(first, frontend_env, "wheel", "--no-deps", project, "-w", wheels)
    (wheel,) = wheels.iterdir()
    assert wheel.name.startswith("fibo-1.0.0-cp39-abi3-manylinux_")
    assert auditwheel_platform(wheel) == wheel.name.rsplit("-", 1)[1].removesuffix(".whl")
    with zipfile.ZipFile(wheel) as zf:
        assert {"fibo/_fib.abi3.so", "fibo/_stats.abi3.so"} <= set(zf.namelist())
    for version in ("3.11", "3.12", "3.13"):
        vpython = first if version == "3.11" else venv_for(cpython(version), tmp_path / f"v{version}", frontend_env)
        pip(vpython, frontend_env, "install", wheel)
        assert run([vpython, project / "check_install.py"], cwd=tmp_path).stdout.strip() == "fibo ok"


def test_sdist_carries_the_c_sources_and_rebuilds(frontend_env, tmp_path):
    import tarfile

    project = tmp_path / "c-extension"
    shutil.copytree(SAMPLES / "c-extension", project)
    out = tmp_path / "dist"
    run([sys.executable, "-m", "build", "--outdir", out, project], env=frontend_env)
    with tarfile.open(out / "acme_fast-0.1.0.tar.gz") as tf:
        names = tf.getnames()
    assert "acme_fast-0.1.0/csrc/speedups.c" in names and "acme_fast-0.1.0/csrc/include/acme.h" in names
    assert len(list(out.glob("acme_fast-0.1.0-cp311-cp311-*.whl"))) == 1  # built from the sdist


def test_editable_install_compiles_next_to_the_sources(frontend_env, tmp_path):
    vpython = venv_for(cpython("3.11"), tmp_path / "venv", frontend_env)
    project = tmp_path / "c-extension"
    shutil.copytree(SAMPLES / "c-extension", project)
    pip(vpython, frontend_env, "install", "-e", project)
    built = list((project / "src" / "acme_fast").glob("_speedups*.so"))
    assert [p.name for p in built] == ["_speedups.cpython-311-x86_64-linux-gnu.so"]
    where = run([vpython, "-c", "import acme_fast._speedups as s; print(s.__file__); print(s.scale(2.0))"], cwd=tmp_path).stdout.split()
    assert Path(where[0]).resolve() == built[0].resolve() and where[1] == "4.0"


def build_state(project: Path) -> dict:
    """The modification time of every object and module an editable build keeps, and of the
    modules beside the sources: what changes when a step runs again."""
    kept = [p for p in (project / "build" / "rustbackend").rglob("*") if p.suffix in (".o", ".so")]
    beside = list((project / "src").rglob("*.so"))
    return {str(p.relative_to(project)): p.stat().st_mtime_ns for p in kept + beside}


def changed(before: dict, after: dict) -> set:
    return {path for path in after if before.get(path) != after[path]}


def test_editable_reinstall_compiles_only_what_changed(frontend_env, tmp_path):
    """`pip install -e .` again (isolated, so in a new build environment each time) keeps the
    build directory: with nothing changed nothing is translated, compiled, linked or copied;
    after a `.pyx` edit only its module is rebuilt; touching a file without changing it
    rebuilds nothing; a header edit rebuilds the C source that includes it."""
    vpython = venv_for(cpython("3.11"), tmp_path / "venv", frontend_env)
    project = tmp_path / "c-extension-cython"
    shutil.copytree(SAMPLES / "c-extension-cython", project)
    pip(vpython, frontend_env, "install", "-e", project)
    assert run([vpython, project / "check_install.py"], cwd=tmp_path).stdout.strip() == "fibo ok"
    first = build_state(project)
    assert len([p for p in first if p.endswith(".o")]) == 2 and len([p for p in first if p.startswith("src/")]) == 2
    assert (project / "build" / "rustbackend" / "cpython-311-x86_64-linux-gnu" / ".gitignore").read_text().endswith("*\n")

    pip(vpython, frontend_env, "install", "-e", project)
    assert changed(first, build_state(project)) == set()

    source = project / "src" / "fibo" / "_fib.pyx"
    source.write_text(source.read_text().replace("n must be at least 0", "n must not be negative"))
    (project / "src" / "fibo" / "_stats.pyx").touch()
    pip(vpython, frontend_env, "install", "-e", project)
    again = build_state(project)
    rebuilt = changed(first, again)
    assert {p.rsplit("/", 1)[-1] for p in rebuilt} == {"_fib.pyx.o", "_fib.cpython-311-x86_64-linux-gnu.so"}, rebuilt
    assert len(rebuilt) == 3  # the object, the linked module, its copy beside the sources
    message = run([vpython, "-c", "import fibo\ntry:\n    fibo.fib(-1)\nexcept ValueError as e:\n    print(e)"], cwd=tmp_path)
    assert message.stdout.strip() == "n must not be negative"

    c_project = tmp_path / "c-extension"
    shutil.copytree(SAMPLES / "c-extension", c_project)
    pip(vpython, frontend_env, "install", "-e", c_project)
    before = build_state(c_project)
    header = c_project / "csrc" / "include" / "acme.h"
    header.write_text(header.read_text().replace("#endif\n#endif", "#endif\n#undef ACME_FACTOR\n#define ACME_FACTOR 3\n#endif"))
    pip(vpython, frontend_env, "install", "-e", c_project)
    assert len(changed(before, build_state(c_project))) == 3
    scaled = run([vpython, "-c", "import acme_fast._speedups as s; print(s.scale(2.0))"], cwd=tmp_path)
    assert scaled.stdout.strip() == "6.0"


def test_build_dir_setting_keeps_wheel_builds_incremental(backend_venv, tmp_path):
    """`-C build-dir=DIR` keeps a wheel build's work: the second build compiles nothing and
    gives the same bytes as a build from nothing."""
    project = tmp_path / "c-extension-cpp"
    shutil.copytree(SAMPLES / "c-extension-cpp", project)
    code = ("import rustbackend, sys\n"
            "settings = {'build-dir': sys.argv[2]} if len(sys.argv) > 2 else {}\n"
            "print(rustbackend.build_wheel(sys.argv[1], config_settings=settings))")
    fresh = run([backend_venv.python, "-c", code, tmp_path / "fresh"], env=backend_venv.env, cwd=project).stdout.strip()
    run([backend_venv.python, "-c", code, tmp_path / "first", "build/ci-cache"], env=backend_venv.env, cwd=project)
    objects = {p: p.stat().st_mtime_ns for p in (project / "build" / "ci-cache").rglob("*.o")}
    assert len(objects) == 2  # core.cpp and kahan.c
    run([backend_venv.python, "-c", code, tmp_path / "second", "build/ci-cache"], env=backend_venv.env, cwd=project)
    assert {p: p.stat().st_mtime_ns for p in objects} == objects
    assert (tmp_path / "second" / fresh).read_bytes() == (tmp_path / "fresh" / fresh).read_bytes()
    assert (tmp_path / "first" / fresh).read_bytes() == (tmp_path / "fresh" / fresh).read_bytes()


def test_a_change_of_cython_directives_translates_again(backend_venv, tmp_path):
    """`cython-directives` are part of the translation's key: with `-C build-dir` kept, a
    second build translates nothing, and a changed directive translates that module only."""
    project = tmp_path / "c-extension-cython"
    shutil.copytree(SAMPLES / "c-extension-cython", project)
    code = ("import rustbackend, sys\n"
            "print(rustbackend.build_wheel(sys.argv[1], config_settings={'build-dir': 'build/ci'}))")
    def build(out: str) -> dict:
        run([backend_venv.python, "-c", code, tmp_path / out], env=backend_venv.env, cwd=project)
        # Cython's output: `_fib.c`, and `_stats.cpp` (that module is C++).
        gen = project / "build" / "ci" / "gen"
        return {m: next((gen / f"fibo.{m}" / "src" / "fibo").glob(f"{m}.c*")).stat().st_mtime_ns
                for m in ("_fib", "_stats")}

    first = build("first")
    assert build("second") == first
    text = (project / "pyproject.toml").read_text()
    (project / "pyproject.toml").write_text(text.replace(
        'sources = ["src/fibo/_fib.pyx"]', 'sources = ["src/fibo/_fib.pyx"]\ncython-directives = { boundscheck = false }'))
    third = build("third")
    assert third["_fib"] != first["_fib"] and third["_stats"] == first["_stats"]


def test_native_wheels_are_byte_identical_across_checkout_paths(backend_venv, tmp_path):
    """The compiler runs on relative paths with the checkout mapped to `.` in the debug
    information, so neither the checkout path nor a symlink in it reaches the binary."""
    wheels = []
    (tmp_path / "other").mkdir()
    (tmp_path / "via-link").symlink_to(tmp_path / "other")
    for i, where in enumerate(("one/c-extension", "via-link/much/deeper/c-extension")):
        project = tmp_path / where
        shutil.copytree(SAMPLES / "c-extension", project)
        out = tmp_path / f"out-{i}"
        run([backend_venv.python, "-c", "import rustbackend, sys; rustbackend.build_wheel(sys.argv[1])", out],
            env=backend_venv.env, cwd=project)
        (wheel,) = out.iterdir()
        wheels.append(wheel.read_bytes())
        with zipfile.ZipFile(wheel) as zf:
            binary = next(zf.read(n) for n in zf.namelist() if n.endswith(".so"))
        assert str(tmp_path).encode() not in binary
        if "-g" in sysconfig.get_config_var("CFLAGS").split():  # debug info names the source
            assert b"csrc/speedups.c" in binary
    assert wheels[0] == wheels[1]


def test_compiler_errors_are_shown_in_full(backend_venv, tmp_path):
    project = tmp_path / "c-extension"
    shutil.copytree(SAMPLES / "c-extension", project)
    source = project / "csrc" / "speedups.c"
    source.write_text(source.read_text().replace("return PyFloat_FromDouble(x * ACME_FACTOR);", "return undefined_thing;"))
    code = "import rustbackend\ntry:\n    rustbackend.build_wheel('../out')\nexcept rustbackend.BuildError as e:\n    print(e)"
    text = run([backend_venv.python, "-c", code], env=backend_venv.env, cwd=project).stdout
    assert "compiling the extension module `acme_fast._speedups` failed" in text
    assert "undefined_thing" in text and "error:" in text
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_a_missing_compiler_says_what_to_install(backend_venv, tmp_path):
    project = tmp_path / "c-extension"
    shutil.copytree(SAMPLES / "c-extension", project)
    code = (
        "import rustbackend, sys\n"
        "config = rustbackend._interpreter(); config['CC'] = 'no-such-compiler-here'\n"
        "try:\n"
        "    rustbackend._core().build_wheel('.', '../out', None, None, None, config)\n"
        "except rustbackend.BuildError as e:\n"
        "    print(e)\n"
    )
    text = run([backend_venv.python, "-c", code], env=backend_venv.env, cwd=project).stdout
    assert "no C compiler found (`no-such-compiler-here`)" in text and "apt-get install gcc" in text


TOP_LEVEL_EXTENSION_C = r"""
#include <Python.h>

static PyObject *add(PyObject *self, PyObject *args) {
    long a, b;
    if (!PyArg_ParseTuple(args, "ll", &a, &b)) return NULL;
    return PyLong_FromLong(a + b);
}

static PyMethodDef methods[] = {{"add", add, METH_VARARGS, "a + b"}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "fastsum", NULL, -1, methods};
PyMODINIT_FUNC PyInit_fastsum(void) { return PyModule_Create(&module); }
"""


def test_a_top_level_extension_module_is_the_whole_distribution(frontend_env, tmp_path):
    """A distribution whose only module is one top-level extension module named otherwise
    than the project (pyahocorasick's `import ahocorasick` loads `ahocorasick.*.so`; no
    package directory, no stub, no `module-name`): pip builds it from the tree and from the
    sdist, and it imports in a fresh venv."""
    project = tmp_path / "fastsum"
    (project / "csrc").mkdir(parents=True)
    (project / "csrc" / "fastsum.c").write_text(TOP_LEVEL_EXTENSION_C)
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["rustbackend"]\nbuild-backend = "rustbackend"\n\n'
        '[project]\nname = "pyfastsum"\nversion = "1.0"\n\n'
        '[[tool.rustbackend.ext-modules]]\nname = "fastsum"\nsources = ["csrc/fastsum.c"]\n'
    )
    vpython = venv_for(cpython("3.11"), tmp_path / "venv", frontend_env)
    wheels = tmp_path / "wheels"
    pip(vpython, frontend_env, "wheel", "--no-deps", project, "-w", wheels)
    (wheel,) = wheels.iterdir()
    with zipfile.ZipFile(wheel) as zf:
        payload = [n for n in zf.namelist() if ".dist-info/" not in n]
    assert len(payload) == 1 and payload[0].startswith("fastsum.cpython-") and payload[0].endswith(".so"), payload
    pip(vpython, frontend_env, "install", wheel)
    assert run([vpython, "-c", "import fastsum; print(fastsum.add(2, 40))"], cwd=tmp_path).stdout.strip() == "42"
    # The sdist carries the C source and builds the same module again.
    sdists = tmp_path / "sdists"
    run([sys.executable, "-m", "build", "--sdist", "--outdir", sdists, project], env=frontend_env)
    (sdist,) = sdists.iterdir()
    rebuilt = tmp_path / "rebuilt"
    pip(vpython, frontend_env, "wheel", "--no-deps", sdist, "-w", rebuilt)
    with zipfile.ZipFile(next(rebuilt.iterdir())) as zf:
        assert [n for n in zf.namelist() if ".dist-info/" not in n] == payload
