"""Fixed-seed random sequences, the same in every fake: ids and UUIDs repeat run to run, and
pytest-randomly reseeding the global ``random`` cannot change them.

Every test's fake starts its sequences afresh, and seeding a Mersenne Twister costs more than
the rest of a test's ``add_run_cache``. So the opening of each sequence is drawn once per
process and shared; a fake that draws past it continues from the generator's state there.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from typing import Generic, TypeVar, cast

T = TypeVar("T")

#: How many draws of each sequence are made once per process: more than most tests use.
OPENING = 32


class Draws(Generic[T]):
    """``draw(random.Random(seed))``, again and again: the same values as that generator gives."""

    __slots__ = ("_at", "_draw", "_rest", "_seed")

    def __init__(self, seed: int, draw: Callable[[random.Random], T]) -> None:
        self._seed = seed
        self._draw = draw
        self._at = 0
        self._rest: random.Random | None = None

    def next(self) -> T:
        at = self._at
        if at < OPENING:
            self._at = at + 1
            return cast(T, _opening(self._seed, self._draw)[0][at])
        if self._rest is None:
            self._rest = random.Random()
            self._rest.setstate(_opening(self._seed, self._draw)[1])
        return self._draw(self._rest)


@functools.cache
def _opening(
    seed: int, draw: Callable[[random.Random], object]
) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """The first ``OPENING`` draws from ``random.Random(seed)``, and its state after them."""
    generator = random.Random(seed)
    values = tuple(draw(generator) for _ in range(OPENING))
    return values, generator.getstate()


def uuid4_text(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))``, for a fraction of its cost."""
    bits = (bits & ~(0xF000 << 64) | (4 << 76)) & ~(0xC000 << 48) | (0x8000 << 48)
    text = f"{bits:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
