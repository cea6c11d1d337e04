"""The check when a fake stops: one ``AssertionError`` listing every problem, and how to opt out.

Problems: requests nothing answered (the code under test may have swallowed the
``UnservedRequestError``), and injections or queued responses with a finite ``times`` that did
not fire that often.
"""

from __future__ import annotations

from collections.abc import Sequence

from pytest_omics_cache._calls import Call
from pytest_omics_cache._canned import CannedResponse
from pytest_omics_cache._injections import Injection

#: How each opt-out is spelt where the fake came from.
FIXTURE = "fixture"
MOCK = "mock_omics"


def _opt_out(option: str, source: str) -> str:
    if source == MOCK:
        return f"mock_omics({option}=False)"
    return f"@pytest.mark.fake_omics({option}=False) or the ini option fake_omics_{option} = false"


def error(
    *,
    unserved: Sequence[Call],
    unfired: Sequence[Injection | CannedResponse],
    source: str,
    called: Sequence[str] = (),
) -> AssertionError | None:
    """The teardown failure for these problems, or None when there are none. ``called`` are
    the operations the code under test called, in order: an injection aimed at none of them
    says so."""
    sections: list[str] = []
    if unserved:
        listing = "\n".join(f"  - {call.describe()}" for call in unserved)
        sections.append(
            f"fake_omics: {len(unserved)} request(s) were not served:\n{listing}\nThe code under"
            " test got UnservedRequestError for each (and may have caught it). Queue an answer"
            " with fake_omics.add_response(...), or if that is intended, opt out with"
            f" {_opt_out('assert_all_requests_served', source)}."
        )
    if unfired:
        injections = [u for u in unfired if isinstance(u, Injection)]
        responses = [u for u in unfired if isinstance(u, CannedResponse)]
        nouns = [
            noun
            for noun, items in (
                ("injected error(s)/fault(s)", injections),
                ("queued response(s)", responses),
            )
            if items
        ]
        what = " and ".join(nouns)
        each = " or ".join(
            noun
            for noun, items in (("injection", injections), ("queued response", responses))
            if items
        )
        described = [_aimed(i, called) for i in injections] + [r.describe() for r in responses]
        listing = "\n".join(f"  - {line}" for line in described)
        sections.append(
            f"fake_omics: {len(unfired)} {what} did not fire as often as asked:\n{listing}\n"
            f"Each {each} with a finite `times` must fire that often. If that is intended, pass"
            f" times=None, or opt out with {_opt_out('assert_all_errors_fired', source)}."
        )
    return AssertionError("\n".join(sections)) if sections else None


def _aimed(injection: Injection, called: Sequence[str]) -> str:
    """An injection's line, with what it was aimed at when the code under test called other
    operations but never that one (``add_error``'s default operation is GetRunCache, a trap
    for code that lists first)."""
    line = injection.describe()
    if injection.operation is None or not called or injection.operation in called:
        return line
    others = ", ".join(dict.fromkeys(called))
    return (
        f"{line} (it was aimed at {injection.operation}; the code under test called {others}:"
        " pass operation= to aim it there, or operation=None for every operation)"
    )
