"""Register a workflow and run it, cached, in the team's run group.

Typical platform code around a run cache: publish the workflow (once per definition, found by
name), wait until HealthOmics has made it ACTIVE, read its parameter template so a run is given
every parameter it needs, and start runs in a run group that caps what the team may use.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import WaiterError


class MissingParameters(Exception):
    """The run lacks parameters the workflow's template requires."""


def publish_workflow(
    client: Any, *, name: str, definition_uri: str, parameter_template: dict[str, Any]
) -> str:
    """The id of the ACTIVE private workflow called ``name``, created from ``definition_uri``
    if the account has none by that name yet."""
    for page in client.get_paginator("list_workflows").paginate(name=name):
        for item in page["items"]:
            return str(item["id"])
    created = client.create_workflow(
        name=name,
        definitionUri=definition_uri,
        parameterTemplate=parameter_template,
    )
    client.get_waiter("workflow_active").wait(id=created["id"])
    return str(created["id"])


def team_run_group(client: Any, *, name: str, max_cpus: int) -> str:
    """The id of the run group called ``name``, created with a CPU cap if missing."""
    for page in client.get_paginator("list_run_groups").paginate(name=name):
        for item in page["items"]:
            return str(item["id"])
    return str(client.create_run_group(name=name, maxCpus=max_cpus)["id"])


def required_parameters(client: Any, workflow_id: str) -> list[str]:
    """The names of the workflow's parameters that are not optional, sorted."""
    template = client.get_workflow(id=workflow_id).get("parameterTemplate", {})
    return sorted(name for name, spec in template.items() if not spec.get("optional", False))


@dataclass(frozen=True)
class PipelineRun:
    """How one cached run in the team's run group went."""

    run_id: str
    status: str
    run_group_id: str
    cached_tasks: list[str]
    uncached_tasks: list[str]


def run_pipeline(
    client: Any,
    *,
    workflow_id: str,
    run_group_id: str,
    cache_id: str,
    parameters: dict[str, Any],
    role_arn: str,
    output_uri: str,
) -> PipelineRun:
    """Start ``workflow_id`` in the run group with the team's cache, wait for it to finish and
    say which tasks reused cached outputs. A run missing a required parameter is refused here,
    before anything is started."""
    missing = [name for name in required_parameters(client, workflow_id) if name not in parameters]
    if missing:
        raise MissingParameters(f"workflow {workflow_id} needs {', '.join(missing)}")
    run_id = client.start_run(
        workflowId=workflow_id,
        runGroupId=run_group_id,
        cacheId=cache_id,
        parameters=parameters,
        roleArn=role_arn,
        outputUri=output_uri,
    )["id"]
    with contextlib.suppress(WaiterError):  # a FAILED run: its status says so below
        client.get_waiter("run_completed").wait(id=run_id)
    run = client.get_run(id=run_id)
    tasks = [
        task
        for page in client.get_paginator("list_run_tasks").paginate(id=run_id)
        for task in page["items"]
    ]
    return PipelineRun(
        run_id=run_id,
        status=run["status"],
        run_group_id=run["runGroupId"],
        cached_tasks=[t["name"] for t in tasks if t.get("cacheHit")],
        uncached_tasks=[t["name"] for t in tasks if not t.get("cacheHit")],
    )
