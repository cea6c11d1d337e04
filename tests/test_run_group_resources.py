"""Run groups, served from state (issue 30): create, get, list, update and delete with their
limits, idempotent creates, tags on their ARNs, the paginator, and no delete while a run in the
group is active."""

from __future__ import annotations

import re
from typing import Any

import pytest
from model_has import MODEL, model_answer

from pytest_omics_cache import FakeOmics

ROLE = "arn:aws:iam::123456789012:role/runs"


def test_create_then_get_answers_the_models_members(fake_omics: FakeOmics, omics: Any) -> None:
    created = omics.create_run_group(
        name="team", maxCpus=256, maxRuns=10, maxDuration=600, tags={"team": "g"}, requestId="g"
    )

    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    answer = model_answer(created, "CreateRunGroup")
    assert set(answer) == {"arn", "id", "tags"}
    assert re.fullmatch(r"[0-9]{7}", answer["id"])
    assert answer["arn"] == f"arn:aws:omics:us-east-1:123456789012:runGroup/{answer['id']}"
    got = model_answer(omics.get_run_group(id=answer["id"]), "GetRunGroup")
    assert {k: got[k] for k in ("id", "name", "maxCpus", "maxRuns", "maxDuration", "tags")} == {
        "id": answer["id"],
        "name": "team",
        "maxCpus": 256,
        "maxRuns": 10,
        "maxDuration": 600,
        "tags": {"team": "g"},
    }
    assert "maxGpus" not in got  # unset: left out, as the service leaves it
    assert fake_omics.run_groups() == [got]


def test_a_request_id_creates_one_group(fake_omics: FakeOmics, omics: Any) -> None:
    first = omics.create_run_group(name="team", requestId="g-1")["id"]
    again = omics.create_run_group(name="team", requestId="g-1")["id"]

    assert again == first
    assert [g["id"] for g in fake_omics.run_groups()] == [first]
    with pytest.raises(omics.exceptions.ConflictException):
        omics.create_run_group(name="other", requestId="g-1")


def test_list_filters_by_name_and_pages(fake_omics: FakeOmics, omics: Any) -> None:
    ids = [fake_omics.add_run_group(name=name)["id"] for name in ("a", "b", "a")]

    pages = omics.get_paginator("list_run_groups").paginate(PaginationConfig={"PageSize": 2})
    listed = [[item["id"] for item in page["items"]] for page in pages]
    named = omics.list_run_groups(name="a")["items"]

    assert listed == [ids[:2], ids[2:]]
    assert [item["id"] for item in named] == [ids[0], ids[2]]
    assert set(named[0]) <= set(MODEL.shape_for("RunGroupListItem").members)


def test_update_changes_the_limits(fake_omics: FakeOmics, omics: Any) -> None:
    group = fake_omics.add_run_group(name="team", maxCpus=8)

    updated = omics.update_run_group(id=group["id"], maxCpus=64, maxRuns=3)

    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 202
    got = omics.get_run_group(id=group["id"])
    assert (got["name"], got["maxCpus"], got["maxRuns"]) == ("team", 64, 3)


def test_delete_refuses_a_group_with_an_active_run(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_workflow(id="1234")
    group = fake_omics.add_run_group(id="7777")
    run = omics.start_run(
        workflowId="1234", runGroupId="7777", roleArn=ROLE, outputUri="s3://team-runs/out/"
    )

    with pytest.raises(omics.exceptions.ConflictException) as raised:
        omics.delete_run_group(id="7777")
    fake_omics.set_run_status(run["id"], "COMPLETED")
    deleted = omics.delete_run_group(id="7777")

    assert raised.value.response["Error"]["Message"] == (
        f"Run group 7777 has active runs (run {run['id']}) and cannot be deleted."
    )
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert group["id"] not in [g["id"] for g in fake_omics.run_groups()]
    with pytest.raises(omics.exceptions.ResourceNotFoundException) as missing:
        omics.get_run_group(id="7777")
    assert missing.value.response["Error"]["Message"] == "Run group 7777 not found"


def test_tags_of_a_run_group(fake_omics: FakeOmics, omics: Any) -> None:
    group = fake_omics.add_run_group(tags={"team": "g"})

    omics.tag_resource(resourceArn=group["arn"], tags={"cost": "wgs"})
    omics.untag_resource(resourceArn=group["arn"], tagKeys=["team"])

    assert omics.list_tags_for_resource(resourceArn=group["arn"])["tags"] == {"cost": "wgs"}
    assert fake_omics.run_groups()[0]["tags"] == {"cost": "wgs"}


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        (
            lambda fake: fake.add_run_group(maxCpus=0),
            "add_run_group: maxCpus=0 breaks the rule 'Member must have value greater than or"
            " equal to 1'",
        ),
        (
            lambda fake: [fake.add_run_group(id="7777"), fake.add_run_group(id="7777")],
            "add_run_group: a run group with id='7777' is already seeded in account"
            " 123456789012, region us-east-1; give each its own id (or omit id)",
        ),
    ],
    ids=["below-minimum", "duplicate"],
)
def test_a_bad_seed_is_a_value_error(fake_omics: FakeOmics, seed: Any, message: str) -> None:
    with pytest.raises(ValueError, match=r"^add_") as raised:
        seed(fake_omics)

    assert str(raised.value).startswith(message)
