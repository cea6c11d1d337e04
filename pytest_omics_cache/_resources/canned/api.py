"""The canned-answer part of ``FakeOmics``: ``add_response``, for operations no resource serves."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pytest_omics_cache._core import arguments as _arguments
from pytest_omics_cache._resources.canned.store import CannedResponse, CannedResponses
from pytest_omics_cache._wire import model as _model
from pytest_omics_cache._wire import validate as _validate

if TYPE_CHECKING:
    from pytest_omics_cache._core.handlers import Backend


class CannedApi:
    """Canned answers (a part of ``FakeOmics``)."""

    _backend: Backend
    #: The operations the resources answer from their state alone (the catalog's).
    _from_state: Mapping[str, str]

    def add_response(
        self,
        operation: str,
        response: Mapping[str, Any],
        *,
        params: Mapping[str, Any] | None = None,
        times: int | None = 1,
    ) -> CannedResponse:
        r"""Answer requests of an operation the registry does not serve with ``response``.

        ``operation`` is the model's name (``"GetWorkflow"``); ``response`` is the operation's
        output as boto3 returns it (boto3 names; ``datetime``\ s or ISO-8601 strings for
        timestamps; ``ResponseMetadata`` is ignored). It is checked against the model's output
        shape now, so a bad one is a ``ValueError`` naming every bad member, its value and the
        rule; it is sent as the service sends it (status, headers, payload, JSON body) and
        botocore parses it back into exactly ``response``. ``params`` limits it to requests
        whose parameters (boto3 names, read back from the wire) equal those given; ``times`` is
        how many requests it answers (None: every one). Responses are consulted in the order
        added; a request is still validated against the model first, and is a recorded call.
        """
        __tracebackhide__ = True
        _arguments.check_operation("add_response", operation)
        if operation is None or operation in self._from_state:
            seeds = self._from_state.get(operation or "", "add_run_cache(...), add_run(...)")
            raise ValueError(
                f"add_response: {operation} is served from the fake's registry, so a canned"
                f" answer would contradict it; seed the registry instead ({seeds}), or inject a"
                " failure with add_error / add_fault"
            )
        if not isinstance(response, Mapping):
            raise ValueError(f"add_response: response={response!r} must be a dict")
        given = {k: v for k, v in response.items() if k != "ResponseMetadata"}
        output = _model.operation(operation).output_shape
        problems = (
            [v.author_message() for v in _validate.check_output(output, given, "")]
            # An empty output structure is no output at all, as far as an author can tell.
            if output is not None and output.members
            else [
                f"{name}={value!r}: {operation} has no output members"
                for name, value in given.items()
            ]
        )
        if problems:
            raise ValueError(f"add_response: invalid {operation} response: " + "; ".join(problems))
        _arguments.check_params("add_response", operation, params)
        _arguments.check_times("add_response", times)
        return self._backend.stores[CannedResponses].add(
            CannedResponse(operation, given, None if params is None else _as_read(params), times)
        )


def _as_read(value: Any) -> Any:
    """``value`` as a request's parameters read back from the wire hold it (lists, not tuples),
    so that it compares equal."""
    if isinstance(value, Mapping):
        return {key: _as_read(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_read(item) for item in value]
    return value
