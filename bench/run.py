"""Per-call cost of GetRunCache served by the fake, against botocore's own floor.

The floor is the same client call answered by a bare ``before-send`` handler that returns
canned bytes: everything botocore does (validation, serialization, signing, retries, parsing)
with no service behind it. Both are measured in this one process, in alternating rounds, and
reported as a ratio of medians, so the machine's speed cancels out.

    python3 dev.py bench [--calls N] [--rounds R]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import botocore.session
from botocore.awsrequest import AWSResponse

from pytest_omics_cache import FakeOmics
from pytest_omics_cache._protocol import WireResponse

TARGET = 1.10


class _Canned:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: object) -> Any:
        yield self._body


def _per_call_us(call: Callable[[], object], calls: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(calls):
        call()
    return (time.perf_counter_ns() - start) / calls / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="calls per round and side")
    parser.add_argument("--rounds", type=int, default=41)
    args = parser.parse_args()

    session = botocore.session.get_session()
    fake = FakeOmics()
    cache = fake.add_run_cache(name="bench", tags={"k": "v"})
    stored = fake._registry.get(fake.account, fake.region, cache["id"])
    assert stored is not None
    # One client for both sides, so both pay the same botocore costs (user agent, signing).
    # Its own before-send handler answers with the bytes the fake would send; while the fake is
    # active, the fake answers first and that handler is never reached.
    client = session.create_client(
        "omics", region_name="us-east-1", aws_access_key_id="AK", aws_secret_access_key="SK"
    )
    with fake._activated():
        sample = client.get_run_cache(id=cache["id"])
    canned = WireResponse(200, dict(sample["ResponseMetadata"]["HTTPHeaders"]), stored.body)

    def floor_handler(request: Any, **_: object) -> AWSResponse:
        return AWSResponse(request.url, 200, canned.headers, _Canned(canned.body))

    client.meta.events.register("before-send.omics.GetRunCache", floor_handler)
    floor_answer = client.get_run_cache(id=cache["id"])
    assert {**floor_answer, "ResponseMetadata": None} == {**sample, "ResponseMetadata": None}

    def call() -> object:
        return client.get_run_cache(id=cache["id"])

    # Short alternating chunks, compared pairwise: this machine's speed drifts by 20 % within
    # seconds, so only measurements taken side by side make a meaningful ratio.
    floor_times, fake_times, ratios = [], [], []
    for _ in range(args.rounds):
        floor_us = _per_call_us(call, args.calls)
        with fake._activated():
            fake_us = _per_call_us(call, args.calls)
        floor_times.append(floor_us)
        fake_times.append(fake_us)
        ratios.append(fake_us / floor_us)
    floor_us, fake_us = statistics.median(floor_times), statistics.median(fake_times)
    ratio = statistics.median(ratios)
    print(f"{'measure':<34}{'floor µs':>10}{'fake µs':>10}{'ratio':>8}{'target':>9}")
    print(
        f"{'GetRunCache per call':<34}{floor_us:>10.1f}{fake_us:>10.1f}{ratio:>8.3f}"
        f"{'<= ' + format(TARGET, '.2f'):>9}  {'ok' if ratio <= TARGET else 'MISSED'}"
    )
    print(
        f"({args.rounds} alternating rounds x {args.calls} calls per side;"
        " times are medians, the ratio is the median of per-round ratios)"
    )


if __name__ == "__main__":
    main()
