"""Real projects from PyPI with compiled extension modules, at pinned versions: their
setup.py (or build hook) replaced by our `[[tool.rustbackend.ext-modules]]` table
(tests/fixtures/real-compiled/<project>.toml, each with the setup.py call it replaces),
built by an isolated pip (which fetches Cython when the hooks ask for it), tagged as
auditwheel says, holding the files of the wheel the authors published, and passing the
project's own tests (or, where the sdist has none or they need more than the wheel and
pytest, calling into the compiled modules).

Our tags differ from the published ones on purpose: those wheels were built in old
manylinux containers, ours on this machine's glibc and libstdc++, and auditwheel agrees with
every tag we give."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from conftest import ROOT, auditwheel_platform, run
from pypi import download, payload

FIXTURES = ROOT / "tests" / "fixtures" / "real-compiled"


@dataclass(frozen=True)
class Compiled:
    project: str
    version: str
    # Python code run in a venv where only our wheel is installed.
    smoke: str
    # What pytest runs against the installed wheel: paths in the sdist (copied out of it, so
    # the source tree is not imported), or `--pyargs` and the installed test package.
    tests: tuple = ()
    # Members of the published wheel that ours leaves out, each for a reason given below.
    theirs_only: frozenset = field(default_factory=frozenset)


COMPILED = [
    # Cython translated to C++ (`language = "c++"` in the table, as in setup.py).
    Compiled("cymem", "2.0.11", "from cymem.cymem import Pool, Address; p = Pool(); p.own_pyref(Address(4, 8)); assert p.size == 0",
             ("--pyargs", "cymem.tests")),
    # Cython to C++, with two C++ sources and an include directory in one module.
    Compiled("murmurhash", "1.0.16", "import murmurhash.mrmr as m; assert m.hash('hello world') == 1586663183",
             ("--pyargs", "murmurhash.tests")),
    # Cython to C++ (its `# distutils: language = c++` line) plus a C++ source; the sdist has
    # no tests. The published wheel holds a `.gitignore` at its root that pdm-backend's
    # setuptools run left there: junk that we do not pack.
    Compiled("editdistance", "0.8.1",
             "import editdistance as e; assert e.eval('banana', 'bahama') == 2; assert e.eval([1, 2], [2]) == 1;"
             " assert e.distance_le_than('abc', 'abd', 2)",
             theirs_only=frozenset({".gitignore"})),
    # A top-level C module from 3 C and 9 C++ sources (double-conversion), extra compile and
    # link arguments, and a stub-only package beside it.
    Compiled("ujson", "6.1.0", "import ujson; assert ujson.loads(ujson.dumps({'a': [1.5, None]})) == {'a': [1.5, None]}",
             ("tests",)),
    # Plain C.
    Compiled("markupsafe", "3.0.4", "import markupsafe, markupsafe._speedups as s; assert markupsafe._escape_inner is s._escape_inner;"
             " assert str(markupsafe.escape('<a>')) == '&lt;a&gt;'", ("tests",)),
    # Cython to C, with a .pxi it includes; the tests live in the package, and setup.py
    # leaves them out of the wheel, as our table does.
    Compiled("fastrlock", "0.8.4", "from fastrlock.rlock import FastRLock; lock = FastRLock(); lock.acquire(); lock.release()",
             ("fastrlock/tests/test_rlock.py",)),
    # A C++ module, two test extensions, and its header as a single `.data/headers` file
    # (setup.py's `headers=`), which pip installs into the environment's include directory.
    # Its tests need psutil and objgraph (run by hand: 139 pass); the smoke test switches
    # greenlets, calls both test extensions and finds the header.
    Compiled("greenlet", "3.1.1",
             "import glob, importlib.util, os, sys, greenlet\n"
             "def load(name):  # not through greenlet.tests, whose __init__ imports psutil\n"
             "    path, = glob.glob(os.path.join(os.path.dirname(greenlet.__file__), 'tests', name + '.*.so'))\n"
             "    spec = importlib.util.spec_from_file_location('greenlet.tests.' + name, path)\n"
             "    module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module); return module\n"
             "g = greenlet.greenlet(lambda x: x * 2); assert g.switch(21) == 42\n"
             "assert load('_test_extension').test_switch(greenlet.greenlet(lambda: 7)) == 7\n"
             "assert callable(load('_test_extension_cpp').test_exception_throw_std)\n"
             "assert glob.glob(sys.prefix + '/include/site/python*/greenlet/greenlet.h')"),
    # The whole distribution is one top-level C module named otherwise than the project. Its
    # tests import a helper module beside them, which pytest's importlib mode does not find
    # (run by hand: 148 pass); the smoke test searches and pickles an automaton.
    Compiled("pyahocorasick", "2.1.0",
             "import pickle, ahocorasick; a = ahocorasick.Automaton()\n"
             "for i, w in enumerate(['he', 'she', 'his', 'hers']): a.add_word(w, (i, w))\n"
             "a.make_automaton(); found = [(end, w) for end, (_, w) in a.iter('ushers')]\n"
             "assert found == [(3, 'she'), (3, 'he'), (5, 'hers')], found\n"
             "b = pickle.loads(pickle.dumps(a)); assert [w for _, (_, w) in b.iter('his')] == ['his']"),
]


# Why `rustbackend migrate` cannot write these tables: each build script computes its
# extension list (or hands the build to setuptools), so the tables stay hand-written; the
# test checks that migrate refuses exactly there rather than building something else.
MIGRATE_REFUSES = {
    "cymem": "ext_modules", "murmurhash": "ext_modules", "ujson": "ext_modules",
    "markupsafe": "cmdclass.build_ext", "fastrlock": "ext_modules", "greenlet": "ext_modules",
    "pyahocorasick": "ext_modules", "editdistance": "tool.pdm.build.run-setuptools",
}


@pytest.mark.parametrize("case", COMPILED, ids=lambda c: c.project)
def test_real_compiled_project_builds_installs_and_passes_its_tests(case, frontend_env, migrate_env, make_venv, tmp_path):
    sdist, published = download(case.project, case.version, tmp_path / "downloads", compiled=True)
    with tarfile.open(sdist) as tf:
        tf.extractall(tmp_path / "src", filter="data")
    (root,) = (tmp_path / "src").iterdir()
    venv, env = migrate_env
    refused = subprocess.run([venv.bin / "rustbackend", "migrate", root, "--no-consult"], env=env,
                             capture_output=True, text=True)
    assert refused.returncode == 1
    assert f"`{MIGRATE_REFUSES[case.project]}`" in refused.stderr, refused.stderr
    for build_script in ("setup.py", "pdm_build.py"):
        (root / build_script).unlink(missing_ok=True)
    for stale in root.glob("*.egg-info"):
        shutil.rmtree(stale)
    shutil.copy(FIXTURES / f"{case.project}.toml", root / "pyproject.toml")

    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", tmp_path / "ours", root], env=frontend_env)
    (ours,) = (tmp_path / "ours").glob("*.whl")
    name = canonicalize_name(case.project).replace("-", "_")
    assert ours.name.startswith(f"{name}-{case.version}-cp311-cp311-manylinux_")
    assert auditwheel_platform(ours) == ours.name.rsplit("-", 1)[1].removesuffix(".whl")
    theirs = [n for n in payload(published) if not n.endswith("/")]  # no directory entries
    assert set(case.theirs_only) <= set(theirs)
    assert payload(ours) == [n for n in theirs if n not in case.theirs_only]

    env = make_venv()
    env.pip("install", ours)
    env.py(case.smoke)
    if case.tests:
        run_dir = tmp_path / "run-tests"
        run_dir.mkdir()
        args = list(case.tests)
        if args[0] != "--pyargs":
            for i, path in enumerate(args):
                copy = shutil.copytree if (root / path).is_dir() else shutil.copy
                copy(root / path, run_dir / Path(path).name)
                args[i] = Path(path).name
        # The runner's own pinned pytest, with only the venv's site-packages in front.
        result = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--import-mode=importlib", *args],
                     env=dict(frontend_env, PYTHONPATH=str(env.site_packages())), cwd=run_dir)
        summary = result.stdout.strip().splitlines()[-1]
        assert re.search(r"\b\d+ passed", summary) and not re.search(r"\b\d+ (failed|errors?)\b", summary), summary
