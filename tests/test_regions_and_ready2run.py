"""Where HealthOmics is, and what Ready2Run workflows cannot do.

* A region botocore's endpoint data lists no HealthOmics endpoint in is one where, against AWS, a
  client cannot connect: the host botocore builds there does not resolve. The fake refuses such
  requests the same way (botocore's ``EndpointConnectionError``), lists them at teardown, and a
  test author who seeds or configures such a region gets a ValueError naming it.
* "HealthOmics doesn't support call caching for Ready2Run workflows" (the user guide): StartRun
  of a READY2RUN workflow with a run cache is a ValidationException, and seeding such a run a
  ValueError.

The regions HealthOmics is in are read from the installed botocore's data here too: the oldest
botocore supported lists fewer of them.
"""

from __future__ import annotations

import asyncio
import http.client
import importlib.util
import json
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError, EndpointConnectionError
from teardowns import checked_at_exit

from pytest_omics_cache import FakeOmics, mock_omics
from pytest_omics_cache._wire.model import loader

pytest_plugins = ["pytester"]

ROLE = "arn:aws:iam::123456789012:role/omics-runs"
ONE_ATTEMPT = Config(retries={"total_max_attempts": 1})
_PARTITIONS = loader().load_data("endpoints")["partitions"]


def _omics_regions_in_the_data() -> list[str]:
    """The regions of each partition that its omics endpoints name, read from endpoints.json
    itself (not through the fake): ``fips-us-east-1`` and the like are no regions."""
    found = {
        name
        for partition in _PARTITIONS
        for name in partition["services"].get("omics", {}).get("endpoints", {})
        if name in partition["regions"]
    }
    return sorted(found)


AVAILABLE = ", ".join(_omics_regions_in_the_data())
#: A region of the aws partition without HealthOmics (sa-east-1 in every botocore so far).
NO_OMICS = next(
    region
    for region in [
        "sa-east-1",
        *sorted(next(p for p in _PARTITIONS if p["partition"] == "aws")["regions"]),
    ]
    if region not in _omics_regions_in_the_data()
)
NOT_AVAILABLE = (
    f"region='{NO_OMICS}' is not a region HealthOmics is available in; botocore's endpoint data"
    f" has it in: {AVAILABLE} (requests to any other region could never connect)"
)
LISTING_NOTE = (
    "The request was refused and never left the machine. The test fails at teardown with it"
    " listed, even if the code under test caught this error."
)


def _refused(what: str, method: str, url: str, region: str = NO_OMICS) -> str:
    return (
        f"pytest-omics-cache refused {what} ({method} {url}): it is addressed to {region}, and"
        f" HealthOmics is not available there; botocore's endpoint data has it in: {AVAILABLE}."
        f" Against AWS the request could not connect (the host for {region} does not resolve)."
        f" Use one of those regions. {LISTING_NOTE}"
    )


def _teardown_section(count: int, lines: list[str], got: str, opt_out: str) -> str:
    listing = "\n".join(f"  - {line}" for line in lines)
    return (
        f"fake_omics: {count} request(s) were addressed to a region HealthOmics is not available"
        f" in:\n{listing}\nbotocore's endpoint data has HealthOmics in: {AVAILABLE}. Against AWS"
        " a client in any other region cannot connect (the host botocore builds there does not"
        f" resolve); the code under test got {got} for each (and may have caught it). Make the"
        " client in one of those regions (its region_name, or AWS_REGION / AWS_DEFAULT_REGION),"
        f" or if that is intended, opt out with {opt_out}."
    )


def _signed_get(url: str, region: str) -> requests.Response:
    request = AWSRequest(method="GET", url=url)
    SigV4Auth(Credentials("AKIDRAWCALLER", "secret"), "omics", region).add_auth(request)
    return requests.get(url, headers=dict(request.headers), timeout=5)


# --- where HealthOmics is -----------------------------------------------------------------------


def test_the_regions_are_botocores_endpoint_data() -> None:
    from pytest_omics_cache._wire import hosts as _hosts

    assert ", ".join(_hosts.omics_regions()) == AVAILABLE
    assert {"us-east-1", "us-west-2", "eu-west-1"} <= set(_hosts.omics_regions())
    assert not {NO_OMICS, "fips-us-east-1", "fips-us-west-2"} & set(_hosts.omics_regions())


# --- a client in such a region ------------------------------------------------------------------


@pytest.mark.fake_omics(assert_all_requests_served=False)
def test_a_client_in_a_region_without_omics_cannot_connect(fake_omics: FakeOmics) -> None:
    fake_omics.add_run_cache(id="1234567")  # in us-east-1: no region without omics has any
    client = boto3.client("omics", region_name=NO_OMICS, config=ONE_ATTEMPT)

    with pytest.raises(EndpointConnectionError) as raised:
        client.list_run_caches()

    url = f"https://workflows-omics.{NO_OMICS}.amazonaws.com/runCache"
    assert str(raised.value) == f'Could not connect to the endpoint URL: "{url}"'
    call = fake_omics.get_call()
    assert (call.operation, call.region, call.url, call.transport) == (
        "ListRunCaches",
        NO_OMICS,
        url,
        "botocore",
    )
    assert (call.status_code, call.error_code, call.unserved, call.no_omics_in_region) == (
        None,
        None,
        True,
        True,
    )
    assert call.describe() == (
        f"ListRunCaches() in {NO_OMICS} -> unserved: HealthOmics is not available there"
    )


@pytest.mark.fake_omics(assert_all_requests_served=False)
def test_botocore_retries_it_as_a_connection_error(fake_omics: FakeOmics) -> None:
    client = boto3.client(
        "omics",
        region_name=NO_OMICS,
        config=Config(retries={"mode": "standard", "total_max_attempts": 3}),
    )

    with pytest.raises(EndpointConnectionError):
        client.get_run_cache(id="1234567")

    assert [c.operation for c in fake_omics.get_calls()] == ["GetRunCache"] * 3
    assert len(fake_omics.retry_delays) == 2


@pytest.mark.fake_omics(assert_all_requests_served=False)
def test_nothing_answers_there_not_even_an_injection(fake_omics: FakeOmics) -> None:
    injection = fake_omics.add_error("ThrottlingException", operation=None, times=None)
    client = boto3.client("omics", region_name=NO_OMICS, config=ONE_ATTEMPT)

    with pytest.raises(EndpointConnectionError):
        client.start_run(workflowId="1234", roleArn=ROLE, outputUri="s3://team-runs/out/")

    assert injection.fired == 0
    assert fake_omics.runs() == []
    call = fake_omics.get_call()
    assert (call.operation, call.params["workflowId"]) == ("StartRun", "1234")


def test_other_regions_are_served_as_before(fake_omics: FakeOmics) -> None:
    cache = fake_omics.add_run_cache(region="eu-west-1")

    got = boto3.client("omics", region_name="eu-west-1").get_run_cache(id=cache["id"])

    assert got["id"] == cache["id"]
    assert fake_omics.get_call().no_omics_in_region is False


@pytest.mark.skipif(
    importlib.util.find_spec("aiobotocore") is None, reason="aiobotocore is not installed"
)
@pytest.mark.fake_omics(assert_all_requests_served=False)
def test_an_async_client_cannot_connect_either(fake_omics: FakeOmics) -> None:
    from aiobotocore.session import get_session

    async def list_caches() -> None:
        async with get_session().create_client(
            "omics", region_name=NO_OMICS, config=ONE_ATTEMPT
        ) as client:
            await client.list_run_caches()

    with pytest.raises(EndpointConnectionError):
        asyncio.run(list_caches())

    call = fake_omics.get_call()
    assert (call.transport, call.region, call.no_omics_in_region) == (
        "aiobotocore",
        NO_OMICS,
        True,
    )


@pytest.mark.fake_omics(assert_all_requests_served=False)
def test_raw_requests_get_requests_connection_error(fake_omics: FakeOmics) -> None:
    url = f"https://workflows-omics.{NO_OMICS}.amazonaws.com/runCache/1234567"

    with pytest.raises(requests.exceptions.ConnectionError) as raised:
        _signed_get(url, NO_OMICS)

    assert str(raised.value) == _refused("omics GetRunCache", "GET", url)
    call = fake_omics.get_call()
    assert (call.operation, call.params, call.transport, call.no_omics_in_region) == (
        "GetRunCache",
        {"id": "1234567"},
        "requests",
        True,
    )


def test_the_endpoint_answers_it_as_an_unserved_request() -> None:
    with checked_at_exit() as (fake, failures):
        endpoint = urlsplit(fake.endpoint_url)
        assert endpoint.hostname is not None
        connection = http.client.HTTPConnection(endpoint.hostname, endpoint.port, timeout=10)
        connection.request(
            "GET",
            f"{endpoint.path}/runCache/1234567",
            headers={
                "Authorization": f"AWS4-HMAC-SHA256 Credential=AKID/20261130/{NO_OMICS}/omics"
                "/aws4_request, SignedHeaders=host, Signature=0"
            },
        )
        response = connection.getresponse()
        body = json.loads(response.read())
        connection.close()
        [call] = fake.get_calls()

    assert (response.status, response.getheader("x-amzn-ErrorType")) == (
        501,
        "UnservedRequestError",
    )
    url = f"http://127.0.0.1:{endpoint.port}/runCache/1234567"
    assert body == {"message": _refused("omics GetRunCache", "GET", url)}
    assert (call.transport, call.region, call.no_omics_in_region) == ("endpoint", NO_OMICS, True)
    assert failures == [
        _teardown_section(
            1,
            [
                f"GetRunCache(id='1234567') in {NO_OMICS} -> unserved: HealthOmics is not available"
                " there"
            ],
            "a 501 UnservedRequestError through endpoint_url",
            "mock_omics(assert_all_requests_served=False)",
        )
    ]


# --- the teardown check -------------------------------------------------------------------------


def test_the_teardown_names_operation_region_and_where_omics_is() -> None:
    with checked_at_exit() as (fake, failures):
        client = boto3.client("omics", region_name=NO_OMICS)  # botocore's own retries: 5 tries
        with pytest.raises(EndpointConnectionError):
            client.get_run_cache(id="1234567")
        with pytest.raises(requests.exceptions.ConnectionError):
            _signed_get(f"https://workflows-omics.{NO_OMICS}.amazonaws.com/runCache", NO_OMICS)
        attempts = len(fake.get_calls()) - 1

    assert attempts > 1
    assert failures == [
        _teardown_section(
            attempts + 1,
            [
                f"GetRunCache(id='1234567') in {NO_OMICS} -> unserved: HealthOmics is not"
                f" available there ({attempts} requests)",
                f"ListRunCaches() in {NO_OMICS} -> unserved: HealthOmics is not available there",
            ],
            "botocore's EndpointConnectionError or requests' ConnectionError",
            "mock_omics(assert_all_requests_served=False)",
        )
    ]


def test_it_is_listed_apart_from_other_unserved_requests() -> None:
    with checked_at_exit() as (_, failures):
        with pytest.raises(EndpointConnectionError):
            boto3.client("omics", region_name=NO_OMICS, config=ONE_ATTEMPT).list_run_caches()
        with pytest.raises(Exception, match="does not serve omics GetSequenceStore"):
            boto3.client("omics", region_name="us-east-1").get_sequence_store(id="1234567890")

    [failure] = failures
    region_section, unserved_section = failure.split("\nfake_omics: ")
    assert region_section.startswith(
        "fake_omics: 1 request(s) were addressed to a region HealthOmics is not available in:\n"
        f"  - ListRunCaches() in {NO_OMICS} -> unserved: HealthOmics is not available there\n"
    )
    assert unserved_section.startswith(
        "1 request(s) were not served:\n"
        "  - GetSequenceStore(id='1234567890') in us-east-1 -> unserved\n"
    )


CLIENT_IN_SA_EAST_1 = f"""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import EndpointConnectionError

    def test_swallows_it(fake_omics):
        client = boto3.client(
            "omics", region_name="{NO_OMICS}", config=Config(retries={{"total_max_attempts": 1}})
        )
        try:
            client.list_run_caches()
        except EndpointConnectionError:
            pass  # the code under test treats it as a network blip
"""


def test_a_swallowed_connection_error_still_fails_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(CLIENT_IN_SA_EAST_1)

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, errors=1)
    message = _teardown_section(
        1,
        [f"ListRunCaches() in {NO_OMICS} -> unserved: HealthOmics is not available there"],
        "botocore's EndpointConnectionError",
        "@pytest.mark.fake_omics(assert_all_requests_served=False) or the ini option"
        " fake_omics_assert_all_requests_served = false",
    )
    first, *rest = message.split("\n")
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_swallows_it*",
            f"E   AssertionError: {first}",
            *(f"    {line}" for line in rest),
        ]
    )


def test_the_opt_out_of_unserved_requests_covers_it(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfake_omics_assert_all_requests_served = false\n")
    pytester.makepyfile(
        f"""
        import boto3
        import pytest
        from botocore.config import Config
        from botocore.exceptions import EndpointConnectionError

        def test_expects_it(fake_omics):
            config = Config(retries={{"total_max_attempts": 1}})
            client = boto3.client("omics", region_name="{NO_OMICS}", config=config)
            with pytest.raises(EndpointConnectionError):
                client.list_run_caches()
            assert fake_omics.get_call().no_omics_in_region
        """
    )

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


# --- seeding and configuring such a region ------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "prefix"),
    [
        (lambda f: f.add_run_cache(region=NO_OMICS), ""),
        (lambda f: f.add_run(region=NO_OMICS), "add_run: "),
        (lambda f: f.add_run_task("1234567", region=NO_OMICS), "add_run_task: "),
        (lambda f: f.add_error("ThrottlingException", region=NO_OMICS), "add_error: "),
        (lambda f: f.add_fault("connection", region=NO_OMICS), "add_fault: "),
        (lambda f: f.run_caches(region=NO_OMICS), "run_caches: "),
        (lambda f: f.runs(region=NO_OMICS), "runs: "),
    ],
)
def test_seeding_such_a_region_is_a_value_error(
    fake_omics: FakeOmics, call: Any, prefix: str
) -> None:
    with pytest.raises(ValueError, match="is not a region HealthOmics is available in") as raised:
        call(fake_omics)

    assert str(raised.value) == prefix + NOT_AVAILABLE


@pytest.mark.parametrize("make", [FakeOmics, mock_omics])
def test_a_fake_in_such_a_region_is_a_value_error(make: Any) -> None:
    with pytest.raises(ValueError, match=f"^region='{NO_OMICS}'") as raised:
        make(region=NO_OMICS)

    assert str(raised.value) == NOT_AVAILABLE


def test_a_typo_gets_the_nearest_regions_omics_is_in(fake_omics: FakeOmics) -> None:
    with pytest.raises(ValueError, match="eu-west-9") as raised:
        fake_omics.add_run_cache(region="eu-west-9")

    assert str(raised.value) == (
        "region='eu-west-9' is not a region botocore knows; the nearest where HealthOmics is"
        " available: eu-west-2, eu-west-1, us-west-2 (requests to it could never be made)"
    )


def test_the_ini_option_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini(f"[pytest]\nfake_omics_region = {NO_OMICS}\n")
    pytester.makepyfile("def test_it(): pass")

    result = pytester.runpytest("-p", "no:cacheprovider")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [f"ERROR: pytest-omics-cache ini option fake_omics_region: {NOT_AVAILABLE}"]
    )


def test_the_marker_is_a_setup_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.fake_omics(region="{NO_OMICS}")
        def test_it(fake_omics):
            pass
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*@pytest.mark.fake_omics: {NOT_AVAILABLE}"])


# --- READY2RUN workflows have no call caching ---------------------------------------------------

READY2RUN_MESSAGE = "Call caching is not supported for READY2RUN workflows: start the run without"


@pytest.fixture(autouse=True)
def _ready2run(request: pytest.FixtureRequest) -> None:
    """The Ready2Run workflow the READY2RUN runs here start from, in the tests on the fixture
    (the others make fakes of their own)."""
    if "fake_omics" in request.fixturenames:
        fake: FakeOmics = request.getfixturevalue("fake_omics")
        fake.add_workflow(id="9500764", type="READY2RUN", name="GATK-BP Germline fq2vcf")


def _start_ready2run(omics: Any, **caching: Any) -> Any:
    return omics.start_run(
        workflowId="9500764",
        workflowType="READY2RUN",
        roleArn=ROLE,
        outputUri="s3://team-runs/out/",
        **caching,
    )


@pytest.mark.parametrize(
    ("caching", "named"),
    [
        ({"cacheId": "cache"}, "cacheId"),
        ({"cacheBehavior": "CACHE_ALWAYS"}, "cacheBehavior"),
        ({"cacheId": "cache", "cacheBehavior": "CACHE_ALWAYS"}, "cacheId and cacheBehavior"),
    ],
)
def test_start_run_of_ready2run_with_a_cache_is_a_validation_exception(
    fake_omics: FakeOmics, omics: Any, caching: dict[str, str], named: str
) -> None:
    cache = fake_omics.add_run_cache()
    if "cacheId" in caching:
        caching = {**caching, "cacheId": cache["id"]}

    with pytest.raises(ClientError) as raised:
        _start_ready2run(omics, **caching)

    error = raised.value.response
    assert error["Error"] == {
        "Code": "ValidationException",
        "Message": f"{READY2RUN_MESSAGE} {named}.",
    }
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert fake_omics.runs() == []
    # Without call caching it starts.
    started = _start_ready2run(omics)
    assert [run["id"] for run in fake_omics.runs()] == [started["id"]]
    assert "cacheId" not in omics.get_run(id=started["id"])


def test_the_rule_comes_before_the_cache_is_looked_up(fake_omics: FakeOmics, omics: Any) -> None:
    with pytest.raises(omics.exceptions.ValidationException) as raised:
        _start_ready2run(omics, cacheId="7654321")  # no such cache: not a 404 first

    assert raised.value.response["Error"]["Message"] == f"{READY2RUN_MESSAGE} cacheId."


def test_a_rerun_of_a_ready2run_run_cannot_add_a_cache(fake_omics: FakeOmics, omics: Any) -> None:
    cache = fake_omics.add_run_cache()
    first = _start_ready2run(omics)

    with pytest.raises(omics.exceptions.ValidationException) as raised:
        omics.start_run(
            runId=first["id"], roleArn=ROLE, outputUri="s3://team-runs/out/", cacheId=cache["id"]
        )

    assert raised.value.response["Error"]["Message"] == f"{READY2RUN_MESSAGE} cacheId."
    assert [run["id"] for run in fake_omics.runs()] == [first["id"]]


def test_a_refused_start_uses_no_scripted_progress(fake_omics: FakeOmics, omics: Any) -> None:
    cache = fake_omics.add_run_cache()
    fake_omics.next_runs(progress=("PENDING", "FAILED"), failureReason="out of memory")

    with pytest.raises(omics.exceptions.ValidationException):
        _start_ready2run(omics, cacheId=cache["id"])
    started = _start_ready2run(omics)

    omics.get_run(id=started["id"])
    got = omics.get_run(id=started["id"])
    assert (got["status"], got["failureReason"]) == ("FAILED", "out of memory")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"cacheId": "CACHE"},
            "add_run: workflowType='READY2RUN' with cacheId='CACHE': HealthOmics does not support"
            " call caching for Ready2Run workflows, so a READY2RUN run has no cacheId or"
            " cacheBehavior; leave cacheId out, or seed workflowType 'PRIVATE'",
        ),
        (
            {"cacheBehavior": "CACHE_ALWAYS"},
            "add_run: workflowType='READY2RUN' with cacheBehavior='CACHE_ALWAYS': HealthOmics"
            " does not support call caching for Ready2Run workflows, so a READY2RUN run has no"
            " cacheId or cacheBehavior; leave cacheBehavior out, or seed workflowType 'PRIVATE'",
        ),
        (
            {"cacheId": "CACHE", "cacheBehavior": "CACHE_ON_FAILURE"},
            "add_run: workflowType='READY2RUN' with cacheId='CACHE' and"
            " cacheBehavior='CACHE_ON_FAILURE': HealthOmics does not support call caching for"
            " Ready2Run workflows, so a READY2RUN run has no cacheId or cacheBehavior; leave"
            " cacheId and cacheBehavior out, or seed workflowType 'PRIVATE'",
        ),
    ],
)
def test_seeding_a_ready2run_run_with_a_cache_is_a_value_error(
    fake_omics: FakeOmics, fields: dict[str, str], message: str
) -> None:
    cache = fake_omics.add_run_cache()
    if "cacheId" in fields:
        fields = {**fields, "cacheId": cache["id"]}
        message = message.replace("'CACHE'", repr(cache["id"]))

    with pytest.raises(ValueError, match=r"^add_run: workflowType='READY2RUN'") as raised:
        fake_omics.add_run(workflowType="READY2RUN", workflowId="9500764", **fields)

    assert str(raised.value) == message
    assert fake_omics.runs() == []
    # Without call caching it seeds.
    run = fake_omics.add_run(workflowType="READY2RUN", workflowId="9500764")
    assert "cacheId" not in run
    assert [seeded["id"] for seeded in fake_omics.runs()] == [run["id"]]
