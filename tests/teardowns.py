"""A fake that a test stops itself, to assert on what its teardown check says."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from pytest_omics_cache import FakeOmics, mock_omics


@contextlib.contextmanager
def checked_at_exit() -> Iterator[tuple[FakeOmics, list[str]]]:
    """A started ``mock_omics`` fake, and a list that holds its teardown failure once the block
    ends. It is stopped even when the block fails, so no fake outlives the test."""
    mock = mock_omics()
    failures: list[str] = []
    fake = mock.start()
    try:
        yield fake, failures
    finally:
        try:
            mock.stop()
        except AssertionError as failure:
            failures.append(str(failure))
