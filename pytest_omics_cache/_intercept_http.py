"""Raw HTTP: code that calls the HealthOmics REST API with ``requests`` itself (signing with
botocore's ``SigV4Auth``, say) is served through the ``responses`` library.

It is a thin adapter: it turns the ``requests`` request into a :class:`WireRequest`, lets the
same :class:`OmicsService` answer it as it answers botocore, and turns injected faults into the
exceptions ``requests`` raises. Every other URL passes through to whatever sent it before.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import requests
import requests.adapters
from requests.exceptions import ConnectionError, ConnectTimeout, ReadTimeout

from pytest_omics_cache._protocol import WireRequest
from pytest_omics_cache._service import InjectedFault, OmicsService

if TYPE_CHECKING:
    import responses

# Every HealthOmics endpoint (workflows-, storage-, analytics-, fips and dual-stack ones): the
# fake answers the run-cache requests and refuses the rest, so none of them leaves the machine.
_OMICS_HOST = (
    r"https?://(?:[a-z0-9-]+-)?omics(?:-fips)?\.[a-z0-9-]+\.(?:amazonaws\.com|api\.aws)(?::\d+)?/"
)
_OMICS_URL = re.compile(_OMICS_HOST + ".*")
_ANY_OTHER_URL = re.compile(f"(?!{_OMICS_HOST}).*")
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")

_FAULTS: Mapping[str, type[Exception]] = {
    "connection": ConnectionError,
    "connect-timeout": ConnectTimeout,
    "read-timeout": ReadTimeout,
}


class _Serving:
    #: The service answering omics URLs while a fake is active.
    service: OmicsService | None = None
    #: The send that was in place when the fake started: every other URL goes there.
    real_send: Any = None


def _callback(prepared: requests.PreparedRequest) -> tuple[int, Mapping[str, str], bytes]:
    service = _Serving.service
    assert service is not None  # only reachable while `send` below is patched in
    body = prepared.body
    raw = body.encode() if isinstance(body, str) else (body or b"")
    request = WireRequest(prepared.method or "GET", prepared.url or "", prepared.headers, raw)
    try:
        answer = service.handle(request)
    except InjectedFault as fault:
        raise _FAULTS[fault.kind](f"{fault.kind} injected by pytest-omics-cache") from None
    return answer.status, answer.headers, answer.body


@functools.cache
def _requests_mock() -> responses.RequestsMock:
    """One mock for the process, its routes registered once: starting a fake stays cheap.
    Made at the first request sent with ``requests`` while a fake is active, so a suite that
    never sends one never imports ``responses``."""
    import responses

    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    for method in _METHODS:
        mock.add_callback(method, _OMICS_URL, callback=_callback, content_type=None)
    mock.add_passthru(_ANY_OTHER_URL)
    return mock


def _send(adapter: requests.adapters.HTTPAdapter, request: Any, *args: Any, **kwargs: Any) -> Any:
    # What responses' own start() patches in, without the cost of unittest.mock per test.
    mock = _requests_mock()
    # Passing through to the send in place when the fake started (not the one responses saw
    # at import) keeps another active `responses` user, moto for one, in the chain.
    mock._real_send = _Serving.real_send
    return mock._on_request(adapter, request, *args, **kwargs)


def patches(service: OmicsService) -> list[tuple[object, str, object]]:
    """The attributes to swap while ``service`` serves omics URLs sent with ``requests``."""
    return [
        (_Serving, "service", service),
        (_Serving, "real_send", requests.adapters.HTTPAdapter.send),
        (requests.adapters.HTTPAdapter, "send", _send),
    ]
