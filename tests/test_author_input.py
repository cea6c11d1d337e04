"""What a test author hands the fake is checked as strictly as what the code under test sends:
the 50-tag quota on every path that sets tags, flags that must be bools, a failureReason that
nothing would show, and a botocore Stubber's place before the fake."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber

from pytest_omics_cache import FakeOmics

_FIFTY_ONE = {f"k{i:02}": "v" for i in range(51)}
_QUOTA_RULE = "Member must have length less than or equal to 50"
_QUOTA_MESSAGE = (
    f"1 validation error detected: Value '{_FIFTY_ONE}' at 'tags' failed to satisfy constraint:"
    f" {_QUOTA_RULE}"
)
_START = {
    "workflowId": "1234567",
    "roleArn": "arn:aws:iam::123456789012:role/omics",
    "outputUri": "s3://bucket/out/",
}


def _seed_message(method: str) -> str:
    return (
        f"{method}: tags has 51 tags, which breaks the rule '{_QUOTA_RULE}' (AWS's quota of 50"
        " tags per resource, as the botocore omics model states it for TagResource)"
    )


# --- the 50-tag quota, on every path that sets tags --------------------------------------------


def test_a_create_with_too_many_tags_is_refused(fake_omics: FakeOmics, omics: Any) -> None:
    with pytest.raises(omics.exceptions.ValidationException) as raised:
        omics.create_run_cache(cacheS3Location="s3://bucket/cache/", tags=_FIFTY_ONE)

    assert raised.value.response["Error"]["Message"] == _QUOTA_MESSAGE
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert fake_omics.run_caches() == []


def test_a_start_run_with_too_many_tags_is_refused(fake_omics: FakeOmics, omics: Any) -> None:
    with pytest.raises(omics.exceptions.ValidationException) as raised:
        omics.start_run(**_START, tags=_FIFTY_ONE)

    assert raised.value.response["Error"]["Message"] == _QUOTA_MESSAGE
    assert fake_omics.runs() == []


def test_fifty_tags_are_allowed_everywhere(fake_omics: FakeOmics, omics: Any) -> None:
    fifty = dict(list(_FIFTY_ONE.items())[:50])
    fake_omics.add_workflow(id=_START["workflowId"])

    created = omics.create_run_cache(cacheS3Location="s3://bucket/cache/", tags=fifty)
    started = omics.start_run(**_START, tags=fifty)
    seeded = fake_omics.add_run_cache(tags=fifty)
    run = fake_omics.add_run(tags=fifty)

    assert created["tags"] == fifty
    assert omics.get_run(id=started["id"])["tags"] == fifty
    assert seeded["tags"] == fifty
    assert run["tags"] == fifty


@pytest.mark.parametrize("method", ["add_run_cache", "add_run"])
def test_a_seed_with_too_many_tags_is_a_value_error(fake_omics: FakeOmics, method: str) -> None:
    with pytest.raises(ValueError, match="tags has 51 tags") as raised:
        getattr(fake_omics, method)(tags=_FIFTY_ONE)

    assert str(raised.value) == _seed_message(method)
    assert fake_omics.run_caches() == []
    assert fake_omics.runs() == []


@pytest.mark.parametrize("seed", ["add_run_cache", "add_run"])
def test_overwriting_a_tag_of_a_full_resource_is_never_refused(
    fake_omics: FakeOmics, omics: Any, seed: str
) -> None:
    fifty = dict(list(_FIFTY_ONE.items())[:50])
    resource = getattr(fake_omics, seed)(tags=fifty)

    omics.tag_resource(resourceArn=resource["arn"], tags={"k00": "new", "k49": "new"})
    with pytest.raises(omics.exceptions.ValidationException) as raised:
        omics.tag_resource(resourceArn=resource["arn"], tags={"k00": "again", "k50": "v"})

    assert raised.value.response["Error"]["Message"] == (
        f"Resource {resource['arn']} would have 51 tags; a resource can have at most 50."
    )
    tags = omics.list_tags_for_resource(resourceArn=resource["arn"])["tags"]
    assert tags == {**fifty, "k00": "new", "k49": "new"}


# --- flags and contradictions -----------------------------------------------------------------


@pytest.mark.parametrize("flag", ["no", 0, 1, None, "False"])
def test_mark_in_use_takes_only_a_bool(fake_omics: FakeOmics, omics: Any, flag: object) -> None:
    fake_omics.add_run_cache(id="11")

    with pytest.raises(ValueError, match="in_use") as raised:
        fake_omics.mark_in_use("11", in_use=flag)  # type: ignore[arg-type]

    assert str(raised.value) == f"mark_in_use: in_use={flag!r} must be True or False"
    omics.delete_run_cache(id="11")  # not marked in use


def test_next_runs_refuses_a_failure_reason_no_status_shows(fake_omics: FakeOmics) -> None:
    with pytest.raises(ValueError, match="failureReason") as raised:
        fake_omics.next_runs(progress=["PENDING", "COMPLETED"], failureReason="out of memory")

    assert str(raised.value) == (
        "next_runs: failureReason='out of memory' is given, but no status it sets is FAILED"
        " (PENDING, COMPLETED), and only a FAILED run or task has a failureReason; add"
        " 'FAILED', or leave failureReason out"
    )


def test_set_status_refuses_a_failure_reason_without_failed(
    fake_omics: FakeOmics, omics: Any
) -> None:
    run = fake_omics.add_run(status="RUNNING", tasks=[{"name": "align", "status": "RUNNING"}])
    task_id = omics.list_run_tasks(id=run["id"])["items"][0]["taskId"]

    with pytest.raises(ValueError, match="failureReason") as run_raised:
        fake_omics.set_run_status(run["id"], "COMPLETED", failureReason="disk full")
    with pytest.raises(ValueError, match="failureReason") as task_raised:
        fake_omics.set_task_status(run["id"], task_id, "CANCELLED", failureReason="disk full")

    assert str(run_raised.value) == (
        "set_run_status: failureReason='disk full' is given, but no status it sets is FAILED"
        " (COMPLETED), and only a FAILED run or task has a failureReason; add 'FAILED', or"
        " leave failureReason out"
    )
    assert str(task_raised.value) == (
        "set_task_status: failureReason='disk full' is given, but no status it sets is FAILED"
        " (CANCELLED), and only a FAILED run or task has a failureReason; add 'FAILED', or"
        " leave failureReason out"
    )
    failed = fake_omics.set_run_status(run["id"], "FAILED", failureReason="disk full")
    assert failed["failureReason"] == "disk full"


# --- a botocore Stubber answers before the fake -------------------------------------------------


def test_a_stubber_answers_its_client_before_the_fake(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_run_cache(id="1", name="from the fake")
    stubber = Stubber(omics)
    stubber.add_response("get_run_cache", {"id": "1", "name": "from the stubber"}, {"id": "1"})

    with stubber:
        stubbed = omics.get_run_cache(id="1")
    served = omics.get_run_cache(id="1")

    assert stubbed["name"] == "from the stubber"
    assert served["name"] == "from the fake"
    assert [call.params for call in fake_omics.get_calls()] == [{"id": "1"}]
