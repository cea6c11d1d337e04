"""The pytest side: the ``fake_omics`` fixture, its marker and its ini options.

pytest imports this module in every run of every suite that has the plugin installed, used or
not, and through its assertion-rewriting import, which costs by the size of the module (see
``_unrewritten``). So it holds only what every run needs, and imports nothing of the fake at load
time: ``_api.fixture`` (and with it the fake, the botocore model and the transports) is imported the
first time a test asks for ``fake_omics``, an ini option is set, or the guard is on. It has no
assertions for pytest to rewrite either (PYTEST_DONT_REWRITE), which spares every run that work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # names for annotations only: each name here costs every run a little
    from collections.abc import Callable, Iterator
    from typing import Literal

    from pytest_omics_cache._api.fake import FakeOmics

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
    "lenient_start_run": (
        "fake_omics_lenient_start_run",
        "bool",
        "Let StartRun accept a workflowId or runGroupId fake_omics does not hold, on trust.",
        False,
    ),
}
# The guard's ini option, read like the others but not an option of the fake.
_GUARD: tuple[str, Literal["string", "bool"], str, str | bool] = (
    "fake_omics_guard",
    "bool",
    "Fail any omics request made while no fake is active (never reaching AWS).",
    False,
)


def pytest_addoption(parser: pytest.Parser) -> None:
    for ini_name, ini_type, help_text, default in [*_INI.values(), _GUARD]:
        parser.addini(ini_name, f"{help_text} Default: {default}.", type=ini_type, default=default)
    parser.getgroup("pytest-omics-cache").addoption(
        "--fake-omics-guard",
        action="store_true",
        default=False,
        help="fail any omics request made while no fake is active, naming the test; it never"
        " reaches AWS (the same as the ini option fake_omics_guard = true)",
    )


#: What puts botocore's Session back at unconfigure (see ``_transports.clients``).
# (Not StashKey["..."]: subscripting with a string compiles it, a cost to every run.)
_UNDO_OMICS_CLIENTS: pytest.StashKey[Callable[[], None]] = pytest.StashKey()


def pytest_configure(config: pytest.Config) -> None:
    _defer_omics_client_set_up(config)
    # Written out, not joined from _INI at each run (a test checks it names every option).
    config.addinivalue_line(
        "markers",
        "fake_omics(region=..., account=..., real_sleep=..., real_signatures=...,"
        " assert_all_errors_fired=..., assert_all_requests_served=..., max_run_caches=...,"
        " lenient_start_run=...):"
        " options of the fake_omics fixture for this test.",
    )
    values = {}
    for name, (ini, _, _, default) in [*_INI.items(), ("guard", _GUARD)]:
        try:
            value = config.getini(ini)
        except (ValueError, pytest.UsageError) as error:  # pytest converting a bool ini value
            raise pytest.UsageError(f"pytest-omics-cache ini option {ini}: {error}") from None
        if value != default:
            values[name] = value
    guard = values.pop("guard", False) or config.getoption("fake_omics_guard")
    if not (values or guard):
        return  # nothing configured: nothing to import or check now
    from pytest_omics_cache import _unrewritten

    _unrewritten.skip()  # before the first import of the fake's modules
    from pytest_omics_cache._api import fixture as _fixture

    if guard:
        _fixture.start_guard(config)
    if values:
        _fixture.configure(config, values, ini=_INI)


def pytest_unconfigure(config: pytest.Config) -> None:
    undo = config.stash.get(_UNDO_OMICS_CLIENTS, None)
    if undo is not None:
        undo()


def _defer_omics_client_set_up(config: pytest.Config) -> None:
    # From now to unconfigure, omics clients made while no fake is active read no credentials
    # and no profile until they send for real (see _transports.clients). botocore is not
    # imported for it: if nothing has imported it yet, a finder first in sys.meta_path waits
    # for it and hands its import to _transports.on_import's watcher, which installs the
    # measures once it has run.
    # Kept small: pytest reads this module's bytecode object by object (see _unrewritten).
    import sys
    from types import SimpleNamespace

    undone: list[Callable[[], object]] = []

    def install() -> None:
        from pytest_omics_cache import _unrewritten

        _unrewritten.skip()  # before the first import of the fake's modules
        from pytest_omics_cache._transports import clients as _clients

        undone.append(_clients.install())

    def find_spec(name: str, path: object, target: object = None) -> object:
        if name != "botocore.session":
            return None
        undone.pop()()  # out of sys.meta_path: one import to watch, once
        from pytest_omics_cache import _unrewritten

        _unrewritten.skip()
        from pytest_omics_cache._transports.on_import import ImportWatcher

        return ImportWatcher({name: install}).find_spec(name, path, target)  # type: ignore[arg-type]

    if "botocore.session" in sys.modules:
        install()
    else:
        finder = SimpleNamespace(find_spec=find_spec)
        sys.meta_path.insert(0, finder)
        undone.append(lambda: finder in sys.meta_path and sys.meta_path.remove(finder))  # type: ignore[func-returns-value]
    config.stash[_UNDO_OMICS_CLIENTS] = lambda: [undo() for undo in reversed(undone)]  # type: ignore[misc]


@pytest.fixture
def fake_omics(request: pytest.FixtureRequest) -> Iterator[FakeOmics]:
    """An in-memory AWS HealthOmics run-cache service that every omics client talks to."""
    __tracebackhide__ = True  # the teardown check's message says it all; this frame would not
    from pytest_omics_cache import _unrewritten

    _unrewritten.skip()  # before the first import of the fake's modules
    from pytest_omics_cache._api import fixture as _fixture

    yield from _fixture.fake_omics(request)
