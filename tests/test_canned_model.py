"""add_response on every operation the registry does not serve, generated from the model: a
response the model allows comes back from boto3 unchanged, and a broken one is refused when it
is added, naming the member, its value and the rule."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from botocore import xform_name
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapes import from_shape

from pytest_omics_cache import mock_omics
from pytest_omics_cache._service import HANDLERS
from pytest_omics_cache._wire import patterns as _patterns

MODEL = botocore.session.get_session().get_service_model("omics")
CLIENT = botocore.session.get_session().create_client("omics", region_name="us-east-1")

# Every operation answered only by add_response (the registry serves the others).
CANNED_ONLY = sorted(set(MODEL.operation_names) - set(HANDLERS))


def test_the_sample_covers_every_kind_of_shape() -> None:
    kinds: set[str] = set()
    payloads = []
    for name in CANNED_ONLY:
        output = MODEL.operation_model(name).output_shape
        if output is None:
            continue
        payloads += [name] if output.serialization.get("payload") else []
        for member in output.members.values():
            kinds.add(member.type_name)
    assert len(CANNED_ONLY) >= 20
    assert {"list", "map", "structure", "timestamp", "blob", "long", "boolean"} <= kinds
    assert payloads  # GetReadSet and GetReference answer with a streaming payload


def _call(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    result = dict(getattr(CLIENT, xform_name(operation))(**params))
    result.pop("ResponseMetadata")
    output = MODEL.operation_model(operation).output_shape
    payload = output.serialization.get("payload") if output is not None else None
    if payload is not None and payload in result:
        result[payload] = result[payload].read()  # a StreamingBody, as from AWS
    return result


@pytest.mark.parametrize("operation", CANNED_ONLY)
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_a_response_the_model_allows_round_trips_through_boto3(operation: str, data: Any) -> None:
    model = MODEL.operation_model(operation)
    params = data.draw(from_shape(model.input_shape), label="request")
    response = (
        data.draw(from_shape(model.output_shape), label="response") if model.output_shape else {}
    )

    with mock_omics() as fake:
        fake.add_response(operation, response)
        returned = _call(operation, params)

    expected = dict(response)
    payload = model.output_shape.serialization.get("payload") if model.output_shape else None
    if payload is not None:
        # botocore always returns a streaming payload: an empty one when none was sent.
        expected.setdefault(payload, b"")
    assert returned == expected
    assert fake.get_call(operation).status_code == model.http.get("responseCode", 200)


# --- broken members -----------------------------------------------------------------------------


def _pattern_breaker(shape: Any) -> str | None:
    """A value of the right length that the member's pattern refuses, if there is one."""
    matches = _patterns.matcher(shape.metadata["pattern"])
    low, high = shape.metadata.get("min", 1), shape.metadata.get("max", 1000)
    for candidate in ("\x00", "!", "a b", "~" * low, "\x00" * low, "Z:" * low):
        if low <= len(candidate) <= high and not matches(candidate):
            return candidate
    return None


def _breakages(output: Any) -> list[tuple[str, str, object, str]]:
    """(kind, member, broken value or MISSING, the rule the message must name) for each kind of
    rule some top-level member of ``output`` has."""
    found: dict[str, tuple[str, str, object, str]] = {}
    found["unknown"] = (
        "unknown",
        "notAMember",
        1,
        f"Member must be one of the members of {output.name}",
    )
    for name, member in output.members.items():
        metadata = member.metadata
        if name in output.required_members and "required" not in found:
            found["required"] = ("required", name, MISSING, "Member must not be null")
        if member.type_name == "string" and "type" not in found:
            found["type"] = ("type", name, 12345, "Member must be a string")
        if metadata.get("enum") and "enum" not in found:
            found["enum"] = ("enum", name, "NOT_AN_ENUM", "Member must satisfy enum value set")
        if (
            member.type_name == "string"
            and "max" in metadata
            and not metadata.get("enum")
            and "length" not in found
        ):
            too_long = "a" * (metadata["max"] + 1)
            rule = f"Member must have length less than or equal to {metadata['max']}"
            found["length"] = ("length", name, too_long, rule)
        if "pattern" in metadata and "pattern" not in found:
            breaker = _pattern_breaker(member)
            if breaker is not None:
                found["pattern"] = (
                    "pattern",
                    name,
                    breaker,
                    "Member must satisfy regular expression pattern",
                )
        if member.type_name == "timestamp" and "timestamp" not in found:
            found["timestamp"] = (
                "timestamp",
                name,
                "last Tuesday",
                "Member must be a timezone-aware datetime or an ISO-8601 string",
            )
    return list(found.values())


MISSING = object()
WITH_OUTPUT = [n for n in CANNED_ONLY if MODEL.operation_model(n).output_shape is not None]


def test_every_kind_of_broken_member_is_met_in_the_sample() -> None:
    kinds = {
        kind
        for name in WITH_OUTPUT
        for kind, *_ in _breakages(MODEL.operation_model(name).output_shape)
    }
    assert kinds == {"unknown", "required", "type", "enum", "length", "pattern", "timestamp"}


@pytest.mark.parametrize("operation", WITH_OUTPUT)
@settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_a_broken_member_is_refused_when_added(operation: str, data: Any) -> None:
    output = MODEL.operation_model(operation).output_shape
    valid = data.draw(from_shape(output), label="valid response")

    with mock_omics() as fake:
        for kind, member, broken, rule in _breakages(output):
            response = dict(valid)
            if broken is MISSING:
                response.pop(member, None)
            else:
                response[member] = broken
            with pytest.raises(ValueError, match=r"^add_response: invalid ") as raised:
                fake.add_response(operation, response)
            message = str(raised.value)
            shown = "None" if broken is MISSING else repr(broken)
            if not output.members:  # an empty structure: as if the operation had no output
                assert message.endswith(f"{member}={shown}: {operation} has no output members")
                continue
            assert f"{member}={shown} breaks the rule '{rule}" in message, (kind, message)
