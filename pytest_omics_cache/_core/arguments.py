"""Checking what a test author passes to ``FakeOmics``: each bad argument is a ``ValueError``
at the line that passed it, naming the argument, its value and the rule."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_omics_cache._core.handlers import Caller
from pytest_omics_cache._core.options import DEFAULT_ACCOUNT, DEFAULT_REGION, Options
from pytest_omics_cache._wire import model as _model
from pytest_omics_cache._wire import protocol as _protocol
from pytest_omics_cache._wire import validate as _validate


def check_operation(method: str, operation: str | None) -> None:
    """A ValueError for a name that is no omics operation, suggesting the model's name."""
    if operation is None or operation in _model.operation_names():
        return
    suggestion = _model.suggest_operation(operation)
    hint = f" Did you mean {suggestion!r}?" if suggestion is not None else ""
    raise ValueError(
        f"{method}: operation={operation!r} is not an omics operation.{hint} Operations are"
        " named as in the botocore model (e.g. 'GetRunCache'), or None for all of them."
    )


def check_target(
    method: str,
    operation: str | None,
    cache_id: str | None,
    region: str | None,
    times: int | None,
    after: int,
) -> None:
    """A ValueError naming the bad argument of add_error / add_fault, if any."""
    check_operation(method, operation)
    if cache_id is not None and not isinstance(cache_id, str):
        raise ValueError(f"{method}: id={cache_id!r} must be a string, as boto3 sends it")
    if (
        cache_id is not None
        and operation is not None
        and "id" not in _protocol.spec(operation).input_shape.members  # type: ignore[attr-defined]
    ):
        raise ValueError(
            f"{method}: {operation} requests carry no id, so id={cache_id!r} would never"
            " match; leave id out, or pick an operation that takes one"
        )
    if region is not None:
        check_where(method, region, None)
    check_times(method, times)
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise ValueError(f"{method}: after={after!r} must be an int >= 0")


def check_times(method: str, times: int | None) -> None:
    if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 1):
        raise ValueError(f"{method}: times={times!r} must be a positive int, or None for always")


def check_flag(method: str, name: str, value: object) -> None:
    """A ValueError for a flag that is not a bool: ``"no"`` is truthy, and would mean yes."""
    if not isinstance(value, bool):
        raise ValueError(f"{method}: {name}={value!r} must be True or False")


def check_failure_reason(
    method: str, failure_reason: str | None, statuses: tuple[str, ...]
) -> None:
    """A ValueError for a ``failureReason`` that nothing would ever show: only a FAILED run or
    task has one."""
    if failure_reason is not None and "FAILED" not in statuses:
        raise ValueError(
            f"{method}: failureReason={failure_reason!r} is given, but no status it sets is"
            f" FAILED ({', '.join(statuses)}), and only a FAILED run or task has a"
            " failureReason; add 'FAILED', or leave failureReason out"
        )


def check_where(method: str, region: str | None, account: str | None) -> None:
    """A ValueError naming a region or account that no request could come from."""
    try:
        Options(
            region=DEFAULT_REGION if region is None else region,
            account=DEFAULT_ACCOUNT if account is None else account,
        ).validated()
    except ValueError as error:
        raise ValueError(f"{method}: {error}") from None


def where(method: str, options: Options, region: str | None, account: str | None) -> Caller:
    """The account and region a seed of ``method`` goes to: those given, else the fake's (a
    ValueError for a region or account no request could come from)."""
    __tracebackhide__ = True
    check_where(method, region, account)
    return Caller(
        options.account if account is None else account,
        options.region if region is None else region,
    )


def check_params(method: str, operation: str, params: Mapping[str, Any] | None) -> None:
    """A ValueError for request parameters no request of ``operation`` could carry."""
    if params is None:
        return
    if not isinstance(params, Mapping):
        raise ValueError(f"{method}: params={params!r} must be a dict of request parameters")
    shape = _protocol.spec(operation).input_shape
    members = shape.members  # type: ignore[attr-defined]
    unknown = sorted(set(params) - set(members))
    if unknown:
        raise ValueError(
            f"{method}: params names {', '.join(map(repr, unknown))}, which {operation} requests"
            f" do not have; their parameters are: {', '.join(members)}"
        )
    for name in params:
        kind = members[name].type_name
        if kind in ("timestamp", "blob"):
            raise ValueError(
                f"{method}: params cannot match on {name}, a {kind}: requests are matched on their"
                f" parameters as read back from the wire, where a {kind} is text. Leave it out,"
                " and narrow on another parameter."
            )
    problems = [
        violation.author_message()
        for name, value in params.items()
        for violation in _validate.check(members[name], value, name)
    ]
    if problems:
        raise ValueError(
            f"{method}: params could never match a valid request: " + "; ".join(problems)
        )
