"""The loopback endpoint: the fake's service over HTTP, for other processes (the AWS CLI, a
subprocess with its own boto3, an SDK in another language).

A thin transport like the others: it reads an HTTP request off the socket into a
``WireRequest``, hands it to the one request path (``OmicsService.handle``), and writes the
``WireResponse`` back. What only a socket needs is decided here:

* **Unserved requests** cannot raise in the child, so they get an error answer, status 501 and
  ``x-amzn-ErrorType: UnservedRequestError``, whose message says what the in-process error
  would (the call is logged as unserved, so the teardown check lists it as well).
* **Injected faults**: ``connection`` and ``connect-timeout`` reset the connection (the socket
  is already connected, so a connect timeout cannot be shown honestly; a reset is what a
  connection that fails does), and ``read-timeout`` never answers: the connection is held until
  the child gives up after its own read timeout, or the fake stops.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pytest_omics_cache._answers import response
from pytest_omics_cache._errors import UnservedRequestError
from pytest_omics_cache._intercept import Headers
from pytest_omics_cache._protocol import WireRequest, WireResponse
from pytest_omics_cache._service import InjectedFault, OmicsService

#: The transport name in the call log.
TRANSPORT = "endpoint"
#: The status an unserved request gets (no retry: botocore retries 500, 502, 503 and 504).
UNSERVED_STATUS = 501
UNSERVED_CODE = "UnservedRequestError"
_HOST = "127.0.0.1"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # One port per fake, never shared with a process that left one behind.
    allow_reuse_address = False

    def __init__(self, service: OmicsService) -> None:
        super().__init__((_HOST, 0), _Handler)
        self.service = service
        #: Set when the endpoint stops: releases the connections a read-timeout holds.
        self.stopping = threading.Event()
        #: Open connections: a client that keeps one alive must not keep the fake from stopping.
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def close_connections(self) -> None:
        with self.connections_lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):  # already closed by the client
                    connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    # Keep-alive, as botocore's connection pool expects; every answer has a Content-Length.
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in two writes: without this, Nagle's algorithm holds the body
        # until the client's delayed ACK (some 40 ms a request).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        super().finish()

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def _serve(self) -> None:
        request = WireRequest(
            self.command,
            f"http://{self.headers.get('Host') or _HOST}{self.path}",
            Headers(self.headers),
            self._body(),
        )
        try:
            answer = self.server.service.handle(request, transport=TRANSPORT)
        except UnservedRequestError as unserved:
            answer = _error(UNSERVED_STATUS, UNSERVED_CODE, str(unserved))
        except InjectedFault as fault:
            if fault.kind == "read-timeout":
                self._hold()
            self._reset()
            return
        # The answer's own headers (Date, Content-Length, x-amzn-RequestId), and no Server.
        self.send_response_only(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()  # the chunk's CRLF
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

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
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:  # pragma: no cover - the client already hung up
            pass
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the call log records every request; stderr stays the test's


def _error(status: int, code: str, message: str) -> WireResponse:
    return response(status, json.dumps({"message": message}).encode(), {"x-amzn-ErrorType": code})


class Endpoint:
    """One fake's HTTP endpoint on the loopback interface, on a port of its own."""

    def __init__(self, service: OmicsService) -> None:
        self._server = _Server(service)
        port = self._server.server_address[1]
        self.url = f"http://{_HOST}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"pytest-omics-cache endpoint {self.url}",
            daemon=True,
        )
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def stop(self) -> None:
        """Stop listening and close every connection; the port is free when this returns."""
        self._server.stopping.set()
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()  # joins the request threads (ThreadingMixIn)
        self._thread.join()
