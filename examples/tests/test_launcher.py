from __future__ import annotations

from typing import Any

import pytest
from omics_pipeline.launcher import (
    RunCache,
    RunCacheUnavailable,
    omics_client,
    resolve_run_cache,
    start_run_request,
)

from pytest_omics_cache import FakeOmics

# Like many real modules, the client is made once, at import time, before any fixture runs.
CLIENT = omics_client("us-east-1")


def test_resolves_an_active_cache(team_cache: dict[str, Any]) -> None:
    assert resolve_run_cache(CLIENT, team_cache["id"]) == RunCache(
        id=team_cache["id"],
        arn=team_cache["arn"],
        s3_uri="s3://genomics-team-caches/wgs-germline/",
        behavior="CACHE_ALWAYS",
    )


def test_missing_cache_is_reported(fake_omics: FakeOmics) -> None:
    with pytest.raises(RunCacheUnavailable, match="run cache 4040404 does not exist"):
        resolve_run_cache(CLIENT, "4040404")

    assert fake_omics.get_call("GetRunCache").error_code == "ResourceNotFoundException"


def test_failed_cache_is_refused(failed_cache: dict[str, Any]) -> None:
    with pytest.raises(RunCacheUnavailable, match=r"is FAILED, not ACTIVE"):
        resolve_run_cache(CLIENT, failed_cache["id"])


def test_start_run_request_uses_the_cache(
    fake_omics: FakeOmics, team_cache: dict[str, Any]
) -> None:
    request = start_run_request(
        CLIENT,
        workflow_id="1234567",
        role_arn="arn:aws:iam::123456789012:role/omics-runs",
        output_uri="s3://genomics-team-runs/out/",
        cache_id=team_cache["id"],
    )

    assert request["cacheId"] == team_cache["id"]
    assert request["cacheBehavior"] == "CACHE_ALWAYS"
    assert fake_omics.get_call().params == {"id": team_cache["id"]}


@pytest.mark.fake_omics(region="eu-west-1")
def test_a_cache_in_another_region(fake_omics: FakeOmics) -> None:
    cache = fake_omics.add_run_cache(name="eu-cache")  # seeded in eu-west-1, the marker's region

    assert resolve_run_cache(omics_client("eu-west-1"), cache["id"]).id == cache["id"]
    with pytest.raises(RunCacheUnavailable):
        resolve_run_cache(CLIENT, cache["id"])  # the us-east-1 client cannot see it
