"""Timing helpers: paired, alternating measurements whose ratios survive a noisy machine."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import botocore.session
from botocore.config import Config


def omics_client() -> Any:
    """A botocore omics client with static keys and no retries, as both sides of a bench use."""
    return botocore.session.get_session().create_client(
        "omics",
        region_name="us-east-1",
        aws_access_key_id="AK",
        aws_secret_access_key="SK",
        config=Config(retries={"total_max_attempts": 1}),
    )


def per_call_us(call: Callable[[], object], calls: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(calls):
        call()
    return (time.perf_counter_ns() - start) / calls / 1000


def paired(
    baseline: Callable[[], float], measured: Callable[[], float], rounds: int
) -> tuple[float, float, float]:
    """(baseline median, measured median, median of per-round ratios), alternating rounds.

    This machine's speed drifts by 20 % within seconds, so only measurements taken side by
    side make a meaningful ratio.
    """
    base, other, ratios = [], [], []
    for _ in range(rounds):
        b = baseline()
        m = measured()
        base.append(b)
        other.append(m)
        ratios.append(m / b)
    return statistics.median(base), statistics.median(other), statistics.median(ratios)
