"""Injected errors: the wire format of each code, botocore's own retries, and how they match."""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import botocore.endpoint
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.retries.bucket import TokenBucket
from botocore.retries.quota import RetryQuota

from pytest_omics_cache import FakeOmics, Injection
from pytest_omics_cache._wire import model as _model

SESSION = botocore.session.get_session()
MODEL = SESSION.get_service_model("omics")
CODES = sorted(e.name for e in MODEL.operation_model("GetRunCache").error_shapes)
MODES = ("legacy", "standard", "adaptive")
REAL_SLEEP = time.sleep  # as it was when this module was imported, before any fake


def _client(mode: str | None = None, attempts: int | None = None, **kwargs: Any) -> Any:
    retries: dict[str, Any] = {}
    if mode is not None:
        retries["mode"] = mode
    if attempts is not None:
        retries["total_max_attempts"] = attempts
    config = Config(retries=retries) if retries else None  # type: ignore[arg-type]
    return SESSION.create_client("omics", region_name="us-east-1", config=config, **kwargs)


class _Body:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: object) -> Iterator[bytes]:
        yield self._body


class _NoSleep:
    def sleep(self, seconds: float) -> None:
        pass


@functools.cache
def botocore_behaviour(code: str, mode: str) -> dict[str, Any]:
    """What botocore itself does when the service answers every attempt with ``code``.

    Measured on a client whose requests a bare before-send handler answers with the error as
    the model describes it (status, x-amzn-ErrorType, JSON message): no fake involved.
    """
    status = MODEL.shape_for(code).metadata["error"]["httpStatusCode"]
    client = _client(mode, aws_access_key_id="AK", aws_secret_access_key="SK")
    attempts: list[int] = []

    def answer(request: Any, **_: object) -> AWSResponse:
        attempts.append(1)
        headers = {"x-amzn-ErrorType": code, "Content-Type": "application/json"}
        return AWSResponse(request.url, status, headers, _Body(b'{"message": "m"}'))

    client.meta.events.register("before-send.omics.GetRunCache", answer)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.endpoint, "time", _NoSleep())
        patch.setattr(TokenBucket, "acquire", lambda self, amount=1, block=True: True)
        with pytest.raises(client.exceptions.ClientError) as raised:
            client.get_run_cache(id="1")
    return {
        "exception": type(raised.value).__name__,
        "status": raised.value.response["ResponseMetadata"]["HTTPStatusCode"],
        "attempts": len(attempts),
        "retry_attempts": raised.value.response["ResponseMetadata"]["RetryAttempts"],
    }


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("code", CODES)
def test_every_code_in_every_retry_mode_behaves_as_botocore_does(code: str, mode: str) -> None:
    expected = botocore_behaviour(code, mode)
    fake = FakeOmics()
    fake.add_error(code, times=None)
    client = _client(mode)

    with fake._activated(), pytest.raises(getattr(client.exceptions, code)) as raised:
        client.get_run_cache(id="1")

    response = raised.value.response
    assert type(raised.value).__name__ == expected["exception"] == code
    assert response["Error"]["Code"] == code
    assert response["ResponseMetadata"]["HTTPStatusCode"] == expected["status"]
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == code
    assert len(fake.get_calls()) == expected["attempts"]
    assert response["ResponseMetadata"]["RetryAttempts"] == expected["retry_attempts"]
    assert [c.status_code for c in fake.get_calls()] == [expected["status"]] * expected["attempts"]


def test_the_documented_retry_table_is_what_botocore_does() -> None:
    docs = __import__("pathlib").Path(__file__).parents[1] / "docs"
    readme = "\n".join(page.read_text() for page in sorted(docs.rglob("*.md")))
    rows = {
        match.group(1): match.groups()[1:]
        for match in re.finditer(
            r"^\| `(\w+)` \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|", readme, flags=re.MULTILINE
        )
    }

    assert sorted(rows) == CODES
    for code, (status, *attempts) in rows.items():
        measured = [botocore_behaviour(code, mode) for mode in MODES]
        assert int(status) == measured[0]["status"], code
        assert [int(a) for a in attempts] == [m["attempts"] for m in measured], code


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ThrottlingException", "Rate exceeded"),
        ("InternalServerException", "An internal error occurred. Try again."),
        (
            "AccessDeniedException",
            "User: arn:aws:sts::123456789012:assumed-role/fake-omics/test is not authorized to"
            " perform: omics:GetRunCache because no identity-based policy allows the"
            " omics:GetRunCache action",
        ),
    ],
)
def test_default_messages(fake_omics: FakeOmics, code: str, message: str) -> None:
    fake_omics.add_error(code)
    client = _client(attempts=1)

    with pytest.raises(client.exceptions.ClientError) as raised:
        client.get_run_cache(id="1")

    assert raised.value.response["Error"]["Message"] == message
    assert raised.value.response["message"] == message  # the modeled member, too


def test_custom_message_and_wire_format(fake_omics: FakeOmics) -> None:
    fake_omics.add_error("ConflictException", message="cache is in use by run 42")
    client = _client(attempts=1)
    bodies: list[bytes] = []
    client.meta.events.register(
        "after-call.omics.GetRunCache",
        lambda http_response, **_: bodies.append(http_response.content),
    )
    client.meta.events.register(
        "needs-retry.omics.GetRunCache",
        lambda response, **_: bodies.append(response[0].content) if response else None,
    )

    with pytest.raises(client.exceptions.ConflictException) as raised:
        client.get_run_cache(id="1")

    assert json.loads(bodies[0]) == {"message": "cache is in use by run 42"}
    metadata = raised.value.response["ResponseMetadata"]
    assert metadata["HTTPStatusCode"] == 409
    assert metadata["HTTPHeaders"]["content-type"] == "application/json"
    assert metadata["RequestId"] == metadata["HTTPHeaders"]["x-amzn-requestid"]


def test_the_exception_class_is_accepted(fake_omics: FakeOmics) -> None:
    client = _client(attempts=1)
    fake_omics.add_error(client.exceptions.AccessDeniedException)

    with pytest.raises(client.exceptions.AccessDeniedException):
        client.get_run_cache(id="1")


# --- how often and which requests ----------------------------------------------------------------


def _outcomes(fake: FakeOmics) -> list[tuple[str, int | None, str | None]]:
    return [(dict(c.params)["id"], c.status_code, c.error_code) for c in fake.get_calls()]


def _try(client: Any, cache_id: str) -> str:
    try:
        client.get_run_cache(id=cache_id)
    except client.exceptions.ClientError as error:
        return str(error.response["Error"]["Code"])
    return "OK"


def test_times_with_standard_retries_succeeds_on_the_second_attempt(
    fake_omics: FakeOmics,
) -> None:
    cache = fake_omics.add_run_cache(id="1")
    handle = fake_omics.add_error("ThrottlingException")

    response = _client("standard").get_run_cache(id="1")

    assert response["id"] == cache["id"]
    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    assert _outcomes(fake_omics) == [("1", 429, "ThrottlingException"), ("1", 200, None)]
    assert handle.fired == 1
    assert len(fake_omics.retry_delays) == 1


def test_times_counts_attempts(fake_omics: FakeOmics) -> None:
    fake_omics.add_run_cache(id="1")
    handle = fake_omics.add_error("InternalServerException", times=2)

    response = _client("legacy").get_run_cache(id="1")

    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert [c.status_code for c in fake_omics.get_calls()] == [500, 500, 200]
    assert handle.fired == 2


def test_after_lets_requests_through_first(fake_omics: FakeOmics) -> None:
    fake_omics.add_run_cache(id="1")
    fake_omics.add_error("ThrottlingException", after=2)
    client = _client(attempts=1)

    assert [_try(client, "1") for _ in range(4)] == ["OK", "OK", "ThrottlingException", "OK"]


def test_times_none_answers_every_matching_request(fake_omics: FakeOmics) -> None:
    fake_omics.add_run_cache(id="1")
    handle = fake_omics.add_error("AccessDeniedException", times=None, after=1)
    client = _client(attempts=1)

    assert [_try(client, "1") for _ in range(4)] == ["OK"] + ["AccessDeniedException"] * 3
    assert handle.fired == 3


def test_id_narrows_the_match(fake_omics: FakeOmics) -> None:
    fake_omics.add_run_cache(id="1")
    fake_omics.add_run_cache(id="2")
    fake_omics.add_error("AccessDeniedException", id="2", times=None)
    client = _client(attempts=1)

    assert [_try(client, i) for i in ("1", "2", "1")] == ["OK", "AccessDeniedException", "OK"]


def test_region_narrows_the_match(fake_omics: FakeOmics) -> None:
    fake_omics.add_run_cache(id="1")
    fake_omics.add_run_cache(id="1", region="eu-west-1")
    fake_omics.add_error("InternalServerException", region="eu-west-1", times=None)
    us = _client(attempts=1)
    eu = SESSION.create_client(
        "omics", region_name="eu-west-1", config=Config(retries={"total_max_attempts": 1})
    )

    assert [_try(us, "1"), _try(eu, "1")] == ["OK", "InternalServerException"]
    assert fake_omics.get_calls()[1].region == "eu-west-1"


def test_operation_none_matches_every_served_operation(fake_omics: FakeOmics) -> None:
    handle = fake_omics.add_error("ThrottlingException", operation=None, times=None)

    assert _try(_client(attempts=1), "1") == "ThrottlingException"
    assert handle.operation is None
    assert handle.fired == 1


def test_injections_fire_in_the_order_they_were_added(fake_omics: FakeOmics) -> None:
    fake_omics.add_run_cache(id="1")
    fake_omics.add_error("ThrottlingException")
    fake_omics.add_error("AccessDeniedException")
    client = _client(attempts=1)

    assert [_try(client, "1") for _ in range(3)] == [
        "ThrottlingException",
        "AccessDeniedException",
        "OK",
    ]


def test_a_request_answered_by_an_earlier_injection_is_not_seen_by_later_ones(
    fake_omics: FakeOmics,
) -> None:
    fake_omics.add_run_cache(id="1")
    first = fake_omics.add_error("ThrottlingException")
    second = fake_omics.add_error("ConflictException", after=1)
    client = _client(attempts=1)

    outcomes = [_try(client, "1") for _ in range(3)]

    # 1: `first` fires. 2: `second` sees its first request and lets it through. 3: it fires.
    assert outcomes == ["ThrottlingException", "OK", "ConflictException"]
    assert (first.seen, second.seen) == (1, 2)


def test_injected_errors_come_before_validation(fake_omics: FakeOmics) -> None:
    fake_omics.add_error("ThrottlingException")

    assert _try(_client(attempts=1), "not-a-valid-id") == "ThrottlingException"
    assert _try(_client(attempts=1), "not-a-valid-id") == "ValidationException"


def test_handle_describes_itself() -> None:
    fake = FakeOmics()
    handle = fake.add_error("ThrottlingException", id="7", region="eu-west-1", times=2, after=1)

    assert isinstance(handle, Injection)
    assert handle.describe() == (
        "ThrottlingException on GetRunCache id='7' region='eu-west-1': fired 0 of 2 time(s)"
        " after 1 request(s)"
    )
    assert fake.add_error("ConflictException", operation=None, times=None).describe() == (
        "ConflictException on any operation: fired 0 time(s), no limit"
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"code": "Throttled"},
            "add_error: 'Throttled' is not an error GetRunCache answers with (per the botocore"
            " model); valid codes are: " + ", ".join(CODES),
        ),
        (
            {"code": KeyError, "operation": None},
            "add_error: <class 'KeyError'> is not an error any omics operation answers with (per"
            " the botocore model); valid codes are: " + ", ".join(_model.error_codes()),
        ),
        (
            {"code": "ThrottlingException", "operation": "ListWorkflow"},
            "add_error: operation='ListWorkflow' is not an omics operation. Did you mean"
            " 'ListWorkflows'? Operations are named as in the botocore model (e.g. 'GetRunCache'),"
            " or None for all of them.",
        ),
        (
            {"code": "ThrottlingException", "times": 0},
            "add_error: times=0 must be a positive int, or None for always",
        ),
        (
            {"code": "ThrottlingException", "times": True},
            "add_error: times=True must be a positive int, or None for always",
        ),
        ({"code": "ThrottlingException", "after": -1}, "add_error: after=-1 must be an int >= 0"),
        (
            {"code": "ThrottlingException", "id": 7},
            "add_error: id=7 must be a string, as boto3 sends it",
        ),
        (
            {"code": "ThrottlingException", "region": "mars"},
            "add_error: region='mars' is not an AWS region name (expected e.g. 'us-east-1')",
        ),
        (
            {"code": "ThrottlingException", "message": 5},
            "add_error: message=5 must be a string",
        ),
        (
            {"code": "ThrottlingException", "operation": "ListRunCaches", "id": "1"},
            "add_error: ListRunCaches requests carry no id, so id='1' would never match; leave"
            " id out, or pick an operation that takes one",
        ),
    ],
)
def test_bad_add_error_arguments(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as raised:
        FakeOmics().add_error(**arguments)

    assert str(raised.value) == message


def test_each_fake_starts_a_clients_retry_quota_full_and_puts_it_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    quotas: list[Any] = []
    botocore_acquire = RetryQuota.acquire

    def spy(self: Any, capacity_amount: int) -> Any:
        quotas.append(self)
        return botocore_acquire(self, capacity_amount)

    monkeypatch.setattr(RetryQuota, "acquire", spy)
    client = _client("standard")  # one client for several tests, as at module level

    def attempts_until_the_quota_runs_out(fake: FakeOmics) -> list[int]:
        fake.add_error("InternalServerException", times=None)
        seen = []
        with fake._activated():
            for _ in range(200):
                with pytest.raises(client.exceptions.InternalServerException) as raised:
                    client.get_run_cache(id="1")
                seen.append(raised.value.response["ResponseMetadata"]["RetryAttempts"])
                if seen[-1] == 0:
                    break
        return seen

    first = attempts_until_the_quota_runs_out(FakeOmics())
    capacity_after_first = vars(quotas[0])["_available_capacity"]
    second = attempts_until_the_quota_runs_out(FakeOmics())

    assert first[0] == 2
    assert first[-1] == 0  # within one test, botocore's quota still runs out...
    assert second == first  # ...but the next test starts with it full
    # and put back as it was before each fake: full, as the client was new
    assert capacity_after_first == vars(quotas[0])["_max_capacity"]
    assert vars(quotas[0])["_available_capacity"] == capacity_after_first


# --- sleeping ------------------------------------------------------------------------------------


@pytest.fixture
def real_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every call of the real time.sleep during the test (recorded, not slept)."""
    calls: list[float] = []
    monkeypatch.setattr(time, "sleep", calls.append)
    return calls


@pytest.mark.parametrize("mode", MODES)
def test_ten_throttled_attempts_never_sleep(
    fake_omics: FakeOmics, real_sleeps: list[float], mode: str
) -> None:
    fake_omics.add_error("ThrottlingException", times=None)
    client = _client(mode, attempts=10)

    for _ in range(3):  # adaptive mode's rate limiter tightens after the first throttles
        with pytest.raises(client.exceptions.ThrottlingException) as raised:
            client.get_run_cache(id="1")
        assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 9

    assert len(fake_omics.get_calls()) == 30
    assert len(fake_omics.retry_delays) == 27
    assert real_sleeps == []


def test_the_adaptive_rate_limiter_is_not_consulted(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[int] = []
    botocore_acquire = TokenBucket.acquire

    def spy(self: TokenBucket, amount: int = 1, block: bool = True) -> Any:
        waits.append(amount)
        return botocore_acquire(self, amount, block)

    monkeypatch.setattr(TokenBucket, "acquire", spy)
    fake = FakeOmics()
    fake.add_error("ThrottlingException", times=None)
    client = _client("adaptive", attempts=5)

    with fake._activated():
        for _ in range(3):
            with pytest.raises(client.exceptions.ThrottlingException):
                client.get_run_cache(id="1")

    assert waits == []
    assert TokenBucket.acquire is spy  # put back as it was


def test_other_sleeps_are_left_alone(fake_omics: FakeOmics) -> None:
    assert time.sleep is REAL_SLEEP  # the user's own sleeps still sleep
    assert botocore.endpoint.time is not time  # botocore's retry sleeps do not
    assert botocore.endpoint.time.time is time.time  # the rest of the module is the real one


def test_real_sleep_really_sleeps(real_sleeps: list[float]) -> None:
    fake = FakeOmics(real_sleep=True)
    fake.add_error("ThrottlingException", times=2)
    fake.add_run_cache(id="1")
    client = _client("standard")

    with fake._activated():
        assert botocore.endpoint.time is time
        client.get_run_cache(id="1")

    assert len(real_sleeps) == 2  # botocore slept (through the recorder) before each retry
    assert all(0 <= delay <= 20 for delay in real_sleeps)
    assert fake.retry_delays == []


def test_retry_delays_are_botocores_backoff(fake_omics: FakeOmics) -> None:
    fake_omics.add_error("ThrottlingException", times=None)
    client = _client("legacy")

    with pytest.raises(client.exceptions.ThrottlingException):
        client.get_run_cache(id="1")

    delays = fake_omics.retry_delays
    assert len(delays) == 4
    # legacy backoff: rand() * 2 ** (attempt - 1), so each delay is below its cap
    assert all(0 <= delay <= 2**index for index, delay in enumerate(delays))
