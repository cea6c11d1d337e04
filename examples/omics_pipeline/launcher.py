"""Prepare HealthOmics workflow runs that reuse a run cache.

Before starting a run, the launcher resolves the run cache the team configured, refuses caches
that are not ACTIVE, and tells the run where the cached task outputs live.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import WaiterError

logger = logging.getLogger(__name__)


class RunCacheUnavailable(Exception):
    """The configured run cache cannot be used for a new run."""


class RunCachePermissionError(Exception):
    """The pipeline's role may not read the run cache: a configuration error to fix, not retry."""


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


def cache_for_run(client: Any, cache_id: str) -> RunCache | None:
    """The cache a new run should use, or None to start the run without one.

    A run cache only saves time, so while HealthOmics is throttling or failing (after botocore's
    own retries) the run starts uncached rather than failing the pipeline. Being denied access is
    a configuration error and is raised.
    """
    try:
        return resolve_run_cache(client, cache_id)
    except client.exceptions.AccessDeniedException as error:
        raise RunCachePermissionError(
            f"the pipeline role may not read run cache {cache_id}: {error}"
        ) from error
    except (client.exceptions.ThrottlingException, client.exceptions.InternalServerException):
        logger.warning("run cache %s unavailable; starting the run without a cache", cache_id)
        return None


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


class WorkflowUnavailable(Exception):
    """The workflow to run is not ACTIVE."""


def prepare_run(
    client: Any,
    *,
    workflow_id: str,
    role_arn: str,
    output_uri: str,
    cache_id: str,
    pipeline: str,
) -> dict[str, Any]:
    """``start_run`` arguments for a run of ``workflow_id`` that reuses the team's cache.

    On one client: resolves the cache, tags it with the pipeline that last used it (so stale
    caches can be found and cleaned up), and reads the workflow to refuse one that is not ACTIVE
    and to name the run after it.
    """
    cache = resolve_run_cache(client, cache_id)
    client.tag_resource(resourceArn=cache.arn, tags={"last-used-by": pipeline})
    workflow = client.get_workflow(id=workflow_id)
    if workflow["status"] != "ACTIVE":
        raise WorkflowUnavailable(f"workflow {workflow_id} is {workflow['status']}, not ACTIVE")
    return {
        "workflowId": workflow_id,
        "name": f"{workflow['name']}-{pipeline}",
        "roleArn": role_arn,
        "outputUri": output_uri,
        "cacheId": cache.id,
        "cacheBehavior": cache.behavior,
    }


@dataclass(frozen=True)
class RunReport:
    """How a run that was meant to reuse the team's cache went."""

    run_id: str
    status: str
    #: The run cache it used, or None when it had to start without one.
    cache_id: str | None
    #: Names of the tasks whose outputs came from the cache.
    cached_tasks: list[str]
    failure_reason: str | None = None


def run_with_cache(
    client: Any, *, workflow_id: str, role_arn: str, output_uri: str, cache_id: str
) -> RunReport:
    """Start ``workflow_id`` with the team's run cache, wait for it, and report which tasks hit
    the cache. If the cache disappears between resolving it and starting the run, the run
    starts without one rather than not at all."""
    arguments = start_run_request(
        client, workflow_id=workflow_id, role_arn=role_arn, output_uri=output_uri, cache_id=cache_id
    )
    try:
        run_id = client.start_run(**arguments)["id"]
    except client.exceptions.ResourceNotFoundException:
        logger.warning("run cache %s vanished; starting the run without a cache", cache_id)
        arguments = {k: v for k, v in arguments.items() if k not in ("cacheId", "cacheBehavior")}
        run_id = client.start_run(**arguments)["id"]
    with contextlib.suppress(WaiterError):  # a FAILED run: reported below
        client.get_waiter("run_completed").wait(id=run_id)
    run = client.get_run(id=run_id)
    tasks = client.get_paginator("list_run_tasks").paginate(id=run_id)
    return RunReport(
        run_id=run_id,
        status=run["status"],
        cache_id=run.get("cacheId"),
        cached_tasks=[t["name"] for page in tasks for t in page["items"] if t.get("cacheHit")],
        failure_reason=run.get("failureReason"),
    )
