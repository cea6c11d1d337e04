"""Workflows' state: every workflow the fake holds, private or READY2RUN, per account and region,
and what a new one is made of."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_omics_cache._core import records as _records
from pytest_omics_cache._core.definitions import definition_fields, engine_of, exports
from pytest_omics_cache._core.handlers import Caller
from pytest_omics_cache._core.records import Record, Records
from pytest_omics_cache._wire import clock as _clock
from pytest_omics_cache._wire import model as _model

PRIVATE = "PRIVATE"
#: A workflow HealthOmics offers every account: listed and started with ``type="READY2RUN"``,
#: never changed or deleted by the account.
READY2RUN = "READY2RUN"
#: The statuses a created workflow (and version) goes through, one per read.
CREATED = ("CREATING", "ACTIVE")
#: Where a status moves on its own, one read later (a seed at CREATING becomes ACTIVE).
SETTLES = {"CREATING": "ACTIVE", "UPDATING": "ACTIVE"}


class WorkflowStore(Records):
    """Every workflow the fake holds, in creation order."""

    noun = "Workflow"
    seed = 20221128 + 10
    __slots__ = ()


def workflow_arn(caller: Caller, workflow_id: str) -> str:
    return (
        f"arn:{_model.partition(caller.region)}:omics:{caller.region}:{caller.account}"
        f":workflow/{workflow_id}"
    )


def new_workflow(caller: Caller, workflow_id: str, uuid: str, fields: Mapping[str, Any]) -> Record:
    """A workflow of ``fields`` (GetWorkflow's members, with a create request's definition),
    in the model's member order, which botocore's parser answers in."""
    definition = definition_fields(fields)
    storage_type = fields.get("storageType", "STATIC")
    data: dict[str, Any] = {
        "arn": fields.get("arn") or workflow_arn(caller, workflow_id),
        "id": workflow_id,
        "status": fields.get("status", "ACTIVE"),
        "type": fields.get("type", PRIVATE),
        "name": fields.get("name"),
        "description": fields.get("description"),
        "engine": engine_of(fields),
        "main": fields.get("main"),
        "digest": fields.get("digest") or definition["digest"],
        "parameterTemplate": _template(fields.get("parameterTemplate")),
        "storageCapacity": None if storage_type == "DYNAMIC" else fields.get("storageCapacity"),
        "creationTime": _clock.timestamp(fields.get("creationTime") or _clock.now()),
        "statusMessage": fields.get("statusMessage"),
        "tags": dict(fields.get("tags") or {}),
        "metadata": fields.get("metadata"),
        "accelerators": fields.get("accelerators"),
        "storageType": storage_type,
        "uuid": uuid,
        "containerRegistryMap": fields.get("containerRegistryMap"),
        "definitionRepositoryDetails": fields.get("definitionRepositoryDetails")
        or definition.get("definitionRepositoryDetails"),
        "readmePath": fields.get("readmePath"),
    }
    hidden = exports(caller.region, f"{caller.account}/{workflow_id}", fields)
    return Record(
        caller.account, caller.region, _records.in_model("GetWorkflow", data), hidden=hidden
    )


def _template(template: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The workflow's own copy of a parameter template (None, left out, for an empty one)."""
    if not template:
        return None
    return {name: dict(parameter) for name, parameter in template.items()}
