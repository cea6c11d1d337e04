"""The launcher starts a run with the team's cache, waits for it with botocore's waiter, and
reports which tasks hit the cache: the workflow, runs, tasks and the cache all come from the
fake's registry."""

from __future__ import annotations

from typing import Any

from omics_pipeline.launcher import RunReport, omics_client, run_with_cache

from pytest_omics_cache import FakeOmics

CLIENT = omics_client("us-east-1")


def _run(cache_id: str) -> RunReport:
    return run_with_cache(
        CLIENT,
        workflow_id="7654321",
        role_arn="arn:aws:iam::123456789012:role/omics-runs",
        output_uri="s3://genomics-team-runs/out/",
        cache_id=cache_id,
    )


def test_reports_the_tasks_that_hit_the_cache(
    fake_omics: FakeOmics, team_cache: dict[str, Any], team_workflow: dict[str, Any]
) -> None:
    fake_omics.next_runs(
        tasks=[{"name": "align", "cacheHit": True}, {"name": "call-variants", "cacheHit": False}]
    )

    report = _run(team_cache["id"])

    assert report.status == "COMPLETED"
    assert report.cache_id == team_cache["id"]
    assert report.cached_tasks == ["align"]
    [run] = fake_omics.runs()
    assert run["cacheBehavior"] == "CACHE_ALWAYS"  # inherited from the cache
    assert fake_omics.waiter_delays == [30, 30, 30, 30]  # polled, without waiting


def test_reports_a_failed_run(
    fake_omics: FakeOmics, team_cache: dict[str, Any], team_workflow: dict[str, Any]
) -> None:
    fake_omics.next_runs(progress=["PENDING", "RUNNING", "FAILED"], failureReason="out of memory")

    report = _run(team_cache["id"])

    assert (report.status, report.failure_reason) == ("FAILED", "out of memory")


def test_a_cache_deleted_meanwhile_starts_the_run_without_it(
    fake_omics: FakeOmics, team_cache: dict[str, Any], team_workflow: dict[str, Any]
) -> None:
    # Someone deletes the cache right after the launcher resolved it.
    def delete_it(**_: object) -> None:
        CLIENT.delete_run_cache(id=team_cache["id"])

    CLIENT.meta.events.register("after-call.omics.GetRunCache", delete_it, unique_id="meanwhile")
    try:
        report = _run(team_cache["id"])
    finally:
        CLIENT.meta.events.unregister("after-call.omics.GetRunCache", unique_id="meanwhile")

    assert report.status == "COMPLETED"
    assert report.cache_id is None
    assert [c.error_code for c in fake_omics.get_calls("StartRun")] == [
        "ResourceNotFoundException",
        None,
    ]


def test_a_throttled_start_is_retried_once_not_started_twice(
    fake_omics: FakeOmics, team_cache: dict[str, Any], team_workflow: dict[str, Any]
) -> None:
    fake_omics.add_error("ThrottlingException", operation="StartRun")

    report = _run(team_cache["id"])

    starts = fake_omics.get_calls("StartRun")
    assert [c.status_code for c in starts] == [429, 201]
    # botocore's retry resends the same requestId: the service starts the run once.
    assert starts[0].params["requestId"] == starts[1].params["requestId"]
    assert [run["id"] for run in fake_omics.runs()] == [report.run_id]
