"""Compilers chosen by the environment (CC, CXX, CFLAGS, CPPFLAGS, CXXFLAGS, LDFLAGS, LDSHARED,
a launcher such as ccache), and cross builds from a target interpreter's build-details.json
(PEP 739): the C sample cross-built for Linux aarch64 with Debian's cross gcc (imported under
qemu with Debian's arm64 CPython) and for macOS arm64 with zig (its Mach-O checked), both
through real pip."""

from __future__ import annotations

import json
import os
import shutil
import struct
import sys
import sysconfig
import zipfile
from pathlib import Path
from typing import Dict, List

import pytest

from conftest import TOOLS_BIN, auditwheel_platform, copy_sample, foreign_python, run

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or not shutil.which("gcc"), reason="needs gcc on Linux"
)


def logging_launcher(tmp_path: Path) -> tuple:
    """A compiler launcher (as ccache is one) that logs each command line, then runs it;
    returns (its path, the log)."""
    log = tmp_path / "commands.log"
    launcher = tmp_path / "logcc"
    launcher.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "$@"\n')
    launcher.chmod(0o755)
    return launcher, log


def pip_wheel(project: Path, out: Path, env: Dict[str, str], *settings: str, check=True):
    """`pip wheel` of `project` into `out` (isolated: rustbackend comes from the wheelhouse),
    with `-C` settings."""
    args = [arg for setting in settings for arg in ("-C", setting)]
    return run([sys.executable, "-m", "pip", "wheel", "--no-deps", project, "-w", out, *args],
               env=env, check=check)


def test_compiler_settings_come_from_the_environment(frontend_env, tmp_path):
    """`CC="launcher gcc"` compiles and (as LDSHARED started with sysconfig's CC) links;
    CFLAGS and CPPFLAGS reach the compiler and LDFLAGS the linker, after sysconfig's flags; the
    wheel imports."""
    launcher, log = logging_launcher(tmp_path)
    project = copy_sample("c-extension", tmp_path)
    env = dict(frontend_env, CC=f"{launcher} gcc", CFLAGS="-O0 -g3", CPPFLAGS="-DFROM_CPPFLAGS=1",
               LDFLAGS="-Wl,-z,now")
    pip_wheel(project, tmp_path / "out", env)
    lines = log.read_text().splitlines()
    (compile_line,) = [line for line in lines if " -c " in line]
    (link_line,) = [line for line in lines if " -shared " in line]
    assert compile_line.startswith("gcc "), compile_line
    sysconfig_cflags = sysconfig.get_config_var("CFLAGS").split()
    words = compile_line.split()
    # sysconfig's flags first, the environment's after them (so -O0 wins over -O2/-O3).
    assert words.index("-O0") > max(words.index(f) for f in sysconfig_cflags if f in words)
    assert "-g3" in words and "-DFROM_CPPFLAGS=1" in words
    assert link_line.startswith("gcc "), link_line
    assert "-Wl,-z,now" in link_line.split() and "-O0" in link_line.split()
    (wheel,) = (tmp_path / "out").glob("acme_fast-*.whl")
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv])
    run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", wheel], env=frontend_env)
    assert run([venv / "bin" / "python", project / "check_install.py"]).stdout.strip() == "acme_fast ok"


def test_cxx_settings_come_from_the_environment(frontend_env, tmp_path):
    """`CXX` compiles the `.cpp` sources (CXXFLAGS replacing sysconfig's flags for them, as
    setuptools does) and links the module; `.c` sources keep sysconfig's C compiler."""
    launcher, log = logging_launcher(tmp_path)
    project = copy_sample("c-extension-cpp", tmp_path)
    env = dict(frontend_env, CXX=f"{launcher} g++", CXXFLAGS="-O1 -DCXX_ONLY=1")
    pip_wheel(project, tmp_path / "out", env)
    lines = log.read_text().splitlines()
    cpp = [line for line in lines if " -c " in line]
    assert cpp and all(".cpp" in line for line in cpp), lines
    assert all("-O1" in line.split() and "-DCXX_ONLY=1" in line.split() for line in cpp)
    assert not any(f in line.split() for line in cpp for f in ("-O2", "-O3"))
    (link_line,) = [line for line in lines if " -shared " in line]
    assert link_line.startswith("g++ "), link_line
    assert (tmp_path / "out").glob("polyline-*.whl")


def write_build_details(path: Path, base_prefix: Path, platform: str, suffix: str, headers: str) -> Path:
    """A PEP 739 build-details.json for a CPython 3.11 target (3.11 ships none; 3.14 does)."""
    details = {
        "schema_version": "1.0",
        "base_prefix": str(base_prefix),
        "platform": platform,
        "language": {"version": "3.11", "version_info": {
            "major": 3, "minor": 11, "micro": 2, "releaselevel": "final", "serial": 0}},
        "implementation": {"name": "cpython", "cache_tag": "cpython-311"},
        "abi": {"flags": [], "extension_suffix": suffix, "stable_abi_suffix": ".abi3.so"},
        "libpython": {"link_extensions": False},
        "c_api": {"headers": headers},
    }
    path.write_text(json.dumps(details, indent=2))
    return path


def only_module(wheel: Path, tmp_path: Path) -> bytes:
    with zipfile.ZipFile(wheel) as zf:
        (name,) = [n for n in zf.namelist() if n.startswith("acme_fast/_speedups.")]
        return name, zf.read(name)


def test_cross_build_for_linux_aarch64_imports_under_qemu(frontend_env, tmp_path):
    """Debian's aarch64 cross gcc in CC, the arm64 CPython's headers and suffix from its
    build-details.json: an aarch64 wheel, tagged as auditwheel says, whose module imports in
    that CPython under qemu."""
    if not shutil.which("aarch64-linux-gnu-gcc"):
        pytest.skip("no aarch64-linux-gnu-gcc (scripts/install-system-tools.sh installs it)")
    python, qemu = foreign_python("arm64")
    root = python.parents[2]
    details = write_build_details(tmp_path / "build-details.json", root / "usr", "linux-aarch64",
                                  ".cpython-311-aarch64-linux-gnu.so", "include/python3.11")
    project = copy_sample("c-extension", tmp_path)
    # Debian's pyconfig.h includes <aarch64-linux-gnu/python3.11/pyconfig.h>.
    env = dict(frontend_env, CC="aarch64-linux-gnu-gcc", CPPFLAGS=f"-I{root}/usr/include")
    pip_wheel(project, tmp_path / "out", env, f"build-details={details}")
    (wheel,) = (tmp_path / "out").glob("*.whl")
    # Debian's cross glibc is 2.36: its hypot() needs GLIBC_2.35, as auditwheel agrees.
    assert wheel.name.startswith("acme_fast-0.1.0-cp311-cp311-manylinux_2_"), wheel.name
    assert wheel.name.endswith("_aarch64.whl"), wheel.name
    assert auditwheel_platform(wheel) == wheel.name.rsplit("-", 1)[1].removesuffix(".whl")
    name, module = only_module(wheel, tmp_path)
    assert name == "acme_fast/_speedups.cpython-311-aarch64-linux-gnu.so"
    assert struct.unpack_from("<H", module, 18)[0] == 183  # EM_AARCH64
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    env = dict(os.environ, PYTHONPATH=str(site), PYTHONHOME=str(root / "usr"), QEMU_LD_PREFIX=str(root))
    out = run([qemu, "-L", root, python, project / "check_install.py"], env=env, cwd=tmp_path)
    assert out.stdout.strip() == "acme_fast ok"


def macho_facts(data: bytes) -> tuple:
    """(cpu type, LC_BUILD_VERSION platform, minimum OS as "X.Y") of a thin 64-bit Mach-O."""
    magic, cputype = struct.unpack_from("<II", data)
    assert magic == 0xFEEDFACF, hex(magic)
    (ncmds,) = struct.unpack_from("<I", data, 16)
    offset = 32
    for _ in range(ncmds):
        command, size = struct.unpack_from("<II", data, offset)
        if command == 0x32:  # LC_BUILD_VERSION
            platform, minos = struct.unpack_from("<II", data, offset + 8)
            return cputype, platform, f"{minos >> 16}.{(minos >> 8) & 0xFF}"
        offset += size
    raise AssertionError("no LC_BUILD_VERSION")


def test_cross_build_for_macos_arm64_with_zig(frontend_env, tmp_path):
    """zig (PyPI's ziglang) in CC and LDSHARED, a macOS arm64 CPython's suffix and platform
    from build-details.json: a `macosx_11_0_arm64` wheel whose module is an arm64 Mach-O for
    macOS 11.0, with `PyInit__speedups` exported and Python's symbols left to the loader."""
    # The zig binary itself: `python -m ziglang` would not find its package inside pip's
    # isolated build, whose sitecustomize hides the outer site-packages from child Pythons.
    zig_dir = run([TOOLS_BIN / "python", "-c", "import ziglang, os; print(os.path.dirname(ziglang.__file__))"]).stdout
    zig = f"{Path(zig_dir.strip()) / 'zig'} cc -target aarch64-macos.11.0"
    include = Path(sysconfig.get_paths()["include"])
    details = write_build_details(tmp_path / "build-details.json", include.parent, "macosx-11.0-arm64",
                                  ".cpython-311-darwin.so", include.name)
    project = copy_sample("c-extension", tmp_path)
    env = dict(frontend_env, CC=zig, LDSHARED=f"{zig} -shared -undefined dynamic_lookup")
    pip_wheel(project, tmp_path / "out", env, f"build-details={details}")
    (wheel,) = (tmp_path / "out").glob("*.whl")
    assert wheel.name == "acme_fast-0.1.0-cp311-cp311-macosx_11_0_arm64.whl"
    name, module = only_module(wheel, tmp_path)
    assert name == "acme_fast/_speedups.cpython-311-darwin.so"
    assert macho_facts(module) == (0x0100000C, 1, "11.0")  # CPU_TYPE_ARM64, PLATFORM_MACOS
    assert b"_PyInit__speedups" in module and b"_PyFloat_FromDouble" in module
    run([TOOLS_BIN / "twine", "check", "--strict", wheel])


def test_a_cross_build_with_the_hosts_compiler_is_refused(frontend_env, tmp_path):
    """A build-details.json for aarch64 and no CC: the host compiler builds x86_64 code, and
    the build says so (no wheel) instead of tagging it."""
    include = Path(sysconfig.get_paths()["include"])
    details = write_build_details(tmp_path / "build-details.json", include.parent, "linux-aarch64",
                                  ".cpython-311-aarch64-linux-gnu.so", include.name)
    project = copy_sample("c-extension", tmp_path)
    env = {k: v for k, v in frontend_env.items() if k not in ("CC", "LDSHARED")}
    proc = pip_wheel(project, tmp_path / "out", env, f"build-details={details}", check=False)
    assert proc.returncode != 0
    text = " ".join((proc.stdout + proc.stderr).split())
    assert "the extension modules were compiled for manylinux_2_" in text, text
    assert "_x86_64, but the build is for `linux-aarch64` (-C build-details); set CC" in text, text
    assert not list((tmp_path / "out").glob("*.whl"))


def test_a_build_details_file_without_headers_is_refused(frontend_env, tmp_path):
    include = Path(sysconfig.get_paths()["include"])
    details = write_build_details(tmp_path / "build-details.json", include.parent, "linux-x86_64",
                                  ".cpython-311-x86_64-linux-gnu.so", include.name)
    data = json.loads(details.read_text())
    del data["c_api"]
    details.write_text(json.dumps(data))
    project = copy_sample("c-extension", tmp_path)
    proc = pip_wheel(project, tmp_path / "out", frontend_env, f"build-details={details}", check=False)
    assert proc.returncode != 0
    text = " ".join((proc.stdout + proc.stderr).split())
    assert f"the build-details file `{details}` (-C build-details) has no `c_api.headers`" in text, text


def test_native_smoke_script_builds_and_checks_what_the_runners_build(frontend_env, wheelhouse, tmp_path):
    """scripts/native_smoke.py, which .github/workflows/native.yml runs on Windows and macOS:
    here on Linux, one sample and one real project (fetched from the index) through it."""
    script = Path(__file__).resolve().parents[2] / "scripts" / "native_smoke.py"
    out = run([sys.executable, script, wheelhouse, "--sample", "c-extension", "--real", "markupsafe"],
              env=frontend_env, cwd=tmp_path).stdout
    assert "ok: acme_fast-0.1.0-cp311-cp311-manylinux_" in out, out
    assert "ok: markupsafe-3.0.4-cp311-cp311-manylinux_" in out, out
    bad = run([sys.executable, script, wheelhouse, "--real", "numpy"], env=frontend_env, check=False)
    assert bad.returncode == 2 and "unknown argument 'numpy'" in bad.stderr


def test_the_documented_cibuildwheel_workflow_passes_actionlint(tmp_path):
    """docs/platforms.md's workflow for authors, as a file of its own, is valid for
    actionlint (which also checks this project's own workflows in scripts/test.sh)."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "platforms.md").read_text()
    (workflow,) = [block.split("\n```", 1)[0] for block in docs.split("```yaml\n")[1:]]
    path = tmp_path / ".github" / "workflows" / "wheels.yml"
    path.parent.mkdir(parents=True)
    path.write_text(workflow)
    run([TOOLS_BIN / "actionlint", "-no-color", path], cwd=tmp_path)
    assert "pypa/cibuildwheel@" in workflow and "windows-latest" in workflow and "macos-latest" in workflow
