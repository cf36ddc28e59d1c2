"""What goes into each artifact: namespace packages installed side by side, and the sdist's
git-aware selection (nested .gitignore files, .git/info/exclude, the global excludes file,
worktrees) with junk, build outputs and secrets left out."""

from __future__ import annotations

import subprocess
import tarfile
import textwrap
import zipfile
from pathlib import Path

from conftest import run


def test_namespace_packages_install_side_by_side(sample, make_venv, tmp_path):
    env = make_venv()
    env.pip("install", sample("namespace-widgets"), sample("namespace-gadgets"))
    out = env.py("import acme.widgets, acme.gadgets; print(acme.widgets.widget(), acme.gadgets.gadget())")
    assert out.stdout.strip() == "widget gadget"
    # The shared namespace has no __init__.py from either wheel.
    assert not (env.site_packages() / "acme" / "__init__.py").exists()


def git(cwd: Path, home: Path, *args: str) -> str:
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin:/usr/local/bin", "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True, text=True, env=env).stdout


def write(root: Path, files: dict) -> None:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


PROJECT_FILES = {
    "pyproject.toml": textwrap.dedent("""\
        [build-system]
        requires = ["rustbackend"]
        build-backend = "rustbackend"

        [project]
        name = "picky"
        version = "1.0"
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
    "src/picky/local_only.py",
    "tests/test_picky.py",
]
EXPECTED_WHEEL = [
    "picky/.gitignore",
    "picky/__init__.py",
    "picky/_version.py",
    "picky/data.json",
    "picky/local_only.py",
    "picky-1.0.dist-info/METADATA",
    "picky-1.0.dist-info/WHEEL",
    "picky-1.0.dist-info/RECORD",
]


def build(venv, project: Path, out: Path, home: Path):
    code = "import rustbackend, sys; print(rustbackend.build_sdist(sys.argv[1])); print(rustbackend.build_wheel(sys.argv[1]))"
    return run([venv.python, "-c", code, out], env=dict(venv.env, HOME=str(home)), cwd=project)


def sdist_names(path: Path) -> list:
    with tarfile.open(path) as tf:
        return [n.split("/", 1)[1] for n in tf.getnames()]


def wheel_names(path: Path) -> list:
    with zipfile.ZipFile(path) as zf:
        return zf.namelist()


def make_repo(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(f"[core]\n\texcludesFile = {home / 'global-ignore'}\n")
    (home / "global-ignore").write_text("*.globalignored\n")
    project = tmp_path / "picky"
    write(project, PROJECT_FILES)
    git(project, home, "init", "-q", "-b", "main")
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


def test_worktree_checkouts_select_the_same_files(backend_venv, tmp_path):
    project, home = make_repo(tmp_path)
    git(project, home, "add", "-A")
    git(project, home, "commit", "-q", "-m", "init")
    worktree = tmp_path / "worktree"
    git(project, home, "worktree", "add", "-q", str(worktree))
    assert (worktree / ".git").is_file()  # a worktree's .git is a file pointing at the repository
    # Untracked, ignored files in the worktree, as in the main checkout.
    write(worktree, {"app.log": "ignored\n", "generated/out.txt": "ignored\n", "src/picky/local_only.py": "x\n"})
    build(backend_venv, worktree, tmp_path / "out", home)
    names = sdist_names(tmp_path / "out" / "picky-1.0.tar.gz")
    assert "app.log" not in names and "generated/out.txt" not in names
    assert "src/picky/local_only.py" in names  # part of the package: always in the sdist
