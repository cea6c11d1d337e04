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
) -> AssertionError | None:
    """The teardown failure for these problems, or None when there are none."""
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
        described = [i.describe() for i in injections] + [r.describe() for r in responses]
        listing = "\n".join(f"  - {line}" for line in described)
        sections.append(
            f"fake_omics: {len(unfired)} {what} did not fire as often as asked:\n{listing}\n"
            f"Each {each} with a finite `times` must fire that often. If that is intended, pass"
            f" times=None, or opt out with {_opt_out('assert_all_errors_fired', source)}."
        )
    return AssertionError("\n".join(sections)) if sections else None
