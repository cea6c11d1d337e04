"""Why a per-call ratio in wall time differs from the same ratio in instructions: measured.

Instructions count work; wall time also pays for what the work leaves behind. For one operation
this prints the fake/floor wall ratio as it is and with each suspect removed on both sides (the
garbage collector, the fake's call log), and what each side leaves behind per call: objects
still alive, memory blocks allocated, and garbage collections run.

    python3 bench/gap.py [case] [rounds] [calls]  # a case of percall.cases; GetRunCache
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import percall
from _timing import per_call_us

from pytest_omics_cache import FakeOmics

CALLS = 200


@contextlib.contextmanager
def _without_gc(off: bool) -> Iterator[None]:
    if off:
        gc.disable()
    try:
        yield
    finally:
        if off:
            gc.enable()


@contextlib.contextmanager
def _without_call_log(fake: FakeOmics, off: bool) -> Iterator[None]:
    service = fake._service
    assert service is not None
    if off:
        service.calls.record = lambda record: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        if off:
            del service.calls.record


def _left_behind(call: Callable[[], object], calls: int) -> tuple[float, float, float]:
    """(objects the GC tracks, memory blocks, collections) added per call by ``calls`` calls."""
    gc.collect()
    objects, blocks = len(gc.get_objects()), sys.getallocatedblocks()
    collections = sum(stat["collections"] for stat in gc.get_stats())
    for _ in range(calls):
        call()
    ran = sum(stat["collections"] for stat in gc.get_stats()) - collections
    gc.collect()
    return (
        (len(gc.get_objects()) - objects) / calls,
        (sys.getallocatedblocks() - blocks) / calls,
        ran * 1000 / calls,
    )


def main(case: str, rounds: int, calls: int) -> None:
    fake = FakeOmics(max_run_caches=10**9)
    operation, call = percall.cases(fake, 4 * (rounds + 2) * calls + 2000)[case]
    client, floor_client = percall.pair(fake, operation, call)

    def floor_side(gc_off: bool) -> float:
        with _without_gc(gc_off):
            return per_call_us(lambda: call(floor_client), calls)

    def fake_side(gc_off: bool, log_off: bool) -> float:
        with fake._activated(), _without_call_log(fake, log_off), _without_gc(gc_off):
            return per_call_us(lambda: call(client), calls)

    variants = {
        "as is": (False, False),
        "GC off (both sides)": (True, False),
        "call log off": (False, True),
        "GC off and call log off": (True, True),
    }
    floors: dict[str, list[float]] = {name: [] for name in variants}
    fakes: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, (gc_off, log_off) in variants.items():
            floors[name].append(floor_side(gc_off))
            fakes[name].append(fake_side(gc_off, log_off))
    print(f"{case}: fake / floor, wall, minimum of {rounds} interleaved rounds of {calls} calls")
    for name in variants:
        floor, faked = min(floors[name]), min(fakes[name])
        print(f"  {name:<26}{faked:8.1f} / {floor:6.1f} µs = {faked / floor:.3f}x")

    print("left behind per call (objects alive, memory blocks, GC runs per 1000 calls)")
    _show("floor", _left_behind(lambda: call(floor_client), 1000))
    with fake._activated():
        _show("fake", _left_behind(lambda: call(client), 1000))
        with _without_call_log(fake, True):
            _show("no log", _left_behind(lambda: call(client), 1000))


def _show(name: str, figures: tuple[float, float, float]) -> None:
    print(f"  {name:<7}" + "".join(f"{figure:9.2f}" for figure in figures))


if __name__ == "__main__":
    main(
        sys.argv[1] if len(sys.argv) > 1 else "GetRunCache",
        int(sys.argv[2]) if len(sys.argv) > 2 else 15,
        int(sys.argv[3]) if len(sys.argv) > 3 else CALLS,
    )
