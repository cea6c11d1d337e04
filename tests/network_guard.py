"""A pytest plugin of this test suite: no test may reach the network.

Loaded with ``-p network_guard`` (see pyproject.toml), so it guards the example suite too.
Connections and name lookups of anything but this machine fail at once with NetworkBlocked,
before a packet is sent, and are recorded in ATTEMPTS so a test can prove none was made.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from typing import Any

import pytest

ATTEMPTS: list[object] = []


class NetworkBlocked(OSError):
    """A test tried to reach the network."""


def _is_local(host: object) -> bool:
    if host in (None, "localhost", b"localhost"):
        return True
    try:
        return ipaddress.ip_address(
            host.decode() if isinstance(host, bytes) else str(host)
        ).is_loopback
    except ValueError:
        return False


def _blocked(what: object) -> NetworkBlocked:
    ATTEMPTS.append(what)
    return NetworkBlocked(f"the test suite may not use the network (tried {what!r})")


_hooked = False


def _backstop(event: str, args: tuple[Any, ...]) -> None:
    """Name lookups of other machines, seen through their audit events."""
    if event in ("socket.getaddrinfo", "socket.gethostbyname") and not _is_local(args[0]):
        raise _blocked(args[0])


def pytest_configure(config: pytest.Config) -> None:
    global _hooked
    if _hooked:  # an audit hook is for the life of the process
        return
    _hooked = True
    # An audit hook, as the fake's own socket guard is, and behind it: Python calls audit hooks
    # in the order they were added, so while a fake is active its guard refuses a HealthOmics
    # host first (UnservedRequestError), and this one stops whatever that let through, before
    # the lookup or connection is made. A wrapper of socket.getaddrinfo would run before both.
    from pytest_omics_cache._transports import socket_guard as _socket_guard

    _socket_guard.ensure_audit_hook()
    sys.addaudithook(_backstop)

    # Connections, wrapped: socket.socket.connect resolves a host name before its audit event.
    # A fake wraps these in turn while active, so its guard still sees a HealthOmics name first.
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            raise _blocked(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            raise _blocked(address)
        return real_connect_ex(self, address)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
