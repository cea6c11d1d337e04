"""One ValidationException per constraint kind per member of the five input shapes, generated from
the botocore model: every constrained member of every run-cache operation is exercised."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config

from pytest_omics_cache import FakeOmics

MODEL = botocore.session.get_session().get_service_model("omics")
SESSION = boto3.session.Session()
OPERATIONS = ("CreateRunCache", "GetRunCache", "ListRunCaches", "UpdateRunCache", "DeleteRunCache")
# A valid request of each operation; each case below breaks exactly one member of it.
VALID: dict[str, dict[str, Any]] = {
    "CreateRunCache": {"cacheS3Location": "s3://bucket/caches/", "requestId": "request-1"},
    "GetRunCache": {"id": "1"},
    "ListRunCaches": {},
    "UpdateRunCache": {"id": "1"},
    "DeleteRunCache": {"id": "1"},
}


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def _string_cases(shape: Any) -> Iterator[tuple[str, object, str]]:
    """(kind, bad value, rule) for each constraint of a string shape."""
    meta = shape.metadata
    if "enum" in meta:
        yield (
            "enum",
            "NOT_A_MEMBER",
            f"Member must satisfy enum value set: [{', '.join(meta['enum'])}]",
        )
        return
    low = meta.get("min", 0)
    fill = "1" if meta.get("pattern") == "[0-9]+" else "a"
    if "pattern" in meta:
        # Same length rules kept, characters the pattern refuses: letters for digit ids, a
        # control character for free text and S3 URIs.
        breaking = ("a" if fill == "1" else "\t") * max(low, 1)
        yield (
            "pattern",
            breaking,
            f"Member must satisfy regular expression pattern: {meta['pattern']}",
        )
    if "max" in meta:
        yield (
            "max",
            fill * (meta["max"] + 1),
            f"Member must have length less than or equal to {meta['max']}",
        )
    if low >= 1:
        short = fill * (low - 1)
        rule = f"Member must have length greater than or equal to {low}"
        if short == "" and "pattern" in meta:
            # The empty string breaks the pattern (one or more characters) too: two clauses.
            pattern_rule = f"Member must satisfy regular expression pattern: {meta['pattern']}"
            rule = f"{pattern_rule}\n{rule}"
        yield "min", short, rule


def _cases() -> Iterator[Any]:
    for operation in OPERATIONS:
        shape = MODEL.operation_model(operation).input_shape
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            meta = member.metadata
            cases: list[tuple[str, object, str, object]] = []
            if member.type_name == "string":
                cases += [(k, v, r, v) for k, v, r in _string_cases(member)]
            elif member.type_name == "integer":
                if "min" in meta:
                    rule = f"Member must have value greater than or equal to {meta['min']}"
                    cases.append(("min", meta["min"] - 1, rule, meta["min"] - 1))
                if "max" in meta:
                    rule = f"Member must have value less than or equal to {meta['max']}"
                    cases.append(("max", meta["max"] + 1, rule, meta["max"] + 1))
            elif member.type_name == "map":
                for part in ("key", "value"):
                    sub = getattr(member, part)
                    label = "Map keys" if part == "key" else "Map values"
                    for kind, bad, rule in _string_cases(sub):
                        if kind == "pattern":
                            continue
                        value = {bad: "v"} if part == "key" else {"k": bad}
                        cases.append(
                            (
                                f"{part}-{kind}",
                                value,
                                f"{label} must satisfy constraint: [{rule}]",
                                bad,
                            )
                        )
            if (
                name in shape.required_members
                and location != "uri"
                and not meta.get("idempotencyToken")
            ):
                cases.append(("required", None, "Member must not be null", None))
            for kind, value, rule, shown in cases:
                yield pytest.param(
                    operation, name, value, rule, shown, id=f"{operation}-{name}-{kind}"
                )


CASES = list(_cases())


def test_every_constrained_member_is_covered() -> None:
    covered = {(c.values[0], c.values[1]) for c in CASES}
    constrained = {
        (operation, name)
        for operation in OPERATIONS
        for name, member in MODEL.operation_model(operation).input_shape.members.items()
        if member.metadata or member.type_name == "map"
    }
    assert covered == constrained
    assert len(CASES) >= 30


@pytest.mark.parametrize(("operation", "member", "value", "rule", "shown"), CASES)
def test_each_constraint_is_a_validation_exception(
    fake_omics: FakeOmics, operation: str, member: str, value: object, rule: str, shown: object
) -> None:
    # botocore checks required, type and min itself; turn that off so the request reaches the
    # service, as it would from any client that does not validate.
    client = SESSION.client(
        "omics",
        region_name="us-east-1",
        config=Config(parameter_validation=False, retries={"total_max_attempts": 1}),
    )
    params = dict(VALID[operation])
    if value is None:
        params.pop(member, None)
    else:
        params[member] = value

    with pytest.raises(client.exceptions.ValidationException) as raised:
        getattr(client, _snake(operation))(**params)

    shown_value = "null" if shown is None else f"'{shown}'"
    rules = rule.split("\n")
    clauses = [
        f"Value {shown_value} at '{member}' failed to satisfy constraint: {r}" for r in rules
    ]
    count = f"{len(rules)} validation error{'s' if len(rules) > 1 else ''}"
    assert raised.value.response["Error"]["Message"] == (f"{count} detected: {'; '.join(clauses)}")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert fake_omics.run_caches() == []
