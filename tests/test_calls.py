"""get_calls / get_call: every served request, in order, and clear failures."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_omics_cache import Call, FakeOmics


def test_calls_are_recorded_in_order_with_outcome(fake_omics: FakeOmics, omics: Any) -> None:
    cache = fake_omics.add_run_cache(id="10")
    omics.get_run_cache(id="10")
    with pytest.raises(omics.exceptions.ResourceNotFoundException):
        omics.get_run_cache(id="11")
    with pytest.raises(omics.exceptions.ValidationException):
        omics.get_run_cache(id="x")

    calls = fake_omics.get_calls()

    assert [
        (c.operation, dict(c.params), c.region, c.account, c.status_code, c.error_code)
        for c in calls
    ] == [
        ("GetRunCache", {"id": "10"}, "us-east-1", "123456789012", 200, None),
        (
            "GetRunCache",
            {"id": "11"},
            "us-east-1",
            "123456789012",
            404,
            "ResourceNotFoundException",
        ),
        ("GetRunCache", {"id": "x"}, "us-east-1", "123456789012", 400, "ValidationException"),
    ]
    assert fake_omics.get_calls("GetRunCache") == calls
    assert fake_omics.get_calls("CreateRunCache") == []
    assert isinstance(calls[0], Call)
    assert cache["id"] == "10"


def test_get_call_returns_the_single_match(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_run_cache(id="10")
    omics.get_run_cache(id="10")

    call = fake_omics.get_call("GetRunCache")
    assert (call.params, call.transport) == ({"id": "10"}, "botocore")


def test_get_call_with_no_match_says_so(fake_omics: FakeOmics) -> None:
    with pytest.raises(AssertionError) as raised:
        fake_omics.get_call("GetRunCache")

    assert (
        str(raised.value) == "expected exactly one GetRunCache call, found 0. No calls were served."
    )


def test_get_call_with_several_matches_lists_them(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_run_cache(id="10")
    omics.get_run_cache(id="10")
    with pytest.raises(omics.exceptions.ResourceNotFoundException):
        omics.get_run_cache(id="12")

    with pytest.raises(AssertionError) as raised:
        fake_omics.get_call()

    assert str(raised.value) == (
        "expected exactly one call, found 2. Calls served:\n"
        "  1. GetRunCache(id='10') in us-east-1 -> 200 OK\n"
        "  2. GetRunCache(id='12') in us-east-1 -> 404 ResourceNotFoundException\n"
        "Use get_calls() to inspect several."
    )


def test_get_call_of_other_operation_lists_what_was_served(
    fake_omics: FakeOmics, omics: Any
) -> None:
    fake_omics.add_run_cache(id="10")
    omics.get_run_cache(id="10")

    with pytest.raises(AssertionError) as raised:
        fake_omics.get_call("DeleteRunCache")

    assert str(raised.value) == (
        "expected exactly one DeleteRunCache call, found 0. Calls served:\n"
        "  1. GetRunCache(id='10') in us-east-1 -> 200 OK"
    )


def test_each_call_keeps_its_own_headers(fake_omics: FakeOmics, omics: Any) -> None:
    # The log shares header *names* between requests that send the same ones; the values must
    # still be each request's own, and a request with one more header must show it.
    fake_omics.add_run_cache(id="10")
    omics.get_run_cache(id="10")
    omics.get_run_cache(id="10")

    def add_header(request: Any, **_: Any) -> None:
        request.headers["X-Trace-Id"] = "trace-3"

    omics.meta.events.register("before-sign.omics.GetRunCache", add_header)
    omics.get_run_cache(id="10")
    first, second, third = fake_omics.get_calls()

    ids = [c.headers["amz-sdk-invocation-id"] for c in (first, second, third)]
    assert len(set(ids)) == 3
    assert (
        ids[0]
        == first.headers["AMZ-SDK-INVOCATION-ID"]
        == first.headers.get("Amz-Sdk-Invocation-Id")
    )
    assert list(first.headers) == list(second.headers)
    assert "X-Trace-Id" not in list(second.headers)
    assert sorted(third.headers) == sorted([*first.headers, "X-Trace-Id"])
    assert third.headers["x-trace-id"] == "trace-3"
    assert second.headers.get("x-trace-id") is None
    assert len(third.headers) == len(first.headers) + 1
