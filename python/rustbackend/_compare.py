"""What `rustbackend migrate --verify` compares between the old backend's artifacts and
rustbackend's: the wheel's files and their bytes (compiled modules by name only: two
compilers never agree on bytes), its tags, METADATA fields (normalised: Metadata-Version,
the order of lists, `Author` + `Author-email` against `Author-email: Name <email>`),
entry points, and the sdist's member list (`PKG-INFO` and setuptools' `*.egg-info/` aside).
"""

from __future__ import annotations

import configparser
import hashlib
import os
import re
import tarfile
import zipfile
from email.message import Message
from email.parser import HeaderParser

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, List, Set, Tuple

_BINARY = re.compile(r"\.(so|pyd|dylib|dll)$|\.so\.")
# Files of setuptools' .dist-info that no installer reads.
_SETUPTOOLS_ONLY = {"top_level.txt", "zip-safe", "not-zip-safe", "dependency_links.txt", "namespace_packages.txt",
                    "pbr.json", "scm_file_list.json", "scm_version.json"}
_GENERATED = {"setup.cfg", "pyproject.toml.orig"}
_IGNORED_FIELDS = {"metadata-version", "dynamic", "generator"}
_LIST_FIELDS = {"classifier", "provides-extra", "project-url", "license-file", "requires-dist", "requires-external"}


def wheel_member(path: str, name: str) -> str:
    """The text of `*.dist-info/<name>` in a wheel ("" when absent)."""
    with zipfile.ZipFile(path) as zf:
        for member in zf.namelist():
            if member.count("/") == 1 and member.split("/")[0].endswith(".dist-info") and member.endswith("/" + name):
                return zf.read(member).decode("utf-8")
    return ""


def _payload(path: str) -> "Dict[str, str]":
    out = {}
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            name = info.filename
            if name.endswith("/"):
                continue
            top = name.split("/")[0]
            if top.endswith(".dist-info"):
                continue
            out[name] = "binary" if _BINARY.search(name) else hashlib.sha256(zf.read(info)).hexdigest()
    return out


def _dist_info_files(path: str) -> "Set[str]":
    # License files sit at the top of .dist-info before PEP 639 and under licenses/ since.
    with zipfile.ZipFile(path) as zf:
        names = {n.split("/", 1)[1] for n in zf.namelist()
                 if n.split("/")[0].endswith(".dist-info") and "/" in n and not n.endswith("/")}
    return {n[len("licenses/"):] if n.startswith("licenses/") else n for n in names} - _SETUPTOOLS_ONLY - {"RECORD"}


def _requirement(text: str) -> str:
    """A requirement with its spacing and parentheses normalised (`a (>=1,<2) ; x` -> `a>=1,<2;x`)."""
    name_part, _, marker = text.partition(";")
    name_part = re.sub(r"[()\s]", "", name_part)
    match = re.match(r"([A-Za-z0-9._-]+)(.*)", name_part)
    if match:
        name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
        rest = match.group(2)
        extras, specs = "", rest
        if rest.startswith("["):
            extras, _, specs = rest.partition("]")
            extras = "[" + ",".join(sorted(e for e in extras[1:].split(",") if e)) + "]"
        specs = ",".join(sorted(_spec(s) for s in specs.split(",") if s))
        name_part = name + extras + specs
    marker = re.sub(r"\s+", " ", marker.replace("'", '"')).strip()
    marker = re.sub(r"\s*(===|==|!=|<=|>=|~=|<|>)\s*", r" \1 ", marker).replace("  ", " ")
    return name_part + (";" + marker if marker else "")


def _expanded(requirements: "List[str]", own_name: str) -> "List[str]":
    """Requires-Dist as (extra, requirement) pairs, with the project's requirements on its own
    extras (`attrs[tests]; extra == "cov"`) replaced by those extras' requirements, as an
    installer resolves them (hatchling writes them expanded, rustbackend as written)."""
    own = re.sub(r"[-_.]+", "-", own_name).lower()
    by_extra: "Dict[str, Set[str]]" = {}
    for text in requirements:
        requirement, _, marker = text.partition(";")
        extra = ""
        found = re.search(r"""(?:and\s+)?extra\s*==\s*["']([^"']+)["']""", marker)
        if found:
            extra = re.sub(r"[-_.]+", "-", found.group(1)).lower()
            marker = (marker[:found.start()] + marker[found.end():]).strip()
            marker = re.sub(r"^\((.*)\)$", r"\1", marker.strip()).strip()
        normal = _requirement(requirement + (";" + marker if marker else ""))
        by_extra.setdefault(extra, set()).add(normal)
    def members(extra: str, seen: "Set[str]") -> "Set[str]":
        out: "Set[str]" = set()
        for normal in by_extra.get(extra, set()):
            match = re.match(re.escape(own) + r"\[([^\]]+)\]$", normal)
            if match:
                for inner in match.group(1).split(","):
                    if inner not in seen:
                        out |= members(inner, seen | {inner})
            else:
                out.add(normal)
        return out
    return sorted(f"{extra}: {r}" if extra else r for extra in by_extra for r in members(extra, {extra}))


def _spec(clause: str) -> str:
    """`<2.0.0` and `<2` are one bound: trailing `.0` parts dropped."""
    match = re.match(r"([<>=!~]+)([0-9.]+)$", clause)
    if not match:
        return clause
    version = re.sub(r"(\.0)+$", "", match.group(2)) or "0"
    return match.group(1) + version


def _people(message: "Message") -> "Set[Tuple[str, str]]":
    found: "Set[Tuple[str, str]]" = set()
    for role in ("Author", "Maintainer"):
        names = [n.strip() for n in (message.get(role) or "").split(",") if n.strip()]
        emails = []
        for item in (message.get(f"{role}-email") or "").split(","):
            item = item.strip()
            if not item:
                continue
            named = re.match(r'"?([^"<]*?)"?\s*<([^>]+)>', item)
            if named:
                names.append(named.group(1).strip())
                emails.append(named.group(2).strip())
            else:
                emails.append(item)
        found |= {(role, n) for n in names} | {(role, "<" + e + ">") for e in emails}
    return found


def metadata(text: str) -> "Dict[str, object]":
    """METADATA as comparable values."""
    message = HeaderParser().parsestr(text)
    values: "Dict[str, object]" = {}
    for key in {k.lower() for k in message.keys()}:
        # License-File names the files under .dist-info/licenses/, which are compared as files.
        if key in _IGNORED_FIELDS or key in ("author", "author-email", "maintainer", "maintainer-email", "license-file"):
            continue
        all_values = message.get_all(key) or []
        if key == "requires-dist":
            values[key] = _expanded(all_values, message.get("Name") or "")
        elif key == "keywords":
            values[key] = sorted(k.strip() for k in all_values[0].replace(" ", ",").split(",") if k.strip())
        elif key == "requires-python":
            values[key] = ",".join(sorted(c.strip() for c in all_values[0].replace(" ", "").split(",")))
        elif key in _LIST_FIELDS:
            values[key] = sorted(v.strip() for v in all_values)
        else:
            values[key] = " ".join(all_values[0].split())
    values["people"] = sorted(_people(message))
    # Home-page and Download-URL are the Project-URLs "Homepage" and "Download" (PEP 753);
    # without Description-Content-Type a readme is reStructuredText.
    urls = list(values.pop("project-url", []))  # type: ignore[call-overload]
    for field, label in (("home-page", "Homepage"), ("download-url", "Download")):
        if field in values:
            urls.append(f"{label}, {values.pop(field)}")
    if urls:
        values["project-url"] = sorted(set(urls))
    if values.get("description-content-type") == "text/x-rst":
        del values["description-content-type"]
    body = message.get_payload()
    if isinstance(body, str) and body.strip():
        values["description"] = body.replace("\r\n", "\n").strip()
    return values


def _entry_points(text: str) -> "Set[Tuple[str, str, str]]":
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return {(g, n, re.sub(r"\s+", "", v)) for g in parser.sections() for n, v in parser[g].items()}


def _tags(path: str) -> str:
    """The wheel's tags; a `linux_<arch>` platform (a build auditwheel has not repaired yet,
    as setuptools leaves it) stands for the manylinux or musllinux tag of that architecture."""
    tags = path.rsplit("/", 1)[-1][:-4].split("-")[-3:]
    tags[2] = ".".join(re.sub(r"^(manylinux|musllinux)_\d+_\d+_", "linux_", p) for p in tags[2].split("."))
    return "-".join(tags)


def wheels(old: str, new: str) -> "List[str]":
    """Every difference between two wheels that matters to an installer or an index."""
    out = []
    if _tags(old) != _tags(new):
        out.append(f"wheel tags: {_tags(old)} (old) and {_tags(new)} (rustbackend)")
    theirs, ours = _payload(old), _payload(new)
    for name in sorted(set(theirs) - set(ours)):
        out.append(f"wheel: `{name}` only in the old backend's wheel")
    for name in sorted(set(ours) - set(theirs)):
        out.append(f"wheel: `{name}` only in rustbackend's wheel")
    for name in sorted(set(ours) & set(theirs)):
        if ours[name] != theirs[name]:
            out.append(f"wheel: `{name}` has other contents")
    for name in sorted(_dist_info_files(old) ^ _dist_info_files(new)):
        if name in ("WHEEL", "METADATA", "entry_points.txt"):
            continue
        side = "old backend's" if name in _dist_info_files(old) else "rustbackend's"
        out.append(f"wheel: `.dist-info/{name}` only in the {side} wheel")
    a, b = metadata(wheel_member(old, "METADATA")), metadata(wheel_member(new, "METADATA"))
    for field in sorted(set(a) | set(b)):
        if a.get(field) != b.get(field):
            out.append(f"METADATA {field}: {a.get(field)!r} (old) and {b.get(field)!r} (rustbackend)")
    ea, eb = _entry_points(wheel_member(old, "entry_points.txt")), _entry_points(wheel_member(new, "entry_points.txt"))
    for group, name, value in sorted(ea ^ eb):
        side = "old" if (group, name, value) in ea else "rustbackend"
        out.append(f"entry point [{group}] {name} = {value} only in the {side} wheel")
    return out


def _sdist_members(path: str, project: str = "") -> "Set[str]":
    with tarfile.open(path) as tf:
        names = set()
        for member in tf.getmembers():
            if not member.isfile():
                continue
            relative = member.name.split("/", 1)[1] if "/" in member.name else ""
            # pyproject.toml is the file the migration rewrites; PKG-INFO and setuptools'
            # egg-info are generated.
            if not relative or relative in ("PKG-INFO", "pyproject.toml") or ".egg-info/" in relative:
                continue
            # Files the old backend generates into its sdist: the setup.cfg setuptools writes when
            # the project has none, uv_build's copy of the pyproject.toml it rewrote.
            if relative in _GENERATED and project and not os.path.exists(os.path.join(project, relative)):
                continue
            # A submodule's `.git` file: version control data, never packed by rustbackend.
            if ".git" in relative.split("/"):
                continue
            names.add(relative)
        return names


def license_files(path: str) -> "List[str]":
    """The license files of a wheel's .dist-info (under licenses/ or, before PEP 639, at its top)."""
    metadata_text = wheel_member(path, "METADATA")
    named = HeaderParser().parsestr(metadata_text).get_all("License-File") or []
    with zipfile.ZipFile(path) as zf:
        present = {n.split("/", 1)[1] for n in zf.namelist() if n.split("/")[0].endswith(".dist-info") and "/" in n}
    found = [n for n in named if n in present or "licenses/" + n in present]
    return sorted(set(found))


def sdist_only(old: str, new: str, project: str) -> "Tuple[List[str], List[str]]":
    """The sdist members only the old one holds, and only the new one."""
    theirs, ours = _sdist_members(old, project), _sdist_members(new)
    return sorted(theirs - ours), sorted(ours - theirs)


def wheel_only(old: str, new: str) -> "Tuple[List[str], List[str]]":
    """The wheel files (outside .dist-info) only the old one holds, and only the new one."""
    theirs, ours = _payload(old), _payload(new)
    return sorted(set(theirs) - set(ours)), sorted(set(ours) - set(theirs))


def sdists(old: str, new: str, project: str) -> "List[str]":
    """Files in one sdist and not the other."""
    theirs, ours = _sdist_members(old, project), _sdist_members(new)
    out = [f"sdist: `{n}` only in the old backend's sdist" for n in sorted(theirs - ours)]
    out += [f"sdist: `{n}` only in rustbackend's sdist" for n in sorted(ours - theirs)]
    return out
