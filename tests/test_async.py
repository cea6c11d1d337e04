"""aiobotocore clients are served by the same fake: registry, errors, faults, calls, sleeps."""

from __future__ import annotations

import pytest

aiobotocore_session = pytest.importorskip("aiobotocore.session")

from typing import Any  # noqa: E402

import boto3  # noqa: E402
from aiobotocore.endpoint import AioEndpoint  # noqa: E402
from aiobotocore.signers import AioRequestSigner  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ReadTimeoutError  # noqa: E402

from pytest_omics_cache import FakeOmics, mock_omics  # noqa: E402

SESSION = aiobotocore_session.get_session()  # made before any fixture, like a module's own


@pytest.mark.asyncio
async def test_async_client_reads_what_was_seeded(fake_omics: FakeOmics) -> None:
    seeded = fake_omics.add_run_cache(name="async", tags={"k": "v"})

    async with SESSION.create_client("omics", region_name="us-east-1") as client:
        response = await client.get_run_cache(id=seeded["id"])

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    del response["ResponseMetadata"]
    assert response == seeded
    assert fake_omics.get_call("GetRunCache").params == {"id": seeded["id"]}


@pytest.mark.asyncio
async def test_sync_and_async_clients_share_one_registry(fake_omics: FakeOmics) -> None:
    sync_client = boto3.client("omics", region_name="us-east-1")

    async with SESSION.create_client("omics", region_name="us-east-1") as client:
        created = await client.create_run_cache(cacheS3Location="s3://bucket/async", name="a")
        pages = [page async for page in client.get_paginator("list_run_caches").paginate()]
        await client.update_run_cache(id=created["id"], name="renamed")

    assert sync_client.get_run_cache(id=created["id"])["name"] == "renamed"
    assert [i["id"] for p in pages for i in p["items"]] == [created["id"]]
    assert [c.operation for c in fake_omics.get_calls()] == [
        "CreateRunCache",
        "ListRunCaches",
        "UpdateRunCache",
        "GetRunCache",
    ]


@pytest.mark.asyncio
async def test_async_errors_are_the_modeled_exceptions(fake_omics: FakeOmics) -> None:
    async with SESSION.create_client("omics", region_name="us-east-1") as client:
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            await client.get_run_cache(id="404")
        with pytest.raises(client.exceptions.ValidationException) as raised:
            await client.get_run_cache(id="abc")

    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.fixture
def aiobotocore_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """aiobotocore's own retry sleeps; set up before fake_omics, which must replace it."""
    slept: list[float] = []

    async def record(self: Any, seconds: float) -> None:  # pragma: no cover - must not run
        slept.append(seconds)

    monkeypatch.setattr(AioEndpoint, "_sleep", record)
    return slept


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", ["legacy", "standard", "adaptive"])
async def test_async_retries_run_without_sleeping(
    aiobotocore_sleeps: list[float], fake_omics: FakeOmics, mode: str
) -> None:
    fake_omics.add_error("ThrottlingException", times=None)
    config = Config(retries={"mode": mode, "total_max_attempts": 6})

    async with SESSION.create_client("omics", region_name="us-east-1", config=config) as client:
        for _ in range(2):
            with pytest.raises(client.exceptions.ThrottlingException) as raised:
                await client.get_run_cache(id="1")
            assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 5

    assert len(fake_omics.get_calls()) == 12
    assert len(fake_omics.retry_delays) == 10
    assert aiobotocore_sleeps == []


@pytest.mark.asyncio
async def test_async_one_throttle_then_success(fake_omics: FakeOmics) -> None:
    cache = fake_omics.add_run_cache()
    fake_omics.add_error("ThrottlingException")

    async with SESSION.create_client("omics", region_name="us-east-1") as client:
        response = await client.get_run_cache(id=cache["id"])

    assert response["ResponseMetadata"]["RetryAttempts"] == 1


@pytest.mark.asyncio
async def test_async_faults(fake_omics: FakeOmics) -> None:
    fake_omics.add_fault("read-timeout", times=None)
    config = Config(retries={"mode": "standard"})

    async with SESSION.create_client("omics", region_name="us-east-1", config=config) as client:
        with pytest.raises(ReadTimeoutError):
            await client.get_run_cache(id="1")

    assert [c.fault for c in fake_omics.get_calls()] == ["read-timeout"] * 3


@pytest.mark.asyncio
async def test_async_requests_are_signed_with_fake_credentials(fake_omics: FakeOmics) -> None:
    async with SESSION.create_client(
        "omics",
        region_name="eu-west-1",
        aws_access_key_id="AKIAREALREALREAL1234",
        aws_secret_access_key="real",
    ) as client:
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            await client.get_run_cache(id="1")
    async with SESSION.create_client("omics", region_name="eu-west-1") as unsigned_before:
        credentials = unsigned_before._request_signer._credentials

    call = fake_omics.get_call()
    assert (
        "/eu-west-1/omics/aws4_request, SignedHeaders=host;x-amz-date,"
        in (call.headers["Authorization"])
    )
    assert call.headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=FAKEOMICS")
    assert call.headers["Authorization"].endswith(", Signature=" + "0" * 64)  # fixed, not computed
    assert call.region == "eu-west-1"
    assert call.transport == "aiobotocore"
    assert credentials.access_key == "FAKEOMICSACCESSKEYID"  # made in the test: fake keys


@pytest.mark.asyncio
async def test_async_real_signatures_are_computed() -> None:
    with mock_omics(real_signatures=True) as fake:
        async with SESSION.create_client("omics", region_name="eu-west-1") as client:
            await client.list_run_caches()

    authorization = fake.get_call().headers["Authorization"]
    assert "/eu-west-1/omics/aws4_request, SignedHeaders=host;x-amz-date," in authorization
    assert not authorization.endswith(", Signature=" + "0" * 64)


def test_aiobotocore_is_restored_after_the_fake() -> None:
    signer = vars(AioRequestSigner)["get_auth_instance"]
    sleep = vars(AioEndpoint)["_sleep"]

    with FakeOmics()._activated():
        assert vars(AioRequestSigner)["get_auth_instance"] is not signer
        assert vars(AioEndpoint)["_sleep"] is not sleep

    assert vars(AioRequestSigner)["get_auth_instance"] is signer
    assert vars(AioEndpoint)["_sleep"] is sleep


@pytest.mark.asyncio
async def test_async_waiters_poll_without_sleeping(fake_omics: FakeOmics) -> None:
    fake_omics.add_workflow(id="1234")
    async with SESSION.create_client("omics", region_name="us-east-1") as client:
        started = await client.start_run(
            workflowId="1234",
            roleArn="arn:aws:iam::123456789012:role/r",
            outputUri="s3://team-runs/out/",
        )
        await client.get_waiter("run_completed").wait(id=started["id"])
        run = await client.get_run(id=started["id"])

    assert run["status"] == "COMPLETED"
    assert fake_omics.waiter_delays == [30, 30, 30, 30]
