"""Turning run-cache fields into a stored run cache: seeds checked against the model at seed
time, and caches the service creates. Both go through :func:`render`, so they are alike."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pytest_omics_cache import _model, _protocol
from pytest_omics_cache._registry import StoredRunCache


def build(account: str, region: str, fields: Mapping[str, Any]) -> StoredRunCache:
    """A stored cache from Get-shaped ``fields`` (None means unset), or a ValueError that names
    every bad field, its value and the model's rule."""
    __tracebackhide__ = True
    operation = _protocol.spec("GetRunCache")
    shape = operation.model.output_shape
    assert shape is not None
    members = shape.members
    data: dict[str, Any] = {}
    problems: list[str] = []
    for name, value in fields.items():
        if value is None:
            continue
        if name == "creationTime":
            try:
                data[name] = timestamp(value)
            except ValueError as error:
                problems.append(f"creationTime={value!r}: {error}")
            continue
        if isinstance(value, Mapping):
            value = dict(value)
        for violation in _model.check(members[name], value, name):
            problems.append(
                f"{name}={violation.value!r} breaks the rule '{violation.rule}'"
                f" (botocore omics model, shape {violation.shape})"
            )
        data[name] = value
    if problems:
        raise ValueError("invalid run cache seed: " + "; ".join(problems))
    return render(account, region, data)


def render(account: str, region: str, data: dict[str, Any]) -> StoredRunCache:
    """A stored cache for Get-shaped ``data``, with the GetRunCache body rendered once."""
    return StoredRunCache(
        account, region, data, _protocol.output_body(_protocol.spec("GetRunCache"), data)
    )


def timestamp(value: object) -> datetime:
    """The datetime get_run_cache will return for ``value``."""
    from botocore.parsers import DEFAULT_TIMESTAMP_PARSER

    if isinstance(value, str):
        text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                "must be an ISO-8601 timestamp such as '2026-01-31T12:00:00Z'"
            ) from None
    elif isinstance(value, datetime):
        parsed = value
    else:
        raise ValueError("must be a timezone-aware datetime or an ISO-8601 string")
    if parsed.utcoffset() is None:
        raise ValueError(
            "has no timezone; use e.g. datetime(..., tzinfo=timezone.utc) or a trailing 'Z'"
        )
    # Read the wire form back with botocore's own parser, so the seed's tzinfo is the one the
    # client returns (dateutil gives tzlocal() on a machine whose zone is UTC, tzutc() elsewhere).
    parsed_back: datetime = DEFAULT_TIMESTAMP_PARSER(_protocol.format_timestamp(parsed))
    return parsed_back
