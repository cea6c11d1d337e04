"""Behaviour a mutation run found unguarded (issue: "tests that would catch a regression"): each
test here fails if that behaviour changes."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from pytest_omics_cache import FakeOmics
from pytest_omics_cache._core import injections as _injections
from pytest_omics_cache._wire import model as _model
from pytest_omics_cache._wire import protocol as _protocol

BASE = "https://workflows-omics.us-east-1.amazonaws.com"


def _raw(method: str, url: str, region: str = "us-east-1") -> requests.Response:
    request = AWSRequest(method=method, url=url)
    SigV4Auth(Credentials("AKIDRAW", "secret"), "omics", region).add_auth(request)
    return requests.request(method, url, headers=dict(request.headers), timeout=5)


def test_an_explicit_bucket_owner_is_kept(fake_omics: FakeOmics, omics: Any) -> None:
    created = omics.create_run_cache(
        cacheS3Location="s3://team-bucket/x", cacheBucketOwnerId="111122223333"
    )

    assert omics.get_run_cache(id=created["id"])["cacheBucketOwnerId"] == "111122223333"
    assert fake_omics.run_caches()[0]["cacheBucketOwnerId"] == "111122223333"


def test_deleting_an_id_leaves_its_namesakes_elsewhere(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_run_cache(id="77")
    fake_omics.add_run_cache(id="77", region="eu-west-1")
    fake_omics.add_run_cache(id="77", account="111122223333")

    omics.delete_run_cache(id="77")

    assert sorted(
        (c["arn"].split(":")[3], c["arn"].split(":")[4]) for c in fake_omics.run_caches()
    ) == [
        ("eu-west-1", "123456789012"),
        ("us-east-1", "111122223333"),
    ]
    with pytest.raises(omics.exceptions.ResourceNotFoundException) as raised:
        omics.get_run_cache(id="77")
    message = raised.value.response["Error"]["Message"]
    assert "account 111122223333, region us-east-1" in message
    assert "account 123456789012, region eu-west-1" in message


@pytest.mark.parametrize(
    "code",
    [c for c in sorted(_injections._DEFAULT_MESSAGES) if c in _model.error_codes("GetRunCache")],
)
def test_every_default_message_is_sent(fake_omics: FakeOmics, code: str) -> None:
    fake_omics.add_error(code, times=None)

    response = _raw("GET", f"{BASE}/runCache/1")

    expected = _injections.default_message(code, operation="GetRunCache", account="123456789012")
    assert (response.headers["x-amzn-ErrorType"], response.json()) == (code, {"message": expected})
    assert expected  # no empty text


def test_timestamps_on_the_wire(fake_omics: FakeOmics) -> None:
    cache = fake_omics.add_run_cache(creationTime="2026-01-02T03:04:05.000007z")  # lowercase z

    body = _raw("GET", f"{BASE}/runCache/{cache['id']}").json()

    assert body["creationTime"] == "2026-01-02T03:04:05.000007Z"


def test_the_delete_answer_is_an_empty_202(fake_omics: FakeOmics) -> None:
    cache = fake_omics.add_run_cache()

    response = _raw("DELETE", f"{BASE}/runCache/{cache['id']}")

    assert (response.status_code, response.content) == (202, b"")
    assert response.headers["Content-Length"] == "0"


@pytest.mark.parametrize(
    "authorization",
    [
        "AWS4-HMAC-SHA256 Credential=AKID/20260101, SignedHeaders=host, Signature=x",
        "AWS4-HMAC-SHA256 Credential=AKID/20260101//omics/aws4_request, SignedHeaders=host",
        "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1//aws4_request, SignedHeaders=host",
        "Bearer abc/def/eu-west-1/omics/aws4_request",
    ],
)
def test_a_malformed_scope_falls_back_to_the_host(authorization: str) -> None:
    request = _protocol.WireRequest(
        "GET",
        "https://workflows-omics.ap-southeast-2.amazonaws.com/runCache/1",
        {"Authorization": authorization},
        b"",
    )

    assert _protocol.request_region(request, "us-east-1") == "ap-southeast-2"


def test_the_near_miss_hint_names_every_place_the_id_is(
    fake_omics: FakeOmics, make_client: Any
) -> None:
    fake_omics.add_run_cache(id="779", region="eu-west-1")
    fake_omics.add_run_cache(id="779", region="us-west-2")
    client = make_client(region_name="us-east-1")

    with pytest.raises(client.exceptions.ResourceNotFoundException) as raised:
        client.update_run_cache(id="779", name="renamed")

    assert raised.value.response["Error"]["Message"] == (
        "Run cache 779 not found. [pytest-omics-cache: the request came from account"
        " 123456789012, region us-east-1; a run cache with id 779 exists in account"
        " 123456789012, region eu-west-1; account 123456789012, region us-west-2. Seed it with"
        " region=/account= matching the client, or call from that region.]"
    )


def test_a_page_token_never_starts_with_a_dash(
    fake_omics: FakeOmics, omics: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The AWS CLI reads `--starting-token -abc` as a missing value and a new option.
    from pytest_omics_cache._core import handlers as _handlers

    monkeypatch.setattr(_handlers.secrets, "token_urlsafe", lambda _: "-" + "x" * 23)
    for _ in range(2):
        fake_omics.add_run_cache()
        fake_omics.add_run(workflowId="1234", outputUri="s3://bucket/out/")

    assert omics.list_run_caches(maxResults=1)["nextToken"] == "A" + "x" * 23
    assert omics.list_runs(maxResults=1)["nextToken"] == "A" + "x" * 23
