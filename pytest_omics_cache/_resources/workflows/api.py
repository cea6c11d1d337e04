"""The workflow part of ``FakeOmics``: seeding workflows (private or READY2RUN) and reading them
back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pytest_omics_cache._core import arguments as _arguments
from pytest_omics_cache._core import records as _records
from pytest_omics_cache._core.handlers import Caller
from pytest_omics_cache._core.tag_quota import check_seed_tags
from pytest_omics_cache._resources.workflows.store import (
    READY2RUN,
    SETTLES,
    WorkflowStore,
    new_workflow,
    workflow_arn,
)

if TYPE_CHECKING:
    from pytest_omics_cache._core.handlers import Backend
    from pytest_omics_cache._core.options import Options


class WorkflowsApi:
    """Workflows (a part of ``FakeOmics``)."""

    _options: Options
    _backend: Backend

    def add_workflow(
        self,
        *,
        id: str | None = None,
        name: str | None = None,
        description: str | None = None,
        type: str = "PRIVATE",
        status: str = "ACTIVE",
        engine: str | None = None,
        main: str | None = None,
        parameterTemplate: Mapping[str, Mapping[str, Any]] | None = None,
        storageType: str | None = None,
        storageCapacity: int | None = None,
        accelerators: str | None = None,
        digest: str | None = None,
        statusMessage: str | None = None,
        metadata: Mapping[str, str] | None = None,
        creationTime: datetime | str | None = None,
        tags: Mapping[str, str] | None = None,
        region: str | None = None,
        account: str | None = None,
    ) -> dict[str, Any]:
        """Store a workflow and return exactly what ``get_workflow(id=...)`` will return for it
        (without ``ResponseMetadata``; for ``type="READY2RUN"``, ``get_workflow(id=...,
        type="READY2RUN")``).

        The fields (``id``, ``name``, ``description``, ``type``, ``status``, ``engine``,
        ``main``, ``parameterTemplate``, ``storageType``, ``storageCapacity``,
        ``accelerators``, ``digest``, ``statusMessage``, ``metadata``, ``creationTime``,
        ``tags``) are GetWorkflow's, by boto3's names, each checked against the botocore omics
        model now (a bad one is a ``ValueError`` naming field, value and rule). With none given
        it is an ACTIVE private WDL workflow with an empty ``parameterTemplate`` (a run of it
        takes no parameters) and STATIC storage. ``parameterTemplate`` maps each parameter's
        name to ``{"description": ..., "optional": ...}``: StartRun refuses a run that misses
        one whose ``optional`` is not true, or names one not in it. A workflow seeded
        ``CREATING`` or ``UPDATING`` is ACTIVE from the read after the first, as a created one
        is. ``type="READY2RUN"`` seeds one of the service's own workflows: its ARN names no
        account, the account reads, lists and runs it with ``type="READY2RUN"`` and cannot
        update or delete it. ``region`` and ``account`` (default: the fake's) say where it is
        held.
        """
        __tracebackhide__ = True
        caller = _arguments.where("add_workflow", self._options, region, account)
        given = {
            "id": id,
            "status": None if status == "ACTIVE" else status,
            "type": None if type == "PRIVATE" else type,
            "name": name,
            "description": description,
            "engine": engine,
            "main": main,
            "digest": digest,
            "parameterTemplate": None if parameterTemplate is None else dict(parameterTemplate),
            "storageCapacity": storageCapacity,
            "creationTime": creationTime,
            "statusMessage": statusMessage,
            "tags": None if tags is None else dict(tags),
            "metadata": None if metadata is None else dict(metadata),
            "accelerators": accelerators,
            "storageType": storageType,
        }
        set_fields = {k: v for k, v in given.items() if v is not None}
        if parameterTemplate is not None and not parameterTemplate:
            set_fields.pop("parameterTemplate")  # {} is the empty template: the default
        problems = _records.seed_problems("GetWorkflow", set_fields)
        if status == "DELETED":
            problems.append(
                "status='DELETED' seeds a workflow the service no longer has (after"
                " DeleteWorkflow, GetWorkflow answers 404): seed nothing for it"
            )
        if problems:
            raise ValueError("add_workflow: " + "; ".join(problems))
        check_seed_tags("add_workflow", tags)
        store = self._backend.stores[WorkflowStore]
        workflow_id = store.new_id() if id is None else id
        fields: dict[str, Any] = {"status": status, "type": type, **set_fields}
        if type == READY2RUN:
            # The service's own workflows: their ARNs name no account.
            fields["arn"] = workflow_arn(Caller("", caller.region), workflow_id)
        workflow = new_workflow(caller, workflow_id, store.new_uuid(), fields)
        if status in SETTLES:
            workflow.progress = (SETTLES[status],)
        if not store.add(workflow, workflow_id):
            raise ValueError(
                f"add_workflow: a workflow with id={workflow_id!r} is already seeded in account"
                f" {caller.account}, region {caller.region}; give each its own id (or omit id)"
            )
        return _records.copied(workflow.data)

    def workflows(
        self,
        *,
        type: str | None = None,
        region: str | None = None,
        account: str | None = None,
    ) -> list[dict[str, Any]]:
        """Every workflow the fake holds, seeded or created by the code under test, as
        ``get_workflow`` returns it now (without ``ResponseMetadata``), oldest first. ``type``
        ("PRIVATE" or "READY2RUN"), ``region`` and ``account`` keep only those of that type,
        region, account."""
        __tracebackhide__ = True
        _arguments.check_where("workflows", region, account)
        if type is not None:
            problems = _records.seed_problems("GetWorkflow", {"type": type})
            if problems:
                raise ValueError("workflows: " + "; ".join(problems))
        return [
            _records.copied(workflow.data)
            for workflow in self._backend.stores[WorkflowStore].listed(account, region)
            if type is None or workflow.data["type"] == type
        ]
