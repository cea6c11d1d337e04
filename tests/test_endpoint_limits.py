"""The loopback endpoint's limits, and its answers to requests no SDK sends (issue 25).

A bad request gets an HTTP/1.1 answer whose status and ``x-amzn-ErrorType`` agree, the endpoint
goes on serving, and the fake stops without an error of its own. Every exchange is a raw socket
with a client-side timeout (``http_answers``), so a missing answer fails instead of hanging;
timeouts are shortened with monkeypatch rather than waited for.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from urllib.parse import quote

import botocore.session
import pytest
from http_answers import (
    Answer,
    connect,
    exchange,
    parse_answer,
    parse_answers,
    prefix,
    receive_all,
    receive_answer,
)
from teardowns import checked_at_exit

from pytest_omics_cache import FakeOmics
from pytest_omics_cache._transports.endpoint import reading as _reading
from pytest_omics_cache._transports.endpoint import server as _server
from pytest_omics_cache._transports.endpoint.reading import quoted

_MODEL = botocore.session.get_session().get_service_model("omics")
CREATE = json.dumps({"cacheS3Location": "s3://limits-bucket/c", "requestId": "r1"}).encode()
LIMIT = 10 * 1024 * 1024
#: Every method an operation of the installed botocore's model uses, and OPTIONS (read from the
#: model, not typed in: botocore 1.35.66's model has no PATCH operation, the newest's has).
ALLOW = ", ".join(
    sorted(
        {_MODEL.operation_model(name).http["method"] for name in _MODEL.operation_names}
        | {"OPTIONS"}
    )
)


def _post(fake: FakeOmics, framing: str) -> bytes:
    """The head of a CreateRunCache with ``framing`` (header lines) as its framing."""
    return f"POST {prefix(fake)}/runCache HTTP/1.1\r\nHost: x\r\n{framing}\r\n".encode("latin-1")


def _get(fake: FakeOmics, path: str = "/runCache/1234567", extra: str = "") -> bytes:
    return f"GET {prefix(fake)}{path} HTTP/1.1\r\nHost: x\r\n{extra}\r\n".encode()


def _refused(answer: Answer) -> tuple[int, str | None, str, str | None]:
    """An error answer as (status, code, message, Connection header)."""
    return (
        answer.status,
        answer.code,
        json.loads(answer.body)["message"],
        answer.headers.get("connection"),
    )


def _serves(fake: FakeOmics) -> None:
    """The endpoint still answers, on a new connection."""
    answer = parse_answer(exchange(fake, _get(fake)))
    assert (answer.status, answer.code) == (404, "ResourceNotFoundException")


def test_the_limits_are_the_documented_ones() -> None:
    assert (
        _reading.MAX_HEAD_BYTES,
        _reading.MAX_HEADER_FIELDS,
        _reading.MAX_BODY_BYTES,
        _reading.HEAD_TIMEOUT_SECONDS,
        _reading.BODY_TIMEOUT_SECONDS,
        _reading.QUOTE_CHARS,
        _server.MAX_CONNECTIONS,
    ) == (256 * 1024, 100, LIMIT, 30.0, 30.0, 80, 128)


# --- item 1: a huge declared length --------------------------------------------------------------


@pytest.mark.parametrize(
    ("framing", "first", "message"),
    [
        (
            "Content-Length: 10000000000000\r\n",
            b"",
            f"Content-Length '10000000000000' is over the endpoint's limit of {LIMIT} bytes",
        ),
        (
            "Transfer-Encoding: chunked\r\n",
            b"FFFFFFFFFFFF\r\n",
            f"the chunked request body passes the endpoint's limit of {LIMIT} bytes (at a chunk"
            " of size 'FFFFFFFFFFFF')",
        ),
    ],
)
def test_a_huge_declared_length_is_a_413_at_once_and_the_endpoint_goes_on(
    framing: str, first: bytes, message: str
) -> None:
    with checked_at_exit() as (fake, failures):
        # The sending side stays open: the answer comes without waiting for any body.
        answer = parse_answer(exchange(fake, _post(fake, framing) + first, close_write=False))
        _serves(fake)
        calls = fake.get_calls()

    assert _refused(answer) == (413, "RequestEntityTooLargeException", message, "close")
    assert [c.operation for c in calls] == ["GetRunCache"]
    assert failures == []


@pytest.mark.parametrize(
    "digits",
    ["1" * 5000, "9" * 19, "18446744073709551616"],
    ids=["5000 digits", "19 nines", "2**64"],
)
def test_a_length_of_any_number_of_digits_is_refused_without_building_it(digits: str) -> None:
    with checked_at_exit() as (fake, failures):
        answer = parse_answer(
            exchange(fake, _post(fake, f"Content-Length: {digits}\r\n"), close_write=False)
        )

    assert _refused(answer) == (
        413,
        "RequestEntityTooLargeException",
        f"Content-Length {quoted(digits)} is over the endpoint's limit of {LIMIT} bytes",
        "close",
    )
    assert failures == []


# --- item 2: limits -------------------------------------------------------------------------------


def test_a_body_at_the_limit_is_served_and_one_byte_more_is_a_413_before_it_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_reading, "MAX_BODY_BYTES", len(CREATE))
    with checked_at_exit() as (fake, failures):
        served = parse_answer(
            exchange(fake, _post(fake, f"Content-Length: {len(CREATE)}\r\n") + CREATE)
        )
        over = parse_answer(
            exchange(fake, _post(fake, f"Content-Length: {len(CREATE) + 1}\r\n"), close_write=False)
        )
        caches = fake.run_caches()

    assert served.status == 201
    assert [c["id"] for c in caches] == [json.loads(served.body)["id"]]
    assert _refused(over) == (
        413,
        "RequestEntityTooLargeException",
        f"Content-Length '{len(CREATE) + 1}' is over the endpoint's limit of {len(CREATE)} bytes",
        "close",
    )
    assert failures == []


def test_a_chunked_body_is_refused_as_soon_as_its_running_total_passes_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_reading, "MAX_BODY_BYTES", 100)
    with checked_at_exit() as (fake, failures):
        # 60 bytes sent, then a chunk of 60 more announced (0x3c) and not sent.
        data = _post(fake, "Transfer-Encoding: chunked\r\n") + b"3c\r\n" + b"x" * 60 + b"\r\n3c\r\n"
        answer = parse_answer(exchange(fake, data, close_write=False))

    assert _refused(answer) == (
        413,
        "RequestEntityTooLargeException",
        "the chunked request body passes the endpoint's limit of 100 bytes (at a chunk of size"
        " '3c')",
        "close",
    )
    assert failures == []


def test_a_chunked_body_of_exactly_the_limit_is_served(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_reading, "MAX_BODY_BYTES", len(CREATE))
    half = len(CREATE) // 2
    chunks = [CREATE[:half], CREATE[half:]]
    with checked_at_exit() as (fake, failures):
        # With a chunk extension, which is ignored.
        body = b"".join(f"{len(c):x};note=1\r\n".encode() + c + b"\r\n" for c in chunks)
        answer = parse_answer(
            exchange(fake, _post(fake, "Transfer-Encoding: chunked\r\n") + body + b"0\r\n\r\n")
        )

    assert answer.status == 201
    assert failures == []


def test_a_client_that_sends_all_of_a_body_over_the_limit_still_reads_its_413() -> None:
    # The endpoint answers after the head and then drains what the client still sends: closing
    # at once would reset the connection under a client that is still writing.
    with checked_at_exit() as (fake, failures):
        received = exchange(fake, _post(fake, f"Content-Length: {LIMIT + 1}\r\n") + b"x" * LIMIT)

    assert _refused(parse_answer(received))[:2] == (413, "RequestEntityTooLargeException")
    assert failures == []


@pytest.mark.parametrize(
    ("headers", "value"),
    [
        ("Content-Length: 0_2\r\n", "0_2"),
        ("Content-Length: +2\r\n", "+2"),
        ("Content-Length: -2\r\n", "-2"),
        ("Content-Length: 0x2\r\n", "0x2"),
        ("Content-Length: 2.0\r\n", "2.0"),
        ("Content-Length: \r\n", ""),
        ("Content-Length: \xb2\r\n", "\xb2"),  # "²", which str.isdigit takes
        ("Content-Length: 2\r\nContent-Length: 3\r\n", "2, 3"),
        ("Content-Length: 2\r\nContent-Length: 2\r\n", "2, 2"),
    ],
)
def test_a_content_length_is_ascii_digits_only(headers: str, value: str) -> None:
    with checked_at_exit() as (fake, failures):
        answer = parse_answer(exchange(fake, _post(fake, headers) + b"{}"))
        calls = fake.get_calls()

    assert _refused(answer) == (
        400,
        "BadRequestException",
        f"Content-Length {value!r} is not a number of bytes",
        "close",
    )
    assert calls == []
    assert failures == []


def test_a_content_length_may_have_leading_zeros(fake_omics: FakeOmics) -> None:
    framing = f"Content-Length: {'0' * 5000}{len(CREATE)}\r\n"

    answer = parse_answer(exchange(fake_omics, _post(fake_omics, framing) + CREATE))

    assert answer.status == 201


@pytest.mark.parametrize("size", ["0x5", "+5", "5_0", " 5", "-5", "5 5", "\xb2"])
def test_a_chunk_size_is_hexadecimal_digits_only(size: str) -> None:
    with checked_at_exit() as (fake, failures):
        data = _post(fake, "Transfer-Encoding: chunked\r\n") + f"{size}\r\n".encode("latin-1")
        answer = parse_answer(exchange(fake, data + b"{}\r\n0\r\n\r\n"))

    assert _refused(answer) == (
        400,
        "BadRequestException",
        f"chunk size {size!r} is not hexadecimal",
        "close",
    )
    assert failures == []


def test_quoted_values_are_cut_short() -> None:
    assert quoted("a" * 80) == repr("a" * 80)
    assert quoted("a" * 81) == f"{'a' * 80!r}... (81 characters)"
    assert quoted("it's\r\n") == '"it\'s\\r\\n"'


def test_an_answer_never_echoes_a_huge_value_back(fake_omics: FakeOmics) -> None:
    value = "x" * 100_000

    answer = parse_answer(exchange(fake_omics, _post(fake_omics, f"Content-Length: {value}\r\n")))

    assert json.loads(answer.body) == {
        "message": f"Content-Length {'x' * 80!r}... (100000 characters) is not a number of bytes"
    }


def test_a_path_for_another_fake_is_quoted_cut_short(fake_omics: FakeOmics) -> None:
    path = "/0123abcd/" + "a" * 100_000

    answer = parse_answer(exchange(fake_omics, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()))

    message = json.loads(answer.body)["message"]
    assert (answer.status, answer.code) == (501, "UnservedRequestError")
    assert message.startswith(
        f"pytest-omics-cache: {('GET ' + path)[:80]!r}... (100014 characters) is not for the fake"
    )
    assert len(answer.body) < 1000


# --- item 2: the head's size and time -------------------------------------------------------------


def test_a_request_line_over_the_head_limit_is_a_414() -> None:
    with checked_at_exit() as (fake, failures):
        line = f"GET {prefix(fake)}/{'a' * 256 * 1024} HTTP/1.1\r\n".encode()
        answer = parse_answer(exchange(fake, line, close_write=False))

    assert _refused(answer) == (
        414,
        "URITooLongException",
        "the request line is longer than the endpoint's limit of 262144 bytes",
        "close",
    )
    assert failures == []


def test_header_fields_over_the_head_limit_are_a_431() -> None:
    with checked_at_exit() as (fake, failures):
        fields = "".join(f"X-Big-{n}: {'v' * 60_000}\r\n" for n in range(5))
        answer = parse_answer(exchange(fake, _get(fake, extra=fields), close_write=False))

    assert _refused(answer) == (
        431,
        "RequestHeaderFieldsTooLargeException",
        "the request head is longer than the endpoint's limit of 262144 bytes",
        "close",
    )
    assert failures == []


def test_more_header_fields_than_the_limit_are_a_431() -> None:
    with checked_at_exit() as (fake, failures):
        fields = "".join(f"X-Field-{n}: v\r\n" for n in range(100))  # and Host: 101
        answer = parse_answer(exchange(fake, _get(fake, extra=fields)))

    assert _refused(answer) == (
        431,
        "RequestHeaderFieldsTooLargeException",
        "the request has 101 header fields, over the endpoint's limit of 100",
        "close",
    )
    assert failures == []


def test_the_longest_head_a_model_valid_request_makes_is_served(fake_omics: FakeOmics) -> None:
    # UntagResource: 50 tag keys of 128 characters, "€" percent-encoded to 9 bytes each.
    cache = fake_omics.add_run_cache(tags={"k": "v"})
    keys = [f"{n:02d}" + "\u20ac" * 126 for n in range(50)]
    query = "&".join(f"tagKeys={quote(key)}" for key in keys)
    path = f"/tags/{quote(cache['arn'], safe='')}?{query}"

    answer = parse_answer(
        exchange(
            fake_omics,
            f"DELETE {prefix(fake_omics)}{path}".encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        )
    )

    assert len(path) > 55_000
    assert answer.status == 204
    assert fake_omics.get_call().params["tagKeys"] == keys


@pytest.fixture
def short_head_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_reading, "HEAD_TIMEOUT_SECONDS", 0.3)


@pytest.mark.usefixtures("short_head_timeout")
@pytest.mark.parametrize("start", [b"GET /pre", b"GET /\r\n", b"POST / HTTP/1.1\r\nHost: x\r\n"])
def test_a_head_that_does_not_arrive_in_time_is_a_408_and_the_connection_closed(
    start: bytes,
) -> None:
    with checked_at_exit() as (fake, failures):
        answer = parse_answer(exchange(fake, start, close_write=False, timeout=5))

    assert _refused(answer) == (
        408,
        "RequestTimeoutException",
        "the request head did not arrive within 0.3 seconds",
        "close",
    )
    assert failures == []


@pytest.mark.usefixtures("short_head_timeout")
def test_an_idle_connection_is_closed_without_an_answer(fake_omics: FakeOmics) -> None:
    assert exchange(fake_omics, b"", close_write=False, timeout=5) == b""


@pytest.mark.usefixtures("short_head_timeout")
def test_a_kept_alive_connection_is_closed_when_idle_after_its_answer(
    fake_omics: FakeOmics,
) -> None:
    answers = parse_answers(exchange(fake_omics, _get(fake_omics), close_write=False, timeout=5))

    assert [(a.status, a.headers.get("connection")) for a in answers] == [(404, None)]


@pytest.mark.usefixtures("short_head_timeout")
def test_the_head_timeout_counts_from_the_start_not_from_the_last_byte(
    fake_omics: FakeOmics,
) -> None:
    request = _get(fake_omics)  # some 40 bytes, dripped over 4 s
    with connect(fake_omics, timeout=5) as connection:
        answered = threading.Event()

        def drip() -> None:
            for byte in request:
                if answered.is_set():
                    return
                try:
                    connection.send(bytes([byte]))
                except OSError:  # the endpoint closed the connection
                    return
                time.sleep(0.1)

        sender = threading.Thread(target=drip)
        sender.start()
        try:
            received = receive_all(connection)
        finally:
            answered.set()
            sender.join()

    # Counted from each byte, the head would have arrived whole and been answered 404.
    assert _refused(parse_answer(received))[:2] == (408, "RequestTimeoutException")


def test_a_body_that_does_not_arrive_in_time_is_a_408(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_reading, "BODY_TIMEOUT_SECONDS", 0.3)
    with checked_at_exit() as (fake, failures):
        data = _post(fake, "Content-Length: 10\r\n") + b'{"a"'
        answer = parse_answer(exchange(fake, data, close_write=False, timeout=5))
        calls = fake.get_calls()

    assert _refused(answer) == (
        408,
        "RequestTimeoutException",
        "the request body did not arrive within 0.3 seconds of its head",
        "close",
    )
    assert calls == []
    assert failures == []


def test_connections_past_the_cap_wait_for_a_free_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_server, "MAX_CONNECTIONS", 2)
    with checked_at_exit() as (fake, failures):
        first, second = connect(fake), connect(fake)
        waiting = connect(fake, timeout=0.5)
        try:
            first.sendall(_get(fake))
            assert receive_answer(first).status == 404
            waiting.sendall(_get(fake))
            with pytest.raises(TimeoutError):
                waiting.recv(65536)  # not served: both slots are taken
            second.close()
            waiting.settimeout(5)
            answer = receive_answer(waiting)
        finally:
            for connection in (first, second, waiting):
                connection.close()

    assert answer.status == 404
    assert failures == []


# --- item 9: answers are HTTP/1.1, with a status and a code that agree ----------------------------


NOT_HTTP = [
    (
        b"HELLO WORLD\r\n\r\n",
        400,
        "the request line 'HELLO WORLD' is not a method, a target and an HTTP version one space"
        " apart",
    ),
    (
        b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
        505,
        "the endpoint speaks HTTP/1.1 (and HTTP/1.0), not 'HTTP/9.9'",
    ),
    (b"GET / HTTP/0.9\r\n\r\n", 505, "the endpoint speaks HTTP/1.1 (and HTTP/1.0), not 'HTTP/0.9'"),
    (
        b"GET /\r\n\r\n",
        400,
        "the request line 'GET /' is not a method, a target and an HTTP version one space apart",
    ),
    (
        b"GET  / HTTP/1.1\r\nHost: x\r\n\r\n",
        400,
        "the request line 'GET  / HTTP/1.1' is not a method, a target and an HTTP version one"
        " space apart",
    ),
    (b"GET / HTTP/1\r\n\r\n", 400, "'HTTP/1' is not an HTTP version such as HTTP/1.1"),
    (b"GET / http/1.1\r\n\r\n", 400, "'http/1.1' is not an HTTP version such as HTTP/1.1"),
    (b"G@T / HTTP/1.1\r\nHost: x\r\n\r\n", 400, "the method 'G@T' is not an HTTP token"),
    (
        b"GET /caf\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n",
        400,
        "the request target '/caf\u00c3\u00a9' has a character no URL may have",
    ),
    (b"GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400, "only OPTIONS may have the target '*', not 'GET'"),
    (
        b"GET http://127.0.0.1:99999/x HTTP/1.1\r\nHost: x\r\n\r\n",
        400,
        "the request target 'http://127.0.0.1:99999/x' is neither a path nor a whole URL",
    ),
    (
        b"GET http://[::1/x HTTP/1.1\r\nHost: x\r\n\r\n",
        400,
        "the request target 'http://[::1/x' is neither a path nor a whole URL",
    ),
    (
        b"GET nowhere HTTP/1.1\r\nHost: x\r\n\r\n",
        400,
        "the request target 'nowhere' is neither a path nor a whole URL",
    ),
    (
        b"GET / HTTP/1.1\r\nHost x\r\n\r\n",
        400,
        "the header line 'Host x' is not a name, a colon and a value",
    ),
    (
        b"GET / HTTP/1.1\r\nHost : x\r\n\r\n",
        400,
        "the header line 'Host : x' is not a name, a colon and a value",
    ),
    (
        b"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
        400,
        "the header line ' folded' continues the one before (obsolete folding)",
    ),
    (
        b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n",
        400,
        "the value of the header 'X-A' has a control character",
    ),
    (b"GET / HTTP/1.1\r\n\r\n", 400, "an HTTP/1.1 request must have a Host header"),
    (
        b"GET / HTTP/1.1\r\nHost: x\r\nhost: y\r\n\r\n",
        400,
        "a request has one Host header, not several",
    ),
    (
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
        400,
        "the request has both Transfer-Encoding and Content-Length; send one",
    ),
    (
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
        400,
        "Transfer-Encoding 'chunked, gzip' does not end in chunked",
    ),
    (
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        501,
        "Transfer-Encoding 'gzip, chunked': the endpoint decodes only chunked",
    ),
]


@pytest.mark.parametrize(("data", "status", "message"), NOT_HTTP)
def test_what_is_not_http_1_gets_an_http_1_1_error_whose_status_and_code_agree(
    data: bytes, status: int, message: str
) -> None:
    with checked_at_exit() as (fake, failures):
        answer = parse_answer(exchange(fake, data))
        _serves(fake)
        calls = fake.get_calls()

    assert _refused(answer) == (status, _reading.ERROR_CODES[status], message, "close")
    assert [c.operation for c in calls] == ["GetRunCache"]
    assert failures == []


def test_an_http_1_0_request_is_answered_and_the_connection_closed(fake_omics: FakeOmics) -> None:
    request = f"GET {prefix(fake_omics)}/runCache/1234567 HTTP/1.0\r\n\r\n".encode()

    answer = parse_answer(exchange(fake_omics, request, close_write=False))

    assert (answer.status, answer.code, answer.headers["connection"]) == (
        404,
        "ResourceNotFoundException",
        "close",
    )


def test_empty_lines_before_a_request_are_skipped_and_pipelined_requests_answered_in_order(
    fake_omics: FakeOmics,
) -> None:
    cache = fake_omics.add_run_cache()
    data = b"\r\n" + _get(fake_omics, f"/runCache/{cache['id']}") + _get(fake_omics)

    answers = parse_answers(exchange(fake_omics, data))

    assert [a.status for a in answers] == [200, 404]
    assert json.loads(answers[0].body)["id"] == cache["id"]


def test_a_client_that_expects_100_continue_gets_it_before_sending_its_body(
    fake_omics: FakeOmics,
) -> None:
    head = _post(fake_omics, f"Content-Length: {len(CREATE)}\r\nExpect: 100-continue\r\n")
    with connect(fake_omics) as connection:
        connection.sendall(head)
        interim = receive_answer(connection)
        connection.sendall(CREATE)
        connection.shutdown(socket.SHUT_WR)
        final = parse_answer(receive_all(connection))

    assert interim == (100, {}, b"")
    assert final.status == 201


def test_a_body_over_the_limit_gets_its_413_instead_of_100_continue(fake_omics: FakeOmics) -> None:
    head = _post(fake_omics, f"Content-Length: {LIMIT + 1}\r\nExpect: 100-continue\r\n")

    answer = parse_answer(exchange(fake_omics, head, close_write=False))

    assert (answer.status, answer.code) == (413, "RequestEntityTooLargeException")


# --- item 8: HEAD and OPTIONS ---------------------------------------------------------------------


def test_head_gets_the_models_405_and_is_neither_recorded_nor_a_teardown_failure() -> None:
    with checked_at_exit() as (fake, failures):
        request = f"HEAD {prefix(fake)}/runCache/1234567 HTTP/1.1\r\nHost: x\r\n\r\n"
        # Then a GET on the same connection: the HEAD's answer has no body to skip.
        answers = parse_answers(exchange(fake, request.encode() + _get(fake)), [True, False])
        calls = fake.get_calls()

    head, get = answers
    assert (head.status, head.code, head.headers["allow"]) == (
        405,
        "NotSupportedOperationException",
        ALLOW,
    )
    assert head.body == b""
    assert int(head.headers["content-length"]) > 0  # what a GET of it would have carried
    assert (get.status, get.code) == (404, "ResourceNotFoundException")
    assert [c.operation for c in calls] == ["GetRunCache"]
    assert failures == []


@pytest.mark.parametrize("target", ["/runCache", "*"])
def test_options_gets_the_methods_and_is_neither_recorded_nor_a_teardown_failure(
    target: str,
) -> None:
    with checked_at_exit() as (fake, failures):
        path = f"{prefix(fake)}{target}" if target != "*" else "*"
        answer = parse_answer(
            exchange(fake, f"OPTIONS {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        )
        calls = fake.get_calls()

    assert answer.status == 200
    assert answer.body == b""
    assert {k: v for k, v in answer.headers.items() if k not in ("date", "x-amzn-requestid")} == {
        "content-length": "0",
        "allow": ALLOW,
    }
    assert calls == []
    assert failures == []


def test_a_cors_preflight_allows_the_request_which_is_then_served_like_any_other(
    fake_omics: FakeOmics,
) -> None:
    origin = "Origin: http://localhost:3000\r\n"
    preflight = (
        f"OPTIONS {prefix(fake_omics)}/runCache HTTP/1.1\r\nHost: x\r\n{origin}"
        "Access-Control-Request-Method: POST\r\n"
        "Access-Control-Request-Headers: authorization, content-type, x-amz-date\r\n\r\n"
    ).encode()
    actual = _post(fake_omics, f"{origin}Content-Length: {len(CREATE)}\r\n") + CREATE

    allowed, created = parse_answers(exchange(fake_omics, preflight + actual))

    assert allowed.status == 200
    assert {k: v for k, v in allowed.headers.items() if k.startswith("access-control-")} == {
        "access-control-allow-methods": ALLOW,
        "access-control-allow-headers": "authorization, content-type, x-amz-date",
        "access-control-allow-origin": "*",
        "access-control-expose-headers": (
            "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date"
        ),
    }
    assert created.status == 201
    assert created.headers["access-control-allow-origin"] == "*"
    assert fake_omics.get_call().operation == "CreateRunCache"


def test_a_head_for_another_host_is_refused_at_the_proxy_and_listed() -> None:
    with checked_at_exit() as (fake, failures):
        request = b"HEAD http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"
        answer = parse_answer(exchange(fake, request), head=True)

    assert (answer.status, answer.code) == (501, "UnservedRequestError")
    [failure] = failures
    assert "HEAD http://example.com/() in us-east-1 -> unserved" in failure
