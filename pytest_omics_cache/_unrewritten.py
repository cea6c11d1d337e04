"""Keeping pytest's assertion rewriter off this package's own modules.

pytest marks every module of an installed plugin's distribution for assertion rewriting, so each
module of this package would be imported through pytest's import hook, which reads its own
bytecode cache object by object from an open file (``marshal.load``) where Python's import reads
it in one piece. Counted with callgrind, the fake's first use in a pytest run took 80 M more
instructions that way (about 2.4 M per module, a thirtieth of a second), once per run. Nothing
here is a test assertion worth rewriting, so before the package imports its modules it tells
that hook to leave them to Python's import: every module of every subpackage (the layers and
the resource folders), found by walking the package's folders. ``plugin`` and this package's
``__init__`` are imported by pytest itself, before this can run; they stay small for that
reason.

It uses a private attribute of pytest's hook (the per-name cache behind
``AssertionRewritingHook._is_marked_for_rewrite``): where that is missing, or where a suite's
``python_files`` patterns match these modules' names, the modules are rewritten as before, only
more slowly. Later ``register_assert_rewrite`` calls clear that cache; modules imported after
that are rewritten too, which is again only slower.
"""

from __future__ import annotations

import os
import sys

_PACKAGE = __name__.rpartition(".")[0]
_skipped = False


def skip() -> None:
    """Tell pytest's assertion-rewriting import hook, if one is installed, not to handle this
    package's modules. Once per process: the first time the package imports its modules."""
    global _skipped
    if _skipped:
        return
    _skipped = True
    rewrite = sys.modules.get("_pytest.assertion.rewrite")
    hook_type = getattr(rewrite, "AssertionRewritingHook", None)
    if hook_type is None:
        return  # not inside pytest: there is no hook to avoid
    names = _module_names()
    for finder in sys.meta_path:
        cache = getattr(finder, "_marked_for_rewrite_cache", None)
        if isinstance(finder, hook_type) and isinstance(cache, dict):
            for name in names:
                # A name pytest has already decided on keeps its decision.
                cache.setdefault(name, False)


def _module_names() -> list[str]:
    """Every module and subpackage of this package by its dotted name, read off the file system:
    ``pkgutil.walk_packages`` would import each subpackage to find its path, the very imports
    this is meant to hand to Python before pytest sees them."""
    root = os.path.dirname(__file__)
    names = []
    for folder, subfolders, files in os.walk(root):
        # Packages only: not __pycache__, nor anything else without an __init__.
        subfolders[:] = [
            name for name in subfolders if os.path.isfile(os.path.join(folder, name, "__init__.py"))
        ]
        relative = os.path.relpath(folder, root)
        prefix = _PACKAGE if relative == "." else f"{_PACKAGE}.{relative.replace(os.sep, '.')}"
        for entry in files:
            if entry == "__init__.py":
                if prefix != _PACKAGE:
                    names.append(prefix)
            elif entry.endswith(".py"):
                names.append(f"{prefix}.{entry[:-3]}")
    return names
