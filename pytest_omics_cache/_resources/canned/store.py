"""Canned responses' state: what ``add_response`` queued, and which request each answers.

A canned response is to an operation no resource serves what a seed is to a resource: checked
against the model when it is added (the operation's *output* shape, as boto3 returns it),
rendered to the wire once, and then the answer of every request it matches (``handlers``).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_omics_cache._wire import answers as _answers
from pytest_omics_cache._wire import protocol as _protocol


@dataclass(eq=False)
class CannedResponse:
    """A response queued with ``add_response``; ``fired`` counts the requests it answered."""

    #: The operation it answers, as the model names it (``"GetWorkflow"``).
    operation: str
    #: The response as given (boto3 names and values), without ``ResponseMetadata``.
    response: Mapping[str, Any]
    #: Request parameters it is limited to (boto3 names); None answers any request.
    params: Mapping[str, Any] | None
    #: How many requests it answers; None for every one.
    times: int | None
    #: Requests it answered so far.
    fired: int = 0
    _headers: dict[str, str] = field(default_factory=dict, repr=False)
    _body: bytes = field(default=b"", repr=False)

    @property
    def unfired(self) -> bool:
        """True for a finite response that has not answered as many requests as asked."""
        return self.times is not None and self.fired < self.times

    def describe(self) -> str:
        """One line for the teardown check and for the explanation of a miss."""
        narrowed = "" if self.params is None else f" for params={dict(self.params)!r}"
        if self.times is None:
            return f"{self.operation} response{narrowed}: fired {self.fired} time(s), no limit"
        return f"{self.operation} response{narrowed}: fired {self.fired} of {self.times} time(s)"

    def mismatch(self, params: Mapping[str, Any]) -> str | None:
        """Why this response does not answer a request with ``params``; None if it does."""
        for name, expected in (self.params or {}).items():
            if name not in params:
                return f"the request has no {name} (expected {expected!r})"
            if params[name] != expected:
                return f"the request has {name}={params[name]!r}, not {expected!r}"
        if self.times is not None and self.fired >= self.times:
            return "used up"
        return None


# State, not a value: no generated __eq__ or __repr__, which would double its import cost.
@dataclass(repr=False, eq=False)
class CannedResponses:
    _items: list[CannedResponse] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, canned: CannedResponse) -> CannedResponse:
        operation = _protocol.spec(canned.operation)
        canned._headers, canned._body = _answers.render_output(operation, canned.response)
        with self._lock:
            self._items.append(canned)
        return canned

    def take(self, operation: str, params: Mapping[str, Any]) -> CannedResponse | None:
        """The first queued response that answers this request, counted as fired."""
        if not self._items:
            return None
        with self._lock:
            for canned in self._items:
                if canned.operation == operation and canned.mismatch(params) is None:
                    canned.fired += 1
                    return canned
        return None

    def explain_miss(self, operation: str, params: Mapping[str, Any]) -> str:
        """Why no queued response answered a request: each candidate and its reason."""
        with self._lock:
            candidates = [c for c in self._items if c.operation == operation]
        if not candidates:
            return f"no response is queued for {operation}."
        reasons = "".join(
            f"\n  {index}. {canned.describe()}: {canned.mismatch(params)}"
            for index, canned in enumerate(candidates, 1)
        )
        return f"none of the {len(candidates)} queued {operation} response(s) matches:{reasons}"

    def unfired(self) -> list[CannedResponse]:
        with self._lock:
            return [canned for canned in self._items if canned.unfired]
