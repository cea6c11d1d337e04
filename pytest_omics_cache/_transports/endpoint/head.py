"""The grammar of a request's head (RFC 9112): its request line, its header fields and how its
body is framed, read strictly. What is not HTTP/1.x is a ``RequestProblem``, answered as HTTP/1.1
with a status and code that agree; nothing is guessed at (http.server took a line it could not
read for HTTP/0.9 and answered it with a bare body, no status line).
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from pytest_omics_cache._transports.botocore_wire import Headers
from pytest_omics_cache._transports.endpoint import reading as reading
from pytest_omics_cache._transports.endpoint.reading import RequestProblem, parse_length, quoted

# RFC 9110 (5.6.2): what a method or a field name is made of.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# A request target has no space or control character, and no byte outside ASCII (RFC 3986).
_TARGET = re.compile(r"[\x21-\x7e]+")
_VERSION = re.compile(r"HTTP/([0-9])\.([0-9])")
# RFC 9110 (5.5): a field value may hold visible characters, spaces, tabs and obs-text only.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class Head(NamedTuple):
    """A request's head, read."""

    method: str
    target: str
    headers: Headers
    #: Whether the connection stays open after the answer.
    keep_alive: bool
    #: Whether the client waits for "100 Continue" before it sends the body.
    expects_continue: bool


def parse_head(raw: bytes) -> Head:
    """``raw`` (the request line and header fields, up to the empty line) read."""
    # Bytes as ISO-8859-1, as HTTP has always read header text: every byte is one character.
    lines = [
        line[:-1] if line.endswith("\r") else line for line in raw.decode("latin-1").split("\n")
    ][:-2]  # the empty line that ends the head, and the nothing after it
    parts = lines[0].split(" ")
    if len(parts) != 3 or not all(parts):
        raise RequestProblem(
            400,
            f"the request line {quoted(lines[0])} is not a method, a target and an HTTP version"
            " one space apart",
        )
    method, target, version = parts
    minor = _minor_version(version)
    if _TOKEN.fullmatch(method) is None:
        raise RequestProblem(400, f"the method {quoted(method)} is not an HTTP token")
    _check_target(method, target)
    fields = lines[1:]
    if len(fields) > reading.MAX_HEADER_FIELDS:
        raise RequestProblem(
            431,
            f"the request has {len(fields)} header fields, over the endpoint's limit of"
            f" {reading.MAX_HEADER_FIELDS}",
        )
    headers = _headers(fields)
    if minor >= 1 and headers.get("Host") is None:
        raise RequestProblem(400, "an HTTP/1.1 request must have a Host header")
    connection = {token.strip().lower() for token in headers.get("Connection", "").split(",")}
    return Head(
        method,
        target,
        headers,
        # HTTP/1.0 keep-alive is not offered: such a client is answered and the connection closed.
        keep_alive=minor >= 1 and "close" not in connection,
        expects_continue=minor >= 1 and headers.get("Expect", "").lower() == "100-continue",
    )


def _minor_version(version: str) -> int:
    match = _VERSION.fullmatch(version)
    if match is None:
        raise RequestProblem(400, f"{quoted(version)} is not an HTTP version such as HTTP/1.1")
    if match[1] != "1":
        raise RequestProblem(
            505, f"the endpoint speaks HTTP/1.1 (and HTTP/1.0), not {quoted(version)}"
        )
    # A later 1.x is read as 1.1, the highest minor version the endpoint knows (RFC 9110, 2.5).
    return int(match[2])


def _check_target(method: str, target: str) -> None:
    if _TARGET.fullmatch(target) is None:
        raise RequestProblem(
            400, f"the request target {quoted(target)} has a character no URL may have"
        )
    if target.startswith("/") or method == "CONNECT":  # a path; a tunnel's host:port
        return
    if target == "*":
        if method == "OPTIONS":
            return
        raise RequestProblem(400, f"only OPTIONS may have the target '*', not {quoted(method)}")
    # A whole URL, as a client sends it to its proxy.
    try:
        url = urlsplit(target)
        _ = url.port  # raises for a port that is no number, or out of range
    except ValueError:
        url = None
    if url is None or not url.scheme or not url.netloc:
        raise RequestProblem(
            400, f"the request target {quoted(target)} is neither a path nor a whole URL"
        )


def _headers(lines: list[str]) -> Headers:
    values: dict[str, str] = {}
    names: dict[str, str] = {}  # lower case -> the name as first sent
    for line in lines:
        name, colon, value = line.partition(":")
        if line[:1] in (" ", "\t"):
            raise RequestProblem(
                400, f"the header line {quoted(line)} continues the one before (obsolete folding)"
            )
        if not colon or _TOKEN.fullmatch(name) is None:
            raise RequestProblem(
                400, f"the header line {quoted(line)} is not a name, a colon and a value"
            )
        value = value.strip(" \t")
        if _CONTROL.search(value) is not None:
            raise RequestProblem(
                400, f"the value of the header {quoted(name)} has a control character"
            )
        lower = name.lower()
        first = names.get(lower)
        if first is None:
            names[lower] = name
            values[name] = value
        elif lower == "host":
            raise RequestProblem(400, "a request has one Host header, not several")
        else:  # a repeated field is one list-valued field (RFC 9110, 5.3)
            values[first] = f"{values[first]}, {value}"
    return Headers(values)


def body_length(head: Head) -> int | None:
    """The body's length as the head declares it (0 for none), or None for a chunked body; a
    RequestProblem for framing that cannot be read or a length over the body limit."""
    encoding = head.headers.get("Transfer-Encoding")
    length = head.headers.get("Content-Length")
    if encoding is not None:
        if length is not None:
            # Two framings that may disagree: the way requests are smuggled (RFC 9112, 6.1).
            raise RequestProblem(
                400, "the request has both Transfer-Encoding and Content-Length; send one"
            )
        codings = [coding.strip().lower() for coding in encoding.split(",")]
        if codings == ["chunked"]:
            return None
        if codings[-1] != "chunked":  # RFC 9112 (6.3): the body's end cannot be known
            raise RequestProblem(
                400, f"Transfer-Encoding {quoted(encoding)} does not end in chunked"
            )
        raise RequestProblem(
            501, f"Transfer-Encoding {quoted(encoding)}: the endpoint decodes only chunked"
        )
    if length is None:
        return 0
    size = parse_length(length)
    if size is None:
        raise RequestProblem(400, f"Content-Length {quoted(length)} is not a number of bytes")
    if size > reading.MAX_BODY_BYTES:
        raise RequestProblem(
            413,
            f"Content-Length {quoted(length)} is over the endpoint's limit of"
            f" {reading.MAX_BODY_BYTES} bytes",
        )
    return size
