"""The record of every request the fake served, for assertions in tests."""

from __future__ import annotations

import reprlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class Call:
    """One request the fake answered: one HTTP attempt, so a retried call is several.

    ``params`` are the request's parameters as boto3 names them (``{"id": "1234567"}``),
    read back from the wire request botocore built. That includes what botocore adds itself:
    CreateRunCache's and StartRun's ``requestId``, an idempotency token botocore draws at
    random when the code under test passes none. Compare around it with ``unittest.mock.ANY``
    (``{"name": "wgs", "requestId": ANY, ...}``).
    """

    #: The operation, as the model names it (``"GetRunCache"``); ``""`` for a request no
    #: operation of the model has the method and path of.
    operation: str
    #: The request's parameters as boto3 names them, read back from the wire.
    params: Mapping[str, Any]
    #: The region the request addressed: its signature's credential scope, else its host's.
    region: str
    #: The account it came from (the fake's ``account``).
    account: str
    #: The HTTP status sent; None when a transport fault was injected (no response at all).
    status_code: int | None
    #: The error code sent (``"ResourceNotFoundException"``), or None for a success.
    error_code: str | None
    #: The HTTP request's method, as the client built it.
    method: str
    #: The HTTP request's URL.
    url: str
    #: The HTTP request's headers (case-insensitive).
    headers: Mapping[str, str] = field(repr=False)
    #: The injected transport fault (``"read-timeout"``), or None.
    fault: str | None = None
    #: True for a request nothing answered (no registry, no queued response): it raised
    #: ``UnservedRequestError`` and fails the test at teardown.
    unserved: bool = False
    #: How the request reached the fake: ``"botocore"``, ``"aiobotocore"``, ``"requests"``, or
    #: ``"endpoint"`` (the loopback HTTP endpoint: another process, or an HTTP client of this
    #: one that is none of the others), or ``"socket"``: a connection to a HealthOmics host that
    #: an HTTP stack the fake does not serve tried, refused at the socket layer (``unserved``;
    #: ``method`` is ``"CONNECT"``, ``params`` are ``host``, ``port`` and ``by``, the stack).
    transport: str = "botocore"
    #: True for a request to a region HealthOmics is not available in (per botocore's endpoint
    #: data): it was refused, as AWS would not answer it either (in this process, the client got
    #: botocore's ``EndpointConnectionError``; through ``endpoint_url``, a 501), and it is
    #: ``unserved``, so it fails the test at teardown.
    no_omics_in_region: bool = False

    def describe(self) -> str:
        if self.transport == "socket":
            return (
                f"a connection to {self.url.removeprefix('https://')} by {self.params['by']}"
                " -> refused at the socket layer"
            )
        if self.unserved:
            what = self.operation or f"{self.method} {self.url}"
            why = ": HealthOmics is not available there" if self.no_omics_in_region else ""
            return f"{what}({_format_params(self.params)}) in {self.region} -> unserved{why}"
        if self.fault is not None:
            return (
                f"{self.operation}({_format_params(self.params)}) in {self.region}"
                f" -> fault {self.fault}"
            )
        outcome = self.error_code or "OK"
        return (
            f"{self.operation}({_format_params(self.params)}) in {self.region}"
            f" -> {self.status_code} {outcome}"
        )


def _format_params(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{name}={_shown(value)}" for name, value in params.items())


def _shown(value: object) -> str:
    try:
        return repr(value)
    except RecursionError:  # a refused document nested deeper than repr goes: its outline
        return reprlib.repr(value)


#: A served request as the log keeps it: Call's fields, in Call's order.
Record = tuple[
    str,
    Mapping[str, Any],
    str,
    str,
    int | None,
    str | None,
    str,
    str,
    Mapping[str, str],
    str | None,
    bool,
    str,
    bool,
]

#: Where a Record holds Call.unserved.
_UNSERVED_AT = 10


# State, not a value: no generated __eq__ or __repr__, which would double its import cost.
@dataclass(repr=False, eq=False)
class CallLog:
    # Plain tuples on the request path, Call objects only when a test reads them: recording
    # runs on every request, reading only in assertions.
    _records: list[Record] = field(default_factory=list)
    _built: list[Call] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, record: Record) -> None:
        # list.append is atomic; the lock only guards reads that build Calls.
        self._records.append(record)

    def select(self, operation: str | None) -> list[Call]:
        with self._lock:
            built, records = self._built, self._records
            # Calls built earlier are kept, so every read returns the same objects.
            built.extend(
                # Read-only: the params are shared with the fake's reading of the request.
                Call(record[0], MappingProxyType(record[1]), *record[2:])
                for record in records[len(built) : len(records)]
            )
            return [c for c in built if operation is None or c.operation == operation]

    def unserved(self) -> list[Call]:
        """The requests nothing answered. Checked at every teardown: Calls are built only when
        there is one."""
        if not any(record[_UNSERVED_AT] for record in self._records):
            return []
        return [call for call in self.select(None) if call.unserved]

    def single(self, operation: str | None) -> Call:
        __tracebackhide__ = True
        matches = self.select(operation)
        if len(matches) == 1:
            return matches[0]
        wanted = "call" if operation is None else f"{operation} call"
        everything = self.select(None)
        listing = "\n".join(f"  {i}. {c.describe()}" for i, c in enumerate(everything, 1))
        raise AssertionError(
            f"expected exactly one {wanted}, found {len(matches)}."
            + (f" Calls served:\n{listing}" if everything else " No calls were served.")
            + ("\nUse get_calls() to inspect several." if len(matches) > 1 else "")
        )
