"""Property-based: whatever bytes reach the loopback endpoint, every answer is a well-formed
HTTP/1.1 response whose status and ``x-amzn-ErrorType`` agree, the fake's own code never fails
(no 5xx but the documented ones), and the fake stops without an error.

Requests are sent over raw sockets, each connection's sending side closed after its requests,
so the endpoint reads the end of them and nothing waits for a timeout. Bounded: a few seconds.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

from http_answers import Answer, exchange, expected_status, parse_answers, port, prefix
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pytest_omics_cache import FakeOmics, mock_omics

T = TypeVar("T")
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: The 5xx answers that are documented, not failures of the fake: an unserved request (or one
#: for another AWS service, the HTML page), a transfer coding it does not decode, an HTTP
#: version it does not speak.
DOCUMENTED_5XX = {
    (501, "UnservedRequestError"),
    (501, None),
    (501, "NotImplementedException"),
    (505, "HTTPVersionNotSupportedException"),
}

# Surrogates cannot be encoded; everything else goes on the wire as UTF-8. Parts of a head are
# without line ends, so each generated request is one request on the wire (line ends anywhere
# are the raw-bytes test's).
text = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
line_text = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=30)


def mostly(usual: st.SearchStrategy[T], other: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """``usual`` seven times in eight: so that most requests get past the head, to the service
    (each of a head's parts may break it)."""
    return st.integers(0, 7).flatmap(lambda n: usual if n else other)


scopes = st.sampled_from(["omics", "omics", "omics", "s3", "sts", ""]).map(
    lambda service: (
        f"AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/{service}/aws4_request,"
        " SignedHeaders=host, Signature=0"
    )
)
methods = mostly(
    st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
    st.one_of(
        st.sampled_from(["TRACE", "CONNECT"]),
        st.from_regex(r"[A-Za-z!#$%&'*+.^_`|~-]{1,8}", fullmatch=True),
        line_text,
    ),
)
# {prefix} and {port} are this example's endpoint's, filled in when sending.
paths = st.sampled_from(
    [
        "/runCache",
        "/runCache/1234567",
        "/runCache/",
        "/runCache?maxResults=2&startingToken=x",
        "/runCache?maxResults=abc",
        "/run",
        "/run/1234567",
        "/run/1234567/task",
        "/tags/arn%3Aaws%3Aomics%3Aus-east-1%3A123456789012%3ArunCache%2F1234567",
        "/workflow/1",
        "/",
        "",
        "/%ff%fe",
        "/runCache/%00",
    ]
)
targets = mostly(
    paths.map(lambda path: "{prefix}" + path),
    st.one_of(
        st.tuples(paths, line_text).map(lambda pair: "{prefix}" + pair[0] + pair[1]),
        st.sampled_from(
            [
                "*",
                "http://127.0.0.1:{port}{prefix}/runCache/1234567",
                "http://localhost:{port}{prefix}/runCache",
                "http://example.com/",
                "example.com:443",
                "http://[::1/",
                "http://h:99999/",
                "/0123abcd/runCache",
            ]
        ),
        line_text,
    ),
)
versions = mostly(
    st.just("HTTP/1.1"),
    st.one_of(
        st.sampled_from(["HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "HTTP/0.9", "HTTP/9.9"]), line_text
    ),
)
header_names = mostly(
    st.one_of(
        st.sampled_from(
            [
                "Content-Type",
                "Content-Length",
                "Transfer-Encoding",
                "Expect",
                "Connection",
                "Authorization",
                "Origin",
                "Access-Control-Request-Method",
                "X-Amz-Date",
                "Host",
            ]
        ),
        st.from_regex(r"[A-Za-z0-9-]{1,12}", fullmatch=True),
    ),
    line_text,
)
header_values = mostly(
    st.one_of(
        st.sampled_from(
            [
                "application/json",
                "chunked",
                "gzip, chunked",
                "100-continue",
                "close",
                "keep-alive",
                "0",
                "5",
                "0_2",
                "10000000000000",
                "http://localhost:3000",
            ]
        ),
        scopes,
        st.integers(min_value=-5, max_value=2**70).map(str),
    ),
    line_text,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
create_bodies = st.fixed_dictionaries(
    {"cacheS3Location": st.one_of(st.just("s3://fuzz-bucket/c"), json_values)},
    optional={
        "requestId": st.one_of(text, json_values),
        "name": json_values,
        "cacheBehavior": st.one_of(st.sampled_from(["CACHE_ALWAYS", "CACHE_ON_FAILURE"]), text),
        "tags": json_values,
    },
)
bodies = st.one_of(
    st.just(b""),
    st.binary(max_size=100),
    json_values.map(lambda value: json.dumps(value).encode()),
    create_bodies.map(lambda value: json.dumps(value).encode()),
)


@dataclass
class Request:
    method: str
    target: str
    version: str
    host: bool
    headers: list[tuple[str, str]]
    body: bytes
    framing: str  # how the body is framed: "length", "chunked", "wrong-length", "none"
    chunk: int
    newline: str

    @property
    def one_on_the_wire(self) -> bool:
        """Whether these bytes are sure to be read as exactly one request: framed as they say,
        with no framing header of their own beside it."""
        framed = self.framing in ("length", "chunked") or (self.framing == "none" and not self.body)
        own = {name.lower() for name, _ in self.headers}
        return framed and not own & {"content-length", "transfer-encoding"}

    def encode(self, fake: FakeOmics) -> bytes:
        target = self.target.replace("{prefix}", prefix(fake)).replace("{port}", str(port(fake)))
        lines = [f"{self.method} {target} {self.version}"]
        if self.host:
            lines.append("Host: 127.0.0.1")
        lines += [f"{name}: {value}" for name, value in self.headers]
        body = self.body
        if self.framing == "length":
            lines.append(f"Content-Length: {len(body)}")
        elif self.framing == "wrong-length":
            lines.append(f"Content-Length: {len(body) + 3}")
        elif self.framing == "chunked":
            lines.append("Transfer-Encoding: chunked")
            pieces = [body[i : i + self.chunk] for i in range(0, len(body), self.chunk)]
            body = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
        head = self.newline.join(lines) + self.newline * 2
        return head.encode() + body


requests = st.builds(
    Request,
    method=methods,
    target=targets,
    version=versions,
    host=mostly(st.just(True), st.just(False)),
    headers=st.tuples(
        mostly(scopes.map(lambda scope: [("Authorization", scope)]), st.just([])),
        st.lists(st.tuples(header_names, header_values), max_size=3),
    ).map(lambda parts: parts[0] + parts[1]),
    body=bodies,
    framing=st.sampled_from(["length", "chunked", "wrong-length", "none"]),
    chunk=st.integers(min_value=1, max_value=40),
    newline=st.sampled_from(["\r\n", "\n"]),
)


def _check(answers: list[Answer]) -> None:
    for answer in answers:
        if answer.status < 200:
            assert answer.status == 100, answer
            continue
        code = answer.code
        if code is not None:
            assert expected_status(code) == answer.status, answer
        else:  # no error code: a success, or the HTML page for another AWS service
            assert answer.status < 400 or answer.headers["content-type"] == "text/html", answer
        if answer.status >= 500:
            assert (answer.status, code) in DOCUMENTED_5XX, answer
        if answer.body and answer.headers.get("content-type") == "application/json":
            message = json.loads(answer.body).get("message", "")
            assert not str(message).startswith("pytest-omics-cache failed"), message


@contextlib.contextmanager
def _one_fake() -> Iterator[FakeOmics]:
    """One fake for all of a test's examples (starting and stopping one takes longer than an
    example), holding a run cache to find. Stopping it at the end must raise nothing: an error
    of the fake's own while answering any example would."""
    mock = mock_omics(assert_all_requests_served=False)
    fake = mock.start()
    try:
        fake.add_run_cache(id="1234567")
        yield fake
    finally:
        mock.stop()


def test_every_answer_to_any_requests_is_http_1_1_and_agrees_with_itself() -> None:
    with _one_fake() as fake:

        @SETTINGS
        @given(batch=st.lists(requests, min_size=1, max_size=3))
        def pipelined(batch: list[Request]) -> None:
            # On one connection, each answered in order until one ends it. Which answers are
            # a HEAD's (and have no body) is known only if each request is one on the wire.
            heads = [request.method == "HEAD" for request in batch]
            assume(not any(heads) or all(request.one_on_the_wire for request in batch))
            data = b"".join(request.encode(fake) for request in batch)
            _check(parse_answers(exchange(fake, data), heads))

        pipelined()


def test_every_answer_to_any_bytes_is_http_1_1_and_agrees_with_itself() -> None:
    with _one_fake() as fake:

        @SETTINGS
        @given(data=st.binary(max_size=300), end=st.sampled_from([b"", b"\r\n\r\n", b"\n\n"]))
        def raw(data: bytes, end: bytes) -> None:
            assume(b"HEAD " not in data)  # its answer has no body: the reader must know which
            _check(parse_answers(exchange(fake, data + end)))

        raw()
