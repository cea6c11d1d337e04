"""Property-based: whatever arrives at the fake, through botocore that does not validate or as raw
HTTP, gets a service-shaped answer (issue 25): a success, or the service's error with a code the
model gives the operation, ValidationException or SerializationException; never a 5xx of the
fake's own, never an exception raised out of the fake.

Arbitrary JSON values, nesting depths, numbers of any number of digits and any text go into every
member of every operation the fake serves (``_service.HANDLERS``), and, raw, into its URI labels,
query strings and bodies (bytes that are no JSON too).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import boto3
import requests
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pytest_omics_cache import FakeOmics, UnservedRequestError, mock_omics
from pytest_omics_cache._service import HANDLERS, OmicsService
from pytest_omics_cache._wire import model as _model
from pytest_omics_cache._wire import protocol as _protocol

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BASE = "https://workflows-omics.us-east-1.amazonaws.com"
# Those this botocore has (the oldest supported one has no workflow versions).
OPERATIONS = sorted(set(HANDLERS) & set(_model.operation_names()))
TAGS = {"TagResource", "UntagResource", "ListTagsForResource"}
CACHE, RUN, TASK = "1234567", "4242", "5151"
WORKFLOW, VERSION, GROUP = "1234", "v1", "7777777"
READABLE = {"SerializationException", "ValidationException"}

CLIENT = boto3.session.Session().client(
    "omics",
    region_name="us-east-1",
    # Send whatever the test gives, as a client that does not validate would; one attempt.
    config=Config(parameter_validation=False, retries={"total_max_attempts": 1}),
)


def _nested(depth: int) -> Any:
    value: Any = {}
    for level in range(depth):
        value = {"a": value} if level % 2 else [value]
    return value


# botocore cannot encode lone surrogates; raw bodies get them as bytes below.
text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40)
digits = st.integers(min_value=1, max_value=6000).map(lambda n: "9" * n)
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    # Up to Python's int-to-text limit (4300 digits); longer numbers only as raw text, below.
    st.integers(min_value=4000, max_value=4300).map(lambda n: 10**n // 3),
    st.floats(),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, text)
trees = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3)),
    max_leaves=8,
)
# Around the documents' limit (100), and past what botocore's encoder writes (about 990).
json_values = st.one_of(trees, st.integers(min_value=1, max_value=1200).map(_nested))
ids = st.one_of(st.sampled_from([CACHE, RUN, TASK, WORKFLOW, VERSION, GROUP, ""]), text, digits)
arns = st.one_of(
    st.sampled_from(
        [
            f"arn:aws:omics:us-east-1:123456789012:runCache/{CACHE}",
            f"arn:aws:omics:us-east-1:123456789012:run/{RUN}",
            f"arn:aws:omics:us-east-1:123456789012:workflow/{WORKFLOW}",
            f"arn:aws:omics:us-east-1:123456789012:workflow/{WORKFLOW}/version/{VERSION}",
            f"arn:aws:omics:us-east-1:123456789012:runGroup/{GROUP}",
            "arn:aws:omics:eu-west-1:123456789012:run/1",
        ]
    ),
    text,
)


def _allowed(operation: str) -> set[str]:
    model = _protocol.spec(operation).model
    return READABLE | {shape.name for shape in model.error_shapes}


def _seeded(fake: FakeOmics) -> None:
    fake.add_run_cache(id=CACHE)
    fake.add_workflow(id=WORKFLOW, parameterTemplate={"reads": {"optional": True}})
    if "GetWorkflowVersion" in OPERATIONS:
        fake.add_workflow_version(workflowId=WORKFLOW, versionName=VERSION)
    fake.add_run_group(id=GROUP)
    fake.add_run(id=RUN, workflowId=WORKFLOW, cacheId=CACHE, tasks=[{"taskId": TASK}])


def _through_fake(error: BaseException) -> bool:
    """Whether ``error`` came out of the fake's request path (not botocore's own serializer
    refusing what it was given before anything was sent)."""
    seen: BaseException | None = error
    while seen is not None:
        trace = seen.__traceback__
        while trace is not None:
            if trace.tb_frame.f_code is OmicsService.handle.__code__:
                return True
            trace = trace.tb_next
        seen = seen.__cause__ or seen.__context__
    return False


def _unserved_is_a_tag_of_nothing_held(operation: str, error: UnservedRequestError) -> None:
    # Tags of a resource type the fake holds nothing of are add_response's (none queued here).
    assert operation in TAGS, error
    assert "no response is queued for" in str(error), error


def _all_served(fake: FakeOmics) -> None:
    for call in fake.get_calls():
        assert call.unserved or (call.status_code is not None and call.status_code < 500), call


# --- botocore, not validating -----------------------------------------------------------------


CACHE_ARN = f"arn:aws:omics:us-east-1:123456789012:runCache/{CACHE}"
#: A valid call of each operation on the seeded resources: each example changes some of it.
VALID: dict[str, dict[str, Any]] = {
    "CreateRunCache": {"cacheS3Location": "s3://bucket/cache"},
    "GetRunCache": {"id": CACHE},
    "UpdateRunCache": {"id": CACHE, "name": "n"},
    "DeleteRunCache": {"id": CACHE},
    "ListRunCaches": {},
    "CreateWorkflow": {"definitionUri": "s3://bucket/main.wdl", "requestId": "r"},
    "GetWorkflow": {"id": WORKFLOW},
    "UpdateWorkflow": {"id": WORKFLOW, "name": "n"},
    "DeleteWorkflow": {"id": WORKFLOW},
    "ListWorkflows": {},
    "CreateWorkflowVersion": {
        "workflowId": WORKFLOW,
        "versionName": "v2",
        "definitionUri": "s3://bucket/main.wdl",
        "requestId": "r",
    },
    "GetWorkflowVersion": {"workflowId": WORKFLOW, "versionName": VERSION},
    "UpdateWorkflowVersion": {"workflowId": WORKFLOW, "versionName": VERSION, "description": "d"},
    "DeleteWorkflowVersion": {"workflowId": WORKFLOW, "versionName": VERSION},
    "ListWorkflowVersions": {"workflowId": WORKFLOW},
    "CreateRunGroup": {"requestId": "r", "maxCpus": 8},
    "GetRunGroup": {"id": GROUP},
    "UpdateRunGroup": {"id": GROUP, "maxRuns": 2},
    "DeleteRunGroup": {"id": GROUP},
    "ListRunGroups": {},
    "StartRun": {
        "workflowId": WORKFLOW,
        "roleArn": "arn:aws:iam::123456789012:role/omics",
        "outputUri": "s3://bucket/out",
        "parameters": {"reads": "s3://bucket/r.bam"},
    },
    "GetRun": {"id": RUN},
    "ListRuns": {},
    "CancelRun": {"id": RUN},
    "DeleteRun": {"id": RUN},
    "GetRunTask": {"id": RUN, "taskId": TASK},
    "ListRunTasks": {"id": RUN},
    "TagResource": {"resourceArn": CACHE_ARN, "tags": {"k": "v"}},
    "UntagResource": {"resourceArn": CACHE_ARN, "tagKeys": ["k"]},
    "ListTagsForResource": {"resourceArn": CACHE_ARN},
}


@st.composite
def botocore_calls(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    operation = draw(st.sampled_from(OPERATIONS))
    spec = _protocol.spec(operation)
    params = dict(VALID[operation])
    for name, shape in spec.input_shape.members.items():  # type: ignore[attr-defined]
        if draw(st.integers(min_value=0, max_value=3)) != 0:
            continue  # most members stay as they are, so examples get past the first check
        if shape.serialization.get("location") == "uri":
            # Always given: botocore cannot even build a URL without its labels.
            params[name] = draw(arns if name == "resourceArn" else ids)
        elif draw(st.booleans()):
            params[name] = draw(st.one_of(json_values, digits))
        else:
            params.pop(name, None)
    return operation, params


@SETTINGS
@given(call=botocore_calls())
def test_botocore_sending_anything_gets_a_service_answer(call: tuple[str, dict[str, Any]]) -> None:
    operation, params = call
    method = getattr(CLIENT, _snake(operation))
    with mock_omics(assert_all_requests_served=False) as fake:
        _seeded(fake)
        outcome = _outcome(lambda: method(**params))
        event(_kind(outcome))  # what the examples came to: --hypothesis-show-statistics
        if isinstance(outcome, ClientError):
            answer: Any = outcome.response
            assert answer["Error"]["Code"] in _allowed(operation), answer
            assert 400 <= answer["ResponseMetadata"]["HTTPStatusCode"] < 500, answer
            assert isinstance(answer["Error"]["Message"], str), answer
        elif isinstance(outcome, UnservedRequestError):
            _unserved_is_a_tag_of_nothing_held(operation, outcome)
        elif isinstance(outcome, Exception):
            # botocore's own serializer may refuse what it is given: nothing was sent then.
            assert not _through_fake(outcome), f"{operation} raised out of the fake: {outcome!r}"
        else:
            assert outcome["ResponseMetadata"]["HTTPStatusCode"] < 300
        _all_served(fake)


def _kind(outcome: object) -> str:
    if isinstance(outcome, ClientError):
        return str(outcome.response["Error"]["Code"])
    if isinstance(outcome, requests.Response) and outcome.status_code >= 300:
        return outcome.headers.get("x-amzn-ErrorType", str(outcome.status_code))
    return type(outcome).__name__ if isinstance(outcome, Exception) else "success"


def _outcome(call: Callable[[], Any]) -> Any:
    """What ``call`` returns, or the exception it raises."""
    try:
        return call()
    except Exception as error:
        return error


def _snake(operation: str) -> str:
    from botocore import xform_name

    return xform_name(operation)


# --- raw HTTP ------------------------------------------------------------------------------------

#: JSON text of a value, including what botocore would never write: numbers of any length,
#: nesting deeper than any decoder goes, NaN.
raw_values = st.one_of(
    # json.dumps goes only so deep: the raw nestings below go deeper.
    st.one_of(trees, st.integers(min_value=1, max_value=500).map(_nested)).map(json.dumps),
    digits,
    digits.map(lambda n: "-" + n + ".5e3"),
    st.integers(min_value=1, max_value=6000).map(lambda d: "[" * d + "]" * d),
    st.integers(min_value=1, max_value=6000).map(lambda d: '{"a":' * d + "1" + "}" * d),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "nul", '"\\ud800"', '"\\x"', "01", "1."]),
)


@st.composite
def bodies(draw: st.DrawFn, operation: str) -> bytes:
    wire_names = [wire for _, wire in _protocol.spec(operation).body_members]
    kind = draw(st.sampled_from(["object", "value", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=80))
    if kind == "value":
        value: str = draw(raw_values)
        return value.encode()
    names = draw(st.lists(st.one_of(st.sampled_from(wire_names or ["x"]), text), max_size=5))
    members = ", ".join(f"{json.dumps(name)}: {draw(raw_values)}" for name in names)
    tail = draw(st.sampled_from(["", "", " ", "x", ",", "\xff"]))
    return ("{" + members + "}").encode() + tail.encode("latin-1")


@st.composite
def raw_requests(draw: st.DrawFn) -> tuple[str, str, str, bytes]:
    operation = draw(st.sampled_from(OPERATIONS))
    spec = _protocol.spec(operation)
    path = spec.model.http["requestUri"].split("?", 1)[0]
    for _, wire in spec.uri_members:
        label = draw(arns) if wire == "resourceArn" else draw(ids)
        path = path.replace("{" + wire + "}", quote(label, safe=""))
    query = [
        f"{quote(wire)}={quote(draw(st.one_of(text, digits, st.sampled_from(['-1', '+5', '']))))}"
        for _, wire, _ in spec.query_members
        if draw(st.booleans())
    ]
    url = BASE + path + ("?" + "&".join(query) if query else "")
    return operation, spec.method, url, draw(bodies(operation))


@SETTINGS
@given(request=raw_requests())
def test_raw_http_sending_anything_gets_a_service_answer(
    request: tuple[str, str, str, bytes],
) -> None:
    operation, method, url, body = request
    with mock_omics(assert_all_requests_served=False) as fake:
        _seeded(fake)
        response = _outcome(lambda: requests.request(method, url, data=body, timeout=10))
        event(_kind(response))
        if isinstance(response, UnservedRequestError):
            _unserved_is_a_tag_of_nothing_held(operation, response)
        else:
            # Any other exception (of the fake, or of requests for a URL it built) fails here.
            assert isinstance(response, requests.Response), repr(response)
            assert response.status_code < 500, (response.status_code, response.content)
            if response.status_code >= 300:
                assert response.headers["x-amzn-ErrorType"] in _allowed(operation), response.text
                assert isinstance(response.json()["message"], str)
            elif response.content:
                json.loads(response.content)
        _all_served(fake)
