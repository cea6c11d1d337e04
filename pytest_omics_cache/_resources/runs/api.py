"""The runs half of ``FakeOmics``: seeding runs and tasks, steering their status, scripting what
the runs the code under test starts go through, and reading them back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pytest_omics_cache._core import arguments as _arguments
from pytest_omics_cache._core.handlers import Caller
from pytest_omics_cache._core.tag_quota import check_seed_tags
from pytest_omics_cache._resources.runs.store import (
    FINISHED,
    LIFECYCLE,
    READY2RUN,
    RunScript,
    RunStore,
    StoredRun,
    _task_status,
    add_tasks,
    run_arn,
    set_status,
    uncacheable,
)
from pytest_omics_cache._wire import clock as _clock
from pytest_omics_cache._wire import model as _model
from pytest_omics_cache._wire import validate as _validate

if TYPE_CHECKING:
    from pytest_omics_cache._core.handlers import Backend
    from pytest_omics_cache._core.options import Options


def _copy(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (dict(v) if isinstance(v, dict) else v) for k, v in data.items()}


def _checked(method: str, shape_of: str, given: Mapping[str, Any]) -> None:
    """A ValueError naming every member of ``given`` that does not fit the output shape."""
    __tracebackhide__ = True
    output = _model.operation(shape_of).output_shape
    assert output is not None
    problems = [v.author_message() for v in _validate.check_output(output, dict(given), "")]
    if problems:
        raise ValueError(f"{method}: " + "; ".join(problems))


def _status(method: str, status: str, operation: str = "GetRun") -> None:
    _checked(method, operation, {"status": status})


class RunsApi:
    """Runs and tasks (mixed into ``FakeOmics``)."""

    _backend: Backend

    @property
    def _runs(self) -> RunStore:
        return self._backend.stores[RunStore]

    def _cache(self, caller: Caller, cache_id: str) -> Mapping[str, Any] | None:
        """The caller's run cache ``cache_id`` as GetRunCache answers, or None (the run-cache
        resource registers how to find one; runs do not import it)."""
        return self._backend.kinds["runCache"].find(self._backend, caller, cache_id)

    _options: Options
    _waiter_delays: list[float]

    def _where(self, method: str, region: str | None, account: str | None) -> Caller:
        _arguments.check_where(method, region, account)
        return Caller(
            self._options.account if account is None else account,
            self._options.region if region is None else region,
        )

    def add_run(
        self,
        *,
        tasks: Sequence[Mapping[str, Any]] = (),
        region: str | None = None,
        account: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Store a run and return exactly what ``get_run(id=...)`` returns for it (without
        ``ResponseMetadata``).

        ``fields`` are GetRun's members, by boto3's names (``name``, ``workflowId``,
        ``cacheId``, ``status``, ``outputUri``...), checked against the model now. The fake
        derives ``id``, ``arn``, ``uuid``, ``creationTime`` and, from ``outputUri``,
        ``runOutputUri``; ``status`` defaults to ``"COMPLETED"``. A ``cacheId`` must name a run
        cache seeded in the same account and region; ``cacheBehavior`` defaults to that
        cache's. A ``workflowType="READY2RUN"`` run can have neither: HealthOmics has no call
        caching for Ready2Run workflows. ``tasks`` are GetRunTask-shaped dicts (see
        ``add_run_task``). ``region`` and ``account`` (default: the fake's) say where it is held.
        """
        __tracebackhide__ = True
        caller = self._where("add_run", region, account)
        _checked("add_run", "GetRun", fields)
        check_seed_tags("add_run", fields.get("tags"))
        uncached = uncacheable(fields)
        if uncached:
            given = " and ".join(f"{name}={fields[name]!r}" for name in uncached)
            kinds: list[str] = _model.shape("WorkflowType").enum  # type: ignore[attr-defined]
            others = " or ".join(repr(kind) for kind in kinds if kind != READY2RUN)
            raise ValueError(
                f"add_run: workflowType='READY2RUN' with {given}: HealthOmics does not support"
                " call caching for Ready2Run workflows, so a READY2RUN run has no cacheId or"
                f" cacheBehavior; leave {' and '.join(uncached)} out, or seed workflowType"
                f" {others}"
            )
        data = dict(fields)
        run_id = data.setdefault("id", self._runs.new_id())
        cache = None
        if "cacheId" in data:
            cache = self._cache(caller, data["cacheId"])
            if cache is None:
                raise ValueError(
                    f"add_run: cacheId={data['cacheId']!r} names no run cache of account"
                    f" {caller.account}, region {caller.region}; seed it first with"
                    " add_run_cache(...)"
                )
            data.setdefault("cacheBehavior", cache["cacheBehavior"])

        data.setdefault("arn", run_arn(caller, run_id))
        data.setdefault("uuid", self._runs.new_uuid())
        data.setdefault("tags", {})
        data["creationTime"] = _clock.timestamp(data.get("creationTime") or _clock.now())
        for moment in ("startTime", "stopTime"):
            if moment in data:
                data[moment] = _clock.timestamp(data[moment])
        if "outputUri" in data:
            data.setdefault("runOutputUri", f"{data['outputUri'].rstrip('/')}/{run_id}")
        status = data.pop("status", "COMPLETED")
        data["status"] = status
        run = StoredRun(caller.account, caller.region, data, 0)
        if status in FINISHED:
            data.setdefault("startTime", data["creationTime"])
            data.setdefault("stopTime", data["creationTime"])
        if not self._runs.add(run):
            raise ValueError(
                f"add_run: a run with id={run_id!r} is already seeded in account"
                f" {caller.account}, region {caller.region}"
            )
        for task in tasks:
            self.add_run_task(run_id, region=caller.region, account=caller.account, **task)
        return _copy(data)

    def add_run_task(
        self,
        id: str,  # boto3's own field name: the run's id
        *,
        region: str | None = None,
        account: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Give run ``id`` a task and return exactly what ``get_run_task`` returns for it.

        ``fields`` are GetRunTask's members (``name``, ``cacheHit``, ``cpus``, ``memory``,
        ``status``...), checked against the model now. The task's ``status`` follows the run's
        unless given here; a task with ``cacheHit=True`` gets the ``cacheS3Uri`` the documented
        layout gives it under the run's cache (``{cacheS3Uri}{runId}/{taskId}/{entry uuid}/``).
        ``region`` and ``account`` (default: the fake's) say where the run is held.
        """
        __tracebackhide__ = True
        caller = self._where("add_run_task", region, account)
        _checked("add_run_task", "GetRunTask", fields)
        run = self._run("add_run_task", caller, id)
        cache = self._cache(caller, run.data["cacheId"]) if "cacheId" in run.data else None
        given = dict(fields)
        for moment in ("creationTime", "startTime", "stopTime"):
            if moment in given:
                given[moment] = _clock.timestamp(given[moment])
        cache_uri = cache["cacheS3Uri"] if cache is not None else None
        (task,) = add_tasks(run, self._runs, cache_uri, [given])
        run.body = None
        return dict(task)

    def _run(self, method: str, caller: Caller, run_id: str) -> StoredRun:
        __tracebackhide__ = True
        for run in self._runs.listed(caller.account, caller.region):
            if run.data["id"] == run_id:
                return run
        raise ValueError(
            f"{method}: no run with id={run_id!r} in account {caller.account}, region"
            f" {caller.region}"
        )

    def set_run_status(
        self,
        id: str,  # boto3's own field name
        status: str,
        *,
        failureReason: str | None = None,
        region: str | None = None,
        account: str | None = None,
    ) -> dict[str, Any]:
        """Move run ``id`` to ``status`` now (its tasks follow, unless set themselves), as the
        service would: start and stop times, ``failureReason`` for FAILED. The test takes over:
        the run's scripted progress stops. Returns what GetRun now returns. ``region`` and
        ``account`` (default: the fake's) say where the run is held."""
        __tracebackhide__ = True
        caller = self._where("set_run_status", region, account)
        _status("set_run_status", status)
        _arguments.check_failure_reason("set_run_status", failureReason, (status,))
        run = self._run("set_run_status", caller, id)
        with self._runs.lock:
            run.progress = ()
            set_status(run, status, failureReason)
        return _copy(run.data)

    def set_task_status(
        self,
        id: str,  # the run's id, as boto3 names it
        taskId: str,
        status: str,
        *,
        failureReason: str | None = None,
        region: str | None = None,
        account: str | None = None,
    ) -> dict[str, Any]:
        """Move task ``taskId`` of run ``id`` to ``status``; from then on it no longer follows
        the run. ``failureReason`` is what GetRunTask answers for a FAILED task; ``region`` and
        ``account`` (default: the fake's) say where the run is held. Returns what GetRunTask now
        returns."""
        __tracebackhide__ = True
        caller = self._where("set_task_status", region, account)
        _status("set_task_status", status, "GetRunTask")
        _arguments.check_failure_reason("set_task_status", failureReason, (status,))
        run = self._run("set_task_status", caller, id)
        task = run.tasks.get(taskId)
        if task is None:
            raise ValueError(f"set_task_status: run {id} has no task with taskId={taskId!r}")
        with self._runs.lock:
            run.pinned |= {taskId}
            _task_status(task, status, _clock.now())
            if failureReason is not None:
                task["failureReason"] = failureReason
        return dict(task)

    def next_runs(
        self,
        *,
        progress: Sequence[str] = LIFECYCLE,
        failureReason: str | None = None,
        tasks: Sequence[Mapping[str, Any]] = (),
        times: int | None = 1,
    ) -> RunScript:
        """Script what the next run(s) the code under test starts go through.

        The run starts at ``progress[0]`` and moves one status further each time GetRun reads
        it (GetRun answers the current status, then the run moves), so code that polls, or a
        botocore waiter, sees the whole sequence; e.g. ``progress=("PENDING", "RUNNING",
        "FAILED"), failureReason="out of memory"``: ``failureReason`` is what GetRun answers once
        the run has FAILED. ``tasks`` are the tasks it gets, as in
        ``add_run_task``. ``times`` runs are scripted (None: every run from now on); scripts
        are used in the order given. Runs nobody scripted go through the normal lifecycle,
        PENDING to COMPLETED.
        """
        __tracebackhide__ = True
        if not progress:
            raise ValueError("next_runs: progress must name at least one status")
        for status in progress:
            _status("next_runs", status)
        _arguments.check_failure_reason("next_runs", failureReason, tuple(progress))
        for task in tasks:
            _checked("next_runs", "GetRunTask", task)
        _arguments.check_times("next_runs", times)
        return self._runs.add_script(
            RunScript(tuple(progress), failureReason, tuple(dict(t) for t in tasks), times)
        )

    def runs(
        self, *, region: str | None = None, account: str | None = None
    ) -> list[dict[str, Any]]:
        """Every run the fake holds, seeded or started by the code under test, as ``get_run``
        returns it now (without ``ResponseMetadata``), oldest first; ``region`` / ``account``
        keep only those of that region / account."""
        __tracebackhide__ = True
        _arguments.check_where("runs", region, account)
        return [_copy(run.data) for run in self._runs.listed(account, region)]

    @property
    def waiter_delays(self) -> list[float]:
        """The delays (seconds) botocore's waiters asked to sleep between polls, which the fake
        skipped (unless ``real_sleep``)."""
        return list(self._waiter_delays)
