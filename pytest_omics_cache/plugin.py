"""The pytest side: the ``fake_omics`` fixture, its marker and its ini options."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pytest_omics_cache._fake import FakeOmics
from pytest_omics_cache._options import DEFAULT_ACCOUNT, DEFAULT_REGION, Options

_SUITE_OPTIONS = pytest.StashKey[Options]()

_INI = {
    "region": ("fake_omics_region", DEFAULT_REGION, "Region fake_omics seeds run caches into."),
    "account": (
        "fake_omics_account",
        DEFAULT_ACCOUNT,
        "AWS account fake_omics requests come from and seeds into.",
    ),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    for ini_name, default, help_text in _INI.values():
        parser.addini(ini_name, f"{help_text} Default: {default}.", default=default)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "fake_omics(region=..., account=...): options of the fake_omics fixture for this test.",
    )
    values = {field: str(config.getini(ini)) for field, (ini, _, _) in _INI.items()}
    options = Options(**values)
    if options != Options():
        # Only a suite that configures the plugin pays for loading the model this early;
        # defaults are known good and an unused plugin must cost nothing.
        try:
            options.validated()
        except ValueError as error:
            names = ", ".join(ini for ini, _, _ in _INI.values())
            raise pytest.UsageError(f"pytest-omics-cache ini option ({names}): {error}") from None
    config.stash[_SUITE_OPTIONS] = options


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
    fake = FakeOmics(region=options.region, account=options.account)
    with fake._activated():
        yield fake
