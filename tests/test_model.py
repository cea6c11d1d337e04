"""The generic, model-driven validator: every rule kind, read from the botocore omics model."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest

from pytest_omics_cache._wire import model as _model
from pytest_omics_cache._wire import patterns as _patterns
from pytest_omics_cache._wire import validate as _validate

MODEL = botocore.session.get_session().get_service_model("omics")
RUN_CACHE_OPERATIONS = (
    "CreateRunCache",
    "GetRunCache",
    "ListRunCaches",
    "UpdateRunCache",
    "DeleteRunCache",
)


def _shapes(shape: Any, seen: set[str]) -> None:
    if shape is None or shape.name in seen:
        return
    seen.add(shape.name)
    for child in getattr(shape, "members", {}).values():
        _shapes(child, seen)
    for attribute in ("member", "key", "value"):
        _shapes(getattr(shape, attribute, None), seen)


def _run_cache_shapes() -> list[Any]:
    seen: set[str] = set()
    for name in RUN_CACHE_OPERATIONS:
        operation = MODEL.operation_model(name)
        _shapes(operation.input_shape, seen)
        _shapes(operation.output_shape, seen)
    return [MODEL.shape_for(name) for name in sorted(seen)]


@pytest.mark.parametrize(
    "shape", [s for s in _run_cache_shapes() if "pattern" in s.metadata], ids=lambda s: s.name
)
def test_every_pattern_of_the_run_cache_shapes_is_understood(shape: Any) -> None:
    matches = _patterns.matcher(shape.metadata["pattern"])

    assert matches("") is False  # every one of them demands at least one character


def test_unicode_category_patterns() -> None:
    free_text = _patterns.matcher(MODEL.shape_for("UserCustomName").metadata["pattern"])

    assert free_text("Ünïcode name, with spaces & punctuation! 123 ✓ |")
    assert not free_text("tab\there")
    assert not free_text("new\nline")
    assert not free_text("")
    assert _patterns.matcher(r"[\p{L}]*")("")


def test_unsupported_java_regex_is_refused_loudly() -> None:
    with pytest.raises(NotImplementedError, match=r"unsupported Java regex construct"):
        _patterns.matcher(r"\P{L}+")
    with pytest.raises(NotImplementedError, match=r"intersection"):
        _patterns.matcher(r"[a-z&&[^c]]")


def test_categories_outside_a_class_and_beside_other_parts() -> None:
    matches = _patterns.matcher(r"\p{L}+-[0-9]")

    assert matches("Ωmega-1")
    assert not matches("Ω1-1")


def _messages(shape_name: str, value: object) -> list[str]:
    return [v.service_message() for v in _validate.check(MODEL.shape_for(shape_name), value, "")]


def test_required_members() -> None:
    assert _messages("CreateRunCacheRequest", {}) == [
        "Value null at 'cacheS3Location' failed to satisfy constraint: Member must not be null",
        "Value null at 'requestId' failed to satisfy constraint: Member must not be null",
    ]


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        (0, "Member must have value greater than or equal to 1"),
        (101, "Member must have value less than or equal to 100"),
        ("5", "Member must be an integer"),
        (True, "Member must be an integer"),
    ],
)
def test_numeric_range_and_type(value: object, rule: str) -> None:
    assert _messages("ListRunCachesRequest", {"maxResults": value}) == [
        f"Value '{value}' at 'maxResults' failed to satisfy constraint: {rule}"
    ]


def test_numbers_in_range_pass() -> None:
    assert _messages("ListRunCachesRequest", {"maxResults": 1}) == []
    assert _messages("ListRunCachesRequest", {"maxResults": 100}) == []


def test_lists_of_structures_report_the_member_path() -> None:
    assert _messages("ListRunCachesResponse", {"items": [{"id": "1"}, {"id": "x"}]}) == [
        "Value 'x' at 'items.2.id' failed to satisfy constraint:"
        " Member must satisfy regular expression pattern: [0-9]+"
    ]
    assert _messages("ListRunCachesResponse", {"items": "nope"}) == [
        "Value 'nope' at 'items' failed to satisfy constraint: Member must be a list"
    ]


def test_wrong_container_types() -> None:
    assert _messages("CreateRunCacheRequest", "x") == [
        "Value 'x' at '' failed to satisfy constraint: Member must be a structure (dict)"
    ]
    assert _messages("TagMap", ["a"]) == [
        "Value '['a']' at '' failed to satisfy constraint: Member must be a map (dict)"
    ]


def test_unknown_members_are_ignored_and_none_means_absent() -> None:
    assert _messages("GetRunCacheRequest", {"id": "1", "extra": "x", "other": None}) == []


def test_validation_message_counts_errors() -> None:
    violations = _validate.check(
        MODEL.shape_for("CreateRunCacheRequest"),
        {
            "cacheS3Location": "s3://bucket-name/x",
            "requestId": "r",
            "name": "",
            "cacheBehavior": "X",
        },
        "",
    )

    assert _validate.validation_message(violations) == (
        "3 validation errors detected: Value 'X' at 'cacheBehavior' failed to satisfy constraint:"
        " Member must satisfy enum value set: [CACHE_ON_FAILURE, CACHE_ALWAYS]; Value '' at 'name'"
        " failed to satisfy constraint: Member must satisfy regular expression pattern:"
        " [\\p{L}||\\p{M}||\\p{Z}||\\p{S}||\\p{N}||\\p{P}]+; Value '' at 'name'"
        " failed to satisfy constraint: Member must have length greater than or equal to 1"
    )


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (name, MODEL.shape_for(name).metadata["error"]["httpStatusCode"])
        for name in (s.name for s in MODEL.operation_model("GetRunCache").error_shapes)
    ],
)
def test_error_status_comes_from_the_model(code: str, status: int) -> None:
    assert _model.error_status(code) == status


def test_the_served_operations_are_the_ones_with_handlers() -> None:
    from pytest_omics_cache._service import HANDLERS

    # In the order the README documents them (and the unserved-request message lists them).
    assert list(HANDLERS) == [
        *RUN_CACHE_OPERATIONS,
        "StartRun",
        "GetRun",
        "ListRuns",
        "CancelRun",
        "DeleteRun",
        "GetRunTask",
        "ListRunTasks",
        "CreateWorkflow",
        "GetWorkflow",
        "ListWorkflows",
        "UpdateWorkflow",
        "DeleteWorkflow",
        "CreateWorkflowVersion",
        "GetWorkflowVersion",
        "ListWorkflowVersions",
        "UpdateWorkflowVersion",
        "DeleteWorkflowVersion",
        "CreateRunGroup",
        "GetRunGroup",
        "ListRunGroups",
        "UpdateRunGroup",
        "DeleteRunGroup",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
    ]


def test_the_public_types_mirror_the_model() -> None:
    import typing

    from pytest_omics_cache import CacheBehavior, RunCache, RunCacheStatus

    shape = MODEL.operation_model("GetRunCache").output_shape
    assert set(RunCache.__annotations__) == set(shape.members)
    assert RunCache.__required_keys__ == {  # type: ignore[attr-defined]
        "arn",
        "cacheBehavior",
        "cacheS3Uri",
        "creationTime",
        "id",
        "status",
        "tags",
    }
    assert set(typing.get_args(CacheBehavior)) == set(shape.members["cacheBehavior"].enum)
    assert set(typing.get_args(RunCacheStatus)) == set(shape.members["status"].enum)


def test_a_value_breaking_two_rules_gets_two_clauses() -> None:
    assert _messages("GetRunCacheRequest", {"id": "a" * 19}) == [
        "Value 'aaaaaaaaaaaaaaaaaaa' at 'id' failed to satisfy constraint: Member must satisfy"
        " regular expression pattern: [0-9]+",
        "Value 'aaaaaaaaaaaaaaaaaaa' at 'id' failed to satisfy constraint: Member must have"
        " length less than or equal to 18",
    ]


@pytest.mark.parametrize("code", range(128))
def test_the_ascii_fast_path_agrees_with_unicodedata(code: int) -> None:
    import unicodedata

    free_text = _patterns.matcher(MODEL.shape_for("UserCustomName").metadata["pattern"])
    char = chr(code)
    expected = char == "|" or unicodedata.category(char)[0] in "LMZSNP"

    assert free_text(char * 3) is expected
    assert free_text(char + "é") is expected  # the same rule on the non-ASCII path
