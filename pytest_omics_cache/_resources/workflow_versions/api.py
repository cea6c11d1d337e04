"""The workflow-version part of ``FakeOmics``: seeding versions of held workflows and reading
them back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pytest_omics_cache._core import arguments as _arguments
from pytest_omics_cache._core import definitions
from pytest_omics_cache._core import records as _records
from pytest_omics_cache._core.handlers import Caller
from pytest_omics_cache._core.tag_quota import check_seed_tags
from pytest_omics_cache._resources.workflow_versions.handlers import lookup
from pytest_omics_cache._resources.workflow_versions.store import VersionStore, key, new_version
from pytest_omics_cache._wire import model as _model

if TYPE_CHECKING:
    from pytest_omics_cache._core.handlers import Backend
    from pytest_omics_cache._core.options import Options

#: Where a seeded version's status moves on its own, one read later.
_SETTLES = {"CREATING": "ACTIVE", "UPDATING": "ACTIVE"}


class WorkflowVersionsApi:
    """Workflow versions (a part of ``FakeOmics``)."""

    _options: Options
    _backend: Backend

    def add_workflow_version(
        self,
        *,
        workflowId: str,
        versionName: str,
        description: str | None = None,
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
        """Store version ``versionName`` of the held workflow ``workflowId`` and return exactly
        what ``get_workflow_version(workflowId=..., versionName=...)`` will return for it
        (without ``ResponseMetadata``).

        The other fields (``description``, ``status``, ``engine``, ``main``,
        ``parameterTemplate``, ``storageType``, ``storageCapacity``, ``accelerators``,
        ``digest``, ``statusMessage``, ``metadata``, ``creationTime``, ``tags``) are
        GetWorkflowVersion's, by boto3's names, each checked against the botocore omics model
        now (a bad one is a ``ValueError`` naming field, value and rule). What the version does
        not set it takes from its workflow: engine, main, ``parameterTemplate`` (which StartRun
        checks a run of this version against) and storage; its ``type`` is the workflow's. A
        version seeded ``CREATING`` or ``UPDATING`` is ACTIVE from the read after the first.
        ``region`` and ``account`` (default: the fake's) say where the workflow is held.
        """
        __tracebackhide__ = True
        if "GetWorkflowVersion" not in _model.operation_names():
            # Older botocores' models have no versions: nothing could read one back.
            raise ValueError(
                "add_workflow_version: this botocore's omics model has no workflow versions"
                " (no GetWorkflowVersion operation); upgrade botocore to seed and serve them"
            )
        caller = _arguments.where("add_workflow_version", self._options, region, account)
        given = {
            "workflowId": workflowId,
            "versionName": versionName,
            "accelerators": accelerators,
            "creationTime": creationTime,
            "description": description,
            "digest": digest,
            "engine": engine,
            "main": main,
            "metadata": None if metadata is None else dict(metadata),
            "parameterTemplate": None if parameterTemplate is None else dict(parameterTemplate),
            "status": None if status == "ACTIVE" else status,
            "statusMessage": statusMessage,
            "storageType": storageType,
            "storageCapacity": storageCapacity,
            "tags": None if tags is None else dict(tags),
        }
        set_fields = {k: v for k, v in given.items() if v is not None}
        if parameterTemplate is not None and not parameterTemplate:
            set_fields.pop("parameterTemplate")  # {} is no template, as for add_workflow
        problems = _records.seed_problems("GetWorkflowVersion", set_fields)
        if status == "DELETED":
            problems.append(
                "status='DELETED' seeds a version the service no longer has: seed nothing for it"
            )
        if problems:
            raise ValueError("add_workflow_version: " + "; ".join(problems))
        check_seed_tags("add_workflow_version", tags)
        workflow = self._backend.kinds["workflow"].find(self._backend, caller, workflowId)
        if workflow is None:
            raise ValueError(
                f"add_workflow_version: workflowId={workflowId!r} names no workflow of account"
                f" {caller.account}, region {caller.region}; seed it first with"
                " add_workflow(...)"
            )
        store = self._backend.stores[VersionStore]
        if lookup(self._backend, caller, key(workflowId, versionName)) is not None:
            raise ValueError(
                f"add_workflow_version: workflow {workflowId} already has a version named"
                f" {versionName!r}; give each version its own versionName"
            )
        store.remove(caller, key(workflowId, versionName))  # of a workflow no longer held
        fields = {"status": status, **set_fields}
        if parameterTemplate is not None and not parameterTemplate:
            fields["parameterTemplate"] = {}  # explicitly empty: not the workflow's
        path = f"{caller.account}/{workflowId}/{versionName}"
        version = new_version(
            caller,
            workflow,
            versionName,
            store.new_uuid(),
            fields,
            {"digest": digest or definitions.digest(path)},
            definitions.exports(caller.region, path, fields),
        )
        if status in _SETTLES:
            version.progress = (_SETTLES[status],)
        store.add(version, key(workflowId, versionName))
        return _records.copied(version.data)

    def workflow_versions(
        self,
        *,
        workflowId: str | None = None,
        region: str | None = None,
        account: str | None = None,
    ) -> list[dict[str, Any]]:
        """Every workflow version the fake holds (of workflow ``workflowId`` only, if given),
        seeded or created by the code under test, as ``get_workflow_version`` returns it now
        (without ``ResponseMetadata``), oldest first; ``region`` / ``account`` keep only those
        of that region / account."""
        __tracebackhide__ = True
        _arguments.check_where("workflow_versions", region, account)
        found = []
        for version in self._backend.stores[VersionStore].listed(account, region):
            data = version.data
            if workflowId is not None and data["workflowId"] != workflowId:
                continue
            caller = Caller(version.account, version.region)
            if lookup(self._backend, caller, key(data["workflowId"], data["versionName"])):
                found.append(_records.copied(data))
        return found
