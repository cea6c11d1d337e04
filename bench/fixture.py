"""What a test pays for using the fake: fixture setup and teardown, and mock_omics()."""

from __future__ import annotations

import time
from collections.abc import Callable

from _timing import paired

from pytest_omics_cache import FakeOmics, mock_omics


def _best_us(action: Callable[[], object], repeat: int) -> float:
    """µs per call: the best mean of 20 batches, as timeit reports. The machine's noise only
    ever adds time, so the best batch is the closest to the action's own cost."""
    batch = max(repeat // 20, 1)
    best = float("inf")
    for _ in range(20):
        start = time.perf_counter_ns()
        for _ in range(batch):
            action()
        best = min(best, (time.perf_counter_ns() - start) / batch / 1000)
    return best


def fixture_body() -> None:
    # What the fake_omics fixture does around the test, minus pytest's own fixture machinery
    # (which any fixture pays): build the fake, activate it, deactivate, run the teardown check.
    fake = FakeOmics()
    with fake._activated():
        pass
    assert fake._teardown_error() is None


def mock_omics_block() -> None:
    with mock_omics():
        pass


def measure(repeat: int) -> dict[str, float]:
    """µs per setup+teardown, and the fake's share of moto's cost where moto is installed, from
    rounds that alternate the two (the machine's speed drifts)."""
    fixture_body()  # first use imports the fake's transports: not per-test cost
    results = {
        "fake_omics setup+teardown": _best_us(fixture_body, repeat),
        "mock_omics() enter+exit": _best_us(mock_omics_block, repeat),
    }
    try:
        from moto import mock_aws
    except ImportError:  # moto is an optional bench dependency
        return results

    def moto() -> None:
        with mock_aws():
            pass

    moto()
    rounds = max(repeat // 100, 11)
    moto_us, _, share = paired(
        lambda: _best_us(moto, 20), lambda: _best_us(fixture_body, 200), rounds
    )
    results["moto mock_aws() enter+exit"] = moto_us
    results["fake_omics / mock_aws"] = share
    return results
