"""Every omics client in the process reaches the fake; nothing else is touched; all is restored."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.httpsession
import botocore.session
import pytest
from botocore.credentials import EnvProvider, SharedCredentialProvider
from moto import mock_aws

from pytest_omics_cache import FakeOmics, UnservedRequestError

# Created when pytest imports this module: before any fixture, from a session made then.
MODULE_CLIENT = botocore.session.get_session().create_client("omics", region_name="us-east-1")
MODULE_BOTO3_CLIENT = boto3.client("omics", region_name="us-west-2")


def test_module_level_clients_made_before_the_fixture(fake_omics: FakeOmics) -> None:
    east = fake_omics.add_run_cache(region="us-east-1")
    west = fake_omics.add_run_cache(region="us-west-2")

    assert MODULE_CLIENT.get_run_cache(id=east["id"])["arn"] == east["arn"]
    assert MODULE_BOTO3_CLIENT.get_run_cache(id=west["id"])["arn"] == west["arn"]


def test_client_created_and_used_in_another_thread(fake_omics: FakeOmics) -> None:
    cache = fake_omics.add_run_cache()
    results: list[object] = []

    def worker() -> None:
        client = boto3.session.Session().client("omics", region_name="us-east-1")
        try:
            results.append(client.get_run_cache(id=cache["id"])["id"])
        except Exception as error:  # reported below, in the test's own thread
            results.append(error)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=30)

    assert results == [cache["id"]]
    assert fake_omics.get_call().params == {"id": cache["id"]}


def test_requests_never_reach_the_http_layer(
    fake_omics: FakeOmics, omics: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*_: object, **__: object) -> None:
        raise AssertionError("an omics request reached botocore's HTTP session")

    monkeypatch.setattr(botocore.httpsession.URLLib3Session, "send", no_network)
    cache = fake_omics.add_run_cache()

    assert omics.get_run_cache(id=cache["id"])["id"] == cache["id"]
    with pytest.raises(omics.exceptions.ResourceNotFoundException):
        omics.get_run_cache(id="1")


@pytest.mark.fake_omics(assert_all_requests_served=False)
def test_unserved_operation_fails_at_once_without_network(
    fake_omics: FakeOmics, omics: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[str] = []
    omics.meta.events.register("request-created.omics", lambda **_: attempts.append("attempt"))
    monkeypatch.setattr(botocore.httpsession.URLLib3Session, "send", pytest.fail)

    with pytest.raises(UnservedRequestError) as raised:
        omics.get_sequence_store(id="1234567890")

    assert str(raised.value) == (
        "pytest-omics-cache does not serve omics GetSequenceStore (GET"
        " https://control-storage-omics.us-east-1.amazonaws.com/sequencestore/1234567890): no"
        " response is queued for GetSequenceStore.\nTo serve it, queue an answer:"
        " fake_omics.add_response(\"GetSequenceStore\", {...}, params={'id': '1234567890'}),"
        " {...} being the GetSequenceStoreResponse members as boto3 returns them.\nThe fake"
        " serves CreateRunCache, GetRunCache, ListRunCaches, UpdateRunCache, DeleteRunCache,"
        " StartRun, GetRun, ListRuns, CancelRun, DeleteRun, GetRunTask, ListRunTasks,"
        " CreateWorkflow, GetWorkflow, ListWorkflows, UpdateWorkflow, DeleteWorkflow,"
        " CreateWorkflowVersion, GetWorkflowVersion, ListWorkflowVersions, UpdateWorkflowVersion,"
        " DeleteWorkflowVersion, CreateRunGroup, GetRunGroup, ListRunGroups, UpdateRunGroup,"
        " DeleteRunGroup, TagResource, UntagResource, ListTagsForResource from its registry, and"
        " any other operation from responses queued with add_response. The request was refused"
        " and never left the machine. The test fails at teardown with it listed, even if the"
        " code under test caught this error."
    )
    assert attempts == ["attempt"]  # not retried
    assert [call.describe() for call in fake_omics.get_calls()] == [
        "GetSequenceStore(id='1234567890') in us-east-1 -> unserved"
    ]


def test_clients_with_real_credentials_are_signed_with_fake_ones(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALREALREAL1234")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-token")
    credentials_file = tmp_path / "credentials"
    credentials_file.write_text(
        "[default]\naws_access_key_id = AKIAFILEFILEFILE1234\naws_secret_access_key = s\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials_file))
    # A fresh session, so the credentials are read now, from the environment above.
    client = botocore.session.get_session().create_client("omics", region_name="us-east-1")
    assert client._request_signer._credentials.access_key == "AKIAREALREALREAL1234"

    reads: list[str] = []
    for provider in (EnvProvider, SharedCredentialProvider):
        monkeypatch.setattr(
            provider, "load", lambda self, seen=reads: seen.append(type(self).__name__)
        )
    fresh = boto3.session.Session()

    fake = FakeOmics()
    with fake._activated():
        cache = fake.add_run_cache()
        client.get_run_cache(id=cache["id"])
        inside = fresh.client("omics", region_name="us-east-1")
        inside.get_run_cache(id=cache["id"])
        assert reads == []  # making an omics client read no credentials at all
        fresh.client("s3", region_name="us-east-1")  # other services: untouched
        assert reads == ["EnvProvider", "SharedCredentialProvider"]
    assert inside._request_signer._credentials.access_key == "FAKEOMICSACCESSKEYID"

    for call in fake.get_calls():
        assert "Credential=FAKEOMICSACCESSKEYID/" in call.headers["Authorization"]
        assert "AKIAREAL" not in call.headers["Authorization"]
        assert "X-Amz-Security-Token" not in call.headers


def test_other_services_pass_through(fake_omics: FakeOmics, make_client: Any) -> None:
    s3 = make_client("s3", aws_access_key_id="AKIDS3", aws_secret_access_key="s")
    sent: list[str] = []

    def stop_before_network(request: Any, **_: object) -> None:
        sent.append(request.url)
        raise RuntimeError("stopped")

    s3.meta.events.register("before-send.s3", stop_before_network)

    with pytest.raises(RuntimeError, match="stopped"):
        s3.list_buckets()
    assert sent == ["https://s3.amazonaws.com/"]
    assert fake_omics.get_calls() == []


def test_only_one_fake_at_a_time(fake_omics: FakeOmics, omics: Any) -> None:
    other = FakeOmics()

    with pytest.raises(RuntimeError) as raised, other._activated():
        pass  # pragma: no cover - never entered

    assert str(raised.value) == (
        "a fake omics service is already active in this process, started by the fake_omics"
        " fixture of tests/test_interception.py::test_only_one_fake_at_a_time; use one at a"
        " time (nested or concurrent fakes would silently share requests). Stop that one"
        " first, and don't combine @mock_omics with the fake_omics fixture in one test: use"
        " @pytest.mark.fake_omics(...) to configure the fixture."
    )
    cache = fake_omics.add_run_cache()
    assert omics.get_run_cache(id=cache["id"])["id"] == cache["id"]


# --- beside moto --------------------------------------------------------------------------------


def _s3_and_omics_work(fake: FakeOmics) -> None:
    cache = fake.add_run_cache()
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="pipeline-inputs")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["pipeline-inputs"]
    inside = boto3.client("omics", region_name="us-east-1")
    assert inside.get_run_cache(id=cache["id"])["id"] == cache["id"]
    assert MODULE_CLIENT.get_run_cache(id=cache["id"])["id"] == cache["id"]


def test_moto_started_inside_the_fixture(fake_omics: FakeOmics) -> None:
    with mock_aws():
        _s3_and_omics_work(fake_omics)


@pytest.fixture
def moto_first() -> Iterator[None]:
    with mock_aws():
        yield


def test_moto_started_before_the_fixture(moto_first: None, fake_omics: FakeOmics) -> None:
    _s3_and_omics_work(fake_omics)


def test_moto_alone_would_not_serve_omics() -> None:
    # What the two tests above protect against: moto answers omics with a 404.
    with mock_aws():
        client = boto3.client("omics", region_name="us-east-1")
        with pytest.raises(client.exceptions.ClientError, match="Not yet implemented"):
            client.get_run_cache(id="1")


def test_recorded_headers_read_like_a_dict(fake_omics: FakeOmics, omics: Any) -> None:
    cache = fake_omics.add_run_cache()
    omics.get_run_cache(id=cache["id"])

    headers = fake_omics.get_call().headers

    assert dict(headers) == {name: headers[name] for name in headers}
    assert len(headers) == len(dict(headers)) >= 3
    assert headers["authorization"] == headers["Authorization"]  # case-insensitive, like HTTP
    assert repr(headers) == repr(dict(headers))


def test_an_emit_patched_by_someone_else_keeps_working(
    monkeypatch: pytest.MonkeyPatch, make_client: Any
) -> None:
    from botocore.hooks import HierarchicalEmitter

    seen: list[str] = []
    botocore_emit = HierarchicalEmitter.emit

    def instrumented(self: Any, event_name: str, **kwargs: Any) -> Any:
        seen.append(event_name)
        return botocore_emit(self, event_name, **kwargs)

    monkeypatch.setattr(HierarchicalEmitter, "emit", instrumented)
    client = make_client()
    fake = FakeOmics()
    cache = fake.add_run_cache()

    with fake._activated():
        assert client.get_run_cache(id=cache["id"])["id"] == cache["id"]

    assert "request-created.omics.GetRunCache" in seen  # the other hook still ran
    assert "before-send.omics.GetRunCache" not in seen  # answered by the fake first
    assert HierarchicalEmitter.__dict__["emit"] is instrumented


@pytest.mark.parametrize("kind", ["botocore HeadersDict", "any other mapping"])
def test_recorded_headers_are_a_snapshot_with_botocores_names(kind: str) -> None:
    from botocore.awsrequest import HeadersDict

    from pytest_omics_cache._transports.botocore_wire import Headers

    given = {"Authorization": b"AWS4-HMAC-SHA256 Credential=X", "X-Amz-Date": "20260101T000000Z"}
    raw: Any = HeadersDict(given) if kind == "botocore HeadersDict" else dict(given)

    headers = Headers(raw)
    raw["X-Amz-Date"] = "changed later"

    assert list(headers) == ["Authorization", "X-Amz-Date"]
    assert headers["AUTHORIZATION"] == "AWS4-HMAC-SHA256 Credential=X"  # bytes read as str
    assert headers.get("x-amz-date") == "20260101T000000Z"
    assert headers.get("X-Amz-Security-Token", "absent") == "absent"
    with pytest.raises(KeyError):
        headers["X-Amz-Security-Token"]
