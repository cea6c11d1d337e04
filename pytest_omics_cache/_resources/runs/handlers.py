"""Runs: the handlers of StartRun, GetRun, ListRuns, CancelRun, DeleteRun, GetRunTask and
ListRunTasks, on the state in ``store``.

A run lives in the caller's account and region. StartRun creates it at the first status of its
progress (PENDING) and it moves one step each time GetRun reads it: through the test's script
(``next_runs``), or else the normal lifecycle to COMPLETED. StartRun and its checks of the
workflow, version, run group and run cache a run names are in ``start``; an unfinished run keeps
its run cache and run group from being deleted (``users``). Where AWS does not document a
behaviour, the choice is in the docs (docs/explanation/choices.md).
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
from pytest_omics_cache._resources.runs import start
from pytest_omics_cache._resources.runs.store import (
    ACTIVE,
    FINISHED,
    RunStore,
    StoredRun,
    advance,
    set_status,
)
from pytest_omics_cache._wire import answers as _answers
from pytest_omics_cache._wire import model as _model
from pytest_omics_cache._wire import protocol as _protocol

#: ListRuns / ListRunTasks page size when the request gives no maxResults (the model's maximum).
DEFAULT_PAGE_SIZE = 100


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


#: The members by which a run holds another kind of resource until it finishes: its run cache
#: and its run group. Not its workflow: "Deleting a workflow doesn't affect any ongoing runs
#: that are using the workflow" (the user guide).
_REFERS = {"runCache": "cacheId", "runGroup": "runGroupId"}


def users(backend: Backend, kind: str, caller: Caller, resource_id: str) -> list[str]:
    """The unfinished runs that hold the caller's run cache or run group ``resource_id``, as
    "run 1234" labels."""
    member = _REFERS.get(kind)
    if member is None:
        return []
    store = backend.stores[RunStore]
    return [f"run {run}" for run in store.uses(caller.account, caller.region, member, resource_id)]


#: What the other resources may ask of a run, and its tags for TagResource and friends on
#: ``...:run/{id}`` ARNs.
KIND = Kind(_find, _missing, Taggable(_read_tags, _change_tags))

HANDLERS: Mapping[str, Handler] = {
    "StartRun": start.start_run,
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
