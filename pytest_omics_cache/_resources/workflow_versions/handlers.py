"""Workflow versions: the handlers of CreateWorkflowVersion, GetWorkflowVersion,
ListWorkflowVersions, UpdateWorkflowVersion and DeleteWorkflowVersion, on the state in
``store``.

A version belongs to a workflow of the caller's, which it finds through what the workflows
resource registers (``backend.held("workflow", ...)``): it is answered only while that workflow
is held, and a workflow cannot be deleted while it has versions (``users`` here tells it which).
CreateWorkflowVersion makes it CREATING, and it is ACTIVE from the read after the first, so the
``workflow_version_active`` waiter polls once and succeeds. Where AWS does not document a
behaviour, the choice is in the docs (docs/explanation/choices.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_omics_cache._core import definitions
from pytest_omics_cache._core import records as _records
from pytest_omics_cache._core.handlers import Backend, Caller, Handler, ServiceError
from pytest_omics_cache._core.records import Record
from pytest_omics_cache._core.tag_quota import check_request_tags
from pytest_omics_cache._resources.workflow_versions.store import VersionStore, key, new_version
from pytest_omics_cache._wire import answers as _answers
from pytest_omics_cache._wire import protocol as _protocol

PRIVATE = "PRIVATE"
#: The statuses a created version goes through, one per read.
CREATED = ("CREATING", "ACTIVE")
#: What UpdateWorkflowVersion changes, as GetWorkflowVersion then answers it.
CHANGED = ("description", "storageType", "storageCapacity")


def _what(version_key: str) -> str:
    workflow_id, _, name = version_key.partition("/")
    return f"Workflow version {name} of workflow {workflow_id}"


def lookup(backend: Backend, caller: Caller, version_key: str) -> Record | None:
    """The caller's version ``{workflowId}/{versionName}``, while its workflow is held."""
    version = backend.stores[VersionStore].get(caller, version_key)
    if version is None:
        return None
    workflow_id = version_key.partition("/")[0]
    workflow = backend.kinds["workflow"].find(backend, caller, workflow_id)
    return version if workflow is not None and workflow["uuid"] == version.owner else None


def workflow_of(
    backend: Backend, caller: Caller, workflow_id: str, kind: str = PRIVATE
) -> Mapping[str, Any]:
    """The caller's workflow ``workflow_id`` of type ``kind`` (its GetWorkflow answer), or the
    workflows' own 404 (a Ready2Run id without ``type="READY2RUN"`` is not found)."""
    workflow = backend.held("workflow", caller, workflow_id)
    if workflow["type"] != kind:
        raise backend.kinds["workflow"].missing(backend, caller, workflow_id)
    return workflow


def _held(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> Record:
    """The version a request names (its workflow's 404 first, then the version's)."""
    workflow_of(backend, caller, params["workflowId"], params.get("type", PRIVATE))
    version_key = key(params["workflowId"], params["versionName"])
    found = lookup(backend, caller, version_key)
    if found is None:
        raise backend.stores[VersionStore].missing(caller, version_key, _what(version_key))
    return found


def create_workflow_version(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    definitions.one_definition(params, "CreateWorkflowVersion")
    check_request_tags(dict(params.get("tags") or {}))
    store = backend.stores[VersionStore]
    workflow_id, name = params["workflowId"], params["versionName"]

    def create() -> Record:
        workflow = workflow_of(backend, caller, workflow_id)
        if lookup(backend, caller, key(workflow_id, name)) is not None:
            # Choice: AWS documents the rule ("a version name that is unique for this
            # workflow"), not its error.
            raise ServiceError(
                "ConflictException",
                f"Workflow {workflow_id} already has a version named {name}.",
            )
        store.remove(caller, key(workflow_id, name))  # a version of a workflow no longer held
        version = new_version(
            caller,
            workflow,
            name,
            store.new_uuid(),
            {**params, "status": CREATED[0]},
            definitions.definition_fields(params),
            definitions.exports(caller.region, f"{caller.account}/{workflow_id}/{name}", params),
        )
        version.progress = CREATED[1:]
        store.add(version, key(workflow_id, name))
        return version

    fingerprint = {k: v for k, v in params.items() if k != "requestId"}
    with backend.lock:  # the workflow cannot be deleted between its check and the new version
        version = store.create_once(
            caller, params["requestId"], fingerprint, create, "workflow version"
        )
    data = version.data
    output = _protocol.spec("CreateWorkflowVersion").model.output_shape
    members = output.members if output is not None else {}
    return _answers.output_body(
        _protocol.spec("CreateWorkflowVersion"),
        _records.in_model("CreateWorkflowVersion", {k: data.get(k) for k in members}),
    )


def get_workflow_version(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    store = backend.stores[VersionStore]
    with store.lock:
        version = _held(backend, caller, params)
        body = _records.get_body("GetWorkflowVersion", version)
        if params.get("export"):
            body = _records.exported("GetWorkflowVersion", version, params["export"])
        _records.read(version)
    return body


def list_workflow_versions(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    kind = params.get("type", PRIVATE)
    workflow_of(backend, caller, params["workflowId"], kind)
    store = backend.stores[VersionStore]
    versions = [
        version
        for version in store.listed(caller.account, caller.region)
        if version.data["workflowId"] == params["workflowId"]
        and lookup(backend, caller, key(version.data["workflowId"], version.data["versionName"]))
        is version
    ]
    scope = (caller, params["workflowId"], kind)
    return _records.list_body("ListWorkflowVersions", store, scope, params, versions)


def update_workflow_version(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    with backend.stores[VersionStore].lock:
        version = _held(backend, caller, params)
        data = {**version.data, **{k: params[k] for k in CHANGED if k in params}}
        if data.get("storageType") == "DYNAMIC":
            data.pop("storageCapacity", None)  # dynamic storage has no capacity
        order = _protocol.spec("GetWorkflowVersion").model.output_shape.members  # type: ignore[union-attr]
        version.data = {name: data[name] for name in order if name in data}
        version.body = None
    return b""


def delete_workflow_version(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    # As for workflows (the user guide), the runs of a version do not hold it.
    with backend.lock:
        _held(backend, caller, params)
        backend.stores[VersionStore].remove(
            caller, key(params["workflowId"], params["versionName"])
        )
    return b""


def users(backend: Backend, kind: str, caller: Caller, resource_id: str) -> list[str]:
    """The versions of the caller's workflow ``resource_id``, as "version v1" labels: the
    service deletes no workflow that has versions."""
    if kind != "workflow":
        return []
    return [
        f"version {version.data['versionName']}"
        for version in backend.stores[VersionStore].listed(caller.account, caller.region)
        if version.data["workflowId"] == resource_id
        and lookup(backend, caller, key(resource_id, version.data["versionName"])) is version
    ]


#: What the other resources may ask of a version (runs: its status and template), and its tags
#: for TagResource and friends on ``...:workflow/{id}/version/{name}`` ARNs, whose kind is
#: ``workflow/version`` and id ``{id}/{name}``.
KIND = _records.kind(lookup, _what, VersionStore)

HANDLERS: Mapping[str, Handler] = {
    "CreateWorkflowVersion": create_workflow_version,
    "GetWorkflowVersion": get_workflow_version,
    "ListWorkflowVersions": list_workflow_versions,
    "UpdateWorkflowVersion": update_workflow_version,
    "DeleteWorkflowVersion": delete_workflow_version,
}


def held(backend: Backend) -> list[tuple[str, str, str]]:
    """(account, region, "{workflowId}/{versionName}") of every version held, oldest first."""
    found = []
    for version in backend.stores[VersionStore].listed():
        caller = Caller(version.account, version.region)
        version_key = key(version.data["workflowId"], version.data["versionName"])
        if lookup(backend, caller, version_key) is version:
            found.append((version.account, version.region, version_key))
    return found
