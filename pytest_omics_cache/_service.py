"""The one request path every transport shares:
identify the operation and region -> read and validate parameters -> handler -> HTTP response.

The handler is the one the catalog lists for the operation (``_resources.catalog``): a
resource's, or for any other operation the responses the test queued with ``add_response``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_omics_cache._core.calls import CallLog
from pytest_omics_cache._core.errors import UnservedRequestError
from pytest_omics_cache._core.handlers import Backend, Caller, ServiceError, Unserved
from pytest_omics_cache._core.injections import Injections, default_message
from pytest_omics_cache._core.readings import Reading, Readings
from pytest_omics_cache._resources import catalog
from pytest_omics_cache._wire import answers as _answers
from pytest_omics_cache._wire import hosts as _hosts
from pytest_omics_cache._wire import protocol as _protocol
from pytest_omics_cache._wire import validate as _validate

#: Every operation a resource serves, and its handler (the catalog's).
HANDLERS = catalog.HANDLERS


class InjectedFault(Exception):
    """A transport fault the test asked for; each transport adapter raises its own equivalent."""

    def __init__(self, kind: str, url: str) -> None:
        super().__init__(f"{kind} on {url}")
        self.kind = kind
        self.url = url


class NoOmicsInRegion(InjectedFault):
    """A request to a region HealthOmics is not available in. Against AWS the host botocore
    builds there does not resolve, so the client cannot connect: each in-process transport
    raises its connection error (a ``"connection"`` fault); the loopback endpoint, which the
    child did reach, answers as it does an unserved request, with ``message``."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__("connection", url)
        self.message = message


# State, not a value: no generated __eq__ or __repr__, which would double its import cost.
@dataclass(repr=False, eq=False)
class OmicsService:
    """One fake's service: its resources' state (``backend``, see ``_resources.catalog``), its
    call log and injections, and the sleeps botocore asked for and the transports skipped."""

    backend: Backend
    calls: CallLog
    injections: Injections = field(default_factory=Injections)
    #: Backoff delays botocore asked to sleep between retries (and that were skipped).
    retry_delays: list[float] = field(default_factory=list)
    #: Delays botocore's waiters asked to sleep between polls (and that were skipped).
    waiter_delays: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.options = self.backend.options
        self._readings = Readings()
        self._callers: dict[str, Caller] = {}

    def handle(
        self,
        request: _protocol.WireRequest,
        operation: str | None = None,
        transport: str = "botocore",
    ) -> _protocol.WireResponse:
        """Answer one HTTP request. ``operation`` is the transport's own knowledge of it, if any;
        ``transport`` names the adapter, for the call log.

        Raises UnservedRequestError for a request the fake does not serve and InjectedFault
        for an injected transport fault (NoOmicsInRegion for a region without HealthOmics).
        """
        region = _protocol.request_region(request, self.options.region)
        if not _hosts.has_omics(region):
            # Before anything else: against AWS nothing answers it, not even an injection.
            raise self._no_omics_in(request, region, operation, transport)
        reading = self._readings.get(request, operation, transport, self._read)
        operation_spec, params, problems, malformed, handler = reading
        caller = self._callers.get(region)
        if caller is None:
            caller = self._callers[region] = Caller(self.options.account, region)
        name = operation_spec.name
        try:
            if malformed is not None:
                raise _protocol.MalformedRequest(malformed[1], malformed[0])
            # Injected errors come first: throttling or an outage does not wait for validation.
            injected = self.injections.fire(name, params.get("id"), region)
            if injected is not None:
                if injected.kind == "fault":
                    self._record(
                        request, name, params, caller, None, None, transport, injected.code
                    )
                    raise InjectedFault(injected.code, request.url)
                raise ServiceError(
                    injected.code,
                    injected.message
                    or default_message(injected.code, operation=name, account=caller.account),
                )
            if problems:
                raise ServiceError("ValidationException", _validate.validation_message(problems))
            answer = handler(self.backend, caller, params)
            response = (
                _answers.response(operation_spec.success_status, answer)
                if isinstance(answer, bytes)
                else answer
            )
            error_code = None
        except _protocol.MalformedRequest as malformed_request:
            error_code = malformed_request.code
            response = _answers.error_response(
                error_code,
                malformed_request.message,
                status=_protocol.SERIALIZATION_STATUS
                if error_code == _protocol.SERIALIZATION
                else None,
            )
        except ServiceError as error:
            error_code = error.code
            response = _answers.error_response(error.code, error.message)
        except Unserved as unserved:
            self._record(request, name, params, caller, None, None, transport, unserved=True)
            raise UnservedRequestError(
                _unserved_message(request, name, str(unserved), operation_spec)
            ) from None
        self._record(request, name, params, caller, response.status, error_code, transport)
        return response

    def _read(
        self, request: _protocol.WireRequest, operation: str | None, transport: str
    ) -> Reading:
        """What a request asks: operation, parameters, and the rules they break (if any)."""
        routed = _protocol.find_operation(request, operation)
        if routed is None:
            # No operation of the model has this method and path: nothing can answer it.
            raise UnservedRequestError(
                self.refuse(
                    request,
                    "no operation of the botocore omics model has this method and path.",
                    transport,
                    what=f"omics {operation}" if operation else "this omics request",
                )
            )
        name = routed.operation.name
        handler = catalog.handler(name)
        try:
            params = _protocol.parse_params(routed, request)
        except _protocol.MalformedRequest as malformed:
            return Reading(routed.operation, {}, (), (malformed.code, malformed.message), handler)
        problems = _validate.validator(routed.operation.input_shape)(params, "")
        # A member of the wrong JSON type is a body the service cannot read: it answers that
        # first (and only that), as it does a body that is no JSON at all.
        for problem in problems:
            if problem.unreadable is not None:
                unreadable = (_protocol.SERIALIZATION, problem.unreadable)
                return Reading(routed.operation, params, (), unreadable, handler)
        return Reading(routed.operation, params, tuple(problems), None, handler)

    def _no_omics_in(
        self,
        request: _protocol.WireRequest,
        region: str,
        operation: str | None,
        transport: str,
    ) -> NoOmicsInRegion:
        """Record a request to ``region``, where HealthOmics is not available, as unserved, and
        return the fault to raise for it."""
        routed = _protocol.find_operation(request, operation)
        name = routed.operation.name if routed is not None else (operation or "")
        params: Mapping[str, Any] = {}
        if routed is not None:
            with contextlib.suppress(_protocol.MalformedRequest):  # then no parameters
                params = _protocol.parse_params(routed, request)
        caller = Caller(self.options.account, region)
        self._record(
            request, name, params, caller, None, None, transport, unserved=True, no_omics=True
        )
        what = f"omics {name}" if name else "this omics request"
        return NoOmicsInRegion(
            request.url,
            f"pytest-omics-cache refused {what} ({request.method} {request.url}): it is addressed"
            f" to {region}, and HealthOmics is not available there; botocore's endpoint data has"
            f" it in: {', '.join(_hosts.omics_regions())}. Against AWS the request could not"
            f" connect (the host for {region} does not resolve). Use one of those regions."
            f" {_TEARDOWN_NOTE}",
        )

    def refuse_connection(
        self, host: str, port: int | None, stack: str, message: str
    ) -> UnservedRequestError:
        """Record a connection to HealthOmics ``host`` that ``stack`` (an HTTP stack this fake
        does not serve) tried, refused at the socket layer; returns the error to raise, with
        ``message`` (what was refused and how to serve it)."""
        region = _hosts.region_of_host(host.rstrip(".")) or self.options.region
        url = f"https://{host}" if port is None else f"https://{host}:{port}"
        request = _protocol.WireRequest("CONNECT", url, {}, b"")
        params = {"host": host, "port": port, "by": stack}
        caller = Caller(self.options.account, region)
        self._record(request, "", params, caller, None, None, "socket", unserved=True)
        return UnservedRequestError(f"{message} {_TEARDOWN_NOTE}")

    def refuse(
        self,
        request: _protocol.WireRequest,
        reason: str,
        transport: str,
        *,
        what: str = "this request",
    ) -> str:
        """Record ``request`` as one nothing can answer, for the teardown check, and return the
        message for its ``UnservedRequestError`` (``reason`` says why)."""
        region = _protocol.request_region(request, self.options.region)
        caller = Caller(self.options.account, region)
        self._record(request, "", {}, caller, None, None, transport, unserved=True)
        return (
            f"pytest-omics-cache does not serve {what} ({request.method} {request.url}): {reason}"
            f" {_TEARDOWN_NOTE}"
        )

    def _record(
        self,
        request: _protocol.WireRequest,
        operation: str,
        params: Mapping[str, Any],
        caller: Caller,
        status_code: int | None,
        error_code: str | None,
        transport: str,
        fault: str | None = None,
        unserved: bool = False,
        no_omics: bool = False,
    ) -> None:
        # Call's fields in Call's order (see _core.calls.Record).
        self.calls.record(
            (
                operation,
                params,
                caller.region,
                caller.account,
                status_code,
                error_code,
                request.method,
                request.url,
                request.headers,
                fault,
                unserved,
                transport,
                no_omics,
            )
        )


_TEARDOWN_NOTE = (
    "The request was refused and never left the machine. The test fails at teardown with it"
    " listed, even if the code under test caught this error."
)


def _unserved_message(
    request: _protocol.WireRequest, name: str, reason: str, operation: _protocol.OperationSpec
) -> str:
    served = ", ".join(HANDLERS)
    hint = _add_response_hint(name, request, operation)
    return (
        f"pytest-omics-cache does not serve omics {name} ({request.method} {request.url}):"
        f" {reason}\nTo serve it, queue an answer: {hint}\nThe fake serves {served} from its"
        f" registry, and any other operation from responses queued with add_response."
        f" {_TEARDOWN_NOTE}"
    )


def _add_response_hint(
    name: str, request: _protocol.WireRequest, operation: _protocol.OperationSpec
) -> str:
    routed = _protocol.find_operation(request, name)
    params: dict[str, object] = {}
    if routed is not None:
        try:
            parsed = _protocol.parse_params(routed, request)
        except _protocol.MalformedRequest:
            parsed = {}
        # The members that name the resource (in the path) are what tells requests apart.
        params = {
            uri_name: parsed[uri_name]
            for uri_name, _ in operation.uri_members
            if uri_name in parsed
        }
    output = operation.model.output_shape
    members = f"the {output.name} members" if output is not None else "no members"
    narrowed = f", params={params!r}" if params else ""
    return (
        f'fake_omics.add_response("{name}", {{...}}{narrowed}), {{...}} being {members} as'
        " boto3 returns them."
    )
