"""The botocore omics service model: the one source of truth for shapes, constraints and errors.

Nothing here is typed in from the AWS documentation; every constraint, status code and URI
template is read from ``botocore.session.get_session().get_service_model("omics")``. The model
is loaded once per process, on first use, so importing the plugin costs nothing.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel, Shape

SERVICE_NAME = "omics"

#: The operations the fake answers, in the order the README documents them.
SERVED_OPERATIONS: tuple[str, ...] = ("GetRunCache",)


@functools.cache
def service_model() -> ServiceModel:
    import botocore.session

    return botocore.session.get_session().get_service_model(SERVICE_NAME)


def operation(name: str) -> OperationModel:
    return service_model().operation_model(name)


@functools.cache
def error_status(code: str) -> int:
    """The HTTP status the model gives an error shape (``httpStatusCode``)."""
    shape = service_model().shape_for(code)
    status: int = shape.metadata["error"]["httpStatusCode"]
    return status


@dataclass(frozen=True)
class Violation:
    """One broken constraint: where, what value, and the rule in the service's own words.

    ``rule`` is the text AWS puts after "failed to satisfy constraint: ", e.g.
    ``Member must have length less than or equal to 18``.
    """

    path: str
    value: object
    rule: str
    shape: str

    def service_message(self) -> str:
        """The wording AWS services use in a ValidationException."""
        shown = "null" if self.value is None else f"'{self.value}'"
        return f"Value {shown} at '{self.path}' failed to satisfy constraint: {self.rule}"


def validation_message(violations: list[Violation]) -> str:
    count = len(violations)
    noun = "error" if count == 1 else "errors"
    details = "; ".join(v.service_message() for v in violations)
    return f"{count} validation {noun} detected: {details}"


# --- patterns ---------------------------------------------------------------------------------
# The model's patterns are Java regular expressions. Most are valid Python too, but the
# free-text ones are character classes of Unicode categories (``[\p{L}||\p{M}||...]+``),
# which Python's ``re`` cannot express; those become a category test per character.
_CATEGORY_CLASS = re.compile(r"\[((?:\\p\{[A-Z][a-z]?\}|\|)+)\]([+*])")
_CATEGORY = re.compile(r"\\p\{([A-Z][a-z]?)\}")


@functools.cache
def pattern_matcher(pattern: str) -> Callable[[str], bool]:
    """A full-match predicate for one model pattern (Java semantics: the whole value must match)."""
    category_class = _CATEGORY_CLASS.fullmatch(pattern)
    if category_class is not None:
        categories = tuple(_CATEGORY.findall(category_class.group(1)))
        allow_empty = category_class.group(2) == "*"

        def matches_categories(value: str) -> bool:
            if not value:
                return allow_empty
            return all(c == "|" or unicodedata.category(c).startswith(categories) for c in value)

        return matches_categories
    if "\\p{" in pattern:
        raise NotImplementedError(f"unsupported Java regex construct in model pattern {pattern!r}")
    compiled = re.compile(pattern)
    return lambda value: compiled.fullmatch(value) is not None


# --- validation -------------------------------------------------------------------------------


def _length_rules(shape: Shape, size: int) -> str | None:
    metadata = shape.metadata
    if "min" in metadata and size < metadata["min"]:
        return f"Member must have length greater than or equal to {metadata['min']}"
    if "max" in metadata and size > metadata["max"]:
        return f"Member must have length less than or equal to {metadata['max']}"
    return None


def _check_string(shape: Shape, value: str, path: str) -> Violation | None:
    metadata = shape.metadata
    enum: list[str] = metadata.get("enum") or []
    if enum and value not in enum:
        return Violation(
            path, value, f"Member must satisfy enum value set: [{', '.join(enum)}]", shape.name
        )
    rule = _length_rules(shape, len(value))
    if rule is None and "pattern" in metadata and not pattern_matcher(metadata["pattern"])(value):
        rule = f"Member must satisfy regular expression pattern: {metadata['pattern']}"
    return None if rule is None else Violation(path, value, rule, shape.name)


def _check_number(shape: Shape, value: int | float, path: str) -> Violation | None:
    metadata = shape.metadata
    if "min" in metadata and value < metadata["min"]:
        return Violation(
            path,
            value,
            f"Member must have value greater than or equal to {metadata['min']}",
            shape.name,
        )
    if "max" in metadata and value > metadata["max"]:
        return Violation(
            path,
            value,
            f"Member must have value less than or equal to {metadata['max']}",
            shape.name,
        )
    return None


_PYTHON_TYPES: Mapping[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "float": (int, float),
    "double": (int, float),
    "structure": (dict,),
    "map": (dict,),
    "list": (list, tuple),
}

_TYPE_RULES: Mapping[str, str] = {
    "string": "Member must be a string",
    "integer": "Member must be an integer",
    "long": "Member must be an integer",
    "boolean": "Member must be a boolean",
    "float": "Member must be a number",
    "double": "Member must be a number",
    "structure": "Member must be a structure (dict)",
    "map": "Member must be a map (dict)",
    "list": "Member must be a list",
}


def check(shape: Shape, value: object, path: str) -> list[Violation]:
    """Every constraint of ``shape`` (and its members) that ``value`` breaks, in member order.

    One generic walk over the model: required members, types, enums, string/list/map lengths,
    numeric ranges and patterns. It serves both the service's ValidationException and the
    seed-time checks of ``FakeOmics.add_run_cache``.
    """
    kind = shape.type_name
    expected = _PYTHON_TYPES.get(kind)
    if expected is not None and (
        not isinstance(value, expected) or (kind != "boolean" and isinstance(value, bool))
    ):
        return [Violation(path, value, _TYPE_RULES[kind], shape.name)]
    if kind == "string":
        assert isinstance(value, str)
        found = _check_string(shape, value, path)
        return [] if found is None else [found]
    if kind in ("integer", "long", "float", "double"):
        assert isinstance(value, (int, float))
        found = _check_number(shape, value, path)
        return [] if found is None else [found]
    if kind == "structure":
        assert isinstance(value, dict)
        return _check_structure(shape, value, path)
    if kind == "map":
        assert isinstance(value, dict)
        return _check_map(shape, value, path)
    if kind == "list":
        assert isinstance(value, (list, tuple))
        return _check_list(shape, value, path)
    return []


def _join(path: str, member: str) -> str:
    return f"{path}.{member}" if path else member


def _check_structure(shape: Shape, value: Mapping[str, object], path: str) -> list[Violation]:
    found: list[Violation] = []
    members = shape.members  # type: ignore[attr-defined]
    for name in shape.required_members:
        if value.get(name) is None:
            found.append(
                Violation(_join(path, name), None, "Member must not be null", members[name].name)
            )
    for name, member_shape in members.items():
        member_value = value.get(name)
        if member_value is not None:
            found.extend(check(member_shape, member_value, _join(path, name)))
    return found


def _check_map(shape: Shape, value: Mapping[object, object], path: str) -> list[Violation]:
    found: list[Violation] = []
    size_rule = _length_rules(shape, len(value))
    if size_rule is not None:
        found.append(Violation(path, value, size_rule, shape.name))
    key_shape, value_shape = shape.key, shape.value  # type: ignore[attr-defined]
    # AWS reports a bad key or value against the map itself, wrapping the member rule.
    for key, item in value.items():
        for problem in check(key_shape, key, path):
            found.append(
                Violation(
                    path, key, f"Map keys must satisfy constraint: [{problem.rule}]", key_shape.name
                )
            )
        for problem in check(value_shape, item, path):
            found.append(
                Violation(
                    path,
                    item,
                    f"Map values must satisfy constraint: [{problem.rule}]",
                    value_shape.name,
                )
            )
    return found


def _check_list(
    shape: Shape, value: list[object] | tuple[object, ...], path: str
) -> list[Violation]:
    found: list[Violation] = []
    size_rule = _length_rules(shape, len(value))
    if size_rule is not None:
        found.append(Violation(path, value, size_rule, shape.name))
    member_shape = shape.member  # type: ignore[attr-defined]
    for index, item in enumerate(value):
        found.extend(check(member_shape, item, f"{path}.{index + 1}"))
    return found
