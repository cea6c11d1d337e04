"""Raw-socket exchanges with the loopback endpoint, and a strict reader of what it answers.

Every exchange has a client-side timeout, so no test can hang on an endpoint that does not
answer: a timeout is a failure (socket.timeout), never a wait.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Sequence
from typing import NamedTuple
from urllib.parse import urlsplit

from pytest_omics_cache import FakeOmics
from pytest_omics_cache._transports.endpoint.reading import ERROR_CODES
from pytest_omics_cache._wire import model as _model

#: Long enough for any answer on a loaded machine; short enough that a missing one fails fast.
CLIENT_TIMEOUT = 10.0

_STATUS_LINE = re.compile(rb"HTTP/1\.1 ([1-5][0-9]{2}) ([^\r\n]*)\r\n")
_FIELD_LINE = re.compile(rb"([!#$%&'*+\-.^_`|~0-9A-Za-z]+): ([^\r\n]*)\r\n")


class Answer(NamedTuple):
    status: int
    headers: dict[str, str]  # by lower-case name
    body: bytes

    @property
    def code(self) -> str | None:
        return self.headers.get("x-amzn-errortype")


def port(fake: FakeOmics) -> int:
    found = urlsplit(fake.endpoint_url).port
    assert found is not None
    return found


def prefix(fake: FakeOmics) -> str:
    return urlsplit(fake.endpoint_url).path


def connect(fake: FakeOmics, timeout: float = CLIENT_TIMEOUT) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", port(fake)), timeout=timeout)
    connection.settimeout(timeout)
    return connection


def receive_all(connection: socket.socket) -> bytes:
    """Everything the endpoint sends until it closes the connection (within the timeout)."""
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


def receive_answer(connection: socket.socket) -> Answer:
    """The next whole answer on a connection kept open (a 100 Continue counts as one)."""
    received = b""
    while True:
        chunk = connection.recv(65536)
        assert chunk, f"closed after {received!r}"
        received += chunk
        head, blank, body = received.partition(b"\r\n\r\n")
        if not blank:
            continue
        length = re.search(rb"\r\nContent-Length: ([0-9]+)", head)
        if length is None or len(body) >= int(length[1]):
            return parse_answer(received)


def exchange(
    fake: FakeOmics, data: bytes, *, close_write: bool = True, timeout: float = CLIENT_TIMEOUT
) -> bytes:
    """Sends ``data`` on a new connection (then, by default, closes the sending side, so the
    endpoint reads the end of it) and returns all it sent back before closing."""
    with connect(fake, timeout) as connection:
        connection.sendall(data)
        if close_write:
            connection.shutdown(socket.SHUT_WR)
        return receive_all(connection)


def parse_answers(data: bytes, head_requests: Sequence[bool] = ()) -> list[Answer]:
    """Every response in ``data``, asserting that each is well-formed HTTP/1.1: a status line,
    header fields, the empty line, and exactly Content-Length bytes of body (none for an interim
    1xx, or for the answer to a HEAD: ``head_requests[i]`` for the i-th final answer). Nothing
    may follow an answer that says ``Connection: close``, nor be left over."""
    answers: list[Answer] = []
    position = 0
    finals = 0
    while position < len(data):
        status_line = _STATUS_LINE.match(data, position)
        assert status_line is not None, data[position : position + 200]
        position = status_line.end()
        headers: dict[str, str] = {}
        while not data.startswith(b"\r\n", position):
            field = _FIELD_LINE.match(data, position)
            assert field is not None, data[position : position + 200]
            name = field[1].decode().lower()
            assert name not in headers, f"{name} sent twice"
            headers[name] = field[2].decode("latin-1")
            position = field.end()
        position += 2
        status = int(status_line[1])
        if status < 200:
            assert headers == {}
            answers.append(Answer(status, headers, b""))
            continue
        length = headers.get("content-length")
        assert length is not None, headers
        assert length.isdigit(), headers
        is_head = finals < len(head_requests) and head_requests[finals]
        finals += 1
        size = 0 if is_head else int(length)
        body = data[position : position + size]
        assert len(body) == size, (len(body), size)
        position += size
        answers.append(Answer(status, headers, body))
        if headers.get("connection") == "close":
            assert position == len(data), data[position : position + 200]
    return answers


def parse_answer(data: bytes, *, head: bool = False) -> Answer:
    """The one response in ``data`` (see parse_answers)."""
    [answer] = parse_answers(data, [head])
    return answer


#: Codes the model does not have: the unserved answer's, and the one AWS's JSON protocols give a
#: body that cannot be read.
_OTHER_CODES = {"UnservedRequestError": 501, "SerializationException": 400}


def expected_status(code: str) -> int:
    """The status that goes with an error code: the endpoint's own, the model's, or another
    that an answer may carry (an unknown code fails here)."""
    own = {name: status for status, name in ERROR_CODES.items()}
    if code in own:
        return own[code]
    if code in _OTHER_CODES:
        return _OTHER_CODES[code]
    return _model.error_status(code)
