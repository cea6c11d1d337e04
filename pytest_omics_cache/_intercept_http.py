"""Raw HTTP: code that calls the HealthOmics REST API with ``requests`` itself (signing with
botocore's ``SigV4Auth``, say) is served through the ``responses`` library.

It is a thin adapter: it turns the ``requests`` request into a :class:`WireRequest`, lets the
same :class:`OmicsService` answer it as it answers botocore, and turns injected faults into the
exceptions ``requests`` raises. Every other URL passes through to whatever sent it before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import requests
import requests.adapters
import responses
from requests.exceptions import ConnectionError, ConnectTimeout, ReadTimeout

from pytest_omics_cache._protocol import WireRequest
from pytest_omics_cache._service import InjectedFault, OmicsService

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


def start(service: OmicsService) -> Callable[[], None]:
    """Serve omics URLs sent with ``requests`` from ``service``; returns the undo."""

    def callback(prepared: requests.PreparedRequest) -> tuple[int, Mapping[str, str], bytes]:
        body = prepared.body
        raw = body.encode() if isinstance(body, str) else (body or b"")
        request = WireRequest(prepared.method or "GET", prepared.url or "", prepared.headers, raw)
        try:
            answer = service.handle(request)
        except InjectedFault as fault:
            raise _FAULTS[fault.kind](f"{fault.kind} injected by pytest-omics-cache") from None
        return answer.status, answer.headers, answer.body

    # Passing through to the send in place now (not the one responses saw at import) keeps
    # another active `responses` user, moto for one, in the chain.
    mock = responses.RequestsMock(
        assert_all_requests_are_fired=False,
        real_adapter_send=requests.adapters.HTTPAdapter.send,
    )
    for method in _METHODS:
        mock.add_callback(method, _OMICS_URL, callback=callback, content_type=None)
    mock.add_passthru(_ANY_OTHER_URL)
    mock.start()

    def stop() -> None:
        mock.stop(allow_assert=False)
        mock.reset()

    return stop
