"""Requests read once per shape: creates with an idempotency token (the same body but for the
token), and requests whose path ends in an id (the same URL but for the id). Each is answered as
if read in full."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_omics_cache import FakeOmics
from pytest_omics_cache._core.readings import Reading, Readings
from pytest_omics_cache._wire.protocol import WireRequest

ROLE = "arn:aws:iam::123456789012:role/omics-runs"

pytestmark = pytest.mark.usefixtures("run_workflow")  # the workflow their runs start from


def _start(omics: Any, **extra: Any) -> dict[str, Any]:
    arguments = {"workflowId": "1234", "roleArn": ROLE, "outputUri": "s3://team-runs/out/"}
    return dict(omics.start_run(**{**arguments, **extra}))


def test_requests_of_one_shape_each_keep_their_own_token(fake_omics: FakeOmics, omics: Any) -> None:
    ids = [_start(omics, requestId=token)["id"] for token in ("r-a", "r-b", "r-c")]

    assert len(set(ids)) == 3
    assert _start(omics, requestId="r-b")["id"] == ids[1]
    assert [call.params["requestId"] for call in fake_omics.get_calls("StartRun")] == [
        "r-a",
        "r-b",
        "r-c",
        "r-b",
    ]


def test_tokens_botocore_makes_start_a_run_each(fake_omics: FakeOmics, omics: Any) -> None:
    ids = {_start(omics)["id"] for _ in range(3)}
    tokens = {call.params["requestId"] for call in fake_omics.get_calls("StartRun")}

    assert len(ids) == 3
    assert len(tokens) == 3


def test_a_broken_token_after_good_ones_gets_the_services_message(
    fake_omics: FakeOmics, omics: Any
) -> None:
    _start(omics, requestId="fine")

    with pytest.raises(omics.exceptions.ValidationException) as caught:
        _start(omics, requestId="x" * 129)

    assert caught.value.response["Error"]["Message"] == (
        f"1 validation error detected: Value '{'x' * 129}' at 'requestId' failed to satisfy"
        " constraint: Member must have length less than or equal to 128"
    )


def test_a_token_with_an_escape_in_json_is_read_as_sent(fake_omics: FakeOmics, omics: Any) -> None:
    first = _start(omics, requestId='quote"d')
    second = _start(omics, requestId='quote"d')

    assert second["id"] == first["id"]
    assert fake_omics.get_calls("StartRun")[1].params["requestId"] == 'quote"d'


def test_a_tag_named_like_the_token_is_not_taken_for_it(fake_omics: FakeOmics, omics: Any) -> None:
    # The tag comes first in the body, with the token's value: only the real token may be cut.
    first = _start(omics, tags={"requestId": "r-1"}, requestId="r-1")

    with pytest.raises(omics.exceptions.ConflictException):
        _start(omics, tags={"requestId": "other"}, requestId="r-1")
    second = _start(omics, tags={"requestId": "other"}, requestId="r-2")

    assert second["id"] != first["id"]
    assert omics.get_run(id=second["id"])["tags"] == {"requestId": "other"}
    assert fake_omics.get_calls("StartRun")[2].params["requestId"] == "r-2"


def test_resources_of_one_shape_do_not_share_their_tags(fake_omics: FakeOmics, omics: Any) -> None:
    caches = [
        omics.create_run_cache(cacheS3Location="s3://team/caches", tags={"team": "a"})
        for _ in range(2)
    ]
    runs = [_start(omics, tags={"team": "a"}) for _ in range(2)]

    omics.tag_resource(resourceArn=caches[0]["arn"], tags={"extra": "1"})
    omics.tag_resource(resourceArn=runs[0]["arn"], tags={"extra": "1"})

    assert omics.list_tags_for_resource(resourceArn=caches[1]["arn"])["tags"] == {"team": "a"}
    assert omics.list_tags_for_resource(resourceArn=runs[1]["arn"])["tags"] == {"team": "a"}
    assert omics.list_tags_for_resource(resourceArn=caches[0]["arn"])["tags"] == {
        "team": "a",
        "extra": "1",
    }


def test_a_body_of_a_known_shape_with_a_broken_member_is_refused(
    fake_omics: FakeOmics, omics: Any
) -> None:
    _start(omics, requestId="r-1")

    with pytest.raises(omics.exceptions.ValidationException) as caught:
        _start(omics, requestId="r-2", roleArn="not-an-arn")

    assert "Value 'not-an-arn' at 'roleArn' failed to satisfy constraint" in str(caught.value)


def test_requests_naming_one_resource_after_another_each_get_their_own(
    fake_omics: FakeOmics, omics: Any
) -> None:
    ids = [fake_omics.add_run_cache(name=f"cache-{n}")["id"] for n in range(3)]

    assert [omics.get_run_cache(id=i)["name"] for i in ids] == ["cache-0", "cache-1", "cache-2"]
    omics.delete_run_cache(id=ids[0])
    omics.delete_run_cache(id=ids[2])
    with pytest.raises(omics.exceptions.ResourceNotFoundException):
        omics.get_run_cache(id=ids[2])

    assert [c["id"] for c in fake_omics.run_caches()] == [ids[1]]
    assert [dict(c.params) for c in fake_omics.get_calls()] == [
        {"id": ids[0]},
        {"id": ids[1]},
        {"id": ids[2]},
        {"id": ids[0]},
        {"id": ids[2]},
        {"id": ids[2]},
    ]


def test_a_broken_id_after_good_ones_gets_the_services_message(
    fake_omics: FakeOmics, omics: Any
) -> None:
    omics.get_run_cache(id=fake_omics.add_run_cache()["id"])

    with pytest.raises(omics.exceptions.ValidationException) as caught:
        omics.get_run_cache(id="x" * 19)

    assert caught.value.response["Error"]["Message"] == (
        f"2 validation errors detected: Value '{'x' * 19}' at 'id' failed to satisfy constraint:"
        " Member must satisfy regular expression pattern: [0-9]+; Value"
        f" '{'x' * 19}' at 'id' failed to satisfy constraint: Member must have length less than"
        " or equal to 18"
    )


def test_a_quoted_id_is_read_in_full(fake_omics: FakeOmics, omics: Any) -> None:
    omics.get_run_cache(id=fake_omics.add_run_cache()["id"])

    with pytest.raises(omics.exceptions.ValidationException) as caught:
        omics.get_run_cache(id="1 2")

    assert "Value '1 2' at 'id' failed to satisfy constraint" in str(caught.value)
    assert fake_omics.get_calls()[-1].params == {"id": "1 2"}


def test_labels_before_the_last_stay_in_the_shape(fake_omics: FakeOmics, omics: Any) -> None:
    first = fake_omics.add_run(tasks=[{"taskId": "1111111", "name": "align"}])
    second = fake_omics.add_run(
        tasks=[{"taskId": "2222222", "name": "call"}, {"taskId": "3333333", "name": "sort"}]
    )

    assert omics.get_run_task(id=first["id"], taskId="1111111")["name"] == "align"
    assert omics.get_run_task(id=second["id"], taskId="2222222")["name"] == "call"
    assert omics.get_run_task(id=second["id"], taskId="3333333")["name"] == "sort"
    with pytest.raises(omics.exceptions.ResourceNotFoundException):
        omics.get_run_task(id=first["id"], taskId="3333333")


def _get(url: str) -> WireRequest:
    return WireRequest("GET", url, {}, b"")


def test_a_url_that_differs_only_in_its_last_id_is_read_once() -> None:
    readings = Readings()
    read: list[str] = []
    fake = FakeOmics()
    base = "https://omics.us-east-1.amazonaws.com/runCache/"
    # A share id's pattern allows what quoting writes: only reading the id in full unquotes it.
    shares = "https://analytics-omics.us-east-1.amazonaws.com/share/"
    with fake._activated():
        service = fake._service
        assert service is not None

        def counted(request: WireRequest, operation: str | None, transport: str) -> Reading:
            read.append(request.url)
            return service._read(request, operation, transport)

        def params(url: str, operation: str) -> dict[str, Any]:
            return dict(readings.get(_get(url), operation, "botocore", counted).params)

        caches = [
            params(base + i, "GetRunCache") for i in ("111", "222", "222", "333", "1%202", "")
        ]
        got_shares = [params(shares + i, "GetShare") for i in ("s-1", "s%202", "s-3")]

    assert caches == [
        {"id": "111"},
        {"id": "222"},
        {"id": "222"},
        {"id": "333"},
        {"id": "1 2"},
        {"id": ""},
    ]
    assert got_shares == [{"shareId": "s-1"}, {"shareId": "s 2"}, {"shareId": "s-3"}]
    # The first of each shape, then the quoted and the empty ids: each read in full.
    assert read == [base + "111", base + "1%202", base, shares + "s-1", shares + "s%202"]
