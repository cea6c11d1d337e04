"""Runs: the handlers of StartRun, GetRun, ListRuns, CancelRun, DeleteRun, GetRunTask and
ListRunTasks, on the state in ``store``.

A run lives in the caller's account and region. StartRun creates it at the first status of its
progress (PENDING) and it moves one step each time GetRun reads it: through the test's script
(``next_runs``), or else the normal lifecycle to COMPLETED. The ties to run caches: a run names
an ACTIVE cache of its account and region, inherits the cache's behaviour at start, and keeps the
cache from being deleted until it finishes. Where AWS does not document a behaviour, the choice
is in the docs (docs/explanation/choices.md).
"""

from __future__ import annotations

import functools
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
from pytest_omics_cache._resources.runs.store import (
    ACTIVE,
    FINISHED,
    FROM_START,
    LIFECYCLE,
    RunStore,
    StoredRun,
    add_tasks,
    advance,
    in_model,
    set_status,
    uncacheable,
)
from pytest_omics_cache._wire import answers as _answers
from pytest_omics_cache._wire import clock as _clock
from pytest_omics_cache._wire import model as _model
from pytest_omics_cache._wire import protocol as _protocol

#: ListRuns / ListRunTasks page size when the request gives no maxResults (the model's maximum).
DEFAULT_PAGE_SIZE = 100
#: The guide: a STATIC run gets 1200 GiB unless it asks otherwise.
DEFAULT_STATIC_STORAGE = 1200


def run_arn(caller: Caller, run_id: str) -> str:
    return (
        f"arn:{_model.partition(caller.region)}:omics:{caller.region}:{caller.account}:run/{run_id}"
    )


def _usable_cache(backend: Backend, caller: Caller, cache_id: str) -> Mapping[str, Any]:
    """The run cache a new run may use, or the service's error (see the choices in the docs)."""
    cache = backend.held("runCache", caller, cache_id)  # a 404, with the near-miss hint
    if cache["status"] != "ACTIVE":
        raise ServiceError(
            "ValidationException",
            f"Run cache {cache_id} is {cache['status']}; a run can use only an ACTIVE run cache.",
        )
    return cache


def start_run(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    store = backend.stores[RunStore]
    # The parameters define the run: a requestId replayed with other ones is a conflict. Kept
    # as they are (the call log holds them anyway): two requests with one requestId are equal
    # in it, so they are equal as a whole exactly when the rest is, in whatever order.
    fingerprint = params
    # One lock from the requestId check to the stored run: two requests with one requestId
    # start one run, and a cache cannot be deleted between its check and the run's start (the
    # backend's lock, which DeleteRunCache holds too; the store's own is taken after it).
    with backend.lock, store.lock:
        earlier = store.remember_request(caller, params["requestId"], fingerprint)
        run = None
        if earlier is not None:
            try:
                run = store.get(caller, earlier)
            except ServiceError:  # deleted since: the request starts a new run
                run = None
        if run is None:
            run = _new_run(backend, caller, params)
            store.remember_request(caller, params["requestId"], fingerprint, run.data["id"])
    data = run.data
    answer = {name: data[name] for name in _start_answer() if name in data}
    return _answers.output_body(_protocol.spec("StartRun"), answer)


@functools.cache
def _start_answer() -> tuple[str, ...]:
    """StartRunResponse's members (the answer has these and no others)."""
    output = _model.operation("StartRun").output_shape
    return tuple(output.members) if output is not None else ()


def _new_run(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> StoredRun:
    store = backend.stores[RunStore]
    source = store.get(caller, params["runId"]) if "runId" in params else None
    if source is None and "workflowId" not in params:
        raise ServiceError(
            "ValidationException",
            "A new run needs workflowId (or runId, to run a previous run's workflow again).",
        )
    from_start = FROM_START()
    fields = _own_copies(params, from_start)
    if source is not None:  # the request's fields over the earlier run's
        fields = _own_copies(source.data, from_start) | fields
    uncached = uncacheable(fields)
    if uncached:
        # Choice: AWS documents the rule, not its wording.
        raise ServiceError(
            "ValidationException",
            "Call caching is not supported for READY2RUN workflows: start the run without"
            f" {' and '.join(uncached)}.",
        )
    if "cacheBehavior" in fields and "cacheId" not in fields:
        raise ServiceError(
            "ValidationException", "cacheBehavior applies to a run cache: give cacheId too."
        )
    cache = _usable_cache(backend, caller, fields["cacheId"]) if "cacheId" in fields else None
    if cache is not None and "cacheBehavior" not in params:
        fields["cacheBehavior"] = cache["cacheBehavior"]  # the cache's, at start time
    fields.setdefault("storageType", "STATIC")
    if fields["storageType"] == "DYNAMIC":
        fields.pop("storageCapacity", None)  # the service ignores it for dynamic storage
    else:
        fields.setdefault("storageCapacity", DEFAULT_STATIC_STORAGE)
    fields.setdefault("retentionMode", "RETAIN")
    tags = dict(params.get("tags") or {})
    check_request_tags(tags)
    script = store.next_script()
    progress = script.progress if script is not None else LIFECYCLE
    run_id = store.new_id()
    now = _clock.now()
    data = {
        "arn": run_arn(caller, run_id),
        "id": run_id,
        **fields,
        "creationTime": now,
        "tags": tags,
        "uuid": store.new_uuid(),
        "runOutputUri": f"{fields['outputUri'].rstrip('/')}/{run_id}",
    }
    run = StoredRun(
        caller.account,
        caller.region,
        data if _model_has_all_run_members() else in_model("GetRun", data),
        0,
        progress[1:],
        script.failureReason if script is not None else None,
    )
    set_status(run, progress[0], now=now)
    if script is not None:
        add_tasks(run, store, cache["cacheS3Uri"] if cache else None, script.tasks)
    store.add(run)
    return run


def _own_copies(values: Mapping[str, Any], names: frozenset[str]) -> dict[str, Any]:
    """The run's own copies of ``values``' members in ``names`` (not the request's, or an
    earlier run's, which later changes must not reach)."""
    return {
        k: _copied(v) if isinstance(v, (dict, list)) else v for k, v in values.items() if k in names
    }


def _copied(value: Any) -> Any:
    """A copy of ``value``'s dicts and lists (JSON, or a seed's values: the rest is immutable).
    Not deepcopy, which takes three frames a level: one a level, and the only deep values, the
    documents, are at most MAX_DOCUMENT_DEPTH levels (checked before any handler runs)."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value


@functools.cache
def _model_has_all_run_members() -> bool:
    """Whether this botocore's GetRun has every member a started run gets (older ones lack
    some; then the run is filtered to the model's members)."""
    derived = {"arn", "id", "creationTime", "tags", "uuid", "runOutputUri", "status"}
    return not derived - set(in_model("GetRun", dict.fromkeys(derived)))


def get_run(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    store = backend.stores[RunStore]
    with store.lock:
        run = store.get(caller, params["id"])
        body = run.body
        if body is None:
            body = run.body = _answers.output_body(_protocol.spec("GetRun"), run.data)
        advance(run)  # answered as it is now; the next read sees the next status
    return body


def _listed(item_shape: str, data: Mapping[str, Any]) -> dict[str, Any]:
    members = _item_members(item_shape)
    return {k: v for k, v in data.items() if k in members}


@functools.cache
def _item_members(item_shape: str) -> frozenset[str]:
    return frozenset(_model.shape(item_shape).members)  # type: ignore[attr-defined]


def list_runs(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    filters = {k: params[k] for k in ("name", "status", "runGroupId", "batchId") if k in params}
    runs = [
        run
        for run in backend.stores[RunStore].listed(caller.account, caller.region)
        if all(run.data.get(k) == v for k, v in filters.items())
    ]
    scope = ("ListRuns", caller, tuple(sorted(filters.items())))
    page, token = backend.stores[RunStore].page(
        scope,
        params.get("startingToken"),
        runs,
        lambda run: run.seq,
        params.get("maxResults", DEFAULT_PAGE_SIZE),
    )
    result: dict[str, Any] = {"items": [_listed("RunListItem", run.data) for run in page]}
    if token is not None:
        result["nextToken"] = token
    return _answers.output_body(_protocol.spec("ListRuns"), result)


def _conflict_unless(run: StoredRun, allowed: tuple[str, ...], action: str) -> None:
    status = run.data["status"]
    if status not in allowed:
        statuses = ", ".join(allowed[:-1]) + f" or {allowed[-1]}"
        raise ServiceError(
            "ConflictException",
            f"Run {run.data['id']} is {status}; only a {statuses} run can be {action}.",
        )


def cancel_run(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    with backend.stores[RunStore].lock:
        run = backend.stores[RunStore].get(caller, params["id"])
        _conflict_unless(run, ACTIVE, "cancelled")
        set_status(run, "CANCELLED")
    return b""


def delete_run(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    with backend.stores[RunStore].lock:
        run = backend.stores[RunStore].get(caller, params["id"])
        _conflict_unless(run, FINISHED, "deleted")
        backend.stores[RunStore].remove(caller, params["id"])
    return b""


def _task_of(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> dict[str, Any]:
    run = backend.stores[RunStore].get(caller, params["id"])
    task = run.tasks.get(params["taskId"])
    if task is None:
        raise ServiceError(
            "ResourceNotFoundException", f"Task {params['taskId']} of run {params['id']} not found."
        )
    return task


def get_run_task(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    return _answers.output_body(_protocol.spec("GetRunTask"), _task_of(backend, caller, params))


def list_run_tasks(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    run = backend.stores[RunStore].get(caller, params["id"])
    status = params.get("status")
    tasks = [
        (position, task)
        for position, task in enumerate(list(run.tasks.values()), 1)
        if status is None or task["status"] == status
    ]
    scope = ("ListRunTasks", caller, run.data["id"], status)
    page, token = backend.stores[RunStore].page(
        scope,
        params.get("startingToken"),
        tasks,
        lambda item: item[0],
        params.get("maxResults", DEFAULT_PAGE_SIZE),
    )
    result: dict[str, Any] = {"items": [_listed("TaskListItem", task) for _, task in page]}
    if token is not None:
        result["nextToken"] = token
    return _answers.output_body(_protocol.spec("ListRunTasks"), result)


def _read_tags(backend: Backend, caller: Caller, run_id: str) -> Mapping[str, str]:
    tags: Mapping[str, str] = backend.stores[RunStore].get(caller, run_id).data["tags"]
    return tags


def _change_tags(
    backend: Backend,
    caller: Caller,
    run_id: str,
    change: Callable[[dict[str, str]], dict[str, str]],
) -> None:
    with backend.stores[RunStore].lock:
        run = backend.stores[RunStore].get(caller, run_id)
        run.data["tags"] = change(dict(run.data["tags"]))
        run.body = None


def _find(backend: Backend, caller: Caller, run_id: str) -> Mapping[str, Any] | None:
    try:
        return backend.stores[RunStore].get(caller, run_id).data
    except ServiceError:
        return None


def _missing(backend: Backend, caller: Caller, run_id: str) -> ServiceError:
    return ServiceError(
        "ResourceNotFoundException", backend.stores[RunStore].not_found(caller, run_id)
    )


def users(backend: Backend, kind: str, caller: Caller, resource_id: str) -> list[str]:
    """The unfinished runs that use the caller's run cache ``resource_id``, as "run 1234"."""
    if kind != "runCache":
        return []
    store = backend.stores[RunStore]
    return [f"run {run}" for run in store.uses_cache(caller.account, caller.region, resource_id)]


#: What the other resources may ask of a run, and its tags for TagResource and friends on
#: ``...:run/{id}`` ARNs.
KIND = Kind(_find, _missing, Taggable(_read_tags, _change_tags))

HANDLERS: Mapping[str, Handler] = {
    "StartRun": start_run,
    "GetRun": get_run,
    "ListRuns": list_runs,
    "CancelRun": cancel_run,
    "DeleteRun": delete_run,
    "GetRunTask": get_run_task,
    "ListRunTasks": list_run_tasks,
}


def held(backend: Backend) -> list[tuple[str, str, str]]:
    """(account, region, id) of every run held, for the failure summary."""
    return [(r.account, r.region, r.data["id"]) for r in backend.stores[RunStore].listed()]
