"""`rustbackend migrate [DIR] [--write] [--verify]`: switch a project to rustbackend.

The translation itself is in Rust (src/migrate/); this front reads setup.py and setup.cfg
(`_setup_facts`), asks the old backend, in isolation, for the values it computes, prints the
change as a diff with every refusal at its line, writes pyproject.toml, and with `--verify`
builds the wheel and sdist with both backends and compares them (`_compare`).
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from email.parser import HeaderParser

import rustbackend

from . import _compare, _isolated, _setup_facts

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Tuple


def _answers(result: "Dict[str, Any]", project: str, say: "Any") -> "List[Tuple[str, str]]":
    """The fields the Rust side asked for, from the old backend's
    prepare_metadata_for_build_wheel (or its wheel's METADATA when it has no such hook)."""
    requires, backend, backend_path = result["old_build_system"]
    fields = sorted({field for field, _, _ in result["ask"]})
    say(f"asking {backend} for {', '.join(fields)} (in an isolated environment)")
    old = _isolated.IsolatedBackend(project, list(requires), backend, list(backend_path))
    try:
        old.prepare("wheel")
        out = os.path.join(old.scratch, "metadata")
        os.makedirs(out)
        name = old.call("prepare_metadata_for_build_wheel", out, {})
        if name is None:
            wheel = old.call("build_wheel", out, {})
            text = _compare.wheel_member(os.path.join(out, wheel), "METADATA")
        else:
            with open(os.path.join(out, name, "METADATA"), encoding="utf-8") as f:
                text = f.read()
    finally:
        old.close()
    return [(field, json.dumps(value)) for field, value in _metadata_values(text, fields)]


def _metadata_values(text: str, fields: "List[str]") -> "List[Tuple[str, Any]]":
    message = HeaderParser().parsestr(text)
    values = []
    for field in fields:
        if field == "version" and message.get("Version"):
            values.append((field, message["Version"]))
        elif field == "description" and message.get("Summary") is not None:
            values.append((field, message["Summary"]))
        elif field == "requires-python" and message.get("Requires-Python"):
            values.append((field, message["Requires-Python"]))
        elif field == "classifiers":
            values.append((field, message.get_all("Classifier") or []))
        elif field == "keywords" and message.get("Keywords"):
            values.append((field, [k.strip() for k in message["Keywords"].split(",") if k.strip()]))
        elif field == "dependencies":
            values.append((field, [r for r in message.get_all("Requires-Dist") or [] if "extra ==" not in r]))
        elif field == "readme" and message.get_payload():
            values.append((field, {"text": message.get_payload(),
                                   "content-type": message.get("Description-Content-Type", "text/x-rst")}))
    return values


def _diff(before: str, after: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(True), after.splitlines(True),
                                        "pyproject.toml (before)", "pyproject.toml (after)"))


def run(path: str, write: bool, verify: bool, consult: bool, out: "Any") -> int:
    """Runs the command; returns the exit code (0 only when everything was carried and,
    with `verify`, both backends built the same artifacts)."""
    native = rustbackend._core()
    project = os.path.abspath(path)
    try:
        facts = _setup_facts.facts(project)
    except SyntaxError as e:
        raise rustbackend.BuildError(f"setup.py:{e.lineno}: cannot be parsed: {e.msg}") from None
    result = native.migrate(project, json.dumps(facts), [])
    if result["ask"] and consult:
        try:
            answers = _answers(result, project, lambda text: sys.stderr.write(text + "\n"))
        except _isolated.HookFailed as e:
            raise rustbackend.BuildError(f"the old backend could not be asked for its metadata: {e}") from None
        result = native.migrate(project, json.dumps(facts), answers)
    refusals = list(result["refusals"])
    for field, file, line in result["ask"]:
        refusals.append((file, line, field, "computed by the old backend (run without --no-consult to ask it)"))
    differences: "List[str]" = []
    if verify:
        differences, result["after"] = _verify(project, result)
    diff = _diff(result["before"], result["after"])
    if diff:
        out.result(diff.rstrip("\n"))
    for note in result["notes"]:
        sys.stderr.write(f"note: {note}\n")
    for file, line, key, why in refusals:
        where = f"{file}:{line}" if line else file
        sys.stderr.write(f"{out.bad('not carried')}: {where}: `{key}`: {why}\n")
    if write:
        with open(os.path.join(project, "pyproject.toml"), "w", encoding="utf-8", newline="") as f:
            f.write(result["after"])
        out.result(f"{out.good('wrote')} {os.path.join(path, 'pyproject.toml')}")
    status = 0
    if refusals:
        sys.stderr.write(f"{len(refusals)} setting(s) of {result['backend']} not carried; the old tables that hold them are kept\n")
        status = 1
    if verify:
        for line in differences:
            out.result(f"{out.bad('differs')}: {line}")
        if differences:
            status = 1
        else:
            out.result(f"{out.good('verified')}: {result['backend']} and rustbackend build the same wheel and sdist")
    elif not refusals:
        sys.stderr.write("everything was carried; `rustbackend migrate --verify` builds with both backends and compares\n")
    return status


def _build(env: "_isolated.IsolatedBackend", target: str, label: str) -> "Dict[str, str]":
    os.makedirs(target)
    built = {}
    for kind in ("sdist", "wheel"):
        sys.stderr.write(f"building the {kind} with {label}\n")
        env.prepare(kind)
        built[kind] = os.path.join(target, env.call(f"build_{kind}", target, {}))
    return built


def _verify(project: str, result: "Dict[str, Any]") -> "Tuple[List[str], str]":
    """Builds the wheel and sdist with the old backend and with rustbackend (each isolated,
    in a copy of the project; rustbackend's with the migrated pyproject.toml) and returns
    every difference that matters, and the migrated text. Files one sdist holds and the
    other does not are carried as `sdist.include` / `sdist.exclude`, files only rustbackend's
    wheel holds as `wheel.exclude`, and generated files only the old wheel holds, which an
    ignore rule covers, as `artifacts`; then rustbackend builds again."""
    requires, backend, backend_path = result["old_build_system"]
    text = result["after"]
    scratch = tempfile.mkdtemp(prefix="rustbackend-verify-")
    try:
        old = _isolated.IsolatedBackend(project, list(requires), backend, list(backend_path))
        try:
            theirs = _build(old, os.path.join(scratch, "old"), backend)
        except _isolated.HookFailed as e:
            return [str(e)], text
        finally:
            old.close()
        for attempt in range(2):
            new = _isolated.IsolatedBackend(project, [], "rustbackend", [], extra_path=_isolated.our_package_path(scratch))
            try:
                with open(os.path.join(new.project, "pyproject.toml"), "w", encoding="utf-8") as f:
                    f.write(text)
                # The rewritten pyproject.toml is the change being verified, not a dirty tree:
                # a version from git tags must come out as it will once it is committed.
                if os.path.exists(os.path.join(new.project, ".git")):
                    subprocess.run(["git", "update-index", "--assume-unchanged", "pyproject.toml"],
                                   cwd=new.project, capture_output=True)
                ours = _build(new, os.path.join(scratch, f"new{attempt}"), "rustbackend")
                fixes = _fixes(project, new.project, theirs, ours) if attempt == 0 else {}
            except _isolated.HookFailed as e:
                return [str(e)], text
            finally:
                new.close()
            if not fixes:
                break
            for setting, globs in fixes.items():
                text = rustbackend._core().migrate_add_globs(text, setting, globs)
        return (_compare.wheels(theirs["wheel"], ours["wheel"]) + _compare.sdists(theirs["sdist"], ours["sdist"], project)), text
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _fixes(project: str, copy: str, theirs: "Dict[str, str]", ours: "Dict[str, str]") -> "Dict[str, List[str]]":
    """The settings that make rustbackend pack the files the old backend packed."""
    import glob as globs_module

    fixes: "Dict[str, List[str]]" = {}
    only_theirs, only_ours = _compare.sdist_only(theirs["sdist"], ours["sdist"], project)
    only_theirs = [p for p in only_theirs if os.path.isfile(os.path.join(project, p))]
    if only_theirs:
        fixes["sdist.include"] = [globs_module.escape(p) for p in only_theirs]
    if only_ours:
        fixes["sdist.exclude"] = [globs_module.escape(p) for p in only_ours]
    theirs_licenses, ours_licenses = _compare.license_files(theirs["wheel"]), _compare.license_files(ours["wheel"])
    if theirs_licenses != ours_licenses and theirs_licenses:
        fixes["project.license-files"] = [globs_module.escape(p) for p in theirs_licenses]
    only_theirs, only_ours = _compare.wheel_only(theirs["wheel"], ours["wheel"])
    native = rustbackend._core()
    files, left_out, _, _ = native.list_files(copy, "wheel", None, rustbackend._interpreter())
    sources = dict(files)
    for name in only_ours:
        source = sources.get(name, "")
        if source and not source.startswith("<"):
            fixes.setdefault("wheel.exclude", []).append(globs_module.escape(source))
    for name in only_theirs:
        for path, why in left_out:
            if (path == name or path.endswith("/" + name)) and "ignore" in why:
                fixes.setdefault("artifacts", []).append(globs_module.escape(path))
    return fixes
