"""Why a call's wall-time ratio is larger than its instruction ratio: callgrind's simulation of
the caches and the branch predictor, per call, for the floor, the fake and the fake with
``real_signatures=True``.

An instruction count weighs every instruction the same. The CPU does not: an instruction whose
code is not in the L1 instruction cache, or whose data is not in the L1 data cache, or a branch
the predictor guessed wrong, costs many cycles more. A fake adds code to botocore's path, and
code the CPU has not run lately misses more than its share. This counts those events per call,
with the same batches as ``instructions.py``, and weighs them into an estimate of cycles:

    cycles ~ instructions + 10 x L1 misses + 100 x last-level misses + 15 x mispredicted branches

The weights are a rough model of a current x86 core (a choice, not a measurement); the counts
are exact for callgrind's simulated caches, which are not this machine's.

    python3 bench/misses.py [calls [case]]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).parent))

import instructions

FLAGS = ("--cache-sim=yes", "--branch-sim=yes")
KINDS = ("floor", "fake", "fake, real signatures")


class Events(NamedTuple):
    """What one call costs, by callgrind's simulation."""

    instructions: float
    l1_misses: float
    last_level_misses: float
    mispredicted: float

    @property
    def cycles(self) -> float:
        """The estimate of the module docstring."""
        return (
            self.instructions
            + 10 * self.l1_misses
            + 100 * self.last_level_misses
            + 15 * self.mispredicted
        )


def _per_call(events: dict[str, int], calls: int) -> Events:
    return Events(
        events["Ir"] / calls,
        (events["I1mr"] + events["D1mr"] + events["D1mw"]) / calls,
        (events["ILmr"] + events["DLmr"] + events["DLmw"]) / calls,
        (events["Bcm"] + events["Bim"]) / calls,
    )


def measure(calls: int, only: str = "") -> dict[str, dict[str, Events]] | None:
    """case -> kind (of KINDS) -> Events per call; None without valgrind."""
    # instructions.py's batches: the floor, the fake, the fake with real signatures.
    counted = instructions.simulated(instructions.__file__, FLAGS, str(calls), only, "real")
    if counted is None:
        return None
    names, batches = counted
    if len(batches) != len(KINDS) * len(names):
        raise RuntimeError(f"expected {len(KINDS) * len(names)} batches, got {len(batches)}")
    return {
        name: {
            kind: _per_call(batches[len(KINDS) * index + at], calls)
            for at, kind in enumerate(KINDS)
        }
        for index, name in enumerate(names)
    }


def _ratio(fake: float, floor: float) -> str:
    # A ratio of a handful of events (last-level misses: callgrind's simulated LL is large) says
    # nothing.
    return f"{fake / floor:.3f}x" if floor >= 100 else "-"


if __name__ == "__main__":
    measured = measure(
        int(sys.argv[1]) if len(sys.argv) > 1 else 200, sys.argv[2] if len(sys.argv) > 2 else ""
    )
    if measured is None:
        sys.exit("valgrind is not installed")
    print("per call: instructions, L1 misses, last-level misses, mispredicted branches, cycles")
    for name, kinds in measured.items():
        floor = kinds["floor"]
        print(name)
        for kind, events in kinds.items():
            print(
                f"  {kind:<24}"
                + "".join(f"{value:>12,.0f}" for value in events)
                + f"{events.cycles:>12,.0f}"
            )
            if kind != "floor":
                print(
                    f"  {'  / floor':<24}"
                    + "".join(
                        f"{_ratio(value, base):>12}"
                        for value, base in zip(events, floor, strict=True)
                    )
                    + f"{_ratio(events.cycles, floor.cycles):>12}"
                )
