"""No way of using the fake lets an omics request leave the machine, and nothing it patches
outlives it. Each test is written as a user would hit the problem it guards against; those about
the network run with real-looking credentials in the environment, under the suite's network
guard, and assert that not one connection was attempted."""

from __future__ import annotations

import asyncio
import gc
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import botocore.endpoint
import network_guard
import pytest
import requests
import responses
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import EndpointConnectionError
from botocore.hooks import HierarchicalEmitter
from botocore.retries.bucket import TokenBucket
from botocore.session import Session
from botocore.signers import RequestSigner
from moto import mock_aws

from pytest_omics_cache import FakeOmics, UnservedRequestError, mock_omics
from pytest_omics_cache._transports import activation as _activation
from pytest_omics_cache._transports.on_import import ImportWatcher
from pytest_omics_cache._wire import hosts as _hosts

REAL_LOOKING_KEY = "AKIAIOSFODNN7EXAMPLE"


@pytest.fixture
def real_credentials(monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[object]]:
    """Real-looking credentials in the environment, as on a developer's machine; yields what
    returns the connection attempts made since (the network guard blocks and records them)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", REAL_LOOKING_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    # boto3's default session caches the credentials it found: start from a fresh one.
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    before = len(network_guard.ATTEMPTS)
    return lambda: network_guard.ATTEMPTS[before:]


def signed_get(url: str, region: str) -> requests.Response:
    """A raw GET signed as tools that skip boto3 sign it."""
    request = AWSRequest(method="GET", url=url)
    SigV4Auth(Credentials(REAL_LOOKING_KEY, "secret"), "omics", region).add_auth(request)
    return requests.get(url, headers=dict(request.headers), timeout=5)


# --- 1. a started mock_omics whose object was dropped --------------------------------------------


def test_a_started_mock_stays_active_when_its_object_is_dropped(
    real_credentials: Callable[[], list[object]],
) -> None:
    fake = mock_omics().start()  # the mock_omics object itself is dropped here
    gc.collect()
    try:
        cache = fake.add_run_cache()
        client = boto3.client("omics", region_name="us-east-1")

        assert client.get_run_cache(id=cache["id"])["id"] == cache["id"]
        with pytest.raises(RuntimeError) as second:
            mock_omics().start()
    finally:
        forgotten = _activation.current()
        assert forgotten is not None
        forgotten.stop()

    assert re.match(
        r"a fake omics service is already active in this process, started by mock_omics\(\)"
        r" started at .*test_fail_safe\.py:\d+; use one at a time",
        str(second.value),
    )
    assert real_credentials() == []


# --- 2. all or nothing: a start that fails part-way -------------------------------------------


def _hooked_owners() -> list[tuple[object, str]]:
    """Every (owner, attribute) a fake swaps, recorded from one real start."""
    touched: list[tuple[object, str]] = []
    real_patch = _activation.patch

    def recording(owner: object, name: str, replacement: object) -> Callable[[], None]:
        touched.append((owner, name))
        return real_patch(owner, name, replacement)

    _activation.patch = recording  # type: ignore[assignment]
    try:
        with FakeOmics()._activated():
            pass
    finally:
        _activation.patch = real_patch
    return touched


def _failing_at(step: int, real_patch: Callable[..., Any]) -> Callable[..., Any]:
    """A stand-in for ``_activation.patch`` that takes ``step`` steps, then fails."""
    taken = 0

    def failing(owner: object, name: str, replacement: object) -> Callable[[], None]:
        nonlocal taken
        if taken == step:
            raise RuntimeError(f"step {step} failed")
        taken += 1
        return real_patch(owner, name, replacement)  # type: ignore[no-any-return]

    return failing


def test_a_failure_at_any_step_of_activation_restores_every_attribute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    touched = _hooked_owners()

    def attributes() -> list[object]:
        return [vars(owner).get(name) for owner, name in touched]

    before, meta_path = attributes(), list(sys.meta_path)
    real_patch = _activation.patch
    # botocore's and requests' hooks (aiobotocore's too, where installed), and the service.
    assert len(touched) >= 10

    for failing_step in range(len(touched)):
        monkeypatch.setattr(_activation, "patch", _failing_at(failing_step, real_patch))
        with pytest.raises(RuntimeError, match=f"step {failing_step} failed"):
            FakeOmics()._start("a test")

        assert attributes() == before, f"not restored after a failure at step {failing_step}"
        assert sys.meta_path == meta_path
        assert _activation.current() is None
    monkeypatch.setattr(_activation, "patch", real_patch)
    with FakeOmics()._activated() as fake:  # and the next start works
        assert fake.get_calls() == []


def test_a_failure_installing_the_import_watcher_restores_every_attribute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = {
        "emit": HierarchicalEmitter.__dict__["emit"],
        "create_client": Session.__dict__["create_client"],
        "time": botocore.endpoint.time,
    }
    meta_path = list(sys.meta_path)
    # As if the code under test had not imported requests yet: it is watched for, not hooked.
    monkeypatch.delitem(sys.modules, "requests")

    def broken_install(self: ImportWatcher) -> Callable[[], None]:
        raise RuntimeError("meta_path is read-only here")

    monkeypatch.setattr(ImportWatcher, "install", broken_install)

    with pytest.raises(RuntimeError, match="meta_path is read-only here"):
        FakeOmics()._start("a test")

    assert {
        "emit": HierarchicalEmitter.__dict__["emit"],
        "create_client": Session.__dict__["create_client"],
        "time": botocore.endpoint.time,
    } == before
    assert sys.meta_path == meta_path
    assert _activation.current() is None


def test_an_aiobotocore_without_the_sleep_hook_refuses_to_start_and_restores_all(
    monkeypatch: pytest.MonkeyPatch, real_credentials: Callable[[], list[object]]
) -> None:
    pytest.importorskip("aiobotocore.session")
    import aiobotocore.endpoint

    # Older aiobotocore releases sleep inside _needs_retry and have no AioEndpoint._sleep.
    for endpoint in (aiobotocore.endpoint.AioEndpoint, aiobotocore.endpoint.AnyioEndpoint):
        monkeypatch.delattr(endpoint, "_sleep")
    create_client = Session.__dict__["create_client"]
    endpoint_time, acquire = botocore.endpoint.time, TokenBucket.__dict__["acquire"]
    auth = RequestSigner.__dict__["get_auth_instance"]

    with pytest.raises(RuntimeError) as raised:
        mock_omics().start()

    assert str(raised.value) == (
        "pytest-omics-cache cannot start: aiobotocore.endpoint.AioEndpoint._sleep does not"
        f" exist in this version of aiobotocore ({aiobotocore.__version__}), so its requests"
        " could not be kept from the network. See 'Supported versions' in the README."
    )
    assert Session.__dict__["create_client"] is create_client
    assert (botocore.endpoint.time, TokenBucket.__dict__["acquire"]) == (endpoint_time, acquire)
    assert RequestSigner.__dict__["get_auth_instance"] is auth
    client = boto3.client("omics", region_name="us-east-1")
    assert client._request_signer._credentials.access_key == REAL_LOOKING_KEY
    assert real_credentials() == []


def test_a_late_hook_that_fails_undoes_its_own_steps() -> None:
    class Library:
        first = "original"

    with FakeOmics()._activated():
        activation = _activation.current()
        assert activation is not None
        with pytest.raises(RuntimeError, match=r"Library\.missing does not exist"):
            activation._hook_late(lambda: [(Library, "first", "hooked"), (Library, "missing", 1)])

        assert Library.first == "original"


# --- 3. responses captured nothing of the fake, in any test order --------------------------------

ORDER_DEPENDENT = """
import http.server
import threading

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import EndpointConnectionError


@pytest.fixture
def local_server():
    class Hello(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"hello")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def test_raw_omics_call_with_the_fake(fake_omics):
    cache = fake_omics.add_run_cache()
    url = f"https://workflows-omics.us-east-1.amazonaws.com/runCache/{cache['id']}"
    request = AWSRequest(method="GET", url=url)
    SigV4Auth(Credentials("AKID", "secret"), "omics", "us-east-1").add_auth(request)
    assert requests.get(url, headers=dict(request.headers), timeout=5).status_code == 200


def test_responses_passthrough_without_a_fake(local_server):
    import responses  # first imported here, after or before the fake's test

    with responses.RequestsMock() as mock:
        mock.add_passthru(local_server)
        assert requests.get(local_server, timeout=5).text == "hello"
"""


@pytest.mark.parametrize("fake_first", [True, False], ids=["fake-first", "responses-first"])
def test_responses_imported_during_a_fake_works_after_it(
    pytester: pytest.Pytester, fake_first: bool
) -> None:
    pytester.makepyfile(test_order=ORDER_DEPENDENT)
    tests = [
        "test_order.py::test_raw_omics_call_with_the_fake",
        "test_order.py::test_responses_passthrough_without_a_fake",
    ]

    # A subprocess each: `responses` must be imported for the first time inside the run.
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-v", *(tests if fake_first else tests[::-1])
    )

    result.assert_outcomes(passed=2)
    names = [line.split("::")[1].split()[0] for line in result.outlines if "PASSED" in line]
    assert names == [t.split("::")[1] for t in (tests if fake_first else tests[::-1])]


# --- 4. moto and responses started before or after the fake --------------------------------------


def _assert_raw_call_served(fake: FakeOmics) -> None:
    cache = fake.add_run_cache()
    response = signed_get(
        f"https://workflows-omics.us-east-1.amazonaws.com/runCache/{cache['id']}", "us-east-1"
    )
    assert (response.status_code, response.json()["id"]) == (200, cache["id"])
    assert fake.get_call("GetRunCache").params == {"id": cache["id"]}


@mock_aws
def test_raw_call_inside_mock_aws_started_after_the_fake(
    fake_omics: FakeOmics, real_credentials: Callable[[], list[object]]
) -> None:
    _assert_raw_call_served(fake_omics)
    assert real_credentials() == []


@pytest.fixture
def moto_first() -> Iterator[None]:
    with mock_aws():
        yield


def test_raw_call_inside_mock_aws_started_before_the_fake(
    real_credentials: Callable[[], list[object]], moto_first: None, fake_omics: FakeOmics
) -> None:
    _assert_raw_call_served(fake_omics)
    # moto still answers what is its own: a raw call to another AWS service
    sts = requests.get(
        "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", timeout=5
    )
    assert "GetCallerIdentityResponse" in sts.text
    assert real_credentials() == []


@responses.activate
def test_raw_call_inside_responses_activated_after_the_fake(
    fake_omics: FakeOmics, real_credentials: Callable[[], list[object]]
) -> None:
    _assert_raw_call_served(fake_omics)
    assert real_credentials() == []


@pytest.fixture
def responses_first() -> Iterator[None]:
    # A passthrough for everything: an omics request it saw would go to the network.
    with responses.RequestsMock(passthru_prefixes=("https://",)):
        yield


def test_raw_call_inside_a_passthrough_responses_started_before_the_fake(
    real_credentials: Callable[[], list[object]], responses_first: None, fake_omics: FakeOmics
) -> None:
    _assert_raw_call_served(fake_omics)
    assert real_credentials() == []


def test_raw_call_inside_a_passthrough_responses_started_after_the_fake(
    fake_omics: FakeOmics, real_credentials: Callable[[], list[object]]
) -> None:
    with responses.RequestsMock(passthru_prefixes=("https://",)):
        _assert_raw_call_served(fake_omics)
    assert real_credentials() == []


# --- 5. every partition's HealthOmics hosts ------------------------------------------------------


def _one_region_per_partition(*, with_omics: bool) -> list[str]:
    """A real region of each partition HealthOmics is (``with_omics``) or is not available in
    (per botocore's endpoint data): in one the fake serves, in the other it refuses as AWS
    would; either way nothing leaves the machine."""
    from pytest_omics_cache._wire import model as _model

    loader = _model.loader()
    regions = [sorted(p["regions"]) for p in loader.load_data("partitions")["partitions"]]
    # Real regions ("aws-cn-global" and the like name endpoints, not regions); older botocore
    # lists no region at all for some partitions.
    return [
        found
        for names in regions
        if (
            found := next(
                (
                    r
                    for r in names
                    if not r.endswith("-global") and _hosts.has_omics(r) == with_omics
                ),
                None,
            )
        )
    ]


@pytest.mark.parametrize("region", _one_region_per_partition(with_omics=True))
def test_raw_calls_to_any_partition_are_served_not_sent(
    fake_omics: FakeOmics, real_credentials: Callable[[], list[object]], region: str
) -> None:
    # The URL botocore itself builds for that region (recorded by the fake)...
    client = boto3.client("omics", region_name=region)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_run_cache(id="42")
    url = fake_omics.get_call().url

    # ...sent raw is served by the fake too, never the network.
    response = signed_get(url, region)

    assert response.status_code == 404
    assert [(c.region, c.url) for c in fake_omics.get_calls()] == [(region, url)] * 2
    assert real_credentials() == []


@pytest.mark.fake_omics(assert_all_requests_served=False)
@pytest.mark.parametrize("region", _one_region_per_partition(with_omics=False))
def test_raw_calls_to_a_region_without_omics_are_refused_not_sent(
    fake_omics: FakeOmics, real_credentials: Callable[[], list[object]], region: str
) -> None:
    # The URL botocore builds for a region HealthOmics is not in: no connection, as from AWS...
    client = boto3.client(
        "omics", region_name=region, config=Config(retries={"total_max_attempts": 1})
    )
    with pytest.raises(EndpointConnectionError):
        client.get_run_cache(id="42")
    url = fake_omics.get_call().url

    # ...and sent raw, none either, and never the network.
    with pytest.raises(requests.exceptions.ConnectionError):
        signed_get(url, region)

    assert [(c.region, c.url, c.no_omics_in_region) for c in fake_omics.get_calls()] == [
        (region, url, True)
    ] * 2
    assert real_credentials() == []


@pytest.mark.fake_omics(assert_all_requests_served=False)
@pytest.mark.parametrize(
    ("url", "region"),
    [
        ("https://workflows-omics.cn-north-1.amazonaws.com.cn/runCache/7", "cn-north-1"),
        ("https://workflows-omics.us-iso-east-1.c2s.ic.gov/runCache/7", "us-iso-east-1"),
        ("https://workflows-omics.eu-isoe-west-1.cloud.adc-e.uk/runCache/7", "eu-isoe-west-1"),
        ("https://omics-fips.us-gov-west-1.api.aws/runCache/7", "us-gov-west-1"),
    ],
)
def test_china_and_iso_hosts_are_recognised(
    fake_omics: FakeOmics, real_credentials: Callable[[], list[object]], url: str, region: str
) -> None:
    if _hosts.has_omics(region):  # served, the day botocore's endpoint data has it there
        fake_omics.add_run_cache(id="7", region=region, name="far away")
        response = signed_get(url, region)
        assert (response.status_code, response.json()["name"]) == (200, "far away")
    else:  # refused as AWS would (no connection), never sent
        with pytest.raises(requests.exceptions.ConnectionError, match=f" to {region}, and"):
            signed_get(url, region)
        assert fake_omics.get_call().no_omics_in_region

    assert fake_omics.get_call().region == region
    assert real_credentials() == []


def test_other_hosts_are_not_omics() -> None:
    for url in (
        "https://s3.amazonaws.com/omics.us-east-1.amazonaws.com",
        "https://omics.us-east-1.amazonaws.com.evil.example/runCache/1",
        "https://notomics.us-east-1.amazonaws.com/",
        "http://127.0.0.1:8080/runCache/1",
    ):
        assert not _hosts.is_omics_url(url), url


# --- 6. a client made during a fake, used after it ----------------------------------------------

OUTLIVED = re.compile(
    r"this omics client was created while mock_omics\(\) started at .*test_fail_safe\.py:\d+"
    r" was active, so it holds that fake's credentials; that fake has stopped, so the request"
    r" \(GET https://workflows-omics\.us-east-1\.amazonaws\.com/runCache/\d+\) was refused and"
    r" never left the machine\. Create omics clients inside the test \(or mock_omics block\)"
    r" that uses them, or before the fake starts with credentials of their own\.$"
)


def test_a_client_made_during_a_fake_refuses_to_send_after_it(
    real_credentials: Callable[[], list[object]],
) -> None:
    with mock_omics() as fake:
        cache = fake.add_run_cache()
        client = boto3.client("omics", region_name="us-east-1")  # cached by the code under test
        client.get_run_cache(id=cache["id"])
    errors: list[BaseException] = []

    def later() -> None:  # a thread that outlived the test
        try:
            client.get_run_cache(id=cache["id"])
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=later)
    thread.start()
    thread.join(timeout=30)

    assert len(errors) == 1
    assert isinstance(errors[0], UnservedRequestError)
    assert OUTLIVED.match(str(errors[0])), str(errors[0])
    assert real_credentials() == []
    with mock_omics() as fake:  # reused under a later fake, it is served again
        assert client.get_run_cache(id=fake.add_run_cache()["id"])["status"] == "ACTIVE"


def test_an_async_client_made_during_a_fake_refuses_to_send_after_it(
    real_credentials: Callable[[], list[object]],
) -> None:
    aiobotocore_session = pytest.importorskip("aiobotocore.session")

    async def scenario() -> BaseException:
        session = aiobotocore_session.get_session()
        with mock_omics() as fake:
            cache = fake.add_run_cache()
            context = session.create_client("omics", region_name="us-east-1")
            client = await context.__aenter__()
            await client.get_run_cache(id=cache["id"])
        try:
            with pytest.raises(UnservedRequestError) as raised:
                await client.get_run_cache(id=cache["id"])
        finally:
            await context.__aexit__(None, None, None)
        return raised.value

    assert OUTLIVED.match(str(asyncio.run(scenario())))
    assert real_credentials() == []


def test_a_client_given_its_own_credentials_is_left_alone(
    real_credentials: Callable[[], list[object]],
) -> None:
    with mock_omics():
        client = boto3.client(
            "omics", region_name="us-east-1", aws_access_key_id="AKIDOWN", aws_secret_access_key="s"
        )
    handlers = client.meta.events._emitter._handlers.prefix_search("before-send.omics")
    names = [getattr(handler, "__qualname__", "") for handler in handlers]
    assert "guard_after_stop.<locals>.refuse" not in names
    assert client._request_signer._credentials.access_key == "AKIDOWN"


# --- 7. @mock_omics on a pytest test that takes fake_omics ---------------------------------------


def test_mock_omics_on_a_pytest_test_that_takes_fake_omics(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        from pytest_omics_cache import mock_omics


        @mock_omics(region="eu-west-1")
        def test_function(fake_omics):
            cache = fake_omics.add_run_cache()
            client = boto3.client("omics", region_name="eu-west-1")
            assert client.get_run_cache(id=cache["id"])["id"] == cache["id"]
            assert fake_omics.region == "eu-west-1"  # the decorator's fake, not the fixture's


        @mock_omics(account="111122223333")
        class TestGrouped:
            def test_method(self, fake_omics, tmp_path):
                assert fake_omics.account == "111122223333"
                assert tmp_path.exists()  # other fixtures still arrive

            def test_without_it(self):
                client = boto3.client("omics", region_name="us-east-1")
                assert client.list_run_caches()["items"] == []
        """
    )

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=3)


# --- 8. a failing unittest test gets no second error -------------------------------------------


def test_a_failing_unittest_test_gets_no_second_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import unittest
        from pytest_omics_cache import mock_omics


        @mock_omics()
        class PipelineTests(unittest.TestCase):
            def test_fails(self):
                self.fake_omics.add_error("ThrottlingException")
                self.assertEqual(1, 2)

            def test_passes_but_leaves_an_injection_unfired(self):
                self.fake_omics.add_error("ThrottlingException")

            @unittest.expectedFailure
            def test_expected_to_fail(self):
                self.fake_omics.add_error("ThrottlingException")
                self.assertEqual(1, 2)

            def test_skipped(self):
                self.fake_omics.add_error("ThrottlingException")
                self.skipTest("not today")
        """
    )

    # -rN: no short summary, whose lines (full messages where CI is set) would repeat them.
    result = pytester.runpytest("-p", "no:cacheprovider", "-rN")

    # No errors at teardown: the failing, expected-to-fail and skipped tests get nothing more.
    result.assert_outcomes(failed=2, xfailed=1, skipped=1, errors=0)
    result.stdout.fnmatch_lines(
        [
            "*_ PipelineTests.test_fails _*",
            "E       AssertionError: 1 != 2",
            "*_ PipelineTests.test_passes_but_leaves_an_injection_unfired _*",
            "E   AssertionError: fake_omics: 1 injected error(s)/fault(s) did not fire as often*",
        ]
    )
    assert result.stdout.str().count("did not fire as often as asked") == 1


# --- 9. names checked as add_error checks them ---------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda fake: fake.get_calls("delete_run_cache"),
            "get_calls: operation='delete_run_cache' is not an omics operation. Did you mean"
            " 'DeleteRunCache'? Operations are named as in the botocore model (e.g."
            " 'GetRunCache'), or None for all of them.",
        ),
        (
            lambda fake: fake.get_call("DeleteRunCaches"),
            "get_call: operation='DeleteRunCaches' is not an omics operation. Did you mean"
            " 'DeleteRunCache'? Operations are named as in the botocore model (e.g."
            " 'GetRunCache'), or None for all of them.",
        ),
        (
            lambda fake: fake.add_error("ThrottlingException", operation="get_run_cache"),
            "add_error: operation='get_run_cache' is not an omics operation. Did you mean"
            " 'GetRunCache'? Operations are named as in the botocore model (e.g. 'GetRunCache'),"
            " or None for all of them.",
        ),
        (
            lambda fake: fake.run_caches(region="nope"),
            "run_caches: region='nope' is not an AWS region name (expected e.g. 'us-east-1')",
        ),
        (
            lambda fake: fake.run_caches(account="42"),
            "run_caches: account='42' is not an AWS account id: Member must have length greater"
            " than or equal to 12 (model shape AwsAccountId)",
        ),
    ],
)
def test_names_are_checked_where_they_are_given(
    fake_omics: FakeOmics, call: Callable[[FakeOmics], object], message: str
) -> None:
    with pytest.raises(ValueError, match=r"^(get_calls|get_call|add_error|run_caches): ") as raised:
        call(fake_omics)

    assert str(raised.value) == message


def test_an_empty_record_is_not_a_wrong_name(fake_omics: FakeOmics) -> None:
    assert fake_omics.get_calls("DeleteRunCache") == []
    assert fake_omics.run_caches(region="eu-west-1", account="111122223333") == []


# --- the smaller items ---------------------------------------------------------------------------


def test_a_seed_before_year_one_in_utc_is_a_value_error(fake_omics: FakeOmics) -> None:
    with pytest.raises(ValueError, match=r"^invalid run cache seed") as raised:
        fake_omics.add_run_cache(creationTime="0001-01-01T00:00:00+01:00")

    assert str(raised.value) == (
        "invalid run cache seed: creationTime='0001-01-01T00:00:00+01:00': is out of range:"
        " in UTC it falls before year 1 or after 9999"
    )


def test_a_year_fifty_seed_comes_back_as_year_fifty(fake_omics: FakeOmics, omics: Any) -> None:
    cache = fake_omics.add_run_cache(creationTime="0050-06-01T12:00:00Z")

    returned = omics.get_run_cache(id=cache["id"])["creationTime"]

    assert (returned.year, returned.month) == (50, 6)
    assert returned == cache["creationTime"]


@pytest.mark.parametrize("raw", ["1_0", "\uff11\uff10", "1e1", " 10"])
def test_query_integers_are_ascii_digits_only(fake_omics: FakeOmics, raw: str) -> None:
    url = f"https://workflows-omics.us-east-1.amazonaws.com/runCache?maxResults={raw}"

    response = signed_get(url, "us-east-1")

    assert (response.status_code, response.json()) == (
        400,
        {"message": f"'{raw}' is not a valid integer"},
    )


def test_stopping_unsets_the_service_before_any_hook_is_taken_out() -> None:
    from pytest_omics_cache._transports import botocore as _botocore

    seen: list[object] = []

    class Recording(type):
        def __setattr__(cls, name: str, value: object) -> None:
            seen.append((name, value, _botocore._active))
            super().__setattr__(name, value)

    class Library(metaclass=Recording):
        hook = "original"

    with FakeOmics()._activated():
        activation = _activation.current()
        assert activation is not None
        activation._hook_late(lambda: [(Library, "hook", "hooked")])

    # Put back after the service was unset: no request is served half-unhooked.
    assert seen[-1] == ("hook", "original", None)


def test_a_watched_import_that_fails_is_watched_again(tmp_path: Any) -> None:
    module = tmp_path / "flaky_transport.py"
    module.write_text(
        "import os\nif not os.environ.get('FLAKY_OK'):\n    raise ImportError('not yet')\n"
    )
    hooked: list[str] = []
    sys.path.insert(0, str(tmp_path))
    remove = ImportWatcher({"flaky_transport": lambda: hooked.append("hooked")}).install()
    try:
        with pytest.raises(ImportError, match="not yet"):
            import flaky_transport
        os.environ["FLAKY_OK"] = "1"
        import flaky_transport  # noqa: F401
    finally:
        os.environ.pop("FLAKY_OK", None)
        remove()
        sys.path.remove(str(tmp_path))
        sys.modules.pop("flaky_transport", None)

    assert hooked == ["hooked"]
