"""The pytest side: the ``fake_omics`` fixture, its marker and its ini options.

pytest imports this module in every run of every suite that has the plugin installed, used or
not. So it imports nothing of the fake itself at load time: the fake, the botocore model and the
transports are imported the first time a test asks for ``fake_omics``. It has no assertions for
pytest to rewrite either (PYTEST_DONT_REWRITE), which spares every run that work.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any, Literal

import pytest

if TYPE_CHECKING:
    from pytest_omics_cache._fake import FakeOmics
    from pytest_omics_cache._options import Options

_SUITE_OPTIONS: pytest.StashKey[Options] = pytest.StashKey()
_NOT_PASSED = pytest.StashKey[bool]()
_FAKE: pytest.StashKey[FakeOmics] = pytest.StashKey()

# One ini option per field of Options: name, type, help, and the default as the ini holds it
# (a test checks these defaults against Options' own).
_INI: dict[str, tuple[str, Literal["string", "bool"], str, str | bool]] = {
    "region": (
        "fake_omics_region",
        "string",
        "Region fake_omics seeds run caches into.",
        "us-east-1",
    ),
    "account": (
        "fake_omics_account",
        "string",
        "AWS account fake_omics requests come from and seeds into.",
        "123456789012",
    ),
    "real_sleep": (
        "fake_omics_real_sleep",
        "bool",
        "Let botocore really sleep between retries while fake_omics is active.",
        False,
    ),
    "real_signatures": (
        "fake_omics_real_signatures",
        "bool",
        "Let botocore compute real SigV4 signatures on omics requests (not a fixed one).",
        False,
    ),
    "assert_all_errors_fired": (
        "fake_omics_assert_all_errors_fired",
        "bool",
        "Fail a test whose finite injected errors/faults or queued responses did not all fire.",
        True,
    ),
    "assert_all_requests_served": (
        "fake_omics_assert_all_requests_served",
        "bool",
        "Fail a test in which an omics request was not served (even if the code caught it).",
        True,
    ),
    # pytest < 8.4 has no "int" ini type, so this one is read as a string and converted.
    "max_run_caches": (
        "fake_omics_max_run_caches",
        "string",
        "Run caches an account may have per region before CreateRunCache is refused.",
        "1000",
    ),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    for ini_name, ini_type, help_text, default in _INI.values():
        parser.addini(ini_name, f"{help_text} Default: {default}.", type=ini_type, default=default)
    parser.addini(
        "fake_omics_guard",
        "Fail any omics request made while no fake is active (never reaching AWS). Default: False.",
        type="bool",
        default=False,
    )
    parser.getgroup("pytest-omics-cache").addoption(
        "--fake-omics-guard",
        action="store_true",
        default=False,
        help="fail any omics request made while no fake is active, naming the test; it never"
        " reaches AWS (the same as the ini option fake_omics_guard = true)",
    )


class _Guard:
    """Tells the session-wide guard which test is running, for its message."""

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        from pytest_omics_cache import _guard

        _guard.set_test(nodeid)

    def pytest_runtest_logfinish(self) -> None:
        from pytest_omics_cache import _guard

        _guard.set_test(None)


def _start_guard(config: pytest.Config) -> None:
    try:
        wanted = config.getoption("fake_omics_guard") or config.getini("fake_omics_guard")
    except (ValueError, pytest.UsageError) as error:
        raise pytest.UsageError(
            f"pytest-omics-cache ini option fake_omics_guard: {error}"
        ) from None
    if not wanted:
        return
    from pytest_omics_cache import _unrewritten

    _unrewritten.skip()
    from pytest_omics_cache import _guard

    config.add_cleanup(_guard.install())
    config.pluginmanager.register(_Guard(), "pytest-omics-cache-guard")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"fake_omics({', '.join(f'{name}=...' for name in _INI)}): options of the fake_omics"
        " fixture for this test.",
    )
    _start_guard(config)
    values: dict[str, Any] = {}
    for name, (ini, _, _, _) in _INI.items():
        try:
            values[name] = config.getini(ini)
        except (ValueError, pytest.UsageError) as error:  # pytest converting a bool ini value
            raise pytest.UsageError(f"pytest-omics-cache ini option {ini}: {error}") from None
    if all(values[name] == default for name, (_, _, _, default) in _INI.items()):
        return  # nothing configured: nothing to import or check now
    try:
        values["max_run_caches"] = int(values["max_run_caches"])
    except ValueError:
        raise pytest.UsageError(
            "pytest-omics-cache ini option fake_omics_max_run_caches:"
            f" {values['max_run_caches']!r} must be a whole number"
        ) from None
    from pytest_omics_cache import _unrewritten

    _unrewritten.skip()
    from pytest_omics_cache._options import Options

    try:
        config.stash[_SUITE_OPTIONS] = Options(**values).validated()
    except ValueError as error:
        # Name the one option at fault: the first that is refused on its own.
        bad = next(
            (
                ini
                for name, (ini, _, _, _) in _INI.items()
                if not _valid(Options, {name: values[name]})
            ),
            "",
        )
        raise pytest.UsageError(f"pytest-omics-cache ini option {bad}: {error}") from None


def _valid(options: Any, values: dict[str, Any]) -> bool:
    try:
        options(**values).validated()
    except ValueError:
        return False
    return True


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
        if report.when in ("setup", "call") and report.outcome != "passed":
            # A test that failed, errored, was skipped or xfailed gets no second, confusing
            # error about injections it never reached.
            item.stash[_NOT_PASSED] = True
        fake = item.stash.get(_FAKE, None)
        if fake is not None:
            if report.failed and report.when in ("call", "teardown"):
                # What the fake saw, beside the failure, as pytest shows captured logs.
                report.sections.append(("fake_omics", fake.summary()))
            if report.when == "teardown":
                del item.stash[_FAKE]  # items live for the whole session; fakes must not
        return report


_OUTCOMES_PLUGIN = "pytest-omics-cache-outcomes"


@pytest.fixture
def fake_omics(request: pytest.FixtureRequest) -> Iterator[FakeOmics]:
    """An in-memory AWS HealthOmics run-cache service that every omics client talks to."""
    plugins = request.config.pluginmanager
    if not plugins.has_plugin(_OUTCOMES_PLUGIN):
        from pytest_omics_cache import _unrewritten

        _unrewritten.skip()  # before the first import of the fake's modules
        plugins.register(_Outcomes(), _OUTCOMES_PLUGIN)
    from pytest_omics_cache._fake import FakeOmics
    from pytest_omics_cache._options import Options

    options = request.config.stash.get(_SUITE_OPTIONS, None) or Options()
    marker = request.node.get_closest_marker("fake_omics")
    if marker is not None:
        problem = None
        try:
            if marker.args:
                raise ValueError("takes keyword arguments only, e.g. region='eu-west-1'")
            options = options.updated(marker.kwargs, source="@pytest.mark.fake_omics").validated()
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
