"""The last line of defence: while a fake or the session guard is on, nothing in this process
resolves or connects to a HealthOmics host, whatever HTTP stack tries.

The served transports (botocore, aiobotocore, ``requests``) are answered above the socket layer
and never reach it. Any other stack (``http.client``, ``urllib.request``, ``urllib3`` used
directly, ``httpx``, ``aiohttp``, a library's own) would look the service's host up and connect.
So, at the doors every stack on Python's socket module goes through:

* name lookups (``socket.getaddrinfo``, which ``create_connection``, urllib3, httpcore and
  asyncio's ``loop.getaddrinfo`` all call, ``gethostbyname`` and ``gethostbyname_ex``), seen
  through the audit events Python raises for each;
* ``socket.socket.connect`` given a host name (which it resolves itself), and ``connect_ex``
  given one, at its audit event;
* ``socket.socket.send`` / ``sendall`` of a proxy's ``CONNECT host:port`` line, for a stack that
  honours ``HTTPS_PROXY`` and would otherwise have the proxy connect for it;

a HealthOmics host (``hosts.region_of_host`` of the wire: every partition, host prefix, FIPS
and dual-stack form botocore's endpoint data names) is refused with ``UnservedRequestError``
before anything is sent, and the refusal is recorded so that the test fails even if the client
swallowed the error.
Every other host passes untouched (the loopback endpoint, moto's server, other services). Out of
reach: a stack that resolves names and connects without Python's socket module (a Rust or C
extension with a resolver of its own, uvloop) or tunnels through an HTTPS proxy over TLS.
"""

from __future__ import annotations

import functools
import os
import re
import site
import socket
import sys
import sysconfig
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from pytest_omics_cache._core.errors import UnservedRequestError
from pytest_omics_cache._transports import botocore as _botocore
from pytest_omics_cache._wire import hosts as _hosts

#: ``refuse(host, port, stack)``: record the refusal and return the error to raise.
Refuse = Callable[[str, int | None, str], UnservedRequestError]

#: Modules a call stack passes through on its way to a socket, which say nothing of the stack.
_PLUMBING = (
    "socket",
    "ssl",
    "selectors",
    "asyncio",
    "concurrent",
    "threading",
    "contextlib",
    "functools",
    "anyio",
    "sniffio",
    "trio",
    "pytest_omics_cache",
)


def _dotted(host: str) -> str:
    """``host`` with the dots the socket module's IDNA codec also reads as dots (ideographic,
    fullwidth, halfwidth) spelt as ".", as the name that would be looked up."""
    if host.isascii():
        return host
    return host.replace("\u3002", ".").replace("\uff0e", ".").replace("\uff61", ".")


def _omics_host(host: object) -> str | None:
    """``host`` if it names HealthOmics (given as str or bytes, as the socket module takes it)."""
    if isinstance(host, bytes):
        try:
            host = host.decode("idna")
        except UnicodeError:
            return None
    if isinstance(host, str) and _hosts.region_of_host(_dotted(host).rstrip(".")) is not None:
        return host
    return None


def stack_of(frame: Any) -> str:
    """The HTTP stack that made a call, read from its call stack: the first library module that
    is not plumbing, and up to two libraries that called it (``"httpcore (via httpx)"``), up to
    the code that called them; where no library is involved, that code's own module."""
    found: list[str] = []
    while frame is not None and len(found) < 3:
        module = str(frame.f_globals.get("__name__", ""))
        library = _is_library(frame.f_code.co_filename)
        frame = frame.f_back
        top = module.partition(".")[0]
        if not module or top in _PLUMBING:
            continue
        if not library:  # the code that called the stack (a test, the code under test)
            if not found:
                found.append(module)
            break
        # The standard library's HTTP modules by their own names, other packages by theirs.
        name = ".".join(module.split(".")[:2]) if top in ("http", "urllib") else top
        if name not in found:
            found.append(name)
    if not found:
        return "an asynchronous client (its name lookup ran in a worker thread)"
    if len(found) == 1:
        return found[0]
    return f"{found[0]} (via {', '.join(found[1:])})"


@functools.cache
def _library_folders() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    found = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths}
    found.update(site.getsitepackages() if hasattr(site, "getsitepackages") else ())
    # "<frozen importlib._bootstrap>" and the like: the import system, the standard library's.
    return (*sorted(os.path.join(folder, "") for folder in found), "<")


def _is_library(filename: str) -> bool:
    """Whether code from ``filename`` is the standard library's or an installed package's (the
    frozen modules of the import system and the like are too)."""
    return filename.startswith(_library_folders())


#: Who refuses for the session guard while it is on and no fake is active (a fake that is
#: active refuses itself: ``botocore._active.refuse_connection``); a stack, the innermost
#: last, for a guarded pytest run inside another (pytester).
_session_refusers: list[Refuse] = []
_hooked = False


def _no_activation() -> Any:
    return None


_current_activation: Callable[[], Any] = _no_activation


def patches() -> list[tuple[object, str, object]]:
    """The wrapped ``socket.socket`` methods: ``connect`` resolves a host name before its
    audit event (a DNS query would leave first) and sends raise none, so those are wrapped, by
    wrappers made once per set of methods they wrap. ``connect_ex`` with a host name (rare) is
    refused at its audit event, after the lookup but before any connection."""
    sock = socket.socket
    connect, send, sendall = _wrappers(sock.connect, sock.send, sock.sendall)
    return [(sock, "connect", connect), (sock, "send", send), (sock, "sendall", sendall)]


def _wrap_for_the_fake() -> None:
    """Wrap the methods for the active fake, at the first socket made while it is active: a
    test that never makes one (every served transport) pays nothing for them. The activation
    applies them once, under its lock (another thread may be stopping it), and puts them back
    exactly when it stops, removing what ``socket.socket`` only inherited."""
    current = _current_activation()
    if current is not None:
        current._hook_late(patches, once="socket")


def install(refuse: Refuse) -> Callable[[], None]:
    """Put the guard in place for the session guard, which refuses with ``refuse`` while no
    fake is active; returns what takes it out again, exactly."""
    ensure_audit_hook()
    sock = socket.socket
    before = [(name, vars(sock).get(name)) for name in ("connect", "send", "sendall")]
    for owner, name, wrapper in patches():
        setattr(owner, name, wrapper)
    _session_refusers.append(refuse)

    def undo() -> None:
        _session_refusers.remove(refuse)
        for name, original in before:
            if original is None:
                delattr(sock, name)  # inherited from _socket.socket
            else:
                setattr(sock, name, original)

    return undo


def ensure_audit_hook() -> None:
    """Add the audit hook, once per process (Python cannot remove one; it is inert while no
    guard is in place). Hooks run in the order they were added: a suite's own network guard
    that is an audit hook too can add itself after this one, to stop what this one lets by."""
    global _hooked
    if not _hooked:
        sys.addaudithook(_audit)
        _hooked = True


def hooked() -> bool:
    """Whether the audit hook is in place."""
    return _hooked


def _audit(event: str, args: tuple[Any, ...]) -> None:
    # Called for every audit event of the process: one dict lookup for all but four.
    kind = _EVENTS.get(event)
    if kind is None or (_botocore._active is None and not _session_refusers):
        return
    if kind == 0:  # socket.getaddrinfo: (host, port, family, type, protocol)
        host, port = args[0], args[1]
    elif kind == 1:  # socket.gethostbyname: (host,), gethostbyname and gethostbyname_ex
        host, port = args[0], None
    elif kind == 2:  # socket.__new__: before any connect or send of a socket made now
        if not _session_refusers:  # the session guard's wrappers are in place already
            _wrap_for_the_fake()
        return
    else:  # socket.connect: (socket, address), connect_ex's after its own lookup
        address = args[1]
        if type(address) is not tuple or not address:
            return
        host, port = address[0], (address[1] if len(address) > 1 else None)
    omics = _omics_host(host)
    if omics is not None:
        raise _refused(omics, port)


#: The start of a request line meant for a proxy (matched on the first bytes of every send).
_PROXY_LINE = re.compile(rb"CONNECT |[A-Z]{3,7} https?://")

_EVENTS = {
    "socket.getaddrinfo": 0,
    "socket.gethostbyname": 1,
    "socket.__new__": 2,
    "socket.connect": 3,
}


def _refused(host: str, port: object) -> UnservedRequestError:
    number = port if isinstance(port, int) else None
    if isinstance(port, str | bytes) and port.isdigit():
        number = int(port)
    # The frames above: this module's own are plumbing, skipped like the socket module's.
    stack = stack_of(sys._getframe(1))
    service = _botocore._active
    if service is not None:
        text = message(host, number, stack, where="while a fake was active")
        return service.refuse_connection(host, number, stack, text)
    # The wrappers and the hook act only while a fake or a session guard is on.
    return _session_refusers[-1](host, number, stack)


@functools.lru_cache(maxsize=8)
def _wrappers(connect: Any, send: Any, sendall: Any) -> tuple[Any, ...]:
    """``connect`` refusing a HealthOmics host name before it is resolved, ``send`` and
    ``sendall`` refusing a proxy's ``CONNECT`` line for one; each passes everything through
    while no fake or guard is active."""

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if type(address) is tuple and address and (_botocore._active or _session_refusers):
            omics = _omics_host(address[0])
            if omics is not None:
                raise _refused(omics, address[1] if len(address) > 1 else None)
        return connect(self, address)

    def proxied(data: Any) -> None:
        # A request line for a proxy: "CONNECT host:port HTTP/1.1" (the proxy would connect to
        # the host for the client) or "GET http://host/path HTTP/1.1" (it would fetch it).
        line = bytes(data[:1024]).split(b"\r\n", 1)[0].decode("latin-1")
        parts = line.split(" ")
        if len(parts) < 2:
            return
        target = parts[1]
        if parts[0] == "CONNECT":
            host, _, port = target.rpartition(":")
        elif target.startswith(("http://", "https://")):
            try:  # a target no URL parser reads is no request a proxy would carry out
                split = urlsplit(target)
                host = split.hostname or ""
                port = str(split.port or (443 if split.scheme == "https" else 80))
            except ValueError:
                return
        else:
            return
        omics = _omics_host(host.strip("[]"))
        if omics is not None:
            raise _refused(omics, port)

    def guarded_send(self: socket.socket, data: Any, *args: Any) -> Any:
        if _PROXY_LINE.match(data[:24]) and (_botocore._active or _session_refusers):
            proxied(data)
        return send(self, data, *args)

    def guarded_sendall(self: socket.socket, data: Any, *args: Any) -> Any:
        if _PROXY_LINE.match(data[:24]) and (_botocore._active or _session_refusers):
            proxied(data)
        return sendall(self, data, *args)

    return guarded_connect, guarded_send, guarded_sendall


def message(host: str, port: int | None, stack: str, *, where: str) -> str:
    """The refusal's text: the host, the stack that tried, and the fix."""
    target = host if port is None else f"{host}:{port}"
    return (
        f"pytest-omics-cache refused a connection to {target}, a HealthOmics host, made by"
        f" {stack} {where}: only botocore, aiobotocore and requests are served in this process,"
        " and no other HTTP stack may reach AWS from a test. Point the client at the fake's"
        " endpoint_url (fake_omics.endpoint_url), or set AWS_ENDPOINT_URL_OMICS to it;"
        " fake_omics.subprocess_env() gives a child process both. Nothing was sent."
    )
