"""Typed shapes of what the fake hands back, for mypy and IDEs.

They mirror the botocore model's ``GetRunCacheResponse`` (a test checks that they stay equal to
it), so a seed compares with what ``get_run_cache`` returns, and with mypy-boto3-omics's
``GetRunCacheResponseTypeDef`` where that stub is installed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, TypedDict

#: A run cache's ``cacheBehavior``, as the model's enum has it.
CacheBehavior = Literal["CACHE_ALWAYS", "CACHE_ON_FAILURE"]
#: A run cache's ``status``, as the model's enum has it.
RunCacheStatus = Literal["ACTIVE", "DELETED", "FAILED"]


class _RunCacheAlways(TypedDict):
    arn: str
    cacheBehavior: CacheBehavior
    cacheS3Uri: str
    creationTime: datetime
    id: str
    status: RunCacheStatus
    tags: dict[str, str]


class RunCache(_RunCacheAlways, total=False):
    """A run cache as ``get_run_cache`` returns it, without ``ResponseMetadata``.

    ``name``, ``description`` and ``cacheBucketOwnerId`` are present only when set, as the
    service omits them otherwise.
    """

    cacheBucketOwnerId: str
    description: str
    name: str
