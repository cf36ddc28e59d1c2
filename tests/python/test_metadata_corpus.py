"""The pyproject fixture corpus (tests/fixtures/pyproject) checked from Python.

The Rust test `fixture_corpus_matches_reviewed_snapshots` proves that every snapshot is
exactly what rustbackend renders; here every `expected.METADATA` snapshot is validated by
packaging and compared, field by field, with what the pyproject-metadata library renders
for the same pyproject.toml. Intentional differences are listed in INTENTIONAL and in
docs/metadata.md.
"""

from __future__ import annotations

import email.utils
import tomllib
from pathlib import Path

import pytest
from packaging.metadata import Metadata, parse_email
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from pyproject_metadata import StandardMetadata

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "pyproject"
VALID = sorted(p.name for p in CORPUS.iterdir() if p.name.startswith("valid-"))
# Cases pyproject-metadata cannot render: a dynamic version is computed by the backend, not
# by the metadata library; the readme table's `charset` key is a rustbackend extension
# (the specification puts the charset in `content-type`), which pyproject-metadata rejects;
# a `.txt` readme is text/plain for rustbackend (the specification lets backends infer more
# extensions than .md and .rst), while pyproject-metadata refuses to guess; `README.MD` is
# text/markdown because the specification matches the suffix case-insensitively, which
# pyproject-metadata 0.12.1 does not. A lone CR in a license text (a fuzzing find) is a line
# break for email parsers: we continue the header on an indented line, pyproject-metadata
# writes the CR as it is, so its METADATA ends the License header there and the rest becomes
# the description. License classifiers that agree with a license expression are a
# deprecation warning for us (PyPI accepts them, and popular projects keep them for older
# tools; PEP 639 lets a backend refuse them, not must), an error for pyproject-metadata.
NOT_COMPARABLE = {
    "valid-license-classifier-agrees-with-expression",
    "valid-license-text-carriage-return",
    "valid-readme-uppercase-extension",
    "valid-dynamic-version",
    "valid-dynamic-version-file",
    "valid-readme-charset",
    "valid-readme-txt",
}


def our_bytes(case: str) -> bytes:
    return (CORPUS / case / "expected.METADATA").read_bytes()


def their_bytes(case: str) -> bytes:
    data = tomllib.loads((CORPUS / case / "pyproject.toml").read_text("utf-8-sig"))
    meta = StandardMetadata.from_pyproject(data, project_dir=CORPUS / case)
    return bytes(meta.as_rfc822())


def fields(raw: bytes) -> dict:
    """Every field packaging recognizes, as parsed; unrecognized fields fail the test."""
    parsed, unparsed = parse_email(raw)
    assert unparsed == {}, f"fields packaging does not understand: {unparsed}"
    Metadata.from_raw(parsed, validate=True)
    return parsed


def addresses(value):
    return sorted(email.utils.getaddresses([value])) if value else value


def requirements(values):
    return sorted(str(Requirement(v)) for v in values) if values else values


@pytest.mark.parametrize("case", VALID)
def test_snapshot_is_valid_core_metadata(case):
    meta = Metadata.from_email(our_bytes(case), validate=True)
    assert meta.name and meta.version


def test_corpus_is_large_enough():
    assert len(list(CORPUS.iterdir())) >= 100
    assert len(VALID) >= 50


# The intentional differences in the fields compared, with the reason (see also README).
INTENTIONAL = {
    "license_files": "without `license-files`, rustbackend applies PEP 639's suggested default globs "
    "(LICEN[CS]E*, COPYING*, NOTICE*, AUTHORS*); pyproject-metadata lists none",
    "metadata_version": "follows from the License-File difference; and `license-files = []` alone "
    "stays 2.1 for us (nothing from 2.4 is used), 2.4 for pyproject-metadata",
    "author_email": "an author with only an email is written as the bare address (as the "
    "pyproject.toml specification says); pyproject-metadata invents the name 'Unknown'",
    "license_expression": "identifiers and operators are case-normalized (`mit or apache-2.0` is "
    "written `MIT OR Apache-2.0`), as PEP 639 recommends; pyproject-metadata keeps the input",
    "import_names": "`name ;  private` is written in the canonical form `name; private`",
    "license": "pyproject-metadata leaves trailing whitespace after a license file's text",
    "requires_dist, requires_python": "written as the author wrote them (valid PEP 508 / PEP 440); "
    "pyproject-metadata re-serializes them through packaging; compared semantically",
}


def author_addresses(value):
    """Addresses, with pyproject-metadata's invented 'Unknown' name dropped."""
    return sorted(("" if name == "Unknown" else name, addr) for name, addr in addresses(value))


@pytest.mark.parametrize("case", [c for c in VALID if c not in NOT_COMPARABLE])
def test_metadata_equals_pyproject_metadata(case):
    raw_a, raw_b = fields(our_bytes(case)), fields(their_bytes(case))
    assert {"metadata_version", "name", "version"} <= set(raw_a)
    data = tomllib.loads((CORPUS / case / "pyproject.toml").read_text("utf-8-sig"))
    default_license_files = "license-files" not in data["project"] and "license_files" in raw_a
    for field in sorted(set(raw_a) | set(raw_b)):
        x, y = raw_a.get(field), raw_b.get(field)
        if field in ("author_email", "maintainer_email"):
            x, y = author_addresses(x), author_addresses(y)
        elif field == "requires_dist":
            x, y = requirements(x), requirements(y)
        elif field == "requires_python":
            x, y = SpecifierSet(x), SpecifierSet(y)
        elif field in ("description", "license"):
            x, y = (x or "").rstrip(), (y or "").rstrip()
        elif field == "license_expression":
            y = str(y)
            assert x.lower() == y.lower(), (case, field, x, y)
            continue
        elif field in ("import_names", "import_namespaces"):
            y = [" ".join(n.replace(";", " ; ").split()).replace(" ;", ";") for n in y]
        elif field == "metadata_version" and "license-files" in data["project"] and not raw_a.get("license_files"):
            continue
        elif field in ("license_files", "metadata_version") and default_license_files:
            continue
        assert x == y, f"{case}: {field}: ours {x!r} != pyproject-metadata {y!r}"


def test_every_valid_case_builds_artifacts_twine_and_packaging_accept(backend_venv, tmp_path):
    """Each valid case becomes a real wheel and sdist through the hooks; twine checks them all
    and packaging validates every METADATA and PKG-INFO inside. The hooks print exactly the
    warnings of `expected.warnings`, and `rustbackend check` reports an entry point whose
    module the wheel lacks exactly where the build warned about it."""
    import shutil
    import subprocess
    import sys
    import tarfile
    import zipfile

    out = tmp_path / "dist"
    script = (
        "import os, sys, rustbackend\n"
        "for project in sys.argv[2:]:\n"
        "    os.chdir(project)\n"
        "    print('== ' + os.path.basename(project), file=sys.stderr, flush=True)\n"
        "    out = os.path.join(sys.argv[1], os.path.basename(project))\n"
        "    rustbackend.build_wheel(out); rustbackend.build_sdist(out)\n"
    )
    projects = []
    for case in VALID:
        project = tmp_path / "src" / case
        shutil.copytree(CORPUS / case, project, ignore=shutil.ignore_patterns("expected.*"))
        if not any(project.rglob("*.py")):
            name = tomllib.loads((project / "pyproject.toml").read_text("utf-8-sig"))["project"]["name"]
            module = project / "src" / name.lower().replace("-", "_").replace(".", "_") / "__init__.py"
            module.parent.mkdir(parents=True)
            module.write_text('__version__ = "9.9.9"\n')
        projects.append(str(project))
    result = subprocess.run([str(backend_venv.python), "-c", script, str(out), *projects], check=True,
                            env=backend_venv.env, capture_output=True, text=True)
    printed = {}
    for block in result.stderr.split("== ")[1:]:
        case, _, text = block.partition("\n")
        printed[case] = sorted({line for line in text.splitlines() if line.startswith("rustbackend: warning: ")})
    for case in VALID:
        snapshot = CORPUS / case / "expected.warnings"
        expected = snapshot.read_text("utf-8").splitlines() if snapshot.exists() else []
        assert printed[case] == sorted("rustbackend: warning: " + w for w in expected), case
    wheels, sdists = sorted(out.glob("*/*.whl")), sorted(out.glob("*/*.tar.gz"))
    assert len(wheels) == len(sdists) == len(VALID)
    checked = subprocess.run([str(backend_venv.bin / "rustbackend"), "check", *map(str, wheels + sdists)],
                             env=backend_venv.env, capture_output=True, text=True)
    # Every valid case's artifacts pass; an entry point into a module a dependency may
    # provide is a warning from the wheel's check as from the build (check PROJECT).
    assert checked.returncode == 0, checked.stdout
    assert "entry_points.txt: `demo` names the module `_pytest.demo_plugin`, which the wheel does not hold (fine only if a dependency provides it)" in checked.stderr
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as zf:
            (name,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
            fields(zf.read(name))
    for sdist in sdists:
        with tarfile.open(sdist) as tf:
            (member,) = [m for m in tf.getmembers() if m.name.endswith("/PKG-INFO")]
            assert fields(tf.extractfile(member).read())["metadata_version"] >= "2.2"
    result = subprocess.run([sys.executable, "-m", "twine", "check", *map(str, wheels + sdists)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2 * len(VALID), result.stdout
