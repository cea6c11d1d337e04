"""Mistakes are named where they are made."""

from __future__ import annotations

import pytest

from pytest_omics_cache import FakeOmics

UNKNOWN_REGION = (
    "region='eu-west-9' is not a region botocore knows; the nearest where HealthOmics is"
    " available: eu-west-2, eu-west-1, us-west-2 (requests to it could never be made)"
)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda f: f.add_run_cache(cacheS3Location="s3://team-caches/wgs"),
            "add_run_cache: cacheS3Location='s3://team-caches/wgs' is CreateRunCache's"
            " parameter; a stored run cache has cacheS3Uri, where CreateRunCache puts the"
            " cache's own folder under the location: give cacheS3Uri='s3://bucket/prefix/folder/'"
            " (or leave it out for s3://omics-run-cache-{account}-{region}/{id}/)",
        ),
        (lambda f: f.add_run_cache(region="eu-west-9"), UNKNOWN_REGION),
        (
            lambda f: f.add_error("ThrottlingException", region="eu-west-9"),
            f"add_error: {UNKNOWN_REGION}",
        ),
        (lambda f: f.add_fault("connection", region="eu-west-9"), f"add_fault: {UNKNOWN_REGION}"),
        (lambda f: f.run_caches(region="eu-west-9"), f"run_caches: {UNKNOWN_REGION}"),
        (lambda f: f.add_run(region="eu-west-9"), f"add_run: {UNKNOWN_REGION}"),
    ],
)
def test_the_mistake_is_named(fake_omics: FakeOmics, call: object, message: str) -> None:
    with pytest.raises(ValueError, match=r"^\w") as raised:
        call(fake_omics)  # type: ignore[operator]

    assert str(raised.value) == message


def test_an_unknown_region_for_the_fake_itself() -> None:
    with pytest.raises(ValueError, match=r"^region=") as raised:
        FakeOmics(region="eu-west-9")

    assert str(raised.value) == UNKNOWN_REGION


def test_describe_reads_naturally_without_a_limit(fake_omics: FakeOmics) -> None:
    injection = fake_omics.add_error("ThrottlingException", times=None, after=2)

    assert injection.describe() == (
        "ThrottlingException on GetRunCache: fired 0 time(s), no limit after 2 request(s)"
    )
