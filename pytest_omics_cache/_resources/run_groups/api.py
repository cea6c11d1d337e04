"""The run-group part of ``FakeOmics``: seeding run groups and reading them back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pytest_omics_cache._core import arguments as _arguments
from pytest_omics_cache._core import records as _records
from pytest_omics_cache._core.tag_quota import check_seed_tags
from pytest_omics_cache._resources.run_groups.handlers import new_group
from pytest_omics_cache._resources.run_groups.store import RunGroupStore
from pytest_omics_cache._wire import clock as _clock

if TYPE_CHECKING:
    from pytest_omics_cache._core.handlers import Backend
    from pytest_omics_cache._core.options import Options


class RunGroupsApi:
    """Run groups (a part of ``FakeOmics``)."""

    _options: Options
    _backend: Backend

    def add_run_group(
        self,
        *,
        id: str | None = None,
        name: str | None = None,
        maxCpus: int | None = None,
        maxRuns: int | None = None,
        maxDuration: int | None = None,
        maxGpus: int | None = None,
        creationTime: datetime | str | None = None,
        tags: Mapping[str, str] | None = None,
        region: str | None = None,
        account: str | None = None,
    ) -> dict[str, Any]:
        """Store a run group and return exactly what ``get_run_group(id=...)`` will return for
        it (without ``ResponseMetadata``).

        The fields (``id``, ``name``, ``maxCpus``, ``maxRuns``, ``maxDuration``, ``maxGpus``,
        ``creationTime``, ``tags``) are GetRunGroup's, by boto3's names, each checked against
        the botocore omics model now (a bad one is a ``ValueError`` naming field, value and
        rule); unset ones are absent, as the service leaves them out. ``id`` defaults to a fresh
        one, drawn like the service's. ``region`` and ``account`` (default: the fake's) say
        where it is held.
        """
        __tracebackhide__ = True
        caller = _arguments.where("add_run_group", self._options, region, account)
        given = {
            "id": id,
            "name": name,
            "maxCpus": maxCpus,
            "maxRuns": maxRuns,
            "maxDuration": maxDuration,
            "creationTime": creationTime,
            "tags": tags,
            "maxGpus": maxGpus,
        }
        set_fields = {k: v for k, v in given.items() if v is not None}
        problems = _records.seed_problems("GetRunGroup", set_fields)
        if problems:
            raise ValueError("add_run_group: " + "; ".join(problems))
        check_seed_tags("add_run_group", tags)
        store = self._backend.stores[RunGroupStore]
        group_id = store.new_id() if id is None else id
        if creationTime is not None:
            set_fields["creationTime"] = _clock.timestamp(creationTime)
        group = new_group(caller, group_id, set_fields)
        if not store.add(group, group_id):
            raise ValueError(
                f"add_run_group: a run group with id={group_id!r} is already seeded in account"
                f" {caller.account}, region {caller.region}; give each its own id (or omit id)"
            )
        return _records.copied(group.data)

    def run_groups(
        self, *, region: str | None = None, account: str | None = None
    ) -> list[dict[str, Any]]:
        """Every run group the fake holds, seeded or created by the code under test, as
        ``get_run_group`` returns it (without ``ResponseMetadata``), oldest first; ``region`` /
        ``account`` keep only those of that region / account."""
        __tracebackhide__ = True
        _arguments.check_where("run_groups", region, account)
        return [
            _records.copied(group.data)
            for group in self._backend.stores[RunGroupStore].listed(account, region)
        ]
