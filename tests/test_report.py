"""A failing test explains itself: its report gets a fake_omics section; a passing one does not."""

from __future__ import annotations

import contextlib

import pytest

from pytest_omics_cache import FakeOmics, UnservedRequestError

REGION_MISTAKE = """
import boto3


def ensure(client, name):
    items = client.list_run_caches()["items"]
    found = [c["id"] for c in items if c.get("name") == name]
    return found[0] if found else client.create_run_cache(name=name, cacheS3Location="s3://team-bucket/x")["id"]


def test_finds_the_seeded_cache(fake_omics):
    seeded = fake_omics.add_run_cache(name="wgs")  # in us-east-1, the fake's region
    client = boto3.client("omics", region_name="eu-west-1")  # the mistake

    assert ensure(client, "wgs") == seeded["id"]


def test_passes(fake_omics):
    fake_omics.add_run_cache()
"""


def test_a_failing_test_shows_what_the_fake_saw(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(REGION_MISTAKE)

    result = pytester.runpytest("-p", "no:cacheprovider", "-rN")

    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*- fake_omics -*",
            "calls served (2):",
            "  1. ListRunCaches() in eu-west-1 -> 200 OK",
            "  2. CreateRunCache(cacheS3Location='s3://team-bucket/x', name='wgs', requestId=*) in"
            " eu-west-1 -> 201 OK",
            "registry:",
            "  account 123456789012, region eu-west-1: 1 run cache(s): *",
            "  account 123456789012, region us-east-1: 1 run cache(s): *",
            "note: requests came only from account 123456789012, region eu-west-1, but the fake"
            " also holds run caches or runs in account 123456789012, region us-east-1, where no"
            " request came from. Seed with region=/account= matching the client, or make the"
            " client in that region.",
        ]
    )
    assert result.stdout.str().count("- fake_omics -") == 1  # the passing test has none


def test_summary_lists_unserved_and_unfired(omics: object) -> None:
    fake = FakeOmics()
    with fake._activated():
        fake.add_error("ThrottlingException", id="9")
        for _ in range(12):
            fake.add_run_cache()
        client = omics
        # the code under test swallows the error; the summary still shows the request
        with contextlib.suppress(UnservedRequestError):
            client.get_sequence_store(id="1234567890")  # type: ignore[attr-defined]

    text = fake.summary()

    assert text.splitlines()[0] == "calls served (1):"
    assert "  1. GetSequenceStore(id='1234567890') in us-east-1 -> unserved" in text
    assert "account 123456789012, region us-east-1: 12 run cache(s): " in text
    assert text.count(", and 2 more") == 1  # long registries are kept short
    assert (
        "unserved requests:\n  - GetSequenceStore(id='1234567890') in us-east-1 -> unserved" in text
    )
    assert (
        "unfired injections and queued responses:\n"
        "  - ThrottlingException on GetRunCache id='9': fired 0 of 1 time(s)"
    ) in text
    assert "note:" not in text  # asked where the caches are


def test_an_empty_fake_says_so(fake_omics: FakeOmics) -> None:
    assert fake_omics.summary() == "calls served: none\nregistry: empty"
