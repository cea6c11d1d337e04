"""What this botocore's omics model has: the members of an operation's answer, and skips for
tests of what only newer models have (the suite also runs on the oldest botocore the package
supports, ``python3 dev.py compat``, whose model has no workflow versions and fewer workflow
members)."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest

MODEL = botocore.session.get_session().get_service_model("omics")
OPERATIONS = frozenset(MODEL.operation_names)

#: Workflow versions: newer than the oldest supported botocore.
needs_versions = pytest.mark.skipif(
    "GetWorkflowVersion" not in OPERATIONS,
    reason="workflow versions are newer than this botocore",
)


def members(operation: str) -> frozenset[str]:
    """The members of ``operation``'s output in this botocore's model."""
    output = MODEL.operation_model(operation).output_shape
    return frozenset(output.members) if output is not None else frozenset()


def model_answer(response: dict[str, Any], operation: str) -> dict[str, Any]:
    """``response`` without ResponseMetadata, after checking it has only members of
    ``operation``'s output in this botocore's model."""
    answer = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    assert set(answer) <= members(operation), set(answer) - members(operation)
    return answer


def needs_member(operation: str, member: str) -> pytest.MarkDecorator:
    """Skip unless this botocore's ``operation`` answers ``member``."""
    return pytest.mark.skipif(
        member not in members(operation),
        reason=f"{operation}'s {member} is newer than this botocore",
    )
