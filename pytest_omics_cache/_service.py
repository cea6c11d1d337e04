"""The one request path every transport shares:
identify the operation and region -> read and validate parameters -> handler -> HTTP response.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from pytest_omics_cache import _model, _protocol, _validate
from pytest_omics_cache._calls import CallLog
from pytest_omics_cache._errors import UnservedRequestError
from pytest_omics_cache._injections import Injections, default_message
from pytest_omics_cache._operations import HANDLERS, Backend, Caller, ServiceError
from pytest_omics_cache._options import Options
from pytest_omics_cache._registry import Registry


class _Reading(NamedTuple):
    operation: _protocol.OperationSpec
    params: Mapping[str, Any]
    problems: tuple[_validate.Violation, ...]
    malformed: str | None


_MAX_READINGS = 4096


class InjectedFault(Exception):
    """A transport fault the test asked for; each transport adapter raises its own equivalent."""

    def __init__(self, kind: str, url: str) -> None:
        super().__init__(f"{kind} on {url}")
        self.kind = kind
        self.url = url


@dataclass
class OmicsService:
    registry: Registry
    calls: CallLog
    options: Options
    injections: Injections = field(default_factory=Injections)
    #: Backoff delays botocore asked to sleep between retries (and that were skipped).
    retry_delays: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._backend = Backend(self.registry, self.options)
        # Reading a request depends only on its bytes, and tests repeat the same requests
        # (retries above all): read each once per fake.
        self._readings: dict[tuple[object, ...], _Reading] = {}
        self._callers: dict[str, Caller] = {}

    def handle(
        self, request: _protocol.WireRequest, operation: str | None = None
    ) -> _protocol.WireResponse:
        """Answer one HTTP request. ``operation`` is the transport's own knowledge of it, if any.

        Raises UnservedRequestError for a request the fake does not serve and InjectedFault
        for an injected transport fault.
        """
        key = (request.method, request.url, request.body, operation)
        reading = self._readings.get(key)
        if reading is None:
            reading = self._read(request, operation)
            if len(self._readings) < _MAX_READINGS:
                self._readings[key] = reading
        operation_spec, params, problems, malformed = reading
        region = _protocol.request_region(request, self.options.region)
        caller = self._callers.get(region)
        if caller is None:
            caller = self._callers[region] = Caller(self.options.account, region)
        name = operation_spec.name
        try:
            if malformed is not None:
                raise _protocol.MalformedRequest(malformed)
            # Injected errors come first: throttling or an outage does not wait for validation.
            injected = self.injections.fire(name, params.get("id"), region)
            if injected is not None:
                if injected.kind == "fault":
                    self._record(request, name, params, caller, None, None, injected.code)
                    raise InjectedFault(injected.code, request.url)
                raise ServiceError(
                    injected.code,
                    injected.message
                    or default_message(injected.code, operation=name, account=caller.account),
                )
            if problems:
                raise ServiceError("ValidationException", _validate.validation_message(problems))
            body = HANDLERS[name](self._backend, caller, params)
            response = _protocol.response(operation_spec.success_status, body)
            error_code = None
        except _protocol.MalformedRequest as malformed_request:
            error_code = "ValidationException"
            response = _protocol.error_response(error_code, str(malformed_request))
        except ServiceError as error:
            error_code = error.code
            response = _protocol.error_response(error.code, error.message)
        self._record(request, name, params, caller, response.status, error_code)
        return response

    def _read(self, request: _protocol.WireRequest, operation: str | None) -> _Reading:
        """What a request asks: operation, parameters, and the rules they break (if any)."""
        routed = _protocol.find_operation(request, operation)
        if routed is None:
            raise UnservedRequestError(_unserved_message(request, operation))
        try:
            params = _protocol.parse_params(routed, request.body)
        except _protocol.MalformedRequest as malformed:
            return _Reading(routed.operation, MappingProxyType({}), (), str(malformed))
        problems = _validate.validator(routed.operation.input_shape)(params, "")
        return _Reading(routed.operation, MappingProxyType(params), tuple(problems), None)

    def _record(
        self,
        request: _protocol.WireRequest,
        operation: str,
        params: Mapping[str, Any],
        caller: Caller,
        status_code: int | None,
        error_code: str | None,
        fault: str | None = None,
    ) -> None:
        # Call's fields in Call's order (see _calls.Record).
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
            )
        )


def _unserved_message(request: _protocol.WireRequest, operation: str | None) -> str:
    what = f"omics {operation}" if operation else "this omics request"
    served = ", ".join(_model.SERVED_OPERATIONS)
    return (
        f"pytest-omics-cache does not serve {what} ({request.method} {request.url});"
        f" it serves {served}. The request was refused and never left the machine."
        " Fake this call another way: botocore's Stubber on that client answers before"
        " the request is built, so it works beside fake_omics."
    )
