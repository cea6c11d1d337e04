"""The botocore omics service model: the one source of truth for shapes, constraints and errors.

Nothing here is typed in from the AWS documentation; every constraint, status code and URI
template is read from ``botocore.session.get_session().get_service_model("omics")``. The model
is loaded once per process, on first use, so importing the plugin costs nothing.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import botocore.session
    from botocore.model import OperationModel, ServiceModel, Shape

SERVICE_NAME = "omics"

T = TypeVar("T")

#: The operations the fake answers, in the order the README documents them.
SERVED_OPERATIONS: tuple[str, ...] = (
    "CreateRunCache",
    "GetRunCache",
    "ListRunCaches",
    "UpdateRunCache",
    "DeleteRunCache",
)


@functools.cache
def session() -> botocore.session.Session:
    import botocore.session

    return botocore.session.get_session()


@functools.cache
def service_model() -> ServiceModel:
    return session().get_service_model(SERVICE_NAME)


@functools.cache
def shape(name: str) -> Shape:
    return service_model().shape_for(name)


@functools.cache
def partition(region: str) -> str:
    """The ARN partition of a region: ``aws``, ``aws-cn``, ``aws-us-gov``..."""
    name: str = session().get_partition_for_region(region)
    return name


def run_cache_arn(region: str, account: str, cache_id: str) -> str:
    return f"arn:{partition(region)}:omics:{region}:{account}:runCache/{cache_id}"


def suggest_operation(name: str) -> str | None:
    """The model's name of an operation given in boto3's snake_case or misspelt, if any."""
    import difflib

    from botocore import xform_name

    names = service_model().operation_names
    by_method = {xform_name(known): known for known in names}
    if name in by_method:
        return by_method[name]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.8)
    return close[0] if close else None


def operation(name: str) -> OperationModel:
    return service_model().operation_model(name)


@functools.cache
def error_codes() -> tuple[str, ...]:
    """Every error the served operations can answer with, per the model."""
    return tuple(
        sorted({e.name for name in SERVED_OPERATIONS for e in operation(name).error_shapes})
    )


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


def validation_message(violations: Sequence[Violation]) -> str:
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
        # Most values are ASCII: test those with a regex of the ASCII characters the classes
        # allow, computed from unicodedata once; look up categories only for the rest.
        ascii_allowed = "".join(
            chr(code)
            for code in range(128)
            if chr(code) == "|" or unicodedata.category(chr(code)).startswith(categories)
        )
        ascii_match = re.compile(f"[{re.escape(ascii_allowed)}]*").fullmatch

        def matches_categories(value: str) -> bool:
            if not value:
                return allow_empty
            if value.isascii():
                return ascii_match(value) is not None
            return all(c == "|" or unicodedata.category(c).startswith(categories) for c in value)

        return matches_categories
    if "\\p{" in pattern:
        raise NotImplementedError(f"unsupported Java regex construct in model pattern {pattern!r}")
    compiled = re.compile(pattern)
    return lambda value: compiled.fullmatch(value) is not None


# --- validation -------------------------------------------------------------------------------
# One generic mechanism: each shape of the model is compiled once into a validator closure
# (required members, types, enums, lengths, ranges, patterns), so a request pays only for the
# checks its shape really has (compiled once per shape name, see per_shape).

Validator = Callable[[object, str], Sequence[Violation]]
_NONE: Sequence[Violation] = ()

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

    It serves both the service's ValidationException and the seed-time checks of
    ``FakeOmics.add_run_cache``.
    """
    return list(validator(shape)(value, path))


def per_shape(compile_shape: Callable[[Shape], T]) -> Callable[[Shape], T]:
    """``compile_shape`` run once per shape, its result kept by shape name: in a botocore model
    the name fixes the shape. Not functools.cache: a Shape hashes by identity, and botocore
    makes a separate Shape object for every reference to the same named shape."""
    compiled: dict[str, T] = {}

    def lookup(shape: Shape) -> T:
        found = compiled.get(shape.name)
        if found is None:
            found = compiled[shape.name] = compile_shape(shape)
        return found

    return lookup


@per_shape
def validator(shape: Shape) -> Validator:
    kind = shape.type_name
    expected = _PYTHON_TYPES.get(kind)
    if expected is None:  # timestamps, blobs, documents: nothing the model constrains here
        return lambda value, path: _NONE
    builder = {
        "string": _string_checks,
        "structure": _structure_checks,
        "map": _map_checks,
        "list": _list_checks,
    }.get(kind, _number_checks)
    # Each validator checks the type itself (one frame per value, not two): every request
    # passes through them, and a valid value must cost next to nothing.
    return builder(shape, expected)


def _wrong_type(shape: Shape, value: object, path: str) -> Sequence[Violation]:
    return (Violation(path, value, _TYPE_RULES[shape.type_name], shape.name),)


def _size_checker(shape: Shape, noun: str) -> Callable[[object, int, str], Violation | None]:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")

    def sized(value: object, size: int, path: str) -> Violation | None:
        if low is not None and size < low:
            return Violation(
                path, value, f"Member must have {noun} greater than or equal to {low}", shape.name
            )
        if high is not None and size > high:
            return Violation(
                path, value, f"Member must have {noun} less than or equal to {high}", shape.name
            )
        return None

    return sized


def _bounds(shape: Shape) -> tuple[float, float]:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    return (float("-inf") if low is None else low), (float("inf") if high is None else high)


def _string_checks(shape: Shape, expected: tuple[type, ...]) -> Validator:
    metadata = shape.metadata
    enum: list[str] = metadata.get("enum") or []
    allowed = frozenset(enum)
    enum_rule = f"Member must satisfy enum value set: [{', '.join(enum)}]"
    sized = _size_checker(shape, "length")
    low, high = _bounds(shape)
    pattern = metadata.get("pattern")
    matches = pattern_matcher(pattern) if pattern is not None else None
    pattern_rule = f"Member must satisfy regular expression pattern: {pattern}"

    def validate(value: Any, path: str) -> Sequence[Violation]:
        if not isinstance(value, str):
            return _wrong_type(shape, value, path)
        if allowed:
            if value in allowed:
                return _NONE
            return (Violation(path, value, enum_rule, shape.name),)
        if low <= len(value) <= high and (matches is None or matches(value)):
            return _NONE
        # Like AWS, every broken rule of the member is its own clause: pattern, then length.
        found: list[Violation] = []
        if matches is not None and not matches(value):
            found.append(Violation(path, value, pattern_rule, shape.name))
        wrong_size = sized(value, len(value), path)
        if wrong_size is not None:
            found.append(wrong_size)
        return found

    return validate


def _number_checks(shape: Shape, expected: tuple[type, ...]) -> Validator:
    sized = _size_checker(shape, "value")
    is_boolean = shape.type_name == "boolean"

    def validate(value: Any, path: str) -> Sequence[Violation]:
        # bool is an int in Python, but never a valid number for the service.
        if not isinstance(value, expected) or (isinstance(value, bool) and not is_boolean):
            return _wrong_type(shape, value, path)
        number: Any = value  # narrowed to `object` by the isinstance over a tuple of types
        wrong_size = sized(number, number, path)
        return _NONE if wrong_size is None else (wrong_size,)

    return validate


def _structure_checks(shape: Shape, expected: tuple[type, ...]) -> Validator:
    members = shape.members  # type: ignore[attr-defined]
    required = [(name, members[name].name) for name in shape.required_members]
    # Member validators are looked up on first use, not here: a shape may contain itself.
    resolved: dict[str, Validator] = {}

    def validate(value: Any, path: str) -> Sequence[Violation]:
        if not isinstance(value, dict):
            return _wrong_type(shape, value, path)
        if not resolved:
            resolved.update((name, validator(member)) for name, member in members.items())
        found: list[Violation] | None = None
        for name, member_shape_name in required:
            if value.get(name) is None:
                found = found or []
                member_path = f"{path}.{name}" if path else name
                found.append(
                    Violation(member_path, None, "Member must not be null", member_shape_name)
                )
        # A valid value costs only the members it carries; a broken one is checked again in the
        # model's member order, the order AWS reports violations in.
        for name, member_value in value.items():
            check = resolved.get(name)
            if check is not None and member_value is not None and check(member_value, name):
                return (found or []) + _in_model_order(value, path)
        return _NONE if found is None else found

    def _in_model_order(value: dict[str, Any], path: str) -> list[Violation]:
        found: list[Violation] = []
        for name, check in resolved.items():
            member_value = value.get(name)
            if member_value is not None:
                found.extend(check(member_value, f"{path}.{name}" if path else name))
        return found

    return validate


def _map_checks(shape: Shape, expected: tuple[type, ...]) -> Validator:
    sized = _size_checker(shape, "length")
    key_shape, value_shape = shape.key, shape.value  # type: ignore[attr-defined]

    def validate(value: Any, path: str) -> Sequence[Violation]:
        if not isinstance(value, dict):
            return _wrong_type(shape, value, path)
        wrong_size = sized(value, len(value), path)
        found = [] if wrong_size is None else [wrong_size]
        # AWS reports a bad key or value against the map itself, wrapping the member rule.
        for key, item in value.items():
            for problem in validator(key_shape)(key, path):
                rule = f"Map keys must satisfy constraint: [{problem.rule}]"
                found.append(Violation(path, key, rule, key_shape.name))
            for problem in validator(value_shape)(item, path):
                rule = f"Map values must satisfy constraint: [{problem.rule}]"
                found.append(Violation(path, item, rule, value_shape.name))
        return found or _NONE

    return validate


def _list_checks(shape: Shape, expected: tuple[type, ...]) -> Validator:
    sized = _size_checker(shape, "length")
    member_shape = shape.member  # type: ignore[attr-defined]

    def validate(value: Any, path: str) -> Sequence[Violation]:
        if not isinstance(value, expected):
            return _wrong_type(shape, value, path)
        items: Any = value  # narrowed to `object` by the isinstance over a tuple of types
        wrong_size = sized(items, len(items), path)
        found = [] if wrong_size is None else [wrong_size]
        for index, item in enumerate(items, 1):
            found.extend(validator(member_shape)(item, f"{path}.{index}"))
        return found or _NONE

    return validate
