"""What a broken constraint is, and how the service words it: the values every check (requests,
documents, seeds, tags) reports, and the ValidationException message made of them."""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: The most characters of a value a ValidationException shows: every real id, name and URI
#: whole (the model's longest bounded strings are far shorter than a request may be), and never
#: a 10 MB value echoed back in full.
MAX_SHOWN_CHARS = 1024


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
    #: For a request value of the wrong JSON type: the SerializationException text the service
    #: answers instead of any validation (``STRING_VALUE can not be converted to an Integer``).
    unreadable: str | None = None

    def service_message(self) -> str:
        """The wording AWS services use in a ValidationException; a value longer than
        ``MAX_SHOWN_CHARS`` is cut there (*choice*: an answer never echoes a huge value)."""
        if self.value is None:
            shown = "null"
        else:
            text = str(self.value)
            cut = text if len(text) <= MAX_SHOWN_CHARS else f"{text[:MAX_SHOWN_CHARS]}..."
            shown = f"'{cut}'"
        return f"Value {shown} at '{self.path}' failed to satisfy constraint: {self.rule}"

    def author_message(self) -> str:
        """The wording for a test author: path, value, rule and the model shape."""
        try:
            shown = repr(self.value)
        except RecursionError:  # a container nested deeper than repr goes: its outline
            shown = reprlib.repr(self.value)
        return (
            f"{self.path}={shown} breaks the rule '{self.rule}'"
            f" (botocore omics model, shape {self.shape})"
        )


def validation_message(violations: Sequence[Violation]) -> str:
    count = len(violations)
    noun = "error" if count == 1 else "errors"
    details = "; ".join(v.service_message() for v in violations)
    return f"{count} validation {noun} detected: {details}"


Validator = Callable[[object, str], Sequence[Violation]]
