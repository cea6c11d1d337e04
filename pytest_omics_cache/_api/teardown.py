"""The check when a fake stops: one ``AssertionError`` listing every problem, and how to opt out.

Problems: requests nothing answered (the code under test may have swallowed the
``UnservedRequestError``), connections to HealthOmics that an HTTP stack the fake does not
serve tried (refused at the socket layer), requests to a region HealthOmics is not available in
(it may have swallowed the connection error), and injections or queued responses with a finite
``times`` that did not fire that often.
"""

from __future__ import annotations

from collections.abc import Sequence

from pytest_omics_cache._core.calls import Call
from pytest_omics_cache._core.injections import Injection
from pytest_omics_cache._resources.canned.store import CannedResponse
from pytest_omics_cache._wire import hosts as _hosts

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
    if not (unserved or unfired):
        return None  # every passing test: nothing to sort
    sections: list[str] = []
    elsewhere = [call for call in unserved if call.no_omics_in_region]
    if elsewhere:
        sections.append(_no_omics_section(elsewhere, source))
    refused = [call for call in unserved if call.transport == "socket"]
    if refused:
        listing = "\n".join(f"  - {call.describe()}" for call in refused)
        sections.append(
            f"fake_omics: {len(refused)} connection(s) to HealthOmics were refused at the socket"
            f" layer:\n{listing}\nAn HTTP stack the fake does not serve in-process tried to"
            " reach AWS (and got UnservedRequestError, which it may have caught). Point that"
            " client at fake_omics.endpoint_url, or set AWS_ENDPOINT_URL_OMICS to it; if that is"
            f" intended, opt out with {_opt_out('assert_all_requests_served', source)}."
        )
    unserved = [
        call for call in unserved if not call.no_omics_in_region and call.transport != "socket"
    ]
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


#: What each transport's caller got for a request to a region without HealthOmics.
_REFUSED_AS = {
    "botocore": "botocore's EndpointConnectionError",
    "aiobotocore": "botocore's EndpointConnectionError",
    "requests": "requests' ConnectionError",
    "endpoint": "a 501 UnservedRequestError through endpoint_url",
}


def _no_omics_section(calls: Sequence[Call], source: str) -> str:
    """Requests to regions HealthOmics is not available in: one line per request as described
    (a retried one, alike each time, once with its count), then where HealthOmics is."""

    counted: dict[str, int] = {}
    for call in calls:
        line = call.describe()
        counted[line] = counted.get(line, 0) + 1
    listing = "\n".join(
        f"  - {line}" + (f" ({count} requests)" if count > 1 else "")
        for line, count in counted.items()
    )
    got = " or ".join(dict.fromkeys(_REFUSED_AS.get(c.transport, "an error") for c in calls))
    return (
        f"fake_omics: {len(calls)} request(s) were addressed to a region HealthOmics is not"
        f" available in:\n{listing}\nbotocore's endpoint data has HealthOmics in:"
        f" {', '.join(_hosts.omics_regions())}. Against AWS a client in any other region"
        " cannot connect (the host botocore builds there does not resolve); the code under"
        f" test got {got} for each (and may have caught it). Make the client in one of those"
        " regions (its region_name, or AWS_REGION / AWS_DEFAULT_REGION), or if that is"
        f" intended, opt out with {_opt_out('assert_all_requests_served', source)}."
    )


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
