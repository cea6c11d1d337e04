"""rest-json on the wire: routing a raw HTTP request to an operation, reading its parameters,
and writing answers and errors the way the service does.

Every transport adapter (botocore today) hands this module a :class:`WireRequest` and sends back
the :class:`WireResponse` it gets, so all transports share one behaviour.
"""

from __future__ import annotations

import functools
import json
import json.encoder
import json.scanner
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

from pytest_omics_cache._wire import hosts as _hosts
from pytest_omics_cache._wire import model as _model

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


#: What a rest-json service answers a body it cannot read: not JSON, not an object, a member
#: of the wrong JSON type. Not an error of the omics model, so its status is not there either:
#: 400, as AWS sends it.
SERIALIZATION = "SerializationException"
SERIALIZATION_STATUS = 400


class MalformedRequest(Exception):
    """The request cannot be read as the operation's input: ``code`` is the service's answer
    (SerializationException for a body, ValidationException for a query or header value that
    is no value of its type), ``message`` its text."""

    def __init__(self, message: str, code: str = SERIALIZATION) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


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
    header_members: tuple[tuple[str, str, Shape], ...]
    body_members: tuple[tuple[str, str], ...]
    #: The input member that is the whole body (a blob upload), if any.
    payload: str | None


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
    assert input_shape is not None  # every omics operation has one
    members = [
        (member_name, member.serialization.get("name", member_name), member)
        for member_name, member in input_shape.members.items()
    ]
    payload = input_shape.serialization.get("payload")

    def located(where: str | None) -> list[tuple[str, str, Shape]]:
        return [
            m for m in members if m[2].serialization.get("location") == where and m[0] != payload
        ]

    return OperationSpec(
        name=name,
        model=model,
        input_shape=input_shape,
        method=model.http["method"],
        path=_uri_regex(model.http["requestUri"]),
        success_status=model.http.get("responseCode", 200),
        uri_members=tuple((name, wire) for name, wire, _ in located("uri")),
        query_members=tuple(located("querystring")),
        header_members=tuple(located("header")),
        body_members=tuple((name, wire) for name, wire, _ in located(None)),
        payload=payload,
    )


@functools.cache
def _by_method() -> dict[str, tuple[OperationSpec, ...]]:
    found: dict[str, list[OperationSpec]] = {}
    for name in _model.service_model().operation_names:
        operation = spec(name)
        found.setdefault(operation.method, []).append(operation)
    return {method: tuple(operations) for method, operations in found.items()}


class Routed(NamedTuple):
    """A request matched to an operation of the model."""

    operation: OperationSpec
    labels: re.Match[str]
    query: str


def find_operation(request: WireRequest, named: str | None = None) -> Routed | None:
    """The operation of this request, or None when none of the model's fits it.

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
        if named not in _model.operation_names():
            return None
        candidate = spec(named)
        labels = candidate.path.search(path) if candidate.method == method else None
        return None if labels is None else Routed(candidate, labels, query)
    for candidate in _by_method().get(method, ()):
        labels = candidate.path.fullmatch(path)
        if labels is not None:
            return Routed(candidate, labels, query)
    return None


# --- reading requests -------------------------------------------------------------------------


# What the service reads as a number in a query string: ASCII digits, an optional sign. Python's
# int() would also take "1_0" and full-width digits, which no other service reading would.
_INTEGER = re.compile(r"[-+]?[0-9]+")
_BOOLEANS = {"true": True, "false": False}
#: The values each number type of the model holds (Smithy: integer is 32-bit, long 64-bit): a
#: service reads a query value beyond them as no value of the type at all.
_RANGES = {"integer": 2**31, "long": 2**63}
#: Digits a long can have. A longer text is read without its leading zeros, and is out of range
#: if still longer: never converted whole, which for thousands of digits is slow and, past
#: Python's limit (4300 unless set otherwise), refused.
_MAX_DIGITS = len(str(2**63))


def _read_scalar(shape: Shape, raw: str) -> object:
    kind = shape.type_name
    if kind in ("integer", "long"):
        number = _read_integer(raw)
        if number is None or not -_RANGES[kind] <= number < _RANGES[kind]:
            raise MalformedRequest(f"'{raw}' is not a valid {kind}", "ValidationException")
        return number
    if kind == "boolean":
        if raw not in _BOOLEANS:
            raise MalformedRequest(f"'{raw}' is not a valid boolean", "ValidationException")
        return _BOOLEANS[raw]
    return raw


def _read_integer(raw: str) -> int | None:
    """The integer ``raw`` writes, or None for text that writes none or one longer than a long."""
    if _INTEGER.fullmatch(raw) is None:
        return None
    if len(raw) <= _MAX_DIGITS:
        return int(raw)
    digits = raw.lstrip("+-").lstrip("0") or "0"
    if len(digits) > _MAX_DIGITS:
        return None
    return -int(digits) if raw.startswith("-") else int(digits)


def parse_params(routed: Routed, request: WireRequest) -> dict[str, object]:
    """The operation's input as boto3 names it (``{"id": "123"}``): from URI, query, headers
    and body."""
    operation = routed.operation
    params: dict[str, object] = {}
    for name, wire_name in operation.uri_members:
        params[name] = unquote(routed.labels.group(wire_name))
    if operation.query_members and routed.query:
        query: dict[str, list[str]] = {}
        for key, value in parse_qsl(routed.query, keep_blank_values=True):
            query.setdefault(key, []).append(value)
        for name, wire_name, member in operation.query_members:
            values = query.get(wire_name)
            if values is None:
                continue
            if member.type_name == "list":
                item = member.member  # type: ignore[attr-defined]
                params[name] = [_read_scalar(item, value) for value in values]
            else:
                params[name] = _read_scalar(member, values[0])
    for name, header, member in operation.header_members:
        text = request.headers.get(header)
        if text is not None:
            params[name] = _read_scalar(member, text)
    if operation.payload is not None:
        # The whole body, even an empty one: on the wire an empty upload and none look alike.
        params[operation.payload] = request.body
    elif operation.body_members:
        decoded = _read_json_body(request.body)
        for name, wire_name in operation.body_members:
            if wire_name in decoded:
                params[name] = decoded[wire_name]
    return params


def _read_json_body(raw: bytes) -> dict[str, object]:
    try:
        text = raw.decode()
    except UnicodeDecodeError as error:
        raise MalformedRequest(_bad_utf8(raw, error.start)) from None
    decoded = _scan_object(text)
    if decoded is None:
        if not text.strip():
            return {}
        decoded = _decode(text)
    if not isinstance(decoded, dict):
        if decoded is None:  # *Choice*: a null body, like a null member, sets nothing
            return {}
        raise MalformedRequest(unreadable_value(decoded, "a Structure"))
    return decoded


def _non_standard(name: str) -> object:
    # NaN and Infinity are not JSON, though Python's decoder reads them by default.
    raise _NonStandard(name)


class _NonStandard(ValueError):
    pass


_DECODER = json.JSONDecoder(parse_constant=_non_standard)
# typeshed types make_scanner's argument as itself; it takes the decoder whose settings it uses.
_scan_once: Callable[[str, int], tuple[object, int]] = json.scanner.make_scanner(
    _DECODER  # type: ignore[arg-type]
)


def _scan_object(text: str) -> object | None:
    """``text`` decoded by json's own scanner, skipping ``json.loads``' Python layers (a third
    of the cost of a small body); None for anything but a plain well-formed object, which
    ``_decode`` then reads (or explains)."""
    if not text.startswith("{"):
        return None
    try:
        decoded, end = _scan_once(text, 0)
    except (ValueError, StopIteration, RecursionError):
        return None
    return decoded if end == len(text) else None


def _decode(text: str) -> object:
    """``text`` decoded, or the service's SerializationException for a body it cannot read,
    worded as AWS's JSON readers word it (never Python's own text)."""
    try:
        return _DECODER.decode(text)
    except _NonStandard as error:
        raise MalformedRequest(f"Non-standard token '{error}'") from None
    except json.JSONDecodeError as error:
        if error.pos >= len(text) or error.msg.startswith("Unterminated"):
            raise MalformedRequest(f"Unexpected end of input {_at(text, len(text))}") from None
        raise MalformedRequest(
            f"Unexpected character ({_shown(text[error.pos])}) {_at(text, error.pos)}"
        ) from None
    except RecursionError:  # nested deeper than the decoder goes
        raise MalformedRequest("Document nesting depth exceeds the maximum allowed") from None
    except ValueError:  # a number of more digits than Python reads (4300 unless set otherwise)
        raise MalformedRequest("Number value length exceeds the maximum allowed") from None


def _bad_utf8(raw: bytes, start: int) -> str:
    before = raw[:start].decode()  # valid: the first bad byte is at ``start``
    return f"Invalid UTF-8 byte 0x{raw[start]:02x} {_at(before, len(before))}"


def _at(text: str, position: int) -> str:
    """Where ``position`` of ``text`` is, as a reader of it counts: line and column from 1."""
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return f"at line {line}, column {column}"


def _shown(character: str) -> str:
    code = ord(character)
    return f"'{character}' (code {code})" if character.isprintable() else f"CTRL-CHAR, code {code}"


def unreadable_value(value: object, expected: str) -> str:
    """The SerializationException text for a JSON ``value`` where ``expected`` (``"an
    Integer"``) belongs, worded as AWS's JSON readers word it. *Choice*: the token names AWS
    sends for strings and numbers, and the same pattern for booleans and nulls."""
    if isinstance(value, dict):
        return "Start of structure or map found where not expected"
    if isinstance(value, list):
        return "Start of list found where not expected"
    if isinstance(value, str):
        token = "STRING_VALUE"
    elif isinstance(value, bool):
        token = "BOOLEAN_VALUE"
    elif value is None:
        token = "NULL_VALUE"
    else:
        token = "NUMBER_VALUE"
    return f"{token} can not be converted to {expected}"


# --- region -----------------------------------------------------------------------------------


def request_region(request: WireRequest, default: str) -> str:
    """The region the caller addressed: the SigV4 credential scope, else the host, else ``default``.

    The scope comes first because it is present even with a custom ``endpoint_url``.
    """
    scope = _credential_scope(request)
    # A scope with an empty region or service is malformed: the host decides then.
    if scope is not None and scope[2] and scope[3] and "," not in scope[2]:
        return scope[2]
    from_host = _hosts.region_of_host(urlsplit(request.url).hostname or "")
    return default if from_host is None else from_host


def signed_service(request: WireRequest) -> str | None:
    """The service a SigV4-signed request's credential scope names, if it names one."""
    scope = _credential_scope(request)
    return scope[3] or None if scope is not None else None


def _credential_scope(request: WireRequest) -> list[str] | None:
    # "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/omics/aws4_request, ...": the
    # region and service are the third and fourth '/'-separated parts (an access key id has no
    # '/'). Split, not a regex: this runs on every request.
    authorization = request.headers.get("Authorization")
    if authorization and authorization.startswith("AWS4-"):
        scope = authorization.split("/", 4)
        if len(scope) == 5:
            return scope
    return None
