"""AWS's quota of tags per resource, which every taggable resource checks where it is created
(the request's ``tags``) or seeded, in the model's words."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from pytest_omics_cache._core.handlers import ServiceError
from pytest_omics_cache._wire import protocol as _protocol
from pytest_omics_cache._wire import validate as _validate


@functools.cache
def max_tags() -> int:
    """At most this many tags on one resource: AWS's per-resource quota, which the model states
    only on TagResource's map (50); CreateRunCache's and StartRun's maps have no bound there."""
    tags = _protocol.spec("TagResource").input_shape.members["tags"]  # type: ignore[attr-defined]
    bound: int = tags.metadata["max"]
    return bound


def _over_quota(tags: Mapping[str, str]) -> str | None:
    """The rule ``tags`` breaks when there are too many of them, in the model's own words."""
    # Not a map at all: the model's type rule says so, where the value is checked.
    if not isinstance(tags, Mapping) or len(tags) <= max_tags():
        return None
    return f"Member must have length less than or equal to {max_tags()}"


def check_request_tags(tags: Mapping[str, str]) -> None:
    """The service's ValidationException for a request that would create a resource with more
    tags than a resource may have (*choice*: worded as TagResource's own rule)."""
    rule = _over_quota(tags)
    if rule is not None:
        violation = _validate.Violation("tags", tags, rule, "TagMap")
        raise ServiceError("ValidationException", _validate.validation_message([violation]))


def check_seed_tags(method: str, tags: Mapping[str, str] | None) -> None:
    """A ValueError for a seed with more tags than a resource may have."""
    __tracebackhide__ = True
    rule = _over_quota(tags or {})
    if rule is not None and tags is not None:
        raise ValueError(
            f"{method}: tags has {len(tags)} tags, which breaks the rule '{rule}' (AWS's"
            f" quota of {max_tags()} tags per resource, as the botocore omics model states it for"
            " TagResource)"
        )
