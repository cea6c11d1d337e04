"""The only list of the resources the fake holds, and everything that follows from it: which
handler serves which operation, the stores a fake's backend is made of, which kinds of resource
the others may look up and tag (``Backend.kinds``), who uses whom before a delete, what the
failure summary lists, and the author's API (``ResourceApis``, which ``FakeOmics`` builds on).

A new resource is a folder beside the others (its store, handlers and API part) and its line in
``RESOURCES`` here, with its API part among ``ResourceApis``' bases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from pytest_omics_cache._core.handlers import Backend, Handler, Kind, Stores, Users
from pytest_omics_cache._core.options import Options
from pytest_omics_cache._resources.canned import handlers as canned
from pytest_omics_cache._resources.canned.api import CannedApi
from pytest_omics_cache._resources.canned.store import CannedResponses
from pytest_omics_cache._resources.run_caches import handlers as run_caches
from pytest_omics_cache._resources.run_caches.api import RunCachesApi
from pytest_omics_cache._resources.run_caches.store import Registry
from pytest_omics_cache._resources.run_groups import handlers as run_groups
from pytest_omics_cache._resources.run_groups.api import RunGroupsApi
from pytest_omics_cache._resources.run_groups.store import RunGroupStore
from pytest_omics_cache._resources.runs import handlers as runs
from pytest_omics_cache._resources.runs.api import RunsApi
from pytest_omics_cache._resources.runs.store import RunStore
from pytest_omics_cache._resources.tags import handlers as tags
from pytest_omics_cache._resources.workflow_versions import handlers as versions
from pytest_omics_cache._resources.workflow_versions.api import WorkflowVersionsApi
from pytest_omics_cache._resources.workflow_versions.store import VersionStore
from pytest_omics_cache._resources.workflows import handlers as workflows
from pytest_omics_cache._resources.workflows.api import WorkflowsApi
from pytest_omics_cache._resources.workflows.store import WorkflowStore


class Resource(NamedTuple):
    """How one resource plugs into the fake."""

    #: What it is called in the failure summary ("run cache"); "" for one that holds nothing.
    label: str
    #: The operations it serves, by the model's names.
    handlers: Mapping[str, Handler]
    #: Its state: one of each per fake.
    stores: tuple[type, ...] = ()
    #: What others may ask of it, by the type its ARNs name.
    kinds: Mapping[str, Kind] = {}
    #: Which of its resources hold another's (see ``Users``).
    users: Users | None = None
    #: (account, region, id) of everything it holds, for the failure summary; None if nothing.
    held: Callable[[Backend], Iterable[tuple[str, str, str]]] | None = None
    #: False where some requests of its operations go to ``add_response`` (tags on an ARN of a
    #: kind the fake holds nothing of), so that ``add_response`` may queue answers for them.
    from_state_alone: bool = True
    #: How a test seeds it, for ``add_response``'s refusal of its operations.
    seeds: str = ""


RESOURCES = (
    Resource(
        "run cache",
        run_caches.HANDLERS,
        (Registry,),
        {"runCache": run_caches.KIND},
        held=run_caches.held,
        seeds="add_run_cache(...)",
    ),
    Resource(
        "run",
        runs.HANDLERS,
        (RunStore,),
        {"run": runs.KIND},
        runs.users,
        runs.held,
        seeds="add_run(...), add_run_task(...), next_runs(...)",
    ),
    Resource(
        "workflow",
        workflows.HANDLERS,
        (WorkflowStore,),
        {"workflow": workflows.KIND},
        held=workflows.held,
        seeds="add_workflow(...)",
    ),
    Resource(
        "workflow version",
        versions.HANDLERS,
        (VersionStore,),
        {"workflow/version": versions.KIND},
        versions.users,
        versions.held,
        seeds="add_workflow_version(...)",
    ),
    Resource(
        "run group",
        run_groups.HANDLERS,
        (RunGroupStore,),
        {"runGroup": run_groups.KIND},
        held=run_groups.held,
        seeds="add_run_group(...)",
    ),
    Resource("", tags.handlers(canned.handler_for), from_state_alone=False),
    Resource("", {}, (CannedResponses,)),
)


#: Every operation a resource serves, and its handler.
HANDLERS: Mapping[str, Handler] = {
    name: handler for resource in RESOURCES for name, handler in resource.handlers.items()
}
#: The operations answered from the resources' state alone, which ``add_response`` refuses,
#: and how a test seeds that state instead.
FROM_STATE: Mapping[str, str] = {
    name: resource.seeds
    for resource in RESOURCES
    if resource.from_state_alone
    for name in resource.handlers
}


class ResourceApis(
    RunCachesApi, RunsApi, WorkflowsApi, WorkflowVersionsApi, RunGroupsApi, CannedApi
):
    """The resources' parts of ``FakeOmics``: seeding and inspecting each one."""

    _from_state = FROM_STATE


class _Stores(Stores):
    """The stores of the resources listed here."""

    __slots__ = ()
    types = frozenset(store for resource in RESOURCES for store in resource.stores)


_KINDS = {kind: found for resource in RESOURCES for kind, found in resource.kinds.items()}
_USERS = tuple(resource.users for resource in RESOURCES if resource.users is not None)


def handler(operation: str) -> Handler:
    """The handler of ``operation``: its resource's, or else the queued responses'."""
    return HANDLERS.get(operation) or canned.handler_for(operation)


def new_backend(options: Options) -> Backend:
    """A fake's state: each resource's store, empty (made when first asked for)."""
    return Backend(options, _Stores, _KINDS, _USERS)


def held(backend: Backend) -> list[tuple[str, Iterable[tuple[str, str, str]]]]:
    """What each resource holds, as (its label, (account, region, id) of each)."""
    return [(r.label, r.held(backend)) for r in RESOURCES if r.held is not None]
