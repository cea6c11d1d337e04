"""The record part of ``FakeOmics``: the calls it served and a summary of what it holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_omics_cache._api import summary as _summary
from pytest_omics_cache._core import arguments as _arguments
from pytest_omics_cache._resources import catalog
from pytest_omics_cache._resources.canned.store import CannedResponses

if TYPE_CHECKING:
    from pytest_omics_cache._core.calls import Call, CallLog
    from pytest_omics_cache._core.handlers import Backend
    from pytest_omics_cache._core.injections import Injections


class RecordApi:
    """The call log and the summary (a part of ``FakeOmics``)."""

    _backend: Backend
    _calls: CallLog
    _injections: Injections

    def get_calls(self, operation: str | None = None) -> list[Call]:
        """Every request served so far, in order; only ``operation``'s if given
        (e.g. ``"GetRunCache"``). Each HTTP attempt is one call, so retries show up.
        A name the fake never serves (``"delete_run_cache"``) is a ``ValueError``."""
        __tracebackhide__ = True
        _arguments.check_operation("get_calls", operation)
        return self._calls.select(operation)

    def get_call(self, operation: str | None = None) -> Call:
        """The single request served (of ``operation``, if given).

        Raises ``AssertionError`` listing what was served when there is none or more than one,
        and ``ValueError`` for a name the fake never serves.
        """
        __tracebackhide__ = True
        _arguments.check_operation("get_call", operation)
        return self._calls.single(operation)

    def summary(self) -> str:
        """What this fake has served and holds, as text: the calls (operation, region, status,
        error), the run caches and runs per account and region, unserved requests, unfired
        injections and responses, and a note when requests came from a region or account other
        than where things are held. A failing test's report shows it as its ``fake_omics``
        section."""
        return _summary.summary(
            calls=self._calls.select(None),
            held=catalog.held(self._backend),
            unfired=[*self._injections.unfired(), *self._backend.stores[CannedResponses].unfired()],
        )
