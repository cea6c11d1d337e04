"""Bad requests get the service's answer, never a crash of the fake (issue 25): numbers of
thousands of digits, JSON nested thousands deep, bodies the service cannot read; and seeds that
could never go on the wire are a ValueError at the test author's line.

Each case goes through every transport that can send it: botocore (``parameter_validation=False``,
so what the test gives is what goes on the wire), aiobotocore, raw ``requests``, and the loopback
endpoint (raw HTTP, as another process would send it).
"""

from __future__ import annotations

import http.client
import json
import math
import reprlib
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import boto3
import botocore.session
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from pytest_omics_cache import FakeOmics
from pytest_omics_cache._core.calls import Call

BASE = "https://workflows-omics.us-east-1.amazonaws.com"
#: What goes on the wire is what the test gives; one attempt, so each case is one call.
UNCHECKED = Config(parameter_validation=False, retries={"total_max_attempts": 1})
SYNC_TRANSPORTS = ["botocore", "requests", "endpoint"]

#: botocore's model before StartRun's engineSettings (1.35.66) has one document member fewer.
_WITHOUT_ENGINE_SETTINGS = pytest.mark.skipif(
    "engineSettings"
    not in botocore.session.get_session()
    .get_service_model("omics")
    .operation_model("StartRun")
    .input_shape.members,
    reason="this botocore's omics model has no engineSettings",
)
DIGITS = "9" * 5000
RUN = "4242"
START = {
    "workflowId": "1234",
    "roleArn": "arn:aws:iam::123456789012:role/omics",
    "outputUri": "s3://bucket/out",
    "requestId": "r-1",
}


def _seed_workflow(fake: FakeOmics) -> None:
    """The workflow ``START`` runs, taking the parameters these tests give."""
    optional = {"optional": True}
    fake.add_workflow(
        id=START["workflowId"], parameterTemplate={"deep": optional, "flat": optional}
    )


DEPTH_MESSAGE = (
    "1 validation error detected: Value '{...}' at 'parameters' failed to satisfy constraint:"
    " Member must have a nesting depth less than or equal to 100"
)


class Answer(NamedTuple):
    status: int
    code: str | None
    message: str | None


def nested(depth: int, inner: object = None) -> Any:
    """``depth`` levels of dicts and lists in turn, a dict outermost, ``inner`` (else an empty
    dict, the last level) innermost; built without recursion."""
    levels = depth if inner is not None else depth - 1
    value: Any = inner if inner is not None else {}
    for level in range(levels):
        value = {"a": value} if (levels - level) % 2 else [value]
    return value


#: Deeper than any CPython's JSON decoder and repr go (3.13 goes far deeper than 3.11's 1,000
#: frames, but not this far), yet a body well under the endpoint's 10 MiB limit.
BEYOND_ANY_DECODER = 300_000


def nested_text(depth: int) -> str:
    return '{"a":' * (depth - 1) + "{}" + "}" * (depth - 1)


def _from_error(error: ClientError) -> Answer:
    response: Any = error.response
    return Answer(
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


def _from_http(status: int, headers: Any, raw: bytes) -> Answer:
    body = json.loads(raw) if raw else {}
    return Answer(status, headers.get("x-amzn-ErrorType"), body.get("message"))


def botocore_call(make_client: Callable[..., Any], method: str, **params: Any) -> Answer:
    client = make_client(config=UNCHECKED)
    try:
        response = getattr(client, method)(**params)
    except ClientError as error:
        return _from_error(error)
    return Answer(response["ResponseMetadata"]["HTTPStatusCode"], None, None)


async def aiobotocore_call(method: str, **params: Any) -> Answer:
    # The environments on the oldest and newest botocore have no aiobotocore (its botocore pin
    # would not allow them): there, these cases skip, as tests/test_async.py does.
    session = pytest.importorskip("aiobotocore.session")

    async with session.get_session().create_client(
        "omics", region_name="us-east-1", config=UNCHECKED
    ) as client:
        try:
            response = await getattr(client, method)(**params)
        except ClientError as error:
            return _from_error(error)
    return Answer(response["ResponseMetadata"]["HTTPStatusCode"], None, None)


def raw_call(method: str, path: str, body: bytes = b"") -> Answer:
    """A ``requests`` call signed as tools that skip boto3 sign it."""
    url = BASE + path
    request = AWSRequest(method=method, url=url, data=body)
    SigV4Auth(Credentials("AKIDRAWCALLER", "secret"), "omics", "us-east-1").add_auth(request)
    response = requests.request(method, url, headers=dict(request.headers), data=body, timeout=10)
    return _from_http(response.status_code, response.headers, response.content)


def endpoint_call(fake: FakeOmics, method: str, path: str, body: bytes = b"") -> Answer:
    url = urlsplit(fake.endpoint_url)
    assert url.hostname is not None
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    scope = "AWS4-HMAC-SHA256 Credential=AKID/20261130/us-east-1/omics/aws4_request, Signature=0"
    try:
        connection.request(method, url.path + path, body=body, headers={"Authorization": scope})
        response = connection.getresponse()
        return _from_http(response.status, response.headers, response.read())
    finally:
        connection.close()


def over(
    transport: str,
    fake: FakeOmics,
    make_client: Callable[..., Any],
    wire: tuple[str, str, bytes],
    method: str,
    **params: Any,
) -> Answer:
    """The answer to one request through ``transport``: ``wire`` (HTTP method, path, body) for
    the raw ones, the client ``method`` with ``params`` for botocore."""
    if transport == "botocore":
        return botocore_call(make_client, method, **params)
    if transport == "requests":
        return raw_call(*wire)
    return endpoint_call(fake, *wire)


# --- 3. integers of thousands of digits ------------------------------------------------------

LISTS = [
    ("ListRunCaches", "list_run_caches", {}, "/runCache"),
    ("ListRuns", "list_runs", {}, "/run"),
    ("ListRunTasks", "list_run_tasks", {"id": RUN}, f"/run/{RUN}/task"),
]
NOT_AN_INTEGER = Answer(400, "ValidationException", f"'{DIGITS}' is not a valid integer")


@pytest.mark.parametrize("transport", SYNC_TRANSPORTS)
@pytest.mark.parametrize(("operation", "method", "params", "path"), LISTS)
def test_a_page_size_of_thousands_of_digits_is_a_validation_error(
    fake_omics: FakeOmics,
    make_client: Callable[..., Any],
    transport: str,
    operation: str,
    method: str,
    params: dict[str, str],
    path: str,
) -> None:
    fake_omics.add_run(id=RUN, workflowId="1234")
    wire = ("GET", f"{path}?maxResults={DIGITS}", b"")

    answer = over(transport, fake_omics, make_client, wire, method, maxResults=DIGITS, **params)

    assert answer == NOT_AN_INTEGER
    call = fake_omics.get_call(operation)
    assert (call.status_code, call.error_code, call.transport) == (
        400,
        "ValidationException",
        transport,
    )


@pytest.mark.asyncio
@pytest.mark.parametrize(("operation", "method", "params", "path"), LISTS)
async def test_a_page_size_of_thousands_of_digits_over_aiobotocore(
    fake_omics: FakeOmics, operation: str, method: str, params: dict[str, str], path: str
) -> None:
    fake_omics.add_run(id=RUN, workflowId="1234")

    answer = await aiobotocore_call(method, maxResults=DIGITS, **params)

    assert answer == NOT_AN_INTEGER
    assert fake_omics.get_call(operation).transport == "aiobotocore"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        # The model's integer is 32-bit: a value beyond it is no integer to the service.
        (
            "2147483647",
            "1 validation error detected: Value '2147483647' at 'maxResults' failed"
            " to satisfy constraint: Member must have value less than or equal to 100",
        ),
        ("2147483648", "'2147483648' is not a valid integer"),
        ("-2147483649", "'-2147483649' is not a valid integer"),
        (
            "-2147483648",
            "1 validation error detected: Value '-2147483648' at 'maxResults' failed"
            " to satisfy constraint: Member must have value greater than or equal to 1",
        ),
        ("+" + "0" * 4990 + "2147483648", f"'+{'0' * 4990}2147483648' is not a valid integer"),
    ],
)
def test_a_query_integer_is_read_within_the_models_integer(
    fake_omics: FakeOmics, raw: str, message: str
) -> None:
    assert raw_call("GET", f"/runCache?maxResults={raw.replace('+', '%2B')}") == Answer(
        400, "ValidationException", message
    )


def test_leading_zeros_do_not_make_a_query_integer_long(fake_omics: FakeOmics) -> None:
    fake_omics.add_run_cache()

    answer = raw_call("GET", f"/runCache?maxResults={'0' * 5000}1")

    assert answer == Answer(200, None, None)
    assert fake_omics.get_call().params == {"maxResults": 1}


@pytest.mark.parametrize("transport", ["requests", "endpoint"])
@pytest.mark.parametrize(
    ("member", "message"),
    [
        # Item 3: a number of more digits than Python reads.
        (f'"priority": {DIGITS}', "Number value length exceeds the maximum allowed"),
        # Item 4: a document deeper than the decoder goes.
        (
            f'"parameters": {nested_text(BEYOND_ANY_DECODER)}',
            "Document nesting depth exceeds the maximum allowed",
        ),
    ],
    ids=["digits", "depth"],
)
def test_a_body_the_decoder_cannot_read_is_an_unreadable_body(
    fake_omics: FakeOmics,
    make_client: Callable[..., Any],
    transport: str,
    member: str,
    message: str,
) -> None:
    body = json.dumps(START)[:-1] + f", {member}}}"

    answer = over(transport, fake_omics, make_client, ("POST", "/run", body.encode()), "")

    assert answer == Answer(400, "SerializationException", message)
    assert fake_omics.runs() == []
    assert fake_omics.get_call("StartRun").error_code == "SerializationException"


# --- 4. deep JSON ------------------------------------------------------------------------------


@pytest.mark.parametrize("transport", SYNC_TRANSPORTS)
def test_a_document_deeper_than_the_limit_is_the_services_validation_error(
    fake_omics: FakeOmics, make_client: Callable[..., Any], transport: str
) -> None:
    body = json.dumps({**START, "parameters": nested(500)}).encode()

    answer = over(
        transport,
        fake_omics,
        make_client,
        ("POST", "/run", body),
        "start_run",
        **START,
        parameters=nested(500),
    )

    assert answer == Answer(400, "ValidationException", DEPTH_MESSAGE)
    assert fake_omics.runs() == []
    call = fake_omics.get_call("StartRun")
    assert call.params["parameters"] == nested(500)
    assert call.describe().endswith(" in us-east-1 -> 400 ValidationException")


@pytest.mark.asyncio
async def test_a_document_deeper_than_the_limit_over_aiobotocore(fake_omics: FakeOmics) -> None:
    answer = await aiobotocore_call("start_run", **START, parameters=nested(500))

    assert answer == Answer(400, "ValidationException", DEPTH_MESSAGE)


@_WITHOUT_ENGINE_SETTINGS
@pytest.mark.parametrize("transport", SYNC_TRANSPORTS)
@pytest.mark.parametrize(("depth", "accepted"), [(100, True), (101, False)])
def test_documents_up_to_the_limit_start_a_run_that_gives_them_back(
    fake_omics: FakeOmics,
    make_client: Callable[..., Any],
    transport: str,
    depth: int,
    accepted: bool,
) -> None:
    document = {"deep": nested(depth - 1), "flat": [1, 2.5, "x", True, None]}
    settings = nested(depth)
    _seed_workflow(fake_omics)
    body = json.dumps({**START, "parameters": document, "engineSettings": settings}).encode()

    answer = over(
        transport,
        fake_omics,
        make_client,
        ("POST", "/run", body),
        "start_run",
        **START,
        parameters=document,
        engineSettings=settings,
    )

    if not accepted:
        assert answer == Answer(
            400,
            "ValidationException",
            "2 validation errors detected: Value '{...}' at 'parameters' failed to satisfy"
            " constraint: Member must have a nesting depth less than or equal to 100; Value"
            " '{...}' at 'engineSettings' failed to satisfy constraint: Member must have a"
            " nesting depth less than or equal to 100",
        )
        return
    assert answer.status == 201
    [run] = fake_omics.runs()
    client = make_client()
    returned = client.get_run(id=run["id"])
    assert (returned["parameters"], returned["engineSettings"]) == (document, settings)


def test_a_run_started_again_from_a_deep_one_has_its_own_copy(
    fake_omics: FakeOmics, make_client: Callable[..., Any]
) -> None:
    _seed_workflow(fake_omics)
    client = make_client()
    first = client.start_run(**START, parameters={"deep": nested(99)})["id"]

    again = client.start_run(**{**START, "requestId": "r-2"}, runId=first)["id"]

    runs = {run["id"]: run for run in fake_omics.runs()}
    assert runs[again]["parameters"] == {"deep": nested(99)}
    assert runs[again]["parameters"]["deep"] is not runs[first]["parameters"]["deep"]


def test_a_call_with_a_document_deeper_than_repr_goes_still_describes_itself() -> None:
    deep = nested(BEYOND_ANY_DECODER)
    call = Call("StartRun", {"parameters": deep}, "us-east-1", "1", 400, "X", "POST", "u", {})

    assert call.describe() == (f"StartRun(parameters={reprlib.repr(deep)}) in us-east-1 -> 400 X")


# --- 5. seeds that cannot go on the wire --------------------------------------------------------


class Opaque:
    def __repr__(self) -> str:
        return "Opaque()"


JSON_RULE = (
    "Member must be JSON: a dict with str keys, a list, a str, an int, a finite float, a bool"
    " or None"
)
FINITE_RULE = "Member must be JSON: a float must be finite (JSON has no NaN or Infinity)"


def _broken(path: str, shown: str, rule: str, shape: str = "RunParameters") -> str:
    return f"{path}={shown} breaks the rule '{rule}' (botocore omics model, shape {shape})"


def _rule(path: str, shown: str, rule: str, shape: str = "RunParameters") -> str:
    return "add_run: " + _broken(path, shown, rule, shape)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"parameters": {"a": Opaque()}}, _rule("parameters.a", "Opaque()", JSON_RULE)),
        ({"parameters": {"a": {1, 2}}}, _rule("parameters.a", "{1, 2}", JSON_RULE)),
        ({"parameters": {"a": b"x"}}, _rule("parameters.a", "b'x'", JSON_RULE)),
        ({"parameters": {"a": (1, 2)}}, _rule("parameters.a", "(1, 2)", JSON_RULE)),
        (
            {"parameters": {"a": [1, datetime(2026, 1, 1)]}},
            _rule("parameters.a.2", "datetime.datetime(2026, 1, 1, 0, 0)", JSON_RULE),
        ),
        (
            {"parameters": {"a": datetime(2026, 1, 1, tzinfo=timezone.utc)}},
            _rule(
                "parameters.a",
                "datetime.datetime(2026, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)",
                JSON_RULE,
            ),
        ),
        ({"parameters": {"a": math.nan}}, _rule("parameters.a", "nan", FINITE_RULE)),
        ({"parameters": [-math.inf]}, _rule("parameters.1", "-inf", FINITE_RULE)),
        (
            {"parameters": {1: "x"}},
            _rule("parameters[1]", "'x'", "Member must be JSON: a dict's keys must be str"),
        ),
        (
            {"parameters": {"a": 10**5000}},
            _rule(
                "parameters.a",
                "<an int of more than 4300 digits>",
                "Member must be JSON the fake can write: an int must have at most 4300 digits",
            ),
        ),
        (
            {"parameters": nested(101)},
            _rule(
                "parameters",
                "{...}",
                "Member must have a nesting depth less than or equal to 100",
            ),
        ),
        pytest.param(
            {"engineSettings": {"a": Opaque(), "b": [Opaque()]}},
            _rule("engineSettings.a", "Opaque()", JSON_RULE, "EngineSettings")
            + "; "
            + _broken("engineSettings.b.1", "Opaque()", JSON_RULE, "EngineSettings"),
            marks=_WITHOUT_ENGINE_SETTINGS,
        ),
        (
            {"parameters": [nested(5000, Opaque())]},
            _rule(
                "parameters",
                "[...]",
                "Member must have a nesting depth less than or equal to 100",
            ),
        ),
    ],
)
def test_a_document_seed_that_is_no_json_is_a_value_error(
    fake_omics: FakeOmics, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=r"^add_run: ") as raised:
        fake_omics.add_run(workflowId="1234", **fields)

    assert str(raised.value) == message
    assert fake_omics.runs() == []


@_WITHOUT_ENGINE_SETTINGS
def test_a_document_seed_of_every_json_type_up_to_the_limit_comes_back_as_given(
    fake_omics: FakeOmics, omics: Any
) -> None:
    document = {
        "text": "é",
        "int": -(10**300),
        "float": -0.5,
        "bool": False,
        "none": None,
        "list": [1, [2, {"k": "v"}]],
        "deep": nested(99),
    }

    run = fake_omics.add_run(workflowId="1234", parameters=document, engineSettings=[1])

    returned = omics.get_run(id=run["id"])
    assert (returned["parameters"], returned["engineSettings"]) == (document, [1])
    assert run["parameters"] == document


# --- 9. bodies the service cannot read ------------------------------------------------------------

CREATE = {"cacheS3Location": "s3://bucket/c", "requestId": "r-1"}


def _body(base: dict[str, Any], **members: str) -> bytes:
    """``base`` as JSON with ``members`` written in as raw JSON text."""
    text = json.dumps(base)[:-1]
    return (text + "".join(f', "{name}": {raw}' for name, raw in members.items()) + "}").encode()


UNREADABLE = [
    ("/runCache", b"{nope", "Unexpected character ('n' (code 110)) at line 1, column 2"),
    ("/runCache", b'{"name": "n"', "Unexpected end of input at line 1, column 13"),
    ("/runCache", b'{"name": "n', "Unexpected end of input at line 1, column 12"),
    (
        "/runCache",
        b'{"a": 1}\n {"b": 2}',
        "Unexpected character ('{' (code 123)) at line 2, column 2",
    ),
    (
        "/runCache",
        b'{"name": "a\x01"}',
        "Unexpected character (CTRL-CHAR, code 1) at line 1, column 12",
    ),
    ("/runCache", b'{"name": "\xff"}', "Invalid UTF-8 byte 0xff at line 1, column 11"),
    ("/runCache", b"[1, 2]", "Start of list found where not expected"),
    ("/runCache", b'"text"', "STRING_VALUE can not be converted to a Structure"),
    ("/runCache", b"12", "NUMBER_VALUE can not be converted to a Structure"),
    ("/runCache", _body(CREATE, name="NaN"), "Non-standard token 'NaN'"),
    ("/runCache", _body(CREATE, name="-Infinity"), "Non-standard token '-Infinity'"),
    ("/runCache", _body(CREATE, name="42"), "NUMBER_VALUE can not be converted to a String"),
    ("/runCache", _body(CREATE, name="true"), "BOOLEAN_VALUE can not be converted to a String"),
    (
        "/runCache",
        _body(CREATE, name='{"a": 1}'),
        "Start of structure or map found where not expected",
    ),
    ("/runCache", _body(CREATE, tags='["a"]'), "Start of list found where not expected"),
    ("/runCache", _body(CREATE, tags='"a"'), "STRING_VALUE can not be converted to a Map"),
    ("/runCache", _body(CREATE, tags='{"k": 1}'), "NUMBER_VALUE can not be converted to a String"),
    ("/runCache", _body(CREATE, tags='{"k": null}'), "NULL_VALUE can not be converted to a String"),
    # A member of the wrong type is answered before the rules: none of the required members here.
    ("/runCache", b'{"name": 42}', "NUMBER_VALUE can not be converted to a String"),
    ("/run", _body(START, priority='"high"'), "STRING_VALUE can not be converted to an Integer"),
    ("/run", _body(START, priority="1.5"), "NUMBER_VALUE can not be converted to an Integer"),
    ("/run", _body(START, priority="false"), "BOOLEAN_VALUE can not be converted to an Integer"),
]


@pytest.mark.parametrize("transport", ["requests", "endpoint"])
@pytest.mark.parametrize(("path", "body", "message"), UNREADABLE)
def test_an_unreadable_body_is_a_serialization_exception(
    fake_omics: FakeOmics,
    make_client: Callable[..., Any],
    transport: str,
    path: str,
    body: bytes,
    message: str,
) -> None:
    answer = over(transport, fake_omics, make_client, ("POST", path, body), "")

    assert answer == Answer(400, "SerializationException", message)
    call = fake_omics.get_call()
    assert (call.status_code, call.error_code) == (400, "SerializationException")
    assert (fake_omics.run_caches(), fake_omics.runs()) == ([], [])


def test_the_call_log_keeps_what_a_readable_body_of_wrong_types_held(
    fake_omics: FakeOmics,
) -> None:
    raw_call("POST", "/runCache", b'{"name": 42, "cacheS3Location": "s3://b/c"}')
    raw_call("POST", "/runCache", b"{nope")

    assert [call.params for call in fake_omics.get_calls()] == [
        {"name": 42, "cacheS3Location": "s3://b/c"},
        {},
    ]


@pytest.mark.parametrize(
    ("method", "params", "message"),
    [
        (
            "create_run_cache",
            {**CREATE, "name": 42},
            "NUMBER_VALUE can not be converted to a String",
        ),
        (
            "create_run_cache",
            {**CREATE, "tags": {"k": True}},
            "BOOLEAN_VALUE can not be converted to a String",
        ),
        (
            "start_run",
            {**START, "priority": "high"},
            "STRING_VALUE can not be converted to an Integer",
        ),
        ("start_run", {**START, "name": ["n"]}, "Start of list found where not expected"),
    ],
)
def test_botocore_gets_the_serialization_exception_as_a_client_error(
    fake_omics: FakeOmics, make_client: Callable[..., Any], method: str, params: Any, message: str
) -> None:
    client = make_client(config=UNCHECKED)

    with pytest.raises(ClientError) as raised:
        getattr(client, method)(**params)

    # Not an error of the omics model: botocore raises its plain ClientError with the code.
    assert raised.type is ClientError
    assert _from_error(raised.value) == Answer(400, "SerializationException", message)


@pytest.mark.asyncio
async def test_aiobotocore_gets_the_serialization_exception(fake_omics: FakeOmics) -> None:
    answer = await aiobotocore_call("start_run", **START, priority="high")

    assert answer == Answer(
        400, "SerializationException", "STRING_VALUE can not be converted to an Integer"
    )


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        # Values of the right type that break the model's rules: the service's validation.
        (
            "/runCache",
            json.dumps({**CREATE, "name": ""}).encode(),
            "2 validation errors detected: Value '' at 'name' failed to satisfy constraint:"
            " Member must satisfy regular expression pattern:"
            " [\\p{L}||\\p{M}||\\p{Z}||\\p{S}||\\p{N}||\\p{P}]+; Value '' at 'name' failed to"
            " satisfy constraint: Member must have length greater than or equal to 1",
        ),
        # *Choice*: a null body, like a null member, sets nothing.
        (
            "/runCache",
            b"null",
            "2 validation errors detected: Value null at 'cacheS3Location' failed to satisfy"
            " constraint: Member must not be null; Value null at 'requestId' failed to satisfy"
            " constraint: Member must not be null",
        ),
    ],
)
def test_readable_bodies_breaking_rules_stay_validation_errors(
    fake_omics: FakeOmics, path: str, body: bytes, message: str
) -> None:
    assert raw_call("POST", path, body) == Answer(400, "ValidationException", message)


_NAME_PATTERN = (
    botocore.session.get_session()
    .get_service_model("omics")
    .shape_for("UserCustomName")
    .metadata["pattern"]
)


def test_a_huge_value_is_shown_cut_short(fake_omics: FakeOmics) -> None:
    name = "\t" * 100_000  # breaks the name's pattern
    omics = boto3.client(
        "omics", region_name="us-east-1", config=Config(parameter_validation=False)
    )

    with pytest.raises(ClientError) as raised:
        omics.update_run_cache(id="1", name=name)

    shown = "Value '" + "\t" * 1024 + "...' at 'name' failed to satisfy constraint: "
    assert raised.value.response["Error"]["Message"] == (
        f"2 validation errors detected: {shown}Member must satisfy regular expression pattern:"
        f" {_NAME_PATTERN}; {shown}Member must have length less than or equal to 128"
    )
