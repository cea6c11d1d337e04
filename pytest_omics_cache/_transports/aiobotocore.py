"""The aiobotocore side of the interception; imported only where aiobotocore is installed.

aiobotocore subclasses botocore's classes and makes their I/O asynchronous. Its emitter inherits
``emit`` (hooked in ``botocore``) but awaits the result, so it gets a coroutine of the same
answer. Its signer, session and retry sleeps are its own async overrides and are hooked here,
for the same reasons as botocore's: fake credentials, and no backoff sleeps.
"""

from __future__ import annotations

import functools
import io
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiobotocore.awsrequest import AioAWSResponse
from aiobotocore.credentials import AioCredentials
from aiobotocore.endpoint import AioEndpoint
from aiobotocore.retries.bucket import AsyncTokenBucket
from aiobotocore.session import AioSession
from aiobotocore.signers import AioRequestSigner
from aiobotocore.waiter import AIOWaiter
from botocore.awsrequest import AWSPreparedRequest

from pytest_omics_cache._service import OmicsService
from pytest_omics_cache._transports import botocore as _botocore
from pytest_omics_cache._transports import signing as _signing

_FAKE_CREDENTIALS = AioCredentials(
    _botocore.FAKE_ACCESS_KEY_ID, _botocore.FAKE_SECRET_ACCESS_KEY, method="fake-omics"
)


class _AsyncContent:
    """aiohttp's ``response.content``, as aiobotocore's StreamingBody reads a streaming payload."""

    def __init__(self, body: bytes) -> None:
        self._stream = io.BytesIO(body)
        self._size = len(body)

    async def read(self, amount: int = -1) -> bytes:
        return self._stream.read(amount if amount is not None and amount >= 0 else -1)

    def at_eof(self) -> bool:
        return self._stream.tell() >= self._size


class _AsyncBody:
    """The ``raw`` of an AioAWSResponse: aiobotocore reads it with ``await raw.read()``, and a
    streaming payload (GetReadSet's) through ``content`` (aiohttp) or ``aiter_raw`` (httpx)."""

    def __init__(self, body: bytes, url: str) -> None:
        self._body = body
        self.content = _AsyncContent(body)
        self.url = url

    async def read(self, *_: object) -> bytes:
        return self._body

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        yield self._body

    def close(self) -> None:
        pass

    async def aclose(self) -> None:
        pass


async def answer(event_name: str, request: AWSPreparedRequest) -> list[tuple[object, Any]]:
    wire = _botocore.handle(event_name, request, "aiobotocore")
    return [
        (
            answer,
            AioAWSResponse(
                request.url, wire.status, wire.headers, _AsyncBody(wire.body, request.url)
            ),
        )
    ]


def patches(skip_sleeps_for: OmicsService | None, origin: str) -> list[_botocore.Patch]:
    """aiobotocore's attributes to swap while a fake is active."""
    original_get_auth_instance: Callable[..., Any] = vars(AioRequestSigner)["get_auth_instance"]

    async def get_auth_instance(
        self: AioRequestSigner,
        signing_name: str,
        region_name: str,
        signature_version: str | None = None,
        request_credentials: Any = None,
        **kwargs: Any,
    ) -> Any:
        service = _botocore._active
        if service is None or self._service_id.hyphenize() != "omics":
            return await original_get_auth_instance(
                self, signing_name, region_name, signature_version, request_credentials, **kwargs
            )
        auth = await original_get_auth_instance(
            self, signing_name, region_name, signature_version, _FAKE_CREDENTIALS, **kwargs
        )
        return auth if service.options.real_signatures else _signing.cheap(auth)

    # `create_client` returns a context whose coroutine is `_create_client`: the client is
    # made there, where it can get the fake credentials and the guard for after the fake.
    original_create_client: Callable[..., Any] = vars(AioSession)["_create_client"]

    async def create_client(self: AioSession, *args: Any, **kwargs: Any) -> Any:
        given = _botocore.with_fake_credentials(args, kwargs)
        client = await original_create_client(self, *args, **given)
        if given is not kwargs:
            _botocore.guard_after_stop(client, origin)
        return client

    found: list[_botocore.Patch] = [
        (AioRequestSigner, "get_auth_instance", get_auth_instance),
        (AioSession, "_create_client", create_client),
        (_botocore._AsyncHooks, "answer", answer),
    ]
    if skip_sleeps_for is not None:
        record = skip_sleeps_for.retry_delays.append

        async def sleep(self: AioEndpoint, seconds: float) -> None:
            record(seconds)

        async def acquire(self: AsyncTokenBucket, amount: int = 1, block: bool = True) -> bool:
            return True

        # Each endpoint class that sleeps its own way (AnyioEndpoint, for the httpx backend).
        sleepers = _with_sleep(AioEndpoint) or (AioEndpoint,)  # none: refused as it starts
        found += [(endpoint, "_sleep", sleep) for endpoint in sleepers]
        found.append((AsyncTokenBucket, "acquire", acquire))
        record_wait = skip_sleeps_for.waiter_delays.append

        async def wait(self: AIOWaiter, seconds: float) -> None:
            record_wait(seconds)

        # Waiters sleep between polls in their own `_sleep` (where this aiobotocore has one).
        found += [(waiter, "_sleep", wait) for waiter in _with_sleep(AIOWaiter)]
    return found


@functools.cache
def _with_sleep(cls: type) -> tuple[type, ...]:
    """``cls`` and its subclasses that sleep their own way (a ``_sleep`` of their own); looked
    up once, not on every activation."""
    return tuple(c for c in (cls, *_subclasses(cls)) if "_sleep" in vars(c))


def _subclasses(cls: type) -> list[type]:
    found: list[type] = []
    direct: list[type] = cls.__subclasses__()
    for sub in direct:
        found += [sub, *_subclasses(sub)]
    return found
