"""What the pytest side does once a suite uses it: the ``fake_omics`` fixture's work, the suite's
options from its ini file, the session-wide guard, and the record of which tests did not pass.

``plugin`` holds only what every pytest run needs (the options' names and the fixture's entry)
and imports this module when a test asks for ``fake_omics``, when an ini option is set, or when
the guard is on: pytest loads ``plugin`` through its slower assertion-rewriting import, in every
run of every suite with the plugin installed (see ``_unrewritten``).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping
from typing import Any

import pytest

from pytest_omics_cache._api.fake import FakeOmics
from pytest_omics_cache._core.options import Options
from pytest_omics_cache._transports import guard as _guard

_SUITE_OPTIONS = pytest.StashKey[Options]()
_NOT_PASSED = pytest.StashKey[bool]()
_FAKE = pytest.StashKey[FakeOmics]()
_OUTCOMES_PLUGIN = "pytest-omics-cache-outcomes"


def configure(
    config: pytest.Config,
    configured: dict[str, Any],
    *,
    ini: Mapping[str, tuple[str, str, str, str | bool]],
) -> None:
    """Check the ini values a suite set (``configured``, by option) and keep them, with the
    other options' defaults, as the suite's defaults; a bad one is a usage error naming it.
    ``ini`` is ``plugin``'s table of the ini options (handed down, so this module never imports
    the one above it)."""
    values = {name: configured.get(name, default) for name, (_, _, _, default) in ini.items()}
    try:
        values["max_run_caches"] = int(values["max_run_caches"])
    except ValueError:
        raise pytest.UsageError(
            f"pytest-omics-cache ini option {ini['max_run_caches'][0]}:"
            f" {values['max_run_caches']!r} must be a whole number"
        ) from None
    try:
        config.stash[_SUITE_OPTIONS] = Options(**values).validated()
    except ValueError as error:
        # Name the one option at fault: the first that is refused on its own.
        bad = next(
            (spelt for name, (spelt, *_) in ini.items() if not _valid(name, values[name])), ""
        )
        raise pytest.UsageError(f"pytest-omics-cache ini option {bad}: {error}") from None


def _valid(name: str, value: Any) -> bool:
    try:
        Options(**{name: value}).validated()
    except ValueError:
        return False
    return True


def _note_not_passed(item: pytest.Item, report: pytest.TestReport) -> None:
    """Mark a test that failed, errored, was skipped or xfailed: its teardown checks (the
    fixture's, the guard's) give it no second, confusing error about what it never reached."""
    if report.when in ("setup", "call") and report.outcome != "passed":
        item.stash[_NOT_PASSED] = True


class _Guard:
    """Tells the session-wide guard which test is running, for its message."""

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        _guard.set_test(nodeid)

    def pytest_runtest_logfinish(self) -> None:
        _guard.set_test(None)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        _note_not_passed(item, report)
        if report.when == "teardown":
            refused = _guard.take_refused()
            # A test that already failed (most likely on the refusal itself) gets no second error.
            if (
                refused
                and report.passed
                and not item.stash.get(_NOT_PASSED, False)
                and _requests_must_be_served(item)
            ):
                listing = "\n".join(f"  - {line}" for line in refused)
                report.outcome = "failed"
                report.longrepr = (
                    f"pytest-omics-cache's guard refused {len(refused)} omics request(s) made"
                    f" while no fake was active:\n{listing}\nThe code under test got"
                    " UnservedRequestError for each, and the test went on (it may have caught"
                    " it). Use the fake_omics fixture (or mock_omics) in this test; if the"
                    " refusal is intended, opt out with"
                    " @pytest.mark.fake_omics(assert_all_requests_served=False) or the ini option"
                    " fake_omics_assert_all_requests_served = false."
                )
        return report


def _requests_must_be_served(item: pytest.Item) -> bool:
    """Whether the test (its marker, else the suite's ini) keeps assert_all_requests_served on."""
    marker = item.get_closest_marker("fake_omics")
    if marker is not None and "assert_all_requests_served" in marker.kwargs:
        return bool(marker.kwargs["assert_all_requests_served"])
    suite = item.config.stash.get(_SUITE_OPTIONS, None)
    return suite is None or suite.assert_all_requests_served


def start_guard(config: pytest.Config) -> None:
    """Fail every omics request made while no fake is active, for the whole session."""
    config.add_cleanup(_guard.install())
    config.pluginmanager.register(_Guard(), "pytest-omics-cache-guard")


class _Outcomes:
    """Records which tests did not pass, for the teardown check of ``fake_omics``.

    Registered by the first test that uses the fixture, so suites that never do pay nothing
    for it on each of their tests.
    """

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        _note_not_passed(item, report)
        fake = item.stash.get(_FAKE, None)
        if fake is not None:
            if report.failed and report.when in ("call", "teardown"):
                # What the fake saw, beside the failure, as pytest shows captured logs.
                report.sections.append(("fake_omics", fake.summary()))
            if report.when == "teardown":
                del item.stash[_FAKE]  # items live for the whole session; fakes must not
        return report


def fake_omics(request: pytest.FixtureRequest) -> Iterator[FakeOmics]:
    """The ``fake_omics`` fixture's body: a fake made from the suite's options and the test's
    marker, active for the test, then the teardown check."""
    plugins = request.config.pluginmanager
    if not plugins.has_plugin(_OUTCOMES_PLUGIN):
        plugins.register(_Outcomes(), _OUTCOMES_PLUGIN)
    options = request.config.stash.get(_SUITE_OPTIONS, None) or Options()
    marker = request.node.get_closest_marker("fake_omics")
    if marker is not None:
        problem = None
        try:
            if marker.args:
                raise ValueError("takes keyword arguments only, e.g. region='eu-west-1'")
            options = options.updated(marker.kwargs).validated()
        except ValueError as error:
            problem = str(error)
        if problem is not None:  # failed outside the except: reported once, not chained
            pytest.fail(f"@pytest.mark.fake_omics: {problem}", pytrace=False)
    fake = FakeOmics._from_options(options)
    request.node.stash[_FAKE] = fake
    activation = fake._start(f"the fake_omics fixture of {request.node.nodeid}")
    try:
        yield fake
    finally:
        activation.stop()
    if not request.node.stash.get(_NOT_PASSED, False):
        problems = fake._teardown_error()
        if problems is not None:
            __tracebackhide__ = True  # the message says it all; the fixture's code would not
            raise problems
