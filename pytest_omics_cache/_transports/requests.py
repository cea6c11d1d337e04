"""Raw HTTP: code that calls the HealthOmics REST API with ``requests`` itself (signing with
botocore's ``SigV4Auth``, say) is answered by the same service as botocore.

A thin adapter: ``requests.Session.get_adapter`` hands every HealthOmics URL (any partition, see
``_wire.hosts``) to an adapter of the fake's own, which turns the request into a
:class:`WireRequest`, lets the service answer it, and builds the ``requests.Response``. Every
other URL goes to the adapter ``requests`` would have chosen.

Why ``get_adapter`` and not ``HTTPAdapter.send`` (which ``responses`` and moto patch): the fake's
adapter is not an ``HTTPAdapter``, so whatever patches that class, before or after the fake
started, never sees an omics request, and nothing that captures ``HTTPAdapter.send`` at import
(``responses`` does) can capture one of the fake's functions.
"""

from __future__ import annotations

import http.client
import io
from collections.abc import Callable, Mapping
from typing import Any

import requests
import requests.adapters
import urllib3
from requests.exceptions import ConnectionError, ConnectTimeout, ReadTimeout
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from pytest_omics_cache._service import InjectedFault, NoOmicsInRegion, OmicsService
from pytest_omics_cache._wire.hosts import is_omics_url
from pytest_omics_cache._wire.protocol import WireRequest, WireResponse

_FAULTS: Mapping[str, type[requests.exceptions.RequestException]] = {
    "connection": ConnectionError,
    "connect-timeout": ConnectTimeout,
    "read-timeout": ReadTimeout,
}


class _Serving:
    #: The fake's adapter while a fake is active; None otherwise.
    adapter: _OmicsAdapter | None = None


def _body(body: object) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    read = getattr(body, "read", None)
    if read is not None:  # a file
        content = read()
        return content.encode() if isinstance(content, str) else bytes(content)
    # a generator of chunks (a streamed upload)
    return b"".join(c.encode() if isinstance(c, str) else c for c in body)  # type: ignore[attr-defined]


class _OmicsAdapter(requests.adapters.BaseAdapter):
    """Answers HealthOmics requests from the fake, as the service would over HTTP."""

    def __init__(self, service: OmicsService) -> None:
        super().__init__()
        self._service = service

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        wire = WireRequest(
            request.method or "GET", request.url or "", request.headers, _body(request.body)
        )
        try:
            answer = self._service.handle(wire, transport="requests")
        except InjectedFault as fault:
            # What requests raises for the same failure (for a region without HealthOmics, one
            # whose host does not resolve), saying why.
            message = (
                fault.message
                if isinstance(fault, NoOmicsInRegion)
                else f"{fault.kind} injected by pytest-omics-cache"
            )
            raise _FAULTS[fault.kind](message, request=request) from None
        return self._response(request, answer)

    def _response(
        self, request: requests.PreparedRequest, answer: WireResponse
    ) -> requests.Response:
        # What HTTPAdapter.build_response makes of a urllib3 response, so .raw, .content,
        # .iter_content and stream=True behave as they do for a real one.
        reason = http.client.responses.get(answer.status, "")
        response = requests.Response()
        response.status_code = answer.status
        response.headers = CaseInsensitiveDict(answer.headers)
        response.encoding = get_encoding_from_headers(response.headers)
        response.raw = urllib3.HTTPResponse(
            body=io.BytesIO(answer.body),
            headers=answer.headers,
            status=answer.status,
            reason=reason,
            preload_content=False,
        )
        response.reason = reason
        response.url = request.url or ""
        response.request = request
        response.connection = self  # type: ignore[assignment]
        return response

    def close(self) -> None:
        pass


def patches(service: OmicsService) -> list[tuple[object, str, object]]:
    """The attributes to swap while ``service`` serves omics URLs sent with ``requests``."""
    adapter = _OmicsAdapter(service)
    original: Callable[[requests.Session, str], requests.adapters.BaseAdapter] = vars(
        requests.Session
    )["get_adapter"]

    def get_adapter(session: requests.Session, url: str) -> requests.adapters.BaseAdapter:
        # A copy of this function kept by another library after the fake stopped is harmless:
        # it then hands every URL to the adapter requests would have chosen.
        if _Serving.adapter is adapter and is_omics_url(url):
            return adapter
        return original(session, url)

    return [(_Serving, "adapter", adapter), (requests.Session, "get_adapter", get_adapter)]
