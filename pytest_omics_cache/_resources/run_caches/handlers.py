"""Run caches: the handlers of the five run-cache operations, on the registry's state
(``store``), working on validated parameters.

Where AWS does not document a behaviour, the choice made is in the docs
(docs/explanation/choices.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from pytest_omics_cache._core.handlers import (
    Backend,
    Caller,
    Handler,
    Kind,
    ServiceError,
    Taggable,
)
from pytest_omics_cache._core.tag_quota import check_request_tags
from pytest_omics_cache._resources.run_caches import seed as _seed
from pytest_omics_cache._resources.run_caches.store import (
    LimitReached,
    Registry,
    RequestIdReused,
    StoredRunCache,
)
from pytest_omics_cache._wire import answers as _answers
from pytest_omics_cache._wire import clock as _clock
from pytest_omics_cache._wire import model as _model
from pytest_omics_cache._wire import protocol as _protocol

#: ListRunCaches page size when the request gives no maxResults (the model's maximum).
DEFAULT_PAGE_SIZE = 100


def stored(backend: Backend, caller: Caller, cache_id: str) -> StoredRunCache:
    """The caller's run cache ``cache_id``, or the service's 404."""
    stored = backend.stores[Registry].get(caller.account, caller.region, cache_id)
    if stored is None:
        raise ServiceError("ResourceNotFoundException", not_found(backend, caller, cache_id))
    return stored


def not_found(backend: Backend, caller: Caller, cache_id: str) -> str:
    """The 404 message for a run cache, with a hint where it exists elsewhere."""
    message = f"Run cache {cache_id} not found."
    elsewhere = [
        f"account {account}, region {region}"
        for account, region in backend.stores[Registry].locations(cache_id)
    ]
    if elsewhere:
        # Not what AWS says, but what the test author needs: the cache exists, just not where
        # the client looked. Usually a seed or client with the wrong region or account.
        message += (
            f" [pytest-omics-cache: the request came from account {caller.account}, region"
            f" {caller.region}; a run cache with id {cache_id} exists in "
            + "; ".join(elsewhere)
            + ". Seed it with region=/account= matching the client, or call from that region.]"
        )
    return message


def get_run_cache(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    return _seed.body(stored(backend, caller, params["id"]))


def create_run_cache(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    location: str = params["cacheS3Location"]
    behavior = params.get("cacheBehavior", "CACHE_ON_FAILURE")
    owner = params.get("cacheBucketOwnerId", caller.account)
    tags = dict(params.get("tags") or {})
    check_request_tags(tags)
    name, description = params.get("name"), params.get("description")
    # The parameters that define the cache, defaults filled in (spelling out a default is the
    # same request): a requestId replayed with other ones is a conflict.
    fingerprint = repr((location, behavior, owner, name, description, sorted(tags.items())))

    cache_uuid = backend.stores[Registry].new_uuid()

    def build(new_id: str) -> StoredRunCache:
        # In the model's member order, the order botocore's parser returns them in.
        data = {
            "arn": _model.run_cache_arn(caller.region, caller.account, new_id),
            "cacheBehavior": behavior,
            "cacheBucketOwnerId": owner,
            # The cache's data lives in a folder named by its own UUID (the documented layout:
            # {location}/{cache uuid}/{run id}/{task id}/{entry uuid}/), not by its id.
            "cacheS3Uri": f"{location.rstrip('/')}/{cache_uuid}/",
            # Looked up at call time, so time-machine and freezegun control it.
            "creationTime": _clock.now(),
        }
        if description is not None:
            data["description"] = description
        data["id"] = new_id
        if name is not None:
            data["name"] = name
        data["status"] = "ACTIVE"
        data["tags"] = tags
        return _seed.render(caller.account, caller.region, data)

    try:
        cache = backend.stores[Registry].create(
            caller.account,
            caller.region,
            params["requestId"],
            fingerprint,
            backend.options.max_run_caches,
            build,
        )
    except RequestIdReused as reused:
        raise ServiceError(
            "ConflictException",
            f"requestId {params['requestId']} was already used to create run cache"
            f" {reused.cache_id} with different parameters.",
        ) from None
    except LimitReached as reached:
        raise ServiceError(
            "ServiceQuotaExceededException",
            f"Run cache quota exceeded: account {caller.account} already has {reached.count}"
            f" run caches in {caller.region} (limit {backend.options.max_run_caches}).",
        ) from None
    data = cache.data
    return _answers.output_body(
        _protocol.spec("CreateRunCache"),
        {"arn": data["arn"], "id": data["id"], "status": data["status"], "tags": data["tags"]},
    )


def list_run_caches(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    after_seq = 0
    token = params.get("startingToken")
    if token is not None:
        resolved = backend.stores[Registry].resolve_token(token)
        if resolved is None or resolved[:2] != (caller.account, caller.region):
            raise ServiceError(
                "ValidationException",
                f"Invalid startingToken '{token}': it was not issued by a ListRunCaches call"
                " of this account and region.",
            )
        after_seq = resolved[2]
    caches, more = backend.stores[Registry].page(
        caller.account, caller.region, after_seq, params.get("maxResults", DEFAULT_PAGE_SIZE)
    )
    # Each item's JSON is rendered once per version of the cache, so a page costs its size.
    body = b'{"items":[' + b",".join([c.item or _seed.list_item_body(c) for c in caches]) + b"]"
    if more:
        token = backend.stores[Registry].issue_token(caller.account, caller.region, caches[-1].seq)
        body += b',"nextToken":' + json.dumps(token).encode()
    return body + b"}"


def update_run_cache(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    changes = {k: params[k] for k in ("cacheBehavior", "name", "description") if k in params}

    def change(current: StoredRunCache) -> StoredRunCache:
        return _seed.render(current.account, current.region, {**current.data, **changes})

    if backend.stores[Registry].update(caller.account, caller.region, params["id"], change) is None:
        raise ServiceError("ResourceNotFoundException", not_found(backend, caller, params["id"]))
    return b""


def delete_run_cache(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    # Under the backend's lock: no run can start with this cache between the check and the
    # delete (StartRun holds it from its check of the cache to the stored run).
    with backend.lock:
        cache = stored(backend, caller, params["id"])
        runs = backend.users("runCache", caller, params["id"])
        if cache.in_use or runs:
            using = f" ({', '.join(runs)})" if runs else ""
            raise ServiceError(
                "ConflictException",
                f"Run cache {params['id']} is in use by active runs{using} and cannot be deleted.",
            )
        backend.stores[Registry].delete(caller.account, caller.region, params["id"])
    return b""


def _read_tags(backend: Backend, caller: Caller, cache_id: str) -> Mapping[str, str]:
    tags: Mapping[str, str] = stored(backend, caller, cache_id).data["tags"]
    return tags


def _change_tags(
    backend: Backend,
    caller: Caller,
    cache_id: str,
    change: Callable[[dict[str, str]], dict[str, str]],
) -> None:
    def new_version(current: StoredRunCache) -> StoredRunCache:
        data = {**current.data, "tags": change(dict(current.data["tags"]))}
        return _seed.render(current.account, current.region, data)

    if (
        backend.stores[Registry].update(caller.account, caller.region, cache_id, new_version)
        is None
    ):
        raise ServiceError("ResourceNotFoundException", not_found(backend, caller, cache_id))


def _find(backend: Backend, caller: Caller, cache_id: str) -> Mapping[str, Any] | None:
    found = backend.stores[Registry].get(caller.account, caller.region, cache_id)
    return None if found is None else found.data


def _missing(backend: Backend, caller: Caller, cache_id: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", not_found(backend, caller, cache_id))


#: What the other resources may ask of a run cache (runs: is it there, and ACTIVE), and its
#: tags for TagResource and friends on ``...:runCache/{id}`` ARNs.
KIND = Kind(_find, _missing, Taggable(_read_tags, _change_tags))

HANDLERS: Mapping[str, Handler] = {
    # The order the docs (reference/service.md) document them in.
    "CreateRunCache": create_run_cache,
    "GetRunCache": get_run_cache,
    "ListRunCaches": list_run_caches,
    "UpdateRunCache": update_run_cache,
    "DeleteRunCache": delete_run_cache,
}


def held(backend: Backend) -> list[tuple[str, str, str]]:
    """(account, region, id) of every run cache held, oldest first, for the failure summary."""
    return [(c.account, c.region, c.data["id"]) for c in backend.stores[Registry].all()]
