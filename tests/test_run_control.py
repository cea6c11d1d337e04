"""The test in control of runs: seeding runs and tasks, scripted progress, tasks that hit the
cache, botocore's waiters with their sleeps skipped, and the ugbio-omics path from a run to its
cache."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.exceptions import WaiterError

from pytest_omics_cache import FakeOmics

ROLE = "arn:aws:iam::123456789012:role/omics-runs"
UUID_FOLDER = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/"

pytestmark = pytest.mark.usefixtures("run_workflow")  # the workflow their runs start from


def _start(omics: Any, **extra: Any) -> str:
    started = omics.start_run(
        workflowId="1234", roleArn=ROLE, outputUri="s3://team-runs/out/", **extra
    )
    return str(started["id"])


# --- seeding --------------------------------------------------------------------------------------


def test_add_run_returns_what_get_run_returns(fake_omics: FakeOmics, omics: Any) -> None:
    cache = fake_omics.add_run_cache(cacheBehavior="CACHE_ALWAYS")
    seeded = fake_omics.add_run(
        name="wgs",
        workflowId="1234",
        cacheId=cache["id"],
        outputUri="s3://team-runs/out/",
        creationTime="2026-01-02T03:04:05Z",
    )

    returned = omics.get_run(id=seeded["id"])

    assert {k: v for k, v in returned.items() if k != "ResponseMetadata"} == seeded
    assert seeded["status"] == "COMPLETED"
    assert seeded["cacheBehavior"] == "CACHE_ALWAYS"
    assert seeded["runOutputUri"] == f"s3://team-runs/out/{seeded['id']}"
    assert seeded["creationTime"] == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda f: f.add_run(status="DONE"),
            "add_run: status='DONE' breaks the rule 'Member must satisfy enum value set:"
            " [PENDING, STARTING, RUNNING, STOPPING, COMPLETED, DELETED, CANCELLED, FAILED]'"
            " (botocore omics model, shape RunStatus)",
        ),
        (
            lambda f: f.add_run(workflowID="1"),
            "add_run: workflowID=",
        ),
        (
            lambda f: f.add_run(cacheId="777"),
            "add_run: cacheId='777' names no run cache of account 123456789012, region"
            " us-east-1; seed it first with add_run_cache(...)",
        ),
        (
            lambda f: f.add_run_task("1", name="x"),
            "add_run_task: no run with id='1' in account 123456789012, region us-east-1",
        ),
        (
            lambda f: f.add_run_task(f.add_run()["id"], cpus="four"),
            "add_run_task: cpus='four' breaks the rule 'Member must be an integer'",
        ),
        (
            lambda f: f.next_runs(progress=["PENDING", "FINISHED"]),
            "next_runs: status='FINISHED' breaks the rule 'Member must satisfy enum value set:",
        ),
        (
            lambda f: f.set_run_status("1", "RUNNING"),
            "set_run_status: no run with id='1' in account 123456789012, region us-east-1",
        ),
        (lambda f: f.runs(region="mars"), "runs: region='mars' is not an AWS region name"),
    ],
)
def test_mistakes_are_named_at_seed_time(fake_omics: FakeOmics, call: Any, message: str) -> None:
    with pytest.raises(ValueError, match=r"^\w+: ") as raised:
        call(fake_omics)

    assert str(raised.value).startswith(message)


def test_add_run_task_and_the_cache_layout(fake_omics: FakeOmics, omics: Any) -> None:
    created = omics.create_run_cache(cacheS3Location="s3://team-caches/wgs")
    cache = omics.get_run_cache(id=created["id"])
    run = fake_omics.add_run(cacheId=cache["id"])

    hit = fake_omics.add_run_task(run["id"], name="align", cacheHit=True, cpus=4, memory=16)
    miss = fake_omics.add_run_task(run["id"], name="call", cacheHit=False)

    assert re.fullmatch(r"s3://team-caches/wgs/" + UUID_FOLDER, cache["cacheS3Uri"])
    assert re.fullmatch(
        re.escape(f"{cache['cacheS3Uri']}{run['id']}/{hit['taskId']}/") + UUID_FOLDER,
        hit["cacheS3Uri"],
    )
    assert "cacheS3Uri" not in miss
    returned = omics.get_run_task(id=run["id"], taskId=hit["taskId"])
    assert {k: v for k, v in returned.items() if k != "ResponseMetadata"} == hit
    assert hit["status"] == "COMPLETED"  # it follows its run


def test_list_run_tasks_filters_and_pages(fake_omics: FakeOmics, omics: Any) -> None:
    run = fake_omics.add_run(status="RUNNING")
    tasks = [fake_omics.add_run_task(run["id"], name=f"t{i}") for i in range(5)]
    fake_omics.set_task_status(run["id"], tasks[1]["taskId"], "FAILED", failureReason="oom")

    pages = list(
        omics.get_paginator("list_run_tasks").paginate(
            id=run["id"], PaginationConfig={"PageSize": 2}
        )
    )
    failed = omics.list_run_tasks(id=run["id"], status="FAILED")["items"]

    assert [len(page["items"]) for page in pages] == [2, 2, 1]
    assert [t["taskId"] for page in pages for t in page["items"]] == [t["taskId"] for t in tasks]
    assert [t["name"] for t in failed] == ["t1"]
    assert set(failed[0]) <= set(omics.meta.service_model.shape_for("TaskListItem").members)
    with pytest.raises(omics.exceptions.ResourceNotFoundException) as raised:
        omics.get_run_task(id=run["id"], taskId="1")
    assert raised.value.response["Error"]["Message"] == f"Task 1 of run {run['id']} not found."


# --- scripted progress -------------------------------------------------------------------------


def test_a_scripted_run_fails_with_its_reason(fake_omics: FakeOmics, omics: Any) -> None:
    script = fake_omics.next_runs(
        progress=["PENDING", "RUNNING", "FAILED"], failureReason="out of memory"
    )
    run_id = _start(omics)

    statuses = [omics.get_run(id=run_id)["status"] for _ in range(4)]

    assert statuses == ["PENDING", "RUNNING", "FAILED", "FAILED"]
    assert omics.get_run(id=run_id)["failureReason"] == "out of memory"
    assert script.fired == 1
    assert omics.get_run(id=_start(omics))["status"] == "PENDING"  # the next one is not scripted


def test_scripted_tasks_follow_their_run(fake_omics: FakeOmics, omics: Any) -> None:
    cache = fake_omics.add_run_cache()
    fake_omics.next_runs(
        progress=["PENDING", "RUNNING", "COMPLETED"],
        tasks=[{"name": "align", "cacheHit": True}, {"name": "call", "cacheHit": False}],
        times=None,
    )
    run_id = _start(omics, cacheId=cache["id"])

    before = omics.list_run_tasks(id=run_id)["items"]
    omics.get_run(id=run_id)  # answers PENDING, then the run (and its tasks) move on
    after = omics.list_run_tasks(id=run_id)["items"]

    assert [t["status"] for t in before] == ["PENDING", "PENDING"]
    assert [(t["name"], t["status"], t["cacheHit"]) for t in after] == [
        ("align", "RUNNING", True),
        ("call", "RUNNING", False),
    ]
    assert after[0]["cacheS3Uri"].startswith(f"{cache['cacheS3Uri']}{run_id}/")


def test_set_run_status_takes_over_from_the_script(fake_omics: FakeOmics, omics: Any) -> None:
    run_id = _start(omics)

    now = fake_omics.set_run_status(run_id, "FAILED", failureReason="quota")

    assert (now["status"], now["failureReason"]) == ("FAILED", "quota")
    assert [omics.get_run(id=run_id)["status"] for _ in range(2)] == ["FAILED", "FAILED"]
    assert fake_omics.runs()[0]["status"] == "FAILED"


# --- waiters -------------------------------------------------------------------------------------


def _wait(omics: Any, waiter: str, max_attempts: int = 20, **ids: str) -> None:
    omics.get_waiter(waiter).wait(**ids, WaiterConfig={"Delay": 30, "MaxAttempts": max_attempts})


def test_run_completed_waits_without_sleeping(fake_omics: FakeOmics, omics: Any) -> None:
    run_id = _start(omics)

    _wait(omics, "run_completed", id=run_id)

    # Four waits of 30 s asked for, each recorded instead of slept (counted, not timed).
    assert fake_omics.waiter_delays == [30, 30, 30, 30]
    assert len(fake_omics.get_calls("GetRun")) == 5


def test_run_running_succeeds_when_running(fake_omics: FakeOmics, omics: Any) -> None:
    run_id = _start(omics)

    _wait(omics, "run_running", id=run_id)

    assert fake_omics.runs()[0]["status"] == "STOPPING"  # read RUNNING, then moved on
    assert fake_omics.waiter_delays == [30, 30]


@pytest.mark.parametrize("waiter", ["run_running", "run_completed"])
def test_run_waiters_fail_on_a_failed_run(fake_omics: FakeOmics, omics: Any, waiter: str) -> None:
    fake_omics.next_runs(progress=["PENDING", "FAILED"], failureReason="bad input")
    run_id = _start(omics)

    with pytest.raises(WaiterError, match=r"Waiter encountered a terminal failure state"):
        _wait(omics, waiter, id=run_id)

    assert fake_omics.waiter_delays == [30]


def test_run_running_gives_up_after_max_attempts(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.next_runs(progress=["PENDING"])  # stuck: never starts
    run_id = _start(omics)

    with pytest.raises(WaiterError, match=r"Max attempts exceeded"):
        _wait(omics, "run_running", max_attempts=4, id=run_id)

    assert fake_omics.waiter_delays == [30, 30, 30]
    assert len(fake_omics.get_calls("GetRun")) == 4


def test_run_completed_polls_a_cancelled_run_until_max_attempts(
    fake_omics: FakeOmics, omics: Any
) -> None:
    # As the waiter's own definition says: CANCELLED is no failure state for RunCompleted.
    fake_omics.next_runs(progress=["PENDING", "CANCELLED"])
    run_id = _start(omics)

    with pytest.raises(WaiterError, match=r"Max attempts exceeded"):
        _wait(omics, "run_completed", max_attempts=3, id=run_id)

    assert fake_omics.waiter_delays == [30, 30]


def test_task_waiters(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.next_runs(progress=["PENDING", "STARTING", "RUNNING", "COMPLETED"], tasks=[{}])
    run_id = _start(omics)
    task_id = omics.list_run_tasks(id=run_id)["items"][0]["taskId"]
    omics.get_run(id=run_id)  # PENDING -> STARTING
    omics.get_run(id=run_id)  # -> RUNNING, and its task with it

    _wait(omics, "task_running", id=run_id, taskId=task_id)
    fake_omics.set_task_status(run_id, task_id, "FAILED")
    with pytest.raises(WaiterError, match="terminal failure state"):
        _wait(omics, "task_completed", id=run_id, taskId=task_id)
    fake_omics.set_task_status(run_id, task_id, "RUNNING")
    with pytest.raises(WaiterError, match="Max attempts exceeded"):
        _wait(omics, "task_completed", max_attempts=2, id=run_id, taskId=task_id)
    fake_omics.set_task_status(run_id, task_id, "COMPLETED")
    _wait(omics, "task_completed", id=run_id, taskId=task_id)

    assert fake_omics.waiter_delays == [30]


@pytest.mark.fake_omics(real_sleep=True)
def test_real_sleep_lets_waiters_sleep(fake_omics: FakeOmics, omics: Any) -> None:
    run_id = _start(omics)

    # Delay 0: botocore really calls time.sleep(0), and the fake records nothing.
    omics.get_waiter("run_running").wait(id=run_id, WaiterConfig={"Delay": 0})

    assert fake_omics.waiter_delays == []
    assert len(fake_omics.get_calls("GetRun")) == 3


# --- real callers --------------------------------------------------------------------------------


def get_run_cache_path(client: Any, run_id: str) -> str:
    """ugbio-omics' get_run_cache_path, as it reads: run -> cacheId -> cache -> S3 path."""
    run = client.get_run(id=run_id)
    cache = client.get_run_cache(id=run["cacheId"])
    return f"{cache['cacheS3Uri']}{run_id}"


def test_ugbio_omics_style_code_runs_end_to_end(fake_omics: FakeOmics, omics: Any) -> None:
    created = omics.create_run_cache(cacheS3Location="s3://team-caches/wgs")
    run_id = _start(omics, cacheId=created["id"])

    path = get_run_cache_path(omics, run_id)

    cache = fake_omics.run_caches()[0]
    assert path == f"{cache['cacheS3Uri']}{run_id}"
    assert re.fullmatch(r"s3://team-caches/wgs/" + UUID_FOLDER + run_id, path)


def test_a_seeded_id_is_never_given_to_a_started_run(fake_omics: FakeOmics, omics: Any) -> None:
    from pytest_omics_cache._resources.runs.store import RunStore

    first = RunStore().new_id()  # the id a fresh fake hands out first
    fake_omics.add_run(id=first, name="seeded")

    started = _start(omics)

    assert started != first
    assert omics.get_run(id=first)["name"] == "seeded"


def test_tasks_of_a_finished_seed_have_their_times(fake_omics: FakeOmics, omics: Any) -> None:
    run = fake_omics.add_run(status="COMPLETED", tasks=[{"name": "a"}])

    [task] = omics.list_run_tasks(id=run["id"])["items"]
    full = omics.get_run_task(id=run["id"], taskId=task["taskId"])

    assert full["status"] == "COMPLETED"
    assert full["stopTime"] >= full["startTime"]


def test_a_deleted_run_has_cancelled_tasks(fake_omics: FakeOmics, omics: Any) -> None:
    run = fake_omics.add_run(status="RUNNING", tasks=[{"name": "a"}])

    fake_omics.set_run_status(run["id"], "DELETED")

    [task] = omics.list_run_tasks(id=run["id"])["items"]
    assert task["status"] == "CANCELLED"  # tasks have no DELETED status


def test_the_run_keeps_its_own_copy_of_the_parameters(fake_omics: FakeOmics, omics: Any) -> None:
    run_id = _start(omics, parameters={"sample": "a"})

    fake_omics.get_call("StartRun").params["parameters"]["sample"] = "changed"

    assert omics.get_run(id=run_id)["parameters"] == {"sample": "a"}


def test_one_request_id_starts_one_run_from_many_threads(fake_omics: FakeOmics) -> None:
    import threading

    import boto3

    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def start() -> None:
        client = boto3.session.Session().client("omics", region_name="us-east-1")
        barrier.wait(timeout=30)
        try:
            _start(client, requestId="same")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(fake_omics.runs()) == 1


def test_task_running_fails_and_gives_up_as_defined(fake_omics: FakeOmics, omics: Any) -> None:
    run = fake_omics.add_run(status="RUNNING")
    task = fake_omics.add_run_task(run["id"], name="a", status="PENDING")

    with pytest.raises(WaiterError, match="Max attempts exceeded"):
        _wait(omics, "task_running", max_attempts=3, id=run["id"], taskId=task["taskId"])
    fake_omics.set_task_status(run["id"], task["taskId"], "FAILED")
    with pytest.raises(WaiterError, match="terminal failure state"):
        _wait(omics, "task_running", id=run["id"], taskId=task["taskId"])

    assert fake_omics.waiter_delays == [30, 30]
