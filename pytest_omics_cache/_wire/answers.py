"""rest-json answers: service results and errors written the way the service sends them.

Every served operation's handler, and every canned response, ends here: the model's success
status, members bound to headers as headers, a payload member as the body, the rest as JSON with
timestamps in the model's format, and ``x-amzn-RequestId``; errors with ``x-amzn-ErrorType``.
"""

from __future__ import annotations

import base64
import email.utils
import functools
import itertools
import json
import json.encoder
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from pytest_omics_cache._wire import model as _model
from pytest_omics_cache._wire.clock import timestamp as parse
from pytest_omics_cache._wire.protocol import OperationSpec, WireResponse

if TYPE_CHECKING:
    from botocore.model import Shape


def format_timestamp(value: datetime) -> str:
    # Not strftime("%Y"): the C library writes year 50 as "50", which parsers read as 2050;
    # isoformat always writes four digits (and is faster).
    utc = value.astimezone(timezone.utc).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


Writer = Callable[[object], object]


def _plain(value: object) -> object:
    return value


# Compiled once per shape: answers are written on every request, and most of a shape (strings,
# numbers, maps of strings) goes to the wire as it is.
@_model.per_shape
def _writer(shape: Shape) -> Writer:
    """What writes a value (boto3 names, Python values) as the JSON the wire carries for it."""
    kind = shape.type_name
    if shape.metadata.get("document"):
        # Free-form JSON, any JSON value: written as given, its nulls too (checked to be JSON).
        return _plain
    if kind == "structure":
        members = tuple(
            (name, member.serialization.get("name", name), _writer(member))
            for name, member in shape.members.items()  # type: ignore[attr-defined]
        )
        if all(name == wire and write is _plain for name, wire, write in members):

            def plain_structure(value: object) -> object:
                assert isinstance(value, dict)
                return {name: item for name, item in value.items() if item is not None}

            return plain_structure
        by_name = {name: (wire, write) for name, wire, write in members}

        def structure(value: object) -> object:
            assert isinstance(value, dict)
            wire: dict[str, object] = {}
            for name, item in value.items():
                if item is not None:
                    wire_name, write = by_name[name]
                    wire[wire_name] = write(item)
            return wire

        return structure
    if kind == "map":
        write_value = _writer(shape.value)  # type: ignore[attr-defined]
        if write_value is _plain:
            return _plain

        def mapping(value: object) -> object:
            assert isinstance(value, dict)
            return {key: write_value(item) for key, item in value.items()}

        return mapping
    if kind == "list":
        write_member = _writer(shape.member)  # type: ignore[attr-defined]
        if write_member is _plain:
            return _plain

        def listing(value: object) -> object:
            assert isinstance(value, (list, tuple))
            return [write_member(item) for item in value]

        return listing
    if kind == "timestamp":
        iso = shape.serialization.get("timestampFormat", "unixTimestamp") == "iso8601"

        def timestamp(value: object) -> object:
            if isinstance(value, str):  # ISO-8601 text, as add_response accepts it
                value = parse(value)
            assert isinstance(value, datetime)
            return format_timestamp(value) if iso else value.timestamp()

        return timestamp
    if kind == "blob":

        def blob(value: object) -> object:
            assert isinstance(value, (bytes, bytearray))
            return base64.b64encode(value).decode()

        return blob
    return _plain


def item_body(shape: Shape, value: Mapping[str, object]) -> bytes:
    """``value`` serialized as ``shape`` (a structure), e.g. one item of a list."""
    return _dumps(_writer(shape)(value if type(value) is dict else dict(value))).encode()


def _dumps_with(encoder: Any) -> Callable[[object], str]:
    return lambda value: "".join(encoder(value, 0))


# json's C encoder, built once: json.dumps builds one per call, most of the cost of a small body.
_c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)  # None where not CPython
_dumps: Callable[[object], str] = (
    json.JSONEncoder(separators=(",", ":")).encode
    if _c_make_encoder is None
    else _dumps_with(
        _c_make_encoder(
            None,  # no circular-reference check: answers are trees built here
            json.JSONEncoder().default,
            json.encoder.encode_basestring_ascii,
            None,  # no indent
            ":",
            ",",
            False,  # sort_keys
            False,  # skipkeys
            True,  # allow_nan
        )
    )
)


def output_body(operation: OperationSpec, result: Mapping[str, object]) -> bytes:
    """``result`` (boto3 names, Python values) as the JSON body of the operation's output."""
    output_shape = operation.model.output_shape
    return b"" if output_shape is None else item_body(output_shape, result)


def render_output(
    operation: OperationSpec, result: Mapping[str, object]
) -> tuple[dict[str, str], bytes]:
    """``result`` (boto3 names and values) as the operation's answer: the members the model
    binds to headers as headers, a payload member as the whole body, the rest as JSON."""
    shape = operation.model.output_shape
    if shape is None:
        return {}, b""
    members = shape.members
    payload = shape.serialization.get("payload")
    headers: dict[str, str] = {}
    in_body: dict[str, object] = {}
    for name, value in result.items():
        member = members[name]
        location = member.serialization.get("location")
        if location == "header":
            headers[member.serialization.get("name", name)] = _header_value(member, value)
        elif location == "headers":  # a map of headers under a common prefix
            prefix = member.serialization.get("name", "")
            for key, item in value.items():  # type: ignore[attr-defined]
                headers[prefix + key] = str(item)
        elif name != payload:
            in_body[name] = value
    if payload is None:
        return headers, item_body(shape, in_body)
    value = result.get(payload)
    member = members[payload]
    if member.type_name == "blob":
        body = bytes(value) if isinstance(value, (bytes, bytearray)) else b""
        return {"Content-Type": "application/octet-stream", **headers}, body
    return headers, (b"" if value is None else item_body(member, value))  # type: ignore[arg-type]


def _header_value(shape: Shape, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if shape.type_name == "timestamp":
        moment = parse(value) if isinstance(value, str) else value
        assert isinstance(moment, datetime)
        if shape.serialization.get("timestampFormat") == "iso8601":
            return format_timestamp(moment)
        return email.utils.format_datetime(moment.astimezone(timezone.utc), usegmt=True)
    return str(value)


@functools.lru_cache(maxsize=2)
def _http_date(second: int) -> str:
    return email.utils.formatdate(second, usegmt=True)


# Request ids look like the service's (UUIDs) and are unique in the process: a random prefix
# per process and a counter, which costs far less per response than uuid4().
_REQUEST_ID_PREFIX = str(uuid.uuid4())[:24]
_request_numbers = itertools.count(1)


def response(
    status: int, body: bytes, extra_headers: Mapping[str, str] | None = None
) -> WireResponse:
    headers = {
        "Date": _http_date(int(time.time())),
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
        "x-amzn-RequestId": f"{_REQUEST_ID_PREFIX}{next(_request_numbers):012x}",
    }
    if extra_headers:
        headers.update(extra_headers)
    return WireResponse(status, headers, body)


def error_response(code: str, message: str, *, status: int | None = None) -> WireResponse:
    """An error as rest-json services send it: the modeled status (or ``status``, for a code
    the model does not have), x-amzn-ErrorType, JSON message."""
    if status is None:
        status, body = _error_parts(code, message)
    else:
        body = _dumps({"message": message}).encode()
    return response(status, body, {"x-amzn-ErrorType": code})


@functools.lru_cache(maxsize=256)
def _error_parts(code: str, message: str) -> tuple[int, bytes]:
    # Tests inject the same error again and again (retries above all).
    return _model.error_status(code), _dumps({"message": message}).encode()
