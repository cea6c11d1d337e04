"""ensure_run_cache against the fake: found, created, corrected, or refused."""

from __future__ import annotations

import pytest
from omics_pipeline.caches import RunCacheSetupError, ensure_run_cache, find_run_cache
from omics_pipeline.launcher import omics_client

from pytest_omics_cache import FakeOmics

CLIENT = omics_client("us-east-1")


def test_creates_the_cache_when_missing(fake_omics: FakeOmics) -> None:
    cache_id = ensure_run_cache(
        CLIENT, name="germline", s3_location="s3://team-caches/germline", behavior="CACHE_ALWAYS"
    )

    [cache] = fake_omics.run_caches()
    assert cache["id"] == cache_id
    assert cache["name"] == "germline"
    assert cache["cacheBehavior"] == "CACHE_ALWAYS"
    assert cache["cacheS3Uri"].startswith("s3://team-caches/germline/")  # + the cache's UUID
    assert [c.operation for c in fake_omics.get_calls()] == [
        "ListRunCaches",
        "CreateRunCache",
        "GetRunCache",
    ]


def test_finds_an_existing_cache_on_a_later_page(fake_omics: FakeOmics) -> None:
    for index in range(150):
        fake_omics.add_run_cache(name=f"other-{index}")
    wanted = fake_omics.add_run_cache(name="germline", cacheBehavior="CACHE_ALWAYS")

    cache_id = ensure_run_cache(
        CLIENT, name="germline", s3_location="s3://team-caches/germline", behavior="CACHE_ALWAYS"
    )

    assert cache_id == wanted["id"]
    assert len(fake_omics.run_caches()) == 151  # nothing created
    assert len(fake_omics.get_calls("ListRunCaches")) == 2  # the second page had it
    assert fake_omics.get_calls("UpdateRunCache") == []


def test_corrects_the_behaviour_of_an_existing_cache(fake_omics: FakeOmics) -> None:
    wanted = fake_omics.add_run_cache(name="germline", cacheBehavior="CACHE_ON_FAILURE")

    ensure_run_cache(
        CLIENT, name="germline", s3_location="s3://team-caches/germline", behavior="CACHE_ALWAYS"
    )

    assert fake_omics.get_call("UpdateRunCache").params == {
        "id": wanted["id"],
        "cacheBehavior": "CACHE_ALWAYS",
    }
    assert fake_omics.run_caches()[0]["cacheBehavior"] == "CACHE_ALWAYS"


def test_a_failed_cache_is_reported(fake_omics: FakeOmics) -> None:
    broken = fake_omics.add_run_cache(name="germline", status="FAILED")

    with pytest.raises(RunCacheSetupError, match=f"run cache {broken['id']} is FAILED"):
        ensure_run_cache(
            CLIENT, name="germline", s3_location="s3://team-caches/g", behavior="CACHE_ALWAYS"
        )


@pytest.mark.fake_omics(max_run_caches=2)
def test_a_full_quota_is_a_clear_error(fake_omics: FakeOmics) -> None:
    fake_omics.add_run_cache(name="a")
    fake_omics.add_run_cache(name="b")

    with pytest.raises(RunCacheSetupError, match="quota is used up"):
        ensure_run_cache(
            CLIENT, name="germline", s3_location="s3://team-caches/g", behavior="CACHE_ALWAYS"
        )

    assert fake_omics.get_call("CreateRunCache").error_code == "ServiceQuotaExceededException"
    assert find_run_cache(CLIENT, "germline") is None
