"""rest-json on the wire, below botocore: routing, parameters, serialization, region, adapters."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

import botocore.session
import pytest
from botocore.awsrequest import AWSPreparedRequest
from botocore.model import Shape
from requests.structures import CaseInsensitiveDict

from pytest_omics_cache import FakeOmics, UnservedRequestError
from pytest_omics_cache._core.calls import CallLog
from pytest_omics_cache._core.options import Options
from pytest_omics_cache._resources import catalog
from pytest_omics_cache._service import OmicsService
from pytest_omics_cache._transports.botocore_wire import wire_request
from pytest_omics_cache._wire import answers as _answers
from pytest_omics_cache._wire import protocol as _protocol

MODEL = botocore.session.get_session().get_service_model("omics")


def _request(method: str, url: str, body: bytes = b"", **headers: str) -> _protocol.WireRequest:
    return _protocol.WireRequest(method, url, headers, body)


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [
        ("GET", "/runCache/123", "GetRunCache"),
        ("GET", "/runCache/a%2Fb", "GetRunCache"),
        ("POST", "/runCache/123", "UpdateRunCache"),
        ("DELETE", "/runCache/123", "DeleteRunCache"),
        ("GET", "/runCache", "ListRunCaches"),
        ("POST", "/runCache", "CreateRunCache"),
        ("PUT", "/runCache/123", None),
        ("DELETE", "/runCache", None),
        ("GET", "/runCache/1/extra", None),
        ("GET", "/workflow", "ListWorkflows"),
        ("GET", "/sequencestore/123", "GetSequenceStore"),
        (
            "GET",
            "/tags/arn%3Aaws%3Aomics%3Aus-east-1%3A123456789012%3ArunCache%2F1",
            "ListTagsForResource",
        ),
        ("GET", "/nothing-of-the-model", None),
    ],
)
def test_route(method: str, path: str, operation: str | None) -> None:
    found = _protocol.find_operation(_request(method, f"https://h{path}"))

    assert (found and found.operation.name) == operation


def test_route_of_a_url_without_a_path() -> None:
    assert _protocol.find_operation(_request("GET", "https://h")) is None
    assert _protocol.find_operation(_request("GET", "/runCache/1")).operation.name == "GetRunCache"


def _parse(operation_name: str, request: _protocol.WireRequest) -> dict[str, object]:
    """parse_params for any run-cache operation, served yet or not."""
    operation = _protocol.spec(operation_name)
    path, _, query = request.url.partition("?")
    labels = operation.path.search(urlsplit(path).path)
    assert labels is not None
    return _protocol.parse_params(_protocol.Routed(operation, labels, query), request)


def test_query_parameters_are_typed_by_the_model() -> None:
    request = _request("GET", "https://h/runCache?maxResults=5&startingToken=abc%3D")

    assert _parse("ListRunCaches", request) == {"maxResults": 5, "startingToken": "abc="}


def test_a_non_numeric_query_integer_is_malformed() -> None:
    with pytest.raises(_protocol.MalformedRequest, match="'many' is not a valid integer") as raised:
        _parse("ListRunCaches", _request("GET", "https://h/runCache?maxResults=many"))

    assert raised.value.code == "ValidationException"


def test_body_members_and_uri_labels() -> None:
    body = json.dumps({"name": "n", "cacheBehavior": "CACHE_ALWAYS", "unknown": 1}).encode()

    params = _parse("UpdateRunCache", _request("POST", "https://h/prefix/runCache/9", body))

    assert params == {"cacheBehavior": "CACHE_ALWAYS", "id": "9", "name": "n"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{nope", "Unexpected character ('n' (code 110)) at line 1, column 2"),
        (b'{"name": "n"} trailing', "Unexpected character ('t' (code 116)) at line 1, column 15"),
        (b'{"name":\n "\xff"}', "Invalid UTF-8 byte 0xff at line 2, column 3"),
        (b"[1, 2]", "Start of list found where not expected"),
        (b' "text" ', "STRING_VALUE can not be converted to a Structure"),
    ],
)
def test_malformed_bodies(body: bytes, message: str) -> None:
    with pytest.raises(_protocol.MalformedRequest) as raised:
        _parse("CreateRunCache", _request("POST", "https://h/runCache", body))

    assert (raised.value.code, raised.value.message) == ("SerializationException", message)


def test_whitespace_around_the_object_is_json() -> None:
    body = b' \n{"name": "n"}\t '

    assert _parse("CreateRunCache", _request("POST", "https://h/runCache", body)) == {"name": "n"}


def test_empty_body_has_no_members() -> None:
    assert _parse("CreateRunCache", _request("POST", "https://h/runCache", b"  ")) == {}


def test_output_serialization_follows_the_shapes() -> None:
    operation = _protocol.spec("ListRunCaches")
    when = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)

    body = _answers.output_body(
        operation, {"items": [{"id": "1", "creationTime": when}], "nextToken": None}
    )

    assert json.loads(body) == {
        "items": [{"id": "1", "creationTime": "2026-01-02T03:04:05.678000Z"}]
    }


def test_timestamps_without_a_format_are_epoch_seconds() -> None:
    shape = Shape("When", {"type": "timestamp"})

    assert _answers._writer(shape)(datetime(1970, 1, 1, 0, 1, tzinfo=timezone.utc)) == 60.0


def test_operation_without_output_has_an_empty_body() -> None:
    assert _answers.output_body(_protocol.spec("UpdateRunCache"), {}) == b""


@pytest.mark.parametrize(
    ("url", "headers", "region"),
    [
        (
            "http://localhost/runCache/1",
            {
                "authorization": "AWS4-HMAC-SHA256"
                " Credential=AK/20260101/me-south-1/omics/aws4_request, S=x"
            },
            "me-south-1",
        ),
        (
            "https://workflows-omics-fips.us-gov-west-1.amazonaws.com/runCache/1",
            {},
            "us-gov-west-1",
        ),
        ("https://omics.eu-west-3.api.aws/runCache/1", {}, "eu-west-3"),
        ("http://localhost:4566/runCache/1", {}, "default-region-1"),
    ],
)
def test_request_region(url: str, headers: dict[str, str], region: str) -> None:
    # Transports hand over case-insensitive headers, as HTTP's are.
    request = _protocol.WireRequest("GET", url, CaseInsensitiveDict(headers), b"")

    assert _protocol.request_region(request, "default-region-1") == region


def _service() -> OmicsService:
    return OmicsService(catalog.new_backend(Options()), CallLog())


def test_the_service_routes_requests_that_name_no_operation() -> None:
    service = _service()

    answer = service.handle(
        _request("GET", "https://workflows-omics.us-east-1.amazonaws.com/runCache/5")
    )

    assert answer.status == 404
    assert answer.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert json.loads(answer.body) == {"message": "Run cache 5 not found."}
    assert service.calls.single("GetRunCache").region == "us-east-1"


def test_the_service_refuses_what_it_does_not_serve() -> None:
    service = _service()
    with pytest.raises(
        UnservedRequestError,
        match=r"does not serve omics GetSequenceStore \(GET https://h/sequencestore/1234567890\)",
    ):
        service.handle(_request("GET", "https://h/sequencestore/1234567890"))
    with pytest.raises(
        UnservedRequestError,
        match=r"does not serve this omics request \(GET https://h/nothing\): no operation of the"
        r" botocore omics model has this method and path",
    ):
        service.handle(_request("GET", "https://h/nothing"))

    assert [call.describe() for call in service.calls.select(None)] == [
        "GetSequenceStore(id='1234567890') in us-east-1 -> unserved",
        "GET https://h/nothing() in us-east-1 -> unserved",
    ]


def test_every_operation_of_the_model_routes_to_itself() -> None:
    # Each operation's URI with its labels filled in finds that operation, and no other, both
    # from the path alone (raw HTTP) and as botocore names it.
    for name in _protocol._model.service_model().operation_names:
        operation = _protocol.spec(name)
        template = operation.model.http["requestUri"].split("?")[0]
        path = re.sub(r"\{[^}]+\}", "123", template)
        request = _request(operation.method, f"https://h{path}")

        assert _protocol.find_operation(request).operation.name == name  # type: ignore[union-attr]
        assert _protocol.find_operation(request, name).operation.name == name  # type: ignore[union-attr]


def test_a_served_operation_on_a_wrong_path_is_not_served() -> None:
    with pytest.raises(UnservedRequestError, match=r"does not serve omics GetRunCache \(PUT"):
        _service().handle(_request("PUT", "https://h/runCache/1"), "GetRunCache")


@pytest.mark.parametrize(
    ("code", "status"), [("SerializationException", 400), ("ValidationException", 400)]
)
def test_a_malformed_request_gets_its_code(
    monkeypatch: pytest.MonkeyPatch, code: str, status: int
) -> None:
    def malformed(*_: object) -> None:
        raise _protocol.MalformedRequest("Unexpected end of input at line 1, column 2", code)

    monkeypatch.setattr(_protocol, "parse_params", malformed)
    service = _service()

    answer = service.handle(_request("GET", "https://h/runCache/5"))

    assert (answer.status, answer.headers["x-amzn-ErrorType"], json.loads(answer.body)) == (
        status,
        code,
        {"message": "Unexpected end of input at line 1, column 2"},
    )
    assert service.calls.single(None).error_code == code


@pytest.mark.parametrize(
    ("body", "expected"),
    [(None, b""), (b"{}", b"{}"), ('{"a":1}', b'{"a":1}'), (io.BytesIO(b"{}"), b"{}")],
)
def test_botocore_requests_become_wire_requests(body: object, expected: bytes) -> None:
    prepared = AWSPreparedRequest(
        "GET", "https://h/runCache/1", {"Authorization": b"AWS4 x"}, body, False
    )

    wire = wire_request(prepared)

    assert (wire.body, dict(wire.headers)) == (expected, {"Authorization": "AWS4 x"})
    if isinstance(body, io.BytesIO):
        assert body.tell() == 0  # rewound for a retry


def test_fake_can_be_activated_again_after_it_stopped() -> None:
    fake = FakeOmics()
    cache = fake.add_run_cache()
    client = botocore.session.get_session().create_client("omics", region_name="us-east-1")
    for _ in range(2):
        with fake._activated():
            assert client.get_run_cache(id=cache["id"])["id"] == cache["id"]

    assert len(fake.get_calls()) == 2


def test_members_bound_to_headers_and_json_blobs_are_written_as_botocore_reads_them() -> None:
    # No omics output binds members to headers today; the writer still follows the model's
    # rules, checked on a made-up operation against botocore's own rest-json parser.
    from datetime import datetime, timezone

    from botocore.model import ServiceModel
    from botocore.parsers import RestJSONParser

    model = ServiceModel(
        {
            "metadata": {"protocol": "rest-json", "apiVersion": "2022-11-28"},
            "operations": {
                "Op": {
                    "name": "Op",
                    "http": {"method": "GET", "requestUri": "/op"},
                    "output": {"shape": "OpOutput"},
                }
            },
            "shapes": {
                "OpOutput": {
                    "type": "structure",
                    "members": {
                        "etag": {"shape": "S", "location": "header", "locationName": "ETag"},
                        "count": {"shape": "I", "location": "header", "locationName": "X-Count"},
                        "when": {"shape": "T", "location": "header", "locationName": "X-When"},
                        "meta": {"shape": "M", "location": "headers", "locationName": "x-meta-"},
                        "data": {"shape": "Blob"},
                    },
                },
                "S": {"type": "string"},
                "I": {"type": "integer"},
                "T": {"type": "timestamp"},
                "M": {"type": "map", "key": {"shape": "S"}, "value": {"shape": "S"}},
                "Blob": {"type": "blob"},
            },
        }
    )
    operation = model.operation_model("Op")
    result = {
        "etag": '"abc"',
        "count": 3,
        "when": datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        "meta": {"owner": "me"},
        "data": b"\x00\x01binary",
    }

    headers, body = _answers.render_output(
        _protocol.OperationSpec(
            "Op",
            operation,
            operation.input_shape,
            "GET",
            re.compile("/op"),
            200,
            (),
            (),
            (),
            (),
            None,
        ),
        result,
    )
    parsed = RestJSONParser().parse(
        {"status_code": 200, "headers": headers, "body": body}, operation.output_shape
    )

    assert headers["X-When"] == "Fri, 02 Jan 2026 03:04:05 GMT"
    assert {k: v for k, v in parsed.items() if k != "ResponseMetadata"} == result
