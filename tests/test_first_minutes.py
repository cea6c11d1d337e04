"""The first five minutes: what a newcomer's machine may hold (a profile that does not exist, a
proxy, no credentials) never breaks the fake's own set-up, and the defaults say what they do."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_omics_cache import FakeOmics


def test_a_missing_profile_does_not_break_the_fixture(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile-anywhere")
    pytester.makepyfile(
        """
from pytest_omics_cache import mock_omics


def test_seeds_only(fake_omics):
    assert fake_omics.add_run_cache(name="c")["name"] == "c"
    assert fake_omics.add_run(name="r")["name"] == "r"


def test_mock_omics_too():
    with mock_omics() as fake:
        assert fake.add_run_cache(name="m")["arn"].startswith("arn:aws:omics:us-east-1:")
"""
    )
    # A fresh process: the model is loaded once per process.
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=2)


def test_an_error_aimed_at_the_default_operation_says_so(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import boto3


def test_lists(fake_omics):
    fake_omics.add_error("ThrottlingException")
    boto3.client("omics", region_name="us-east-1").list_run_caches()
"""
    )
    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*- ThrottlingException on GetRunCache: fired 0 of 1 time(s) (it was aimed at"
            " GetRunCache; the code under test called ListRunCaches: pass operation= to aim it"
            " there, or operation=None for every operation)"
        ]
    )


def test_add_error_says_its_default_operation_first() -> None:
    assert (FakeOmics.add_error.__doc__ or "").startswith(
        "Answer the next matching GetRunCache request(s) with the service error ``code``"
    )


def test_a_seeded_cache_has_the_owner_a_created_one_gets(fake_omics: FakeOmics, omics: Any) -> None:
    seeded = fake_omics.add_run_cache(account="111122223333")
    created = omics.create_run_cache(cacheS3Location="s3://bucket/cache/")

    assert seeded["cacheBucketOwnerId"] == "111122223333"
    assert omics.get_run_cache(id=created["id"])["cacheBucketOwnerId"] == "123456789012"
    assert set(fake_omics.run_caches()[0]) == set(fake_omics.run_caches()[1])


def test_a_deleted_cache_cannot_be_seeded(fake_omics: FakeOmics) -> None:
    with pytest.raises(ValueError, match="DELETED") as raised:
        fake_omics.add_run_cache(status="DELETED")

    assert str(raised.value) == (
        "add_run_cache: status='DELETED' seeds a cache the service no longer has: after"
        " DeleteRunCache, GetRunCache answers 404 and ListRunCaches leaves it out. Seed nothing"
        " for it (a get of its id is then the service's 404), or seed 'ACTIVE' or 'FAILED'"
    )
    assert fake_omics.run_caches() == []
