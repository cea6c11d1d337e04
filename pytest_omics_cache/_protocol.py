"""rest-json on the wire: routing a raw HTTP request to an operation, reading its parameters,
and writing answers and errors the way the service does.

Every transport adapter (botocore today) hands this module a :class:`WireRequest` and sends back
the :class:`WireResponse` it gets, so all transports share one behaviour.
"""

from __future__ import annotations

import email.utils
import functools
import itertools
import json
import json.encoder
import json.scanner
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

from pytest_omics_cache import _hosts, _model

if TYPE_CHECKING:
    from botocore.model import OperationModel, Shape


class WireRequest(NamedTuple):
    """An HTTP request as it would leave the machine. ``headers`` look up case-insensitively,
    as HTTP's do (the adapters pass their library's own case-insensitive mapping)."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes


class WireResponse(NamedTuple):
    """An HTTP response as the service would send it."""

    status: int
    headers: dict[str, str]
    body: bytes


class MalformedRequest(Exception):
    """The request cannot be read as the operation's input (bad JSON, bad number...)."""


# --- routing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OperationSpec:
    """What the wire needs to know of one operation, read from the model once."""

    name: str
    model: OperationModel
    input_shape: Shape
    method: str
    #: Matches the end of a path, so a custom endpoint_url with a path prefix still routes.
    path: re.Pattern[str]
    success_status: int
    #: The input members by where they travel, as (boto3 name, name on the wire[, shape]).
    uri_members: tuple[tuple[str, str], ...]
    query_members: tuple[tuple[str, str, Shape], ...]
    body_members: tuple[tuple[str, str], ...]


def _uri_regex(request_uri: str) -> re.Pattern[str]:
    path_template = request_uri.split("?", 1)[0]
    parts = re.split(r"\{([^}]+)\}", path_template)
    regex = ""
    for index, part in enumerate(parts):
        if index % 2 == 0:
            regex += re.escape(part)
        elif part.endswith("+"):
            regex += f"(?P<{part[:-1]}>.+)"
        else:
            # An empty label still routes, so the service can answer it with its min-length rule.
            regex += f"(?P<{part}>[^/]*)"
    return re.compile(regex + "$")


@functools.cache
def spec(name: str) -> OperationSpec:
    model = _model.operation(name)
    input_shape = model.input_shape
    assert input_shape is not None  # every run-cache operation has one
    members = [
        (member_name, member.serialization.get("name", member_name), member)
        for member_name, member in input_shape.members.items()
    ]

    def located(where: str | None) -> list[tuple[str, str, Shape]]:
        return [m for m in members if m[2].serialization.get("location") == where]

    return OperationSpec(
        name=name,
        model=model,
        input_shape=input_shape,
        method=model.http["method"],
        path=_uri_regex(model.http["requestUri"]),
        success_status=model.http.get("responseCode", 200),
        uri_members=tuple((name, wire) for name, wire, _ in located("uri")),
        query_members=tuple(located("querystring")),
        # The run-cache operations have no header members; the rest is the JSON body.
        body_members=tuple((name, wire) for name, wire, _ in located(None)),
    )


class Routed(NamedTuple):
    """A request matched to a served operation."""

    operation: OperationSpec
    labels: re.Match[str]
    query: str


def find_operation(request: WireRequest, named: str | None = None) -> Routed | None:
    """The served operation of this request, or None.

    ``named`` is what the transport already knows (botocore names the operation it sends);
    it must still agree with the method and path. Without it the path alone decides.
    """
    return _route(request.method, request.url, named)


# Creates repeat one URL with new bodies: routing it once saves a regex per request. Small, so
# the entries of URLs that never repeat (deletes) die young instead of burdening the GC.
@functools.lru_cache(maxsize=64)
def _route(method: str, url: str, named: str | None) -> Routed | None:
    path, _, query = url.partition("?")
    # Drop scheme and host: "https://host/runCache/1" -> "/runCache/1"
    slash = path.find("/", path.find("//") + 2) if "//" in path else path.find("/")
    path = path[slash:] if slash >= 0 else "/"
    if named is not None:
        if named not in _model.SERVED_OPERATIONS:
            return None
        candidate = spec(named)
        labels = candidate.path.search(path) if candidate.method == method else None
        return None if labels is None else Routed(candidate, labels, query)
    for name in _model.SERVED_OPERATIONS:
        candidate = spec(name)
        labels = candidate.path.fullmatch(path) if candidate.method == method else None
        if labels is not None:
            return Routed(candidate, labels, query)
    return None


# --- reading requests -------------------------------------------------------------------------


# What the service reads as a number in a query string: ASCII digits, an optional sign. Python's
# int() would also take "1_0" and full-width digits, which no other service reading would.
_INTEGER = re.compile(r"[-+]?[0-9]+")


def _read_scalar(shape: Shape, raw: str) -> object:
    if shape.type_name in ("integer", "long"):
        if _INTEGER.fullmatch(raw) is None:
            raise MalformedRequest(f"'{raw}' is not a valid {shape.type_name}")
        return int(raw)
    return raw


def parse_params(routed: Routed, body: bytes) -> dict[str, object]:
    """The operation's input as boto3 names it (``{"id": "123"}``): from URI, query and body."""
    operation = routed.operation
    params: dict[str, object] = {}
    for name, wire_name in operation.uri_members:
        params[name] = unquote(routed.labels.group(wire_name))
    if operation.query_members and routed.query:
        query = dict(parse_qsl(routed.query, keep_blank_values=True))
        for name, wire_name, member in operation.query_members:
            if wire_name in query:
                params[name] = _read_scalar(member, query[wire_name])
    if operation.body_members:
        decoded = _read_json_body(body)
        for name, wire_name in operation.body_members:
            if wire_name in decoded:
                params[name] = decoded[wire_name]
    return params


def _read_json_body(raw: bytes) -> dict[str, object]:
    try:
        text = raw.decode()
    except UnicodeDecodeError as error:
        raise MalformedRequest(f"the request body is not valid JSON: {error}") from error
    decoded = _scan_object(text)
    if decoded is None:
        if not text.strip():
            return {}
        try:
            decoded = json.loads(text)
        except ValueError as error:
            raise MalformedRequest(f"the request body is not valid JSON: {error}") from error
    if not isinstance(decoded, dict):
        raise MalformedRequest("the request body is not a JSON object")
    return decoded


# typeshed types make_scanner's argument as itself; it takes the decoder whose settings it uses.
_scan_once: Callable[[str, int], tuple[object, int]] = json.scanner.make_scanner(
    json.JSONDecoder()  # type: ignore[arg-type]
)


def _scan_object(text: str) -> object | None:
    """``text`` decoded by json's own scanner, skipping ``json.loads``' Python layers (a third
    of the cost of a small body); None for anything but a plain well-formed object, which
    ``json.loads`` then reads (or explains)."""
    if not text.startswith("{"):
        return None
    try:
        decoded, end = _scan_once(text, 0)
    except (ValueError, StopIteration):
        return None
    return decoded if end == len(text) else None


# --- region -----------------------------------------------------------------------------------


def request_region(request: WireRequest, default: str) -> str:
    """The region the caller addressed: the SigV4 credential scope, else the host, else ``default``.

    The scope comes first because it is present even with a custom ``endpoint_url``.
    """
    # "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/omics/aws4_request, ...": the
    # region is the third '/'-separated part (an access key id has no '/'). Split, not a regex:
    # this runs on every request.
    authorization = request.headers.get("Authorization")
    if authorization and authorization.startswith("AWS4-"):
        scope = authorization.split("/", 4)
        if len(scope) == 5 and scope[3] and "," not in scope[2]:
            return scope[2]
    from_host = _hosts.region_of_host(urlsplit(request.url).hostname or "")
    return default if from_host is None else from_host


# --- writing responses ------------------------------------------------------------------------


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
            assert isinstance(value, datetime)
            return format_timestamp(value) if iso else value.timestamp()

        return timestamp
    return _plain


def item_body(shape: Shape, value: Mapping[str, object]) -> bytes:
    """``value`` serialized as ``shape`` (a structure), e.g. one item of a list."""
    return _dumps(_writer(shape)(dict(value))).encode()


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


def error_response(code: str, message: str) -> WireResponse:
    """An error as rest-json services send it: modeled status, x-amzn-ErrorType, JSON message."""
    status, body = _error_parts(code, message)
    return response(status, body, {"x-amzn-ErrorType": code})


@functools.lru_cache(maxsize=256)
def _error_parts(code: str, message: str) -> tuple[int, bytes]:
    # Tests inject the same error again and again (retries above all).
    return _model.error_status(code), _dumps({"message": message}).encode()
