"""How the loopback endpoint reads a request off its socket: one bounded reader, its limits, and
the one parser of lengths.

Every byte the endpoint takes from a client goes through ``Reader``, which never holds more than
a limit allows and never waits past a deadline. A request that breaks a limit, or that is not
HTTP/1.1 as RFC 9112 writes it, is a ``RequestProblem``: the status and the error code it is
answered with, and a message that quotes the client's value cut short (``quoted``). The request
head's grammar is ``head``'s; answering is ``exchange``'.

The limits are module constants read when used, so a test can shorten one with monkeypatch.
"""

from __future__ import annotations

import re
import socket
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

#: The longest request head (request line and header fields), in bytes. The longest head a
#: model-valid HealthOmics request makes is a quarter of it: UntagResource's 50 tag keys of up to
#: 128 characters, percent-encoded into the query, come to under 60 KB; a 10,000-character
#: nextToken to under 30 KB; SigV4's headers, a session token included, to a few KB.
MAX_HEAD_BYTES = 256 * 1024
#: The most header fields a request may have: http.client's own limit. botocore and the AWS CLI
#: send about ten, the JavaScript SDK about a dozen.
MAX_HEADER_FIELDS = 100
#: The largest request body read, in bytes: a declared Content-Length over it, or a chunked body
#: whose running total passes it, is answered 413 before (the rest of) the body is read. The
#: largest body HealthOmics takes is CreateWorkflow's with its definitionZip, at most 4.4 MB by
#: the HealthOmics guide (the model sets no bound), so about 5.9 MB as base64 in JSON; the
#: model's largest bounded member, PutS3AccessPolicy's 100,000-character policy, is under 0.6 MB
#: even fully escaped. Under it, a runaway body costs no more than a moment and a few MB.
MAX_BODY_BYTES = 10 * 1024 * 1024
#: How long the endpoint waits for a request's head, from when it starts waiting (a new
#: connection, or the answer to the one before on a kept-alive one): generous for a child on a
#: slow, loaded CI machine (a client sends its head in one write, a millisecond's work), short
#: enough that a stuck client frees its thread within a test. An idle connection is then closed
#: without an answer (botocore's pool, like any HTTP client's, opens a new one); one whose head
#: had begun is answered 408 first.
HEAD_TIMEOUT_SECONDS = 30.0
#: How long a body may take to arrive once its head has, by the same reasoning: the largest
#: allowed body crosses the loopback in milliseconds.
BODY_TIMEOUT_SECONDS = 30.0
#: How many characters of a client's value a message quotes: enough to recognise it by, and an
#: answer never echoes a huge value back.
QUOTE_CHARS = 80

#: The endpoint's own error answers, by status, as x-amzn-ErrorType names them. *Choice:* AWS
#: documents none of these; the names are in the style of the model's (408 is the model's own
#: RequestTimeoutException), one per status so that status and code always agree.
ERROR_CODES: Mapping[int, str] = {
    400: "BadRequestException",
    408: "RequestTimeoutException",
    413: "RequestEntityTooLargeException",
    414: "URITooLongException",
    431: "RequestHeaderFieldsTooLargeException",
    501: "NotImplementedException",
    505: "HTTPVersionNotSupportedException",
}

#: What one recv asks for: a typical request in one call, a large body in few.
_RECV_BYTES = 64 * 1024
#: Significant digits past which a length is over every limit: no longer number is ever built
#: (decimal text of over 4,300 digits would even raise, by Python's int-conversion guard).
_MAX_DIGITS = 18
#: What parse_length returns for a length with more digits than that: over any limit.
OVER_ANY_LIMIT: int = 16**_MAX_DIGITS
_HEXADECIMAL = re.compile("[0-9A-Fa-f]+")


class RequestProblem(Exception):
    """A request the endpoint answers with an error of its own and does not serve; the
    connection is closed after the answer (where the next request starts cannot be known)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = ERROR_CODES[status]


class Closed(Exception):
    """The client went away (or the endpoint stopped under it): there is nobody to answer."""


class Idle(Exception):
    """No byte of a next request came before the head timeout: closed without an answer."""


def quoted(value: str) -> str:
    """``value`` (something a client sent) quoted for a message, cut short: answers quote what
    they refuse, and must not echo a huge value back."""
    if len(value) <= QUOTE_CHARS:
        return repr(value)
    return f"{value[:QUOTE_CHARS]!r}... ({len(value)} characters)"


def parse_length(text: str, *, hexadecimal: bool = False) -> int | None:
    """A length as HTTP writes one: ASCII digits (Content-Length) or hexadecimal digits (a chunk
    size) and nothing else, None otherwise. Not int(), which also takes a sign, spaces,
    underscores ("0_2") and non-ASCII digits. A length of more significant digits than any limit
    needs is OVER_ANY_LIMIT, so a huge one is refused, never built."""
    if hexadecimal:
        if _HEXADECIMAL.fullmatch(text) is None:
            return None
    elif not (text.isascii() and text.isdigit()):  # isdigit alone takes "²" and "٢"
        return None
    significant = text.lstrip("0")
    if len(significant) > _MAX_DIGITS:
        return OVER_ANY_LIMIT
    return int(significant or "0", 16 if hexadecimal else 10)


def _too_long_head(buffer: bytearray) -> RequestProblem:
    if b"\n" not in buffer:
        return RequestProblem(
            414, f"the request line is longer than the endpoint's limit of {MAX_HEAD_BYTES} bytes"
        )
    return RequestProblem(
        431, f"the request head is longer than the endpoint's limit of {MAX_HEAD_BYTES} bytes"
    )


class Reader:
    """A client connection's bytes, read within limits and deadlines, and buffered so that a
    request the client sent right after another (pipelined) is kept for the next read."""

    __slots__ = ("_buffer", "_socket")

    def __init__(self, connection: socket.socket) -> None:
        self._socket = connection
        self._buffer = bytearray()

    def _fill(self, deadline: float) -> bool:
        """Adds what the client sends next to the buffer; False if nothing came by ``deadline``.
        Raises Closed if the client closed its end or the connection broke."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        try:
            self._socket.settimeout(remaining)
            data = self._socket.recv(_RECV_BYTES)
        except TimeoutError:
            return False
        except OSError:  # reset by the client, or shut down by the endpoint stopping
            raise Closed from None
        if not data:
            raise Closed
        self._buffer += data
        return True

    def head(self) -> bytes:
        """The next request's head, up to and including the empty line that ends it."""
        deadline = time.monotonic() + HEAD_TIMEOUT_SECONDS
        searched = 0  # where the search for the end resumes: a dripped head is not rescanned
        while True:
            if self._buffer.startswith((b"\r", b"\n")):
                # Empty lines before a request line are skipped (RFC 9112, 2.2): some clients
                # send a CRLF after a body.
                self._buffer = bytearray(self._buffer.lstrip(b"\r\n"))
                searched = 0
            end = _head_end(self._buffer, searched)
            if end > MAX_HEAD_BYTES or (end < 0 and len(self._buffer) > MAX_HEAD_BYTES):
                raise _too_long_head(self._buffer[: MAX_HEAD_BYTES + 1])
            if end >= 0:
                head = bytes(self._buffer[:end])
                del self._buffer[:end]
                return head
            searched = max(0, len(self._buffer) - 2)
            if not self._fill(deadline):
                if not self._buffer:
                    raise Idle
                raise RequestProblem(
                    408,
                    f"the request head did not arrive within {HEAD_TIMEOUT_SECONDS:g} seconds",
                )

    def exactly(self, size: int, deadline: float) -> bytes:
        """The next ``size`` bytes (``size`` within a limit the caller checked)."""
        while len(self._buffer) < size:
            if not self._fill(deadline):
                raise _late_body()
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def line(self, limit: int, deadline: float) -> bytes:
        """The next line, its end (LF or CRLF) included; a RequestProblem past ``limit`` bytes."""
        searched = 0
        while True:
            newline = self._buffer.find(b"\n", searched, limit)
            if newline >= 0:
                line = bytes(self._buffer[: newline + 1])
                del self._buffer[: newline + 1]
                return line
            if len(self._buffer) >= limit:
                raise RequestProblem(
                    400,
                    "a chunk size or the trailer fields of the chunked body are longer than the"
                    f" endpoint's limit of {MAX_HEAD_BYTES} bytes",
                )
            searched = len(self._buffer)
            if not self._fill(deadline):
                raise _late_body()

    def drain(self, seconds: float) -> None:
        """Reads and drops what the client still sends, until it closes or ``seconds`` pass.

        After an answer that ends the connection early (a 413 before the body), closing at once
        with the client's bytes unread would make the kernel send a reset, which can destroy
        the answer before the client reads it; so the endpoint stops writing and lets the
        client finish first. Nothing is kept."""
        deadline = time.monotonic() + seconds
        self._buffer.clear()
        try:
            self._socket.shutdown(socket.SHUT_WR)
            while (remaining := deadline - time.monotonic()) > 0:
                self._socket.settimeout(remaining)
                if not self._socket.recv(_RECV_BYTES):
                    return
        except OSError:  # timed out, reset, or closed by the endpoint stopping
            return


def _head_end(buffer: bytearray, start: int) -> int:
    """Where the head in ``buffer`` ends (just past its empty line), or -1 if it has not yet."""
    # Lines end in CRLF or, which RFC 9112 (2.2) lets a recipient accept, a bare LF.
    crlf = buffer.find(b"\n\r\n", start)
    lf = buffer.find(b"\n\n", start)
    ends = [end + length for end, length in ((crlf, 3), (lf, 2)) if end >= 0]
    return min(ends) if ends else -1


def _late_body() -> RequestProblem:
    return RequestProblem(
        408,
        f"the request body did not arrive within {BODY_TIMEOUT_SECONDS:g} seconds of its head",
    )


def read_body(reader: Reader, length: int | None) -> bytes:
    """The body: ``length`` bytes, or (None) a chunked body, decoded and within the limit."""
    deadline = time.monotonic() + BODY_TIMEOUT_SECONDS
    if length is not None:
        return reader.exactly(length, deadline) if length else b""
    chunks: list[bytes] = []
    total = 0
    while True:
        line = reader.line(MAX_HEAD_BYTES, deadline)
        # chunk-size [ chunk-ext ] CRLF (RFC 9112, 7.1); extensions are ignored.
        text = line.decode("latin-1").rstrip("\r\n").split(";", 1)[0].rstrip(" \t")
        size = parse_length(text, hexadecimal=True)
        if size is None:
            raise RequestProblem(400, f"chunk size {quoted(text)} is not hexadecimal")
        if size == 0:
            _skip_trailers(reader, deadline)
            return b"".join(chunks)
        total += size
        if total > MAX_BODY_BYTES:
            raise RequestProblem(
                413,
                f"the chunked request body passes the endpoint's limit of {MAX_BODY_BYTES}"
                f" bytes (at a chunk of size {quoted(text)})",
            )
        chunks.append(reader.exactly(size, deadline))
        if reader.line(MAX_HEAD_BYTES, deadline) not in (b"\r\n", b"\n"):
            raise RequestProblem(400, "a chunk is longer than its size says")


def _skip_trailers(reader: Reader, deadline: float) -> None:
    """Reads the trailer fields after the last chunk, up to their empty line; none is used. All
    of them together are held to the head's limit."""
    left = MAX_HEAD_BYTES
    while (line := reader.line(left, deadline)) not in (b"\r\n", b"\n"):
        left -= len(line)
