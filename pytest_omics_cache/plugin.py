"""The pytest side: the ``fake_omics`` fixture, its marker and its ini options."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import fields
from typing import Literal

import pytest

from pytest_omics_cache._fake import FakeOmics
from pytest_omics_cache._options import Options

_SUITE_OPTIONS = pytest.StashKey[Options]()
_NOT_PASSED = pytest.StashKey[bool]()

# One ini option per Options field: (ini name, ini type, help).
_INI: dict[str, tuple[str, Literal["string", "bool"], str]] = {
    "region": ("fake_omics_region", "string", "Region fake_omics seeds run caches into."),
    "account": (
        "fake_omics_account",
        "string",
        "AWS account fake_omics requests come from and seeds into.",
    ),
    "real_sleep": (
        "fake_omics_real_sleep",
        "bool",
        "Let botocore really sleep between retries while fake_omics is active.",
    ),
    "assert_all_errors_fired": (
        "fake_omics_assert_all_errors_fired",
        "bool",
        "Fail a test whose finite injected errors/faults did not all fire.",
    ),
    # pytest < 8.4 has no "int" ini type, so this one is read as a string and converted.
    "max_run_caches": (
        "fake_omics_max_run_caches",
        "string",
        "Run caches an account may have per region before CreateRunCache is refused.",
    ),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    for field in fields(Options):
        ini_name, ini_type, help_text = _INI[field.name]
        default = field.default if ini_type == "bool" else str(field.default)
        parser.addini(
            ini_name, f"{help_text} Default: {field.default}.", type=ini_type, default=default
        )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "fake_omics(region=..., account=..., real_sleep=..., assert_all_errors_fired=...,"
        " max_run_caches=...):"
        " options of the fake_omics fixture for this test.",
    )
    names = ", ".join(ini for ini, _, _ in _INI.values())
    values = {}
    for name, (ini, _, _) in _INI.items():
        try:
            values[name] = config.getini(ini)
        except (ValueError, pytest.UsageError) as error:  # pytest converting a bool ini value
            raise pytest.UsageError(
                f"pytest-omics-cache ini option ({names}): {ini}: {error}"
            ) from None
    try:
        values["max_run_caches"] = int(values["max_run_caches"])
    except ValueError:
        raise pytest.UsageError(
            f"pytest-omics-cache ini option ({names}): fake_omics_max_run_caches="
            f"{values['max_run_caches']!r} must be a whole number"
        ) from None
    options = Options(**values)
    if options != Options():
        # Only a suite that configures the plugin pays for loading the model this early;
        # defaults are known good and an unused plugin must cost nothing.
        try:
            options.validated()
        except ValueError as error:
            raise pytest.UsageError(f"pytest-omics-cache ini option ({names}): {error}") from None
    config.stash[_SUITE_OPTIONS] = options


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when in ("setup", "call") and report.outcome != "passed":
        # Read by the fixture's teardown: a test that failed, errored, was skipped or xfailed
        # gets no second, confusing error about injections it never reached.
        item.stash[_NOT_PASSED] = True
    return report


@pytest.fixture
def fake_omics(request: pytest.FixtureRequest) -> Iterator[FakeOmics]:
    """An in-memory AWS HealthOmics run-cache service that every omics client talks to."""
    options = request.config.stash.get(_SUITE_OPTIONS, Options())
    marker = request.node.get_closest_marker("fake_omics")
    if marker is not None:
        try:
            if marker.args:
                raise ValueError("takes keyword arguments only, e.g. region='eu-west-1'")
            options = options.updated(marker.kwargs, source="@pytest.mark.fake_omics").validated()
        except ValueError as error:
            pytest.fail(f"@pytest.mark.fake_omics: {error}", pytrace=False)
    fake = FakeOmics(
        region=options.region,
        account=options.account,
        real_sleep=options.real_sleep,
        assert_all_errors_fired=options.assert_all_errors_fired,
        max_run_caches=options.max_run_caches,
    )
    with fake._activated():
        yield fake
    if options.assert_all_errors_fired and not request.node.stash.get(_NOT_PASSED, False):
        unfired = fake._unfired_injections_error()
        if unfired is not None:
            __tracebackhide__ = True  # the message says it all; the fixture's code would not
            raise unfired
