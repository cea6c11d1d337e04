"""The one request path every transport shares:
identify the operation and region -> read and validate parameters -> handler -> HTTP response.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from pytest_omics_cache import _model, _protocol
from pytest_omics_cache._calls import Call, CallLog
from pytest_omics_cache._errors import UnservedRequestError
from pytest_omics_cache._operations import HANDLERS, Caller, ServiceError
from pytest_omics_cache._options import Options
from pytest_omics_cache._registry import Registry


@dataclass
class OmicsService:
    registry: Registry
    calls: CallLog
    options: Options

    def handle(
        self, request: _protocol.WireRequest, operation: str | None = None
    ) -> _protocol.WireResponse:
        """Answer one HTTP request. ``operation`` is the transport's own knowledge of it, if any."""
        operation_spec = _protocol.find_operation(
            request.method, urlsplit(request.url).path, operation
        )
        if operation_spec is None:
            raise UnservedRequestError(_unserved_message(request, operation))
        caller = Caller(
            self.options.account, _protocol.request_region(request, self.options.region)
        )
        params: dict[str, object] = {}
        try:
            params = _protocol.parse_params(operation_spec, request)
            problems = _model.validator(operation_spec.input_shape)(params, "")
            if problems:
                raise ServiceError("ValidationException", _model.validation_message(problems))
            body = HANDLERS[operation_spec.name](self.registry, caller, params)
            response = _protocol.response(operation_spec.success_status, body)
            error_code = None
        except _protocol.MalformedRequest as malformed:
            error_code = "ValidationException"
            response = _protocol.error_response(error_code, str(malformed))
        except ServiceError as error:
            error_code = error.code
            response = _protocol.error_response(error.code, error.message)
        self.calls.record(
            Call(
                operation=operation_spec.name,
                params=params,
                region=caller.region,
                account=caller.account,
                status_code=response.status,
                error_code=error_code,
                method=request.method,
                url=request.url,
                headers=request.headers,
            )
        )
        return response


def _unserved_message(request: _protocol.WireRequest, operation: str | None) -> str:
    what = f"omics {operation}" if operation else "this omics request"
    served = ", ".join(_model.SERVED_OPERATIONS)
    return (
        f"pytest-omics-cache does not serve {what} ({request.method} {request.url});"
        f" it serves {served}. The request was refused and never left the machine."
        " Fake this call another way: botocore's Stubber on that client answers before"
        " the request is built, so it works beside fake_omics."
    )
