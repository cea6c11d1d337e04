"""Turning run-cache fields into a stored run cache: seeds checked against the model at seed
time, and caches the service creates. Both go through :func:`render`, so they are alike."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pytest_omics_cache._resources.run_caches.store import StoredRunCache
from pytest_omics_cache._wire import answers as _answers
from pytest_omics_cache._wire import protocol as _protocol
from pytest_omics_cache._wire import validate as _validate
from pytest_omics_cache._wire.clock import timestamp

if TYPE_CHECKING:
    from botocore.model import Shape


def build(
    account: str, region: str, given: Mapping[str, Any], derived: Mapping[str, Any]
) -> StoredRunCache:
    """A stored cache from Get-shaped fields, or a ValueError that names every bad field, its
    value and the model's rule.

    ``given`` are the test author's values (None means unset), each checked against the model;
    ``derived`` are the fake's own defaults, valid by construction and not checked again (a
    hundred thousand seeds must stay cheap).
    """
    __tracebackhide__ = True
    data: dict[str, Any] = {}
    problems: list[str] = []
    # One pass in the model's member order, the order botocore's parser returns them in.
    for name, check in _member_validators().items():
        value = given.get(name)
        if value is None:
            if name in derived:
                data[name] = derived[name]
            continue
        if name == "creationTime":
            try:
                data[name] = timestamp(value)
            except ValueError as error:
                problems.append(f"creationTime={value!r}: {error}")
            continue
        if isinstance(value, Mapping):
            value = dict(value)
        for violation in check(value, name):
            problems.append(
                f"{name}={violation.value!r} breaks the rule '{violation.rule}'"
                f" (botocore omics model, shape {violation.shape})"
            )
        data[name] = value
    if problems:
        raise ValueError("invalid run cache seed: " + "; ".join(problems))
    return render(account, region, data)


@functools.cache
def _member_validators() -> dict[str, _validate.Validator]:
    shape = _protocol.spec("GetRunCache").model.output_shape
    assert shape is not None
    return {name: _validate.validator(member) for name, member in shape.members.items()}


def render(account: str, region: str, data: dict[str, Any]) -> StoredRunCache:
    """A stored cache for Get-shaped ``data``; its GetRunCache body is rendered when first read
    (seeding a hundred thousand caches must not pay for JSON nobody asks for)."""
    return StoredRunCache(account, region, data)


def body(stored: StoredRunCache) -> bytes:
    """The GetRunCache body of a stored cache, rendered once."""
    rendered = stored.body
    if rendered is None:
        # Two threads may render it at once; both get the same bytes.
        rendered = stored.body = _answers.output_body(_protocol.spec("GetRunCache"), stored.data)
    return rendered


def list_item_body(stored: StoredRunCache) -> bytes:
    """The JSON of a stored cache as a ListRunCaches item (the model's list-item shape: no
    tags, description or owner), rendered once."""
    rendered = stored.item
    if rendered is None:
        shape, fields = _list_item_shape()
        item = {k: stored.data[k] for k in fields if k in stored.data}
        rendered = stored.item = _answers.item_body(shape, item)
    return rendered


@functools.cache
def _list_item_shape() -> tuple[Shape, tuple[str, ...]]:
    output = _protocol.spec("ListRunCaches").model.output_shape
    assert output is not None
    shape = output.members["items"].member  # type: ignore[attr-defined]
    return shape, tuple(shape.members)
