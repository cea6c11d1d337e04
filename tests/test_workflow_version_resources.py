"""Workflow versions, served from state (issue 30): their answers, what they take from their
workflow, their waiter and paginator, unique names, and their seeds."""

from __future__ import annotations

from typing import Any

import pytest
from model_has import model_answer, needs_versions

from pytest_omics_cache import FakeOmics

TEMPLATE = {"reads": {"description": "BAM", "optional": False}, "sample": {"optional": True}}


pytestmark = needs_versions


# --- versions -----------------------------------------------------------------------------------


def test_a_version_answers_its_members_and_takes_the_rest_from_its_workflow(
    fake_omics: FakeOmics, omics: Any
) -> None:
    workflow = fake_omics.add_workflow(id="1234", parameterTemplate=TEMPLATE, engine="NEXTFLOW")

    created = omics.create_workflow_version(
        workflowId="1234",
        versionName="v2",
        definitionUri="s3://team-workflows/wgs/v2/main.nf",
        tags={"stage": "beta"},
        requestId="v2",
    )

    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    answer = model_answer(created, "CreateWorkflowVersion")
    assert answer == {
        "arn": "arn:aws:omics:us-east-1:123456789012:workflow/1234/version/v2",
        "workflowId": "1234",
        "versionName": "v2",
        "status": "CREATING",
        "tags": {"stage": "beta"},
        "uuid": answer["uuid"],
    }
    got = model_answer(
        omics.get_workflow_version(workflowId="1234", versionName="v2"), "GetWorkflowVersion"
    )
    assert (got["engine"], got["parameterTemplate"], got["type"]) == (
        "NEXTFLOW",
        TEMPLATE,
        "PRIVATE",
    )
    assert got["digest"] != workflow["digest"]
    assert got["status"] == "CREATING"  # ACTIVE from the next read, as a workflow
    again = omics.get_workflow_version(workflowId="1234", versionName="v2")
    assert fake_omics.workflow_versions(workflowId="1234") == [{**got, "status": "ACTIVE"}]
    assert again["status"] == "ACTIVE"


def test_the_version_waiter_and_paginator(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_workflow(id="1234")
    for name in ("v1", "v2", "v3"):
        omics.create_workflow_version(
            workflowId="1234", versionName=name, definitionUri=f"s3://b/{name}/main.wdl"
        )

    omics.get_waiter("workflow_version_active").wait(workflowId="1234", versionName="v3")
    pages = omics.get_paginator("list_workflow_versions").paginate(
        workflowId="1234", PaginationConfig={"PageSize": 2}
    )

    assert fake_omics.waiter_delays == [3]
    assert [[v["versionName"] for v in page["items"]] for page in pages] == [["v1", "v2"], ["v3"]]


def test_version_names_are_unique_per_workflow(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_workflow(id="1234")
    fake_omics.add_workflow_version(workflowId="1234", versionName="v1")

    with pytest.raises(omics.exceptions.ConflictException) as raised:
        omics.create_workflow_version(
            workflowId="1234", versionName="v1", definitionUri="s3://b/main.wdl"
        )

    assert raised.value.response["Error"]["Message"] == (
        "Workflow 1234 already has a version named v1."
    )


def test_a_version_of_an_unknown_workflow_is_the_workflows_404(
    fake_omics: FakeOmics, omics: Any
) -> None:
    with pytest.raises(omics.exceptions.ResourceNotFoundException) as raised:
        omics.get_workflow_version(workflowId="999", versionName="v1")

    assert raised.value.response["Error"]["Message"] == "Workflow 999 not found"


def test_update_and_delete_a_version(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_workflow(id="1234")
    fake_omics.add_workflow_version(workflowId="1234", versionName="v1")

    omics.update_workflow_version(workflowId="1234", versionName="v1", description="stable")
    described = omics.get_workflow_version(workflowId="1234", versionName="v1")["description"]
    omics.delete_workflow_version(workflowId="1234", versionName="v1")

    assert described == "stable"
    assert fake_omics.workflow_versions(workflowId="1234") == []
    with pytest.raises(omics.exceptions.ResourceNotFoundException) as raised:
        omics.get_workflow_version(workflowId="1234", versionName="v1")
    assert raised.value.response["Error"]["Message"] == (
        "Workflow version v1 of workflow 1234 not found"
    )
    omics.delete_workflow(id="1234")  # its last version gone, the workflow can go
    assert fake_omics.workflows() == []


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        (
            lambda fake: fake.add_workflow_version(
                workflowId="1234", versionName="v1", status="DELETED"
            ),
            "add_workflow_version: status='DELETED' seeds a version the service no longer has:"
            " seed nothing for it",
        ),
        (
            lambda fake: fake.add_workflow_version(
                workflowId="1234", versionName="v1", engine="PERL"
            ),
            "add_workflow_version: engine='PERL' breaks the rule 'Member must satisfy enum value"
            " set:",
        ),
        (
            lambda fake: [
                fake.add_workflow_version(workflowId="1234", versionName="v1"),
                fake.add_workflow_version(workflowId="1234", versionName="v1"),
            ],
            "add_workflow_version: workflow 1234 already has a version named 'v1'; give each"
            " version its own versionName",
        ),
        (
            lambda fake: fake.workflows(type="MINE"),
            "workflows: type='MINE' breaks the rule 'Member must satisfy enum value set:",
        ),
    ],
    ids=["deleted", "bad-enum", "duplicate", "bad-type-filter"],
)
def test_a_bad_version_seed_or_filter_is_a_value_error(
    fake_omics: FakeOmics, seed: Any, message: str
) -> None:
    fake_omics.add_workflow(id="1234")

    with pytest.raises(ValueError, match=r"^(add_workflow_version|workflows): ") as raised:
        seed(fake_omics)

    assert str(raised.value).startswith(message)


def test_a_seeded_version_answers_what_it_was_given(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_workflow(id="1234", parameterTemplate=TEMPLATE)
    seeded = fake_omics.add_workflow_version(
        workflowId="1234",
        versionName="v2",
        status="CREATING",
        parameterTemplate={},
        creationTime="2026-01-02T03:04:05Z",
        tags={"stage": "beta"},
    )

    first = omics.get_workflow_version(workflowId="1234", versionName="v2")
    second = omics.get_workflow_version(workflowId="1234", versionName="v2")

    assert (first["status"], second["status"]) == ("CREATING", "ACTIVE")
    assert "parameterTemplate" not in seeded  # explicitly empty: not the workflow's
    assert second["creationTime"].isoformat() == "2026-01-02T03:04:05+00:00"
    assert second["tags"] == {"stage": "beta"}
    assert fake_omics.workflow_versions(workflowId="other") == []
    omics.delete_workflow_version(workflowId="1234", versionName="v2")
    omics.delete_workflow(id="1234")
    # A version of a workflow no longer held is not held either.
    fake_omics.add_workflow(id="1234")
    assert fake_omics.workflow_versions() == []
