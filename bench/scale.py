"""Cost at scale: seeding, Get against a big registry, and List paging."""

from __future__ import annotations

import time
from typing import Any

from _timing import omics_client, paired, per_call_us

from pytest_omics_cache import FakeOmics

_client = omics_client


def seeding_seconds(count: int, runs: int = 3) -> float:
    """Seconds to seed ``count`` caches into a fresh fake: the best of ``runs``, as timeit
    reports (the machine's noise only ever adds time)."""
    best = float("inf")
    for _ in range(runs):
        fake = FakeOmics()
        start = time.perf_counter()
        for _ in range(count):
            fake.add_run_cache()
        best = min(best, time.perf_counter() - start)
    return best


def get_big_vs_small(big: int, rounds: int, calls: int) -> tuple[float, float, float]:
    """(µs per Get with 10 caches, with `big` caches, ratio)."""
    small_fake, big_fake = FakeOmics(), FakeOmics()
    small_id = [small_fake.add_run_cache()["id"] for _ in range(10)][-1]
    big_ids = [big_fake.add_run_cache()["id"] for _ in range(big)]
    big_id = big_ids[len(big_ids) // 2]
    client = _client()

    def small_side() -> float:
        with small_fake._activated():
            return per_call_us(lambda: client.get_run_cache(id=small_id), calls)

    def big_side() -> float:
        with big_fake._activated():
            return per_call_us(lambda: client.get_run_cache(id=big_id), calls)

    small_side()
    big_side()
    return paired(small_side, big_side, rounds)


def list_paging(caches: int, rounds: int, calls: int) -> dict[str, float]:
    """µs per ListRunCaches page at the start and the end of `caches`, and per page size."""
    fake = FakeOmics(max_run_caches=caches + 1)
    for _ in range(caches):
        fake.add_run_cache()
    small = FakeOmics()
    for _ in range(200):
        small.add_run_cache()
    client = _client()
    with fake._activated():
        tokens = [None]
        while True:
            page = client.list_run_caches(
                **({"startingToken": tokens[-1]} if tokens[-1] else {}), maxResults=100
            )
            if "nextToken" not in page:
                break
            tokens.append(page["nextToken"])
    last = tokens[-1]

    def page_at(active: FakeOmics, size: int, token: str | None) -> float:
        arguments: dict[str, Any] = {"maxResults": size}
        if token:
            arguments["startingToken"] = token
        with active._activated():
            return per_call_us(lambda: client.list_run_caches(**arguments), calls)

    first_page, last_page, end_ratio = paired(
        lambda: page_at(fake, 100, None), lambda: page_at(fake, 100, last), rounds
    )
    small_registry, big_registry, registry_ratio = paired(
        lambda: page_at(small, 100, None), lambda: page_at(fake, 100, None), rounds
    )
    size_10, size_100, size_ratio = paired(
        lambda: page_at(fake, 10, None), lambda: page_at(fake, 100, None), rounds
    )
    return {
        "pages": float(len(tokens)),
        "first page µs": first_page,
        "last page µs": last_page,
        "last/first": end_ratio,
        "200-cache registry µs": small_registry,
        f"{caches}-cache registry µs": big_registry,
        "big/small registry": registry_ratio,
        "page of 10 µs": size_10,
        "page of 100 µs": size_100,
        "100/10 page size": size_ratio,
    }
