"""Make sure a team's run cache exists, is ACTIVE and has the wanted default behaviour.

Typical platform code: find the cache by name (paging through ListRunCaches), create it when
missing, wait for it to be usable, and correct its behaviour if someone changed it.
"""

from __future__ import annotations

import time
from typing import Any


class RunCacheSetupError(Exception):
    """The run cache could not be made ready."""


def find_run_cache(client: Any, name: str) -> dict[str, Any] | None:
    """The list entry of the run cache called ``name``, if there is one."""
    for page in client.get_paginator("list_run_caches").paginate():
        for item in page["items"]:
            if item.get("name") == name:
                return dict(item)
    return None


def wait_until_active(
    client: Any, cache_id: str, *, attempts: int = 10, delay: float = 2.0
) -> None:
    for _ in range(attempts):
        status = client.get_run_cache(id=cache_id)["status"]
        if status == "ACTIVE":
            return
        if status in ("FAILED", "DELETED"):
            raise RunCacheSetupError(f"run cache {cache_id} is {status}")
        time.sleep(delay)
    raise RunCacheSetupError(f"run cache {cache_id} did not become ACTIVE")


def ensure_run_cache(client: Any, *, name: str, s3_location: str, behavior: str) -> str:
    """The id of the ACTIVE run cache ``name``, created or corrected as needed."""
    existing = find_run_cache(client, name)
    if existing is None:
        try:
            created = client.create_run_cache(
                name=name,
                cacheS3Location=s3_location,
                cacheBehavior=behavior,
                # Retrying this function after a timeout must not create a second cache.
                requestId=f"ensure-{name}",
            )
        except client.exceptions.ServiceQuotaExceededException as error:
            raise RunCacheSetupError(
                f"cannot create run cache {name!r}: the account's run cache quota is used up"
            ) from error
        cache_id: str = created["id"]
    else:
        cache_id = existing["id"]
    wait_until_active(client, cache_id)
    if existing is not None and existing["cacheBehavior"] != behavior:
        client.update_run_cache(id=cache_id, cacheBehavior=behavior)
    return cache_id
