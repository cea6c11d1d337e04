"""Omics requests carry botocore's SigV4 headers with a fixed signature; nothing else changes."""

from __future__ import annotations

import copy
import re
from typing import Any

import botocore
import pytest
import time_machine
from botocore.auth import SigV4Auth
from botocore.credentials import Credentials

from pytest_omics_cache import FakeOmics, mock_omics

FIXED = "0" * 64
_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[A-Z]+)/(?P<date>\d{8})/(?P<region>[a-z0-9-]+)"
    r"/(?P<service>[a-z]+)/aws4_request, SignedHeaders=(?P<signed>[a-z0-9;-]+),"
    r" Signature=(?P<signature>[0-9a-f]{64})"
)


def _authorization(headers: Any) -> dict[str, str]:
    value = headers["Authorization"]
    value = value.decode() if isinstance(value, bytes) else value  # botocore's own: bytes
    found = _AUTHORIZATION.fullmatch(value)
    assert found is not None, value
    return found.groupdict()


@time_machine.travel("2026-03-04T05:06:07Z", tick=False)
def test_omics_requests_carry_a_well_formed_header_with_the_real_scope(
    fake_omics: FakeOmics, make_client: Any
) -> None:
    make_client(region_name="eu-west-1").list_run_caches()

    headers = fake_omics.get_call().headers

    assert _authorization(headers) == {
        "key": "FAKEOMICSACCESSKEYID",
        "date": "20260304",
        "region": "eu-west-1",
        "service": "omics",
        "signed": "host;x-amz-date",
        "signature": FIXED,
    }
    assert headers["X-Amz-Date"] == "20260304T050607Z"
    assert fake_omics.get_call().region == "eu-west-1"  # read from the scope


@pytest.mark.parametrize("operation", ["list_run_caches", "create_run_cache"])
def test_the_header_is_botocores_own_but_for_the_signature(
    make_client: Any, operation: str
) -> None:
    """Same date, scope and signed-header list as botocore's real signer writes, for a GET and
    for a POST with a body and more headers."""
    seen: dict[bool, dict[str, str]] = {}
    for real in (False, True):
        with (
            time_machine.travel("2026-03-04T05:06:07Z", tick=False),
            mock_omics(real_signatures=real) as fake,
        ):
            client = make_client(region_name="ap-southeast-1")
            if operation == "list_run_caches":
                client.list_run_caches()
            else:
                client.create_run_cache(cacheS3Location="s3://bucket/c", requestId="r1")
            seen[real] = _authorization(fake.get_call().headers)

    real_signature = seen[True].pop("signature")
    assert seen[False].pop("signature") == FIXED
    assert real_signature != FIXED
    assert seen[False] == seen[True]
    assert seen[True]["region"] == "ap-southeast-1"


class _Signed:
    """Captures what a client signs (a copy taken just before signing) and what it sends (the
    fake answers omics requests ahead of any handler: their headers are in its call log)."""

    def __init__(self, client: Any, service: str) -> None:
        self.unsigned: list[Any] = []
        self.sent: list[str] = []
        client.meta.events.register(f"before-sign.{service}", self._before_sign)
        client.meta.events.register_first(f"before-send.{service}", self._before_send)

    def _before_sign(self, request: Any, **_: object) -> None:
        self.unsigned.append(copy.deepcopy(request))

    def _before_send(self, request: Any, **_: object) -> None:
        value = request.headers["Authorization"]
        self.sent.append(value.decode() if isinstance(value, bytes) else value)
        if "sts" in request.url:
            raise RuntimeError("stopped before the network")

    def botocores_own(self, service: str, region: str, credentials: Credentials) -> str:
        """The Authorization header botocore's SigV4 writes on the request captured."""
        request = self.unsigned[0]
        SigV4Auth(credentials, service, region).add_auth(request)
        return str(request.headers["Authorization"])


@time_machine.travel("2026-03-04T05:06:07Z", tick=False)
def test_real_signatures_are_botocores_computation(make_client: Any) -> None:
    from pytest_omics_cache._transports.botocore import FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY

    with mock_omics(real_signatures=True) as fake:
        client = make_client()
        signed = _Signed(client, "omics")
        client.create_run_cache(cacheS3Location="s3://bucket/c", requestId="r1")

    credentials = Credentials(FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY)
    sent = fake.get_call().headers["Authorization"]
    assert sent == signed.botocores_own("omics", "us-east-1", credentials)
    assert _authorization({"Authorization": sent})["signature"] != FIXED


@time_machine.travel("2026-03-04T05:06:07Z", tick=False)
def test_other_services_are_signed_by_botocore_untouched(
    fake_omics: FakeOmics, make_client: Any
) -> None:
    sts = make_client("sts", aws_access_key_id="AKIDOTHER", aws_secret_access_key="other")
    signed = _Signed(sts, "sts")

    with pytest.raises(RuntimeError, match="stopped before the network"):
        sts.get_caller_identity()

    own = signed.botocores_own("sts", "us-east-1", Credentials("AKIDOTHER", "other"))
    assert signed.sent == [own]
    assert _authorization({"Authorization": own})["signature"] != FIXED
    assert fake_omics.get_calls() == []


def test_signing_hooks_and_a_chosen_signer_still_apply(
    fake_omics: FakeOmics, make_client: Any
) -> None:
    client = make_client()
    before_sign: list[str] = []
    client.meta.events.register(
        "before-sign.omics", lambda request, **_: before_sign.append(request.method)
    )
    client.list_run_caches()
    # A user's choose-signer handler decides the signer: here, no signature at all.
    client.meta.events.register(
        "choose-signer.omics", lambda **_: botocore.UNSIGNED, unique_id="unsigned"
    )
    client.list_run_caches()

    first, second = fake_omics.get_calls()
    assert before_sign == ["GET", "GET"]
    assert _authorization(first.headers)["signature"] == FIXED
    assert "Authorization" not in second.headers
    assert second.status_code == 200  # the default region answers an unsigned request


def test_real_signatures_is_an_option_of_the_marker_and_the_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfake_omics_real_signatures = true\n")
    pytester.makepyfile(
        """
        import boto3
        import pytest

        FIXED = "Signature=" + "0" * 64

        def test_suite_wide(fake_omics):
            boto3.client("omics", region_name="us-east-1").list_run_caches()
            assert FIXED not in fake_omics.get_call().headers["Authorization"]

        @pytest.mark.fake_omics(real_signatures=False)
        def test_this_test_only(fake_omics):
            boto3.client("omics", region_name="us-east-1").list_run_caches()
            assert FIXED in fake_omics.get_call().headers["Authorization"]
        """
    )

    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_real_signatures_must_be_a_bool() -> None:
    with pytest.raises(ValueError, match=r"^real_signatures='yes' must be True or False$"):
        FakeOmics(real_signatures="yes")  # type: ignore[arg-type]
