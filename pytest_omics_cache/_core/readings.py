"""Reading each request once: what it asks (operation, parameters, broken rules) depends only on
its bytes, and tests send the same bytes again and again (retries and polls above all).

A create's body carries an idempotency token that botocore makes anew for every call, so its
bytes never repeat. Such a request is read once per *shape*: the body with the token's text cut
out. A later request of the same shape gets the earlier reading with its own token, which alone
is then checked against the model. Reading and validating the rest of the body again would give
the same answer, at a fifth of the fake's cost of a StartRun.

A request whose path ends in its resource's id (``GET /runCache/1234567``) is read once per
shape too, the URL with that last segment cut out: a test's requests name one resource after
another (each test seeds its own), and only the new id needs checking.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from pytest_omics_cache._core.handlers import Handler
from pytest_omics_cache._wire import model as _model
from pytest_omics_cache._wire import protocol as _protocol
from pytest_omics_cache._wire import validate as _validate


class Reading(NamedTuple):
    operation: _protocol.OperationSpec
    # A plain dict, shared by every request with the same bytes: handlers only read it (typed
    # Mapping), and the call log hands it out read-only. A dict of strings is one the garbage
    # collector never tracks, where a read-only proxy would be one more object per request.
    params: Mapping[str, Any]
    problems: tuple[_validate.Violation, ...]
    #: Why the request cannot be read, as (the service's error code, its message), if it cannot.
    malformed: tuple[str, str] | None
    handler: Handler


#: How many readings (and shapes) a fake keeps: far more than any test repeats.
MAX_KEPT = 4096


class _Token(NamedTuple):
    """An operation's idempotency token: its boto3 name, the body's text up to its value, and
    the model's checks of its value."""

    name: str
    key: bytes
    check: _validate.Validator


Read = Callable[[_protocol.WireRequest, str | None, str], Reading]


class Readings:
    """The readings of one fake's requests."""

    def __init__(self) -> None:
        self._kept: dict[tuple[object, ...], Reading] = {}
        self._shapes: dict[tuple[object, ...], Reading] = {}

    def get(
        self, request: _protocol.WireRequest, operation: str | None, transport: str, read: Read
    ) -> Reading:
        """The reading of ``request`` (``operation`` as the transport names it, if it does);
        ``read`` reads a request the first time. (Passed in, not kept: a service that held
        itself through its readings would be freed only by the garbage collector.)"""
        key = (request.method, request.url, request.body, operation)
        reading = self._kept.get(key)
        if reading is not None:
            return reading
        label = None
        if operation is not None:
            token = _token(operation)
            if token is not None:
                return self._with_token(request, operation, transport, token, read)
            label = _last_label(operation)
        if label is not None:
            reading = self._with_label(request, operation, transport, label, read)
        else:
            reading = read(request, operation, transport)
        # Requests with a token read here (from a transport that does not name the operation)
        # are not kept either: their bytes never repeat.
        if len(self._kept) < MAX_KEPT and _bytes_decide(reading.operation):
            self._kept[key] = reading
        return reading

    def _with_token(
        self,
        request: _protocol.WireRequest,
        operation: str | None,
        transport: str,
        token: _Token,
        read: Read,
    ) -> Reading:
        body = request.body
        span = _token_span(body, token.key)
        if span is None:  # not a body this shortcut can be sure of: read it all
            return read(request, operation, transport)
        start, end = span
        value = body[start:end].decode()  # ASCII: json.dumps escapes everything else
        shape = (request.method, request.url, body[:start] + body[end:], start, operation)
        return self._of_shape(
            shape, token.name, value, token.check, request, operation, transport, read
        )

    def _with_label(
        self,
        request: _protocol.WireRequest,
        operation: str | None,
        transport: str,
        label: _Label,
        read: Read,
    ) -> Reading:
        url = request.url
        end = url.find("?")
        if end < 0:
            end = len(url)
        slash = url.rfind("/", 0, end)
        value = url[slash + 1 : end]
        if not value or "%" in value:  # quoted, or empty: read it all
            return read(request, operation, transport)
        shape = (request.method, url[:slash], url[end:], request.body, operation)
        return self._of_shape(
            shape, label.name, value, label.check, request, operation, transport, read
        )

    def _of_shape(
        self,
        shape: tuple[object, ...],
        name: str,
        value: str,
        check: _validate.Validator,
        request: _protocol.WireRequest,
        operation: str | None,
        transport: str,
        read: Read,
    ) -> Reading:
        """The reading of a request whose parameter ``name`` is ``value`` and whose bytes are
        otherwise ``shape``: an earlier request's of that shape with ``value`` put in, when
        ``value`` passes ``check``; else the request read in full (and kept for its shape)."""
        earlier = self._shapes.get(shape)
        if earlier is not None and not check(value, name):
            params = {**earlier.params, name: value}
            return Reading(earlier.operation, params, (), None, earlier.handler)
        # A broken value is read in full, so its message lists every broken rule in order.
        reading = read(request, operation, transport)
        if (
            earlier is None
            and len(self._shapes) < MAX_KEPT
            and not reading.problems
            and reading.malformed is None
            and reading.params.get(name) == value
        ):
            self._shapes[shape] = reading
        return reading


def _bytes_decide(spec: _protocol.OperationSpec) -> bool:
    """Whether a request's method, URL and body alone decide its reading: no parameter in a
    header (read anew each time), no upload (a payload body, never kept), no idempotency token
    (whose bytes never repeat)."""
    return not spec.header_members and spec.payload is None and not spec.model.idempotent_members


class _Label(NamedTuple):
    """The path label an operation's URI ends in: its boto3 name and the model's checks."""

    name: str
    check: _validate.Validator


@functools.cache
def _last_label(operation: str) -> _Label | None:
    """The label ``operation``'s path ends in (``/runCache/{id}``), if its requests can be read
    once per shape: every other parameter in the URL's other text or in the body, none in a
    header, no upload, no idempotency token."""
    if operation not in _model.operation_names():
        return None
    spec = _protocol.spec(operation)
    if not _bytes_decide(spec):
        return None
    path = spec.model.http["requestUri"].split("?", 1)[0]
    if not path.endswith("}") or path.endswith("+}"):
        return None
    wire = path[path.rfind("{") + 1 : -1]
    if not path.endswith(f"/{{{wire}}}"):
        return None
    names = [name for name, on_wire in spec.uri_members if on_wire == wire]
    if len(names) != 1:
        return None
    shape = spec.input_shape.members[names[0]]  # type: ignore[attr-defined]
    return _Label(names[0], _validate.validator(shape))


@functools.cache
def _token(operation: str) -> _Token | None:
    """The idempotency token ``operation``'s body carries, if the model gives it one."""
    if operation not in _model.operation_names():
        return None
    spec = _protocol.spec(operation)
    wire = dict(spec.body_members)
    for name in spec.model.idempotent_members:
        if name in wire:
            shape = spec.input_shape.members[name]  # type: ignore[attr-defined]
            # Written as botocore writes it, with json.dumps' separator.
            key = f'"{wire[name]}": "'.encode()
            return _Token(name, key, _validate.validator(shape))
    return None


def _token_span(body: bytes, key: bytes) -> tuple[int, int] | None:
    """Where the token's text is in ``body``, written as botocore writes it
    (``"requestId": "..."``), or None unless that is certain: the key exactly once (a map's key
    of that name makes it twice), its value a string with no escapes (so the text between the
    quotes is the value)."""
    at = body.find(key)
    if at < 0 or body.find(key, at + 1) >= 0:
        return None
    start = at + len(key)
    end = body.find(b'"', start)
    if end < 0 or body.find(b"\\", start, end) >= 0:
        return None
    return start, end
