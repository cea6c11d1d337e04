"""Hooking botocore so that every omics client talks to the fake, and restoring it afterwards.

Why these two hooks (see botocore's endpoint.py and signers.py):

* Answer at ``before-send``, the last event before bytes would leave, so everything botocore
  does around a request still runs: serialization, signing, retries, parsing, error classes.
  Handlers registered on a session never reach clients that were copied from it earlier, so
  instead the emitter *class* is wrapped: every client's emitter, however old, asks the fake
  first about ``before-send.omics.*``, ahead of any handler it carries (moto's included).
* Sign omics requests with fake credentials. Signing runs before ``before-send``; a client made
  with no credentials would raise ``NoCredentialsError`` there, and a client holding real ones
  would put them to use. ``RequestSigner.get_auth_instance`` is looked up at call time and
  accepts per-request credentials, so wrapping it covers existing clients too.
* Give omics clients created meanwhile fake credentials, so making one never reads the real
  credential chain (files, SSO, processes, instance metadata). Other services' clients, and the
  session's own credential cache, are left alone.

* Skip botocore's retry sleeps (unless the test asks for real ones): ``Endpoint._needs_retry``
  sleeps through the ``time`` module of ``botocore.endpoint``, its only use of it, so that module
  gets a ``time`` whose ``sleep`` records the delay instead; adaptive mode's rate limiter waits
  on a condition in ``TokenBucket.acquire``, which is made to grant at once. Both are looked up
  at call time, so existing clients are covered; ``time.sleep`` elsewhere is left alone.

* Start each client's retry quota (standard and adaptive modes) full for every fake, and put it
  back as it was afterwards: botocore keeps one quota per client for the client's life, so a
  module-level client would otherwise stop retrying after some tests' worth of injected errors,
  making results depend on test order. Within one test the quota works as botocore's does.

* Make each omics client created meanwhile refuse to send once the fake has stopped: it holds the
  fake's credentials, and nothing may send those (or anything) to AWS.

* Write botocore's User-Agent components through a cache of their answers (``user_agent``): the
  same header text, for about a tenth of botocore's cost per call less.

All are attributes swapped while a fake is active and put back exactly afterwards (by
``activation``, all or nothing); the process environment is never touched.
"""

from __future__ import annotations

import functools
import inspect
import threading
import time
from collections.abc import Callable
from typing import Any

import botocore.endpoint
import botocore.waiter
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.credentials import Credentials
from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
from botocore.hooks import HierarchicalEmitter
from botocore.retries.bucket import TokenBucket
from botocore.retries.quota import RetryQuota
from botocore.session import Session
from botocore.signers import RequestSigner

from pytest_omics_cache._core.errors import UnservedRequestError
from pytest_omics_cache._service import InjectedFault, OmicsService
from pytest_omics_cache._transports import signing as _signing
from pytest_omics_cache._transports import user_agent as _user_agent
from pytest_omics_cache._transports.botocore_wire import Body, wire_request
from pytest_omics_cache._wire.protocol import WireResponse

_BEFORE_SEND = "before-send.omics."

FAKE_ACCESS_KEY_ID = "FAKEOMICSACCESSKEYID"
FAKE_SECRET_ACCESS_KEY = "fake-omics-secret-access-key"
_FAKE_CREDENTIALS = Credentials(FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY, method="fake-omics")

# What the hooks were when the fake started: the wrappers delegate to them. They stay set after
# the fake stops, so a wrapper that another library captured meanwhile still works.
_original_emit: Callable[..., Any] = HierarchicalEmitter.emit
_original_get_auth_instance: Callable[..., Any] = RequestSigner.get_auth_instance

#: The service answering omics requests; set (last) and reset (first) by activation.
_active: OmicsService | None = None


_FAULTS: dict[str, Callable[[str, Exception], Exception]] = {
    "connection": lambda url, error: EndpointConnectionError(endpoint_url=url, error=error),
    "connect-timeout": lambda url, error: ConnectTimeoutError(endpoint_url=url, error=error),
    "read-timeout": lambda url, error: ReadTimeoutError(endpoint_url=url, error=error),
}


def handle(
    event_name: str, request: AWSPreparedRequest, transport: str = "botocore"
) -> WireResponse:
    """The fake's answer to a ``before-send.omics.*`` request, for sync and async clients."""
    service = _active
    assert service is not None
    try:
        return service.handle(wire_request(request), event_name[_OPERATION_AT:], transport)
    except InjectedFault as fault:
        # What botocore's HTTP layer raises for the same failure; botocore's retry handler
        # treats it as it would a real one.
        cause = OSError(f"{fault.kind} injected by pytest-omics-cache")
        raise _FAULTS[fault.kind](fault.url, cause) from None


_OPERATION_AT = len(_BEFORE_SEND)


def _answer(event_name: str, request: AWSPreparedRequest) -> list[tuple[object, AWSResponse]]:
    answer = handle(event_name, request)
    # The shape `emit` returns: (handler, response) pairs; botocore takes the first response.
    # AWSResponse copies any mapping into its own case-insensitive HeadersDict.
    response = AWSResponse(request.url, answer.status, answer.headers, Body(answer.body))  # type: ignore[arg-type]
    return [(_answer, response)]


class _AsyncHooks:
    #: Set while aiobotocore's side is hooked: answers an aiobotocore emitter with a coroutine.
    answer: Callable[[str, AWSPreparedRequest], Any] | None = None


_emitter_is_async: dict[type, bool] = {}


def _before_send(emitter: HierarchicalEmitter, event_name: str, request: AWSPreparedRequest) -> Any:
    cls = type(emitter)
    answer_async = _AsyncHooks.answer
    if cls is not HierarchicalEmitter and answer_async is not None:
        is_async = _emitter_is_async.get(cls)
        if is_async is None:
            # aiobotocore's emitter inherits `emit` and makes `_emit` a coroutine function.
            is_async = _emitter_is_async[cls] = inspect.iscoroutinefunction(cls._emit)  # type: ignore[attr-defined]
        if is_async:
            return answer_async(event_name, request)
    return _answer(event_name, request)


def _emit(self: HierarchicalEmitter, event_name: str, **kwargs: Any) -> Any:
    if _active is not None and event_name.startswith(_BEFORE_SEND):
        return _before_send(self, event_name, kwargs["request"])
    return _original_emit(self, event_name, **kwargs)


def _emit_inline(self: HierarchicalEmitter, event_name: str, **kwargs: Any) -> Any:
    # botocore's own `emit` is `return self._emit(event_name, kwargs)`. Doing that here instead
    # of calling it saves a frame on each of the ~20 events of every API call of every client.
    if _active is not None and event_name.startswith(_BEFORE_SEND):
        if type(self) is HierarchicalEmitter:  # botocore's own: never async
            return _answer(event_name, kwargs["request"])
        return _before_send(self, event_name, kwargs["request"])
    return self._emit(event_name, kwargs)  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=4)
def _is_botocores_own_emit(emit: object) -> bool:
    # Cached: every fake's start asks it of the same function.
    code = getattr(emit, "__code__", None)
    return (
        getattr(emit, "__module__", None) == "botocore.hooks"
        and getattr(emit, "__qualname__", None) == "HierarchicalEmitter.emit"
        and code is not None
        and code.co_names == ("_emit",)
    )


def _get_auth_instance(
    self: RequestSigner,
    signing_name: str,
    region_name: str,
    signature_version: str | None = None,
    request_credentials: Credentials | None = None,
    **kwargs: Any,
) -> Any:
    service = _active
    # hyphenize() inlined: two frames less on every request of every client.
    if service is None or self._service_id.replace(" ", "-").lower() != "omics":  # type: ignore[attr-defined]
        return _original_get_auth_instance(
            self, signing_name, region_name, signature_version, request_credentials, **kwargs
        )
    auth = _original_get_auth_instance(
        self, signing_name, region_name, signature_version, _FAKE_CREDENTIALS, **kwargs
    )
    return auth if service.options.real_signatures else _signing.cheap(auth)


def with_fake_credentials(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """``create_client`` keyword arguments that give an omics client the fake credentials,
    unless the caller passed credentials of its own (they are never used to sign anyway).
    Returns ``kwargs`` itself when the client keeps its own."""
    service = args[0] if args else kwargs.get("service_name")
    explicit = (
        len(args) > 6 or kwargs.get("aws_access_key_id") or kwargs.get("aws_secret_access_key")
    )
    if service != "omics" or explicit:
        return kwargs
    return {
        **kwargs,
        "aws_access_key_id": FAKE_ACCESS_KEY_ID,
        "aws_secret_access_key": FAKE_SECRET_ACCESS_KEY,
        "aws_session_token": None,
    }


def guard_after_stop(client: Any, origin: str) -> None:
    """Make a client that got the fake credentials refuse to send once the fake has stopped.

    While a fake is active its requests never reach this handler (the fake answers
    ``before-send`` ahead of every handler); afterwards, the client still holds the fake's
    credentials, and a thread or cache that kept it would otherwise send a request to AWS.
    """

    def refuse(request: AWSPreparedRequest, **_: Any) -> None:
        if _active is None:
            raise UnservedRequestError(
                f"this omics client was created while {origin} was active, so it holds that"
                f" fake's credentials; that fake has stopped, so the request ({request.method}"
                f" {request.url}) was refused and never left the machine. Create omics clients"
                " inside the test (or mock_omics block) that uses them, or before the fake"
                " starts with credentials of their own."
            )

    client.meta.events.register_first("before-send.omics", refuse)


class _TimeWithoutSleep:
    """``botocore.endpoint``'s view of the ``time`` module while retry sleeps are skipped."""

    def __init__(self, record: Callable[[float], None]) -> None:
        self._record = record

    def sleep(self, seconds: float) -> None:
        self._record(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def _acquire_at_once(self: object, amount: int = 1, block: bool = True) -> bool:
    return True


class FreshRetryQuotas:
    """Gives every retry quota a full capacity the first time this fake sees it in use, and
    puts each one's capacity back as it was when the fake stops."""

    def __init__(self) -> None:
        self._before: dict[int, tuple[RetryQuota, int]] = {}
        self._lock = threading.Lock()

    def _fresh(self, quota: RetryQuota) -> None:
        if id(quota) not in self._before:
            with self._lock:
                if id(quota) not in self._before:
                    # botocore's own private fields; the stubs leave them out.
                    state = vars(quota)
                    self._before[id(quota)] = (quota, state["_available_capacity"])
                    state["_available_capacity"] = state["_max_capacity"]

    def patches(self) -> list[Patch]:
        acquire, release = vars(RetryQuota)["acquire"], vars(RetryQuota)["release"]

        def fresh_acquire(quota: RetryQuota, capacity_amount: int) -> bool:
            self._fresh(quota)
            return bool(acquire(quota, capacity_amount))

        def fresh_release(quota: RetryQuota, capacity_amount: int) -> None:
            self._fresh(quota)
            release(quota, capacity_amount)

        return [(RetryQuota, "acquire", fresh_acquire), (RetryQuota, "release", fresh_release)]

    def restore(self) -> None:
        for quota, capacity in self._before.values():
            vars(quota)["_available_capacity"] = capacity
        self._before.clear()


Patch = tuple[object, str, object]


def patches(
    skip_sleeps_for: OmicsService | None, quotas: FreshRetryQuotas, origin: str
) -> list[Patch]:
    """botocore's attributes to swap while a fake is active (see the module's docstring).

    With ``skip_sleeps_for``, retry backoff is recorded in its ``retry_delays``, not slept.
    """
    global _original_emit, _original_get_auth_instance
    # What the hooks delegate to: whatever is in place now, another library's wrapper included.
    _original_emit = HierarchicalEmitter.__dict__["emit"]
    _original_get_auth_instance = RequestSigner.__dict__["get_auth_instance"]
    original_create_client = Session.__dict__["create_client"]

    def create_client(self: Session, *args: Any, **kwargs: Any) -> Any:
        given = with_fake_credentials(args, kwargs)
        client = original_create_client(self, *args, **given)
        if given is not kwargs:
            guard_after_stop(client, origin)
        return client

    emit = _emit_inline if _is_botocores_own_emit(_original_emit) else _emit
    found: list[Patch] = [
        (HierarchicalEmitter, "emit", emit),
        (RequestSigner, "get_auth_instance", _get_auth_instance),
        (Session, "create_client", create_client),
    ]
    if skip_sleeps_for is not None:
        found.append(
            (botocore.endpoint, "time", _TimeWithoutSleep(skip_sleeps_for.retry_delays.append))
        )
        found.append((TokenBucket, "acquire", _acquire_at_once))
        # Waiters (run_completed, ...) sleep between polls through botocore.waiter's `time`.
        found.append(
            (botocore.waiter, "time", _TimeWithoutSleep(skip_sleeps_for.waiter_delays.append))
        )
    found.extend(_user_agent.patches())
    found.extend(quotas.patches())
    return found
