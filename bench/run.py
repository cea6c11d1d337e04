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


def _floor_client(session: Any, answer: WireResponse) -> Any:
    client = session.create_client(
        "omics", region_name="us-east-1", aws_access_key_id="AK", aws_secret_access_key="SK"
    )

    def canned(request: Any, **_: object) -> AWSResponse:
        return AWSResponse(request.url, 200, answer.headers, _Canned(answer.body))

    client.meta.events.register("before-send.omics.GetRunCache", canned)
    return client


def _per_call_us(call: Callable[[], object], calls: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(calls):
        call()
    return (time.perf_counter_ns() - start) / calls / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000, help="calls per round and side")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    session = botocore.session.get_session()
    fake = FakeOmics()
    cache = fake.add_run_cache(name="bench", tags={"k": "v"})
    served = session.create_client("omics", region_name="us-east-1")
    with fake._activated():
        # The floor answers with exactly the bytes the fake sends for this cache.
        sample = served.get_run_cache(id=cache["id"])
        body = fake._registry.get("123456789012", "us-east-1", cache["id"])
        assert body is not None
    headers = dict(sample["ResponseMetadata"]["HTTPHeaders"])
    floor = _floor_client(session, WireResponse(200, headers, body.body))
    assert floor.get_run_cache(id=cache["id"]) | {"ResponseMetadata": None} == sample | {
        "ResponseMetadata": None
    }

    floor_times, fake_times = [], []
    for _ in range(args.rounds):
        floor_times.append(_per_call_us(lambda: floor.get_run_cache(id=cache["id"]), args.calls))
        with fake._activated():
            fake_times.append(
                _per_call_us(lambda: served.get_run_cache(id=cache["id"]), args.calls)
            )
    floor_us, fake_us = statistics.median(floor_times), statistics.median(fake_times)
    ratio = fake_us / floor_us
    print(f"{'measure':<34}{'floor µs':>10}{'fake µs':>10}{'ratio':>8}{'target':>9}")
    print(
        f"{'GetRunCache per call':<34}{floor_us:>10.1f}{fake_us:>10.1f}{ratio:>8.3f}"
        f"{'<= ' + format(TARGET, '.2f'):>9}  {'ok' if ratio <= TARGET else 'MISSED'}"
    )
    print(f"({args.rounds} rounds x {args.calls} calls per side, medians)")


if __name__ == "__main__":
    main()
