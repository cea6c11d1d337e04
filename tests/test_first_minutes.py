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


# A credential_process that leaves a mark when botocore runs it: the chain was walked.
_CREDENTIAL_PROCESS = """
import json, sys
with open(sys.argv[1], "a") as mark:
    mark.write("walked\\n")
print(json.dumps({"Version": 1, "AccessKeyId": "PROCESSKEY", "SecretAccessKey": "s"}))
"""

_IMPORT_TIME_CLIENT = """
import boto3
import pytest
from botocore.config import Config

omics = boto3.client("omics", region_name="us-east-1")


def test_served_without_reading_credentials(fake_omics):
    cache = fake_omics.add_run_cache(name="c")
    assert omics.get_run_cache(id=cache["id"])["name"] == "c"
    assert omics.list_run_caches()["items"][0]["id"] == cache["id"]
"""


@pytest.fixture
def machine(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A machine whose credential chain leaves a mark when it is walked, with no credentials in
    the environment."""
    import sys

    mark = pytester.path / "walked.txt"
    config = pytester.path / "aws-config"
    process = pytester.path / "credential_process.py"
    process.write_text(_CREDENTIAL_PROCESS)
    config.write_text(f"[default]\ncredential_process = {sys.executable} {process} {mark}\n")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(pytester.path / "no-credentials"))
    return mark


@pytest.mark.parametrize(
    "botocore_first", [False, True], ids=["boto3-imported-later", "conftest-imports-boto3"]
)
def test_a_client_made_at_import_time_walks_no_credential_chain(
    pytester: pytest.Pytester, machine: Any, botocore_first: bool
) -> None:
    if botocore_first:  # botocore imported before pytest_configure, not after
        pytester.makeconftest("import boto3\n")
    pytester.makepyfile(
        _IMPORT_TIME_CLIENT
        + """

def test_the_first_real_call_walks_it():
    # A dead local endpoint: the request is signed (the chain walked), then cannot connect.
    client = boto3.client(
        "omics", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=1),
    )
    with pytest.raises(Exception, match="Could not connect"):
        client.list_run_caches()
"""
    )
    result = pytester.runpytest_subprocess(
        "-p", "no:randomly", "-p", "no:cacheprovider", "-k", "served"
    )
    result.assert_outcomes(passed=1)
    assert not machine.exists()

    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    assert machine.read_text() == "walked\n"


def test_a_missing_profile_fails_the_first_real_call_not_the_making(
    pytester: pytest.Pytester, machine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile-anywhere")
    pytester.makepyfile(
        _IMPORT_TIME_CLIENT
        + """

def test_outside_a_fake_the_profile_is_missing():
    with pytest.raises(Exception) as raised:
        omics.list_run_caches()
    assert type(raised.value).__name__ == "ProfileNotFound"
    assert str(raised.value) == "The config profile (no-such-profile-anywhere) could not be found"


def test_other_services_still_need_the_profile():
    session = boto3.Session()
    with pytest.raises(Exception) as raised:
        session.client("s3", region_name="us-east-1")
    assert type(raised.value).__name__ == "ProfileNotFound"


def test_a_client_made_in_the_test_is_served(fake_omics):
    client = boto3.client("omics", region_name="us-east-1")
    assert client.list_run_caches()["items"] == []
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    assert not machine.exists()


def test_other_services_clients_walk_their_chain_as_before(
    pytester: pytest.Pytester, machine: Any
) -> None:
    pytester.makepyfile(
        """
import boto3

s3 = boto3.client("s3", region_name="us-east-1")


def test_resolved_when_made():
    assert s3._request_signer._credentials.access_key == "PROCESSKEY"
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert machine.read_text() == "walked\n"


def test_unconfigure_puts_botocore_back(pytester: pytest.Pytester) -> None:
    from botocore.session import Session

    names = ("create_client", "get_credentials", "get_scoped_config", "get_component")
    before = {name: Session.__dict__[name] for name in names}
    pytester.makepyfile(
        """
from botocore.session import Session


def test_wrapped():
    assert Session.__dict__["create_client"].__qualname__ == (
        "install.<locals>.lenient_create_client"
    )
"""
    )
    seen: dict[str, object] = {}

    class Spy:
        @pytest.hookimpl(trylast=True)
        def pytest_sessionstart(self) -> None:
            seen.update({name: Session.__dict__[name] for name in names})

    pytester.runpytest("-p", "no:randomly", plugins=[Spy()]).assert_outcomes(passed=1)

    assert all(seen[name] is not before[name] for name in names)
    assert {name: Session.__dict__[name] for name in names} == before


def test_no_credentials_anywhere_is_botocores_error_at_the_first_real_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import boto3
    from botocore.exceptions import NoCredentialsError

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    client = boto3.client("omics", region_name="us-east-1", endpoint_url="http://127.0.0.1:9")

    with pytest.raises(NoCredentialsError, match=r"^Unable to locate credentials$"):
        client.list_run_caches()


def test_the_project_has_its_urls_and_the_readme_clones_the_source() -> None:
    import re
    from importlib.metadata import metadata
    from pathlib import Path

    # What pip installed from pyproject.toml (no toml reader on Python 3.10).
    installed = metadata("pytest-omics-cache")
    urls = dict(entry.split(", ", 1) for entry in installed.get_all("Project-URL") or [])
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    install = readme.split("## Install\n", 1)[1].split("\n## ", 1)[0]

    assert sorted(urls) == ["Changelog", "Documentation", "Issues", "Source"]
    assert all(re.fullmatch(r"https://\S+", url) for url in urls.values())
    assert f"git clone {urls['Source']}\n" in install
    assert 'python3 -m pip install "./pytest-omics-cache[boto3]"\n' in install
    assert "boto3" in (installed.get_all("Provides-Extra") or [])
    assert "<" not in install  # no placeholder for the reader to fill in
