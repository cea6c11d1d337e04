"""pytest-omics-cache: AWS HealthOmics run caches, faked on botocore's real wire path."""

from pytest_omics_cache._calls import Call
from pytest_omics_cache._errors import UnservedRequestError
from pytest_omics_cache._fake import FakeOmics
from pytest_omics_cache._injections import Injection
from pytest_omics_cache._mock import mock_omics
from pytest_omics_cache._types import CacheBehavior, RunCache, RunCacheStatus

__all__ = [
    "CacheBehavior",
    "Call",
    "FakeOmics",
    "Injection",
    "RunCache",
    "RunCacheStatus",
    "UnservedRequestError",
    "mock_omics",
]
