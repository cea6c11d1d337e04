"""Hypothesis strategies for values the botocore omics model allows, shape by shape.

Used to generate canned responses for many operations at once, so that "a response the model
allows round-trips through boto3" is tested on shapes nobody typed in.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from hypothesis import strategies as st

from pytest_omics_cache._wire import patterns as _patterns

_MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2099, 12, 31),
    timezones=st.just(timezone.utc),
)


def _ascii_regex(pattern: str) -> re.Pattern[str]:
    """The pattern as a Python regex of the ASCII values it allows (see _patterns)."""
    return re.compile(re.sub("[\ue000-\ue0ff]", "", _patterns.translate(pattern)), re.ASCII)


def _string(shape: Any) -> st.SearchStrategy[str]:
    metadata = shape.metadata
    if metadata.get("enum"):
        return st.sampled_from(metadata["enum"])
    low, high = metadata.get("min", 0), metadata.get("max", 40)
    if "pattern" in metadata:
        matches = _patterns.matcher(metadata["pattern"])
        # Generated values tend to be short: a value under the minimum length is padded with
        # its own last character (which most patterns' tails accept), then checked again.
        return (
            st.from_regex(_ascii_regex(metadata["pattern"]), fullmatch=True)
            .map(lambda value: value + value[-1:] * (low - len(value)))
            .filter(lambda value: low <= len(value) <= high and matches(value))
        )
    return st.text(min_size=low, max_size=min(high, low + 40))


def _number(shape: Any) -> st.SearchStrategy[int]:
    metadata = shape.metadata
    return st.integers(min_value=metadata.get("min", 0), max_value=metadata.get("max", 10**9))


def from_shape(shape: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    if shape.metadata.get("document"):
        return st.dictionaries(st.text(max_size=8), st.integers() | st.text(max_size=8), max_size=3)
    if kind == "structure":
        members = shape.members
        required = set(shape.required_members)
        if shape.metadata.get("union"):
            return st.one_of(
                [
                    st.fixed_dictionaries({name: from_shape(m, depth + 1)})
                    for name, m in members.items()
                ]
            )
        return st.fixed_dictionaries(
            {name: from_shape(m, depth + 1) for name, m in members.items() if name in required},
            optional={
                name: from_shape(m, depth + 1)
                for name, m in members.items()
                if name not in required and depth < 4
            },
        )
    if kind == "list":
        low, high = shape.metadata.get("min", 0), shape.metadata.get("max", 3)
        return st.lists(
            from_shape(shape.member, depth + 1), min_size=low, max_size=min(high, low + 2)
        )
    if kind == "map":
        low, high = shape.metadata.get("min", 0), shape.metadata.get("max", 3)
        return st.dictionaries(
            _string(shape.key),
            from_shape(shape.value, depth + 1),
            min_size=low,
            max_size=min(high, low + 2),
        )
    if kind == "string":
        return _string(shape)
    if kind in ("integer", "long"):
        return _number(shape)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return _MOMENTS
    if kind == "blob":
        low, high = shape.metadata.get("min", 0), shape.metadata.get("max", 64)
        return st.binary(min_size=low, max_size=min(high, low + 64))
    raise NotImplementedError(f"no strategy for {kind} shapes ({shape.name})")
