"""Wheel tags from real binaries: a prebuilt shared library compiled here with the system C
compiler, tagged as auditwheel tags it and installable on this machine; pure projects; the
override keys. (C extension modules built by rustbackend: test_native.py.)"""

from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import auditwheel_platform, run
from helpers import build_error

CC = shutil.which("cc") or shutil.which("gcc")
pytestmark = pytest.mark.skipif(CC is None or sys.platform != "linux", reason="needs a C compiler on Linux")

def project_with(tmp_path: Path, name: str, extra: str = "") -> Path:
    project = tmp_path / name
    (project / "src" / "speedy").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        f'[build-system]\nrequires = ["rustbackend"]\nbuild-backend = "rustbackend"\n\n'
        f'[project]\nname = "speedy"\nversion = "1.0"\nrequires-python = ">=3.8"\n{extra}'
    )
    (project / "src" / "speedy" / "__init__.py").write_text("from speedy._speedups import add\n")
    return project


def build_wheel(venv, project: Path, out: Path, *settings: str) -> Path:
    config = "{" + ", ".join(repr(s.split("=", 1)[0]) + ": " + repr(s.split("=", 1)[1]) for s in settings) + "}"
    name = run([venv.python, "-c", f"import rustbackend; print(rustbackend.build_wheel({str(out)!r}, {config}))"],
               env=venv.env, cwd=project).stdout.strip()
    return out / name


def test_prebuilt_shared_library_as_package_data(backend_venv, tmp_path):
    project = project_with(tmp_path, "libonly")
    (project / "src" / "speedy" / "__init__.py").write_text("")
    source = tmp_path / "helper.c"
    source.write_text("int helper(int x) { return x * 2; }\n")
    run([CC, "-shared", "-fPIC", str(source), "-o", str(project / "src" / "speedy" / "libhelper.so.1")])
    wheel = build_wheel(backend_venv, project, tmp_path / "dist")
    assert wheel.name.startswith("speedy-1.0-py3-none-manylinux_2_")
    platform = wheel.name.rsplit("-", 1)[1].removesuffix(".whl")
    assert auditwheel_platform(wheel) == platform
    from packaging.tags import sys_tags

    assert f"py3-none-{platform}" in {str(t) for t in sys_tags()}


def test_pure_projects_stay_pure_and_overrides_win(backend_venv, sample, tmp_path):
    project = sample("single-module")
    assert build_wheel(backend_venv, project, tmp_path / "a").name == "tinymod-2024.1-py3-none-any.whl"
    wheel = build_wheel(backend_venv, project, tmp_path / "b", "wheel-tag=py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64")
    assert wheel.name == "tinymod-2024.1-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read("tinymod-2024.1.dist-info/WHEEL").decode()
    assert "Tag: py3-none-manylinux_2_17_x86_64\nTag: py3-none-manylinux2014_x86_64\n" in text
    assert "Root-Is-Purelib: false" in text
    with open(project / "pyproject.toml", "a") as f:
        f.write('\n[tool.rustbackend.wheel]\npython-tag = "py38"\n')
    assert build_wheel(backend_venv, project, tmp_path / "c").name == "tinymod-2024.1-py38-none-any.whl"
    result = run([backend_venv.python, "-c", "import rustbackend\ntry:\n    rustbackend.build_wheel('../d', {'wheel-tag': 'py3-none'})\nexcept rustbackend.BuildError as e:\n    print(e)"],
                 env=backend_venv.env, cwd=project)
    assert "the config setting `wheel-tag`: `py3-none` is not a wheel tag" in result.stdout


def _compile(tmp_path: Path, source: str, output: Path, *flags: str) -> Path:
    c_file = tmp_path / (output.name + ".c")
    c_file.write_text(source)
    run([CC, "-shared", "-fPIC", str(c_file), "-o", str(output), *flags])
    return output


def test_extensions_for_two_interpreters_are_an_error(backend_venv, tmp_path):
    project = project_with(tmp_path, "two")
    package = project / "src" / "speedy"
    built = _compile(tmp_path, "int f(void) { return 1; }\n", package / "_a.cpython-311-x86_64-linux-gnu.so")
    shutil.copy(built, package / "_b.cpython-312-x86_64-linux-gnu.so")
    message = build_error(backend_venv, project)
    assert "extension modules for two interpreters, cp311 and cp312" in message


def test_a_library_outside_the_manylinux_set_falls_back_to_linux_with_a_warning(backend_venv, tmp_path):
    project = project_with(tmp_path, "private-lib")
    (project / "src" / "speedy" / "__init__.py").write_text("")
    private = _compile(tmp_path, "int secret(void) { return 7; }\n", tmp_path / "libprivate.so")
    _compile(tmp_path, "int secret(void);\nint api(void) { return secret(); }\n",
             project / "src" / "speedy" / "libapi.so.1", f"-L{tmp_path}", "-lprivate")
    assert private.exists()
    code = "import rustbackend; print(rustbackend.build_wheel('../out'))"
    result = run([backend_venv.python, "-c", code], env=backend_venv.env, cwd=project)
    assert result.stdout.strip() == "speedy-1.0-py3-none-linux_x86_64.whl"
    assert "tagged linux_x86_64, which PyPI does not accept" in result.stderr
    assert "it links `libprivate.so`" in result.stderr


MINGW = shutil.which("x86_64-w64-mingw32-gcc")


def cross_library(tmp_path: Path, compiler: list, name: str) -> Path:
    source = tmp_path / "helper.c"
    source.write_text("int helper(int x) { return x * 2; }\n")
    out = tmp_path / name
    run([*compiler, "-shared", "-o", str(out), str(source)])
    return out


@pytest.mark.skipif(MINGW is None, reason="needs mingw-w64 (scripts/install-system-tools.sh)")
def test_windows_dll_gives_a_windows_tag(backend_venv, tmp_path):
    """A PE binary from a real cross compiler (mingw-w64) tags the wheel for Windows."""
    project = project_with(tmp_path, "pe")
    (project / "src" / "speedy" / "__init__.py").write_text("")
    dll = cross_library(tmp_path, [MINGW], "helper.dll")
    shutil.copy(dll, project / "src" / "speedy" / "helper.dll")
    assert build_wheel(backend_venv, project, tmp_path / "dist").name == "speedy-1.0-py3-none-win_amd64.whl"


@pytest.mark.parametrize("target, platform", [
    ("aarch64-macos.11.0", "macosx_11_0_arm64"),
    ("x86_64-macos.10.13", "macosx_10_13_x86_64"),
])
def test_macos_dylib_gives_a_macos_tag_with_its_minimum_version(backend_venv, tmp_path, target, platform):
    """Mach-O binaries from a real cross linker (zig, the pinned ziglang) tag the wheel for
    macOS, with the architecture and the minimum macOS version the binary records."""
    project = project_with(tmp_path, "macho")
    (project / "src" / "speedy" / "__init__.py").write_text("")
    dylib = cross_library(tmp_path, [sys.executable, "-m", "ziglang", "cc", "-target", target], "libhelper.dylib")
    shutil.copy(dylib, project / "src" / "speedy" / "libhelper.dylib")
    assert build_wheel(backend_venv, project, tmp_path / "dist").name == f"speedy-1.0-py3-none-{platform}.whl"


def zig_object(tmp_path: Path, target: str, name: str, source: str = "int helper(int x) { return x * 2; }\n") -> Path:
    """An object file for `target`, compiled by zig (the pinned ziglang): iOS has no SDK here
    to link against, and an object carries the same platform facts as a linked binary."""
    path = tmp_path / f"{name}.c"
    path.write_text(source)
    out = tmp_path / name
    run([sys.executable, "-m", "ziglang", "cc", "-target", target, "-c", "-o", out, path])
    return out


# An Android NDK binary's ABI note (what the NDK's crtbegin adds): owner "Android", type 1,
# the API level first in its description.
ANDROID_NOTE = """int helper(int x) { return x * 2; }
__attribute__((section(".note.android.ident"), aligned(4), used))
static const struct { unsigned namesz, descsz, type; char name[8]; unsigned api; char rest[128]; }
    note = {8, 132, 1, "Android", 24};
"""


def tag_or_error(venv, project: Path, out: Path, **env: str) -> str:
    """The wheel's tag part, or the BuildError's text."""
    code = ("import rustbackend, sys\n"
            "try:\n    print(rustbackend.build_wheel(sys.argv[1]))\n"
            "except rustbackend.BuildError as e:\n    print('BuildError:', e)\n")
    text = run([venv.python, "-c", code, out], env=dict(venv.env, **env), cwd=project).stdout.strip()
    return text if text.startswith("BuildError:") else text.removeprefix("speedy-1.0-").removesuffix(".whl")


@pytest.mark.parametrize("target, name, env, tag", [
    # PEP 730: the Mach-O build-version platform says device or simulator.
    ("aarch64-ios.13.0", "libhelper.dylib", {}, "py3-none-ios_13_0_arm64_iphoneos"),
    ("aarch64-ios.14.0-simulator", "libhelper.dylib", {}, "py3-none-ios_14_0_arm64_iphonesimulator"),
    ("x86_64-ios.13.0-simulator", "libhelper.dylib", {}, "py3-none-ios_13_0_x86_64_iphonesimulator"),
    # PEP 738: the NDK note gives the API level; without it, the interpreter's platform does.
    ("aarch64-linux-android", "libhelper.so.1", {}, "py3-none-android_24_arm64_v8a"),
    ("x86_64-linux-android", "libhelper.so.1", {}, "py3-none-android_24_x86_64"),
    # PEP 783: a WebAssembly module names no platform; Pyodide's interpreter does.
    ("wasm32-freestanding", "libhelper.so.1", {"_PYTHON_HOST_PLATFORM": "pyodide-2025.0-wasm32"},
     "py3-none-pyodide_2025_0_wasm32"),
    ("wasm32-freestanding", "libhelper.so.1", {"_PYTHON_HOST_PLATFORM": "emscripten-3.1.58-wasm32"},
     "py3-none-emscripten_3_1_58_wasm32"),
])
def test_mobile_and_webassembly_binaries_get_their_tags(backend_venv, tmp_path, target, name, env, tag):
    """The targets cibuildwheel builds inside a target-configured Python (its platform in
    `_PYTHON_HOST_PLATFORM`, as sysconfig reads it): binaries from zig for each."""
    project = project_with(tmp_path, "mobile")
    (project / "src" / "speedy" / "__init__.py").write_text("")
    source = ANDROID_NOTE if "android" in target else "int helper(int x) { return x * 2; }\n"
    binary = zig_object(tmp_path, target, name, source)
    shutil.copy(binary, project / "src" / "speedy" / name)
    assert tag_or_error(backend_venv, project, tmp_path / "dist", **env) == tag


def android_library_without_note(tmp_path: Path) -> Path:
    """A shared library linked against Bionic's `libc.so` (a stub here) by zig for Android,
    without the NDK's API level note."""
    zig = [sys.executable, "-m", "ziglang", "cc", "-target", "aarch64-linux-android", "-nostdlib", "-shared"]
    (tmp_path / "stub.c").write_text("int stub;\n")
    (tmp_path / "helper.c").write_text("extern int stub;\nint helper(int x) { return x + stub; }\n")
    run([*zig, "-Wl,-soname,libc.so", "-o", tmp_path / "libc-stub.so", tmp_path / "stub.c"])
    run([*zig, "-o", tmp_path / "libhelper.so.1", tmp_path / "helper.c", tmp_path / "libc-stub.so"])
    return tmp_path / "libhelper.so.1"


def test_binaries_nothing_places_are_errors_that_name_them(backend_venv, tmp_path):
    """A WebAssembly module built by a Linux interpreter, an Android binary without its API
    note on a non-Android interpreter, a tvOS binary, and a file that is no binary at all: no
    guess, an error naming the file (and -C wheel-tag as the way out)."""
    binaries = {
        "wasm": (zig_object(tmp_path, "wasm32-freestanding", "w.o"),
                 "`speedy/libhelper.so.1` is a WebAssembly module, which does not say which Emscripten or Pyodide it is for"),
        "android": (android_library_without_note(tmp_path),
                    "`speedy/libhelper.so.1` is an Android binary without an API level note"),
        "tvos": (zig_object(tmp_path, "aarch64-tvos.14.0", "tv.o"),
                 "for Apple platform 3 (tvOS, watchOS or Mac Catalyst), which has no wheel tag"),
    }
    for case, (binary, message) in binaries.items():
        project = project_with(tmp_path / case, "odd")
        (project / "src" / "speedy" / "__init__.py").write_text("")
        shutil.copy(binary, project / "src" / "speedy" / "libhelper.so.1")
        text = tag_or_error(backend_venv, project, tmp_path / case / "dist")
        assert text.startswith("BuildError:") and message in text, text
    # Android's own interpreter places the note-less binary.
    android = tag_or_error(backend_venv, tmp_path / "android" / "odd", tmp_path / "android" / "dist2",
                           _PYTHON_HOST_PLATFORM="android-21-arm64_v8a")
    assert android == "py3-none-android_21_arm64_v8a"
    project = project_with(tmp_path / "junk", "junk")
    (project / "src" / "speedy" / "__init__.py").write_text("")
    (project / "src" / "speedy" / "libhelper.so.1").write_bytes(b"#!/bin/sh\necho not a library\n")
    text = tag_or_error(backend_venv, project, tmp_path / "junk" / "dist")
    assert "libhelper.so.1` is not an ELF, Mach-O, PE or WebAssembly binary" in text, text
    assert "-C wheel-tag" in text, text
