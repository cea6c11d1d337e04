"""The AWS CLI, run as a child process against the fake's loopback endpoint.

The CLI lives in a virtualenv of its own (``python3 dev.py test`` makes it and names it in
PYTEST_OMICS_CACHE_AWS_CLI); without that variable these tests are skipped, saying why.
"""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest
from teardowns import checked_at_exit

from pytest_omics_cache import FakeOmics


@pytest.fixture(scope="session")
def aws() -> str:
    path = os.environ.get("PYTEST_OMICS_CACHE_AWS_CLI")
    if not path:
        pytest.skip(
            "PYTEST_OMICS_CACHE_AWS_CLI is not set: `python3 dev.py test` runs these tests with"
            " an AWS CLI of its own"
        )
    return path


def _cli(aws: str, fake: FakeOmics, *args: str, **env: str) -> tuple[int, Any, str]:
    """(exit status, the JSON it printed or None, stderr) of ``aws omics <args>``."""
    result = subprocess.run(
        [aws, "omics", *args, "--output", "json"],
        env={**fake.subprocess_env(), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return (
        result.returncode,
        json.loads(result.stdout) if result.stdout.strip() else None,
        result.stderr,
    )


def test_get_run_cache(aws: str, fake_omics: FakeOmics) -> None:
    cache = fake_omics.add_run_cache(
        name="cli", creationTime="2026-01-02T03:04:05.678Z", tags={"team": "genomics"}
    )

    status, printed, stderr = _cli(aws, fake_omics, "get-run-cache", "--id", cache["id"])

    assert status == 0, stderr
    assert printed == {
        "arn": cache["arn"],
        "cacheBehavior": "CACHE_ON_FAILURE",
        "cacheBucketOwnerId": "123456789012",
        "cacheS3Uri": cache["cacheS3Uri"],
        "creationTime": "2026-01-02T03:04:05.678000Z",
        "id": cache["id"],
        "name": "cli",
        "status": "ACTIVE",
        "tags": {"team": "genomics"},
    }
    call = fake_omics.get_call()
    assert (call.operation, call.region, call.transport) == ("GetRunCache", "us-east-1", "endpoint")


def test_create_run_cache(aws: str, fake_omics: FakeOmics) -> None:
    status, printed, stderr = _cli(
        aws,
        fake_omics,
        "create-run-cache",
        "--cache-s3-location",
        "s3://cli-bucket/caches",
        "--name",
        "from-the-cli",
        "--tags",
        "team=genomics",
    )

    assert status == 0, stderr
    [cache] = fake_omics.run_caches()
    assert printed == {
        "arn": cache["arn"],
        "id": cache["id"],
        "status": "ACTIVE",
        "tags": {"team": "genomics"},
    }
    assert cache["name"] == "from-the-cli"
    assert cache["cacheS3Uri"].startswith("s3://cli-bucket/caches/")
    # The CLI made the idempotency token, as boto3 would.
    assert fake_omics.get_call().params["requestId"]


def test_list_run_caches_pages_through_every_cache(aws: str, fake_omics: FakeOmics) -> None:
    ids = [fake_omics.add_run_cache(name=f"cache-{i}")["id"] for i in range(5)]

    status, printed, stderr = _cli(aws, fake_omics, "list-run-caches", "--page-size", "2")

    assert status == 0, stderr
    assert [item["id"] for item in printed["items"]] == ids
    calls = fake_omics.get_calls()
    assert [c.params["maxResults"] for c in calls] == [2, 2, 2]
    assert ["startingToken" in c.params for c in calls] == [False, True, True]


def test_list_run_caches_stops_at_max_items_with_the_clis_next_token(
    aws: str, fake_omics: FakeOmics
) -> None:
    ids = [fake_omics.add_run_cache(name=f"cache-{i}")["id"] for i in range(5)]

    status, printed, stderr = _cli(
        aws, fake_omics, "list-run-caches", "--page-size", "2", "--max-items", "3"
    )

    assert status == 0, stderr
    assert [item["id"] for item in printed["items"]] == ids[:3]
    assert printed["NextToken"]
    assert len(fake_omics.get_calls()) == 2


def test_list_run_caches_one_page_at_a_time_with_the_services_token(
    aws: str, fake_omics: FakeOmics
) -> None:
    # ListRunCaches' own parameter is called startingToken, like the CLI's paging option, so the
    # CLI passes --starting-token to the service and pages no further: the service's nextToken
    # is what resumes.
    ids = [fake_omics.add_run_cache(name=f"cache-{i}")["id"] for i in range(3)]

    status, first, stderr = _cli(aws, fake_omics, "list-run-caches", "--max-results", "2")
    assert status == 0, stderr
    status, rest, stderr = _cli(
        aws,
        fake_omics,
        "list-run-caches",
        "--max-results",
        "2",
        "--starting-token",
        first["nextToken"],
    )

    assert status == 0, stderr
    assert [item["id"] for item in first["items"]] == ids[:2]
    assert [item["id"] for item in rest["items"]] == ids[2:]
    assert "nextToken" not in rest
    assert fake_omics.get_calls()[1].params["startingToken"] == first["nextToken"]


def test_throttling_is_retried_by_the_clis_own_retries(aws: str, fake_omics: FakeOmics) -> None:
    cache = fake_omics.add_run_cache()
    fake_omics.add_error("ThrottlingException", times=2)

    status, printed, stderr = _cli(aws, fake_omics, "get-run-cache", "--id", cache["id"])

    assert status == 0, stderr
    assert printed["id"] == cache["id"]
    assert [(c.status_code, c.error_code) for c in fake_omics.get_calls()] == [
        (429, "ThrottlingException"),
        (429, "ThrottlingException"),
        (200, None),
    ]


def test_throttling_past_the_clis_attempts_is_the_clis_error(
    aws: str, fake_omics: FakeOmics
) -> None:
    cache = fake_omics.add_run_cache()
    fake_omics.add_error("ThrottlingException", times=None)

    status, printed, stderr = _cli(
        aws, fake_omics, "get-run-cache", "--id", cache["id"], AWS_MAX_ATTEMPTS="2"
    )

    assert (status, printed) == (255, None)
    assert (
        "An error occurred (ThrottlingException) when calling the GetRunCache operation" in stderr
    )
    assert "(reached max retries: 1)" in stderr
    assert len(fake_omics.get_calls()) == 2


def test_start_run_with_a_cache_id(aws: str, fake_omics: FakeOmics) -> None:
    cache = fake_omics.add_run_cache(cacheBehavior="CACHE_ALWAYS")
    fake_omics.add_workflow(id="1234")

    status, printed, stderr = _cli(
        aws,
        fake_omics,
        "start-run",
        "--workflow-id",
        "1234",
        "--role-arn",
        "arn:aws:iam::123456789012:role/omics",
        "--output-uri",
        "s3://cli-bucket/out/",
        "--cache-id",
        cache["id"],
    )

    assert status == 0, stderr
    [run] = fake_omics.runs()
    assert printed["id"] == run["id"]
    assert printed["status"] == "PENDING"
    assert (run["cacheId"], run["cacheBehavior"]) == (cache["id"], "CACHE_ALWAYS")
    status, got, stderr = _cli(aws, fake_omics, "get-run", "--id", run["id"])
    assert status == 0, stderr
    assert (got["cacheId"], got["status"]) == (cache["id"], "PENDING")


def test_an_unserved_operation_is_the_clis_error_and_fails_the_teardown(aws: str) -> None:
    with checked_at_exit() as (fake, failures):
        status, printed, stderr = _cli(aws, fake, "get-sequence-store", "--id", "1234567890")

    assert (status, printed) == (255, None)
    assert (
        "An error occurred (UnservedRequestError) when calling the GetSequenceStore operation:"
        " pytest-omics-cache does not serve omics GetSequenceStore (GET http://127.0.0.1:"
    ) in stderr
    [failure] = failures
    assert "GetSequenceStore(id='1234567890') in us-east-1 -> unserved" in failure
