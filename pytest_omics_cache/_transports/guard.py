"""The session-wide guard (``--fake-omics-guard``, ``fake_omics_guard = true``): while it is on,
an omics request made when no fake is active fails at once, naming the test, instead of going
to AWS with whatever credentials the machine has. Off by default, so suites that mean to reach
AWS are untouched.

It wraps the same two doors the fakes use (botocore's emitter class, and ``requests``' choice
of adapter) for the whole session; a fake started meanwhile wraps them again and answers first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytest_omics_cache._core.errors import UnservedRequestError
from pytest_omics_cache._transports import botocore as _botocore
from pytest_omics_cache._wire import hosts as _hosts

_BEFORE_SEND = "before-send.omics."


class _Where:
    #: The test running now, for the message (set by the plugin as each test starts).
    test: str | None = None
    #: What was refused since that test started, for its teardown check.
    refused: list[str] = []  # noqa: RUF012 - one list for the process, on purpose


def take_refused() -> list[str]:
    """What the guard refused since the running test started (and forget it)."""
    refused, _Where.refused = _Where.refused, []
    return refused


def _refusal(method: str, url: str) -> UnservedRequestError:
    where = f"in test {_Where.test}" if _Where.test else "outside any test"
    _Where.refused.append(f"{method} {url}")
    return UnservedRequestError(
        f"pytest-omics-cache's guard (--fake-omics-guard / fake_omics_guard = true) refused an"
        f" omics request made while no fake was active, {where}: {method} {url}. Use the"
        " fake_omics fixture (or mock_omics) in that test, or run suites that are meant to reach"
        " AWS without the guard. The request never left the machine."
    )


def install() -> Callable[[], None]:
    """Put the guard in place; returns what takes it out again."""
    from botocore.hooks import HierarchicalEmitter

    original_emit: Callable[..., Any] = HierarchicalEmitter.__dict__["emit"]

    def emit(self: HierarchicalEmitter, event_name: str, **kwargs: Any) -> Any:
        if _botocore._active is None and event_name.startswith(_BEFORE_SEND):
            request = kwargs["request"]
            raise _refusal(request.method, request.url)
        return original_emit(self, event_name, **kwargs)

    HierarchicalEmitter.emit = emit  # type: ignore[method-assign]
    undo: list[Callable[[], None]] = [lambda: setattr(HierarchicalEmitter, "emit", original_emit)]
    try:
        import requests
    except ImportError:  # pragma: no cover - requests comes with the test extras
        requests = None  # type: ignore[assignment]
    if requests is not None:
        original_get_adapter: Callable[..., Any] = vars(requests.Session)["get_adapter"]

        def get_adapter(session: requests.Session, url: str) -> Any:
            if _botocore._active is None and _hosts.is_omics_url(url):
                raise _refusal("request to", url)
            return original_get_adapter(session, url)

        requests.Session.get_adapter = get_adapter  # type: ignore[method-assign,assignment]
        undo.append(lambda: setattr(requests.Session, "get_adapter", original_get_adapter))

    # Any other HTTP stack, at the socket layer.
    from pytest_omics_cache._transports import socket_guard as _socket_guard

    def refuse_connection(host: str, port: int | None, stack: str) -> UnservedRequestError:
        where = f"in test {_Where.test}" if _Where.test else "outside any test"
        target = host if port is None else f"{host}:{port}"
        _Where.refused.append(f"a connection to {target} by {stack}")
        return UnservedRequestError(
            _socket_guard.message(host, port, stack, where=f"while no fake was active, {where}")
            + " (the guard: --fake-omics-guard / fake_omics_guard = true)"
        )

    undo.append(_socket_guard.install(refuse_connection))

    def uninstall() -> None:
        for step in reversed(undo):
            step()

    return uninstall


def set_test(nodeid: str | None) -> None:
    _Where.test = nodeid
    _Where.refused = []
