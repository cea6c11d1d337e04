"""Creates with an idempotency token: each request is answered as if read in full, though the
fake reads a request of a shape it has seen (the same body but for the token) only once."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_omics_cache import FakeOmics

ROLE = "arn:aws:iam::123456789012:role/omics-runs"


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
