from __future__ import annotations

import boto3
from omics_pipeline.typed import fetch, same_cache

from pytest_omics_cache import FakeOmics


def test_seed_and_response_are_the_same_cache(fake_omics: FakeOmics) -> None:
    seeded = fake_omics.add_run_cache(name="typed", cacheBehavior="CACHE_ALWAYS")
    other = fake_omics.add_run_cache(name="other")
    client = boto3.client("omics", region_name="us-east-1")

    assert same_cache(seeded, fetch(client, seeded["id"]))
    assert not same_cache(other, fetch(client, seeded["id"]))
