"""How the loopback endpoint reads and answers each HTTP request (the server is ``server``).

* **Reading** is ``reading``'s bounded reader and ``head``'s strict grammar:
  a request that breaks a limit or is not HTTP/1.x gets the endpoint's own error (status and
  ``x-amzn-ErrorType`` agree) and the connection is closed; it is not served or recorded. Every
  answer is an HTTP/1.1 response with a Content-Length.
* **Whose request.** A request must carry the endpoint's path prefix (else it was meant for
  another fake). A child started with ``subprocess_env()`` sends every AWS service here
  (``AWS_ENDPOINT_URL``) and every other request through the endpoint as its proxy: a request
  that is not HealthOmics, or not for this machine, is refused here and listed at teardown
  instead of leaving the machine.
* **HEAD and OPTIONS** (*Choice*: AWS does not document them; no HealthOmics operation uses
  them) are answered by the endpoint itself, never recorded, so a health check or a CORS
  preflight does not fail the test: OPTIONS gets 200 with ``Allow`` (and, for a preflight, the
  CORS headers that allow the request); HEAD gets the model's own 405,
  ``NotSupportedOperationException``, since answering it would invent an operation. A request
  with an ``Origin`` header gets ``Access-Control-Allow-Origin: *`` on its answer.
* **Unserved requests** cannot raise in the child: they get status 501 and
  ``x-amzn-ErrorType: UnservedRequestError`` with the in-process error's message (botocore does
  not retry a 501), and are logged as unserved, so the teardown check lists them.
* **A region without HealthOmics** (the SigV4 scope names one; *Choice*): in-process the client
  cannot connect, as against AWS, where the host for that region does not resolve. The child did
  connect, to this endpoint, so it gets the unserved answer, 501 ``UnservedRequestError``,
  whose message names the region and the regions HealthOmics is in; logged as unserved.
* **Injected faults**: ``connection`` and ``connect-timeout`` reset the connection (the socket
  is already connected, so a connect timeout cannot be shown honestly; a reset is what a
  connection that fails does), and ``read-timeout`` never answers: the connection is held until
  the child gives up after its own read timeout, or the fake stops.
"""

from __future__ import annotations

import contextlib
import functools
import html
import http
import socket
import socketserver
import struct
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pytest_omics_cache._core.errors import UnservedRequestError
from pytest_omics_cache._service import InjectedFault, NoOmicsInRegion
from pytest_omics_cache._transports.endpoint.head import Head, body_length, parse_head
from pytest_omics_cache._transports.endpoint.reading import (
    Closed,
    Idle,
    Reader,
    RequestProblem,
    quoted,
    read_body,
)
from pytest_omics_cache._wire import model as _model
from pytest_omics_cache._wire.answers import error_response, response
from pytest_omics_cache._wire.protocol import WireRequest, WireResponse, signed_service

if TYPE_CHECKING:
    import threading

    from pytest_omics_cache._service import OmicsService

#: The transport name in the call log.
TRANSPORT = "endpoint"
#: The status an unserved request gets (no retry: botocore retries 500, 502, 503 and 504).
UNSERVED_STATUS = 501
UNSERVED_CODE = "UnservedRequestError"
HOST = "127.0.0.1"
#: How long, after an answer that ends the connection early, the endpoint lets the client finish
#: sending before it closes (see Reader.drain): a loopback client finishes a refused body in
#: milliseconds; the bound keeps a client that never closes from holding the thread.
LINGER_SECONDS = 2.0
#: The response headers a browser script may read (CORS): the ones SDKs read from an answer.
_EXPOSED = "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date"


def _unserved(message: str) -> WireResponse:
    """The answer to a request the fake does not serve: what the in-process error says."""
    return error_response(UNSERVED_CODE, message, status=UNSERVED_STATUS)


@functools.cache
def _operation_methods() -> str:
    """The methods the model's operations use."""
    model = _model.service_model()
    methods = {model.operation_model(name).http["method"] for name in model.operation_names}
    return ", ".join(sorted(methods))


@functools.cache
def _allowed() -> str:
    """What ``Allow`` says: those methods, and OPTIONS, which the endpoint answers itself."""
    return ", ".join(sorted([*_operation_methods().split(", "), "OPTIONS"]))


class Serving(socketserver.ThreadingTCPServer):
    """What a connection's handler relies on of the server that accepted it (``server.Server``
    is the one): declared here, so the exchange never imports the server above it."""

    service: OmicsService
    #: The endpoint URL's path: requests without it were meant for another fake.
    prefix: str
    #: Set when the endpoint stops.
    stopping: threading.Event
    server_port: int

    def keep_error(self, error: BaseException) -> None:
        """Keep an error of the fake itself while answering, for the test to fail on."""
        raise NotImplementedError


class Handler(socketserver.BaseRequestHandler):
    """One client connection: its requests, one after another (keep-alive), until it closes,
    breaks a limit, or the endpoint stops."""

    server: Serving
    request: socket.socket

    def setup(self) -> None:
        # A "100 Continue" must not wait for the client's delayed ACK (Nagle's algorithm).
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._reader = Reader(self.request)
        #: After an early close (an error answer), whether to let the client finish first.
        self._linger = False
        self._was_reset = False
        #: Of the request being answered: whether it is a HEAD (its answer has no body) and
        #: whether it came from a browser script (its answer gets CORS headers).
        self._head_request = False
        self._cors = False

    def handle(self) -> None:
        while not self.server.stopping.is_set() and self._one_request():
            pass
        if self._linger and not self._was_reset:
            self._reader.drain(LINGER_SECONDS)

    def _one_request(self) -> bool:
        """Reads and answers the next request; whether the connection stays open after it."""
        self._head_request = self._cors = False
        try:
            raw = self._reader.head()
            # Known before the head is read through: an answer to a HEAD never has a body.
            self._head_request = raw.startswith(b"HEAD ")
            head = parse_head(raw)
            self._cors = head.headers.get("Origin") is not None
            length = body_length(head)
            if head.expects_continue and length != 0:
                self.request.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            body = read_body(self._reader, length)
        except (Closed, Idle):
            return False
        except RequestProblem as problem:
            answer = error_response(problem.code, str(problem), status=problem.status)
            self._send(answer, close=True)
            self._linger = True
            return False
        if self.server.stopping.is_set():  # nothing is answered or recorded after stop()
            return False
        return self._serve(head, body)

    def _serve(self, head: Head, body: bytes) -> bool:
        keep = head.keep_alive
        if head.method == "CONNECT":
            # A tunnel through the proxy subprocess_env() sets: HTTPS to some host, AWS's too.
            self._refuse(
                WireRequest("CONNECT", head.target, head.headers, b""),
                f"{quoted(head.target)} is not this machine: the child asked this endpoint, its"
                " proxy, for a tunnel there, and the request would have left the machine. Send"
                " HealthOmics requests to endpoint_url (subprocess_env() does, for SDKs that"
                " read AWS_ENDPOINT_URL_OMICS).",
                close=True,
            )
            return False
        if head.target == "*":  # OPTIONS * (the only method the head lets have it)
            self._send(self._options(head), close=not keep)
            return keep
        path = self._own_path(head, keep)
        if path is None:
            return keep
        request = WireRequest(
            head.method, f"http://{HOST}:{self.server.server_port}{path}", head.headers, body
        )
        service = signed_service(request)
        if service not in (None, "omics"):
            self._refuse(
                request,
                f"it is a request for the AWS service {quoted(service)}, and this endpoint serves"
                " only HealthOmics. subprocess_env() sends every AWS service here"
                " (AWS_ENDPOINT_URL) so that none reaches AWS from the child; give the child an"
                " endpoint of its own for it (AWS_ENDPOINT_URL_"
                f"{service[:40].upper().replace('-', '_')}, e.g. moto's server).",
                close=not keep,
                as_page=True,
            )
            return keep
        if head.method in ("HEAD", "OPTIONS"):
            answer = self._options(head) if head.method == "OPTIONS" else self._no_head()
            self._send(answer, close=not keep)
            return keep
        try:
            answer = self.server.service.handle(request, transport=TRANSPORT)
        except UnservedRequestError as unserved:
            answer = _unserved(str(unserved))
        except NoOmicsInRegion as refused:
            # The child reached this endpoint, so no connection error would be honest: it is
            # refused as an unserved request is, saying why (and listed at teardown).
            answer = _unserved(refused.message)
        except InjectedFault as fault:
            if fault.kind == "read-timeout":
                self._hold()
            self._reset()
            return False
        except Exception as error:
            # A fault of the fake itself: it fails the test when the fake stops, rather than
            # looking like a flaky network to the child.
            self.server.keep_error(error)
            answer = _unserved(
                "pytest-omics-cache failed while answering"
                f" {quoted(f'{request.method} {request.url}')}: {error!r}. The test fails when"
                " the fake stops, with the traceback."
            )
        self._send(answer, close=not keep)
        return keep

    def _own_path(self, head: Head, keep: bool) -> str | None:
        """The request's path (and query) without the endpoint's prefix, if it is for this fake;
        else it is refused and None returned."""
        target = head.target
        if not target.startswith("/"):
            # A whole URL (the head checked it is one): sent through the proxy subprocess_env()
            # sets.
            url = urlsplit(target)
            if url.hostname not in (HOST, "localhost") or url.port != self.server.server_port:
                self._refuse(
                    WireRequest(head.method, target, head.headers, b""),
                    f"{quoted(url.netloc)} is not this machine: the child sent the request"
                    " through this endpoint, its proxy, and it would have left the machine.",
                    close=not keep,
                )
                return None
            target = url.path + (f"?{url.query}" if url.query else "")
        prefix = self.server.prefix
        if target != prefix and not target.startswith((f"{prefix}/", f"{prefix}?")):
            # Not recorded: it belongs to no test of this fake.
            message = (
                f"pytest-omics-cache: {quoted(f'{head.method} {target}')} is not for the fake"
                f" that now listens here (its endpoint_url ends in {prefix}); it was probably"
                " meant for the fake of an earlier test, and sent by a process that outlived"
                " that test. Wait for child processes in the test that starts them."
            )
            self._send(_unserved(message), close=not keep)
            return None
        # The service's own path: the prefix only addresses this fake.
        return target[len(prefix) :] or "/"

    def _options(self, head: Head) -> WireResponse:
        """OPTIONS: the methods HealthOmics's operations use and, for a CORS preflight, leave to
        send the request it announces (which is then served, or not, like any other)."""
        answer = response(200, b"", {"Allow": _allowed()})
        del answer.headers["Content-Type"]  # no body to type
        requested = head.headers.get("Access-Control-Request-Method")
        if requested is not None and head.headers.get("Origin") is not None:
            answer.headers["Access-Control-Allow-Methods"] = _allowed()
            wanted = head.headers.get("Access-Control-Request-Headers")
            if wanted:
                answer.headers["Access-Control-Allow-Headers"] = wanted
        return answer

    def _no_head(self) -> WireResponse:
        answer = error_response(
            "NotSupportedOperationException",
            "pytest-omics-cache: no HealthOmics operation uses HEAD (its operations use"
            f" {_operation_methods()}), so the endpoint answers a HEAD itself,"
            " with this 405, and records nothing: a health check may take any answer for the"
            " endpoint being up.",
        )
        answer.headers["Allow"] = _allowed()
        return answer

    def _refuse(
        self, request: WireRequest, reason: str, *, close: bool, as_page: bool = False
    ) -> None:
        message = self.server.service.refuse(request, reason, TRANSPORT)
        if as_page:
            # For another AWS service: every botocore protocol reads an HTML 5xx as a generic
            # error, where a query or XML protocol would fail to parse a JSON one.
            page = f"<html><body>{html.escape(message, quote=False)}</body></html>".encode()
            self._send(response(UNSERVED_STATUS, page, {"Content-Type": "text/html"}), close=close)
        else:
            self._send(_unserved(message), close=close)

    def _send(self, answer: WireResponse, *, close: bool) -> None:
        """``answer`` as an HTTP/1.1 response, in one write: its own headers (Date,
        Content-Length, x-amzn-RequestId), no Server, and no body for a HEAD."""
        try:
            reason = http.HTTPStatus(answer.status).phrase
        except ValueError:  # a status a canned answer chose that HTTP does not name
            reason = ""
        lines = [f"HTTP/1.1 {answer.status} {reason}"]
        lines += [f"{name}: {value}" for name, value in answer.headers.items()]
        if self._cors:
            lines += [
                "Access-Control-Allow-Origin: *",
                f"Access-Control-Expose-Headers: {_EXPOSED}",
            ]
        if close:
            lines.append("Connection: close")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if not self._head_request:
            data += answer.body
        self.request.sendall(data)

    def _hold(self) -> None:
        """Answer nothing until the client hangs up (its read timeout) or the fake stops."""
        connection = self.request
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
            self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.request.close()
        self._was_reset = True
