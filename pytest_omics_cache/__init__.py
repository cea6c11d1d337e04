"""pytest-omics-cache: AWS HealthOmics run caches, faked on botocore's real wire path.

PYTEST_DONT_REWRITE: imported with the plugin in every pytest run; nothing here to rewrite.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_omics_cache._api.fake import FakeOmics
    from pytest_omics_cache._api.mock import mock_omics
    from pytest_omics_cache._core.calls import Call
    from pytest_omics_cache._core.errors import UnservedRequestError
    from pytest_omics_cache._core.injections import Injection
    from pytest_omics_cache._resources.canned.store import CannedResponse
    from pytest_omics_cache._resources.run_caches.types import (
        CacheBehavior,
        RunCache,
        RunCacheStatus,
    )
    from pytest_omics_cache._resources.runs.store import RunScript

__all__ = [
    "CacheBehavior",
    "Call",
    "CannedResponse",
    "FakeOmics",
    "Injection",
    "RunCache",
    "RunCacheStatus",
    "RunScript",
    "UnservedRequestError",
    "mock_omics",
]

# Where each public name lives. They are imported on first use: pytest imports this package for
# the plugin in every run of every suite, used or not, and that must cost nothing.
_HOMES = {
    "CacheBehavior": "_resources.run_caches.types",
    "Call": "_core.calls",
    "CannedResponse": "_resources.canned.store",
    "FakeOmics": "_api.fake",
    "Injection": "_core.injections",
    "RunCache": "_resources.run_caches.types",
    "RunCacheStatus": "_resources.run_caches.types",
    "RunScript": "_resources.runs.store",
    "UnservedRequestError": "_core.errors",
    "mock_omics": "_api.mock",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'pytest_omics_cache' has no attribute {name!r}")
    from pytest_omics_cache import _unrewritten

    _unrewritten.skip()
    value = getattr(importlib.import_module(f"pytest_omics_cache.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
