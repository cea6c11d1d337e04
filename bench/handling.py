"""The fake's own work per request, in instructions counted by valgrind: what remains of a call
once botocore's share is the same on both sides (as with ``real_signatures=True``).

For each case of ``percall.cases``, one request the fake received from botocore is captured and
handed to the service again and again, each time with a fresh idempotency token where the
operation has one (as botocore makes them): reading and validating it, the handler, the answer
and the call log. Nothing of botocore runs, so the count is the fake's alone. (DeleteRunCache is
left out: each of its requests needs a cache of its own.)

    python3 bench/handling.py [case]    # every case, or one
"""

from __future__ import annotations

import functools
import gc
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import instructions

CALLS = 300


def measure(only: str = "") -> list[tuple[str, float]] | None:
    """(case, instructions per request) for each case; None without valgrind."""
    counted = instructions.batches(__file__, only)
    if counted is None:
        return None
    names, counts = counted
    if len(counts) != len(names):
        raise RuntimeError(f"expected {len(names)} batches, callgrind wrote {len(counts)}")
    return [(name, count / CALLS) for name, count in zip(names, counts, strict=True)]


def _child(only: str) -> None:
    import percall

    from pytest_omics_cache import FakeOmics
    from pytest_omics_cache._wire.protocol import WireRequest

    fake = FakeOmics(max_run_caches=10**9)
    for name, (operation, call) in percall.cases(fake, 4 * CALLS).items():
        if (only and name != only) or name == "DeleteRunCache":  # each delete needs its own id
            continue
        client, _ = percall.pair(fake, operation, call)
        service = fake._service
        assert service is not None
        seen: list[WireRequest] = []
        handle = service.handle

        def keep(
            request: WireRequest, *args: object, handle: object = handle, seen: list[Any] = seen
        ) -> object:
            seen.append(request)
            return handle(request, *args)  # type: ignore[operator]

        with fake._activated():
            service.handle = keep  # type: ignore[method-assign]
            call(client)
            del service.handle
        request = seen[-1]
        token = json.loads(request.body).get("requestId") if request.body else None
        requests = iter(
            [
                request._replace(body=request.body.replace(token.encode(), f"{n:036d}".encode()))
                if token
                else request
                for n in range(3 * CALLS)
            ]
        )
        with fake._activated():
            for _ in range(CALLS):  # warm: first readings, caches
                service.handle(next(requests), operation)
            gc.collect()
            functools.reduce(
                lambda _, __: service.handle(next(requests), operation), range(CALLS), None
            )
        print(name.replace(" ", "_"))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2] if len(sys.argv) > 2 else "")
    else:
        rows = measure(sys.argv[1] if len(sys.argv) > 1 else "")
        if rows is None:
            sys.exit("valgrind is not installed")
        for name, count in rows:
            print(f"{name:28} {count:>10,.0f} instructions per request")
