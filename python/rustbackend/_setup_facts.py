"""What setup.py, setup.cfg and MANIFEST.in say, read without running them, as the facts
that `rustbackend migrate` maps (src/migrate/setuptools.rs): a list of
`[keyword, value, file, line]`.

setup.py is parsed with `ast`; a keyword argument whose value is a literal (or a name bound
to one, `find_packages(...)`, `Extension(...)`, `cythonize([...])`, a file's contents) is
carried; anything else becomes `{"$unreadable": "<source>"}`, which the Rust side either
asks the old backend's metadata for or refuses at its line. Dicts are sent as
`{"$map": [[key, value], ...]}` to keep their order.
"""

from __future__ import annotations

import ast
import configparser
import fnmatch
import os
import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Tuple


class _Unreadable(Exception):
    """An expression that only running setup.py could evaluate."""


_HERE = object()  # os.path.dirname(__file__): the project directory


class _FileHandle:
    def __init__(self, path: str) -> None:
        self.path = path


def _ordered(pairs: "List[Tuple[str, Any]]") -> "Dict[str, Any]":
    return {"$map": [[k, v] for k, v in pairs]}


class _Evaluator:
    """Evaluates the literal part of setup.py's expressions."""

    def __init__(self, root: str, source: str) -> None:
        self.root = root
        self.source = source
        self.names: "Dict[str, Any]" = {"__file__": os.path.join(root, "setup.py")}
        self.changed: "set" = set()

    def text(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.source, node) or ast.dump(node)

    def value(self, node: ast.AST) -> "Any":
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            out = []
            for element in node.elts:
                if isinstance(element, ast.Starred):
                    out.extend(self.value(element.value))
                else:
                    out.append(self.value(element))
            return out
        if isinstance(node, ast.Dict):
            pairs: "List[list]" = []
            for key, value in zip(node.keys, node.values):
                if key is None:
                    inner = self.value(value)
                    pairs.extend(inner["$map"] if isinstance(inner, dict) and "$map" in inner else [])
                    continue
                pairs.append([str(self.value(key)), self.value(value)])
            return {"$map": pairs}
        if isinstance(node, ast.Name):
            if node.id in self.names:
                return self.names[node.id]
            if node.id in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[node.id]
            raise _Unreadable(node.id)
        if isinstance(node, ast.JoinedStr):
            parts = []
            for part in node.values:
                if isinstance(part, ast.FormattedValue):
                    parts.append(str(self.value(part.value)))
                else:
                    parts.append(str(self.value(part)))
            return "".join(parts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.value(node.left), self.value(node.right)
            if isinstance(left, str) and isinstance(right, str):
                return left + right
            if isinstance(left, list) and isinstance(right, list):
                return left + right
        if isinstance(node, ast.Call):
            return self.call(node)
        raise _Unreadable(self.text(node))

    def call(self, node: ast.Call) -> "Any":
        name = self.text(node.func)
        last = name.rsplit(".", 1)[-1]
        args = node.args
        kwargs = {k.arg: k.value for k in node.keywords if k.arg is not None}
        if any(k.arg is None for k in node.keywords):
            raise _Unreadable(self.text(node))
        if last in ("find_packages", "find_namespace_packages", "find_packages_ns"):
            found = {}
            for i, key in enumerate(("where", "exclude", "include")):
                if i < len(args):
                    found[key] = self.value(args[i])
            for key, value in kwargs.items():
                found[key] = self.value(value)
            if found.get("where") is _HERE:
                found["where"] = ""
            mark = "$find" if last == "find_packages" else "$find_namespace"
            return {mark: _ordered(list(found.items()))}
        if name in ("glob.glob", "glob") and len(args) == 1 and not kwargs:
            # Listing the tree is reading data, not running the project's code.
            import glob as globbing

            pattern = self.value(args[0])
            if isinstance(pattern, str):
                here = os.getcwd()
                try:
                    os.chdir(self.root)
                    return sorted(p.replace(os.sep, "/") for p in globbing.glob(pattern))
                finally:
                    os.chdir(here)
        if name == "dict" and not args:
            return _ordered([(key, self.value(value)) for key, value in kwargs.items()])
        if last == "Extension":
            pairs = []
            for i, key in enumerate(("name", "sources")):
                if i < len(args):
                    pairs.append((key, self.value(args[i])))
            for key, value in kwargs.items():
                pairs.append((key, self.value(value)))
            return {"$extension": _ordered(pairs)}
        if last == "cythonize":
            modules = self.value(args[0]) if args else self.value(kwargs.pop("module_list"))
            if not isinstance(modules, list) or not all(isinstance(m, dict) and "$extension" in m for m in modules):
                raise _Unreadable(self.text(node))
            directives = kwargs.get("compiler_directives")
            if directives is not None:
                value = self.value(directives)
                for module in modules:
                    module["$extension"]["$map"].append(["$compiler_directives", value])
            return modules
        if name in ("os.path.dirname", "os.path.abspath", "os.path.realpath", "path.dirname", "dirname", "abspath"):
            inner = self.value(args[0]) if args else None
            if inner is _HERE or inner == self.names["__file__"]:
                return _HERE
        if name in ("os.path.join", "path.join", "join"):
            parts = [self.value(a) for a in args]
            parts = [p for p in parts if p is not _HERE]
            if all(isinstance(p, str) for p in parts):
                return "/".join(parts)
        if last in ("open", "Path") and args:
            path = self.value(args[0])
            if path is _HERE:
                return _HERE
            if isinstance(path, str):
                return _FileHandle(path)
        if isinstance(node.func, ast.Attribute):
            target = self.value(node.func.value)
            method = node.func.attr
            if isinstance(target, _FileHandle) and method in ("read", "read_text"):
                return {"$file": target.path}
            if isinstance(target, dict) and "$file" in target and method in ("splitlines", "split") and not args:
                return self.lines(target["$file"])
            if isinstance(target, str) and method == "strip":
                return target.strip()
        if isinstance(node.func, ast.BinOp) or name.endswith("__truediv__"):
            raise _Unreadable(self.text(node))
        raise _Unreadable(self.text(node))

    def lines(self, path: str) -> "List[str]":
        """A data file's lines (requirements.txt): reading data is not running code."""
        with open(os.path.join(self.root, path), encoding="utf-8") as f:
            return [line.strip() for line in f if line.strip() and not line.strip().startswith("#")]

    def bind(self, target: ast.AST, value: ast.AST) -> None:
        if isinstance(target, ast.Name) and target.id not in self.changed:
            try:
                self.names[target.id] = self.value(value)
            except (_Unreadable, OSError, KeyError, IndexError, TypeError):
                self.names.pop(target.id, None)


_MUTATORS = {"append", "extend", "insert", "update", "pop", "remove", "clear", "setdefault", "add", "discard",
             "sort", "reverse"}


def _changed_names(tree: ast.Module) -> "set":
    """Names whose value setup.py changes after binding them, or binds somewhere other than
    at the top level (in an `if`, a loop, a function): their value depends on running it."""
    top_level = {id(node) for node in tree.body}
    for statement in tree.body:
        if isinstance(statement, ast.With):
            top_level |= {id(inner) for inner in statement.body}
    changed = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name) and node.func.attr in _MUTATORS:
            changed.add(node.func.value.id)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            changed.add(node.target.id)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                    changed.add(target.value.id)
                elif isinstance(target, ast.Name) and id(node) not in top_level:
                    changed.add(target.id)
        elif isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name):
            changed.add(node.target.id)
    return changed


def _setup_call(tree: ast.Module) -> "Optional[ast.Call]":
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name == "setup":
                return node
    return None


def read_setup_py(root: str) -> "List[list]":
    """The keyword arguments of setup.py's setup() call."""
    path = os.path.join(root, "setup.py")
    if not os.path.isfile(path):
        return []
    with open(path, encoding="utf-8") as f:
        source = f.read()
    tree = ast.parse(source, "setup.py")
    evaluator = _Evaluator(root, source)
    evaluator.changed = _changed_names(tree)
    # Module-level names bound to literals (VERSION = "1.0"), and `with open(X) as f:` blocks.
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            evaluator.bind(node.targets[0], node.value)
        elif isinstance(node, ast.With):
            for item in node.items:
                if item.optional_vars is not None:
                    evaluator.bind(item.optional_vars, item.context_expr)
            for inner in node.body:
                if isinstance(inner, ast.Assign) and len(inner.targets) == 1:
                    evaluator.bind(inner.targets[0], inner.value)
    call = _setup_call(tree)
    if call is None:
        return [["$unreadable_setup", {"$unreadable": "no setup() call"}, "setup.py", 1]]
    facts = []
    for keyword in call.keywords:
        line = keyword.value.lineno
        if keyword.arg is None:
            facts.append(["**", {"$unreadable": "**" + evaluator.text(keyword.value)}, "setup.py", line])
            continue
        if keyword.arg == "cmdclass" and isinstance(keyword.value, ast.Dict):
            # The commands' names say whether they change a build; their classes are code.
            try:
                names = [evaluator.value(k) for k in keyword.value.keys if k is not None]
            except _Unreadable:
                names = []
            if names and len(names) == len(keyword.value.keys):
                facts.append([keyword.arg, {"$map": [[str(n), {"$unreadable": "a command class"}] for n in names]}, "setup.py", line])
                continue
        try:
            value = evaluator.value(keyword.value)
            if value is _HERE or isinstance(value, _FileHandle):
                raise _Unreadable(evaluator.text(keyword.value))
        except _Unreadable:
            value = {"$unreadable": evaluator.text(keyword.value)}
        except (OSError, KeyError, IndexError, TypeError, ValueError):
            value = {"$unreadable": evaluator.text(keyword.value)}
        facts.append([keyword.arg, value, "setup.py", line])
    return facts


# setup.cfg option types (setuptools' "Configuring setuptools using setup.cfg files").
_LIST_COMMA = {"keywords", "platforms", "provides", "requires", "obsoletes", "py_modules", "packages",
               "license_files", "scripts", "classifiers", "namespace_packages"}
_LIST_SEMI = {"install_requires", "setup_requires", "tests_require"}
_DICT = {"package_dir", "project_urls"}
_BOOL = {"zip_safe", "include_package_data"}


def _cfg_lines(text: str) -> "Dict[Tuple[str, str], int]":
    lines: "Dict[Tuple[str, str], int]" = {}
    section = ""
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"\s*\[([^\]]+)\]", line)
        if header:
            section = header.group(1).strip()
            lines[(section, "")] = number
            continue
        key = re.match(r"([^\s=:#;][^=:]*?)\s*[=:]", line)
        if key and not line[:1].isspace():
            lines[(section, key.group(1).strip())] = number
    return lines


def _cfg_list(value: str, semi: bool) -> "List[str]":
    separators = r"[;\n]" if semi else r"[,\n]"
    return [p.strip() for p in re.split(separators, value) if p.strip() and not p.strip().startswith("#")]


def _cfg_value(root: str, key: str, value: str) -> "Any":
    value = value.strip()
    if value.startswith("file:"):
        files = [f.strip() for f in value[5:].split(",") if f.strip()]
        if key in ("long_description", "description"):
            return {"$file": files[0] if len(files) == 1 else files}
        lines: "List[str]" = []
        for name in files:
            with open(os.path.join(root, name), encoding="utf-8") as f:
                lines.extend(line.strip() for line in f if line.strip() and not line.strip().startswith("#"))
        return lines
    if value.startswith("attr:"):
        return {"$attr": value[5:].strip()}
    if value in ("find:", "find_namespace:"):
        return {"$find" if value == "find:" else "$find_namespace": {"$map": []}}
    if key in _LIST_COMMA:
        return _cfg_list(value, semi=False)
    if key in _LIST_SEMI:
        return _cfg_list(value, semi=True)
    if key in _DICT:
        pairs = []
        for line in _cfg_list(value, semi=False) if key == "package_dir" and "\n" not in value else value.splitlines():
            if "=" in line:
                k, v = line.split("=", 1)
                pairs.append([k.strip(), v.strip()])
        return {"$map": pairs}
    if key in _BOOL:
        return value.lower() in ("1", "true", "yes", "on")
    return value


def read_setup_cfg(root: str) -> "List[list]":
    """setup.cfg's [metadata], [options] and [options.*] sections as setup() keywords."""
    path = os.path.join(root, "setup.cfg")
    if not os.path.isfile(path):
        return []
    with open(path, encoding="utf-8") as f:
        text = f.read()
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=", ":"))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    lines = _cfg_lines(text)
    facts = []
    for section in ("metadata", "options"):
        if not parser.has_section(section):
            continue
        for key, raw in parser.items(section):
            name = key.replace("-", "_")
            name = {"home_page": "url", "summary": "description", "platform": "platforms"}.get(name, name)
            value = _cfg_value(root, name, raw)
            if name == "packages" and isinstance(value, dict) and parser.has_section("options.packages.find"):
                mark = next(iter(value))
                found = [[k, _cfg_list(v, semi=False) if k != "where" else v.strip()] for k, v in parser.items("options.packages.find")]
                value = {mark: {"$map": found}}
            facts.append([name, value, "setup.cfg", lines.get((section, key), 0)])
    for section, keyword, semi in (("options.package_data", "package_data", False),
                                   ("options.exclude_package_data", "exclude_package_data", False),
                                   ("options.extras_require", "extras_require", True),
                                   ("options.data_files", "data_files", False)):
        if parser.has_section(section):
            pairs = [[k, _cfg_list(v, semi)] for k, v in parser.items(section)]
            facts.append([keyword, {"$map": pairs}, "setup.cfg", lines.get((section, ""), 0)])
    if parser.has_section("options.entry_points"):
        pairs = [[k, [l for l in v.splitlines() if l.strip()]] for k, v in parser.items("options.entry_points")]
        facts.append(["entry_points", {"$map": pairs}, "setup.cfg", lines.get(("options.entry_points", ""), 0)])
    options = []
    for command in ("bdist_wheel",):
        if parser.has_section(command):
            options.append([command, {"$map": [[k, v] for k, v in parser.items(command)]}])
    if options:
        facts.append(["options", {"$map": options}, "setup.cfg", lines.get(("bdist_wheel", ""), 0)])
    return facts


def _project_files(root: str) -> "List[str]":
    found = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in (".git", ".hg", "__pycache__", ".tox", ".venv", "build", "dist"))
        relative = os.path.relpath(directory, root).replace(os.sep, "/")
        for name in files:
            found.append(name if relative == "." else f"{relative}/{name}")
    return sorted(found)


def _glob_regex(pattern: str) -> "re.Pattern[str]":
    # distutils' translate_pattern: `*` and `?` do not cross `/`.
    translated = fnmatch.translate(pattern)
    translated = translated.replace(".*", "[^/]*").replace("(?s:.)", "[^/]")
    return re.compile(translated)


def read_manifest(root: str) -> "Optional[List[str]]":
    """The files MANIFEST.in adds (for include_package_data), or None without MANIFEST.in."""
    path = os.path.join(root, "MANIFEST.in")
    if not os.path.isfile(path):
        return None
    files = _project_files(root)
    chosen: "List[str]" = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            command, args = words[0], words[1:]

            def select(predicate: "Any") -> "List[str]":
                return [name for name in files if predicate(name)]

            if command in ("include", "exclude"):
                regexes = [_glob_regex(p) for p in args]
                hits = select(lambda n: any(r.match(n) for r in regexes))
            elif command in ("recursive-include", "recursive-exclude") and args:
                prefix = args[0].rstrip("/") + "/"
                regexes = [_glob_regex(p) for p in args[1:]]
                hits = select(lambda n: (n.startswith(prefix) or prefix == "./") and any(r.match(n.rsplit("/", 1)[-1]) for r in regexes))
            elif command in ("global-include", "global-exclude"):
                regexes = [_glob_regex(p) for p in args]
                hits = select(lambda n: any(r.match(n.rsplit("/", 1)[-1]) for r in regexes))
            elif command in ("graft", "prune") and args:
                prefix = args[0].rstrip("/") + "/"
                hits = select(lambda n: n.startswith(prefix))
            else:
                continue
            if command in ("include", "recursive-include", "global-include", "graft"):
                chosen.extend(h for h in hits if h not in chosen)
            else:
                chosen = [c for c in chosen if c not in hits]
    return chosen


def facts(root: str) -> "List[list]":
    """Every fact of setup.cfg, then setup.py (whose arguments win), then MANIFEST.in."""
    found = read_setup_cfg(root)
    from_py = read_setup_py(root)
    given = {fact[0] for fact in from_py}
    found = [fact for fact in found if fact[0] not in given] + from_py
    manifest = read_manifest(root)
    if manifest is not None:
        found.append(["$manifest", manifest, "MANIFEST.in", 0])
    return found
