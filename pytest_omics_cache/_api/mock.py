"""``mock_omics``: the fake outside pytest, as a context manager, a decorator, or start/stop."""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pytest_omics_cache._api import teardown as _teardown
from pytest_omics_cache._api.fake import FakeOmics
from pytest_omics_cache._core.options import DEFAULT_ACCOUNT, DEFAULT_REGION, Options

if TYPE_CHECKING:
    from unittest import TestCase

    from pytest_omics_cache._transports.activation import Activation

_Target = TypeVar("_Target", bound=Callable[..., Any])


class mock_omics:  # lower case: used like a function, as time_machine.travel is
    """Serve every omics client from an in-memory fake, outside pytest fixtures.

    * ``with mock_omics() as fake:`` - active inside the block.
    * ``@mock_omics()`` on a function or ``async def`` - a fresh fake for each call, passed as
      the ``fake_omics`` keyword argument if the function has a parameter of that name.
    * ``@mock_omics()`` on a ``unittest.TestCase`` - a fresh fake for each test, started
      before ``setUp`` (so ``setUp`` can seed) and available as ``self.fake_omics``; on any
      other class, each ``test*`` method is decorated.
    * ``fake = mock.start()`` ... ``mock.stop()`` - for ``setUp``/``addCleanup`` by hand.

    Keyword arguments are those of ``FakeOmics``. Only one fake can be active in a process at a
    time: starting a second one (nested, or beside the ``fake_omics`` fixture) is an error.
    Leaving the block checks, like the fixture's teardown, that finite injections all fired
    (unless ``assert_all_errors_fired=False``, or the block raised).
    """

    def __init__(
        self,
        *,
        region: str = DEFAULT_REGION,
        account: str = DEFAULT_ACCOUNT,
        real_sleep: bool = False,
        real_signatures: bool = False,
        assert_all_errors_fired: bool = True,
        assert_all_requests_served: bool = True,
        max_run_caches: int = 1000,
        lenient_start_run: bool = False,
    ) -> None:
        options = Options(
            region=region,
            account=account,
            real_sleep=real_sleep,
            real_signatures=real_signatures,
            assert_all_errors_fired=assert_all_errors_fired,
            assert_all_requests_served=assert_all_requests_served,
            max_run_caches=max_run_caches,
            lenient_start_run=lenient_start_run,
        ).validated()
        self._options = options
        self._fake: FakeOmics | None = None
        self._activation: Activation | None = None
        #: Who started it, for the error of a second fake and of clients that outlive it.
        self._origin: str | None = None

    def _new(self, origin: str) -> mock_omics:
        """A fresh, unstarted copy with the same options (one per decorated call)."""
        fresh = object.__new__(mock_omics)
        fresh._options, fresh._fake, fresh._activation = self._options, None, None
        fresh._origin = origin
        return fresh

    @property
    def fake(self) -> FakeOmics:
        """The active fake (after ``start()`` or inside the ``with`` block)."""
        if self._fake is None:
            raise RuntimeError("mock_omics() is not started: use it as `with`, or call start()")
        return self._fake

    def start(self) -> FakeOmics:
        """Activate a fresh fake and return it.

        It stays active until ``stop()``, even if this ``mock_omics`` object is dropped: the
        process keeps it, so no omics request can reach AWS behind the test's back. A second
        fake started meanwhile is a ``RuntimeError`` naming where this one was started.
        """
        if self._activation is not None:
            raise RuntimeError(
                "this mock_omics() is already started; stop() it first, or use another mock_omics()"
            )
        fake = FakeOmics._from_options(self._options)
        self._activation = fake._start(self._origin or f"mock_omics() started at {_caller()}")
        self._fake = fake
        return fake

    def stop(self, *, check: bool = True) -> None:
        """Deactivate; then, if ``check``, fail on finite injections that did not all fire."""
        __tracebackhide__ = True
        activation, fake = self._activation, self._fake
        if activation is None or fake is None:
            raise RuntimeError("mock_omics() was not started")
        self._activation = self._fake = None
        activation.stop()
        if check:
            problems = fake._teardown_error(source=_teardown.MOCK)
            if problems is not None:
                raise problems

    def __enter__(self) -> FakeOmics:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        __tracebackhide__ = True
        # A block that already failed gets no second, confusing error on top.
        self.stop(check=exc is None)

    def __call__(self, target: _Target) -> _Target:
        if isinstance(target, type):
            return self._decorate_class(target)  # type: ignore[return-value]
        return self._decorate_function(target)

    def _decorate_function(self, function: _Target) -> _Target:
        signature = inspect.signature(function)
        wants_fake = "fake_omics" in signature.parameters
        origin = f"@mock_omics() on {function.__qualname__}"

        def arguments(fake: FakeOmics, kwargs: dict[str, Any]) -> dict[str, Any]:
            return {**kwargs, "fake_omics": fake} if wants_fake else kwargs

        if inspect.iscoroutinefunction(function):

            @functools.wraps(function)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with self._new(origin) as fake:
                    return await function(*args, **arguments(fake, kwargs))

            wrapper: Any = run_async
        else:

            @functools.wraps(function)
            def run(*args: Any, **kwargs: Any) -> Any:
                with self._new(origin) as fake:
                    return function(*args, **arguments(fake, kwargs))

            wrapper = run
        if wants_fake:
            # The decorator supplies `fake_omics`: callers, pytest included, must not. Without
            # this, pytest would see the parameter, start the fixture too, and the decorator's
            # fake would fail as a second one.
            wrapper.__signature__ = signature.replace(
                parameters=[p for p in signature.parameters.values() if p.name != "fake_omics"]
            )
        return wrapper  # type: ignore[no-any-return]

    def _decorate_class(self, cls: type) -> type:
        # unittest is looked up, not imported: a TestCase exists only once it has been.
        unittest = sys.modules.get("unittest")
        if unittest is not None and issubclass(cls, unittest.TestCase):
            test_case = cast("type[TestCase]", cls)
            original_set_up = test_case.setUp
            new = self._new

            def setUp(test: Any) -> None:
                mock = new(f"@mock_omics() on {type(test).__qualname__}")
                test.fake_omics = mock.start()
                # A test that failed, errored or was skipped gets no second error on top.
                test.addCleanup(lambda: mock.stop(check=not vars(test).get(_FAILED, False)))
                _noting_failure(original_set_up)(test)

            test_case.setUp = setUp  # type: ignore[method-assign,assignment]
            # unittest tells cleanups nothing of the outcome, so each test method notes its own.
            for name in unittest.TestLoader().getTestCaseNames(test_case):
                setattr(test_case, name, _noting_failure(getattr(test_case, name)))
            return cls
        for name, member in list(vars(cls).items()):
            if name.startswith("test") and inspect.isfunction(member):
                setattr(cls, name, self._decorate_function(member))
        return cls

    def __repr__(self) -> str:
        state = "started" if self._activation is not None else "stopped"
        return f"<mock_omics region={self._options.region!r} {state}>"


_FAILED = "_mock_omics_test_failed"


def _noting_failure(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` of a TestCase, noting on the test when it raises (failure, error or skip)."""
    if inspect.iscoroutinefunction(method):  # IsolatedAsyncioTestCase

        @functools.wraps(method)
        async def run_async(test: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return await method(test, *args, **kwargs)
            except BaseException:
                vars(test)[_FAILED] = True
                raise

        return run_async

    @functools.wraps(method)
    def run(test: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(test, *args, **kwargs)
        except BaseException:
            vars(test)[_FAILED] = True
            raise

    return run


def _caller() -> str:
    """``file:line`` of the first frame outside this package: where the user started a fake."""
    package = __name__.rpartition(".")[0]
    frame = sys._getframe(1)
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith(package):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"
