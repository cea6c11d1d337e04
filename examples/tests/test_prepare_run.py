"""A launcher that uses the run cache, tags it and reads its workflow, all on one client: the run
cache, its tags and the workflow all come from the fake's registry."""

from __future__ import annotations

from typing import Any

import pytest
from omics_pipeline.launcher import WorkflowUnavailable, omics_client, prepare_run

from pytest_omics_cache import FakeOmics

CLIENT = omics_client("us-east-1")


def _prepare(cache_id: str) -> dict[str, Any]:
    return prepare_run(
        CLIENT,
        workflow_id="7654321",
        role_arn="arn:aws:iam::123456789012:role/omics-runs",
        output_uri="s3://genomics-team-runs/out/",
        cache_id=cache_id,
        pipeline="nightly",
    )


def test_prepares_a_run_that_reuses_the_tagged_cache(
    fake_omics: FakeOmics, team_cache: dict[str, Any], team_workflow: dict[str, Any]
) -> None:
    arguments = _prepare(team_cache["id"])

    assert arguments["name"] == "wgs-germline-nightly"
    assert arguments["cacheId"] == team_cache["id"]
    # The tag landed on the cache itself, beside the ones it was seeded with.
    assert fake_omics.run_caches()[0]["tags"] == {"team": "germline", "last-used-by": "nightly"}
    assert [call.operation for call in fake_omics.get_calls()] == [
        "GetRunCache",
        "TagResource",
        "GetWorkflow",
    ]


def test_refuses_an_inactive_workflow(fake_omics: FakeOmics, team_cache: dict[str, Any]) -> None:
    fake_omics.add_workflow(id="7654321", name="wgs-germline", status="INACTIVE")

    with pytest.raises(WorkflowUnavailable, match="workflow 7654321 is INACTIVE, not ACTIVE"):
        _prepare(team_cache["id"])
