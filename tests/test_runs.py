"""Runs through boto3: StartRun, GetRun, ListRuns, CancelRun, DeleteRun and their ties to run
caches."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.config import Config

from pytest_omics_cache import FakeOmics
from pytest_omics_cache._core.handlers import Caller
from pytest_omics_cache._resources.runs.store import run_arn

ROLE = "arn:aws:iam::123456789012:role/omics-runs"

pytestmark = pytest.mark.usefixtures("run_workflow")  # the workflow their runs start from


def _start(omics: Any, **extra: Any) -> dict[str, Any]:
    arguments = {"workflowId": "1234", "roleArn": ROLE, "outputUri": "s3://team-runs/out/"}
    return dict(omics.start_run(**{**arguments, **extra}))


def test_start_run_answers_the_models_members(fake_omics: FakeOmics, omics: Any) -> None:
    started = _start(omics, name="wgs", tags={"team": "germline"})

    assert started["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert set(started) - {"ResponseMetadata"} == {
        "arn",
        "id",
        "status",
        "tags",
        "uuid",
        "runOutputUri",
    }
    assert re.fullmatch(r"[0-9]{7}", started["id"])
    assert started["arn"] == f"arn:aws:omics:us-east-1:123456789012:run/{started['id']}"
    assert started["status"] == "PENDING"
    assert started["tags"] == {"team": "germline"}
    assert started["runOutputUri"] == f"s3://team-runs/out/{started['id']}"
    assert re.fullmatch(r"[0-9a-f-]{36}", started["uuid"])


def test_the_arn_follows_the_regions_partition() -> None:
    # HealthOmics is in no other partition yet (botocore's endpoint data), so no run can start
    # there; the ARN follows the data all the same.
    arn = run_arn(Caller("123456789012", "cn-north-1"), "1234567")

    assert arn == "arn:aws-cn:omics:cn-north-1:123456789012:run/1234567"


def test_get_run_reflects_what_start_run_asked(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_run_group(id="7777")
    started = _start(
        omics,
        name="wgs",
        priority=5,
        parameters={"sample": "NA12878"},
        logLevel="ALL",
        runGroupId="7777",
        storageType="DYNAMIC",
        storageCapacity=500,
    )

    run = omics.get_run(id=started["id"])

    assert {k: run[k] for k in ("workflowId", "name", "priority", "logLevel", "runGroupId")} == {
        "workflowId": "1234",
        "name": "wgs",
        "priority": 5,
        "logLevel": "ALL",
        "runGroupId": "7777",
    }
    assert run["parameters"] == {"sample": "NA12878"}
    assert run["storageType"] == "DYNAMIC"
    assert "storageCapacity" not in run  # ignored for dynamic storage
    assert run["retentionMode"] == "RETAIN"
    assert (run["arn"], run["uuid"], run["runOutputUri"]) == (
        started["arn"],
        started["uuid"],
        started["runOutputUri"],
    )
    assert "startTime" not in run
    assert "stopTime" not in run


def test_static_storage_defaults_to_1200(fake_omics: FakeOmics, omics: Any) -> None:
    run = omics.get_run(id=_start(omics)["id"])

    assert (run["storageType"], run["storageCapacity"]) == ("STATIC", 1200)


def test_a_run_moves_one_step_per_get_run(fake_omics: FakeOmics, omics: Any) -> None:
    run_id = _start(omics)["id"]

    seen = [omics.get_run(id=run_id) for _ in range(6)]

    assert [r["status"] for r in seen] == [
        "PENDING",
        "STARTING",
        "RUNNING",
        "STOPPING",
        "COMPLETED",
        "COMPLETED",
    ]
    assert "startTime" not in seen[1]
    assert "startTime" in seen[2]
    assert "stopTime" not in seen[3]
    assert seen[4]["stopTime"] >= seen[4]["startTime"]


def test_start_run_is_idempotent_per_request_id(fake_omics: FakeOmics, omics: Any) -> None:
    first = _start(omics, requestId="r-1")
    again = _start(omics, requestId="r-1")

    with pytest.raises(omics.exceptions.ConflictException) as conflict:
        _start(omics, requestId="r-1", name="other")

    assert again["id"] == first["id"]
    assert len(fake_omics.runs()) == 1
    assert conflict.value.response["Error"]["Message"] == (
        f"requestId r-1 was already used to start run {first['id']} with different parameters."
    )


def test_a_request_id_whose_run_was_deleted_starts_a_new_one(
    fake_omics: FakeOmics, omics: Any
) -> None:
    first = _start(omics, requestId="r-2")
    omics.cancel_run(id=first["id"])
    omics.delete_run(id=first["id"])

    second = _start(omics, requestId="r-2")

    assert second["id"] != first["id"]


def test_a_new_run_names_its_workflow(fake_omics: FakeOmics, omics: Any) -> None:
    with pytest.raises(omics.exceptions.ValidationException) as raised:
        omics.start_run(roleArn=ROLE, outputUri="s3://team-runs/out/")

    assert raised.value.response["Error"]["Message"] == (
        "A new run needs workflowId (or runId, to run a previous run's workflow again)."
    )


def test_run_id_runs_a_previous_runs_workflow_again(fake_omics: FakeOmics, omics: Any) -> None:
    cache = fake_omics.add_run_cache()
    first = _start(omics, cacheId=cache["id"], parameters={"sample": "x"}, name="first")

    again = omics.start_run(runId=first["id"], roleArn=ROLE, outputUri="s3://team-runs/again/")
    run = omics.get_run(id=again["id"])

    assert (run["workflowId"], run["parameters"], run["cacheId"], run["runId"]) == (
        "1234",
        {"sample": "x"},
        cache["id"],
        first["id"],
    )
    assert run["runOutputUri"] == f"s3://team-runs/again/{again['id']}"
    with pytest.raises(omics.exceptions.ResourceNotFoundException):
        omics.start_run(runId="9999999", roleArn=ROLE, outputUri="s3://x/")


def test_model_validation_with_the_services_messages(
    fake_omics: FakeOmics, make_client: Any
) -> None:
    client = make_client(config=Config(parameter_validation=False))

    with pytest.raises(client.exceptions.ValidationException) as raised:
        client.start_run(workflowId="abc", roleArn="not-an-arn", outputUri="s3://x/", requestId="r")

    assert raised.value.response["Error"]["Message"] == (
        "2 validation errors detected: Value 'abc' at 'workflowId' failed to satisfy constraint:"
        " Member must satisfy regular expression pattern: [0-9]+; Value 'not-an-arn' at"
        " 'roleArn' failed to satisfy constraint: Member must satisfy regular expression"
        " pattern: arn:.+"
    )


# --- run caches ----------------------------------------------------------------------------------


def test_the_run_inherits_the_caches_behaviour_at_start(fake_omics: FakeOmics, omics: Any) -> None:
    cache = fake_omics.add_run_cache(cacheBehavior="CACHE_ALWAYS")
    started = _start(omics, cacheId=cache["id"])

    omics.update_run_cache(id=cache["id"], cacheBehavior="CACHE_ON_FAILURE")  # later: no effect
    run = omics.get_run(id=started["id"])
    explicit = omics.get_run(
        id=_start(omics, cacheId=cache["id"], cacheBehavior="CACHE_ALWAYS")["id"]
    )

    assert (run["cacheId"], run["cacheBehavior"]) == (cache["id"], "CACHE_ALWAYS")
    assert explicit["cacheBehavior"] == "CACHE_ALWAYS"


def test_cache_behavior_needs_a_cache(fake_omics: FakeOmics, omics: Any) -> None:
    with pytest.raises(omics.exceptions.ValidationException) as raised:
        _start(omics, cacheBehavior="CACHE_ALWAYS")

    assert raised.value.response["Error"]["Message"] == (
        "cacheBehavior applies to a run cache: give cacheId too."
    )


def test_a_missing_cache_is_not_found_with_the_near_miss_hint(
    fake_omics: FakeOmics, omics: Any
) -> None:
    fake_omics.add_run_cache(id="5151", region="eu-west-1")

    with pytest.raises(omics.exceptions.ResourceNotFoundException) as raised:
        _start(omics, cacheId="5151")

    assert raised.value.response["Error"]["Message"] == (
        "Run cache 5151 not found. [pytest-omics-cache: the request came from account"
        " 123456789012, region us-east-1; a run cache with id 5151 exists in account"
        " 123456789012, region eu-west-1. Seed it with region=/account= matching the client, or"
        " call from that region.]"
    )
    assert fake_omics.runs() == []


def test_a_cache_that_is_not_active_is_refused(fake_omics: FakeOmics, omics: Any) -> None:
    cache = fake_omics.add_run_cache(status="FAILED")

    with pytest.raises(omics.exceptions.ValidationException) as raised:
        _start(omics, cacheId=cache["id"])

    assert raised.value.response["Error"]["Message"] == (
        f"Run cache {cache['id']} is FAILED; a run can use only an ACTIVE run cache."
    )


def test_a_cache_used_by_an_unfinished_run_cannot_be_deleted(
    fake_omics: FakeOmics, omics: Any
) -> None:
    cache = fake_omics.add_run_cache()
    run_id = _start(omics, cacheId=cache["id"])["id"]

    with pytest.raises(omics.exceptions.ConflictException) as raised:
        omics.delete_run_cache(id=cache["id"])
    fake_omics.set_run_status(run_id, "COMPLETED")
    omics.delete_run_cache(id=cache["id"])

    assert raised.value.response["Error"]["Message"] == (
        f"Run cache {cache['id']} is in use by active runs (run {run_id}) and cannot be deleted."
    )
    assert omics.get_run(id=run_id)["cacheId"] == cache["id"]  # the run keeps it
    with pytest.raises(omics.exceptions.ResourceNotFoundException):
        _start(omics, cacheId=cache["id"])  # a deleted cache serves no new run


# --- list, cancel, delete ----------------------------------------------------------------------


def test_list_runs_filters_and_shows_the_list_item_shape(fake_omics: FakeOmics, omics: Any) -> None:
    cache = fake_omics.add_run_cache()
    for group in ("1", "2"):
        fake_omics.add_run_group(id=group)
    a = _start(omics, name="a", runGroupId="1", cacheId=cache["id"])
    b = _start(omics, name="b", runGroupId="2")
    fake_omics.set_run_status(b["id"], "FAILED")

    everything = omics.list_runs()["items"]
    by_name = omics.list_runs(name="a")["items"]
    failed = omics.list_runs(status="FAILED")["items"]
    group = omics.list_runs(runGroupId="2")["items"]

    assert [r["id"] for r in everything] == [a["id"], b["id"]]
    assert [r["id"] for r in by_name] == [a["id"]]
    assert [r["id"] for r in failed] == [b["id"]]
    assert [r["id"] for r in group] == [b["id"]]
    item_members = set(omics.meta.service_model.shape_for("RunListItem").members)
    assert set(everything[0]) <= item_members
    assert "cacheId" not in everything[0]


def test_list_runs_pages_with_the_paginator(fake_omics: FakeOmics, omics: Any) -> None:
    ids = [_start(omics)["id"] for _ in range(7)]

    pages = list(omics.get_paginator("list_runs").paginate(PaginationConfig={"PageSize": 3}))

    assert [len(page["items"]) for page in pages] == [3, 3, 1]
    assert [r["id"] for page in pages for r in page["items"]] == ids
    with pytest.raises(omics.exceptions.ValidationException):
        omics.list_runs(startingToken="forged")


@pytest.mark.parametrize("status", ["PENDING", "STARTING", "RUNNING", "STOPPING"])
def test_cancel_run_while_it_runs(fake_omics: FakeOmics, omics: Any, status: str) -> None:
    run_id = _start(omics)["id"]
    fake_omics.set_run_status(run_id, status)

    answer = omics.cancel_run(id=run_id)
    run = omics.get_run(id=run_id)

    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert run["status"] == "CANCELLED"
    assert "stopTime" in run


@pytest.mark.parametrize("status", ["COMPLETED", "FAILED", "CANCELLED"])
def test_cancel_run_of_a_finished_run_is_a_conflict(
    fake_omics: FakeOmics, omics: Any, status: str
) -> None:
    run = fake_omics.add_run(workflowId="1234", status=status)

    with pytest.raises(omics.exceptions.ConflictException) as raised:
        omics.cancel_run(id=run["id"])

    assert raised.value.response["Error"]["Message"] == (
        f"Run {run['id']} is {status}; only a PENDING, STARTING, RUNNING or STOPPING run can be"
        " cancelled."
    )


@pytest.mark.parametrize("status", ["COMPLETED", "FAILED", "CANCELLED"])
def test_delete_run_of_a_finished_run(fake_omics: FakeOmics, omics: Any, status: str) -> None:
    run = fake_omics.add_run(workflowId="1234", status=status)

    answer = omics.delete_run(id=run["id"])

    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    with pytest.raises(omics.exceptions.ResourceNotFoundException) as raised:
        omics.get_run(id=run["id"])
    assert raised.value.response["Error"]["Message"] == f"Run {run['id']} not found."
    assert omics.list_runs()["items"] == []


@pytest.mark.parametrize("status", ["PENDING", "STARTING", "RUNNING", "STOPPING"])
def test_delete_run_of_an_unfinished_run_is_a_conflict(
    fake_omics: FakeOmics, omics: Any, status: str
) -> None:
    run = fake_omics.add_run(workflowId="1234", status=status)

    with pytest.raises(omics.exceptions.ConflictException) as raised:
        omics.delete_run(id=run["id"])

    assert raised.value.response["Error"]["Message"] == (
        f"Run {run['id']} is {status}; only a COMPLETED, FAILED or CANCELLED run can be deleted."
    )


def test_a_run_elsewhere_gets_the_near_miss_hint(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_run(id="4242", region="us-west-2")

    with pytest.raises(omics.exceptions.ResourceNotFoundException) as raised:
        omics.get_run(id="4242")

    assert raised.value.response["Error"]["Message"] == (
        "Run 4242 not found. [pytest-omics-cache: the request came from account 123456789012,"
        " region us-east-1; a run with id 4242 exists in account 123456789012, region us-west-2."
        " Seed it with region=/account= matching the client, or call from that region.]"
    )


def test_runs_have_tags_by_the_same_path_as_caches(fake_omics: FakeOmics, omics: Any) -> None:
    started = _start(omics, tags={"a": "1"})

    omics.tag_resource(resourceArn=started["arn"], tags={"b": "2"})
    omics.untag_resource(resourceArn=started["arn"], tagKeys=["a"])

    assert omics.list_tags_for_resource(resourceArn=started["arn"])["tags"] == {"b": "2"}
    assert omics.get_run(id=started["id"])["tags"] == {"b": "2"}


OPERATIONS = {
    "StartRun": lambda c, run: _start(c),
    "GetRun": lambda c, run: c.get_run(id=run),
    "ListRuns": lambda c, run: c.list_runs(),
    "CancelRun": lambda c, run: c.cancel_run(id=run),
    "DeleteRun": lambda c, run: c.delete_run(id=run),
    "GetRunTask": lambda c, run: c.get_run_task(id=run, taskId="1"),
    "ListRunTasks": lambda c, run: c.list_run_tasks(id=run),
}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_errors_and_faults_on_every_run_operation(
    fake_omics: FakeOmics, make_client: Any, operation: str
) -> None:
    from botocore.exceptions import EndpointConnectionError

    client = make_client(config=Config(retries={"total_max_attempts": 1}))
    run = fake_omics.add_run(status="PENDING")
    fake_omics.add_error("AccessDeniedException", operation=operation)
    fake_omics.add_fault("connection", operation=operation)  # sees what the error let by

    with pytest.raises(client.exceptions.AccessDeniedException):
        OPERATIONS[operation](client, run["id"])
    with pytest.raises(EndpointConnectionError):
        OPERATIONS[operation](client, run["id"])

    assert [c.operation for c in fake_omics.get_calls()] == [operation, operation]
