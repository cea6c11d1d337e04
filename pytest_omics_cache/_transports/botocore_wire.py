"""botocore's request and response objects as the one request path sees them: an
``AWSPreparedRequest`` read into a ``WireRequest`` (its headers as a light, case-insensitive
snapshot the call log can keep), and the body of the ``AWSResponse`` botocore gets back."""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, HeadersDict

from pytest_omics_cache._wire.protocol import WireRequest


class Body:
    """The ``raw`` of an AWSResponse: botocore reads it through ``stream()``, and a streaming
    payload (GetReadSet's) through ``read()``, as a StreamingBody (a file only when asked:
    every response makes one of these)."""

    __slots__ = ("_body", "_file")

    def __init__(self, body: bytes) -> None:
        self._body = body
        self._file: io.BytesIO | None = None

    def stream(self, **_: object) -> Iterator[bytes]:
        yield self._body

    def read(self, amount: int | None = None) -> bytes:
        if self._file is None:
            self._file = io.BytesIO(self._body)
        return self._file.read(amount)

    def close(self) -> None:
        pass


class Headers(Mapping[str, str]):
    """A snapshot of botocore's request headers, case-insensitive as HTTP's are. Values botocore
    holds as bytes (Authorization) read as str.

    The call log keeps one per request. Holding botocore's own HeadersDict instead would keep a
    dozen objects alive per request for the garbage collector to visit again and again. Two
    dicts of strings (names and values by lower-case name) are ones it never tracks at all, and
    the names are shared by every request that sends the same ones (botocore's requests do,
    one after another), so the log keeps of each request only its values.
    """

    __slots__ = ("_names", "_values")

    def __init__(self, raw: Any) -> None:
        entries = getattr(raw, "_dict", None)
        if type(raw) is HeadersDict and isinstance(entries, dict):
            # HeadersDict's own storage: _HeaderKey -> value, the key keeping name and lower case.
            names = tuple([key._key for key in entries])
            lowers, self._names = _LAYOUTS.get(names) or _layout(names)
            self._values = dict(zip(lowers, entries.values(), strict=True))
        else:
            self._names = {name.lower(): name for name in raw}
            self._values = {name.lower(): value for name, value in raw.items()}

    def __getitem__(self, name: str) -> str:
        value = self._values[name.lower()]
        return value.decode() if isinstance(value, bytes) else value

    def get(self, name: str, default: Any = None) -> Any:
        # Mapping.get would add a frame and an exception to every region lookup.
        value = self._values.get(name.lower())
        if value is None:
            return default
        return value.decode() if isinstance(value, bytes) else value

    def __iter__(self) -> Iterator[str]:
        return iter(self._names.values())

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return repr(dict(self))


#: Header names as botocore sent them -> (their lower case, {lower case: name}), for every set
#: of names seen, up to a bound no real client reaches.
_LAYOUTS: dict[tuple[str, ...], tuple[tuple[str, ...], dict[str, str]]] = {}


def _layout(names: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, str]]:
    lowers = tuple([name.lower() for name in names])
    layout = lowers, dict(zip(lowers, names, strict=True))
    if len(_LAYOUTS) < 256:
        _LAYOUTS[names] = layout
    return layout


def wire_request(request: AWSPreparedRequest) -> WireRequest:
    body = request.body
    if body is None:
        raw = b""
    elif isinstance(body, (bytes, bytearray)):
        raw = bytes(body)
    elif isinstance(body, str):
        raw = body.encode()
    else:  # a file-like body: read it and rewind, botocore may resend it on retry
        content = body.read()
        raw = content.encode() if isinstance(content, str) else content
        request.reset_stream()
    return WireRequest(request.method, request.url, Headers(request.headers), raw)
