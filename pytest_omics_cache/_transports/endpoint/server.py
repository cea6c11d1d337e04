"""The loopback endpoint: the fake's service over HTTP, for other processes (the AWS CLI, a
subprocess with its own boto3, an SDK in another language).

A thin transport like the others: ``exchange`` reads each HTTP request (within the
limits of ``reading``) into a ``WireRequest``, hands it to the one request path
(``OmicsService.handle``) and writes the answer back. This module runs the server: one per fake,
on a free port of 127.0.0.1, with a random path of its own (so a child that outlived its test
cannot be served by a later test's fake on the same port), serving at most MAX_CONNECTIONS
connections at once. **Stopping** closes the listening socket and every open connection and
waits for requests in progress, so nothing is answered or recorded after the fake stops; an
error of the fake while answering is raised then, failing the test as it would have in-process.
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import sys
import threading
import time
from typing import Any

from pytest_omics_cache._service import OmicsService
from pytest_omics_cache._transports.endpoint.exchange import HOST, Handler, Serving

#: How long stopping waits for requests in progress.
_STOP_WAIT_SECONDS = 10.0
#: The most connections served at once, each on a thread of its own: well above what a test's
#: children open at once (botocore pools up to 10 connections per client, the JavaScript SDK's
#: agent up to 50 per host). Past it a new connection waits, in the listen queue, until one
#: closes, so a flood of connections cannot take a thread each (a stuck one is closed by the head
#: timeout, HEAD_TIMEOUT_SECONDS).
MAX_CONNECTIONS = 128


class Server(Serving):
    # Daemon threads never keep the interpreter alive; stop() waits for them itself.
    daemon_threads = True
    # One port per fake, never shared with a process that left one behind.
    allow_reuse_address = False
    # Many children may connect at once.
    request_queue_size = 128

    def __init__(self, service: OmicsService) -> None:
        self.service = service
        #: The endpoint URL's path: requests without it were meant for another fake.
        self.prefix = "/" + secrets.token_hex(4)
        #: Set when the endpoint stops: refuses new connections, releases held ones.
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._workers: list[threading.Thread] = []
        # Read here, not at import, so a test can lower it with monkeypatch.
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.errors: list[BaseException] = []
        super().__init__((HOST, 0), Handler)
        self.server_port = int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        # Waits for a free slot in the accepting thread: new connections stay in the listen
        # queue meanwhile, and stop() is noticed.
        while not self._slots.acquire(timeout=0.05):
            if self.stopping.is_set():
                self.shutdown_request(request)
                return
        # Registered here, in the accepting thread, so stop() knows every connection accepted.
        with self._lock:
            if self.stopping.is_set():
                self._slots.release()
                self.shutdown_request(request)
                return
            self._connections.add(request)
            self._workers = [thread for thread in self._workers if thread.is_alive()]
            thread = threading.Thread(
                target=self.process_request_thread, args=(request, client_address), daemon=True
            )
            self._workers.append(thread)
        thread.start()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._lock:
                self._connections.discard(request)
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, OSError):  # the client hung up, or the endpoint stopped under it
            return
        if error is not None:
            self.keep_error(error)

    def keep_error(self, error: BaseException) -> None:
        with self._lock:
            self.errors.append(error)

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()  # no more accepts
        with self._lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):  # already closed by the client
                    connection.shutdown(socket.SHUT_RDWR)
            threads = list(self._workers)
        self.server_close()
        deadline = time.monotonic() + _STOP_WAIT_SECONDS
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))


class Endpoint:
    """One fake's HTTP endpoint on the loopback interface, on a port of its own."""

    def __init__(self, service: OmicsService) -> None:
        self._server = Server(service)
        #: Where requests go: the port, and the path that says they are for this fake.
        self.url = f"http://{HOST}:{self._server.server_port}{self._server.prefix}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"pytest-omics-cache endpoint {self.url}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop listening, close every connection and wait for requests in progress: the port
        is closed and nothing more is recorded when this returns. An error the fake met while
        answering is raised here."""
        self._server.stop()
        self._thread.join()
        if self._server.errors:
            first = self._server.errors[0]
            raise RuntimeError(
                f"pytest-omics-cache's endpoint failed while answering another process:"
                f" {first!r} ({len(self._server.errors)} error(s) in all)"
            ) from first
