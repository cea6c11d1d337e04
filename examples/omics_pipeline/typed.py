"""Typed code against boto3-stubs: pytest-omics-cache's types fit mypy-boto3-omics's.

`mypy --strict` checks this module in CI (see pyproject.toml), so a seed typed as `RunCache` is
proven to compare field by field with a `GetRunCacheResponseTypeDef`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_omics import OmicsClient
    from mypy_boto3_omics.literals import CacheBehaviorType, RunCacheStatusType
    from mypy_boto3_omics.type_defs import GetRunCacheResponseTypeDef

    from pytest_omics_cache import RunCache


def fetch(client: OmicsClient, cache_id: str) -> GetRunCacheResponseTypeDef:
    return client.get_run_cache(id=cache_id)


def same_cache(seeded: RunCache, fetched: GetRunCacheResponseTypeDef) -> bool:
    """True when what the test seeded is what the client got back."""
    behavior: CacheBehaviorType = seeded["cacheBehavior"]  # our Literal is theirs
    status: RunCacheStatusType = seeded["status"]
    return (
        seeded["arn"] == fetched["arn"]
        and seeded["id"] == fetched["id"]
        and seeded["cacheS3Uri"] == fetched["cacheS3Uri"]
        and seeded["creationTime"] == fetched["creationTime"]
        and seeded["tags"] == fetched["tags"]
        and seeded.get("name") == fetched.get("name")
        and behavior == fetched["cacheBehavior"]
        and status == fetched["status"]
    )
