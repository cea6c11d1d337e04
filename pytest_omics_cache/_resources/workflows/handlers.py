"""Workflows: the handlers of CreateWorkflow, GetWorkflow, ListWorkflows, UpdateWorkflow and
DeleteWorkflow, on the state in ``store``.

A workflow lives in the caller's account and region. CreateWorkflow makes it CREATING, and it
is ACTIVE from the read after the first (one step per read, as runs move), so the
``workflow_active`` waiter polls once and succeeds. READY2RUN workflows are the service's own:
a test seeds them, the account lists, reads and runs them with ``type="READY2RUN"``, and cannot
change or delete them. Runs name a workflow by ``workflowId`` and do not hold it: the user
guide's DeleteWorkflow leaves ongoing runs alone; its versions must go first. Where AWS does
not document a behaviour, the choice is in the docs (docs/explanation/choices.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_omics_cache._core import definitions
from pytest_omics_cache._core import records as _records
from pytest_omics_cache._core.handlers import Backend, Caller, Handler, ServiceError
from pytest_omics_cache._core.records import Record
from pytest_omics_cache._core.tag_quota import check_request_tags
from pytest_omics_cache._resources.workflows.store import (
    CREATED,
    PRIVATE,
    WorkflowStore,
    new_workflow,
)
from pytest_omics_cache._wire import answers as _answers
from pytest_omics_cache._wire import protocol as _protocol

#: The statuses in which DeleteWorkflow deletes (the user guide's).
DELETABLE = ("ACTIVE", "FAILED")
#: What UpdateWorkflow changes, as GetWorkflow then answers it.
CHANGED = ("name", "description", "storageType", "storageCapacity")


def lookup(backend: Backend, caller: Caller, workflow_id: str) -> Record | None:
    return backend.stores[WorkflowStore].get(caller, workflow_id)


def _what(workflow_id: str) -> str:
    return f"Workflow {workflow_id}"


def of_type(backend: Backend, caller: Caller, workflow_id: str, kind: str) -> Record:
    """The caller's workflow ``workflow_id`` of type ``kind``, or the service's 404 (a Ready2Run
    id asked for without ``type="READY2RUN"`` is not found, as on AWS)."""
    found = lookup(backend, caller, workflow_id)
    if found is None or found.data["type"] != kind:
        raise backend.stores[WorkflowStore].missing(caller, workflow_id, _what(workflow_id))
    return found


def _own(backend: Backend, caller: Caller, workflow_id: str) -> Record:
    """The caller's own workflow ``workflow_id``, which it may change or delete. A READY2RUN
    workflow is not one: UpdateWorkflow and DeleteWorkflow name no type, so they look among
    the account's private workflows, as GetWorkflow without ``type`` does (*choice*: AWS does
    not document their answer; this is the 404 GetWorkflow gives a Ready2Run id)."""
    return of_type(backend, caller, workflow_id, PRIVATE)


def create_workflow(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    definitions.one_definition(params, "CreateWorkflow")
    check_request_tags(dict(params.get("tags") or {}))
    store = backend.stores[WorkflowStore]

    def create() -> Record:
        workflow = new_workflow(
            caller, store.new_id(), store.new_uuid(), {**params, "status": CREATED[0]}
        )
        workflow.progress = CREATED[1:]
        store.add(workflow, workflow.data["id"])
        return workflow

    fingerprint = {k: v for k, v in params.items() if k != "requestId"}
    workflow = store.create_once(caller, params["requestId"], fingerprint, create, "workflow")
    data = workflow.data
    return _answers.output_body(
        _protocol.spec("CreateWorkflow"),
        _records.in_model("CreateWorkflow", {k: data.get(k) for k in _created_members()}),
    )


def _created_members() -> tuple[str, ...]:
    output = _protocol.spec("CreateWorkflow").model.output_shape
    return tuple(output.members) if output is not None else ()


def get_workflow(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    store = backend.stores[WorkflowStore]
    with store.lock:
        workflow = of_type(backend, caller, params["id"], params.get("type", PRIVATE))
        body = _records.get_body("GetWorkflow", workflow)
        if params.get("export"):
            body = _records.exported("GetWorkflow", workflow, params["export"])
        _records.read(workflow)
    return body


def list_workflows(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    store = backend.stores[WorkflowStore]
    kind, name = params.get("type", PRIVATE), params.get("name")
    workflows = [
        workflow
        for workflow in store.listed(caller.account, caller.region)
        if workflow.data["type"] == kind and (name is None or workflow.data.get("name") == name)
    ]
    return _records.list_body("ListWorkflows", store, (caller, kind, name), params, workflows)


def update_workflow(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    with backend.stores[WorkflowStore].lock:
        workflow = _own(backend, caller, params["id"])
        changes = {k: params[k] for k in CHANGED if k in params}
        data = {**workflow.data, **changes}
        if data.get("storageType") == "DYNAMIC":
            data.pop("storageCapacity", None)  # dynamic storage has no capacity
        workflow.data = _records.in_model("GetWorkflow", _ordered("GetWorkflow", data))
        workflow.body = None
    return b""


def _ordered(operation: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` in the model's member order of ``operation``'s output."""
    order = _protocol.spec(operation).model.output_shape.members  # type: ignore[union-attr]
    return {name: data[name] for name in order if name in data}


def delete_workflow(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    # The user guide's preconditions: "Its status is ACTIVE or FAILED. [...] You've deleted all
    # the workflow versions." Runs do not hold it: "Deleting a workflow doesn't affect any
    # ongoing runs that are using the workflow." Under the backend's lock, so that no version
    # is created between the check and the delete.
    with backend.lock:
        workflow = _own(backend, caller, params["id"])
        status = workflow.data["status"]
        if status not in DELETABLE:
            raise ServiceError(
                "ConflictException",
                f"Workflow {params['id']} is {status}; only an ACTIVE or FAILED workflow can be"
                " deleted.",
            )
        versions = backend.users("workflow", caller, params["id"])
        if versions:
            raise ServiceError(
                "ConflictException",
                f"Workflow {params['id']} has versions ({', '.join(versions)}); delete them"
                " before the workflow.",
            )
        backend.stores[WorkflowStore].remove(caller, params["id"])
    return b""


#: What the other resources may ask of a workflow (runs: does it exist, its status, type and
#: template; versions: does their workflow still exist), and its tags for TagResource and
#: friends on ``...:workflow/{id}`` ARNs.
KIND = _records.kind(lookup, _what, WorkflowStore)

HANDLERS: Mapping[str, Handler] = {
    "CreateWorkflow": create_workflow,
    "GetWorkflow": get_workflow,
    "ListWorkflows": list_workflows,
    "UpdateWorkflow": update_workflow,
    "DeleteWorkflow": delete_workflow,
}


def held(backend: Backend) -> list[tuple[str, str, str]]:
    """(account, region, id) of every workflow held, oldest first, for the failure summary."""
    return [(w.account, w.region, w.data["id"]) for w in backend.stores[WorkflowStore].listed()]
