"""The loopback endpoint: the same service over HTTP, for other processes.

Wire-level behaviour is tested with http.client from this process (a botocore client here would
be answered in-process, never reaching the socket); what a child sees, with a child Python
process that makes its own boto3 client. The AWS CLI's tests are in test_aws_cli.py.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import textwrap
import threading
from typing import Any
from urllib.parse import urlsplit

import pytest
from teardowns import checked_at_exit

from pytest_omics_cache import FakeOmics, mock_omics
from pytest_omics_cache._transports.botocore import FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY

pytest_plugins = ["pytester"]

SCOPE = (
    "AWS4-HMAC-SHA256 Credential=AKID/20261130/{region}/omics/aws4_request,"
    " SignedHeaders=host, Signature=0"
)


def _connection(fake: FakeOmics) -> http.client.HTTPConnection:
    url = urlsplit(fake.endpoint_url)
    assert url.hostname is not None
    assert url.port is not None
    return http.client.HTTPConnection(url.hostname, url.port, timeout=10)


def _path(fake: FakeOmics, path: str) -> str:
    """``path`` under the endpoint's own prefix."""
    return urlsplit(fake.endpoint_url).path + path


def _request(
    fake: FakeOmics, method: str, path: str, body: Any = None, region: str = "us-east-1"
) -> tuple[int, dict[str, str], Any]:
    connection = _connection(fake)
    try:
        connection.request(
            method,
            _path(fake, path),
            body=None if body is None else json.dumps(body),
            headers={"Authorization": SCOPE.format(region=region)},
        )
        response = connection.getresponse()
        raw = response.read()
        return response.status, dict(response.getheaders()), json.loads(raw) if raw else None
    finally:
        connection.close()


# Before botocore 1.37.5 no AWS_DISABLE_HOST_PREFIX_INJECTION is read: the child passes the
# README's Config instead (the oldest-botocore environment runs these tests too).
_CHILD_PREAMBLE = """
import botocore, botocore.config
_OLD = tuple(int(p) for p in botocore.__version__.split(".")[:3]) < (1, 37, 5)
CONFIG = botocore.config.Config(inject_host_prefix=False) if _OLD else None
"""


def _child(fake: FakeOmics, script: str, **env: str) -> dict[str, Any]:
    """Runs ``script`` in a new Python process with ``fake.subprocess_env()``; the script prints
    one JSON object, returned here. ``CONFIG`` is defined for its clients."""
    result = subprocess.run(
        [sys.executable, "-c", _CHILD_PREAMBLE + textwrap.dedent(script)],
        env={**fake.subprocess_env(), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


# --- over HTTP, from this process ----------------------------------------------------------------


def test_endpoint_url_is_a_loopback_port_of_its_own_that_stays_the_same(
    fake_omics: FakeOmics,
) -> None:
    url = fake_omics.endpoint_url
    parts = urlsplit(url)
    assert (parts.scheme, parts.hostname) == ("http", "127.0.0.1")
    assert re.fullmatch("/[0-9a-f]{8}", parts.path)
    assert parts.port is not None
    assert parts.port > 0
    assert fake_omics.endpoint_url == url
    assert fake_omics._endpoint is not None
    assert fake_omics._endpoint._server.server_address == ("127.0.0.1", parts.port)


def test_a_get_run_cache_over_http_is_served_from_the_registry_with_the_scopes_region(
    fake_omics: FakeOmics,
) -> None:
    cache = fake_omics.add_run_cache(name="wire", region="eu-west-1")

    status, headers, body = _request(
        fake_omics, "GET", f"/runCache/{cache['id']}", None, "eu-west-1"
    )

    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert int(headers["Content-Length"]) > 0
    assert headers["x-amzn-RequestId"]
    assert body == {
        "arn": cache["arn"],
        "cacheBehavior": "CACHE_ON_FAILURE",
        "cacheBucketOwnerId": "123456789012",
        "cacheS3Uri": cache["cacheS3Uri"],
        "creationTime": cache["creationTime"].isoformat().replace("+00:00", "Z"),
        "id": cache["id"],
        "name": "wire",
        "status": "ACTIVE",
        "tags": {},
    }
    call = fake_omics.get_call()
    assert (call.operation, call.params, call.region, call.status_code, call.transport) == (
        "GetRunCache",
        {"id": cache["id"]},
        "eu-west-1",
        200,
        "endpoint",
    )
    # The service's own path: the endpoint's prefix only addresses the fake.
    port = urlsplit(fake_omics.endpoint_url).port
    assert call.url == f"http://127.0.0.1:{port}/runCache/{cache['id']}"


def test_a_missing_cache_over_http_is_the_services_404(fake_omics: FakeOmics) -> None:
    status, headers, body = _request(fake_omics, "GET", "/runCache/1234567")

    assert status == 404
    assert headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert body == {"message": "Run cache 1234567 not found."}


def test_a_create_over_http_is_validated_like_any_other(fake_omics: FakeOmics) -> None:
    status, headers, body = _request(
        fake_omics, "POST", "/runCache", {"cacheS3Location": "not-s3", "requestId": "r1"}
    )

    assert status == 400
    assert headers["x-amzn-ErrorType"] == "ValidationException"
    assert "at 'cacheS3Location' failed to satisfy constraint" in body["message"]
    assert fake_omics.run_caches() == []


def test_a_chunked_request_body_is_read_whole(fake_omics: FakeOmics) -> None:
    connection = _connection(fake_omics)
    body = json.dumps({"cacheS3Location": "s3://chunked-bucket/c", "requestId": "r1"}).encode()
    connection.putrequest("POST", _path(fake_omics, "/runCache"))
    connection.putheader("Authorization", SCOPE.format(region="us-east-1"))
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders()
    for start in range(0, len(body), 10):
        piece = body[start : start + 10]
        connection.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
    connection.send(b"0\r\n\r\n")
    response = connection.getresponse()
    answer = json.loads(response.read())
    connection.close()

    assert response.status == 201
    assert [c["id"] for c in fake_omics.run_caches()] == [answer["id"]]


def test_an_unserved_request_gets_a_service_shaped_501_and_fails_the_teardown() -> None:
    with checked_at_exit() as (fake, failures):
        status, headers, body = _request(fake, "GET", "/sequencestore/1234567890")

    assert status == 501
    assert headers["x-amzn-ErrorType"] == "UnservedRequestError"
    assert body["message"].startswith(
        "pytest-omics-cache does not serve omics GetSequenceStore (GET http://127.0.0.1:"
    )
    assert (
        "fake_omics.add_response(\"GetSequenceStore\", {...}, params={'id': '1234567890'})"
        in body["message"]
    )
    [failure] = failures
    assert "GetSequenceStore(id='1234567890') in us-east-1 -> unserved" in failure


def test_a_path_no_operation_has_is_unserved_too() -> None:
    with checked_at_exit() as (fake, failures):
        status, headers, body = _request(fake, "GET", "/nothing/here")
        [call] = fake.get_calls()

    assert (status, headers["x-amzn-ErrorType"]) == (501, "UnservedRequestError")
    assert "GET http://127.0.0.1:" in body["message"]
    assert (call.unserved, call.transport) == (True, "endpoint")
    [failure] = failures
    assert "1 request(s) were not served" in failure


def test_endpoint_url_needs_an_active_fake() -> None:
    with pytest.raises(RuntimeError) as error:
        _ = FakeOmics().endpoint_url

    assert str(error.value) == (
        "endpoint_url: this fake is not active, so nothing would answer its endpoint. Ask for it"
        " inside the test (or mock_omics block) that uses the fake."
    )


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


def test_the_port_is_closed_when_mock_omics_stops() -> None:
    with mock_omics() as fake:
        port = urlsplit(fake.endpoint_url).port
        assert port is not None
        assert not _refused(port)

    assert _refused(port)
    assert fake._endpoint is None


def test_the_port_is_closed_after_the_fixtures_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import socket
        from urllib.parse import urlsplit

        import pytest

        PORTS = []


        def test_serves(fake_omics):
            PORTS.append(urlsplit(fake_omics.endpoint_url).port)
            socket.create_connection(("127.0.0.1", PORTS[0]), timeout=5).close()


        def test_closed_after():
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", PORTS[0]), timeout=5)
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_a_connection_a_client_keeps_open_does_not_keep_the_fake_from_stopping() -> None:
    mock = mock_omics()
    fake = mock.start()
    stopper = threading.Thread(target=mock.stop)
    try:
        connection = _connection(fake)
        connection.request("GET", _path(fake, "/runCache/1234567"))
        assert connection.getresponse().read()  # the connection stays open: HTTP/1.1 keep-alive
    finally:
        stopper.start()
        stopper.join(10)

    assert not stopper.is_alive()
    with pytest.raises((ConnectionError, http.client.HTTPException)):
        _ask_again(connection)


def _ask_again(connection: http.client.HTTPConnection) -> None:
    connection.request("GET", "/anything")
    connection.getresponse()


def test_a_held_read_timeout_is_released_when_the_fake_stops() -> None:
    with mock_omics(assert_all_errors_fired=False) as fake:
        fake.add_fault("read-timeout")
        connection = _connection(fake)
        connection.request("GET", _path(fake, "/runCache/1234567"))
        got: list[BaseException] = []

        def read() -> None:
            try:
                connection.getresponse()
            except BaseException as error:  # the connection ends without an answer
                got.append(error)

        reader = threading.Thread(target=read)
        reader.start()
        reader.join(0.3)
        assert reader.is_alive()  # nothing answered yet

    reader.join(10)
    assert not reader.is_alive()
    assert len(got) == 1
    assert isinstance(got[0], (ConnectionError, http.client.HTTPException))
    assert [c.fault for c in fake.get_calls()] == ["read-timeout"]


# --- what a child process needs ------------------------------------------------------------------


def test_subprocess_env_is_the_base_without_aws_or_proxy_settings_plus_what_the_child_needs(
    fake_omics: FakeOmics,
) -> None:
    env = fake_omics.subprocess_env(
        base={
            "PATH": "/usr/bin",
            "HOME": "/home/someone",
            "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "AWS_SESSION_TOKEN": "token",
            "aws_session_token": "token",
            "AWS_PROFILE": "production",
            "AWS_ENDPOINT_URL_S3": "https://somewhere.example",
            "HTTPS_PROXY": "http://corporate-proxy.example:3128",
            "all_proxy": "socks5://corporate-proxy.example:1080",
            "NO_PROXY": "internal.example",
        }
    )

    port = urlsplit(fake_omics.endpoint_url).port
    assert env == {
        "PATH": "/usr/bin",
        "HOME": "/home/someone",
        "AWS_ENDPOINT_URL_OMICS": fake_omics.endpoint_url,
        "AWS_ENDPOINT_URL": fake_omics.endpoint_url,
        "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
        "AWS_ACCESS_KEY_ID": FAKE_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": FAKE_SECRET_ACCESS_KEY,
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "HTTP_PROXY": f"http://127.0.0.1:{port}",
        "HTTPS_PROXY": f"http://127.0.0.1:{port}",
        "http_proxy": f"http://127.0.0.1:{port}",
        "https_proxy": f"http://127.0.0.1:{port}",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }


@pytest.mark.fake_omics(region="eu-west-1")
def test_subprocess_env_gives_the_fakes_region_and_starts_the_endpoint(
    fake_omics: FakeOmics,
) -> None:
    env = fake_omics.subprocess_env(base={})

    assert (env["AWS_REGION"], env["AWS_DEFAULT_REGION"]) == ("eu-west-1", "eu-west-1")
    assert fake_omics._endpoint is not None


def test_a_child_boto3_process_is_served_and_never_sees_real_credentials(
    fake_omics: FakeOmics, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-looking-session-token")
    monkeypatch.setenv("AWS_PROFILE", "production")
    cache = fake_omics.add_run_cache(name="parent's")

    child = _child(
        fake_omics,
        f"""
        import json, os
        import boto3

        credentials = boto3.Session().get_credentials().get_frozen_credentials()
        east = boto3.client("omics", config=CONFIG)
        west = boto3.client("omics", region_name="us-west-2", config=CONFIG)
        created = west.create_run_cache(cacheS3Location="s3://child-bucket/cache")
        print(json.dumps({{
            "aws_env": {{k: v for k, v in os.environ.items() if k.startswith("AWS_")}},
            "credentials": [credentials.access_key, credentials.secret_key, credentials.token],
            "got": east.get_run_cache(id={cache["id"]!r})["name"],
            "created": created["id"],
        }}))
        """,
    )

    assert child["credentials"] == [FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY, None]
    assert "EXAMPLE" not in json.dumps(child["aws_env"])
    assert "AWS_PROFILE" not in child["aws_env"]
    assert "AWS_SESSION_TOKEN" not in child["aws_env"]
    assert child["got"] == "parent's"
    calls = fake_omics.get_calls()
    assert [(c.operation, c.region, c.status_code, c.transport) for c in calls] == [
        ("CreateRunCache", "us-west-2", 201, "endpoint"),
        ("GetRunCache", "us-east-1", 200, "endpoint"),
    ]
    assert all(FAKE_ACCESS_KEY_ID in c.headers["Authorization"] for c in calls)
    assert [c["id"] for c in fake_omics.run_caches(region="us-west-2")] == [child["created"]]


CHILD_GET = """
import json
import boto3, botocore.config, botocore.exceptions

config = botocore.config.Config(
    retries={"total_max_attempts": ATTEMPTS, "mode": "standard"}, read_timeout=0.5
)
client = boto3.client("omics", config=config.merge(CONFIG) if CONFIG else config)
try:
    print(json.dumps({"id": client.get_run_cache(id="1234567")["id"]}))
except botocore.exceptions.BotoCoreError as error:
    print(json.dumps({"error": type(error).__name__}))
"""


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("connection", "ConnectionClosedError"),
        ("connect-timeout", "ConnectionClosedError"),
        ("read-timeout", "ReadTimeoutError"),
    ],
)
def test_an_injected_fault_reaches_the_child_as_a_failed_connection(
    fake_omics: FakeOmics, kind: str, error: str
) -> None:
    fake_omics.add_run_cache(id="1234567")
    fake_omics.add_fault(kind)

    child = _child(fake_omics, CHILD_GET.replace("ATTEMPTS", "1"))

    assert child == {"error": error}
    assert [(c.fault, c.status_code) for c in fake_omics.get_calls()] == [(kind, None)]


def test_the_childs_own_retries_get_past_an_injected_fault(fake_omics: FakeOmics) -> None:
    fake_omics.add_run_cache(id="1234567")
    fake_omics.add_fault("connection", times=2)

    child = _child(fake_omics, CHILD_GET.replace("ATTEMPTS", "3"))

    assert child == {"id": "1234567"}
    assert [c.fault or c.status_code for c in fake_omics.get_calls()] == [
        "connection",
        "connection",
        200,
    ]


def test_a_child_starts_a_run_on_a_parents_cache_and_the_parent_drives_it(
    fake_omics: FakeOmics,
) -> None:
    cache = fake_omics.add_run_cache(cacheBehavior="CACHE_ALWAYS")
    fake_omics.add_workflow(id="1234")

    child = _child(
        fake_omics,
        f"""
        import json
        import boto3

        client = boto3.client("omics", config=CONFIG)
        run = client.start_run(
            workflowId="1234",
            roleArn="arn:aws:iam::123456789012:role/omics",
            outputUri="s3://child-bucket/out/",
            cacheId={cache["id"]!r},
        )
        print(json.dumps({{"id": run["id"], "status": run["status"]}}))
        """,
    )

    [run] = fake_omics.runs()
    assert child == {"id": run["id"], "status": "PENDING"}
    assert (run["cacheId"], run["cacheBehavior"]) == (cache["id"], "CACHE_ALWAYS")


def test_each_xdist_worker_serves_on_its_own_endpoint(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import http.client
        import os
        from urllib.parse import urlsplit

        import pytest


        @pytest.mark.parametrize("n", range(4))
        def test_serves(fake_omics, n):
            url = urlsplit(fake_omics.endpoint_url)
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
            connection.request("GET", url.path + "/runCache/1234567")
            assert connection.getresponse().status == 404
            assert fake_omics.get_call().transport == "endpoint"
            worker = os.environ["PYTEST_XDIST_WORKER"]
            with open(os.path.join(os.environ["PORTS_DIR"], f"{n}-{worker}-{url.port}"), "w"):
                pass
        """
    )
    ports_dir = pytester.mkdir("ports")
    pytester._monkeypatch.setenv("PORTS_DIR", str(ports_dir))
    pytester._monkeypatch.setenv("PYTEST_ADDOPTS", "-p no:randomly")

    pytester.runpytest_subprocess("-n", "2").assert_outcomes(passed=4)

    seen = [name.split("-") for name in os.listdir(ports_dir)]
    assert sorted(n for n, _, _ in seen) == ["0", "1", "2", "3"]
    assert {worker for _, worker, _ in seen} == {"gw0", "gw1"}


# --- what is not for this fake, or not HealthOmics -----------------------------------------------


def _raw(fake: FakeOmics, data: bytes, *, close_write: bool = False) -> bytes:
    """Sends ``data`` as it is on a new connection; returns all the endpoint sent back."""
    port = urlsplit(fake.endpoint_url).port
    with socket.create_connection(("127.0.0.1", port or 0), timeout=10) as raw:
        raw.sendall(data)
        if close_write:
            raw.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := raw.recv(65536):
            received += chunk
        return received


def test_a_request_for_another_aws_service_is_refused_and_listed() -> None:
    with checked_at_exit() as (fake, failures):
        connection = _connection(fake)
        connection.request(
            "GET",
            _path(fake, "/runCache/1234567"),
            headers={"Authorization": SCOPE.replace("/omics/", "/s3/").format(region="us-east-1")},
        )
        answer = connection.getresponse()
        page = answer.read().decode()
        connection.close()

    # Every botocore protocol reads an HTML 5xx as a generic error (query and XML ones would fail
    # to parse a JSON body); the message is in the page and in the teardown failure.
    assert answer.status == 501
    assert answer.getheader("Content-Type") == "text/html"
    assert page.startswith("<html><body>pytest-omics-cache does not serve this request (GET")
    assert "it is a request for the AWS service 's3', and this endpoint serves only" in page
    assert "AWS_ENDPOINT_URL_S3" in page
    [failure] = failures
    assert "1 request(s) were not served" in failure
    assert "GET http://127.0.0.1:" in failure


def test_a_childs_call_to_another_service_comes_here_and_is_listed() -> None:
    with checked_at_exit() as (fake, failures):
        child = _child(
            fake,
            """
            import json
            import boto3, botocore.exceptions

            try:
                boto3.client("sts", config=CONFIG).get_caller_identity()
                print(json.dumps({"error": None}))
            except botocore.exceptions.ClientError as error:
                print(json.dumps({"error": error.response["Error"]["Code"]}))
            """,
        )
        [call] = fake.get_calls()

    assert child == {"error": "501"}
    assert (call.unserved, call.transport, call.method) == (True, "endpoint", "POST")
    assert "/sts/aws4_request" in call.headers["Authorization"]
    assert len(failures) == 1


def test_a_childs_request_to_another_host_is_refused_at_the_proxy_and_listed() -> None:
    with checked_at_exit() as (fake, failures):
        child = _child(
            fake,
            """
            import json, urllib.error, urllib.request

            outcomes = []
            for url in ("https://example.com/", "http://example.com/page"):
                try:
                    urllib.request.urlopen(url, timeout=10)
                    outcomes.append("reached")
                except urllib.error.HTTPError as error:
                    outcomes.append(error.code)
                except urllib.error.URLError as error:
                    outcomes.append(str(error.reason))
            print(json.dumps({"outcomes": outcomes}))
            """,
        )
        calls = fake.get_calls()

    assert child == {"outcomes": ["Tunnel connection failed: 501 Not Implemented", 501]}
    assert [(c.method, c.url, c.unserved) for c in calls] == [
        ("CONNECT", "example.com:443", True),
        ("GET", "http://example.com/page", True),
    ]
    [failure] = failures
    assert "CONNECT example.com:443() in us-east-1 -> unserved" in failure


def test_a_request_without_the_endpoints_prefix_is_answered_but_not_this_tests(
    fake_omics: FakeOmics,
) -> None:
    connection = _connection(fake_omics)
    connection.request("GET", "/0123abcd/runCache/1234567")
    answer = connection.getresponse()
    message = json.loads(answer.read())["message"]
    connection.close()

    assert answer.status == 501
    assert message.startswith(
        "pytest-omics-cache: 'GET /0123abcd/runCache/1234567' is not for the fake that now"
        f" listens here (its endpoint_url ends in {urlsplit(fake_omics.endpoint_url).path})"
    )
    assert fake_omics.get_calls() == []


def test_a_body_cut_short_is_not_served(fake_omics: FakeOmics) -> None:
    head = (
        f"POST {_path(fake_omics, '/runCache')} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
    )

    received = _raw(fake_omics, head.encode() + b'{"cacheS3', close_write=True)

    assert received == b""
    assert fake_omics.get_calls() == []
    assert fake_omics.run_caches() == []


@pytest.mark.parametrize(
    ("framing", "message"),
    [
        ("Content-Length: abc\r\n", "Content-Length 'abc' is not a number of bytes"),
        ("Transfer-Encoding: chunked\r\n", "chunk size 'zz' is not hexadecimal"),
    ],
)
def test_a_body_that_cannot_be_read_is_a_400(
    fake_omics: FakeOmics, framing: str, message: str
) -> None:
    head = f"POST {_path(fake_omics, '/runCache')} HTTP/1.1\r\nHost: x\r\n{framing}\r\n"

    received = _raw(fake_omics, head.encode() + b"zz\r\n")

    status_line, _, rest = received.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 400 Bad Request"
    assert b"x-amzn-ErrorType: BadRequestException" in rest
    assert json.loads(rest.partition(b"\r\n\r\n")[2]) == {"message": message}
    assert fake_omics.get_calls() == []


@pytest.mark.parametrize("method", ["TRACE", "BREW"])
def test_a_method_no_operation_has_is_unserved(method: str) -> None:
    with checked_at_exit() as (fake, failures):
        status, headers, _ = _request(fake, method, "/runCache")

    assert (status, headers["x-amzn-ErrorType"]) == (501, "UnservedRequestError")
    [failure] = failures
    assert f"{method} http://127.0.0.1:" in failure


def test_an_error_of_the_fake_while_answering_fails_when_the_fake_stops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise ValueError("a bug in the fake")

    mock = mock_omics()
    fake = mock.start()
    try:
        assert fake._service is not None
        monkeypatch.setattr(fake._service, "handle", broken)
        status, headers, body = _request(fake, "GET", "/runCache/1234567")
    finally:
        with pytest.raises(RuntimeError) as failure:
            mock.stop()

    assert (status, headers["x-amzn-ErrorType"]) == (501, "UnservedRequestError")
    assert body["message"].startswith(
        "pytest-omics-cache failed while answering 'GET http://127.0.0.1:"
    )
    assert body["message"].endswith(
        "/runCache/1234567': ValueError('a bug in the fake'). The test fails when the fake"
        " stops, with the traceback."
    )
    assert str(failure.value) == (
        "pytest-omics-cache's endpoint failed while answering another process:"
        " ValueError('a bug in the fake') (1 error(s) in all)"
    )
    assert isinstance(failure.value.__cause__, ValueError)


def _endpoint_threads() -> list[threading.Thread]:
    # The server's thread is named after it; a request's thread after its target.
    return [
        thread
        for thread in threading.enumerate()
        if thread.name.startswith("pytest-omics-cache endpoint")
        or "process_request_thread" in thread.name
    ]


def test_stopping_leaves_no_endpoint_thread_behind() -> None:
    with mock_omics() as fake:
        for _ in range(3):
            _request(fake, "GET", "/runCache/1234567")
        kept_open = _connection(fake)
        kept_open.request("GET", _path(fake, "/runCache/1234567"))
        kept_open.getresponse().read()
        during = _endpoint_threads()

    # The server's, and at least the kept-alive connection's (the others may be ending).
    assert sum(t.name.startswith("pytest-omics-cache endpoint") for t in during) == 1
    assert sum("process_request_thread" in t.name for t in during) >= 1
    assert _endpoint_threads() == []


def test_threads_asking_at_once_start_one_endpoint(fake_omics: FakeOmics) -> None:
    barrier = threading.Barrier(8)
    urls: list[str] = []

    def ask() -> None:
        barrier.wait()
        urls.append(fake_omics.endpoint_url)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(urls) == 8
    assert len(set(urls)) == 1


def test_a_stopped_activation_takes_no_more_stop_steps() -> None:
    fake = FakeOmics()
    activation = fake._start("this test")
    activation.stop()

    with pytest.raises(RuntimeError, match=r"^the fake started by this test has stopped$"):
        activation.on_stop(lambda: None)
