"""The answer to any operation no resource serves: the first response queued for it with
``add_response`` that matches the request. The catalog also hands it to tags, for ARNs of
kinds the fake holds nothing of."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from pytest_omics_cache._core.handlers import Backend, Caller, Handler, Unserved
from pytest_omics_cache._resources.canned.store import CannedResponses
from pytest_omics_cache._wire import answers as _answers
from pytest_omics_cache._wire import protocol as _protocol
from pytest_omics_cache._wire.protocol import WireResponse


@functools.cache
def handler_for(operation: str) -> Handler:
    """The handler of an operation no resource module serves: its first queued response that
    matches, or :class:`Unserved` saying why none does."""
    spec = _protocol.spec(operation)

    def canned_answer(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> WireResponse:
        canned = backend.stores[CannedResponses]
        found = canned.take(operation, params)
        if found is None:
            raise Unserved(canned.explain_miss(operation, params))
        return _answers.response(spec.success_status, found._body, found._headers)

    return canned_answer
