"""Per-call cost in instructions, counted by valgrind: the same comparison as percall.py, without
the machine's noise.

Wall time on a shared VM drifts by more than the 5 % this goal is about; an instruction count
does not. One process under callgrind runs, for each case, the floor's calls and then the fake's,
each batch inside one ``functools.reduce`` (which nothing in botocore or the fake calls):
callgrind collects only inside it and writes one dump per batch, so setup, imports and warm-up
are not counted and both sides of a ratio come from the same process.

    python3 bench/instructions.py [calls [case]]    # the table on its own, or one case's row
"""

from __future__ import annotations

import functools
import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

_EVENTS = re.compile(r"^events: (.+)$", re.MULTILINE)
_TOTALS = re.compile(r"^totals: (.+)$", re.MULTILINE)


def batches(script: str, *arguments: str) -> tuple[list[str], list[int]] | None:
    """Run ``script --child *arguments`` under callgrind: (the words it printed, the
    instructions of each ``functools.reduce`` batch it ran, in order); None without valgrind."""
    counted = simulated(script, (), *arguments)
    if counted is None:
        return None
    words, events = counted
    return words, [batch["Ir"] for batch in events]


def simulated(
    script: str, flags: tuple[str, ...], *arguments: str
) -> tuple[list[str], list[dict[str, int]]] | None:
    """As :func:`batches`, with callgrind's extra ``flags`` (``--cache-sim=yes``, ...): each
    batch's events by name (``Ir``, ``I1mr``, ``Bcm``, ...)."""
    if shutil.which("valgrind") is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        result = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--toggle-collect=functools_reduce",
                "--dump-after=functools_reduce",
                *flags,
                f"--callgrind-out-file={out}",
                sys.executable,
                script,
                "--child",
                *arguments,
            ],
            # A fixed hash seed: string hashing otherwise moves a count from run to run.
            env={**os.environ, "PYTHONHASHSEED": "0"},
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"instruction count failed:\n{result.stdout}\n{result.stderr}")
        dumps = sorted(
            Path(folder).glob("callgrind.out.*"), key=lambda p: int(p.name.rsplit(".", 1)[1])
        )
        events = [_events(dump.read_text()) for dump in dumps]
    return result.stdout.split(), events


def _events(dump: str) -> dict[str, int]:
    names = _EVENTS.search(dump)
    totals = _TOTALS.search(dump)
    if names is None or totals is None:
        raise RuntimeError("a callgrind dump without its events or totals")
    values = [int(value) for value in totals.group(1).split()]
    # The callgrind format may leave out trailing zero counts.
    return dict(
        zip(names.group(1).split(), values + [0] * len(names.group(1).split()), strict=False)
    )


def measure(calls: int, only: str = "") -> list[tuple[str, float, float, float]] | None:
    """(name, floor instructions per call, fake's, ratio) per case; None without valgrind."""
    counted = batches(__file__, str(calls), only)
    if counted is None:
        return None
    names, counts = counted
    if len(counts) != 2 * len(names):
        raise RuntimeError(f"expected {2 * len(names)} batches, callgrind wrote {len(counts)}")
    rows = []
    for index, name in enumerate(names):
        floor, fake = counts[2 * index] / calls, counts[2 * index + 1] / calls
        rows.append((name, floor, fake, fake / floor))
    return rows


def _child(calls: int, only: str, real: bool = False) -> None:
    """For each case: a batch of the floor's calls, one of the fake's, and with ``real`` one of
    the fake's with ``real_signatures=True``; prints each case's name."""
    import percall

    from pytest_omics_cache import FakeOmics

    fake = FakeOmics(max_run_caches=10**9)
    for name, (operation, call) in percall.cases(fake, 6 * calls).items():
        if only and name != only:
            continue
        client, floor_client = percall.pair(fake, operation, call)
        # A full collection before each batch (not counted): otherwise the garbage of earlier
        # cases, all on one fake, is collected inside whichever batch happens to cross the
        # threshold, and that case alone looks 20 % dearer.
        gc.collect()
        functools.reduce(lambda _, __: call(floor_client), range(calls), None)
        for signing in (False, True) if real else (False,):
            gc.collect()
            with fake._activated(), percall.signing(fake, real=signing):
                functools.reduce(lambda _, __: call(client), range(calls), None)
        print(name.replace(" ", "_"))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(int(sys.argv[2]), sys.argv[3], real=sys.argv[4:5] == ["real"])
    else:
        rows = measure(
            int(sys.argv[1]) if len(sys.argv) > 1 else 200, sys.argv[2] if len(sys.argv) > 2 else ""
        )
        if rows is None:
            sys.exit("valgrind is not installed")
        for name, floor, fake, ratio in rows:
            print(f"{name:24} {fake:>12,.0f} / {floor:>12,.0f} = {ratio:.3f}x")
