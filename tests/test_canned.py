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

#: A reference store: a resource the fake does not hold, so it is add_response's to answer.
STORE_ID = "1234567890"
STORE = {
    "arn": f"arn:aws:omics:us-east-1:123456789012:referenceStore/{STORE_ID}",
    "id": STORE_ID,
    "name": "grch38",
    "description": "team references",
    "creationTime": datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc),
}
#: An ARN of a resource the fake does not hold (tags of it are add_response's too).
UNHELD_ARN = f"arn:aws:omics:us-east-1:123456789012:sequenceStore/{STORE_ID}"


def _without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def test_the_response_comes_back_as_given(fake_omics: FakeOmics, omics: Any) -> None:
    canned = fake_omics.add_response("GetReferenceStore", STORE)

    returned = omics.get_reference_store(id=STORE_ID)

    assert _without_metadata(returned) == STORE
    assert returned["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert canned.fired == 1
    assert fake_omics.get_call("GetReferenceStore").params == {"id": STORE_ID}


def test_iso_strings_for_timestamps_and_response_metadata_ignored(
    fake_omics: FakeOmics, omics: Any
) -> None:
    fake_omics.add_response(
        "GetReferenceStore",
        {**STORE, "creationTime": "2026-01-02T03:04:05.678Z", "ResponseMetadata": {"x": 1}},
    )

    returned = omics.get_reference_store(id=STORE_ID)

    assert returned["creationTime"] == STORE["creationTime"]


def test_the_model_success_status_is_sent(fake_omics: FakeOmics, omics: Any) -> None:
    if "CreateConfiguration" not in omics.meta.service_model.operation_names:
        pytest.skip("run configurations are newer than this botocore")
    fake_omics.add_response("CreateConfiguration", {"name": "gpu", "status": "CREATING"})
    fake_omics.add_response("DeleteConfiguration", {})

    created = omics.create_configuration(name="gpu", runConfigurations={}, requestId="r1")
    deleted = omics.delete_configuration(name="gpu")

    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (created["name"], created["status"]) == ("gpu", "CREATING")


def test_params_narrow_which_requests_a_response_answers(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_response(
        "GetReferenceStore", {**STORE, "name": "a"}, params={"id": "1000000001"}, times=None
    )
    fake_omics.add_response(
        "GetReferenceStore", {**STORE, "name": "b"}, params={"id": "1000000002"}, times=None
    )

    assert [
        omics.get_reference_store(id=i)["name"] for i in ("1000000002", "1000000001", "1000000002")
    ] == ["b", "a", "b"]


def test_responses_are_consulted_in_order_and_used_up(fake_omics: FakeOmics, omics: Any) -> None:
    first = fake_omics.add_response("GetReferenceStore", {**STORE, "name": "first"}, times=2)
    later = fake_omics.add_response("GetReferenceStore", {**STORE, "name": "later"}, times=None)

    names = [omics.get_reference_store(id=STORE_ID)["name"] for _ in range(4)]

    assert names == ["first", "first", "later", "later"]
    assert (first.fired, later.fired) == (2, 2)


def test_a_list_parameter_is_matched_as_a_list(fake_omics: FakeOmics, omics: Any) -> None:
    arn = UNHELD_ARN
    fake_omics.add_response(
        "UntagResource", {}, params={"resourceArn": arn, "tagKeys": ["a", "b"]}, times=1
    )

    omics.untag_resource(resourceArn=arn, tagKeys=["a", "b"])

    assert fake_omics.get_call("UntagResource").params["tagKeys"] == ["a", "b"]


@pytest.mark.fake_omics(assert_all_requests_served=False, assert_all_errors_fired=False)
def test_a_miss_is_explained(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_response("GetReferenceStore", STORE, params={"id": "9000000009"})
    used = fake_omics.add_response("GetReferenceStore", STORE)
    omics.get_reference_store(id="1000000001")  # uses up the second
    read_set = {"id": "1234567890", "sequenceStoreId": "1234567890", "partNumber": 1}
    fake_omics.add_response("GetReadSet", {"payload": b"A"}, params={"file": "INDEX"}, times=None)

    with pytest.raises(UnservedRequestError) as raised:
        omics.get_reference_store(id=STORE_ID)
    with pytest.raises(UnservedRequestError) as unasked:
        omics.get_read_set(**read_set)

    assert used.fired == 1
    assert str(raised.value).splitlines()[:4] == [
        "pytest-omics-cache does not serve omics GetReferenceStore (GET"
        " https://control-storage-omics.us-east-1.amazonaws.com/referencestore/1234567890): none"
        " of the 2 queued GetReferenceStore response(s) matches:",
        "  1. GetReferenceStore response for params={'id': '9000000009'}: fired 0 of 1 time(s):"
        " the request has id='1234567890', not '9000000009'",
        "  2. GetReferenceStore response: fired 1 of 1 time(s): used up",
        'To serve it, queue an answer: fake_omics.add_response("GetReferenceStore", {...},'
        " params={'id': '1234567890'}), {...} being the GetReferenceStoreResponse members as"
        " boto3 returns them.",
    ]
    assert str(unasked.value).splitlines()[1] == (
        "  1. GetReadSet response for params={'file': 'INDEX'}: fired 0 time(s), no limit: the"
        " request has no file (expected 'INDEX')"
    )


def test_a_bad_request_is_the_services_validation_error_not_the_canned_answer(
    fake_omics: FakeOmics, make_client: Any
) -> None:
    from botocore.config import Config

    canned = fake_omics.add_response("GetReferenceStore", STORE, times=None)
    client = make_client(config=Config(parameter_validation=False))

    with pytest.raises(client.exceptions.ValidationException) as raised:
        client.get_reference_store(id="not-digits")

    assert raised.value.response["Error"]["Message"] == (
        "1 validation error detected: Value 'not-digits' at 'id' failed to satisfy constraint:"
        " Member must satisfy regular expression pattern: [0-9]+"
    )
    assert canned.fired == 0


def test_errors_and_faults_on_an_operation_the_registry_does_not_serve(
    fake_omics: FakeOmics, omics: Any
) -> None:
    fake_omics.add_response("GetReferenceStore", STORE, times=None)
    throttle = fake_omics.add_error(
        "ThrottlingException", operation="GetReferenceStore", id=STORE_ID
    )
    fault = fake_omics.add_fault("read-timeout", operation="GetReferenceStore", after=1)

    assert (
        omics.get_reference_store(id=STORE_ID)["name"] == "grch38"
    )  # throttled once, then retried
    assert (
        omics.get_reference_store(id=STORE_ID)["name"] == "grch38"
    )  # a read timeout, then retried

    assert (throttle.fired, fault.fired) == (1, 1)
    assert [(c.status_code, c.error_code, c.fault) for c in fake_omics.get_calls()] == [
        (429, "ThrottlingException", None),
        (200, None, None),
        (None, None, "read-timeout"),
        (200, None, None),
    ]


def test_an_error_the_operation_does_not_declare_is_refused(fake_omics: FakeOmics) -> None:
    with pytest.raises(ValueError, match=r"^add_error: 'RangeNotSatisfiableException' is not") as e:
        fake_omics.add_error("RangeNotSatisfiableException", operation="GetReferenceStore")

    assert "is not an error GetReferenceStore answers with (per the botocore model)" in str(e.value)
    fake_omics.add_error("RangeNotSatisfiableException", operation="GetReadSet", times=None)


def test_a_fault_on_an_unserved_operation_is_botocores_exception(
    fake_omics: FakeOmics, make_client: Any
) -> None:
    from botocore.config import Config

    client = make_client(config=Config(retries={"total_max_attempts": 1}))
    fake_omics.add_fault("read-timeout", operation="ListReferenceStores")

    with pytest.raises(ReadTimeoutError):
        client.list_reference_stores()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda f: f.add_response("get_reference_store", STORE),
            "add_response: operation='get_reference_store' is not an omics operation. Did you"
            " mean 'GetReferenceStore'? Operations are named as in the botocore model (e.g."
            " 'GetRunCache'), or None for all of them.",
        ),
        (
            lambda f: f.add_response("GetRunCache", {}),
            "add_response: GetRunCache is served from the fake's registry, so a canned answer"
            " would contradict it; seed the registry instead (add_run_cache(...)), or inject a"
            " failure with add_error / add_fault",
        ),
        (
            lambda f: f.add_response("GetReferenceStore", ["not", "a", "dict"]),
            "add_response: response=['not', 'a', 'dict'] must be a dict",
        ),
        (
            lambda f: f.add_response("GetReferenceStore", STORE, params={"ident": "1"}),
            "add_response: params names 'ident', which GetReferenceStore requests do not have;"
            " their parameters are: id",
        ),
        (
            lambda f: f.add_response("GetReferenceStore", STORE, params={"id": "abc"}),
            "add_response: params could never match a valid request: id='abc' breaks the rule"
            " 'Member must satisfy regular expression pattern: [0-9]+' (botocore omics model,"
            " shape ReferenceStoreId); id='abc' breaks the rule 'Member must have length greater"
            " than or equal to 10' (botocore omics model, shape ReferenceStoreId)",
        ),
        (
            lambda f: f.add_response("GetReferenceStore", STORE, times=0),
            "add_response: times=0 must be a positive int, or None for always",
        ),
        (
            lambda f: f.add_response("DeleteReferenceStore", {"id": "1"}),
            "add_response: invalid DeleteReferenceStore response: id='1': DeleteReferenceStore has"
            " no output members",
        ),
        (
            lambda f: f.add_response(
                "GetReferenceStore", {**STORE, "creationTime": datetime(2026, 1, 1)}
            ),
            "add_response: invalid GetReferenceStore response:"
            " creationTime=datetime.datetime(2026, 1, 1, 0, 0) breaks the rule 'Member must be a"
            " timezone-aware datetime or an ISO-8601 string' (botocore omics model, shape"
            " SyntheticTimestamp_date_time)",
        ),
        (
            lambda f: f.add_response("GetReferenceStore", {**STORE, "name": None}),
            "add_response: invalid GetReferenceStore response: name=None breaks the rule 'Member"
            " must not be None (leave an unset member out)' (botocore omics model, shape"
            " GetReferenceStoreResponse)",
        ),
        (
            lambda f: f.add_response(
                "ListReferenceStores", {"referenceStores": [STORE, {"id": "x", "arn": "a"}]}
            ),
            "add_response: invalid ListReferenceStores response:"
            " referenceStores.2.creationTime=None breaks the rule 'Member must not be null'"
            " (botocore omics model, shape SyntheticTimestamp_date_time);"
            " referenceStores.2.arn='a' breaks the rule 'Member must satisfy regular expression"
            " pattern: arn:.+' (botocore omics model, shape ReferenceStoreArn);"
            " referenceStores.2.id='x' breaks the rule 'Member must satisfy regular expression"
            " pattern: [0-9]+' (botocore omics model, shape ReferenceStoreId);"
            " referenceStores.2.id='x' breaks the rule 'Member must have length greater than or"
            " equal to 10' (botocore omics model, shape ReferenceStoreId)",
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


def lookup(client, store_id):
    try:
        return client.get_reference_store(id=store_id)["name"]
    except Exception:  # the code under test swallows every error
        return None


def test_swallowed(fake_omics):
    client = boto3.client("omics", region_name="us-east-1")
    assert lookup(client, "4200000042") is None  # passes: the error was swallowed


def test_unused_response(fake_omics):
    store = {
        "id": "4200000042",
        "arn": "arn:aws:omics:us-east-1:123456789012:referenceStore/4200000042",
        "creationTime": "2026-01-02T03:04:05Z",
    }
    fake_omics.add_response("GetReferenceStore", store, params={"id": "4200000042"})
    fake_omics.add_response("ListReferenceStores", {"referenceStores": []}, times=None)


@pytest.mark.fake_omics(assert_all_requests_served=False)
def test_opted_out(fake_omics):
    client = boto3.client("omics", region_name="us-east-1")
    assert lookup(client, "4200000042") is None
"""


def test_unserved_and_unused_fail_the_test_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(TEARDOWN)

    result = pytester.runpytest("-p", "no:cacheprovider", "-rN")

    result.assert_outcomes(passed=3, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at teardown of test_swallowed _*",
            "E   AssertionError: fake_omics: 1 request(s) were not served:",
            "*  - GetReferenceStore(id='4200000042') in us-east-1 -> unserved",
            "*  The code under test got UnservedRequestError for each (and may have caught it)."
            " Queue an answer with fake_omics.add_response(...), or if that is intended, opt out"
            " with @pytest.mark.fake_omics(assert_all_requests_served=False) or the ini option"
            " fake_omics_assert_all_requests_served = false.",
            "*_ ERROR at teardown of test_unused_response _*",
            "E   AssertionError: fake_omics: 1 queued response(s) did not fire as often as asked:",
            "*  - GetReferenceStore response for params={'id': '4200000042'}: fired 0 of 1 time(s)",
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
        fake.add_response("GetReferenceStore", STORE, params={"id": "9000000009"})
        with pytest.raises(UnservedRequestError):
            omics.list_reference_stores()

    assert str(fake._teardown_error()) == (
        "fake_omics: 1 request(s) were not served:\n"
        "  - ListReferenceStores() in us-east-1 -> unserved\n"
        "The code under test got UnservedRequestError for each (and may have caught it). Queue an"
        " answer with fake_omics.add_response(...), or if that is intended, opt out with"
        " @pytest.mark.fake_omics(assert_all_requests_served=False) or the ini option"
        " fake_omics_assert_all_requests_served = false.\n"
        "fake_omics: 2 injected error(s)/fault(s) and queued response(s) did not fire as often as"
        " asked:\n"
        "  - ThrottlingException on GetRunCache id='1': fired 0 of 1 time(s) (it was aimed at"
        " GetRunCache; the code under test called ListReferenceStores: pass operation= to aim it"
        " there, or operation=None for every operation)\n"
        "  - GetReferenceStore response for params={'id': '9000000009'}: fired 0 of 1 time(s)\n"
        "Each injection or queued response with a finite `times` must fire that often. If that is"
        " intended, pass times=None, or opt out with"
        " @pytest.mark.fake_omics(assert_all_errors_fired=False) or the ini option"
        " fake_omics_assert_all_errors_fired = false."
    )


@pytest.mark.fake_omics(assert_all_requests_served=False)
def test_an_unserved_request_is_a_recorded_call(fake_omics: FakeOmics, omics: Any) -> None:
    with pytest.raises(UnservedRequestError):
        omics.get_reference_store(id="7000000007")

    call = fake_omics.get_call("GetReferenceStore")

    assert (call.unserved, call.status_code, call.error_code, call.params) == (
        True,
        None,
        None,
        {"id": "7000000007"},
    )
    assert call.describe() == "GetReferenceStore(id='7000000007') in us-east-1 -> unserved"


def test_a_streaming_payload_reads_as_from_aws(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_response("GetReadSet", {"payload": b"ACGTACGT"}, times=2)
    ids = {"id": "1234567890", "sequenceStoreId": "1234567890", "partNumber": 1}

    whole = omics.get_read_set(**ids)["payload"].read()
    chunks = list(omics.get_read_set(**ids)["payload"].iter_chunks(3))

    assert (whole, chunks) == (b"ACGTACGT", [b"ACG", b"TAC", b"GT"])


def test_canned_answers_on_async_clients(fake_omics: FakeOmics) -> None:
    session_module = pytest.importorskip("aiobotocore.session")
    fake_omics.add_response("GetReferenceStore", STORE)
    fake_omics.add_response("GetReadSet", {"payload": b"ACGT"})

    async def scenario() -> tuple[dict[str, Any], bytes]:
        async with session_module.get_session().create_client(
            "omics", region_name="us-east-1"
        ) as client:
            store = await client.get_reference_store(id=STORE_ID)
            read_set = await client.get_read_set(
                id="1234567890", sequenceStoreId="1234567890", partNumber=1
            )
            return dict(store), await read_set["payload"].read()

    store, payload = asyncio.run(scenario())

    assert _without_metadata(store) == STORE
    assert payload == b"ACGT"


def test_canned_answers_over_raw_http(fake_omics: FakeOmics) -> None:
    fake_omics.add_response("GetReferenceStore", STORE, params={"id": STORE_ID})
    url = f"https://control-storage-omics.us-east-1.amazonaws.com/referencestore/{STORE_ID}"
    request = AWSRequest(method="GET", url=url)
    SigV4Auth(Credentials("AKIDRAW", "secret"), "omics", "us-east-1").add_auth(request)

    response = requests.get(url, headers=dict(request.headers), timeout=5)

    assert response.status_code == 200
    assert response.json()["creationTime"] == "2026-01-02T03:04:05.678000Z"
    assert response.json()["name"] == "grch38"


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
    arn = "arn:aws:omics:us-east-1:123456789012:sequenceStore/1234567890/readSet/1234567890"
    fake_omics.add_response(
        "ListTagsForResource", {"tags": {"v": "1"}}, params={"resourceArn": arn}
    )

    assert omics.list_tags_for_resource(resourceArn=arn)["tags"] == {"v": "1"}


def test_params_are_matched_as_read_from_the_wire(fake_omics: FakeOmics, omics: Any) -> None:
    arn = UNHELD_ARN
    fake_omics.add_response("UntagResource", {}, params={"resourceArn": arn, "tagKeys": ("a",)})

    omics.untag_resource(resourceArn=arn, tagKeys=["a"])  # a tuple given, a list read: a match

    with pytest.raises(ValueError, match=r"^add_response: params cannot match on payload, a blob"):
        fake_omics.add_response("UploadReadSetPart", {"checksum": "c"}, params={"payload": b"zip"})
