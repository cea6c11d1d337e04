"""Running a hook right after a module is imported, for the optional transports.

``requests`` (served through ``responses``) and aiobotocore cost a tenth and a quarter of a second
to import. A suite that never imports them should not pay that at its first ``fake_omics``, yet
code that imports them in the middle of a test must find them hooked before its first request.
So a fake hooks such a library at once when it is already imported, and otherwise watches its
import: the watcher finds the module the way the import system would have, and runs the hook as
soon as the module has executed, before the importing code gets it back.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from importlib.abc import Loader, MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any


class _HookingLoader(Loader):
    """The module's own loader, with the hook run after it executed the module."""

    def __init__(self, loader: Loader, hook: Callable[[], None], rearm: Callable[[], None]) -> None:
        self._loader = loader
        self._hook = hook
        self._rearm = rearm

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        # The module keeps its own loader, as if it had never been watched.
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        try:
            self._loader.exec_module(module)
            self._hook()
        except BaseException:
            # The import fails and the module leaves sys.modules: the next import of it must
            # be watched again, or it would come back unhooked.
            self._rearm()
            raise

    def __getattr__(self, name: str) -> Any:  # get_data, get_resource_reader, ...
        return getattr(self._loader, name)


class ImportWatcher(MetaPathFinder):
    """Calls ``hooks[name]()`` once, right after module ``name`` is first imported."""

    def __init__(self, hooks: dict[str, Callable[[], None]]) -> None:
        self._hooks = hooks
        self._lock = threading.Lock()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        with self._lock:
            hook = self._hooks.pop(fullname, None)
        if hook is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec: ModuleSpec | None = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is None:  # a namespace package: nothing executes
                    return spec
                spec.loader = _HookingLoader(spec.loader, hook, lambda: self._rearm(fullname, hook))
                return spec
        return None

    def _rearm(self, name: str, hook: Callable[[], None]) -> None:
        with self._lock:
            self._hooks.setdefault(name, hook)

    def install(self) -> Callable[[], None]:
        """Put the watcher first in ``sys.meta_path``; returns what takes it out again."""
        sys.meta_path.insert(0, self)
        return self._remove

    def _remove(self) -> None:
        if self in sys.meta_path:
            sys.meta_path.remove(self)
