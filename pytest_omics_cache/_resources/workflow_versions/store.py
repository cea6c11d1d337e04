"""Workflow versions' state: every version the fake holds, by ``{workflowId}/{versionName}``,
and what a new one is made of."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_omics_cache._core import records as _records
from pytest_omics_cache._core.handlers import Caller
from pytest_omics_cache._core.records import Record, Records
from pytest_omics_cache._wire import clock as _clock
from pytest_omics_cache._wire import model as _model


class VersionStore(Records):
    """Every workflow version the fake holds, in creation order. A version records its
    workflow's uuid (``Record.owner``): it is found only while that workflow is held, so
    deleting the workflow deletes its versions, and a workflow seeded later with the same id
    has none of them."""

    noun = "Workflow version"
    seed = 20221128 + 20
    __slots__ = ()


def key(workflow_id: str, version_name: str) -> str:
    """A version's key in the store, and the id its ARN's kind (``workflow/version``) carries."""
    return f"{workflow_id}/{version_name}"


def version_arn(caller: Caller, workflow_id: str, version_name: str) -> str:
    return (
        f"arn:{_model.partition(caller.region)}:omics:{caller.region}:{caller.account}"
        f":workflow/{workflow_id}/version/{version_name}"
    )


def new_version(
    caller: Caller,
    workflow: Mapping[str, Any],
    version_name: str,
    uuid: str,
    fields: Mapping[str, Any],
    definition: Mapping[str, Any],
    hidden: dict[str, Any],
) -> Record:
    """A version of ``workflow`` (its GetWorkflow answer) from ``fields`` (GetWorkflowVersion's
    members, with a create request's definition, whose digest is in ``definition``, and
    ``hidden`` its presigned URLs for ``export``), in the model's member order. What the
    version does not set it takes from the workflow (engine, main, template, storage):
    *choice*, where the service would read them from the version's own definition."""
    storage_type = fields.get("storageType") or workflow.get("storageType")
    data: dict[str, Any] = {
        "arn": version_arn(caller, workflow["id"], version_name),
        "workflowId": workflow["id"],
        "versionName": version_name,
        "accelerators": fields.get("accelerators"),
        "creationTime": _clock.timestamp(fields.get("creationTime") or _clock.now()),
        "description": fields.get("description"),
        "digest": fields.get("digest") or definition["digest"],
        "engine": fields.get("engine") or workflow.get("engine"),
        "main": fields.get("main") or workflow.get("main"),
        "metadata": fields.get("metadata"),
        "parameterTemplate": _template(fields, workflow),
        "status": fields.get("status", "ACTIVE"),
        "statusMessage": fields.get("statusMessage"),
        "storageType": storage_type,
        "storageCapacity": None
        if storage_type == "DYNAMIC"
        else fields.get("storageCapacity") or workflow.get("storageCapacity"),
        "type": workflow.get("type"),
        "tags": dict(fields.get("tags") or {}),
        "uuid": uuid,
        "workflowBucketOwnerId": fields.get("workflowBucketOwnerId"),
        "containerRegistryMap": fields.get("containerRegistryMap"),
        "definitionRepositoryDetails": fields.get("definitionRepositoryDetails")
        or definition.get("definitionRepositoryDetails"),
        "readmePath": fields.get("readmePath"),
    }
    return Record(
        caller.account,
        caller.region,
        _records.in_model("GetWorkflowVersion", data),
        owner=workflow["uuid"],
        hidden=hidden,
    )


def _template(fields: Mapping[str, Any], workflow: Mapping[str, Any]) -> Any:
    template = fields.get("parameterTemplate")
    if template is None:
        template = workflow.get("parameterTemplate")
    if not template:
        return None
    return {name: dict(parameter) for name, parameter in template.items()}
