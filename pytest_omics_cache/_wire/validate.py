"""Checking values against the model's shapes: requests as the service checks them, and what a
test author hands the fake (seeds, canned responses) before it is ever sent.

One generic mechanism: each shape is compiled once into a validator closure (required members,
types, enums, lengths, ranges, patterns), so a value pays only for the checks its shape really
has. Two modes share it:

* ``validator`` - a request, read back from the wire: members the model does not know are left
  alone (the service ignores them), timestamps and blobs arrive as text and are not checked here.
* ``output_validator`` - a value given as boto3 returns it (``add_response``): also unknown
  members, ``None`` values, timestamps (aware ``datetime`` or ISO-8601 text) and blobs (bytes).

A value of the wrong type in a request came from a JSON body of the wrong JSON type: the service
cannot read such a body, so the violation carries the SerializationException text it answers
(``unreadable``). Document members (free-form JSON) are checked in ``_wire.documents``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pytest_omics_cache._wire import clock as _clock
from pytest_omics_cache._wire import documents as _documents
from pytest_omics_cache._wire import model as _model
from pytest_omics_cache._wire import patterns as _patterns
from pytest_omics_cache._wire import protocol as _protocol
from pytest_omics_cache._wire.violations import MAX_SHOWN_CHARS as MAX_SHOWN_CHARS
from pytest_omics_cache._wire.violations import Validator as Validator
from pytest_omics_cache._wire.violations import Violation as Violation
from pytest_omics_cache._wire.violations import validation_message as validation_message

if TYPE_CHECKING:
    from botocore.model import Shape


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
    "blob": (bytes, bytearray),
    "timestamp": (datetime, str),
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
    "blob": "Member must be bytes",
    "timestamp": "Member must be a timezone-aware datetime or an ISO-8601 string",
}


def check(shape: Shape, value: object, path: str) -> list[Violation]:
    """Every constraint of ``shape`` (and its members) that ``value`` breaks, in member order,
    as the service checks a request."""
    return list(validator(shape)(value, path))


def check_output(shape: Shape, value: object, path: str) -> list[Violation]:
    """Every way ``value``, given as boto3 returns it, does not fit ``shape``."""
    return list(output_validator(shape)(value, path))


def _compile(shape: Shape, strict: bool) -> Validator:
    kind = shape.type_name
    if shape.metadata.get("document"):  # free-form JSON (run parameters, engine settings)
        return _documents.validator(shape, strict)
    expected = _PYTHON_TYPES.get(kind)
    if expected is None or (not strict and kind in ("timestamp", "blob")):
        # text on the wire: not checked here
        return lambda value, path: _NONE
    builder = {
        "string": _string_checks,
        "structure": _structure_checks,
        "map": _map_checks,
        "list": _list_checks,
        "timestamp": _timestamp_checks,
        "blob": _blob_checks,
    }.get(kind, _number_checks)
    # Each validator checks the type itself (one frame per value, not two): every request
    # passes through them, and a valid value must cost next to nothing.
    return builder(shape, expected, output_validator if strict else validator)


@_model.per_shape
def validator(shape: Shape) -> Validator:
    """The request validator of ``shape``."""
    return _compile(shape, strict=False)


@_model.per_shape
def output_validator(shape: Shape) -> Validator:
    """The validator of ``shape`` for values given as boto3 returns them."""
    return _compile(shape, strict=True)


Lookup = Callable[["Shape"], Validator]
_LEAVE_OUT = "Member must not be None (leave an unset member out)"


#: What AWS's JSON readers call the type a member of each kind needs (``STRING_VALUE can not be
#: converted to an Integer``).
_WIRE_TYPES: Mapping[str, str] = {
    "string": "a String",
    "integer": "an Integer",
    "long": "a Long",
    "boolean": "a Boolean",
    "float": "a Float",
    "double": "a Double",
    "structure": "a Structure",
    "map": "a Map",
    "list": "a List",
}

Mismatch = Callable[[object, str], Sequence[Violation]]


def _mismatch(shape: Shape, lookup: Lookup) -> Mismatch:
    """The violation of a value of the wrong type for ``shape``: for a request, with the
    SerializationException text for it."""
    rule = _TYPE_RULES[shape.type_name]
    if lookup is output_validator:
        return lambda value, path: (Violation(path, value, rule, shape.name),)
    wire_type = _WIRE_TYPES[shape.type_name]

    def unreadable(value: object, path: str) -> Sequence[Violation]:
        text = _protocol.unreadable_value(value, wire_type)
        return (Violation(path, value, rule, shape.name, text),)

    return unreadable


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


#: How many passing values each patterned string member remembers.
_PASSED_KEPT = 256


def _string_checks(shape: Shape, expected: tuple[type, ...], lookup: Lookup) -> Validator:
    metadata = shape.metadata
    enum: list[str] = metadata.get("enum") or []
    allowed = frozenset(enum)
    enum_rule = f"Member must satisfy enum value set: [{', '.join(enum)}]"
    sized = _size_checker(shape, "length")
    low, high = _bounds(shape)
    pattern = metadata.get("pattern")
    matches = _patterns.matcher(pattern) if pattern is not None else None
    pattern_rule = f"Member must satisfy regular expression pattern: {pattern}"
    # Values that passed the pattern: a test sends the same ids and ARNs again and again, and a
    # set lookup costs a fraction of a regular expression. Bounded: tokens are new each call.
    passed: set[str] = set()
    wrong_type = _mismatch(shape, lookup)

    def validate(value: Any, path: str) -> Sequence[Violation]:
        if not isinstance(value, str):
            return wrong_type(value, path)
        if allowed:
            if value in allowed:
                return _NONE
            return (Violation(path, value, enum_rule, shape.name),)
        if value in passed:
            return _NONE
        if low <= len(value) <= high and (matches is None or matches(value)):
            if matches is not None and len(passed) < _PASSED_KEPT:
                passed.add(value)
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


def _number_checks(shape: Shape, expected: tuple[type, ...], lookup: Lookup) -> Validator:
    sized = _size_checker(shape, "value")
    is_boolean = shape.type_name == "boolean"
    wrong_type = _mismatch(shape, lookup)

    def validate(value: Any, path: str) -> Sequence[Violation]:
        # bool is an int in Python, but never a valid number for the service.
        if not isinstance(value, expected) or (isinstance(value, bool) and not is_boolean):
            return wrong_type(value, path)
        number: Any = value  # narrowed to `object` by the isinstance over a tuple of types
        wrong_size = sized(number, number, path)
        return _NONE if wrong_size is None else (wrong_size,)

    return validate


def _timestamp_checks(shape: Shape, expected: tuple[type, ...], lookup: Lookup) -> Validator:
    def validate(value: Any, path: str) -> Sequence[Violation]:
        if isinstance(value, datetime) and value.utcoffset() is not None:
            return _NONE
        if isinstance(value, str):
            try:
                _clock.timestamp(value)
            except ValueError:
                pass
            else:
                return _NONE
        return (Violation(path, value, _TYPE_RULES["timestamp"], shape.name),)

    return validate


def _blob_checks(shape: Shape, expected: tuple[type, ...], lookup: Lookup) -> Validator:
    sized = _size_checker(shape, "length")

    def validate(value: Any, path: str) -> Sequence[Violation]:
        if not isinstance(value, (bytes, bytearray)):
            return (Violation(path, value, _TYPE_RULES["blob"], shape.name),)
        wrong_size = sized(value, len(value), path)
        return _NONE if wrong_size is None else (wrong_size,)

    return validate


def _structure_checks(shape: Shape, expected: tuple[type, ...], lookup: Lookup) -> Validator:
    members = shape.members  # type: ignore[attr-defined]
    required = [(name, members[name].name) for name in shape.required_members]
    strict = lookup is output_validator
    known_rule = f"Member must be one of the members of {shape.name}: {', '.join(members)}"
    # Member validators are looked up on first use, not here: a shape may contain itself.
    resolved: dict[str, Validator] = {}
    wrong_type = _mismatch(shape, lookup)

    def validate(value: Any, path: str) -> Sequence[Violation]:
        if not isinstance(value, dict):
            return wrong_type(value, path)
        if not resolved:
            resolved.update((name, lookup(member)) for name, member in members.items())
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
            if member_value is None or check is None:
                if strict:  # None or an unknown member would not come back from boto3 as given
                    return (found or []) + _in_model_order(value, path)
            elif check(member_value, name):
                return (found or []) + _in_model_order(value, path)
        return _NONE if found is None else found

    def _in_model_order(value: dict[str, Any], path: str) -> list[Violation]:
        found: list[Violation] = []
        for name, check in resolved.items():
            member_value = value.get(name)
            member_path = f"{path}.{name}" if path else name
            if member_value is not None:
                found.extend(check(member_value, member_path))
            elif strict and name in value and name not in dict(required):
                found.append(Violation(member_path, None, _LEAVE_OUT, shape.name))
        if strict:
            for name, member_value in value.items():
                if name not in resolved:
                    member_path = f"{path}.{name}" if path else name
                    found.append(Violation(member_path, member_value, known_rule, shape.name))
        return found

    return validate


def _map_checks(shape: Shape, expected: tuple[type, ...], lookup: Lookup) -> Validator:
    sized = _size_checker(shape, "length")
    key_shape, value_shape = shape.key, shape.value  # type: ignore[attr-defined]
    wrong_type = _mismatch(shape, lookup)

    def validate(value: Any, path: str) -> Sequence[Violation]:
        if not isinstance(value, dict):
            return wrong_type(value, path)
        wrong_size = sized(value, len(value), path)
        found = [] if wrong_size is None else [wrong_size]
        # AWS reports a bad key or value against the map itself, wrapping the member rule.
        for key, item in value.items():
            for problem in lookup(key_shape)(key, path):
                rule = f"Map keys must satisfy constraint: [{problem.rule}]"
                found.append(Violation(path, key, rule, key_shape.name, problem.unreadable))
            for problem in lookup(value_shape)(item, path):
                rule = f"Map values must satisfy constraint: [{problem.rule}]"
                found.append(Violation(path, item, rule, value_shape.name, problem.unreadable))
        return found or _NONE

    return validate


def _list_checks(shape: Shape, expected: tuple[type, ...], lookup: Lookup) -> Validator:
    sized = _size_checker(shape, "length")
    member_shape = shape.member  # type: ignore[attr-defined]
    wrong_type = _mismatch(shape, lookup)

    def validate(value: Any, path: str) -> Sequence[Violation]:
        if not isinstance(value, expected):
            return wrong_type(value, path)
        items: Any = value  # narrowed to `object` by the isinstance over a tuple of types
        wrong_size = sized(items, len(items), path)
        found = [] if wrong_size is None else [wrong_size]
        for index, item in enumerate(items, 1):
            found.extend(lookup(member_shape)(item, f"{path}.{index}"))
        return found or _NONE

    return validate
