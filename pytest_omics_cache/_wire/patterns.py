"""The model's patterns, which are Java regular expressions, as Python predicates.

Java's semantics, as the service applies them (``Pattern.matches``): the whole value must match;
``\\w``, ``\\d`` and ``\\s`` are ASCII; ``|`` inside a character class is a literal; and ``\\p{L}``
and friends are Unicode general categories, which Python's ``re`` cannot express. So each
``\\p{X}`` becomes, inside a character class, the ASCII characters of category X plus one
*placeholder* per Unicode category X covers (private-use characters), and before matching, each
non-ASCII character of the value is replaced by the placeholder of its own category. A value
matches the translation exactly when it matches the Java pattern: every other construct of the
pattern sees a placeholder as it would see any non-ASCII character that is not one of its
literals (and the model's patterns have no non-ASCII literals).

Anything the translator does not know (``\\P{..}``, ``&&`` intersections, a non-ASCII literal) is
a ``NotImplementedError`` when the pattern is first used: the suite reads every pattern of the
model, so such a pattern fails the project's tests, never a user's.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

#: Every Unicode general category, each given one private-use placeholder character.
_CATEGORIES = (
    *("Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No"),
    *("Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"),
    *("Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn"),
)
_PLACEHOLDER_BASE = 0xE000
_PLACEHOLDER = {category: chr(_PLACEHOLDER_BASE + i) for i, category in enumerate(_CATEGORIES)}


class _ByCategory(dict[int, str]):
    """``str.translate`` table: a non-ASCII character -> its category's placeholder."""

    def __missing__(self, code: int) -> str:
        placeholder = self[code] = _PLACEHOLDER[unicodedata.category(chr(code))]
        return placeholder


# ASCII characters stand for themselves: the translation spells them out.
_TO_PLACEHOLDERS = _ByCategory({code: chr(code) for code in range(128)})


def _class_items(category: str) -> str:
    """What ``\\p{category}`` stands for inside a Python character class."""
    covered = [c for c in _CATEGORIES if c.startswith(category)]
    if not covered:
        raise NotImplementedError(f"unknown Unicode category \\p{{{category}}}")
    ascii_members = "".join(
        chr(code) for code in range(128) if unicodedata.category(chr(code)) in covered
    )
    return _escape_in_class(ascii_members) + "".join(_PLACEHOLDER[c] for c in covered)


def _escape_in_class(chars: str) -> str:
    return "".join("\\" + c if c in "\\]^-[" else c for c in chars)


_CATEGORY = re.compile(r"\\p\{([A-Za-z]{1,2})\}")
# Escapes that mean something else, or nothing, in Python: \p and \P other than \p{X} above,
# quoting, Java's line-break and whitespace classes, its end anchors.
_JAVA_ONLY_ESCAPES = frozenset("pPQEXRhHvVzZGK")


def translate(pattern: str) -> str:
    """The Python regex that matches placeholder-translated values as ``pattern`` matches the
    originals (see the module's docstring)."""
    if not pattern.isascii():
        raise NotImplementedError(f"non-ASCII literal in model pattern {pattern!r}")
    out: list[str] = []
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            escape = pattern[index : index + 2]
            category = _CATEGORY.match(pattern, index)
            if category is not None:
                items = _class_items(category.group(1))
                out.append(items if in_class else f"[{items}]")
                index = category.end()
                continue
            if escape[1:] in _JAVA_ONLY_ESCAPES:
                raise NotImplementedError(
                    f"unsupported Java regex construct {escape!r} in model pattern {pattern!r}"
                )
            out.append(escape)
            index += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
            elif char == "|":
                char = "\\|"  # a literal in Java's classes as in Python's, spelt out for clarity
            elif char == "&" and pattern[index : index + 2] == "&&":
                raise NotImplementedError(f"character class intersection in {pattern!r}")
            elif char == "[":
                raise NotImplementedError(f"nested character class in {pattern!r}")
        elif char == ".":
            # Java's "." stops at every line terminator; Python's only at "\n".
            out.append("[^\n\r\x85\u2028\u2029]")
            index += 1
            continue
        elif char == "[":
            in_class = True
            out.append(char)
            index += 1
            if pattern[index : index + 1] == "^":
                out.append("^")
                index += 1
            if pattern[index : index + 1] == "]":  # a literal ] first in the class
                out.append("\\]")
                index += 1
            continue
        out.append(char)
        index += 1
    return "".join(out)


@functools.cache
def matcher(pattern: str) -> Callable[[str], bool]:
    """A full-match predicate for one model pattern, with Java's semantics."""
    compiled = re.compile(translate(pattern), re.ASCII)
    fullmatch = compiled.fullmatch
    if "\\p{" not in pattern:
        # Without categories a placeholder is "some non-ASCII character" to every construct,
        # and so is the character itself: no translation needed.
        return lambda value: fullmatch(value) is not None

    def matches(value: str) -> bool:
        if not value.isascii():
            value = value.translate(_TO_PLACEHOLDERS)
        return fullmatch(value) is not None

    return matches
