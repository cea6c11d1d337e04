"""Workflows, served from state (issue 30): every operation answers with members of the
model's output shape and the values the request set, the CREATING -> ACTIVE
lifecycle moves one step per read, the waiters and paginators of botocore's model work, and a
create is idempotent per requestId."""

from __future__ import annotations

import re
from typing import Any

import pytest
from model_has import MODEL, OPERATIONS, members, model_answer, needs_member, needs_versions

from pytest_omics_cache import FakeOmics

DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
TEMPLATE = {"reads": {"description": "BAM", "optional": False}, "sample": {"optional": True}}


def _create(omics: Any, **extra: Any) -> dict[str, Any]:
    arguments = {"name": "wgs", "definitionUri": "s3://team-workflows/wgs/main.wdl"}
    return model_answer(omics.create_workflow(**{**arguments, **extra}), "CreateWorkflow")


# --- workflows ----------------------------------------------------------------------------------


def test_create_answers_the_models_members_and_starts_creating(
    fake_omics: FakeOmics, omics: Any
) -> None:
    created = omics.create_workflow(
        name="wgs",
        definitionZip=b"zip",
        parameterTemplate=TEMPLATE,
        tags={"team": "germline"},
        requestId="publish-1",
    )

    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    answer = model_answer(created, "CreateWorkflow")
    assert set(answer) == {"arn", "id", "status", "tags", "uuid"} & members("CreateWorkflow")
    assert re.fullmatch(r"[0-9]{7}", answer["id"])
    assert answer["arn"] == f"arn:aws:omics:us-east-1:123456789012:workflow/{answer['id']}"
    assert (answer["status"], answer["tags"]) == ("CREATING", {"team": "germline"})
    assert "uuid" not in answer or UUID.fullmatch(answer["uuid"])
    # The blob is recorded as it travelled: base64 text.
    assert fake_omics.get_call("CreateWorkflow").params["definitionZip"] == "emlw"


@needs_member("GetWorkflow", "storageType")
def test_get_reflects_the_create_and_is_active_from_the_second_read(
    fake_omics: FakeOmics, omics: Any
) -> None:
    created = _create(omics, parameterTemplate=TEMPLATE, storageType="DYNAMIC", main="main.wdl")

    first = model_answer(omics.get_workflow(id=created["id"]), "GetWorkflow")
    second = model_answer(omics.get_workflow(id=created["id"]), "GetWorkflow")

    assert (first["status"], second["status"]) == ("CREATING", "ACTIVE")
    assert {k: second[k] for k in ("id", "arn", "uuid", "tags")} == {
        k: created[k] for k in ("id", "arn", "uuid", "tags")
    }
    assert {k: second[k] for k in ("type", "name", "engine", "main", "storageType")} == {
        "type": "PRIVATE",
        "name": "wgs",
        "engine": "WDL",
        "main": "main.wdl",
        "storageType": "DYNAMIC",
    }
    assert second["parameterTemplate"] == TEMPLATE
    assert DIGEST.fullmatch(second["digest"])
    assert "storageCapacity" not in second  # dynamic storage has none
    assert second["creationTime"].tzinfo is not None
    assert fake_omics.workflows() == [second]


@pytest.mark.parametrize(
    ("definition", "engine"),
    [
        ({"definitionUri": "s3://b/flow/main.nf"}, "NEXTFLOW"),
        ({"definitionUri": "s3://b/flow/main.cwl"}, "CWL"),
        ({"definitionZip": b"PK", "main": "pipeline.nf"}, "NEXTFLOW"),
        ({"definitionZip": b"PK", "engine": "CWL"}, "CWL"),
        ({"definitionZip": b"PK"}, "WDL"),
    ],
)
def test_the_engine_follows_the_request_or_its_main_file(
    fake_omics: FakeOmics, omics: Any, definition: dict[str, Any], engine: str
) -> None:
    created = omics.create_workflow(**definition)

    assert omics.get_workflow(id=created["id"])["engine"] == engine


def test_a_repository_definition_is_described_back(fake_omics: FakeOmics, omics: Any) -> None:
    if "definitionRepository" not in MODEL.operation_model("CreateWorkflow").input_shape.members:
        pytest.skip("definition repositories are newer than this botocore")
    repository = {
        "connectionArn": "arn:aws:codeconnections:us-east-1:123456789012:connection/abc",
        "fullRepositoryId": "team/wgs",
        "sourceReference": {"type": "BRANCH", "value": "main"},
    }

    created = omics.create_workflow(name="wgs", definitionRepository=repository)

    got = omics.get_workflow(id=created["id"])
    assert got["definitionRepositoryDetails"] == repository


@pytest.mark.parametrize(
    ("definitions", "named"),
    [
        ({}, "none of them"),
        (
            {"definitionZip": b"PK", "definitionUri": "s3://b/main.wdl"},
            "definitionZip and definitionUri",
        ),
    ],
)
def test_exactly_one_definition(
    fake_omics: FakeOmics, omics: Any, definitions: dict[str, Any], named: str
) -> None:
    with pytest.raises(omics.exceptions.ValidationException) as raised:
        omics.create_workflow(name="wgs", **definitions)

    assert raised.value.response["Error"]["Message"] == (
        "CreateWorkflow needs exactly one workflow definition, definitionZip, definitionUri or"
        f" definitionRepository; the request gave {named}."
    )
    assert fake_omics.workflows() == []


def test_a_request_id_creates_one_workflow(fake_omics: FakeOmics, omics: Any) -> None:
    first = _create(omics, requestId="publish-1")
    again = _create(omics, requestId="publish-1")

    assert again["id"] == first["id"]
    assert [w["id"] for w in fake_omics.workflows()] == [first["id"]]
    with pytest.raises(omics.exceptions.ConflictException):
        _create(omics, requestId="publish-1", name="other")


def test_export_answers_a_definition_url(fake_omics: FakeOmics, omics: Any) -> None:
    created = _create(omics)

    got = omics.get_workflow(id=created["id"], export=["DEFINITION"])

    assert got["definition"] == (
        "https://omics-workflows-us-east-1.s3.us-east-1.amazonaws.com/123456789012/"
        f"{created['id']}/definition.zip?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600"
    )
    assert "definition" not in omics.get_workflow(id=created["id"])


def test_the_waiter_polls_once_without_sleeping(fake_omics: FakeOmics, omics: Any) -> None:
    created = _create(omics)

    omics.get_waiter("workflow_active").wait(id=created["id"])

    assert fake_omics.waiter_delays == [3]
    assert [c.operation for c in fake_omics.get_calls()] == [
        "CreateWorkflow",
        "GetWorkflow",
        "GetWorkflow",
    ]


def test_a_seeded_failed_workflow_stops_the_waiter(fake_omics: FakeOmics, omics: Any) -> None:
    from botocore.exceptions import WaiterError

    seeded = fake_omics.add_workflow(status="FAILED", statusMessage="bad definition")

    with pytest.raises(WaiterError, match="FAILED"):
        omics.get_waiter("workflow_active").wait(id=seeded["id"])

    assert fake_omics.waiter_delays == []  # refused at the first poll


def test_list_filters_by_type_and_name_and_pages(fake_omics: FakeOmics, omics: Any) -> None:
    ids = [fake_omics.add_workflow(name=name)["id"] for name in ("a", "b", "a", "c", "a")]
    fake_omics.add_workflow(name="a", type="READY2RUN")

    pages = omics.get_paginator("list_workflows").paginate(PaginationConfig={"PageSize": 2})
    listed = [[item["id"] for item in page["items"]] for page in pages]
    named = omics.list_workflows(name="a")["items"]

    assert listed == [ids[0:2], ids[2:4], ids[4:]]
    assert [item["id"] for item in named] == [ids[0], ids[2], ids[4]]
    item = named[0]
    assert set(item) == {"arn", "id", "name", "status", "type", "digest", "creationTime"}
    assert set(item) <= set(MODEL.shape_for("WorkflowListItem").members)


def test_update_changes_what_the_next_read_answers(fake_omics: FakeOmics, omics: Any) -> None:
    seeded = fake_omics.add_workflow(name="wgs", storageCapacity=1200)

    updated = omics.update_workflow(id=seeded["id"], name="wgs-2", description="v2")

    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 202
    got = omics.get_workflow(id=seeded["id"])
    assert (got["name"], got["description"], got["status"]) == ("wgs-2", "v2", "ACTIVE")
    assert got["storageCapacity"] == 1200


def test_delete_removes_it_and_runs_do_not_hold_it(fake_omics: FakeOmics, omics: Any) -> None:
    seeded = fake_omics.add_workflow()
    run = omics.start_run(
        workflowId=seeded["id"],
        roleArn="arn:aws:iam::123456789012:role/runs",
        outputUri="s3://team-runs/out/",
    )

    deleted = omics.delete_workflow(id=seeded["id"])

    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert fake_omics.workflows() == []
    assert omics.get_run(id=run["id"])["workflowId"] == seeded["id"]  # the run goes on
    with pytest.raises(omics.exceptions.ResourceNotFoundException) as raised:
        omics.get_workflow(id=seeded["id"])
    assert raised.value.response["Error"]["Message"] == f"Workflow {seeded['id']} not found"


@needs_versions
def test_delete_refuses_a_workflow_being_created_or_with_versions(
    fake_omics: FakeOmics, omics: Any
) -> None:
    created = _create(omics)
    seeded = fake_omics.add_workflow(id="7654321")
    fake_omics.add_workflow_version(workflowId="7654321", versionName="v1")

    with pytest.raises(omics.exceptions.ConflictException) as creating:
        omics.delete_workflow(id=created["id"])
    with pytest.raises(omics.exceptions.ConflictException) as versioned:
        omics.delete_workflow(id=seeded["id"])

    assert creating.value.response["Error"]["Message"] == (
        f"Workflow {created['id']} is CREATING; only an ACTIVE or FAILED workflow can be deleted."
    )
    assert versioned.value.response["Error"]["Message"] == (
        "Workflow 7654321 has versions (version v1); delete them before the workflow."
    )
    assert len(fake_omics.workflows()) == 2


def test_another_region_or_account_does_not_see_it(
    fake_omics: FakeOmics, omics: Any, make_client: Any
) -> None:
    fake_omics.add_workflow(id="1234", region="eu-west-1")

    with pytest.raises(omics.exceptions.ResourceNotFoundException) as raised:
        omics.get_workflow(id="1234")

    assert raised.value.response["Error"]["Message"] == (
        "Workflow 1234 not found. [pytest-omics-cache: the request came from account"
        " 123456789012, region us-east-1; it exists in account 123456789012, region eu-west-1."
        " Seed it with region=/account= matching the client, or call from that region.]"
    )
    assert make_client(region_name="eu-west-1").get_workflow(id="1234")["id"] == "1234"


# --- Ready2Run ----------------------------------------------------------------------------------


def test_ready2run_workflows_are_read_and_listed_only_as_such(
    fake_omics: FakeOmics, omics: Any
) -> None:
    seeded = fake_omics.add_workflow(id="9500764", type="READY2RUN", name="GATK-BP")

    got = model_answer(omics.get_workflow(id="9500764", type="READY2RUN"), "GetWorkflow")
    listed = omics.list_workflows(type="READY2RUN")["items"]

    assert seeded["arn"] == "arn:aws:omics:us-east-1::workflow/9500764"  # no account in it
    assert got == seeded
    assert [item["id"] for item in listed] == ["9500764"]
    assert omics.list_workflows()["items"] == []
    assert fake_omics.workflows(type="READY2RUN") == [seeded]
    assert fake_omics.workflows(type="PRIVATE") == []
    with pytest.raises(omics.exceptions.ResourceNotFoundException):
        omics.get_workflow(id="9500764")  # without type: the account's own


@pytest.mark.parametrize(
    "call",
    [
        lambda omics: omics.update_workflow(id="9500764", name="mine"),
        lambda omics: omics.delete_workflow(id="9500764"),
    ],
    ids=["update", "delete"],
)
def test_the_account_cannot_change_a_ready2run_workflow(
    fake_omics: FakeOmics, omics: Any, call: Any
) -> None:
    seeded = fake_omics.add_workflow(id="9500764", type="READY2RUN", name="GATK-BP")

    with pytest.raises(omics.exceptions.ResourceNotFoundException) as raised:
        call(omics)

    assert raised.value.response["Error"]["Message"] == "Workflow 9500764 not found"
    assert fake_omics.workflows() == [seeded]


# --- tags ---------------------------------------------------------------------------------------


@needs_versions
def test_tags_of_workflows_and_their_nested_version_arns(fake_omics: FakeOmics, omics: Any) -> None:
    workflow = fake_omics.add_workflow(id="1234", tags={"team": "germline"})
    version = fake_omics.add_workflow_version(workflowId="1234", versionName="v1")

    omics.tag_resource(resourceArn=workflow["arn"], tags={"cost": "wgs"})
    omics.tag_resource(resourceArn=version["arn"], tags={"stage": "beta"})
    omics.untag_resource(resourceArn=workflow["arn"], tagKeys=["team"])

    assert omics.list_tags_for_resource(resourceArn=workflow["arn"])["tags"] == {"cost": "wgs"}
    assert omics.get_workflow(id="1234")["tags"] == {"cost": "wgs"}
    assert omics.list_tags_for_resource(resourceArn=version["arn"])["tags"] == {"stage": "beta"}
    with pytest.raises(omics.exceptions.ResourceNotFoundException) as raised:
        omics.list_tags_for_resource(
            resourceArn="arn:aws:omics:us-east-1:123456789012:workflow/1234/version/v9"
        )
    assert raised.value.response["Error"]["Message"] == (
        "Workflow version v9 of workflow 1234 not found"
    )


# --- seeding ------------------------------------------------------------------------------------


@needs_member("GetWorkflow", "storageType")
def test_add_workflow_with_no_arguments(fake_omics: FakeOmics, omics: Any) -> None:
    seeded = fake_omics.add_workflow()

    assert {k: seeded[k] for k in ("status", "type", "engine", "storageType")} == {
        "status": "ACTIVE",
        "type": "PRIVATE",
        "engine": "WDL",
        "storageType": "STATIC",
    }
    assert "parameterTemplate" not in seeded  # empty: its runs take no parameters
    assert model_answer(omics.get_workflow(id=seeded["id"]), "GetWorkflow") == seeded


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        (
            lambda fake: fake.add_workflow(engine="PERL"),
            "add_workflow: engine='PERL' breaks the rule 'Member must satisfy enum value set:",
        ),
        (
            lambda fake: fake.add_workflow(status="DELETED"),
            "add_workflow: status='DELETED' seeds a workflow the service no longer has (after"
            " DeleteWorkflow, GetWorkflow answers 404): seed nothing for it",
        ),
        (
            lambda fake: [fake.add_workflow(id="1234"), fake.add_workflow(id="1234")],
            "add_workflow: a workflow with id='1234' is already seeded in account 123456789012,"
            " region us-east-1; give each its own id (or omit id)",
        ),
        pytest.param(
            lambda fake: fake.add_workflow_version(workflowId="7654321", versionName="v1"),
            "add_workflow_version: workflowId='7654321' names no workflow of account"
            " 123456789012, region us-east-1; seed it first with add_workflow(...)",
            marks=needs_versions,
            id="no-workflow",
        ),
    ],
    ids=["bad-enum", "deleted", "duplicate", "no-workflow"],
)
def test_a_bad_seed_is_a_value_error_at_its_line(
    fake_omics: FakeOmics, seed: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=r"^add_") as raised:
        seed(fake_omics)

    assert str(raised.value).startswith(message)


@pytest.mark.skipif("GetWorkflowVersion" in OPERATIONS, reason="this botocore has versions")
def test_without_versions_in_the_model_a_version_seed_says_so(fake_omics: FakeOmics) -> None:
    fake_omics.add_workflow(id="1234")

    with pytest.raises(ValueError, match=r"^add_workflow_version: ") as raised:
        fake_omics.add_workflow_version(workflowId="1234", versionName="v1")

    assert str(raised.value) == (
        "add_workflow_version: this botocore's omics model has no workflow versions (no"
        " GetWorkflowVersion operation); upgrade botocore to seed and serve them"
    )
    assert fake_omics.workflow_versions() == []
