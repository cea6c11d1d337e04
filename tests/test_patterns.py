"""Every pattern of the omics model is read, and read as Java reads it.

The patterns are collected from the botocore model at run time, so a new one joins this test the
day botocore ships it. Each is checked against an independent oracle, the ``regex`` module (which,
unlike ``re``, knows Unicode categories), on values the test generates from the pattern (each must
be accepted) and on probes (at least one must be refused): a pattern the translator cannot read
fails here, not in a user's test.
"""

from __future__ import annotations

import re
from typing import Any

import botocore
import botocore.session
import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_omics_cache._wire import patterns as _patterns

MODEL = botocore.session.get_session().get_service_model("omics")


def _model_patterns() -> list[str]:
    found: set[str] = set()
    seen: set[str] = set()

    def walk(shape: Any) -> None:
        if shape is None or shape.name in seen:
            return
        seen.add(shape.name)
        if "pattern" in shape.metadata:
            found.add(shape.metadata["pattern"])
        if shape.type_name == "structure":
            for member in shape.members.values():
                walk(member)
        elif shape.type_name == "list":
            walk(shape.member)
        elif shape.type_name == "map":
            walk(shape.key)
            walk(shape.value)

    for name in MODEL.operation_names:
        operation = MODEL.operation_model(name)
        walk(operation.input_shape)
        walk(operation.output_shape)
    return sorted(found)


PATTERNS = _model_patterns()


def test_the_model_has_the_patterns_we_know_of() -> None:
    assert any("\\p{" in p for p in PATTERNS)  # Java's Unicode categories
    if tuple(map(int, botocore.__version__.split(".")[:2])) >= (1, 43):
        # 33 in botocore 1.43/1.44, among them \p{..} classes mixed with escapes and
        # alternations anchored the Java way; older releases have fewer.
        assert len(PATTERNS) >= 33
        assert any("\\p{" in p and "\\t" in p for p in PATTERNS)
        assert any(p.startswith("$|^") for p in PATTERNS)


def _as_java_means_it(pattern: str) -> str:
    """The pattern for the oracle: Java's \\w is ASCII; the regex module's is Unicode."""
    oracle = pattern.replace("[\\w]", "[a-zA-Z0-9_]").replace("\\w", "[a-zA-Z0-9_]")
    assert not re.search(r"\\[dsbDSB]", oracle), "an escape the oracle would read otherwise"
    return oracle


def _oracle(pattern: str, value: str) -> bool:
    return regex.fullmatch(_as_java_means_it(pattern), value) is not None


# Probes: the boundaries the patterns draw. (No \r or \u2028: Java's "." refuses them, the
# oracle's does not.)
PROBES = [
    "",
    "a",
    "0",
    "arn:",
    "x/y",
    "|",
    " ",
    "\t",
    "\x00",
    "é",
    "日本語",
    "Ünïcode name ✓ 123",
    "\u0378",  # unassigned
    "\ue000",  # private use: the translator's own placeholders must not leak
    "arn:aws:omics:us-east-1:123456789012:runCache/1",
    "arn:aws-cn:omics:cn-north-1:123456789012:run/1",
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:name-AbCdEf",
    "arn:aws:s3:us-east-1:123456789012:accesspoint/ap",
    "s3://bucket/key",
    "s3://bucket/prefix/",
    "s3://b",
    "sha256:abcdef",
    "sg-0a1b",
    "subnet-9f",
    "vpc-12",
    "12.34.5",
    "123456789012",
    "01234567-89ab-cdef-0123-456789abcdef",
    "A-b_c.d",
    "ab_c",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_probes_agree_with_the_oracle_and_some_are_refused(pattern: str) -> None:
    matches = _patterns.matcher(pattern)

    verdicts = {probe: matches(probe) for probe in PROBES}

    assert verdicts == {probe: _oracle(pattern, probe) for probe in PROBES}
    assert not all(verdicts.values()), f"no probe is refused by {pattern!r}"


def _ascii_only(pattern: str) -> str:
    """The translation without its placeholders: a regex of ASCII values the pattern allows."""
    return re.sub("[\ue000-\ue0ff]", "", _patterns.translate(pattern))


@pytest.mark.parametrize("pattern", PATTERNS)
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_values_generated_from_each_pattern_are_accepted(pattern: str, data: Any) -> None:
    value = data.draw(st.from_regex(re.compile(_ascii_only(pattern), re.ASCII), fullmatch=True))

    assert _patterns.matcher(pattern)(value), value
    assert _oracle(pattern, value), value


@pytest.mark.parametrize("pattern", [p for p in PATTERNS if "\\p{" in p])
def test_category_patterns_take_non_ascii_letters_by_category(pattern: str) -> None:
    matches = _patterns.matcher(pattern)
    prefix = pattern.split("[", 1)[0]  # a literal before the class, e.g. "sha"

    for value in ("é", "日本", "Ωmega", "١٢٣", "—", "✓", "\u00a0", "\u200b", "\U0001f600"):
        assert matches(prefix + value) == _oracle(pattern, prefix + value), value


def test_java_dot_stops_at_every_line_terminator() -> None:
    # The oracle's "." differs here (it stops only at \n), so Java's rule is checked by itself.
    matches = _patterns.matcher("s3://([a-z0-9][a-z0-9-.]{1,61}[a-z0-9])/(.{1,1024})")

    assert matches("s3://bucket/key")
    for terminator in ("\n", "\r", "\x85", "\u2028", "\u2029"):
        assert not matches(f"s3://bucket/a{terminator}b"), repr(terminator)
    assert _patterns.matcher("[.]")(".")  # a dot in a class is a dot
    assert not _patterns.matcher("[.]")("x")
