import importlib.util
import pathlib
import sysconfig

stubs = pathlib.Path(sysconfig.get_paths()["purelib"]) / "foo-stubs"
assert (stubs / "__init__.pyi").is_file() and (stubs / "sub" / "__init__.pyi").is_file()
assert importlib.util.find_spec("foo") is None  # stubs only: nothing to import
print("foo-stubs ok")
