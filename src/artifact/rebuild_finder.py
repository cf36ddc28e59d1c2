"""Editable install of {project} by rustbackend: extension modules rebuilt on import.

When one of {project}'s compiled modules is imported, the steps that built it (Cython,
compiling, linking) are checked against their inputs (sizes and modification times first,
content hashes only on a mismatch); the steps whose inputs changed run again, with the same
commands, and the new module replaces the old one before it loads. It needs only the
compiler (and Cython for `.pyx` sources), never rustbackend, so it works after an isolated
`pip install -e .`. A failed rebuild raises ImportError with the compiler's output and leaves
the last good module in place.

RUSTBACKEND_REBUILD=quiet silences the line on stderr, =verbose shows every command, =off
turns the check off.
"""

# Every interpreter of the environment imports this module at startup (from the .pth or
# .start file), so it imports only what is already loaded then; hashlib, subprocess and
# tempfile only to check a changed file or rebuild. The plan is a Python literal, not JSON:
# importing json would cost every first import of a module 14 ms.
import _thread
import os
import sys

# The rebuild plan that rustbackend wrote into the build directory.
PLAN = {plan}
# The compiled modules it covers.
MODULES = {modules}

_checked = set()
_guard = _thread.allocate_lock()
# The plan as this process last read it (read once for all the modules it covers).
_plan = []


def _mode():
    return os.environ.get("RUSTBACKEND_REBUILD", "").strip().lower()


def _say(text):
    if _mode() != "quiet":
        sys.stderr.write("rustbackend: " + text + "\n")
        sys.stderr.flush()


def _sha256(path):
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stat(path):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [str(st.st_size), str(st.st_mtime_ns)]


def _changed(step):
    """The first input of `step` whose content changed (or its output, if missing), else
    None. An input whose size and mtime match is taken as unchanged; one whose hash still
    matches gets its new stat recorded."""
    if not os.path.exists(step["output"]):
        return step["output"]
    for entry in step["inputs"]:
        _, path, size, mtime, digest = entry
        stat = _stat(path)
        if stat == [size, mtime]:
            continue
        if stat is None or _sha256(path) != digest:
            return path
        entry[2], entry[3] = stat
    return None


def _depfile_inputs(text):
    """The prerequisites of a make-style rule (`target: a.c b.h \\`), as gcc, clang and
    Cython write them."""
    text = text.replace("\\\r\n", " ").replace("\\\n", " ")
    at = next((i for i, c in enumerate(text) if c == ":" and (i + 1 == len(text) or text[i + 1].isspace())), None)
    if at is None:
        return []
    words, word, rest, i = [], "", text[at + 1:], 0
    while i < len(rest):
        c = rest[i]
        if c == "\\" and rest[i + 1:i + 2] == " ":
            word, i = word + " ", i + 2
            continue
        if c == "$" and rest[i + 1:i + 2] == "$":
            word, i = word + "$", i + 2
            continue
        if c.isspace():
            if word:
                words.append(word)
            word = ""
        else:
            word += c
        i += 1
    if word:
        words.append(word)
    return words


def _show_includes(stdout, source, cwd):
    """MSVC's `/showIncludes`: the source, and each header in the project."""
    root = os.path.normcase(os.path.abspath(cwd)).rstrip("\\/")
    inputs = [source]
    for line in stdout.splitlines():
        for part in line.split(": ")[1:]:
            path = part.strip()
            if len(path) > 2 and path[1] == ":" and os.path.normcase(path).startswith(root + os.sep):
                relative = os.path.relpath(path, cwd).replace("\\", "/")
                if relative not in inputs:
                    inputs.append(relative)
                break
    return inputs


def _own(path, step, build_dir):
    """Whether an input is the project's or the build directory's (the ones tracked)."""
    path = os.path.normcase(os.path.abspath(path))
    return any(path.startswith(os.path.normcase(os.path.abspath(d)) + os.sep) for d in (step["cwd"], build_dir))


def _run(name, step, build_dir):
    """Runs one step again; records its new inputs and stamp. Raises ImportError with the
    tool's own output when it fails."""
    argv = list(step["argv"])
    if step["kind"] == "cython":
        try:
            import Cython  # noqa: F401
        except ImportError:
            source = argv[-1]
            raise ImportError(
                f"rustbackend cannot rebuild {name}: {source} changed, and translating it needs Cython, "
                "which this environment lacks; install it (pip install cython) or reinstall the project "
                "(pip install -e .)", name=name) from None
        argv[0] = sys.executable
    import subprocess

    env = dict(os.environ, PWD=step["cwd"], **step["env"])
    if _mode() == "verbose":
        _say("$ " + " ".join(argv))
    try:
        os.remove(step["stamp"])
    except OSError:
        pass
    try:
        done = subprocess.run(argv, cwd=step["cwd"], env=env, capture_output=True, text=True, errors="replace")
    except OSError as e:
        raise ImportError(f"rustbackend cannot rebuild {name}: cannot run {argv[0]}: {e}", name=name) from None
    if done.returncode != 0:
        raise ImportError(
            f"rustbackend could not rebuild {name} ({step['kind']} failed, exit status {done.returncode}):\n"
            f"$ {' '.join(argv)}\n{done.stdout}{done.stderr}", name=name)
    if step["deps"] == "showIncludes":
        inputs = _show_includes(done.stdout, step["inputs"][0][0], step["cwd"])
    elif step["deps"]:
        with open(step["deps"], encoding="utf-8", errors="replace") as f:
            inputs = _depfile_inputs(f.read())
    else:
        inputs = [entry[0] for entry in step["inputs"]]
    entries = []
    for given in inputs:
        path = os.path.join(step["cwd"], given)
        if not _own(path, step, build_dir):
            continue
        stat = _stat(path) or ["", ""]
        digest = _sha256(path) if os.path.exists(path) else ""
        entries.append([given, path, stat[0], stat[1], digest])
    step["inputs"] = entries
    # The stamp rustbackend reads: the next `pip install -e .` finds the step up to date.
    _write(step["stamp"], step["key_line"] + "\n" + "".join(f"{e[4]} {e[0]}\n" for e in entries))


def _write(path, text):
    import tempfile

    directory = os.path.dirname(path)
    fd, temp = tempfile.mkstemp(prefix=".rustbackend-", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temp, path)


def _install(built, target):
    """Puts the linked module next to its sources by a rename, so that no process ever
    sees a half-written file and a running one keeps its mapping."""
    import tempfile

    with open(built, "rb") as f:
        data = f.read()
    directory = os.path.dirname(target)
    fd, temp = tempfile.mkstemp(prefix=".rustbackend-", dir=directory)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(temp, os.stat(built).st_mode & 0o777)
    os.replace(temp, target)


class _Lock:
    """An exclusive lock on a file of the build directory, across processes."""

    def __init__(self, path):
        self.file = open(path, "a+b")

    def __enter__(self):
        if os.name == "nt":
            import msvcrt

            self.file.seek(0)
            while True:
                try:
                    msvcrt.locking(self.file.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    continue
        else:
            import fcntl

            fcntl.flock(self.file.fileno(), fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        if os.name == "nt":
            import msvcrt

            self.file.seek(0)
            msvcrt.locking(self.file.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(self.file.fileno(), fcntl.LOCK_UN)
        self.file.close()


def _load():
    with open(PLAN, encoding="utf-8") as f:
        # A literal that rustbackend (or this finder) wrote: no names, no calls.
        return eval(f.read(), {"__builtins__": {}})


def _stale(module):
    for step in module["steps"]:
        changed = _changed(step)
        if changed is not None:
            return changed
    if not os.path.exists(module["target"]) or _stat(module["target"])[0] != _stat(module["built"])[0]:
        return module["target"]
    return None


def rebuild(name):
    """Brings the compiled module `name` up to date with its sources (see the module docs)."""
    if not _plan:
        try:
            _plan.append(_load())
        except OSError:
            return  # the build directory is gone: the module as installed is all there is
    if _stale(_plan[0]["modules"][name]) is None:
        return
    with _Lock(_plan[0]["lock"]):
        plan = _load()  # another process may have rebuilt it meanwhile
        _plan[:] = [plan]
        module = plan["modules"][name]
        changed = _stale(module)
        if changed is None:
            return
        _say(f"rebuilding {name} ({os.path.relpath(changed, module['steps'][-1]['cwd'])} changed)")
        for step in module["steps"]:
            if _changed(step) is not None:
                _run(name, step, plan["build_dir"])
        _install(module["built"], module["target"])
        _write(PLAN, repr(plan) + "\n")


class _RebuildFinder:
    """Rebuilds a compiled module of the project, if its sources changed, before the
    regular finders load it (a meta path finder; importlib.abc is not imported for it)."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname in MODULES and _mode() != "off":
            with _guard:
                if fullname not in _checked:
                    rebuild(fullname)
                    _checked.add(fullname)
        return None


def install():
    """Adds the finder once (from the `.pth` line, or the `.start` entry point on 3.15+)."""
    if not any(isinstance(f, _RebuildFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _RebuildFinder())
