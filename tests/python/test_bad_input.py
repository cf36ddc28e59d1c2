"""Bad input and hostile trees: every failure reaches the caller as `rustbackend.BuildError`
with the exact expected message (file, key, line where known, and a hint), never a panic or
another exception, and leaves nothing in the output directory."""

from __future__ import annotations

import json
import os
import socket
import stat
import textwrap
from pathlib import Path

import pytest

from conftest import CORPUS, materialize_case, run
from helpers import build_error, call, simple_project

ERROR_CASES = sorted(p.name for p in CORPUS.iterdir() if p.name.startswith("error-"))
HOOKS = ["build_wheel", "build_sdist", "build_editable", "prepare_metadata_for_build_wheel"]

RUNNER = textwrap.dedent("""
    import json, os, sys, rustbackend
    results = {}
    for project in sys.argv[2:]:
        os.chdir(project)
        case = os.path.basename(project)
        for hook in %r:
            out = os.path.join(sys.argv[1], case, hook)
            try:
                getattr(rustbackend, hook)(out)
                outcome = ["no error", ""]
            except rustbackend.BuildError as e:
                outcome = ["BuildError", str(e)]
            except BaseException as e:
                outcome = [type(e).__module__ + "." + type(e).__name__, str(e)]
            results[case + " " + hook] = outcome
        try:
            rustbackend._core().check_project(project)
            results[case + " check"] = ["no error", ""]
        except rustbackend.BuildError as e:
            results[case + " check"] = ["BuildError", str(e)]
    print(json.dumps(results))
""" % (HOOKS,))


def test_the_suite_is_large_enough():
    assert len(ERROR_CASES) >= 50


@pytest.fixture(scope="module")
def outcomes(backend_venv, tmp_path_factory):
    base = tmp_path_factory.mktemp("bad-input")
    projects = [str(materialize_case(CORPUS / case, base / "src" / case)) for case in ERROR_CASES]
    out = base / "out"
    result = run([backend_venv.python, "-c", RUNNER, out, *projects], env=backend_venv.env, cwd=base)
    assert "panicked" not in result.stderr and "RUST_BACKTRACE" not in result.stderr, result.stderr
    return out, json.loads(result.stdout)


@pytest.mark.parametrize("case", ERROR_CASES)
def test_bad_input_fails_cleanly_with_the_exact_message(case, outcomes):
    out, results = outcomes
    expected = (CORPUS / case / "expected.error").read_text("utf-8").rstrip("\n")
    for hook in HOOKS:
        kind, message = results[f"{case} {hook}"]
        assert kind == "BuildError", f"{hook}: {kind}: {message}"
        assert message == expected, f"{hook}"
        assert "pyproject.toml" in message
        assert "help:" in message
        leftovers = [str(p) for p in (out / case / hook).rglob("*")] if (out / case / hook).exists() else []
        assert leftovers == [], f"{hook} left {leftovers}"
    # `rustbackend check PROJECT` finds what the build refuses, in the same words.
    assert results[f"{case} check"] == ["BuildError", expected]


@pytest.mark.parametrize("kind", ["fifo", "socket", "device"])
def test_special_files_are_errors_before_any_open(kind, backend_venv, tmp_path):
    project = simple_project(tmp_path)
    special = project / "src" / "proj" / f"special-{kind}"
    if kind == "fifo":
        os.mkfifo(special)  # a read would block forever
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(special))
    else:
        os.mknod(special, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
    for hook in ("build_wheel", "build_sdist"):
        message = build_error(backend_venv, project, hook)
        assert f"src/proj/special-{kind}` is not a regular file (a pipe, socket or device)" in message
    # `rustbackend check PROJECT` walks the same manifest, so it refuses the same file.
    checked = run([backend_venv.bin / "rustbackend", "check", project], env=backend_venv.env, check=False)
    assert checked.returncode == 1
    assert f"src/proj/special-{kind}` is not a regular file (a pipe, socket or device)" in checked.stdout


def test_output_directory_that_is_a_file_is_a_clear_error(backend_venv, tmp_path):
    project = simple_project(tmp_path)
    (tmp_path / "blocker").write_text("")
    message = call(backend_venv, project, """
        import rustbackend
        try:
            rustbackend.build_wheel("../blocker/out")
        except rustbackend.BuildError as e:
            print("BuildError:", e)
    """).stdout
    assert "BuildError: could not create the output directory" in message
    assert "blocker/out" in message


def test_unwritable_output_directory_is_a_clear_error(backend_venv, tmp_path):
    if os.geteuid() == 0:
        # root writes anywhere; a read-only bind is not available here, so use a full
        # pseudo-filesystem instead: /proc cannot hold files.
        target = "/proc/rustbackend-out"
    else:
        target = str(tmp_path / "ro")
        os.mkdir(target, 0o500)
    project = simple_project(tmp_path)
    message = call(backend_venv, project, f"""
        import rustbackend
        try:
            rustbackend.build_wheel({target!r})
        except rustbackend.BuildError as e:
            print("BuildError:", e)
    """).stdout
    assert message.startswith("BuildError: could not create")
    assert target in message


@pytest.mark.parametrize("epoch", ["0", "100", "5000000000"])
def test_timestamps_outside_zip_range_are_clamped(epoch, backend_venv, tmp_path):
    import tarfile
    import zipfile

    project = simple_project(tmp_path)
    run([backend_venv.python, "-c", "import rustbackend; rustbackend.build_wheel('../out'); rustbackend.build_sdist('../out')"],
        env=dict(backend_venv.env, SOURCE_DATE_EPOCH=epoch), cwd=project)
    with zipfile.ZipFile(tmp_path / "out" / "proj-1.0-py3-none-any.whl") as zf:
        years = {i.date_time[0] for i in zf.infolist()}
    assert years <= set(range(1980, 2108))
    with tarfile.open(tmp_path / "out" / "proj-1.0.tar.gz") as tf:
        assert {m.mtime for m in tf.getmembers()} == {int(epoch)}


def test_control_characters_in_file_names_are_errors(backend_venv, tmp_path):
    project = simple_project(tmp_path)
    (project / "src" / "proj" / "bad\tname.py").write_text("")
    message = build_error(backend_venv, project)
    assert "has the control character '\\t' in its name" in message


def test_backslash_in_file_names_is_an_error(backend_venv, tmp_path):
    project = simple_project(tmp_path)
    (project / "src" / "proj" / "bad\\name.py").write_text("")
    message = build_error(backend_venv, project, "build_sdist")
    assert "has a backslash in its name" in message


def test_external_link_needs_the_opt_in_key(backend_venv, tmp_path):
    import zipfile

    shared = tmp_path / "shared-LICENSE"
    shared.write_text("Shared license for the monorepo\n")
    project = simple_project(tmp_path)
    (project / "LICENSE").symlink_to(shared)
    message = build_error(backend_venv, project)
    assert "LICENSE` is a link to `" in message and "allow-external-links = true" in message
    with open(project / "pyproject.toml", "a") as f:
        f.write("\n[tool.rustbackend]\nallow-external-links = true\n")
    call(backend_venv, project, "import rustbackend; rustbackend.build_wheel('../out'); rustbackend.build_sdist('../out')")
    with zipfile.ZipFile(tmp_path / "out" / "proj-1.0-py3-none-any.whl") as zf:
        assert zf.read("proj-1.0.dist-info/licenses/LICENSE") == b"Shared license for the monorepo\n"


def test_zip_entries_carry_sizes_in_local_headers(built):
    """No data descriptors (general purpose flag bit 3), which PyPI rejects."""
    import struct
    import zipfile

    for b in built.values():
        raw = b.wheel.read_bytes()
        with zipfile.ZipFile(b.wheel) as zf:
            for info in zf.infolist():
                assert info.flag_bits & 0x08 == 0, info.filename
                offset = info.header_offset
                signature, _, flags, _, _, _, crc, csize, usize = struct.unpack("<IHHHHHIII", raw[offset:offset + 26])
                assert signature == 0x04034B50
                assert (crc, csize, usize) == (info.CRC, info.compress_size, info.file_size) or info.file_size >= 0xFFFFFFFF


def test_the_shipped_classifier_list_is_generated_from_the_pinned_package():
    """src/plan/classifiers.txt is what scripts/update-classifiers.py makes of the pinned
    trove-classifiers; a bump of the pin without regenerating the list fails here."""
    import sys
    from conftest import ROOT

    result = run([sys.executable, ROOT / "scripts" / "update-classifiers.py", "--check"], check=False)
    assert result.returncode == 0, result.stderr


def rewrite_wheel(wheel: Path, dest: Path, changes: dict) -> Path:
    """A copy of `wheel` with members replaced or added (`changes`: name -> bytes) and a RECORD
    that matches, so `check` sees only the problem put in on purpose."""
    import base64
    import hashlib
    import zipfile

    with zipfile.ZipFile(wheel) as src:
        members = {name: src.read(name) for name in src.namelist()}
    record = next(n for n in members if n.endswith(".dist-info/RECORD"))
    members.update(changes)
    lines = []
    for name, data in members.items():
        if name != record:
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            lines.append(f"{name},sha256={digest},{len(data)}")
    members[record] = ("\n".join(lines + [f"{record},,"]) + "\n").encode()
    with zipfile.ZipFile(dest, "w") as dst:
        for name, data in members.items():
            dst.writestr(name, data)
    return dest


def test_check_finds_in_artifacts_what_the_build_refuses(backend_venv, tmp_path):
    """Artifacts made by other tools (or by hand) with what our build refuses or warns about:
    `rustbackend check` names each problem."""
    project = simple_project(tmp_path)
    (project / "LICENSE").write_text("MIT License\n")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "proj"\nversion = "1.0"\nlicense = "MIT"\n'
        'classifiers = ["Programming Language :: Python :: 3"]\n'
        '[project.scripts]\nproj = "proj:main"\n'
    )
    call(backend_venv, project, "import rustbackend; rustbackend.build_wheel('../dist')")
    wheel = tmp_path / "dist" / "proj-1.0-py3-none-any.whl"
    rb = backend_venv.bin / "rustbackend"
    assert run([rb, "check", wheel], env=backend_venv.env).stdout.startswith("OK ")

    import zipfile
    with zipfile.ZipFile(wheel) as zf:
        metadata = zf.read("proj-1.0.dist-info/METADATA").decode()
    info = "proj-1.0.dist-info/"
    cases = {
        "script-name": ({info + "entry_points.txt": b"[console_scripts]\n../evil = proj:main\n"},
                        'entry_points.txt: the entry point name "../evil" is not valid: it holds `/`'),
        "group-name": ({info + "entry_points.txt": b"[my/group]\nx = proj:main\n"},
                       'entry_points.txt: the group name "my/group" is not valid: it holds `/`'),
        "missing-module": ({info + "entry_points.txt": b"[console_scripts]\nproj = proj.nosuchmod:main\n"},
                           "entry_points.txt: `proj` names the module `proj.nosuchmod`, which the wheel does not hold, inside its own `proj`"),
        "license-bytes": ({info + "licenses/LICENSE": b"Copyright \xa9 2024\n"},
                          "the license file `proj-1.0.dist-info/licenses/LICENSE` is not UTF-8 (first bad byte at offset 10)"),
        "classifier": ({info + "METADATA": metadata.replace("Classifier: Programming Language :: Python :: 3",
                                                            "Classifier: Programming Language :: Pyhton :: 3").encode()},
                       'METADATA: `Programming Language :: Pyhton :: 3` is not a trove classifier; PyPI refuses uploads with unknown classifiers (did you mean "Programming Language :: Python :: 3"?)'),
        "license-expression": ({info + "METADATA": metadata.replace("License-Expression: MIT", "License-Expression: MIT License").encode()},
                               "METADATA: License-Expression `MIT License` is not an SPDX license expression (SPDX writes it as `MIT`)"),
    }
    for case, (changes, problem) in cases.items():
        (tmp_path / case).mkdir()
        bad = rewrite_wheel(wheel, tmp_path / case / wheel.name, changes)
        result = run([rb, "check", bad], env=backend_venv.env, check=False)
        assert result.returncode == 1, case
        assert f"  - {problem}" in result.stdout, f"{case}: {result.stdout}"

    # A module outside the wheel's own packages may come from a dependency: a warning.
    (tmp_path / "elsewhere").mkdir()
    elsewhere = rewrite_wheel(wheel, tmp_path / "elsewhere" / wheel.name,
                              {info + "entry_points.txt": b"[pytest11]\nproj = _pytest.proj_plugin\n"})
    result = run([rb, "check", elsewhere], env=backend_venv.env)
    assert result.stdout.startswith("OK "), result.stdout
    assert "warning: entry_points.txt: `proj` names the module `_pytest.proj_plugin`" in result.stderr

    missing = run([rb, "check", tmp_path / "no" / "such.whl"], env=backend_venv.env, check=False)
    assert missing.returncode == 1
    assert f"no such file: `{tmp_path / 'no' / 'such.whl'}`" in missing.stdout


def peak_rss_of(cmd, env) -> tuple:
    """Runs `cmd`; returns (the process, its peak resident memory in bytes, Linux's ru_maxrss
    in KiB), from a wrapper so that only this child is measured."""
    import sys

    code = ("import resource, subprocess, sys\n"
            "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
            "sys.stdout.write(p.stdout); sys.stderr.write(p.stderr)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024, file=sys.stderr)\n"
            "sys.exit(p.returncode)")
    proc = run([sys.executable, "-c", code, *cmd], env=env, check=False)
    return proc, int(proc.stderr.strip().splitlines()[-1])


@pytest.mark.slow
def test_check_streams_a_wheel_whose_member_inflates_to_4_gib(backend_venv, tmp_path):
    """A 4 MB wheel whose one member inflates to 4 GiB of zeros: `check` streams it through
    the hash and size checks in bounded memory (it used to hold each member whole)."""
    import base64
    import hashlib
    import zipfile

    wheel = tmp_path / "bomb-1.0-py3-none-any.whl"
    size = 4 * 1024**3
    digest = hashlib.sha256()
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb/__init__.py", "")
        with zf.open("bomb/zeros.bin", "w", force_zip64=True) as member:
            for _ in range(size // len(chunk)):
                member.write(chunk)
                digest.update(chunk)
        zf.writestr("bomb-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: bomb\nVersion: 1.0\n")
        zf.writestr("bomb-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        empty = base64.urlsafe_b64encode(hashlib.sha256(b"").digest()).rstrip(b"=").decode()
        zeros = base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()
        lines = [f"bomb/__init__.py,sha256={empty},0", f"bomb/zeros.bin,sha256={zeros},{size}"]
        for name in ("METADATA", "WHEEL"):
            data = zf.read(f"bomb-1.0.dist-info/{name}")
            hashed = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            lines.append(f"bomb-1.0.dist-info/{name},sha256={hashed},{len(data)}")
        zf.writestr("bomb-1.0.dist-info/RECORD", "\n".join(lines + ["bomb-1.0.dist-info/RECORD,,"]) + "\n")
    assert wheel.stat().st_size < 8 * 1024**2
    proc, peak = peak_rss_of([backend_venv.bin / "rustbackend", "check", wheel], backend_venv.env)
    assert proc.stdout.startswith("OK "), proc.stdout + proc.stderr
    assert peak < 200 * 1024**2, f"peak RSS {peak} bytes"


def test_check_does_not_follow_a_member_past_its_declared_size(backend_venv, tmp_path):
    """A member whose headers declare 1,000 bytes but whose data inflates to 8 MiB is reported
    and not followed."""
    import struct
    import zipfile

    wheel = tmp_path / "liar-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("liar/data.bin", bytes(8 * 1024**2))
    raw = bytearray(wheel.read_bytes())
    local = raw.index(b"PK\x03\x04")
    central = raw.index(b"PK\x01\x02")
    struct.pack_into("<I", raw, local + 22, 1000)    # the local header's uncompressed size
    struct.pack_into("<I", raw, central + 24, 1000)  # the central directory's
    wheel.write_bytes(bytes(raw))
    result = run([backend_venv.bin / "rustbackend", "check", wheel], env=backend_venv.env, check=False)
    assert result.returncode == 1
    # The zip reader stops at the declared size itself; check's own guard says the same.
    assert ("`liar/data.bin` cannot be read: File is larger than its declared uncompressed size" in result.stdout
            or "`liar/data.bin` inflates to more than the 1000 bytes it declares" in result.stdout), result.stdout
