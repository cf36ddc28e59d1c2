"""Editable install of {project} by rustbackend, strict mode.

Only {project}'s own modules import from its source tree; nothing else in that tree does.
This file does not need rustbackend at run time.
"""

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys

# Module name -> package directory or module file in the source tree.
MODULES = {modules}
# Namespace packages above dotted module names -> their directories in the source tree.
NAMESPACES = {namespaces}


class _ModuleFinder(importlib.abc.MetaPathFinder):
    """Finds the project's own modules in its source tree, ahead of sys.path."""

    def find_spec(self, fullname, path=None, target=None):
        location = MODULES.get(fullname)
        if location is None:
            return None
        if os.path.isdir(location):
            init = os.path.join(location, "__init__.py")
            if os.path.isfile(init):
                return importlib.util.spec_from_file_location(
                    fullname, init, submodule_search_locations=[location]
                )
            return _namespace(fullname, [location])
        if os.path.isfile(location):
            return importlib.util.spec_from_file_location(fullname, location)
        return None


class _NamespaceFinder(importlib.abc.MetaPathFinder):
    """Provides the namespace packages above dotted module names when nothing installed
    provides them (it runs after the regular finders, so installed portions win)."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname in NAMESPACES:
            return _namespace(fullname, NAMESPACES[fullname])
        return None


def _namespace(name, locations):
    spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
    spec.submodule_search_locations = list(locations)
    return spec


def install():
    """Adds the finders once."""
    if not any(isinstance(f, _ModuleFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _ModuleFinder())
        sys.meta_path.append(_NamespaceFinder())


install()
