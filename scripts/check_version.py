#!/usr/bin/env python3
"""Checks that rustbackend's version is one value everywhere:

    python scripts/check_version.py [TAG]

Cargo.toml's `package.version` is the source; the workspace's other crates must carry the
same (maturin writes crates/pymodule's into the wheel's METADATA), `rustbackend.__version__`
must equal it, and so must TAG without its leading `v` when given (the release workflow
passes the pushed tag). Exits 1 naming the value that drifted.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv):
    manifest = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    # The first `version =` line is [package]'s (the table Cargo.toml opens with).
    cargo = re.search(r'^version = "([^"]+)"$', manifest, re.M).group(1)
    init = (ROOT / "python" / "rustbackend" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"$', init, re.M)
    problems = []
    for crate in ("archive", "pymodule"):
        other = ROOT / "crates" / crate / "Cargo.toml"
        version = re.search(r'^version = "([^"]+)"$', other.read_text(encoding="utf-8"), re.M).group(1)
        if version != cargo:
            problems.append(f"crates/{crate}/Cargo.toml: version is {version}, Cargo.toml says {cargo}")
    if not found or found.group(1) != cargo:
        shown = found.group(1) if found else "missing"
        problems.append(f"python/rustbackend/__init__.py: __version__ is {shown}, Cargo.toml says {cargo}")
    if len(argv) > 1 and argv[1].startswith("v") and argv[1][1:] != cargo:
        problems.append(f"the tag {argv[1]} does not name the version in Cargo.toml ({cargo}); tag v{cargo}")
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if not problems:
        print(f"version {cargo}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
