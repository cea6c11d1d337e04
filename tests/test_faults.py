"""Injected transport faults: raised as botocore's HTTP layer raises them, retried as it retries."""

from __future__ import annotations

import functools
from typing import Any

import botocore.endpoint
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
from botocore.retries.bucket import TokenBucket

from pytest_omics_cache import FakeOmics

SESSION = botocore.session.get_session()
FAULTS = {
    "connection": EndpointConnectionError,
    "connect-timeout": ConnectTimeoutError,
    "read-timeout": ReadTimeoutError,
}
MODES = ("legacy", "standard", "adaptive")


def _client(mode: str, **kwargs: Any) -> Any:
    return SESSION.create_client(
        "omics", region_name="us-east-1", config=Config(retries={"mode": mode}), **kwargs
    )


class _NoSleep:
    def sleep(self, seconds: float) -> None:
        pass


@functools.cache
def botocore_attempts(kind: str, mode: str) -> int:
    """How many attempts botocore makes when its HTTP layer raises this fault every time."""
    client = _client(mode, aws_access_key_id="AK", aws_secret_access_key="SK")
    attempts: list[int] = []

    def fail(request: Any, **_: object) -> None:
        attempts.append(1)
        raise FAULTS[kind](endpoint_url=request.url, error=OSError("down"))

    client.meta.events.register("before-send.omics.GetRunCache", fail)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.endpoint, "time", _NoSleep())
        patch.setattr(TokenBucket, "acquire", lambda self, amount=1, block=True: True)
        with pytest.raises(FAULTS[kind]):
            client.get_run_cache(id="1")
    return len(attempts)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", sorted(FAULTS))
def test_fault_is_raised_and_retried_like_botocores_own(kind: str, mode: str) -> None:
    expected_attempts = botocore_attempts(kind, mode)  # measured before the fake is active
    fake_omics = FakeOmics()
    fake_omics.add_fault(kind, times=None)
    client = _client(mode)

    with fake_omics._activated(), pytest.raises(FAULTS[kind]) as raised:
        client.get_run_cache(id="1")

    url = "https://workflows-omics.us-east-1.amazonaws.com/runCache/1"
    assert raised.value.kwargs["endpoint_url"] == url
    assert url in str(raised.value)
    assert len(fake_omics.get_calls()) == expected_attempts > 1
    call = fake_omics.get_calls()[0]
    assert (call.fault, call.status_code, call.error_code) == (kind, None, None)
    assert call.describe() == f"GetRunCache(id='1') in us-east-1 -> fault {kind}"


def test_one_fault_then_success(fake_omics: FakeOmics) -> None:
    fake_omics.add_run_cache(id="1")
    handle = fake_omics.add_fault("read-timeout")

    response = _client("standard").get_run_cache(id="1")

    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    assert [(c.fault, c.status_code) for c in fake_omics.get_calls()] == [
        ("read-timeout", None),
        (None, 200),
    ]
    assert handle.fired == 1


def test_fault_after_and_id(fake_omics: FakeOmics) -> None:
    fake_omics.add_run_cache(id="1")
    fake_omics.add_run_cache(id="2")
    fake_omics.add_fault("connection", id="2", after=1, times=None)
    client = SESSION.create_client(
        "omics", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1})
    )

    assert client.get_run_cache(id="1")["id"] == "1"
    assert client.get_run_cache(id="2")["id"] == "2"
    with pytest.raises(EndpointConnectionError):
        client.get_run_cache(id="2")
    assert client.get_run_cache(id="1")["id"] == "1"


def test_unknown_fault_kind() -> None:
    with pytest.raises(ValueError, match="add_fault: unknown kind 'timeout'") as raised:
        FakeOmics().add_fault("timeout")

    assert str(raised.value) == (
        "add_fault: unknown kind 'timeout'; valid kinds are: 'connection'"
        " (EndpointConnectionError), 'connect-timeout' (ConnectTimeoutError), 'read-timeout'"
        " (ReadTimeoutError)"
    )
