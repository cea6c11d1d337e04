"""Document members: free-form JSON in a shape of the model (StartRun's ``parameters``, GetRun's
``engineSettings``), which the model says nothing about but that it is JSON.

Two checks, as for every shape (see ``_wire.validate``):

* a request's document was decoded from JSON already: only how deep it nests is checked, so that
  nothing the fake then does with it (copies, the call log, answers) can go deeper than
  ``MAX_DOCUMENT_DEPTH``;
* a test author's document (a seed, an ``add_response`` answer) must be JSON as well: what goes
  on the wire later must come back from botocore as given, so an object, a set, bytes, a
  datetime or NaN is refused now, at the author's line, not in the code under test.

Both walk the document with a stack of their own, never by recursion: any depth is safe to check.
"""

from __future__ import annotations

import math
import reprlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pytest_omics_cache._wire.violations import Validator, Violation

if TYPE_CHECKING:
    from botocore.model import Shape

_NONE: Sequence[Violation] = ()

#: How deep a document member (free-form JSON: StartRun's ``parameters``) may nest: dicts and
#: lists inside one another, the document itself the first level. *Choice*: AWS documents no
#: limit; a deeper one is refused, on requests as the service refuses a value, and in seeds.
MAX_DOCUMENT_DEPTH = 100

DEPTH_RULE = f"Member must have a nesting depth less than or equal to {MAX_DOCUMENT_DEPTH}"
JSON_RULE = (
    "Member must be JSON: a dict with str keys, a list, a str, an int, a finite float, a bool"
    " or None"
)
KEY_RULE = "Member must be JSON: a dict's keys must be str"
FINITE_RULE = "Member must be JSON: a float must be finite (JSON has no NaN or Infinity)"
WRITABLE_RULE = "Member must be JSON the fake can write: an int must have at most"


class _Shown:
    """A value shown in a message by an outline of it: a deep document in full would be
    unreadable, and its repr could itself go deeper than Python allows; an int of too many
    digits has no repr at all."""

    def __init__(self, text: str) -> None:
        self._text = text

    def __repr__(self) -> str:
        return self._text


def _outline(document: object) -> _Shown:
    return _Shown("{...}" if isinstance(document, dict) else "[...]")


def validator(shape: Shape, strict: bool) -> Validator:
    """The validator of document ``shape``: for a test author's values if ``strict``, else for
    a request's."""
    name = shape.name
    if strict:
        return lambda value, path: _authors_problems(name, value, path)

    def validate(value: object, path: str) -> Sequence[Violation]:
        if _too_deep(value):
            return (Violation(path, _outline(value), DEPTH_RULE, name),)
        return _NONE

    return validate


def _too_deep(value: object) -> bool:
    """Whether ``value`` (decoded JSON: dicts and lists only) nests deeper than the limit. Level
    by level, so a document is walked at most to the level past the limit. Paid only by a new
    shape of request (``_core.readings`` reads a StartRun body once per shape): about a microsecond
    for a dozen parameters."""
    level = [value] if type(value) is dict or type(value) is list else []
    for _ in range(MAX_DOCUMENT_DEPTH):
        if not level:
            return False
        inner: list[Any] = []
        for container in level:
            for item in container.values() if type(container) is dict else container:
                if type(item) is dict or type(item) is list:
                    inner.append(item)
        level = inner
    return bool(level)


def _authors_problems(shape: str, value: object, path: str) -> Sequence[Violation]:
    """Every way ``value`` is no JSON document of at most the allowed depth, in document order;
    only the top of a document too deep, never its depths."""
    found: list[Violation] = []
    too_deep = False
    # (where, value, how many containers hold it), last first: the next to visit is on top.
    stack: list[tuple[str, object, int]] = [(path, value, 0)]
    while stack:
        where, item, holders = stack.pop()
        if isinstance(item, (dict, list)):
            if holders == MAX_DOCUMENT_DEPTH:
                too_deep = True
                continue
            inner: list[tuple[str, object, int]] = []
            if isinstance(item, dict):
                for key, member in item.items():
                    if isinstance(key, str):
                        inner.append((f"{where}.{key}", member, holders + 1))
                    else:
                        key_path = f"{where}[{reprlib.repr(key)}]"
                        found.append(Violation(key_path, member, KEY_RULE, shape))
            else:
                inner.extend(
                    (f"{where}.{i}", member, holders + 1) for i, member in enumerate(item, 1)
                )
            stack.extend(reversed(inner))
        elif isinstance(item, float):
            if not math.isfinite(item):
                found.append(Violation(where, item, FINITE_RULE, shape))
        elif isinstance(item, int) and not isinstance(item, bool):
            limit = _digits_limit(item)
            if limit is not None:
                shown = _Shown(f"<an int of more than {limit} digits>")
                rule = f"{WRITABLE_RULE} {limit} digits"
                found.append(Violation(where, shown, rule, shape))
        elif not (item is None or isinstance(item, (str, bool))):
            found.append(Violation(where, item, JSON_RULE, shape))
    if too_deep:
        found.insert(0, Violation(path, _outline(value), DEPTH_RULE, shape))
    return found or _NONE


#: Bits of an int whose digits are fewer than any limit Python can be set to (640 at least).
_SURELY_WRITABLE_BITS = 2000


def _digits_limit(number: int) -> int | None:
    """Python's int-to-text limit (4300 digits unless set otherwise), if ``number`` has more
    digits than it: the fake could not write it as JSON."""
    if number.bit_length() < _SURELY_WRITABLE_BITS:
        return None
    try:
        str(number)
    except ValueError:
        limit: int = getattr(sys, "get_int_max_str_digits", lambda: 0)()
        return limit
    return None
