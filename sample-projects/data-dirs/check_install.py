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
assert (pathlib.Path(paths["data"]) / "datakit" / "notes.txt").read_text() == "shared data\n"
print("datakit ok")
