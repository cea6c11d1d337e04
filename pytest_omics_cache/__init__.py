"""pytest-omics-cache: AWS HealthOmics run caches, faked on botocore's real wire path.

PYTEST_DONT_REWRITE: imported with the plugin in every pytest run; nothing here to rewrite.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_omics_cache._calls import Call
    from pytest_omics_cache._canned import CannedResponse
    from pytest_omics_cache._errors import UnservedRequestError
    from pytest_omics_cache._fake import FakeOmics
    from pytest_omics_cache._injections import Injection
    from pytest_omics_cache._mock import mock_omics
    from pytest_omics_cache._run_store import RunScript
    from pytest_omics_cache._types import CacheBehavior, RunCache, RunCacheStatus

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
    "CacheBehavior": "_types",
    "Call": "_calls",
    "CannedResponse": "_canned",
    "FakeOmics": "_fake",
    "Injection": "_injections",
    "RunCache": "_types",
    "RunCacheStatus": "_types",
    "RunScript": "_run_store",
    "UnservedRequestError": "_errors",
    "mock_omics": "_mock",
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
