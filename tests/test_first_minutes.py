"""The first five minutes: what a newcomer's machine may hold (a profile that does not exist, a
proxy, no credentials) never breaks the fake's own set-up, and the defaults say what they do."""

from __future__ import annotations

import pytest


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
    from pytest_omics_cache import FakeOmics

    assert (FakeOmics.add_error.__doc__ or "").startswith(
        "Answer the next matching GetRunCache request(s) with the service error ``code``"
    )
