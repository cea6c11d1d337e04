"""Run caches and the workflow every example test can use, seeded into the fake_omics fixture."""

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


@pytest.fixture
def team_workflow(fake_omics: FakeOmics) -> dict[str, Any]:
    """The team's ACTIVE workflow (StartRun refuses one the account does not hold)."""
    return fake_omics.add_workflow(id="7654321", name="wgs-germline")
