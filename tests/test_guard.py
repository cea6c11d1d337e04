"""The opt-in session-wide guard: no omics request made outside a fake reaches AWS."""

from __future__ import annotations

import pytest

SUITE = """
import boto3
import pytest
from botocore.awsrequest import AWSResponse


class _Body:
    def stream(self, **_):
        yield b'{"items": []}'


def answered_by_a_handler_of_its_own(request, **_):
    # What the request meets once past the guard (instead of AWS, in this test).
    return AWSResponse(request.url, 200, {}, _Body())


def test_without_a_fake():
    client = boto3.client(
        "omics", region_name="us-east-1", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="secret",
    )
    client.meta.events.register("before-send.omics", answered_by_a_handler_of_its_own)
    assert client.list_run_caches()["items"] == []


def test_with_the_fixture(fake_omics):
    client = boto3.client("omics", region_name="us-east-1")
    assert client.list_run_caches()["items"] == []


def test_raw_http_without_a_fake():
    import requests

    requests.get("https://workflows-omics.us-east-1.amazonaws.com/runCache", timeout=1)
"""


@pytest.mark.parametrize("how", [["--fake-omics-guard"], ["-o", "fake_omics_guard=true"]])
def test_the_guard_refuses_omics_requests_outside_a_fake(
    pytester: pytest.Pytester, how: list[str]
) -> None:
    pytester.makepyfile(test_guarded=SUITE)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rN", *how)

    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*UnservedRequestError: pytest-omics-cache's guard (--fake-omics-guard /"
            " fake_omics_guard = true) refused an omics request made while no fake was active,"
            " in test test_guarded.py::test_without_a_fake: GET"
            " https://workflows-omics.us-east-1.amazonaws.com/runCache. Use the fake_omics"
            " fixture (or mock_omics) in that test, or run suites that are meant to reach AWS"
            " without the guard. The request never left the machine.",
            "*UnservedRequestError: pytest-omics-cache's guard * in test"
            " test_guarded.py::test_raw_http_without_a_fake: request to"
            " https://workflows-omics.us-east-1.amazonaws.com/runCache.*",
        ]
    )


def test_without_the_guard_requests_go_on_untouched(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_guarded=SUITE)

    result = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "-k",
        "not raw_http",  # a raw call would go to the network
    )

    result.assert_outcomes(passed=2, deselected=1)
