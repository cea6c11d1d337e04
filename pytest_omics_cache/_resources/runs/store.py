"""Runs' state: every run the fake holds, its tasks, and the lifecycle they move through.

A run moves through the statuses of its *progress*, one step each time GetRun reads it; its
tasks follow the run's status unless the test set theirs. The handlers are in ``handlers``.
"""

from __future__ import annotations

import functools
import random
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pytest_omics_cache._core.draws import uuid4_text
from pytest_omics_cache._core.handlers import Caller, ServiceError, page_token
from pytest_omics_cache._wire import clock as _clock
from pytest_omics_cache._wire import model as _model
from pytest_omics_cache._wire import protocol as _protocol

#: The normal lifecycle, which a run started without a script goes through.
LIFECYCLE = ("PENDING", "STARTING", "RUNNING", "STOPPING", "COMPLETED")
#: A run in these statuses can be cancelled, and holds its run cache.
ACTIVE = ("PENDING", "STARTING", "RUNNING", "STOPPING")
#: A run in these statuses can be deleted.
FINISHED = ("COMPLETED", "FAILED", "CANCELLED")
#: The workflow type without call caching: the HealthOmics user guide, "HealthOmics doesn't
#: support call caching for Ready2Run workflows".
READY2RUN = "READY2RUN"


def run_arn(caller: Caller, run_id: str) -> str:
    return (
        f"arn:{_model.partition(caller.region)}:omics:{caller.region}:{caller.account}:run/{run_id}"
    )


def uncacheable(fields: Mapping[str, Any]) -> list[str]:
    """The call-caching members (``cacheId``, ``cacheBehavior``) that ``fields`` give a
    READY2RUN run, which can have none of them."""
    if fields.get("workflowType") != READY2RUN:
        return []
    return [name for name in ("cacheId", "cacheBehavior") if name in fields]


@dataclass(eq=False)
class RunScript:
    """What the next run(s) the code under test starts go through (``next_runs``)."""

    #: The statuses a scripted run goes through, one per GetRun, from the first.
    progress: tuple[str, ...]
    #: The ``failureReason`` GetRun answers once the run has FAILED, or None.
    failureReason: str | None
    #: The tasks a scripted run gets (GetRunTask-shaped, as in ``add_run_task``).
    tasks: tuple[Mapping[str, Any], ...]
    #: How many runs it scripts; None for every run from now on.
    times: int | None
    #: Runs it scripted so far.
    fired: int = 0


@dataclass(eq=False, slots=True)
class StoredRun:
    account: str
    region: str
    #: GetRun-shaped fields (boto3 names, Python values), current.
    data: dict[str, Any]
    seq: int
    # Immutable tuple and frozenset rather than list and set: a fake holds a run per StartRun,
    # and objects like these, which the garbage collector stops visiting (an empty frozenset is
    # shared), keep its collections cheap as runs pile up (bench/gap.py).
    #: Statuses still to come, one per GetRun.
    progress: tuple[str, ...] = ()
    failure_reason: str | None = None
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Tasks whose status the test set: they no longer follow the run.
    pinned: frozenset[str] = frozenset()
    body: bytes | None = None


def _fields_from_start() -> frozenset[str]:
    """StartRun's members that GetRun reflects (both shapes have them)."""
    start = _protocol.spec("StartRun").input_shape.members  # type: ignore[attr-defined]
    get = _model.operation("GetRun").output_shape.members  # type: ignore[union-attr]
    return frozenset(name for name in start if name in get and name != "tags")


FROM_START = functools.cache(_fields_from_start)


# State, not a value: no generated __eq__ or __repr__, which would double its import cost.
@dataclass(repr=False, eq=False)
class RunStore:
    """Every run the fake holds, per (account, region), in creation order."""

    _runs: dict[tuple[str, str], dict[str, StoredRun]] = field(default_factory=dict)
    # StartRun's requestIds: the run each started and the parameters it came with. Two dicts,
    # not one of (parameters, run) pairs: such a pair, holding a dict, is an object the garbage
    # collector would visit for as long as the fake lives, one per StartRun.
    _request_runs: dict[tuple[str, str, str], str] = field(default_factory=dict)
    _request_params: dict[tuple[str, str, str], Mapping[str, Any]] = field(default_factory=dict)
    _scripts: list[RunScript] = field(default_factory=list)
    _tokens: dict[str, tuple[object, int]] = field(default_factory=dict)
    #: Held for every change, and by handlers across a read-then-change.
    lock: threading.RLock = field(default_factory=threading.RLock)
    _seq: int = 0
    _given: set[str] = field(default_factory=set)
    # Fixed seeds: ids and uuids repeat run to run, whatever pytest-randomly does to `random`.
    # Made on first use: seeding costs more than the rest of a fake that never sees a run.
    _random: random.Random | None = None

    def _rng(self) -> random.Random:
        if self._random is None:
            self._random = random.Random(20221128 + 1)
        return self._random

    # --- ids and clocks ---

    def new_id(self) -> str:
        """A fresh 7-digit id of no run or task the store has given out."""
        with self.lock:
            draw = self._rng().random  # random() is C; randrange() is Python and 3x slower
            while True:
                candidate = str(1_000_000 + int(draw() * 9_000_000))
                if candidate not in self._given:
                    self._given.add(candidate)
                    return candidate

    def new_uuid(self) -> str:
        """A version-4 UUID from the store's fixed-seed sequence."""
        with self.lock:
            bits = self._rng().getrandbits(128)
        return uuid4_text(bits)

    # --- runs ---

    def add(self, run: StoredRun) -> bool:
        with self.lock:
            runs = self._runs.setdefault((run.account, run.region), {})
            if run.data["id"] in runs:
                return False
            self._given.add(run.data["id"])  # a seeded id is never handed out again
            self._seq += 1
            run.seq = self._seq
            runs[run.data["id"]] = run
            return True

    def get(self, caller: Caller, run_id: str) -> StoredRun:
        run = self._runs.get((caller.account, caller.region), {}).get(run_id)
        if run is None:
            raise ServiceError("ResourceNotFoundException", self.not_found(caller, run_id))
        return run

    def not_found(self, caller: Caller, run_id: str) -> str:
        """The 404 message for a run, with a hint where it exists elsewhere."""
        message = f"Run {run_id} not found."
        with self.lock:
            elsewhere = [
                f"account {a}, region {r}" for (a, r), runs in self._runs.items() if run_id in runs
            ]
        if elsewhere:
            message += (
                f" [pytest-omics-cache: the request came from account {caller.account}, region"
                f" {caller.region}; a run with id {run_id} exists in " + "; ".join(elsewhere) + "."
                " Seed it with region=/account= matching the client, or call from that region.]"
            )
        return message

    def remove(self, caller: Caller, run_id: str) -> None:
        with self.lock:
            self._runs[(caller.account, caller.region)].pop(run_id, None)

    def listed(self, account: str | None = None, region: str | None = None) -> list[StoredRun]:
        with self.lock:
            runs = [
                run
                for (a, r), held in self._runs.items()
                if (account is None or a == account) and (region is None or r == region)
                for run in held.values()
            ]
        return sorted(runs, key=lambda run: run.seq)

    def uses(self, account: str, region: str, member: str, value: str) -> list[str]:
        """Ids of the unfinished runs whose ``member`` (``cacheId``, ``runGroupId``) is
        ``value``."""
        with self.lock:
            return [
                run.data["id"]
                for run in self._runs.get((account, region), {}).values()
                if run.data.get(member) == value and run.data["status"] in ACTIVE
            ]

    # --- requests, scripts, paging ---

    def remember_request(
        self,
        caller: Caller,
        request_id: str,
        fingerprint: Mapping[str, Any],
        run_id: str | None = None,
    ) -> str | None:
        """The run an earlier StartRun with this requestId made, if its parameters match;
        ConflictException if they do not. With ``run_id``, remembers this one."""
        key = (caller.account, caller.region, request_id)
        with self.lock:
            if run_id is not None:
                self._request_runs[key] = run_id
                self._request_params[key] = fingerprint
                return run_id
            earlier = self._request_runs.get(key)
            if earlier is None:
                return None
            if self._request_params[key] != fingerprint:
                raise ServiceError(
                    "ConflictException",
                    f"requestId {request_id} was already used to start run {earlier} with"
                    " different parameters.",
                )
        return earlier

    def add_script(self, script: RunScript) -> RunScript:
        with self.lock:
            self._scripts.append(script)
        return script

    def next_script(self) -> RunScript | None:
        with self.lock:
            for script in self._scripts:
                if script.times is None or script.fired < script.times:
                    script.fired += 1
                    return script
        return None

    def page(
        self,
        scope: object,
        token: str | None,
        items: list[Any],
        key: Callable[[Any], int],
        size: int,
    ) -> tuple[list[Any], str | None]:
        """A page of ``items`` (in ``key`` order) after ``token``, and the next page's token.
        A token is tied to ``scope`` (the caller and what was listed)."""
        after = 0
        if token is not None:
            found = self._tokens.get(token)
            if found is None or found[0] != scope:
                raise ServiceError(
                    "ValidationException",
                    f"Invalid startingToken '{token}': it was not issued for this request.",
                )
            after = found[1]
        rest = [item for item in items if key(item) > after]
        if len(rest) <= size:
            return rest, None
        next_token = page_token()
        with self.lock:
            self._tokens[next_token] = (scope, key(rest[size - 1]))
        return rest[:size], next_token


# --- lifecycle -----------------------------------------------------------------------------------


def set_status(
    run: StoredRun, status: str, failure_reason: str | None = None, now: datetime | None = None
) -> None:
    """Move ``run`` (and the tasks that follow it) to ``status``, with the times it implies
    (at ``now``, or the current time)."""
    data = run.data
    data["status"] = status
    if now is None:
        now = _clock.now()
    if status in ("RUNNING", "STOPPING", "COMPLETED"):
        data.setdefault("startTime", now)
    if status in FINISHED:
        data["stopTime"] = now
        run.progress = ()
    if status == "FAILED":
        data["failureReason"] = failure_reason or run.failure_reason or "The run failed."
    for task_id, task in run.tasks.items():
        if task_id not in run.pinned:
            _task_status(task, status, now)
    run.body = None


def _task_status(task: dict[str, Any], status: str, now: Any) -> None:
    # Tasks have no DELETED status: a task of a run marked deleted reads as cancelled.
    status = "CANCELLED" if status == "DELETED" else status
    task["status"] = status
    if status in ("RUNNING", "STOPPING", "COMPLETED"):
        task.setdefault("startTime", now)
    if status in FINISHED:
        task["stopTime"] = now


def advance(run: StoredRun) -> None:
    """After a GetRun: one step along the run's progress."""
    if run.progress:
        status, run.progress = run.progress[0], run.progress[1:]
        set_status(run, status)


def _task(
    run: StoredRun, store: RunStore, cache_uri: str | None, given: Mapping[str, Any]
) -> dict[str, Any]:
    task_id = given.get("taskId") or store.new_id()
    with store.lock:
        store._given.add(task_id)
    task: dict[str, Any] = {
        "taskId": task_id,
        "creationTime": run.data["creationTime"],
        "uuid": store.new_uuid(),
        **{k: v for k, v in given.items() if k != "taskId"},
    }
    # The task's status (its run's, unless given), with the times that status implies.
    _task_status(task, given.get("status", run.data["status"]), _clock.now())
    for moment in ("startTime", "stopTime"):
        if moment in given:
            task[moment] = given[moment]
    if task.get("cacheHit") and "cacheS3Uri" not in task and cache_uri is not None:
        # The documented layout: {cache's cacheS3Uri}{runId}/{taskId}/{cache entry uuid}/
        task["cacheS3Uri"] = f"{cache_uri}{run.data['id']}/{task_id}/{store.new_uuid()}/"
    return in_model("GetRunTask", task)


def in_model(operation: str, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without the members this botocore's model of ``operation``'s output lacks (an
    older model has no task ``uuid``, for one)."""
    members = _output_members(operation)
    return {k: v for k, v in data.items() if k in members}


@functools.cache
def _output_members(operation: str) -> frozenset[str]:
    output = _model.operation(operation).output_shape
    return frozenset(output.members) if output is not None else frozenset()


def add_tasks(
    run: StoredRun, store: RunStore, cache_uri: str | None, tasks: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    added = []
    with store.lock:
        for given in tasks:
            task = _task(run, store, cache_uri, given)
            if "status" in given:
                run.pinned |= {task["taskId"]}
            run.tasks[task["taskId"]] = task
            added.append(task)
    return added
