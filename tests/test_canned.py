"""add_response: which requests a queued response answers, in what order, how often; what is
checked when it is added; errors and faults on such operations; and unserved requests, which fail
the test at teardown even when the code under test swallowed the error."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Any

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ReadTimeoutError

from pytest_omics_cache import FakeOmics, UnservedRequestError

WORKFLOW = {
    "arn": "arn:aws:omics:us-east-1:123456789012:workflow/1234",
    "id": "1234",
    "name": "wgs",
    "status": "ACTIVE",
    "creationTime": datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc),
    "tags": {"team": "germline"},
}


def _without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def test_the_response_comes_back_as_given(fake_omics: FakeOmics, omics: Any) -> None:
    canned = fake_omics.add_response("GetWorkflow", WORKFLOW)

    returned = omics.get_workflow(id="1234")

    assert _without_metadata(returned) == WORKFLOW
    assert returned["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert canned.fired == 1
    assert fake_omics.get_call("GetWorkflow").params == {"id": "1234"}


def test_iso_strings_for_timestamps_and_response_metadata_ignored(
    fake_omics: FakeOmics, omics: Any
) -> None:
    fake_omics.add_response(
        "GetWorkflow",
        {**WORKFLOW, "creationTime": "2026-01-02T03:04:05.678Z", "ResponseMetadata": {"x": 1}},
    )

    returned = omics.get_workflow(id="1234")

    assert returned["creationTime"] == WORKFLOW["creationTime"]


def test_the_model_success_status_is_sent(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_response("CreateWorkflow", {"id": "55", "status": "CREATING"})
    fake_omics.add_response("DeleteWorkflow", {})

    created = omics.create_workflow(name="wf", definitionZip=b"zip", requestId="r1")
    deleted = omics.delete_workflow(id="55")

    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert fake_omics.get_call("CreateWorkflow").params["definitionZip"] == "emlw"  # base64


def test_params_narrow_which_requests_a_response_answers(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_response(
        "GetWorkflow", {**WORKFLOW, "name": "a"}, params={"id": "1"}, times=None
    )
    fake_omics.add_response(
        "GetWorkflow", {**WORKFLOW, "name": "b"}, params={"id": "2"}, times=None
    )

    assert [omics.get_workflow(id=i)["name"] for i in ("2", "1", "2")] == ["b", "a", "b"]


def test_responses_are_consulted_in_order_and_used_up(fake_omics: FakeOmics, omics: Any) -> None:
    first = fake_omics.add_response("GetWorkflow", {**WORKFLOW, "name": "first"}, times=2)
    later = fake_omics.add_response("GetWorkflow", {**WORKFLOW, "name": "later"}, times=None)

    names = [omics.get_workflow(id="1234")["name"] for _ in range(4)]

    assert names == ["first", "first", "later", "later"]
    assert (first.fired, later.fired) == (2, 2)


def test_a_list_parameter_is_matched_as_a_list(fake_omics: FakeOmics, omics: Any) -> None:
    arn = "arn:aws:omics:us-east-1:123456789012:workflow/1234"
    fake_omics.add_response(
        "UntagResource", {}, params={"resourceArn": arn, "tagKeys": ["a", "b"]}, times=1
    )

    omics.untag_resource(resourceArn=arn, tagKeys=["a", "b"])

    assert fake_omics.get_call("UntagResource").params["tagKeys"] == ["a", "b"]


@pytest.mark.fake_omics(assert_all_requests_served=False, assert_all_errors_fired=False)
def test_a_miss_is_explained(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_response("GetWorkflow", WORKFLOW, params={"id": "9"})
    fake_omics.add_response("GetWorkflow", WORKFLOW, params={"type": "PRIVATE"}, times=None)
    used = fake_omics.add_response("GetWorkflow", WORKFLOW)
    omics.get_workflow(id="1")  # uses up the third

    with pytest.raises(UnservedRequestError) as raised:
        omics.get_workflow(id="1234")

    assert used.fired == 1
    assert str(raised.value).splitlines()[:5] == [
        "pytest-omics-cache does not serve omics GetWorkflow (GET"
        " https://workflows-omics.us-east-1.amazonaws.com/workflow/1234): none of the 3 queued"
        " GetWorkflow response(s) matches:",
        "  1. GetWorkflow response for params={'id': '9'}: fired 0 of 1 time(s): the request has"
        " id='1234', not '9'",
        "  2. GetWorkflow response for params={'type': 'PRIVATE'}: fired 0 time(s), no limit:"
        " the request has no type (expected 'PRIVATE')",
        "  3. GetWorkflow response: fired 1 of 1 time(s): used up",
        'To serve it, queue an answer: fake_omics.add_response("GetWorkflow", {...},'
        " params={'id': '1234'}), {...} being the GetWorkflowResponse members as boto3 returns"
        " them.",
    ]


def test_a_bad_request_is_the_services_validation_error_not_the_canned_answer(
    fake_omics: FakeOmics, make_client: Any
) -> None:
    from botocore.config import Config

    canned = fake_omics.add_response("GetWorkflow", WORKFLOW, times=None)
    client = make_client(config=Config(parameter_validation=False))

    with pytest.raises(client.exceptions.ValidationException) as raised:
        client.get_workflow(id="not-digits")

    assert raised.value.response["Error"]["Message"] == (
        "1 validation error detected: Value 'not-digits' at 'id' failed to satisfy constraint:"
        " Member must satisfy regular expression pattern: [0-9]+"
    )
    assert canned.fired == 0


def test_errors_and_faults_on_an_operation_the_registry_does_not_serve(
    fake_omics: FakeOmics, omics: Any
) -> None:
    fake_omics.add_response("GetWorkflow", WORKFLOW, times=None)
    throttle = fake_omics.add_error("ThrottlingException", operation="GetWorkflow", id="1234")
    fault = fake_omics.add_fault("read-timeout", operation="GetWorkflow", after=1)

    assert omics.get_workflow(id="1234")["name"] == "wgs"  # throttled once, then retried
    assert omics.get_workflow(id="1234")["name"] == "wgs"  # a read timeout, then retried

    assert (throttle.fired, fault.fired) == (1, 1)
    assert [(c.status_code, c.error_code, c.fault) for c in fake_omics.get_calls()] == [
        (429, "ThrottlingException", None),
        (200, None, None),
        (None, None, "read-timeout"),
        (200, None, None),
    ]


def test_an_error_the_operation_does_not_declare_is_refused(fake_omics: FakeOmics) -> None:
    with pytest.raises(ValueError, match=r"^add_error: 'RangeNotSatisfiableException' is not") as e:
        fake_omics.add_error("RangeNotSatisfiableException", operation="GetWorkflow")

    assert "is not an error GetWorkflow answers with (per the botocore model)" in str(e.value)
    fake_omics.add_error("RangeNotSatisfiableException", operation="GetReadSet", times=None)


def test_a_fault_on_an_unserved_operation_is_botocores_exception(
    fake_omics: FakeOmics, make_client: Any
) -> None:
    from botocore.config import Config

    client = make_client(config=Config(retries={"total_max_attempts": 1}))
    fake_omics.add_fault("read-timeout", operation="ListWorkflows")

    with pytest.raises(ReadTimeoutError):
        client.list_workflows()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda f: f.add_response("get_workflow", WORKFLOW),
            "add_response: operation='get_workflow' is not an omics operation. Did you mean"
            " 'GetWorkflow'? Operations are named as in the botocore model (e.g. 'GetRunCache'),"
            " or None for all of them.",
        ),
        (
            lambda f: f.add_response("GetRunCache", {}),
            "add_response: GetRunCache is served from the fake's registry, so a canned answer"
            " would contradict it; seed the registry instead (add_run_cache(...),"
            " add_run(...), next_runs(...)), or inject a failure with add_error / add_fault",
        ),
        (
            lambda f: f.add_response("GetWorkflow", ["not", "a", "dict"]),
            "add_response: response=['not', 'a', 'dict'] must be a dict",
        ),
        (
            lambda f: f.add_response("GetWorkflow", WORKFLOW, params={"ident": "1"}),
            "add_response: params names 'ident', which GetWorkflow requests do not have; their"
            " parameters are: id, type, export, workflowOwnerId",
        ),
        (
            lambda f: f.add_response("GetWorkflow", WORKFLOW, params={"id": "abc"}),
            "add_response: params could never match a valid request: id='abc' breaks the rule"
            " 'Member must satisfy regular expression pattern: [0-9]+' (botocore omics model,"
            " shape WorkflowId)",
        ),
        (
            lambda f: f.add_response("GetWorkflow", WORKFLOW, times=0),
            "add_response: times=0 must be a positive int, or None for always",
        ),
        (
            lambda f: f.add_response("DeleteWorkflow", {"id": "1"}),
            "add_response: invalid DeleteWorkflow response: id='1': DeleteWorkflow has no output"
            " members",
        ),
        (
            lambda f: f.add_response(
                "GetWorkflow", {**WORKFLOW, "creationTime": datetime(2026, 1, 1)}
            ),
            "add_response: invalid GetWorkflow response: creationTime=datetime.datetime(2026, 1,"
            " 1, 0, 0) breaks the rule 'Member must be a timezone-aware datetime or an ISO-8601"
            " string' (botocore omics model, shape WorkflowTimestamp)",
        ),
        (
            lambda f: f.add_response("GetWorkflow", {**WORKFLOW, "name": None}),
            "add_response: invalid GetWorkflow response: name=None breaks the rule 'Member must"
            " not be None (leave an unset member out)' (botocore omics model, shape"
            " GetWorkflowResponse)",
        ),
        (
            lambda f: f.add_response(
                "ListWorkflows", {"items": [{"id": "1"}, {"id": "x", "status": "NOPE"}]}
            ),
            "add_response: invalid ListWorkflows response: items.2.id='x' breaks the rule 'Member"
            " must satisfy regular expression pattern: [0-9]+' (botocore omics model, shape"
            " WorkflowId); items.2.status='NOPE' breaks the rule 'Member must satisfy enum value"
            " set: [CREATING, ACTIVE, UPDATING, DELETED, FAILED, INACTIVE]' (botocore omics"
            " model, shape WorkflowStatus)",
        ),
    ],
)
def test_mistakes_are_named_when_added(fake_omics: FakeOmics, call: Any, message: str) -> None:
    with pytest.raises(ValueError, match=r"^add_response: ") as raised:
        call(fake_omics)

    assert str(raised.value) == message


TEARDOWN = """
import boto3
import pytest


def lookup(client, workflow_id):
    try:
        return client.get_workflow(id=workflow_id)["name"]
    except Exception:  # the code under test swallows every error
        return None


def test_swallowed(fake_omics):
    client = boto3.client("omics", region_name="us-east-1")
    assert lookup(client, "42") is None  # passes: the error was swallowed


def test_unused_response(fake_omics):
    fake_omics.add_response("GetWorkflow", {"id": "42"}, params={"id": "42"})
    fake_omics.add_response("ListWorkflows", {"items": []}, times=None)


@pytest.mark.fake_omics(assert_all_requests_served=False)
def test_opted_out(fake_omics):
    client = boto3.client("omics", region_name="us-east-1")
    assert lookup(client, "42") is None
"""


def test_unserved_and_unused_fail_the_test_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(TEARDOWN)

    result = pytester.runpytest("-p", "no:cacheprovider", "-rN")

    result.assert_outcomes(passed=3, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at teardown of test_swallowed _*",
            "E   AssertionError: fake_omics: 1 request(s) were not served:",
            "*  - GetWorkflow(id='42') in us-east-1 -> unserved",
            "*  The code under test got UnservedRequestError for each (and may have caught it)."
            " Queue an answer with fake_omics.add_response(...), or if that is intended, opt out"
            " with @pytest.mark.fake_omics(assert_all_requests_served=False) or the ini option"
            " fake_omics_assert_all_requests_served = false.",
            "*_ ERROR at teardown of test_unused_response _*",
            "E   AssertionError: fake_omics: 1 queued response(s) did not fire as often as asked:",
            "*  - GetWorkflow response for params={'id': '42'}: fired 0 of 1 time(s)",
            "*  Each queued response with a finite `times` must fire that often. If that is"
            " intended, pass times=None, or opt out with"
            " @pytest.mark.fake_omics(assert_all_errors_fired=False) or the ini option"
            " fake_omics_assert_all_errors_fired = false.",
        ]
    )


def test_every_problem_in_one_error(omics: Any) -> None:
    fake = FakeOmics()
    with fake._activated():
        fake.add_error("ThrottlingException", id="1")
        fake.add_response("GetWorkflow", WORKFLOW, params={"id": "9"})
        with pytest.raises(UnservedRequestError):
            omics.list_workflows()

    assert str(fake._teardown_error()) == (
        "fake_omics: 1 request(s) were not served:\n"
        "  - ListWorkflows() in us-east-1 -> unserved\n"
        "The code under test got UnservedRequestError for each (and may have caught it). Queue an"
        " answer with fake_omics.add_response(...), or if that is intended, opt out with"
        " @pytest.mark.fake_omics(assert_all_requests_served=False) or the ini option"
        " fake_omics_assert_all_requests_served = false.\n"
        "fake_omics: 2 injected error(s)/fault(s) and queued response(s) did not fire as often as"
        " asked:\n"
        "  - ThrottlingException on GetRunCache id='1': fired 0 of 1 time(s) (it was aimed at"
        " GetRunCache; the code under test called ListWorkflows: pass operation= to aim it"
        " there, or operation=None for every operation)\n"
        "  - GetWorkflow response for params={'id': '9'}: fired 0 of 1 time(s)\n"
        "Each injection or queued response with a finite `times` must fire that often. If that is"
        " intended, pass times=None, or opt out with"
        " @pytest.mark.fake_omics(assert_all_errors_fired=False) or the ini option"
        " fake_omics_assert_all_errors_fired = false."
    )


@pytest.mark.fake_omics(assert_all_requests_served=False)
def test_an_unserved_request_is_a_recorded_call(fake_omics: FakeOmics, omics: Any) -> None:
    with pytest.raises(UnservedRequestError):
        omics.get_workflow(id="7")

    call = fake_omics.get_call("GetWorkflow")

    assert (call.unserved, call.status_code, call.error_code, call.params) == (
        True,
        None,
        None,
        {"id": "7"},
    )
    assert call.describe() == "GetWorkflow(id='7') in us-east-1 -> unserved"


def test_a_streaming_payload_reads_as_from_aws(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_response("GetReadSet", {"payload": b"ACGTACGT"}, times=2)
    ids = {"id": "1234567890", "sequenceStoreId": "1234567890", "partNumber": 1}

    whole = omics.get_read_set(**ids)["payload"].read()
    chunks = list(omics.get_read_set(**ids)["payload"].iter_chunks(3))

    assert (whole, chunks) == (b"ACGTACGT", [b"ACG", b"TAC", b"GT"])


def test_canned_answers_on_async_clients(fake_omics: FakeOmics) -> None:
    session_module = pytest.importorskip("aiobotocore.session")
    fake_omics.add_response("GetWorkflow", WORKFLOW)
    fake_omics.add_response("GetReadSet", {"payload": b"ACGT"})

    async def scenario() -> tuple[dict[str, Any], bytes]:
        async with session_module.get_session().create_client(
            "omics", region_name="us-east-1"
        ) as client:
            workflow = await client.get_workflow(id="1234")
            read_set = await client.get_read_set(
                id="1234567890", sequenceStoreId="1234567890", partNumber=1
            )
            return dict(workflow), await read_set["payload"].read()

    workflow, payload = asyncio.run(scenario())

    assert _without_metadata(workflow) == WORKFLOW
    assert payload == b"ACGT"


def test_canned_answers_over_raw_http(fake_omics: FakeOmics) -> None:
    fake_omics.add_response("GetWorkflow", WORKFLOW, params={"id": "1234"})
    url = "https://workflows-omics.us-east-1.amazonaws.com/workflow/1234"
    request = AWSRequest(method="GET", url=url)
    SigV4Auth(Credentials("AKIDRAW", "secret"), "omics", "us-east-1").add_auth(request)

    response = requests.get(url, headers=dict(request.headers), timeout=5)

    assert response.status_code == 200
    assert response.json()["creationTime"] == "2026-01-02T03:04:05.678000Z"
    assert response.json()["name"] == "wgs"


@pytest.mark.parametrize(
    ("code", "status", "message", "operation", "call"),
    [
        (
            "NotSupportedOperationException",
            405,
            "The operation is not supported by Amazon Omics, or the API does not exist.",
            "GetS3AccessPolicy",
            lambda c: c.get_s3_access_policy(
                s3AccessPointArn="arn:aws:s3:us-east-1:123456789012:accesspoint/ap"
            ),
        ),
        (
            "RangeNotSatisfiableException",
            416,
            "The ranges specified in the request are not valid.",
            "GetReadSet",
            lambda c: c.get_read_set(id="1234567890", sequenceStoreId="1234567890", partNumber=1),
        ),
    ],
)
def test_errors_only_some_operations_declare(
    fake_omics: FakeOmics,
    omics: Any,
    code: str,
    status: int,
    message: str,
    operation: str,
    call: Any,
) -> None:
    if operation not in omics.meta.service_model.operation_names:
        pytest.skip(f"{operation} is newer than this botocore")
    # times=None: newer models mark RangeNotSatisfiableException retryable, and botocore retries.
    fake_omics.add_error(code, operation=operation, times=None)

    with pytest.raises(getattr(omics.exceptions, code)) as raised:
        call(omics)

    assert raised.value.response["Error"]["Message"] == message
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def test_nested_arns_of_resources_the_fake_does_not_hold_use_add_response(
    fake_omics: FakeOmics, omics: Any
) -> None:
    arn = "arn:aws:omics:us-east-1:123456789012:workflow/1234/version/v1"
    fake_omics.add_response(
        "ListTagsForResource", {"tags": {"v": "1"}}, params={"resourceArn": arn}
    )

    assert omics.list_tags_for_resource(resourceArn=arn)["tags"] == {"v": "1"}


def test_params_are_matched_as_read_from_the_wire(fake_omics: FakeOmics, omics: Any) -> None:
    arn = "arn:aws:omics:us-east-1:123456789012:workflow/1234"
    fake_omics.add_response("UntagResource", {}, params={"resourceArn": arn, "tagKeys": ("a",)})

    omics.untag_resource(resourceArn=arn, tagKeys=["a"])  # a tuple given, a list read: a match

    with pytest.raises(ValueError, match=r"^add_response: params cannot match on definitionZip"):
        fake_omics.add_response("CreateWorkflow", {}, params={"definitionZip": b"zip"})
