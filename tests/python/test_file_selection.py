"""What goes into each artifact: namespace packages installed side by side, and the ignore
rules that every artifact honours (nested .gitignore files, .git/info/exclude, the global
excludes file, worktrees, trees copied without .git) with junk, build outputs and secrets
left out; `artifacts` ships generated files anyway; `ls` shows the same manifest."""

from __future__ import annotations

import tarfile
import textwrap
from pathlib import Path

import pytest

from conftest import SAMPLES, run
from helpers import git, hooks, left_out, listing, ls, sdist_names, wheel_names, write


def test_namespace_packages_install_side_by_side(sample, make_venv, tmp_path):
    env = make_venv()
    env.pip("install", sample("namespace-widgets"), sample("namespace-gadgets"))
    out = env.py("import acme.widgets, acme.gadgets; print(acme.widgets.widget(), acme.gadgets.gadget())")
    assert out.stdout.strip() == "widget gadget"
    # The shared namespace has no __init__.py from either wheel.
    assert not (env.site_packages() / "acme" / "__init__.py").exists()


PROJECT_FILES = {
    "pyproject.toml": textwrap.dedent("""\
        [build-system]
        requires = ["rustbackend"]
        build-backend = "rustbackend"

        [project]
        name = "picky"
        version = "1.0"

        [tool.rustbackend]
        artifacts = ["src/picky/_version.py"]
    """),
    ".gitignore": "*.log\n/generated/\n",
    "src/picky/__init__.py": "",
    "src/picky/data.json": "{}\n",
    "src/picky/.gitignore": "local_only.py\n",
    "src/picky/local_only.py": "# ignored by the nested .gitignore\n",
    "src/picky/_version.py": "# ignored by .git/info/exclude, yet the wheel needs it\n",
    "tests/test_picky.py": "",
    "docs/index.md": "# Docs\n",
    "app.log": "ignored\n",
    "generated/out.txt": "ignored\n",
    "notes.globalignored": "ignored through the global excludes file\n",
    ".env": "SECRET=1\n",
    ".env.production": "SECRET=2\n",
    ".pypirc": "[pypi]\n",
    "id_ed25519": "-----BEGIN OPENSSH PRIVATE KEY-----\n",
    ".venv/lib/site.py": "",
    "venv/bin/python": "",
    "build/lib/picky/__init__.py": "",
    "dist/old-0.1.tar.gz": "",
    "src/picky/__pycache__/x.cpython-311.pyc": "",
    "src/picky/editor.py~": "",
    ".DS_Store": "",
}

EXPECTED_SDIST = [
    ".gitignore",
    "PKG-INFO",
    "docs/index.md",
    "pyproject.toml",
    "src/picky/.gitignore",
    "src/picky/__init__.py",
    "src/picky/_version.py",
    "src/picky/data.json",
    "tests/test_picky.py",
]
EXPECTED_WHEEL = [
    "picky/.gitignore",
    "picky/__init__.py",
    "picky/_version.py",
    "picky/data.json",
    "picky-1.0.dist-info/METADATA",
    "picky-1.0.dist-info/WHEEL",
    "picky-1.0.dist-info/RECORD",
]


def build(venv, project: Path, out: Path, home: Path):
    code = "import rustbackend, sys; print(rustbackend.build_sdist(sys.argv[1])); print(rustbackend.build_wheel(sys.argv[1]))"
    return run([venv.python, "-c", code, out], env=dict(venv.env, HOME=str(home)), cwd=project)


def make_repo(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(f"[core]\n\texcludesFile = {home / 'global-ignore'}\n")
    (home / "global-ignore").write_text("*.globalignored\n")
    project = tmp_path / "picky"
    write(project, PROJECT_FILES)
    git(project, "init", "-q", "-b", "main", home=home)
    (project / ".git" / "info").mkdir(exist_ok=True)
    (project / ".git" / "info" / "exclude").write_text("_version.py\n")
    return project, home


def test_sdist_follows_git_and_never_packs_junk_or_secrets(backend_venv, tmp_path):
    project, home = make_repo(tmp_path)
    out = project / "dist"  # the output directory inside the project is never packed either
    result = build(backend_venv, project, out, home)
    assert sdist_names(out / "picky-1.0.tar.gz") == EXPECTED_SDIST
    assert wheel_names(out / "picky-1.0-py3-none-any.whl") == EXPECTED_WHEEL
    for secret in (".env", ".env.production", ".pypirc", "id_ed25519"):
        assert f"left out `{secret}`: it looks like a secret" in result.stderr
    # The git-ignored file inside the package stays out of both; one summary line says so.
    summary = [l for l in result.stderr.splitlines() if "covered by .gitignore" in l]
    assert summary == ["rustbackend: warning: 1 path in the module and data directories is covered by .gitignore (or git's excludes) and left out of the wheel; `rustbackend ls --left-out` lists them, and `tool.rustbackend.artifacts` ships generated files that must be packed"], result.stderr


def test_worktree_checkouts_select_the_same_files(backend_venv, tmp_path):
    project, home = make_repo(tmp_path)
    git(project, "add", "-A", home=home)
    git(project, "commit", "-q", "-m", "init", home=home)
    worktree = tmp_path / "worktree"
    git(project, "worktree", "add", "-q", str(worktree), home=home)
    assert (worktree / ".git").is_file()  # a worktree's .git is a file pointing at the repository
    # Untracked, ignored files in the worktree, as in the main checkout.
    write(worktree, {"app.log": "ignored\n", "generated/out.txt": "ignored\n", "src/picky/local_only.py": "x\n"})
    build(backend_venv, worktree, tmp_path / "out", home)
    names = sdist_names(tmp_path / "out" / "picky-1.0.tar.gz")
    assert "app.log" not in names and "generated/out.txt" not in names
    assert "src/picky/local_only.py" not in names  # ignored inside the package: in neither artifact
    # The same selection as the main checkout; `.git` (a file in a worktree) never goes in.
    # (_version.py was never committed: .git/info/exclude covers it.)
    assert names == [n for n in EXPECTED_SDIST if n != "src/picky/_version.py"]


# --- one manifest, the same ignore rules everywhere (issue 15) ---

IGNORED = "ignored by .gitignore or git's excludes"
DEFAULT = "a default exclude"


def test_a_tree_without_git_honours_its_gitignore(backend_venv, tmp_path):
    """A Docker context, an unpacked archive, a CI cache: no .git, but the .gitignore files
    still decide, for the sdist and (inside the package) for the wheel."""
    project = tmp_path / "nogit"
    write(project, {
        "pyproject.toml": '[project]\nname = "nogit"\nversion = "1.0"\n',
        ".gitignore": "*.log\nscratch/\n*.key\n",
        "src/nogit/__init__.py": "",
        "src/nogit/private.key": "-----BEGIN PRIVATE KEY-----\n",
        "src/nogit/.gitignore": "local.cfg\n",
        "src/nogit/local.cfg": "x\n",
        "debug.log": "noise\n",
        "scratch/notes.txt": "draft\n",
        "docs/index.md": "# Docs\n",
    })
    assert not (tmp_path / ".git").exists() and not (project / ".git").exists()
    result = hooks(backend_venv, project, tmp_path / "out", "sdist", "wheel")
    assert sdist_names(tmp_path / "out" / "nogit-1.0.tar.gz") == [
        ".gitignore", "PKG-INFO", "docs/index.md", "pyproject.toml",
        "src/nogit/.gitignore", "src/nogit/__init__.py"]
    assert wheel_names(tmp_path / "out" / "nogit-1.0-py3-none-any.whl") == [
        "nogit/.gitignore", "nogit/__init__.py",
        "nogit-1.0.dist-info/METADATA", "nogit-1.0.dist-info/WHEEL", "nogit-1.0.dist-info/RECORD"]
    assert "2 paths in the module and data directories are covered by .gitignore" in result.stderr
    assert left_out(backend_venv, project, "--sdist") == {
        "debug.log": IGNORED, "scratch/": IGNORED, "src/nogit/local.cfg": IGNORED, "src/nogit/private.key": IGNORED}
    assert left_out(backend_venv, project) == {"src/nogit/local.cfg": IGNORED, "src/nogit/private.key": IGNORED}


def test_artifacts_and_the_dynamic_version_file_ship_although_ignored(backend_venv, tmp_path):
    project = tmp_path / "gen"
    write(project, {
        "pyproject.toml": textwrap.dedent("""\
            [project]
            name = "gen"
            dynamic = ["version"]

            [tool.rustbackend]
            version-file = "src/gen/_version.py"
            artifacts = ["src/gen/static/**"]
        """),
        ".gitignore": "_version.py\nstatic/\n",
        "src/gen/__init__.py": "from ._version import __version__\n",
        "src/gen/_version.py": '__version__ = "2.0"\n',
        "src/gen/static/app.js": "console.log(1)\n",
        "src/gen/static/app.css": "body {}\n",
    })
    hooks(backend_venv, project, tmp_path / "out", "sdist", "wheel")
    names = wheel_names(tmp_path / "out" / "gen-2.0-py3-none-any.whl")
    assert names[:4] == ["gen/__init__.py", "gen/_version.py", "gen/static/app.css", "gen/static/app.js"]
    assert {"src/gen/_version.py", "src/gen/static/app.js"} <= set(sdist_names(tmp_path / "out" / "gen-2.0.tar.gz"))
    assert left_out(backend_venv, project) == {}


def test_default_excludes_cover_build_output_and_any_virtual_environment(backend_venv, tmp_path):
    project = tmp_path / "tidy"
    write(project, {
        "pyproject.toml": '[project]\nname = "tidy"\nversion = "1.0"\n',
        "src/tidy/__init__.py": "",
        "src/tidy.egg-info/PKG-INFO": "stale\n",
        "src/tidy/tidy.egg-info/SOURCES.txt": "stale\n",
        "build/lib/tidy/__init__.py": "",
        "dist/tidy-0.9.tar.gz": "",
        "my-env/pyvenv.cfg": "home = /usr/bin\n",
        "my-env/lib/python3.11/site-packages/x.py": "",
        "tools/helper.py": "",
    })
    hooks(backend_venv, project, tmp_path / "out", "sdist", "wheel")
    assert sdist_names(tmp_path / "out" / "tidy-1.0.tar.gz") == [
        "PKG-INFO", "pyproject.toml", "src/tidy/__init__.py", "tools/helper.py"]
    assert wheel_names(tmp_path / "out" / "tidy-1.0-py3-none-any.whl")[0] == "tidy/__init__.py"
    assert "tidy/tidy.egg-info/SOURCES.txt" not in wheel_names(tmp_path / "out" / "tidy-1.0-py3-none-any.whl")
    assert left_out(backend_venv, project, "--sdist") == {
        "build/": DEFAULT, "dist/": DEFAULT, "my-env/": DEFAULT,
        "src/tidy.egg-info/": DEFAULT, "src/tidy/tidy.egg-info/": DEFAULT}


def test_ls_of_a_native_project_names_the_compiled_module_and_the_real_tag(backend_venv, sample, tmp_path):
    project = sample("c-extension")
    hooks(backend_venv, project, tmp_path / "out", "wheel")
    (wheel,) = (tmp_path / "out").glob("*.whl")
    result = ls(backend_venv, project)
    lines = result.stdout.splitlines()
    compiled = [l for l in lines if "<- <compiled from csrc/speedups.c>" in l]
    assert len(compiled) == 1 and compiled[0].startswith("acme_fast/_speedups.cpython-"), lines
    tag = wheel.name[len("acme_fast-0.1.0-"):-len(".whl")]
    assert tag.startswith("cp3") and "manylinux" in tag or "linux" in tag
    assert f", tag {tag}" in result.stderr
    assert [l.split("  <- ")[0].rstrip() for l in lines] == wheel_names(wheel)


def test_the_sdist_carries_ignored_or_excluded_extension_sources(backend_venv, sample, tmp_path):
    """csrc/ git-ignored (in a checkout) and excluded by a glob: the sdist still holds the
    sources and headers, and the wheel built from it is the wheel built from the tree."""
    home = tmp_path / "home"
    home.mkdir()
    project = sample("c-extension")
    (project / ".gitignore").write_text("csrc/\n")
    text = (project / "pyproject.toml").read_text()
    (project / "pyproject.toml").write_text(text.replace("[[tool.rustbackend.ext-modules]]",
                                                         '[tool.rustbackend]\nexclude = ["csrc/**"]\n\n[[tool.rustbackend.ext-modules]]'))
    git(project, "init", "-q", "-b", "main", home=home)
    hooks(backend_venv, project, tmp_path / "out", "sdist", "wheel", env={"HOME": str(home)})
    names = sdist_names(tmp_path / "out" / "acme_fast-0.1.0.tar.gz")
    assert {"csrc/speedups.c", "csrc/include/acme.h"} <= set(names), names
    assert names == [p.split("/", 1)[1] for p in listing(backend_venv, project, "--sdist")]
    unpacked = tmp_path / "unpacked"
    with tarfile.open(tmp_path / "out" / "acme_fast-0.1.0.tar.gz") as tf:
        tf.extractall(unpacked, filter="data")
    hooks(backend_venv, unpacked / "acme_fast-0.1.0", tmp_path / "from-sdist", "wheel")
    (tree_wheel,) = (tmp_path / "out").glob("*.whl")
    assert (tmp_path / "from-sdist" / tree_wheel.name).read_bytes() == tree_wheel.read_bytes()


ALL_SAMPLES = sorted(p.name for p in SAMPLES.iterdir() if (p / "pyproject.toml").is_file())
TYPICAL_GITIGNORE = "*.so\n*.pyd\n__pycache__/\n*.egg-info/\nbuild/\ndist/\n.venv/\n*.log\n.coverage\n"


@pytest.mark.parametrize("name", ALL_SAMPLES)
def test_every_sample_lists_what_it_packs_and_rebuilds_identically_from_its_sdist(name, backend_venv, sample, tmp_path):
    """For every sample, native ones included, with a typical .gitignore and no .git: `ls`
    lists exactly the members of the wheel, sdist and editable wheel, and the wheel built from
    the sdist is byte-identical to the one built from the tree."""
    project = sample(name)
    gitignore = project / ".gitignore"
    gitignore.write_text((gitignore.read_text() if gitignore.exists() else "") + TYPICAL_GITIGNORE)
    (project / "debug.log").write_text("noise\n")
    hooks(backend_venv, project, tmp_path / "out", "sdist", "wheel")
    hooks(backend_venv, project, tmp_path / "editable", "editable")
    (sdist,) = (tmp_path / "out").glob("*.tar.gz")
    (wheel,) = (tmp_path / "out").glob("*.whl")
    (editable,) = (tmp_path / "editable").glob("*.whl")
    assert listing(backend_venv, project) == wheel_names(wheel)
    with tarfile.open(sdist) as tf:
        assert listing(backend_venv, project, "--sdist") == tf.getnames()
    assert listing(backend_venv, project, "--editable") == wheel_names(editable)
    assert "debug.log" not in sdist_names(sdist)
    unpacked = tmp_path / "unpacked"
    with tarfile.open(sdist) as tf:
        tf.extractall(unpacked, filter="data")
    (top,) = unpacked.iterdir()
    hooks(backend_venv, top, tmp_path / "from-sdist", "wheel")
    assert (tmp_path / "from-sdist" / wheel.name).read_bytes() == wheel.read_bytes()


def test_an_ignored_version_file_survives_the_sdist_round_trip(backend_venv, tmp_path):
    """hatch-vcs and setuptools-scm write `version.py` and list it in .gitignore (platformdirs
    ships exactly that). The sdist freezes the version, so it names the file in `artifacts`;
    the wheel built from the sdist still holds it, and importing the package works."""
    project = tmp_path / "vers"
    write(project, {
        "pyproject.toml": '[project]\nname = "vers"\ndynamic = ["version"]\n',
        ".gitignore": "/src/vers/version.py\n",
        "src/vers/__init__.py": "from .version import __version__\n",
        "src/vers/version.py": '__version__ = version = "4.3.6"\n',
    })
    hooks(backend_venv, project, tmp_path / "out", "sdist", "wheel")
    with tarfile.open(tmp_path / "out" / "vers-4.3.6.tar.gz") as tf:
        frozen = tf.extractfile("vers-4.3.6/pyproject.toml").read().decode()
        tf.extractall(tmp_path / "unpacked", filter="data")
    assert 'version = "4.3.6"' in frozen and "dynamic" not in frozen
    assert '[tool.rustbackend]\nartifacts = ["src/vers/version.py"]' in frozen
    hooks(backend_venv, tmp_path / "unpacked" / "vers-4.3.6", tmp_path / "from-sdist", "wheel")
    wheel = tmp_path / "from-sdist" / "vers-4.3.6-py3-none-any.whl"
    assert "vers/version.py" in wheel_names(wheel)
    assert wheel.read_bytes() == (tmp_path / "out" / wheel.name).read_bytes()


def test_ls_of_an_editable_native_project_leaves_the_sources_alone(backend_venv, sample, tmp_path):
    """`ls --editable` compiles into the kept build directory only; the editable build puts
    the module next to its sources, where the install imports it from."""
    project = sample("c-extension")
    package = project / "src" / "acme_fast"
    before = sorted(p.name for p in package.iterdir())
    result = ls(backend_venv, project, "--editable")
    assert sorted(p.name for p in package.iterdir()) == before
    assert list((project / "build" / "rustbackend").glob("*/lib/acme_fast/_speedups.*"))
    assert any(line.startswith("acme_fast-0.1.0.dist-info/RECORD") for line in result.stdout.splitlines())
    hooks(backend_venv, project, tmp_path / "out", "editable")
    assert [p.name for p in package.glob("_speedups.*")], sorted(p.name for p in package.iterdir())


def test_single_files_go_into_data_directories_and_install_where_setuptools_puts_them(make_venv, backend_venv, tmp_path):
    """`.data` sources may be files, and a table puts them below a directory: what setuptools'
    `headers=` and `data_files=[(dir, [files])]` do. pip installs them into the environment's
    include and data directories; a name that does not exist is an error at build time."""
    project = write(tmp_path / "acme", {
        "pyproject.toml": textwrap.dedent("""\
            [build-system]
            requires = ["rustbackend"]
            build-backend = "rustbackend"

            [project]
            name = "acme"
            version = "1.0"

            [tool.rustbackend.wheel.data]
            headers = ["include/acme.h"]
            data = { "share/man/man1" = ["docs/acme.1"], "share/acme" = "extras" }
            """),
        "src/acme/__init__.py": "",
        "include/acme.h": "#define ACME 1\n",
        "include/private.h": "#define PRIVATE 1\n",
        "docs/acme.1": ".TH ACME 1\n",
        "docs/index.rst": "Docs\n",
        "extras/a/b.txt": "b\n",
        ".gitignore": "docs/acme.1\n",  # named explicitly: shipped although ignored
    })
    env = make_venv()
    wheels = tmp_path / "wheels"
    env.pip("wheel", "--no-deps", "-w", wheels, project)
    (wheel,) = wheels.iterdir()
    data = sorted(n for n in wheel_names(wheel) if ".data/" in n)
    assert data == [
        "acme-1.0.data/data/share/acme/a/b.txt",
        "acme-1.0.data/data/share/man/man1/acme.1",
        "acme-1.0.data/headers/acme.h",
    ]
    env.pip("install", "--no-deps", wheel)
    paths = env.py("import json, sysconfig; print(json.dumps(sysconfig.get_paths()))").stdout
    import json

    paths = json.loads(paths)
    assert (Path(paths["data"]) / "share/man/man1/acme.1").read_text() == ".TH ACME 1\n"
    assert (Path(paths["data"]) / "share/acme/a/b.txt").read_text() == "b\n"
    headers = list(Path(paths["data"]).rglob("acme.h"))
    assert len(headers) == 1 and headers[0].read_text() == "#define ACME 1\n", headers
    # The sdist carries the named file although .gitignore covers it.
    hooks(backend_venv, project, tmp_path / "sdist", "sdist")
    (sdist,) = (tmp_path / "sdist").glob("*.tar.gz")
    assert "docs/acme.1" in sdist_names(sdist)
    # A missing file is named, with the key it came from.
    (project / "include" / "acme.h").unlink()
    failed = env.pip("wheel", "--no-deps", "-w", tmp_path / "w2", project, check=False)
    assert failed.returncode != 0
    assert "`tool.rustbackend.wheel.data.headers` names `include/acme.h`, which does not exist" in failed.stdout + failed.stderr
