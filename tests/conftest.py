from __future__ import annotations

from collections.abc import Callable
from typing import Any

import botocore.session
import pytest

pytest_plugins = ["pytester"]

# One session for the whole run: a new botocore session costs ~100 ms, a client from it ~20 ms.
_SESSION = botocore.session.get_session()

OmicsFactory = Callable[..., Any]


@pytest.fixture
def pytester(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """pytester whose inner runs skip plugins of this suite that have nothing to do there."""
    monkeypatch.setenv(
        "PYTEST_ADDOPTS", "-p no:asyncio -p no:randomly -p no:xdist -p no:hypothesispytest"
    )
    return pytester


@pytest.fixture
def make_client() -> OmicsFactory:
    """Makes real botocore clients (``make_client("s3", region_name=...)``); omics by default."""

    def make(service: str = "omics", region_name: str = "us-east-1", **kwargs: Any) -> Any:
        return _SESSION.create_client(service, region_name=region_name, **kwargs)

    return make


@pytest.fixture
def omics(make_client: OmicsFactory) -> Any:
    """A real botocore omics client in us-east-1, created before fake_omics when listed first."""
    return make_client()


@pytest.fixture
def run_workflow(request: pytest.FixtureRequest) -> None:
    """Seeds workflow 1234 (an optional "sample" parameter), which the run tests of a module
    with ``pytestmark = pytest.mark.usefixtures("run_workflow")`` start runs of: StartRun
    refuses a workflow the account does not hold. Only in tests on the fixture; the others
    make fakes of their own."""
    if "fake_omics" in request.fixturenames:
        fake = request.getfixturevalue("fake_omics")
        fake.add_workflow(id="1234", parameterTemplate={"sample": {"optional": True}})
