import pathlib
import subprocess
import sys
import sysconfig

import datakit

assert datakit.template() == "<html>{{ body }}</html>\n"
assert "BEGIN CERTIFICATE" in datakit.certificate()
paths = sysconfig.get_paths()
tool = pathlib.Path(paths["scripts"]) / "datakit-tool"
assert subprocess.run([str(tool)], capture_output=True, text=True, check=True).stdout == "datakit-tool ran\n"
# Its shebang named a Python (`#!/usr/bin/env python3`): the wheel says `#!python`, so the
# installer points it at this environment's interpreter.
report = pathlib.Path(paths["scripts"]) / "datakit-report"
first = report.read_text().splitlines()[0]
assert first.startswith("#!") and "env python3" not in first, first
prefix = subprocess.run([str(report)], capture_output=True, text=True, check=True).stdout.strip()
assert pathlib.Path(prefix).resolve() == pathlib.Path(sys.prefix).resolve(), (prefix, sys.prefix)
assert (pathlib.Path(paths["data"]) / "datakit" / "notes.txt").read_text() == "shared data\n"
print("datakit ok")
