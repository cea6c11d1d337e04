"""Tags: TagResource, UntagResource and ListTagsForResource on whatever resource an ARN names.

The ARN's resource type decides who holds the tags: each resource the catalog registers with a
:class:`~pytest_omics_cache._core.handlers.Taggable` (``Backend.kinds``, under the type its ARNs
carry: ``runCache``, ``run``, ``workflow``; a nested ARN's type is the path of its types, so
``.../workflow/1/version/v1`` is kind ``workflow/version``, id ``1/v1``). The tags live with the
resource itself, so ``get_run_cache`` and ``run_caches()`` show what TagResource set, and the
reverse. An ARN of a type the fake holds nothing of (a sequence store, say) is answered by
``add_response``, like any operation the fake does not serve: the catalog hands this module that
fallback, so tags import no resource.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from pytest_omics_cache._core.handlers import Backend, Caller, Handler, ServiceError, Taggable
from pytest_omics_cache._core.tag_quota import max_tags
from pytest_omics_cache._wire import answers as _answers
from pytest_omics_cache._wire import protocol as _protocol

# The resource part may nest (".../workflow/1/version/v1"): types and ids alternate.
_ARN = re.compile(r"arn:([a-z0-9-]+):omics:([a-z0-9-]*):([0-9]{12}):([A-Za-z]+)/(.+)")


class _Resource(NamedTuple):
    taggable: Taggable | None
    kind: str
    id: str


def _resource(backend: Backend, caller: Caller, arn: str) -> _Resource:
    parts = _ARN.fullmatch(arn)
    if parts is None:
        raise ServiceError(
            "ValidationException",
            f"Invalid resource ARN '{arn}': expected"
            " arn:<partition>:omics:<region>:<account>:<resource type>/<id>.",
        )
    _, region, account, kind, resource_id = parts.groups()
    if "/" in resource_id:  # nested: "1/version/v1" is the version v1 of workflow 1
        path = [kind, *resource_id.split("/")]
        kind, resource_id = "/".join(path[0::2]), "/".join(path[1::2])
    registered = backend.kinds.get(kind)
    taggable = None if registered is None else registered.tags
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
    act: Callable[[Backend, Caller, Taggable, str, Mapping[str, Any]], bytes],
    operation: str,
    fallback: Callable[[str], Handler],
) -> Handler:
    def handle(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> Any:
        resource = _resource(backend, caller, params["resourceArn"])
        if resource.taggable is None:
            # Asked for here, not when the catalog is imported: making it reads the model.
            return fallback(operation)(backend, caller, params)
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


def handlers(fallback: Callable[[str], Handler]) -> Mapping[str, Handler]:
    """The tag handlers; ``fallback(operation)`` answers an ARN of a kind no resource holds."""
    return {
        "TagResource": _held_or_canned(_tag, "TagResource", fallback),
        "UntagResource": _held_or_canned(_untag, "UntagResource", fallback),
        "ListTagsForResource": _held_or_canned(_list, "ListTagsForResource", fallback),
    }
