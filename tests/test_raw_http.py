"""Raw HTTP: `requests` calls to the REST API, signed with SigV4Auth, get the botocore answers."""

from __future__ import annotations

import http.server
import io
import json
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from pytest_omics_cache import FakeOmics, UnservedRequestError

BASE = "https://workflows-omics.us-east-1.amazonaws.com"


def signed(method: str, url: str, body: bytes = b"", region: str = "us-east-1") -> Any:
    """Send a request signed the way tools that skip boto3 sign it."""
    request = AWSRequest(method=method, url=url, data=body)
    if body:
        request.headers["Content-Type"] = "application/json"
    SigV4Auth(Credentials("AKIDRAWCALLER", "secret"), "omics", region).add_auth(request)
    return requests.request(method, url, headers=dict(request.headers), data=body, timeout=5)


def test_get_answers_like_the_botocore_path(fake_omics: FakeOmics) -> None:
    cache = fake_omics.add_run_cache(name="raw", tags={"k": "v"})
    client = boto3.client("omics", region_name="us-east-1")
    wire: list[bytes] = []
    client.meta.events.register(
        "after-call.omics.GetRunCache",
        lambda http_response, **_: wire.append(http_response.content),
    )
    client.get_run_cache(id=cache["id"])

    response = signed("GET", f"{BASE}/runCache/{cache['id']}")

    assert response.status_code == 200
    assert response.content == wire[0]
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["creationTime"].endswith("Z")
    assert set(response.headers) >= {"Date", "Content-Length", "x-amzn-RequestId"}
    raw_call, botocore_call = fake_omics.get_calls()[1], fake_omics.get_calls()[0]
    assert (raw_call.operation, raw_call.params, raw_call.region) == (
        botocore_call.operation,
        botocore_call.params,
        botocore_call.region,
    )


def test_errors_have_the_service_shape(fake_omics: FakeOmics) -> None:
    missing = signed("GET", f"{BASE}/runCache/404")
    invalid = signed("GET", f"{BASE}/runCache/abc")

    assert (missing.status_code, missing.headers["x-amzn-ErrorType"]) == (
        404,
        "ResourceNotFoundException",
    )
    assert missing.json() == {"message": "Run cache 404 not found."}
    assert (invalid.status_code, invalid.headers["x-amzn-ErrorType"]) == (
        400,
        "ValidationException",
    )


def test_create_list_update_delete_over_raw_http(fake_omics: FakeOmics) -> None:
    body = json.dumps({"cacheS3Location": "s3://bucket/raw", "requestId": "r-1"}).encode()
    created = signed("POST", f"{BASE}/runCache", body)
    cache_id = created.json()["id"]

    listed = signed("GET", f"{BASE}/runCache?maxResults=5")
    updated = signed("POST", f"{BASE}/runCache/{cache_id}", json.dumps({"name": "n"}).encode())
    deleted = signed("DELETE", f"{BASE}/runCache/{cache_id}")

    assert created.status_code == 201
    assert [i["id"] for i in listed.json()["items"]] == [cache_id]
    assert (updated.status_code, updated.content) == (202, b"")
    assert deleted.status_code == 202
    assert fake_omics.run_caches() == []
    assert [c.operation for c in fake_omics.get_calls()] == [
        "CreateRunCache",
        "ListRunCaches",
        "UpdateRunCache",
        "DeleteRunCache",
    ]


def test_region_comes_from_the_signature(fake_omics: FakeOmics) -> None:
    fake_omics.add_run_cache(id="5", region="ap-southeast-1")

    response = signed("GET", f"{BASE}/runCache/5", region="ap-southeast-1")

    assert response.status_code == 200
    call = fake_omics.get_call()
    assert (call.region, call.transport) == ("ap-southeast-1", "requests")


@pytest.mark.parametrize(
    ("kind", "exception"),
    [
        ("connection", requests.exceptions.ConnectionError),
        ("connect-timeout", requests.exceptions.ConnectTimeout),
        ("read-timeout", requests.exceptions.ReadTimeout),
    ],
)
def test_faults_are_requests_exceptions(
    fake_omics: FakeOmics, kind: str, exception: type[Exception]
) -> None:
    fake_omics.add_fault(kind)

    with pytest.raises(exception, match=f"{kind} injected by pytest-omics-cache"):
        signed("GET", f"{BASE}/runCache/1")


def test_injected_errors_reach_raw_callers(fake_omics: FakeOmics) -> None:
    fake_omics.add_error("ThrottlingException", message="slow down")

    response = signed("GET", f"{BASE}/runCache/1")

    assert (response.status_code, response.json()) == (429, {"message": "slow down"})


@pytest.mark.fake_omics(assert_all_requests_served=False)
def test_unserved_omics_urls_are_refused(fake_omics: FakeOmics) -> None:
    for url in (
        f"{BASE}/sequencestore/1234567890",
        "https://storage-omics.us-east-1.amazonaws.com/x",
    ):
        with pytest.raises(UnservedRequestError):
            requests.get(url, timeout=5)

    assert [call.describe() for call in fake_omics.get_calls()] == [
        "GetSequenceStore(id='1234567890') in us-east-1 -> unserved",
        "GET https://storage-omics.us-east-1.amazonaws.com/x() in us-east-1 -> unserved",
    ]


@pytest.fixture
def local_server() -> Iterator[str]:
    class Hello(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"hello from a real server")

        def log_message(self, *_: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join()


def test_other_urls_pass_through(fake_omics: FakeOmics, local_server: str) -> None:
    response = requests.get(local_server, timeout=5)

    assert response.text == "hello from a real server"
    assert fake_omics.get_calls() == []


def test_requests_is_restored_afterwards() -> None:
    get_adapter, send = requests.Session.get_adapter, requests.adapters.HTTPAdapter.send
    with FakeOmics()._activated():
        assert requests.Session.get_adapter is not get_adapter
        assert requests.adapters.HTTPAdapter.send is send  # left to responses and moto
    assert requests.Session.get_adapter is get_adapter


@pytest.mark.parametrize(
    "make_body",
    [
        lambda: bytearray(b'{"name": "n"}'),
        lambda: io.BytesIO(b'{"name": "n"}'),
        lambda: io.StringIO('{"name": "n"}'),
        lambda: (chunk for chunk in [b'{"name":', b' "n"}']),
    ],
    ids=["bytearray", "bytes file", "text file", "generator"],
)
def test_bodies_of_every_kind_requests_sends(fake_omics: FakeOmics, make_body: Any) -> None:
    # A fresh body per run: a file or generator is consumed by the first request that sends it.
    body = make_body()
    cache = fake_omics.add_run_cache()
    url = f"{BASE}/runCache/{cache['id']}"

    response = requests.post(url, data=body, timeout=5)

    assert response.status_code == 202
    assert fake_omics.run_caches()[0]["name"] == "n"
