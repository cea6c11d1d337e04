"""How the loopback endpoint reads and answers one HTTP request (the server is ``_endpoint``).

* **Whose request.** A request must carry the endpoint's path prefix (else it was meant for
  another fake). A child started with ``subprocess_env()`` sends every AWS service here
  (``AWS_ENDPOINT_URL``) and every other request through the endpoint as its proxy: a request
  that is not HealthOmics, or not for this machine, is refused here and listed at teardown
  instead of leaving the machine.
* **Unserved requests** cannot raise in the child: they get status 501 and
  ``x-amzn-ErrorType: UnservedRequestError`` with the in-process error's message (botocore does
  not retry a 501), and are logged as unserved, so the teardown check lists them.
* **Injected faults**: ``connection`` and ``connect-timeout`` reset the connection (the socket
  is already connected, so a connect timeout cannot be shown honestly; a reset is what a
  connection that fails does), and ``read-timeout`` never answers: the connection is held until
  the child gives up after its own read timeout, or the fake stops.
"""

from __future__ import annotations

import contextlib
import html
import socket
import struct
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pytest_omics_cache._answers import error_response, response
from pytest_omics_cache._errors import UnservedRequestError
from pytest_omics_cache._intercept import Headers
from pytest_omics_cache._protocol import WireRequest, WireResponse, signed_service
from pytest_omics_cache._service import InjectedFault

if TYPE_CHECKING:
    from pytest_omics_cache._endpoint import Server

#: The transport name in the call log.
TRANSPORT = "endpoint"
#: The status an unserved request gets (no retry: botocore retries 500, 502, 503 and 504).
UNSERVED_STATUS = 501
UNSERVED_CODE = "UnservedRequestError"
HOST = "127.0.0.1"


def _unserved(message: str) -> WireResponse:
    """The answer to a request the fake does not serve: what the in-process error says."""
    return error_response(UNSERVED_CODE, message, status=UNSERVED_STATUS)


class _BadRequest(Exception):
    """A request whose framing cannot be read (answered 400, not served)."""


class _Incomplete(Exception):
    """The client went away before sending its whole request (nothing to answer)."""


class Handler(BaseHTTPRequestHandler):
    # Keep-alive, as botocore's connection pool expects; every answer has a Content-Length.
    protocol_version = "HTTP/1.1"
    server: Server

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in two writes: without this, Nagle's algorithm holds the body
        # until the client's delayed ACK (some 40 ms a request).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_TRACE = do_GET

    def do_CONNECT(self) -> None:
        # A tunnel through the proxy subprocess_env() sets: HTTPS to some host, AWS's included.
        self._refuse(
            WireRequest("CONNECT", self.path, Headers(self.headers), b""),
            f"{self.path} is not this machine: the child asked this endpoint, its proxy, for a"
            " tunnel there, and the request would have left the machine. Send HealthOmics"
            " requests to endpoint_url (subprocess_env() does, for SDKs that read"
            " AWS_ENDPOINT_URL_OMICS).",
        )
        self.close_connection = True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # http.server's own refusals (a malformed request line) in the service's error shape.
        self.close_connection = True
        self._send(error_response("BadRequest", message or explain or "bad request", status=code))

    def _serve(self) -> None:
        if self.server.stopping.is_set():
            self.close_connection = True
            return
        try:
            body = self._body()
        except _Incomplete:
            self.close_connection = True
            return
        except _BadRequest as bad:
            self.close_connection = True
            self._send(error_response("BadRequest", str(bad), status=400))
            return
        path = self._own_path()
        if path is None:
            return
        request = WireRequest(
            self.command,
            f"http://{HOST}:{self.server.server_port}{path}",
            Headers(self.headers),
            body,
        )
        service = signed_service(request)
        if service not in (None, "omics"):
            self._refuse(
                request,
                f"it is a request for the AWS service {service!r}, and this endpoint serves only"
                " HealthOmics. subprocess_env() sends every AWS service here (AWS_ENDPOINT_URL)"
                " so that none reaches AWS from the child; give the child an endpoint of its own"
                f" for {service} (AWS_ENDPOINT_URL_{service.upper().replace('-', '_')}, e.g."
                " moto's server).",
                as_page=True,
            )
            return
        try:
            answer = self.server.service.handle(request, transport=TRANSPORT)
        except UnservedRequestError as unserved:
            answer = _unserved(str(unserved))
        except InjectedFault as fault:
            if fault.kind == "read-timeout":
                self._hold()
            self._reset()
            return
        except Exception as error:
            # A fault of the fake itself: it fails the test when the fake stops, rather than
            # looking like a flaky network to the child.
            self.server.keep_error(error)
            answer = _unserved(
                f"pytest-omics-cache failed while answering {request.method} {request.url}:"
                f" {error!r}. The test fails when the fake stops, with the traceback."
            )
        self._send(answer)

    def _own_path(self) -> str | None:
        """The request's path (and query) without the endpoint's prefix, if it is for this fake;
        else it is refused and None returned."""
        target = self.path
        if not target.startswith("/"):
            # Absolute form: a request sent through the proxy subprocess_env() sets.
            url = urlsplit(target)
            if url.hostname not in (HOST, "localhost") or url.port != self.server.server_port:
                self._refuse(
                    WireRequest(self.command, target, Headers(self.headers), b""),
                    f"{url.netloc} is not this machine: the child sent the request through this"
                    " endpoint, its proxy, and it would have left the machine.",
                )
                return None
            target = url.path + (f"?{url.query}" if url.query else "")
        prefix = self.server.prefix
        if target != prefix and not target.startswith((f"{prefix}/", f"{prefix}?")):
            # Not recorded: it belongs to no test of this fake.
            self._send(
                _unserved(
                    f"pytest-omics-cache: {self.command} {target} is not for the fake that now"
                    f" listens here (its endpoint_url ends in {prefix}); it was probably meant for"
                    " the fake of an earlier test, and sent by a process that outlived that"
                    " test. Wait for child processes in the test that starts them."
                )
            )
            return None
        # The service's own path: the prefix only addresses this fake.
        return target[len(prefix) :] or "/"

    def _refuse(self, request: WireRequest, reason: str, *, as_page: bool = False) -> None:
        message = self.server.service.refuse(request, reason, TRANSPORT)
        if as_page:
            # For another AWS service: every botocore protocol reads an HTML 5xx as a generic
            # error, where a query or XML protocol would fail to parse a JSON one.
            page = f"<html><body>{html.escape(message, quote=False)}</body></html>".encode()
            self._send(response(UNSERVED_STATUS, page, {"Content-Type": "text/html"}))
        else:
            self._send(_unserved(message))

    def _send(self, answer: WireResponse) -> None:
        # The answer's own headers (Date, Content-Length, x-amzn-RequestId), and no Server.
        self.send_response_only(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._chunked_body()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise _BadRequest(
                f"Content-Length {self.headers['Content-Length']!r} is not a number"
            ) from None
        if length < 0:
            raise _BadRequest(f"Content-Length {length} is negative")
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            raise _Incomplete
        return body

    def _chunked_body(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            line = self.rfile.readline()
            if not line:
                raise _Incomplete
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _BadRequest(f"chunk size {line.strip()!r} is not hexadecimal") from None
            if size == 0:
                while True:  # trailers, up to the blank line
                    trailer = self.rfile.readline()
                    if not trailer:
                        raise _Incomplete
                    if trailer in (b"\r\n", b"\n"):
                        return b"".join(chunks)
            chunk = self.rfile.read(size)
            if len(chunk) < size:
                raise _Incomplete
            chunks.append(chunk)
            end = self.rfile.readline()
            if not end:
                raise _Incomplete
            if end not in (b"\r\n", b"\n"):
                raise _BadRequest("a chunk is longer than its size says")

    def _hold(self) -> None:
        """Answer nothing until the client hangs up (its read timeout) or the fake stops."""
        connection: socket.socket = self.connection
        while not self.server.stopping.wait(0.05):
            try:
                connection.setblocking(False)
                if connection.recv(1, socket.MSG_PEEK) == b"":
                    return  # the client closed its end
            except BlockingIOError:
                continue
            except OSError:
                return
            finally:
                connection.setblocking(True)

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout makes close() send RST: the client reads "connection
        # reset by peer", as when a connection drops.
        with contextlib.suppress(OSError):  # the client already hung up
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the call log records every request; stderr stays the test's
