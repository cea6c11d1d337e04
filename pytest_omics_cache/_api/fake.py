"""``FakeOmics``: the object the ``fake_omics`` fixture yields, for seeding and assertions."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from pytest_omics_cache._api import teardown as _teardown
from pytest_omics_cache._api.endpoint import EndpointApi
from pytest_omics_cache._api.faults import FaultsApi
from pytest_omics_cache._api.record import RecordApi
from pytest_omics_cache._core.calls import CallLog
from pytest_omics_cache._core.injections import Injection, Injections
from pytest_omics_cache._core.options import DEFAULT_ACCOUNT, DEFAULT_REGION, Options
from pytest_omics_cache._resources import catalog
from pytest_omics_cache._resources.canned.store import CannedResponse, CannedResponses

if TYPE_CHECKING:
    from pytest_omics_cache._service import OmicsService
    from pytest_omics_cache._transports.activation import Activation
    from pytest_omics_cache._transports.endpoint.server import Endpoint


class FakeOmics(catalog.ResourceApis, FaultsApi, RecordApi, EndpointApi):
    """An in-memory AWS HealthOmics service: run caches, runs and their tasks, and their tags,
    from its own state; any other operation from answers queued with ``add_response``.

    While active (inside the ``fake_omics`` fixture or ``mock_omics``), every botocore, boto3
    and aiobotocore ``omics`` client in the process, and raw ``requests`` calls to HealthOmics
    hosts, send their requests here instead of to AWS; other processes reach it through
    ``endpoint_url``. Whatever it does not serve fails the test at teardown.

    Its methods come from its parts: each resource's (seeding and inspecting run caches, runs
    and canned answers: ``catalog.ResourceApis``), injections (``FaultsApi``), the call log and
    summary (``RecordApi``) and the loopback endpoint (``EndpointApi``); this class holds the
    options and starts and stops the fake.
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
        """``region`` and ``account`` are the defaults for seeding (a region HealthOmics is
        available in, per botocore's endpoint data); ``account`` is also the account every
        request is taken to come from. ``real_sleep`` lets botocore sleep between
        retries, and ``real_signatures`` lets it compute real SigV4 signatures on omics requests
        (by default they carry a fixed one); ``assert_all_errors_fired`` makes unfired finite
        injections fail the test, and ``assert_all_requests_served`` a request the fake did not
        serve (even if the code under test caught its error); ``max_run_caches`` is the
        per-account, per-region quota CreateRunCache enforces. ``lenient_start_run`` lets
        StartRun take a ``workflowId`` or ``runGroupId`` the fake does not hold on trust (by
        default it answers the service's 404, as AWS does). A bad value is a
        ``ValueError``."""
        self._setup(
            Options(
                region=region,
                account=account,
                real_sleep=real_sleep,
                real_signatures=real_signatures,
                assert_all_errors_fired=assert_all_errors_fired,
                assert_all_requests_served=assert_all_requests_served,
                max_run_caches=max_run_caches,
                lenient_start_run=lenient_start_run,
            )
        )

    def _setup(self, options: Options) -> None:
        self._options = options.validated()
        self._backend = catalog.new_backend(self._options)
        self._calls = CallLog()
        self._injections = Injections()
        self._waiter_delays: list[float] = []
        self._retry_delays: list[float] = []
        self._service: OmicsService | None = None
        self._endpoint: Endpoint | None = None
        self._endpoint_lock = threading.Lock()

    @classmethod
    def _from_options(cls, options: Options) -> FakeOmics:
        # The fixture's way in, on every test: the options as they are, not rebuilt from
        # keywords (FakeOmics' keywords are Options' fields; a test holds them equal).
        fake = cls.__new__(cls)
        fake._setup(options)
        return fake

    @property
    def region(self) -> str:
        """The region ``add_run_cache`` seeds into by default."""
        return self._options.region

    @property
    def account(self) -> str:
        """The account requests come from and ``add_run_cache`` seeds into by default."""
        return self._options.account

    def _start(self, origin: str) -> Activation:
        """Serve omics requests from this fake until the returned activation is stopped."""
        # Not "from pytest_omics_cache import _activation": from a package, that form runs
        # importlib's Python-level fromlist handling on every start.
        import pytest_omics_cache._transports.activation as _activation
        from pytest_omics_cache._service import OmicsService

        if self._service is None:
            self._service = OmicsService(
                self._backend,
                self._calls,
                self._injections,
                self._retry_delays,
                self._waiter_delays,
            )
        return _activation.start(
            self._service, skip_sleeps=not self._options.real_sleep, origin=origin
        )

    @contextmanager
    def _activated(self, origin: str = "FakeOmics._activated()") -> Iterator[FakeOmics]:
        """Serve omics requests from this fake until the block ends; restore botocore after."""
        activation = self._start(origin)
        try:
            yield self
        finally:
            activation.stop()

    def _teardown_error(self, source: str = _teardown.FIXTURE) -> AssertionError | None:
        """The teardown failure: unserved requests, and finite injections and queued responses
        that did not fire as often as asked (each check unless its option is off)."""
        options = self._options
        unserved = self._calls.unserved() if options.assert_all_requests_served else []
        unfired: list[Injection | CannedResponse] = (
            [*self._injections.unfired(), *self._backend.stores[CannedResponses].unfired()]
            if options.assert_all_errors_fired
            else []
        )
        called = [c.operation for c in self._calls.select(None) if c.operation] if unfired else []
        return _teardown.error(unserved=unserved, unfired=unfired, source=source, called=called)
