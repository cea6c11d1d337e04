"""GetRunCache on the wire: what botocore sends, what the fake answers, what the client returns."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from botocore import UNSIGNED
from botocore.config import Config

from pytest_omics_cache import FakeOmics


def test_returns_exactly_the_seeded_cache(fake_omics: FakeOmics, omics: Any) -> None:
    seeded = fake_omics.add_run_cache(name="wgs-cache", description="WGS", tags={"team": "gx"})

    response = omics.get_run_cache(id=seeded["id"])
    metadata = response.pop("ResponseMetadata")

    assert response == seeded
    assert repr(response) == repr(seeded)  # same types and tzinfo, not just equal values
    assert isinstance(response["creationTime"], datetime)
    assert response["creationTime"].tzinfo is not None
    assert metadata["HTTPStatusCode"] == 200
    assert metadata["RetryAttempts"] == 0
    assert metadata["RequestId"] == metadata["HTTPHeaders"]["x-amzn-requestid"]


def test_request_is_the_one_botocore_built(fake_omics: FakeOmics, omics: Any) -> None:
    cache = fake_omics.add_run_cache(id="4242")

    omics.get_run_cache(id=cache["id"])

    call = fake_omics.get_call()
    assert call.method == "GET"
    assert call.url == "https://workflows-omics.us-east-1.amazonaws.com/runCache/4242"
    assert call.params == {"id": "4242"}
    assert "/us-east-1/omics/aws4_request" in call.headers["Authorization"]


def test_response_is_json_with_request_id(fake_omics: FakeOmics, omics: Any) -> None:
    cache = fake_omics.add_run_cache(name="n")

    headers = omics.get_run_cache(id=cache["id"])["ResponseMetadata"]["HTTPHeaders"]

    assert headers["content-type"] == "application/json"
    assert len(headers["x-amzn-requestid"]) == 36
    assert int(headers["content-length"]) > 0


def test_iso8601_creation_time_on_the_wire(fake_omics: FakeOmics, omics: Any) -> None:
    cache = fake_omics.add_run_cache(creationTime="2026-01-31T12:00:00.250000Z")
    wire: list[bytes] = []
    omics.meta.events.register(
        "after-call.omics.GetRunCache",
        lambda http_response, **_: wire.append(http_response.content),
    )

    response = omics.get_run_cache(id=cache["id"])

    assert json.loads(wire[0])["creationTime"] == "2026-01-31T12:00:00.250000Z"
    assert response["creationTime"].isoformat() == "2026-01-31T12:00:00.250000+00:00"


def test_unset_optional_fields_are_absent(fake_omics: FakeOmics, omics: Any) -> None:
    cache = fake_omics.add_run_cache()

    response = omics.get_run_cache(id=cache["id"])

    # The bucket's owner is never unset: CreateRunCache sets the caller's account.
    assert set(response) - {"ResponseMetadata"} == {
        "arn",
        "cacheBehavior",
        "cacheBucketOwnerId",
        "cacheS3Uri",
        "creationTime",
        "id",
        "status",
        "tags",
    }


def test_unknown_id_is_resource_not_found(fake_omics: FakeOmics, omics: Any) -> None:
    with pytest.raises(omics.exceptions.ResourceNotFoundException) as raised:
        omics.get_run_cache(id="1234567")

    error = raised.value.response
    assert error["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": "Run cache 1234567 not found.",
    }
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert (
        error["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "ResourceNotFoundException"
    )
    call = fake_omics.get_call("GetRunCache")
    assert (call.status_code, call.error_code) == (404, "ResourceNotFoundException")


@pytest.mark.parametrize(
    ("cache_id", "rule"),
    [
        ("abc", "Member must satisfy regular expression pattern: [0-9]+"),
        ("12a", "Member must satisfy regular expression pattern: [0-9]+"),
        ("a/b?c", "Member must satisfy regular expression pattern: [0-9]+"),
        ("1" * 19, "Member must have length less than or equal to 18"),
        ("9" * 23, "Member must have length less than or equal to 18"),
    ],
)
def test_ids_breaking_the_model_are_validation_errors(
    fake_omics: FakeOmics, omics: Any, cache_id: str, rule: str
) -> None:
    with pytest.raises(omics.exceptions.ValidationException) as raised:
        omics.get_run_cache(id=cache_id)

    assert raised.value.response["Error"]["Message"] == (
        f"1 validation error detected: Value '{cache_id}' at 'id'"
        f" failed to satisfy constraint: {rule}"
    )
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert fake_omics.get_call().params == {"id": cache_id}


def test_cache_in_another_region_is_invisible_and_the_message_says_where(
    fake_omics: FakeOmics, make_client: Any
) -> None:
    fake_omics.add_run_cache(id="777", region="eu-west-1")

    us = make_client(region_name="us-east-1")
    with pytest.raises(us.exceptions.ResourceNotFoundException) as raised:
        us.get_run_cache(id="777")

    assert raised.value.response["Error"]["Message"] == (
        "Run cache 777 not found. [pytest-omics-cache: the request came from account"
        " 123456789012, region us-east-1; a run cache with id 777 exists in account"
        " 123456789012, region eu-west-1. Seed it with region=/account= matching the client,"
        " or call from that region.]"
    )
    assert make_client(region_name="eu-west-1").get_run_cache(id="777")["id"] == "777"


def test_cache_in_another_account_is_invisible(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_run_cache(id="778", account="111122223333")

    with pytest.raises(omics.exceptions.ResourceNotFoundException) as raised:
        omics.get_run_cache(id="778")

    assert (
        "exists in account 111122223333, region us-east-1"
        in raised.value.response["Error"]["Message"]
    )


@pytest.mark.parametrize("region", ["us-east-1", "us-west-2", "eu-central-1", "ap-southeast-1"])
def test_every_region_is_served_from_its_own_store(
    fake_omics: FakeOmics, make_client: Any, region: str
) -> None:
    cache = fake_omics.add_run_cache(region=region)

    response = make_client(region_name=region).get_run_cache(id=cache["id"])

    assert response["arn"] == f"arn:aws:omics:{region}:123456789012:runCache/{cache['id']}"
    assert fake_omics.get_call().region == region
    assert fake_omics.get_call().url.startswith(f"https://workflows-omics.{region}.amazonaws.com/")


def test_custom_endpoint_takes_region_from_the_signature(
    fake_omics: FakeOmics, make_client: Any
) -> None:
    cache = fake_omics.add_run_cache(region="eu-central-1")
    client = make_client(region_name="eu-central-1", endpoint_url="http://localhost:4566")

    assert client.get_run_cache(id=cache["id"])["id"] == cache["id"]
    call = fake_omics.get_call()
    # botocore puts the model's hostPrefix in front of a custom endpoint too.
    assert call.url == f"http://workflows-localhost:4566/runCache/{cache['id']}"
    assert call.region == "eu-central-1"


def test_unsigned_request_takes_region_from_the_host(
    fake_omics: FakeOmics, make_client: Any
) -> None:
    cache = fake_omics.add_run_cache(region="il-central-1")
    client = make_client(region_name="il-central-1", config=Config(signature_version=UNSIGNED))

    client.get_run_cache(id=cache["id"])

    call = fake_omics.get_call()
    assert "Authorization" not in call.headers
    assert call.region == "il-central-1"
