"""A pytest plugin of this test suite: no test may reach the network.

Loaded with ``-p network_guard`` (see pyproject.toml), so it guards the example suite too.
Connections and name lookups of anything but this machine fail at once with NetworkBlocked,
before a packet is sent, and are recorded in ATTEMPTS so a test can prove none was made.
"""

from __future__ import annotations

import ipaddress
import socket
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


def pytest_configure(config: pytest.Config) -> None:
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            raise _blocked(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            raise _blocked(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_local(host):
            raise _blocked(host)
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
