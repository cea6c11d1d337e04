"""The launcher's retry and fallback paths, driven by injected service errors."""

from __future__ import annotations

from typing import Any

import pytest
from omics_pipeline.launcher import RunCachePermissionError, cache_for_run, omics_client

from pytest_omics_cache import FakeOmics

CLIENT = omics_client("us-east-1")


def test_one_throttle_is_absorbed_by_botocores_retry(
    fake_omics: FakeOmics, team_cache: dict[str, Any]
) -> None:
    fake_omics.add_error("ThrottlingException")

    cache = cache_for_run(CLIENT, team_cache["id"])

    assert cache is not None
    assert cache.id == team_cache["id"]
    assert [c.status_code for c in fake_omics.get_calls()] == [429, 200]


def test_persistent_throttling_falls_back_to_an_uncached_run(
    fake_omics: FakeOmics, team_cache: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    fake_omics.add_error("ThrottlingException", times=None)

    assert cache_for_run(CLIENT, team_cache["id"]) is None

    attempts = fake_omics.get_calls()
    assert len(attempts) > 1  # botocore retried before giving up...
    assert len(fake_omics.retry_delays) == len(attempts) - 1  # ...without the test waiting
    assert f"run cache {team_cache['id']} unavailable" in caplog.text


def test_a_server_error_falls_back_too(fake_omics: FakeOmics, team_cache: dict[str, Any]) -> None:
    fake_omics.add_error("InternalServerException", times=None)

    assert cache_for_run(CLIENT, team_cache["id"]) is None
    assert {c.error_code for c in fake_omics.get_calls()} == {"InternalServerException"}


def test_access_denied_is_raised_not_retried(
    fake_omics: FakeOmics, team_cache: dict[str, Any]
) -> None:
    fake_omics.add_error("AccessDeniedException", id=team_cache["id"])

    with pytest.raises(RunCachePermissionError, match="may not read run cache"):
        cache_for_run(CLIENT, team_cache["id"])

    assert len(fake_omics.get_calls()) == 1
