"""The import watcher that hooks optional transports when the code under test imports them."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_omics_cache._transports.on_import import ImportWatcher


@pytest.fixture
def importable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith("watched_")]:
        del sys.modules[name]


def test_the_hook_runs_once_right_after_the_module_executed(importable: Path) -> None:
    (importable / "watched_mod.py").write_text("VALUE = 42\n")
    seen: list[object] = []
    remove = ImportWatcher(
        {"watched_mod": lambda: seen.append(sys.modules["watched_mod"].VALUE)}
    ).install()
    try:
        module = importlib.import_module("watched_mod")
        del sys.modules["watched_mod"]
        importlib.import_module("watched_mod")  # a second import: the hook is spent
    finally:
        remove()

    assert seen == [42]
    # The module keeps its own loader, so its resources read as they always do.
    assert type(module.__loader__).__name__ == "SourceFileLoader"
    assert module.__spec__ is not None
    assert module.__spec__.loader is module.__loader__


def test_other_loader_attributes_pass_through(importable: Path) -> None:
    (importable / "watched_data.py").write_text("")
    watcher = ImportWatcher({"watched_data": lambda: None})
    spec = watcher.find_spec("watched_data", None)

    assert spec is not None
    assert spec.loader is not None
    assert spec.loader.get_data(str(importable / "watched_data.py")) == b""  # type: ignore[attr-defined]


def test_missing_modules_and_namespace_packages(importable: Path) -> None:
    (importable / "watched_namespace").mkdir()
    watcher = ImportWatcher({"watched_missing": lambda: None, "watched_namespace": lambda: None})

    assert watcher.find_spec("watched_missing", None) is None
    namespace = watcher.find_spec("watched_namespace", None)
    assert namespace is not None
    assert namespace.loader is None
    assert watcher.find_spec("json", None) is None  # not watched: the import system decides


def test_removing_twice_is_harmless() -> None:
    remove = ImportWatcher({}).install()
    remove()
    remove()

    assert not any(isinstance(finder, ImportWatcher) for finder in sys.meta_path)
