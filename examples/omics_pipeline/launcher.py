"""Prepare HealthOmics workflow runs that reuse a run cache.

Before starting a run, the launcher resolves the run cache the team configured, refuses caches
that are not ACTIVE, and tells the run where the cached task outputs live.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3


class RunCacheUnavailable(Exception):
    """The configured run cache cannot be used for a new run."""


@dataclass(frozen=True)
class RunCache:
    id: str
    arn: str
    s3_uri: str
    behavior: str


def omics_client(region: str) -> Any:
    return boto3.client("omics", region_name=region)


def resolve_run_cache(client: Any, cache_id: str) -> RunCache:
    """The run cache ``cache_id``, if it exists and is ACTIVE."""
    try:
        cache = client.get_run_cache(id=cache_id)
    except client.exceptions.ResourceNotFoundException as error:
        raise RunCacheUnavailable(f"run cache {cache_id} does not exist") from error
    if cache["status"] != "ACTIVE":
        raise RunCacheUnavailable(f"run cache {cache_id} is {cache['status']}, not ACTIVE")
    return RunCache(
        id=cache["id"],
        arn=cache["arn"],
        s3_uri=cache["cacheS3Uri"],
        behavior=cache["cacheBehavior"],
    )


def start_run_request(
    client: Any, *, workflow_id: str, role_arn: str, output_uri: str, cache_id: str
) -> dict[str, Any]:
    """The arguments for ``omics.start_run`` that make the run use the team's cache."""
    cache = resolve_run_cache(client, cache_id)
    return {
        "workflowId": workflow_id,
        "roleArn": role_arn,
        "outputUri": output_uri,
        "cacheId": cache.id,
        "cacheBehavior": cache.behavior,
    }
