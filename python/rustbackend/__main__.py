"""The rustbackend command line: `python -m rustbackend` or `rustbackend`.

    rustbackend build [PATH] [--wheel] [--sdist] [-o DIR]
    rustbackend ls [PATH] [--wheel | --sdist | --editable] [--left-out]
    rustbackend check [PATH | ARTIFACT ...]
    rustbackend migrate [DIR] [--write] [--verify] [--no-consult]
"""

from __future__ import annotations

import argparse
import os
import sys
import tarfile
import threading
import zipfile

import rustbackend

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import List, Optional, Sequence


def _colour(enabled: bool, code: str, text: str) -> str:
    return f"\033[{code}m{text}\033[0m" if enabled else text


class _Output:
    """Where messages go: colour only on a terminal (and not with NO_COLOR), -q and -v."""

    def __init__(self, verbosity: int) -> None:
        self.verbosity = verbosity
        self.colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ

    def result(self, text: str) -> None:
        if self.verbosity >= 0:
            print(text)

    def detail(self, text: str) -> None:
        if self.verbosity > 0:
            print(text)

    def good(self, text: str) -> str:
        return _colour(self.colour, "32", text)

    def bad(self, text: str) -> str:
        return _colour(self.colour, "31", text)


class _Progress:
    """A spinner on stderr for work that takes longer than a second (terminals only)."""

    def __init__(self, label: str, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled and sys.stderr.isatty()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._spin, daemon=True)

    def _spin(self) -> None:
        if self.done.wait(1.0):
            return
        frames = "|/-\\"
        i = 0
        while not self.done.wait(0.1):
            sys.stderr.write(f"\r{frames[i % 4]} {self.label}")
            sys.stderr.flush()
            i += 1
        sys.stderr.write("\r" + " " * (len(self.label) + 2) + "\r")

    def __enter__(self) -> "_Progress":
        if self.enabled:
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        if self.enabled:
            self.thread.join()


def _count_files(path: str) -> int:
    if path.endswith(".whl"):
        with zipfile.ZipFile(path) as zf:
            return len(zf.infolist())
    with tarfile.open(path) as tf:
        return len(tf.getmembers())


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"


def _build(args: argparse.Namespace, out: _Output) -> int:
    native = rustbackend._core()
    project = os.path.abspath(args.path)
    out_dir = os.path.abspath(args.outdir or os.path.join(project, "dist"))
    kinds = [k for k in ("sdist", "wheel") if getattr(args, k)] or ["sdist", "wheel"]
    epoch = rustbackend._source_date_epoch()
    for kind in kinds:
        with _Progress(f"building the {kind}", out.verbosity >= 0):
            if kind == "wheel":
                name, warnings = native.build_wheel(
                    project, out_dir, None, None, epoch, rustbackend._interpreter(),
                )
            else:
                name, warnings = native.build_sdist(project, out_dir, None, epoch)
        for warning in warnings:
            sys.stderr.write(f"rustbackend: warning: {warning}\n")
        path = os.path.join(out_dir, name)
        out.result(f"{out.good('built')} {os.path.relpath(path)}  "
                   f"({_size(os.path.getsize(path))}, {_count_files(path)} files)")
    return 0


def _ls(args: argparse.Namespace, out: _Output) -> int:
    kind = "sdist" if args.sdist else "editable" if args.editable else "wheel"
    files, left_out, tag, warnings = rustbackend._core().list_files(
        os.path.abspath(args.path), kind, None, rustbackend._interpreter(),
    )
    for warning in warnings:
        sys.stderr.write(f"rustbackend: warning: {warning}\n")
    if args.left_out:
        width = max((len(path) for path, _ in left_out), default=0)
        for path, why in left_out:
            print(f"{path:<{width}}  ({why})" if out.verbosity >= 0 else path)
        if not left_out and out.verbosity >= 0:
            sys.stderr.write(f"nothing is left out of the {kind}\n")
        out.detail(f"{len(left_out)} paths left out of the {kind}")
        return 0
    width = max((len(path) for path, _ in files), default=0)
    for path, source in files:
        print(f"{path:<{width}}  <- {source}" if out.verbosity >= 0 else path)
    if out.verbosity >= 0:
        summary = f"{len(files)} files in the {kind}" + (f", tag {tag}" if tag else "")
        if left_out:
            summary += f"; {len(left_out)} paths left out (`rustbackend ls --left-out{' --' + kind if kind != 'wheel' else ''}` lists them and why)"
        sys.stderr.write(summary + "\n")
    return 0


def _check(args: argparse.Namespace, out: _Output) -> int:
    native = rustbackend._core()
    targets = args.targets or ["."]
    failed = 0
    for target in targets:
        if os.path.isdir(target):
            try:
                warnings = native.check_project(os.path.abspath(target))
            except rustbackend.BuildError as e:
                failed += 1
                out.result(f"{out.bad('FAILED')} {target}\n{e}")
                continue
            for warning in warnings:
                sys.stderr.write(f"rustbackend: warning: {warning}\n")
            out.result(f"{out.good('OK')} {target}: pyproject.toml and the layout are valid")
        else:
            problems, warnings = native.check_artifact(os.path.abspath(target))
            for warning in warnings:
                sys.stderr.write(f"rustbackend: warning: {warning}\n")
            if problems:
                failed += 1
                out.result(f"{out.bad('FAILED')} {target}")
                for problem in problems:
                    out.result(f"  - {problem}")
            else:
                out.result(f"{out.good('OK')} {target}")
    if len(targets) > 1:
        out.result(f"{len(targets) - failed} passed, {failed} failed")
    return 1 if failed else 0


def _migrate(args: argparse.Namespace, out: _Output) -> int:
    from rustbackend import _migrate

    return _migrate.run(args.path, args.write, args.verify, not args.no_consult, out)


def main(argv: "Optional[Sequence[str]]" = None) -> int:
    """Runs the command line; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="rustbackend",
        description="Build, list and check Python packages with the rustbackend build backend.",
    )
    parser.add_argument("--version", action="version", version=f"rustbackend {rustbackend.__version__}")
    parser.add_argument("-q", "--quiet", action="count", default=0, help="print less")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="print more")
    # -q and -v after the command too (`rustbackend check -v`); SUPPRESS keeps a subcommand's
    # default from resetting what was given before it.
    loudness = argparse.ArgumentParser(add_help=False)
    loudness.add_argument("-q", "--quiet", action="count", default=argparse.SUPPRESS, help="print less")
    loudness.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS, help="print more")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = commands.add_parser("build", parents=[loudness], help="build a wheel and an sdist straight from the tree")
    build.add_argument("path", nargs="?", default=".", help="the project directory (default: .)")
    build.add_argument("--wheel", action="store_true", help="build the wheel")
    build.add_argument("--sdist", action="store_true", help="build the sdist")
    build.add_argument("-o", "--outdir", help="where to write the artifacts (default: PATH/dist)")

    ls = commands.add_parser("ls", parents=[loudness], help="list what an artifact would contain, and where each file comes from")
    ls.add_argument("path", nargs="?", default=".", help="the project directory (default: .)")
    which = ls.add_mutually_exclusive_group()
    which.add_argument("--wheel", action="store_true", help="the wheel (the default)")
    which.add_argument("--sdist", action="store_true", help="the sdist")
    which.add_argument("--editable", action="store_true", help="the editable wheel")
    ls.add_argument("--left-out", action="store_true",
                    help="list what is left out instead, and why (ignore rules, default excludes, secrets, exclude globs)")

    check = commands.add_parser("check", parents=[loudness], help="validate a project, or built wheels and sdists")
    check.add_argument("targets", nargs="*", metavar="PATH | ARTIFACT",
                       help="a project directory (default: .) or .whl / .tar.gz files")

    migrate = commands.add_parser(
        "migrate", parents=[loudness],
        help="switch a project from setuptools, hatchling, flit_core, poetry-core, pdm-backend or uv_build",
        description="Print the pyproject.toml that builds the project with rustbackend (as a diff) and every "
                    "setting of the old backend it could not carry, with file and line. Exit 0 only when "
                    "everything was carried (and, with --verify, both backends build the same artifacts).",
    )
    migrate.add_argument("path", nargs="?", default=".", metavar="DIR", help="the project directory (default: .)")
    migrate.add_argument("--write", action="store_true", help="rewrite pyproject.toml (comments and other tables kept)")
    migrate.add_argument("--verify", action="store_true",
                         help="build the wheel and sdist with the old backend and with rustbackend (each isolated) and compare")
    migrate.add_argument("--no-consult", action="store_true",
                         help="do not ask the old backend (in an isolated environment) for values it computes")

    args = parser.parse_args(argv)
    out = _Output(args.verbose - args.quiet)
    handlers = {"build": _build, "ls": _ls, "check": _check, "migrate": _migrate}
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return handlers[args.command](args, out)
    except rustbackend.BuildError as e:
        print(f"{out.bad('error')}: {e}" if not str(e).startswith("error:") else str(e), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
