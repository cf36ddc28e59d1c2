"""Fetching real projects from PyPI for the real-project tests, and what their wheels hold."""

from __future__ import annotations

import hashlib
import json
import os
import urllib.request
import zipfile
from pathlib import Path

from packaging.utils import canonicalize_name, parse_wheel_filename


def download(project: str, version: str, dest: Path, compiled: bool = False) -> tuple:
    """The sdist and the wheel of `project==version`: the pure-Python one, or with
    `compiled` the CPython 3.11 manylinux x86_64 one (whatever its glibc), fetched straight
    from the index's JSON simple API (PEP 691) and checked against its sha256 digests.
    (`pip download --no-binary` would prepare the sdist's metadata, building its backend from
    source.)"""
    index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple").rstrip("/")
    request = urllib.request.Request(
        f"{index}/{canonicalize_name(project)}/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        files = json.load(response)["files"]

    def wanted(name: str) -> str:
        if name.endswith(".tar.gz"):
            stem, _, tail = name[: -len(".tar.gz")].rpartition("-")
            return "sdist" if canonicalize_name(stem) == canonicalize_name(project) and tail == version else ""
        if name.endswith(".whl"):
            found, found_version, _, tags = parse_wheel_filename(name)
            if compiled:
                fits = any(t.interpreter == t.abi == "cp311" and t.platform.startswith("manylinux")
                           and t.platform.endswith("_x86_64") for t in tags)
            else:
                fits = any(t.abi == "none" and t.platform == "any" and t.interpreter.startswith("py3") for t in tags)
            return "wheel" if found == canonicalize_name(project) and str(found_version) == version and fits else ""
        return ""

    got = {}
    dest.mkdir(parents=True)
    for entry in files:
        kind = wanted(entry["filename"])
        if kind and kind not in got:
            with urllib.request.urlopen(entry["url"], timeout=120) as response:
                data = response.read()
            assert hashlib.sha256(data).hexdigest() == entry["hashes"]["sha256"], entry["filename"]
            got[kind] = dest / entry["filename"]
            got[kind].write_bytes(data)
    return got["sdist"], got["wheel"]


def payload(wheel: Path) -> list:
    """The wheel's members outside its .dist-info directory, sorted."""
    with zipfile.ZipFile(wheel) as zf:
        return sorted(n for n in zf.namelist() if ".dist-info/" not in n)
