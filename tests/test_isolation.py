"""Isolation: no network, no state shared between tests, and thread safety under load."""

from __future__ import annotations

import socket
import threading

import boto3
import botocore.session
import network_guard
import pytest
from botocore.config import Config

from pytest_omics_cache import FakeOmics, UnservedRequestError


def test_the_suite_cannot_reach_the_network() -> None:
    before = len(network_guard.ATTEMPTS)

    with pytest.raises(network_guard.NetworkBlocked):
        socket.create_connection(("203.0.113.7", 443), timeout=1)  # stopped at the lookup
    with socket.socket() as raw, pytest.raises(network_guard.NetworkBlocked):
        raw.connect(("203.0.113.8", 443))
    with pytest.raises(network_guard.NetworkBlocked):
        socket.getaddrinfo("workflows-omics.us-east-1.amazonaws.com", 443)

    assert network_guard.ATTEMPTS[before:] == [
        "203.0.113.7",
        ("203.0.113.8", 443),
        "workflows-omics.us-east-1.amazonaws.com",
    ]


@pytest.mark.fake_omics(assert_all_requests_served=False)
def test_an_unserved_omics_request_is_refused_without_a_connection_attempt(
    fake_omics: FakeOmics,
) -> None:
    client = botocore.session.get_session().create_client("omics", region_name="us-east-1")
    before = len(network_guard.ATTEMPTS)

    with pytest.raises(UnservedRequestError):
        client.list_sequence_stores()
    with pytest.raises(UnservedRequestError):
        client.get_sequence_store(id="1234567890")

    assert network_guard.ATTEMPTS[before:] == []


@pytest.mark.parametrize("attempt", [1, 2])
def test_every_test_starts_empty(fake_omics: FakeOmics, attempt: int) -> None:
    # Whichever of the two runs first, neither sees the other's cache, error or calls.
    assert fake_omics.run_caches() == []
    assert fake_omics.get_calls() == []
    fake_omics.add_run_cache(id="1")
    fake_omics.add_error("ThrottlingException", times=None)


@pytest.mark.fake_omics(max_run_caches=10_000)
def test_threads_lose_no_call_and_no_cache(fake_omics: FakeOmics) -> None:
    threads, calls_per_thread = 8, 1000
    fake_omics.add_run_cache(id="1")
    session = boto3.session.Session()
    config = Config(retries={"total_max_attempts": 1}, max_pool_connections=threads)
    created: list[list[str]] = [[] for _ in range(threads)]
    failures: list[BaseException] = []
    start = threading.Barrier(threads)

    def work(index: int) -> None:
        client = session.client("omics", region_name="us-east-1", config=config)
        start.wait()
        try:
            for n in range(calls_per_thread):
                kind = n % 3
                if kind == 0:
                    created[index].append(
                        client.create_run_cache(cacheS3Location=f"s3://bucket-{index}/c{n}")["id"]
                    )
                elif kind == 1:
                    client.get_run_cache(id="1")
                else:
                    client.list_run_caches(maxResults=5)
        except BaseException as error:  # reported in the test's own thread
            failures.append(error)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)

    assert failures == []
    calls = fake_omics.get_calls()
    assert len(calls) == threads * calls_per_thread
    per_operation = {
        op: len(fake_omics.get_calls(op))
        for op in ("CreateRunCache", "GetRunCache", "ListRunCaches")
    }
    assert per_operation == {
        "CreateRunCache": 8 * 334,
        "GetRunCache": 8 * 333,
        "ListRunCaches": 8 * 333,
    }
    all_created = [cache_id for ids in created for cache_id in ids]
    assert len(set(all_created)) == len(all_created) == 8 * 334
    assert {c["id"] for c in fake_omics.run_caches()} == set(all_created) | {"1"}
    assert all(c.status_code in (200, 201) for c in calls)
