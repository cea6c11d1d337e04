"""Tags: TagResource, UntagResource and ListTagsForResource on whatever resource an ARN names.

The ARN's resource type decides who holds the tags: each resource module the fake has (run
caches today) gives its tags as a :class:`Taggable`, registered in ``TAGGABLE`` under the type
its ARNs carry (``runCache``). The tags live with the resource itself, so ``get_run_cache`` and
``run_caches()`` show what TagResource set, and the reverse. An ARN of a type the fake holds
nothing of (a workflow, a sequence store) is answered by ``add_response``, like any operation the
fake does not serve.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from pytest_omics_cache._core.handlers import Backend, Caller, Handler, ServiceError
from pytest_omics_cache._resources.canned import store as _canned
from pytest_omics_cache._wire import answers as _answers
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


class Taggable(NamedTuple):
    """How the tags of one kind of resource are read and replaced, given its id."""

    #: The tags of the caller's resource ``id``, or the service's 404.
    read: Callable[[Backend, Caller, str], Mapping[str, str]]
    #: Replace them by ``change(current tags)``; the service's 404 if it does not exist.
    change: Callable[[Backend, Caller, str, Callable[[dict[str, str]], dict[str, str]]], None]


#: The taggable kinds of resource, by the type their ARNs name (``runCache``, ``run``): handed
#: down by the service, the one module that lists the resources, so that tags never import
#: the resources that use them.
KINDS: dict[str, Taggable] = {}


# The resource part may nest (".../workflow/1/version/v1"): such ARNs go to add_response.
_ARN = re.compile(r"arn:([a-z0-9-]+):omics:([a-z0-9-]*):([0-9]{12}):([A-Za-z]+)/(.+)")


class _Resource(NamedTuple):
    taggable: Taggable | None
    kind: str
    id: str


def _resource(caller: Caller, arn: str) -> _Resource:
    parts = _ARN.fullmatch(arn)
    if parts is None:
        raise ServiceError(
            "ValidationException",
            f"Invalid resource ARN '{arn}': expected"
            " arn:<partition>:omics:<region>:<account>:<resource type>/<id>.",
        )
    _, region, account, kind, resource_id = parts.groups()
    taggable = KINDS.get(kind)
    if taggable is not None and (region, account) != (caller.region, caller.account):
        # The ARN names another region or account: not found from here, as on AWS.
        raise ServiceError(
            "ResourceNotFoundException",
            f"Resource {arn} not found. [pytest-omics-cache: the ARN names account {account},"
            f" region {region}, but the request came from account {caller.account}, region"
            f" {caller.region}. Call from the resource's region, or tag a resource of yours.]",
        )
    return _Resource(taggable, kind, resource_id)


def _held_or_canned(
    operation: str, act: Callable[[Backend, Caller, Taggable, str, Mapping[str, Any]], bytes]
) -> Handler:
    fallback = _canned.handler_for(operation)

    def handle(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> Any:
        resource = _resource(caller, params["resourceArn"])
        if resource.taggable is None:
            return fallback(backend, caller, params)
        return act(backend, caller, resource.taggable, resource.id, params)

    return handle


def _tag(
    backend: Backend,
    caller: Caller,
    taggable: Taggable,
    resource_id: str,
    params: Mapping[str, Any],
) -> bytes:
    def add(tags: dict[str, str]) -> dict[str, str]:
        merged = {**tags, **params["tags"]}
        # Counted after the merge: overwriting a key the resource has adds no tag.
        if len(merged) > max_tags():
            raise ServiceError(
                "ValidationException",
                f"Resource {params['resourceArn']} would have {len(merged)} tags; a resource can"
                f" have at most {max_tags()}.",
            )
        return merged

    taggable.change(backend, caller, resource_id, add)
    return b""


def _untag(
    backend: Backend,
    caller: Caller,
    taggable: Taggable,
    resource_id: str,
    params: Mapping[str, Any],
) -> bytes:
    removed = set(params["tagKeys"])
    taggable.change(
        backend,
        caller,
        resource_id,
        lambda tags: {k: v for k, v in tags.items() if k not in removed},
    )
    return b""


def _list(
    backend: Backend,
    caller: Caller,
    taggable: Taggable,
    resource_id: str,
    params: Mapping[str, Any],
) -> bytes:
    tags = taggable.read(backend, caller, resource_id)
    return _answers.output_body(_protocol.spec("ListTagsForResource"), {"tags": dict(tags)})


HANDLERS: Mapping[str, Handler] = {
    "TagResource": _held_or_canned("TagResource", _tag),
    "UntagResource": _held_or_canned("UntagResource", _untag),
    "ListTagsForResource": _held_or_canned("ListTagsForResource", _list),
}
