"""StartRun: a new run (or a run of a previous run's workflow again), checked as the service
checks it against what the account holds, and stored at the first status of its progress.

The run's workflow must be held (of the run's ``workflowType``, PRIVATE by default) and ACTIVE,
its ``workflowVersionName`` a held ACTIVE version of it, its ``parameters`` must fit the
template of that version or workflow, its ``runGroupId`` a held run group and its ``cacheId`` an
ACTIVE run cache. The run reaches each through what their resources register
(``backend.kinds``), never their modules. Under ``lenient_start_run`` a workflow or run group
the fake does not hold is taken on trust, as before the fake held them. Where AWS does not
document a behaviour, the choice is in the docs (docs/explanation/choices.md).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from pytest_omics_cache._core.handlers import Backend, Caller, ServiceError
from pytest_omics_cache._core.tag_quota import check_request_tags
from pytest_omics_cache._resources.runs.store import (
    FROM_START,
    LIFECYCLE,
    RunStore,
    StoredRun,
    add_tasks,
    in_model,
    run_arn,
    set_status,
    uncacheable,
)
from pytest_omics_cache._wire import answers as _answers
from pytest_omics_cache._wire import clock as _clock
from pytest_omics_cache._wire import model as _model
from pytest_omics_cache._wire import protocol as _protocol

#: The guide: a STATIC run gets 1200 GiB unless it asks otherwise.
DEFAULT_STATIC_STORAGE = 1200
#: The workflow type of a run that names none: "If you are running a PRIVATE workflow
#: (default), you do not need to include the workflow type."
PRIVATE = "PRIVATE"
#: What a run takes from its workflow (GetWorkflow's names -> GetRun's), where the model has it.
FROM_WORKFLOW = {"type": "workflowType", "digest": "digest", "uuid": "workflowUuid"}


def _usable_cache(backend: Backend, caller: Caller, cache_id: str) -> Mapping[str, Any]:
    """The run cache a new run may use, or the service's error (see the choices in the docs)."""
    cache = backend.held("runCache", caller, cache_id)  # a 404, with the near-miss hint
    if cache["status"] != "ACTIVE":
        raise ServiceError(
            "ValidationException",
            f"Run cache {cache_id} is {cache['status']}; a run can use only an ACTIVE run cache.",
        )
    return cache


def _check_workflow(backend: Backend, caller: Caller, fields: dict[str, Any]) -> None:
    """The service's error unless the run's workflow (and version) is held and ACTIVE and its
    parameters fit the template; then the run takes the workflow's type, digest and storage."""
    workflow_id = fields["workflowId"]
    kind = fields.get("workflowType", PRIVATE)
    registered = backend.kinds["workflow"]
    workflow = registered.find(backend, caller, workflow_id)
    if workflow is None or workflow["type"] != kind:
        # A Ready2Run id without workflowType="READY2RUN" is not found, as on AWS.
        if backend.options.lenient_start_run:
            return  # taken on trust, as before the fake held workflows
        raise registered.missing(backend, caller, workflow_id)
    _check_active(f"Workflow {workflow_id}", workflow["status"])
    template_of = workflow
    version_name = fields.get("workflowVersionName")
    if version_name is not None:
        # Held while its workflow is: the version's own 404 if the workflow has no such one.
        template_of = backend.held("workflow/version", caller, f"{workflow_id}/{version_name}")
        _check_active(f"Workflow version {version_name}", template_of["status"])
    template = template_of.get("parameterTemplate")
    parameters = fields.get("parameters")
    if template or parameters is not None:  # else nothing to check: no template, none given
        _check_parameters(workflow_id, version_name, template or {}, parameters)
    fields["workflowType"] = workflow["type"]  # in every model: StartRun's own member
    for name, run_name in _taken():
        if name in template_of:
            fields[run_name] = template_of[name]
    if "storageType" not in fields and "storageType" in template_of:
        fields["storageType"] = template_of["storageType"]
        if "storageCapacity" not in fields and "storageCapacity" in template_of:
            fields["storageCapacity"] = template_of["storageCapacity"]


@functools.cache
def _taken() -> tuple[tuple[str, str], ...]:
    """What a run takes from its workflow or version besides its type, of what this botocore's
    GetRun has (older models lack some)."""
    members = in_model("GetRun", dict.fromkeys(FROM_WORKFLOW.values()))
    return tuple((k, v) for k, v in FROM_WORKFLOW.items() if k != "type" and v in members)


def _check_active(what: str, status: str) -> None:
    if status != "ACTIVE":
        # Choice: AWS says only that a run can start once the workflow is ACTIVE; worded (and
        # coded) as a run's check of its run cache is.
        raise ServiceError(
            "ValidationException",
            f"{what} is {status}; a run can start only from an ACTIVE workflow and version.",
        )


def _check_parameters(
    workflow_id: str,
    version_name: str | None,
    template: Mapping[str, Mapping[str, Any]],
    parameters: object,
) -> None:
    """The StartRun documentation's rule: "The run needs all required parameters and can
    include optional parameters", and "cannot include any parameters that are not defined in
    the parameter template" (a template parameter without ``optional`` is required). *Choice*:
    the wording, which AWS does not document."""
    # A dict, as read from the wire's JSON (not Mapping: an ABC check costs a run's start more).
    given = parameters if isinstance(parameters, dict) else {}
    if parameters is not None and not isinstance(parameters, dict):
        raise ServiceError(
            "ValidationException",
            "parameters must be a JSON object of the workflow's parameters by name.",
        )
    missing = [
        name
        for name, parameter in template.items()
        if not parameter.get("optional", False) and name not in given
    ]
    unknown = [name for name in given if name not in template]
    if not (missing or unknown):
        return
    of = f"workflow {workflow_id}" + (f" version {version_name}" if version_name else "")
    problems = []
    if missing:
        problems.append("missing required parameters: " + ", ".join(missing))
    if unknown:
        problems.append("parameters not in the parameter template: " + ", ".join(unknown))
    defined = ", ".join(template) if template else "none"
    raise ServiceError(
        "ValidationException",
        f"The run's parameters do not fit the parameter template of {of}: "
        + "; ".join(problems)
        + f" (the template defines: {defined}).",
    )


def _check_run_group(backend: Backend, caller: Caller, group_id: str) -> None:
    registered = backend.kinds["runGroup"]
    if registered.find(backend, caller, group_id) is None and not backend.options.lenient_start_run:
        raise registered.missing(backend, caller, group_id)


def start_run(backend: Backend, caller: Caller, params: Mapping[str, Any]) -> bytes:
    store = backend.stores[RunStore]
    # The parameters define the run: a requestId replayed with other ones is a conflict. Kept
    # as they are (the call log holds them anyway): two requests with one requestId are equal
    # in it, so they are equal as a whole exactly when the rest is, in whatever order.
    fingerprint = params
    # One lock from the requestId check to the stored run: two requests with one requestId
    # start one run, and a cache or run group cannot be deleted between its check and the
    # run's start (the backend's lock, which their deletes hold too; the store's own is taken
    # after it).
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
    # The tag quota is a check of the request alone: refused before anything held is looked up.
    tags = dict(params.get("tags") or {})
    check_request_tags(tags)
    from_start = FROM_START()
    fields = _own_copies(params, from_start)
    if source is not None:  # the request's fields over the earlier run's
        fields = _own_copies(source.data, from_start) | fields
    uncached = uncacheable(fields)
    if uncached:
        # Choice: AWS documents the rule, not its wording. A rule of the request alone, so it
        # comes before anything held is looked up.
        raise ServiceError(
            "ValidationException",
            "Call caching is not supported for READY2RUN workflows: start the run without"
            f" {' and '.join(uncached)}.",
        )
    _check_workflow(backend, caller, fields)
    if "runGroupId" in fields:
        _check_run_group(backend, caller, fields["runGroupId"])
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
