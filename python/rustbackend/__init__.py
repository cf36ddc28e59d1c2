"""rustbackend: a Python build backend (PEP 517 and PEP 660) with a Rust core.

Projects use it with::

    [build-system]
    requires = ["rustbackend"]
    build-backend = "rustbackend"

The hooks below are thin: they read the process's facts (working directory,
SOURCE_DATE_EPOCH, the interpreter's sysconfig), hand them and the config settings to the
native core, which parses and checks every setting, and log its warnings. The native module
is imported only when a hook runs, so importing this package stays cheap.
"""

import os
import sys

# Importing typing costs milliseconds, and a frontend imports this module once per hook:
# the names are only needed by type checkers, which treat this constant like typing's.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional

__version__ = "0.1.0"

__all__ = [
    "BuildError",
    "build_editable",
    "build_sdist",
    "build_wheel",
    "get_requires_for_build_editable",
    "get_requires_for_build_sdist",
    "get_requires_for_build_wheel",
    "prepare_metadata_for_build_editable",
    "prepare_metadata_for_build_wheel",
]


class BuildError(SystemExit, Exception):
    """A build failed; the message says what is wrong, where, and how to fix it.

    It is an `Exception`, so in-process callers catch it as one. It is also a `SystemExit`
    whose code is the message: when nothing catches it, as in the hook runners of pip,
    build, uv, hatch, pdm and poetry (which call a hook in a subprocess and report its
    output when it exits non-zero), Python prints the message alone and exits with status 1,
    so the author reads our report without a Python traceback around it."""


def _core() -> "Any":
    """The native module, imported on first use (a plain import: `importlib` would cost a
    millisecond of every hook process)."""
    from rustbackend import _native

    return _native


def _source_date_epoch() -> "Optional[int]":
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None or value.strip() == "":
        return None
    try:
        epoch = int(value.strip())
    except ValueError:
        raise BuildError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got {value!r}; "
            "unset it or set it to, e.g., the last commit time (git log -1 --format=%ct)"
        ) from None
    return max(epoch, 0)


def _report(level: int, message: str) -> None:
    """Reports through the `rustbackend` logger when the process uses logging (a frontend
    that configured it sees our records), else straight to stderr, which frontends show
    (pip with -v). Importing logging costs more than a small build, so it is not imported
    here."""
    logging = sys.modules.get("logging")
    if logging is not None and logging.getLogger().handlers:
        logging.getLogger("rustbackend").log(level, message)
    else:
        sys.stderr.write(f"rustbackend: {'warning: ' if level >= 30 else ''}{message}\n")


# The environment variables that choose compilers and flags (CC, CFLAGS, LDFLAGS, ...), as
# setuptools reads them; the Rust core reads no environment itself (src/request/interpreter.rs).
_COMPILER_ENV = (
    "CC", "CXX", "CFLAGS", "CPPFLAGS", "CXXFLAGS", "LDSHARED", "LDCXXSHARED", "LDFLAGS",
    "ARCHFLAGS", "MACOSX_DEPLOYMENT_TARGET",
)


def _interpreter() -> "Dict[str, str]":
    """The running interpreter's facts for compiling extension modules and tagging them:
    its version, platform and the sysconfig variables a compiler needs, and the compiler
    settings of the environment (as `env.NAME`)."""
    import sysconfig

    facts = {
        k: str(sysconfig.get_config_var(k) or "")
        for k in (
            "CC", "CXX", "CFLAGS", "CCSHARED", "LDSHARED", "LDCXXSHARED", "EXT_SUFFIX",
            "MACOSX_DEPLOYMENT_TARGET", "LIBPYTHON", "LIBDIR", "installed_base",
        )
    }
    facts["include"] = sysconfig.get_paths()["include"]
    facts["platform"] = sysconfig.get_platform()
    facts["executable"] = sys.executable
    facts["version"] = "%d.%d" % sys.version_info[:2]
    # 1 on a free-threaded build (PEP 703): its modules carry the `t` ABI flag (cp313t).
    facts["Py_GIL_DISABLED"] = str(sysconfig.get_config_var("Py_GIL_DISABLED") or 0)
    for name in _COMPILER_ENV:
        if name in os.environ:
            facts["env." + name] = os.environ[name]
    return facts


def _mentions_ext_modules() -> "Optional[bool]":
    """Whether the project's pyproject.toml mentions `ext-modules` (a cheap sniff that spares
    a pure project the native module or sysconfig); `None` when it cannot be read."""
    try:
        with open("pyproject.toml", "rb") as f:
            return b"ext-modules" in f.read()
    except OSError:
        return None


def _tagging_facts() -> "Optional[Dict[str, str]]":
    """The facts a wheel without extension modules needs (version, platform, free-threading,
    for tagging any binary the tree ships), read without importing sysconfig, which costs
    about 2 ms of every hook process: on Linux only, where `sysconfig.get_platform()` is
    `linux-` and the machine name, and not for a cross build (`_PYTHON_HOST_PLATFORM`).
    `None` when the full facts are needed: elsewhere, or when pyproject.toml mentions
    extension modules."""
    if sys.platform != "linux" or "_PYTHON_HOST_PLATFORM" in os.environ:
        return None
    if _mentions_ext_modules() is not False:
        return None
    machine = os.uname().machine.replace(" ", "_").replace("/", "-")
    facts = {
        "platform": "linux-" + machine,
        "executable": sys.executable,
        "version": "%d.%d" % sys.version_info[:2],
        # sys.abiflags holds `t` on a free-threaded build (PEP 703).
        "Py_GIL_DISABLED": "1" if "t" in getattr(sys, "abiflags", "") else "0",
    }
    for name in _COMPILER_ENV:
        if name in os.environ:
            facts["env." + name] = os.environ[name]
    return facts


def _warn(warnings: "List[str]") -> None:
    for warning in warnings:
        _report(30, warning)


def _build_requirements() -> "List[str]":
    # Only a project with extension modules can need anything (Cython for `.pyx` sources);
    # the others never load the native module here.
    if not _mentions_ext_modules():
        return []
    return list(_core().build_requirements(os.getcwd()))


def get_requires_for_build_wheel(config_settings: "Optional[Dict[str, Any]]" = None) -> "List[str]":
    """PEP 517: Cython when an extension module has `.pyx` sources, else nothing."""
    return _build_requirements()


def get_requires_for_build_sdist(config_settings: "Optional[Dict[str, Any]]" = None) -> "List[str]":
    """PEP 517: rustbackend needs nothing else to build an sdist."""
    return []


def get_requires_for_build_editable(config_settings: "Optional[Dict[str, Any]]" = None) -> "List[str]":
    """PEP 660: as for a wheel."""
    return _build_requirements()


def prepare_metadata_for_build_wheel(
    metadata_directory: str, config_settings: "Optional[Dict[str, Any]]" = None
) -> str:
    """PEP 517: write the .dist-info directory and return its name."""
    name, warnings = _core().prepare_metadata(os.getcwd(), metadata_directory, config_settings)
    _warn(warnings)
    return name


def prepare_metadata_for_build_editable(
    metadata_directory: str, config_settings: "Optional[Dict[str, Any]]" = None
) -> str:
    """PEP 660: the editable wheel's metadata is the regular wheel's."""
    return prepare_metadata_for_build_wheel(metadata_directory, config_settings)


def build_wheel(
    wheel_directory: str,
    config_settings: "Optional[Dict[str, Any]]" = None,
    metadata_directory: "Optional[str]" = None,
) -> str:
    """PEP 517: build a wheel into wheel_directory and return its file name."""
    # Without config settings (which may name a cross build's build-details.json) a wheel
    # without extension modules needs only the cheap facts.
    facts = None if config_settings else _tagging_facts()
    name, warnings = _core().build_wheel(
        os.getcwd(), wheel_directory, metadata_directory, config_settings, _source_date_epoch(),
        facts if facts is not None else _interpreter(),
    )
    _warn(warnings)
    _report(20, f"built {name} from {os.getcwd()}")
    return name


def build_editable(
    wheel_directory: str,
    config_settings: "Optional[Dict[str, Any]]" = None,
    metadata_directory: "Optional[str]" = None,
) -> str:
    """PEP 660: build an editable wheel into wheel_directory and return its file name."""
    name, warnings = _core().build_wheel(
        os.getcwd(), wheel_directory, metadata_directory, config_settings, _source_date_epoch(),
        _interpreter(), editable=True,
    )
    _warn(warnings)
    _report(20, f"built {name} (editable) from {os.getcwd()}")
    return name


def build_sdist(sdist_directory: str, config_settings: "Optional[Dict[str, Any]]" = None) -> str:
    """PEP 517: build an sdist into sdist_directory and return its file name."""
    name, warnings = _core().build_sdist(
        os.getcwd(), sdist_directory, config_settings, _source_date_epoch()
    )
    _warn(warnings)
    _report(20, f"built {name} from {os.getcwd()}")
    return name
