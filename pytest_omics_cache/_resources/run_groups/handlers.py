"""Run groups: the handlers of CreateRunGroup, GetRunGroup, ListRunGroups, UpdateRunGroup and
DeleteRunGroup, on the state in ``store``.

A run group lives in the caller's account and region. Its limits (``maxCpus``, ``maxRuns``,
``maxDuration``, ``maxGpus``) are held and answered, not enforced: the service queues a run
that would pass them rather than refusing it (see the choices in the docs). Runs name it by
``runGroupId``; one with unfinished runs cannot be deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_omics_cache._core import records as _records
from pytest_omics_cache._core.handlers import Backend, Caller, Handler, ServiceError
from pytest_omics_cache._core.records import Record
from pytest_omics_cache._core.tag_quota import check_request_tags
from pytest_omics_cache._resources.run_groups.store import RunGroupStore, run_group_arn
from pytest_omics_cache._wire import answers as _answers
from pytest_omics_cache._wire import clock as _clock
from pytest_omics_cache._wire import protocol as _protocol

#: The limits a run group holds, in the model's member order.
LIMITS = ("maxCpus", "maxRuns", "maxDuration", "maxGpus")


def new_group(caller: Caller, group_id: str, fields: Mapping[str, Any]) -> Record:
    """A run group of ``fields`` (GetRunGroup's members; absent ones unset), in the model's
    member order, which botocore's parser answers in."""
    data: dict[str, Any] = {
        "arn": run_group_arn(caller, group_id),
        "id": group_id,
        "name": fields.get("name"),
        "maxCpus": fields.get("maxCpus"),
        "maxRuns": fields.get("maxRuns"),
        "maxDuration": fields.get("maxDuration"),
        "creationTime": fields.get("creationTime") or _clock.now(),
        "tags": dict(fields.get("tags") or {}),
        "maxGpus": fields.get("maxGpus"),
    }
    return Record(caller.account, caller.region, _records.in_model("GetRunGroup", data))


def _lookup(backend: Backend, caller: Caller, group_id: str) -> Record | None:
    return backend.stores[RunGroupStore].get(caller, group_id)


def _held(backend: Backend, caller: Caller, group_id: str) -> Record:
    found = _lookup(backend, caller, group_id)
    if found is None:
        raise backend.stores[RunGroupStore].missing(caller, group_id, f"Run group {group_id}")
    return found


def create_run_group(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    store = backend.stores[RunGroupStore]
    check_request_tags(dict(params.get("tags") or {}))

    def create() -> Record:
        group = new_group(caller, store.new_id(), params)
        store.add(group, group.data["id"])
        return group

    fingerprint = {k: v for k, v in params.items() if k != "requestId"}
    group = store.create_once(caller, params["requestId"], fingerprint, create, "run group")
    data = group.data
    return _answers.output_body(
        _protocol.spec("CreateRunGroup"),
        {"arn": data["arn"], "id": data["id"], "tags": dict(data["tags"])},
    )


def get_run_group(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    return _records.get_body("GetRunGroup", _held(backend, caller, params["id"]))


def list_run_groups(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    store = backend.stores[RunGroupStore]
    name = params.get("name")
    groups = [
        group
        for group in store.listed(caller.account, caller.region)
        if name is None or group.data.get("name") == name
    ]
    return _records.list_body("ListRunGroups", store, (caller, name), params, groups)


def update_run_group(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    with backend.stores[RunGroupStore].lock:
        group = _held(backend, caller, params["id"])
        for name in ("name", *LIMITS):
            if name in params:
                group.data[name] = params[name]
        group.data = _records.in_model("GetRunGroup", _ordered(group.data))
        group.body = None
    return b""


def _ordered(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` in GetRunGroup's member order (an update may add a member)."""
    order = _protocol.spec("GetRunGroup").model.output_shape.members  # type: ignore[union-attr]
    return {name: data[name] for name in order if name in data}


def delete_run_group(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    # Under the backend's lock: no run can start in the group between the check and the delete
    # (StartRun holds it from its check of the group to the stored run).
    with backend.lock:
        _held(backend, caller, params["id"])
        runs = backend.users("runGroup", caller, params["id"])
        if runs:
            raise ServiceError(
                "ConflictException",
                f"Run group {params['id']} has active runs ({', '.join(runs)}) and cannot be"
                " deleted.",
            )
        backend.stores[RunGroupStore].remove(caller, params["id"])
    return b""


#: What the other resources may ask of a run group (runs: does it exist), and its tags for
#: TagResource and friends on ``...:runGroup/{id}`` ARNs.
KIND = _records.kind(_lookup, lambda group_id: f"Run group {group_id}", RunGroupStore)

HANDLERS: Mapping[str, Handler] = {
    "CreateRunGroup": create_run_group,
    "GetRunGroup": get_run_group,
    "ListRunGroups": list_run_groups,
    "UpdateRunGroup": update_run_group,
    "DeleteRunGroup": delete_run_group,
}


def held(backend: Backend) -> list[tuple[str, str, str]]:
    """(account, region, id) of every run group held, oldest first, for the failure summary."""
    return [(g.account, g.region, g.data["id"]) for g in backend.stores[RunGroupStore].listed()]
