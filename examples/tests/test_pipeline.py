"""The whole pipeline against the fake, with nothing canned: the workflow is created and waited
for, the run group created, the run started with the team's cache, its tasks read back. The
workflow, run group, run cache and run all live in the fake's registry."""

from __future__ import annotations

from typing import Any

import pytest
from omics_pipeline.launcher import omics_client
from omics_pipeline.pipeline import (
    MissingParameters,
    PipelineRun,
    publish_workflow,
    run_pipeline,
    team_run_group,
)

from pytest_omics_cache import FakeOmics

CLIENT = omics_client("us-east-1")

TEMPLATE = {
    "sample_id": {"description": "The sample to call"},
    "reference": {"description": "FASTA of the reference genome"},
    "min_quality": {"description": "Minimum base quality", "optional": True},
}


def _publish() -> str:
    return publish_workflow(
        CLIENT,
        name="wgs-germline",
        definition_uri="s3://genomics-team-workflows/wgs-germline/main.wdl",
        parameter_template=TEMPLATE,
    )


def _run(workflow_id: str, cache_id: str, **parameters: Any) -> PipelineRun:
    return run_pipeline(
        CLIENT,
        workflow_id=workflow_id,
        run_group_id=team_run_group(CLIENT, name="germline", max_cpus=256),
        cache_id=cache_id,
        parameters=parameters,
        role_arn="arn:aws:iam::123456789012:role/omics-runs",
        output_uri="s3://genomics-team-runs/out/",
    )


def test_a_new_workflow_runs_cached_in_the_team_run_group(
    fake_omics: FakeOmics, team_cache: dict[str, Any]
) -> None:
    fake_omics.next_runs(
        tasks=[{"name": "align", "cacheHit": True}, {"name": "call-variants", "cacheHit": False}]
    )

    workflow_id = _publish()
    report = _run(workflow_id, team_cache["id"], sample_id="NA12878", reference="s3://ref/hg38.fa")

    [workflow] = fake_omics.workflows()
    assert (workflow["id"], workflow["status"], workflow["engine"]) == (
        workflow_id,
        "ACTIVE",
        "WDL",
    )
    [group] = fake_omics.run_groups()
    assert (group["name"], group["maxCpus"]) == ("germline", 256)
    assert report == PipelineRun(
        run_id=fake_omics.runs()[0]["id"],
        status="COMPLETED",
        run_group_id=group["id"],
        cached_tasks=["align"],
        uncached_tasks=["call-variants"],
    )
    [run] = fake_omics.runs()
    assert (run["workflowId"], run["cacheId"]) == (workflow_id, team_cache["id"])
    # The workflow was CREATING at the waiter's first poll and ACTIVE at its second; the run
    # took four more polls to complete. Each waiter's delay was skipped, not slept.
    assert fake_omics.waiter_delays == [3, 30, 30, 30, 30]


def test_a_published_workflow_is_found_by_name_not_created_twice(
    fake_omics: FakeOmics, team_cache: dict[str, Any]
) -> None:
    first = _publish()
    again = _publish()

    assert again == first
    assert [w["id"] for w in fake_omics.workflows()] == [first]
    assert len(fake_omics.get_calls("CreateWorkflow")) == 1


def test_a_run_missing_a_required_parameter_is_not_started(
    fake_omics: FakeOmics, team_cache: dict[str, Any]
) -> None:
    workflow_id = _publish()

    with pytest.raises(MissingParameters, match=f"workflow {workflow_id} needs reference"):
        _run(workflow_id, team_cache["id"], sample_id="NA12878")
    assert fake_omics.runs() == []


def test_a_misspelt_parameter_gets_the_service_refusal(
    fake_omics: FakeOmics, team_cache: dict[str, Any]
) -> None:
    workflow_id = _publish()

    with pytest.raises(CLIENT.exceptions.ValidationException) as refused:
        _run(workflow_id, team_cache["id"], sample_id="NA1", reference="s3://r.fa", min_qual=20)
    assert refused.value.response["Error"]["Message"] == (
        f"The run's parameters do not fit the parameter template of workflow {workflow_id}:"
        " parameters not in the parameter template: min_qual"
        " (the template defines: sample_id, reference, min_quality)."
    )
    assert fake_omics.runs() == []
