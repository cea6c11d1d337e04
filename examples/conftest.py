"""Run caches every example test can use, seeded into the fake_omics fixture."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_omics_cache import FakeOmics


@pytest.fixture
def team_cache(fake_omics: FakeOmics) -> dict[str, Any]:
    return fake_omics.add_run_cache(
        name="wgs-germline",
        cacheS3Uri="s3://genomics-team-caches/wgs-germline/",
        cacheBehavior="CACHE_ALWAYS",
        tags={"team": "germline"},
    )


@pytest.fixture
def failed_cache(fake_omics: FakeOmics) -> dict[str, Any]:
    return fake_omics.add_run_cache(name="broken", status="FAILED")
