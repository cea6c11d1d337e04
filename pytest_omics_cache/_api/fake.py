"""``FakeOmics``: the object the ``fake_omics`` fixture yields, for seeding and assertions."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from pytest_omics_cache._api import summary as _summary
from pytest_omics_cache._api import teardown as _teardown
from pytest_omics_cache._api.endpoint import EndpointApi
from pytest_omics_cache._core import arguments as _arguments
from pytest_omics_cache._core.calls import Call, CallLog
from pytest_omics_cache._core.injections import FAULT_EXCEPTIONS, Injection, Injections
from pytest_omics_cache._core.options import DEFAULT_ACCOUNT, DEFAULT_REGION, Options
from pytest_omics_cache._resources.canned.store import CannedResponse, CannedResponses
from pytest_omics_cache._resources.run_caches import seed as _seed
from pytest_omics_cache._resources.run_caches.store import Registry
from pytest_omics_cache._resources.run_caches.types import RunCache
from pytest_omics_cache._resources.runs.api import RunsApi
from pytest_omics_cache._resources.runs.store import RunStore
from pytest_omics_cache._resources.tags import handlers as _tags
from pytest_omics_cache._wire import clock as _clock
from pytest_omics_cache._wire import model as _model
from pytest_omics_cache._wire import validate as _validate

if TYPE_CHECKING:
    from pytest_omics_cache._service import OmicsService
    from pytest_omics_cache._transports.activation import Activation
    from pytest_omics_cache._transports.endpoint.server import Endpoint


_DEFAULT_BEHAVIOR = "CACHE_ON_FAILURE"
_DEFAULT_STATUS = "ACTIVE"


class FakeOmics(RunsApi, EndpointApi):
    """An in-memory AWS HealthOmics service: run caches, runs and their tasks, and their tags,
    from its own state; any other operation from answers queued with ``add_response``.

    While active (inside the ``fake_omics`` fixture or ``mock_omics``), every botocore, boto3
    and aiobotocore ``omics`` client in the process, and raw ``requests`` calls to HealthOmics
    hosts, send their requests here instead of to AWS; other processes reach it through
    ``endpoint_url``. Whatever it does not serve fails the test at teardown.
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
    ) -> None:
        """``region`` and ``account`` are the defaults for seeding (a region HealthOmics is
        available in, per botocore's endpoint data); ``account`` is also the account every
        request is taken to come from. ``real_sleep`` lets botocore sleep between
        retries, and ``real_signatures`` lets it compute real SigV4 signatures on omics requests
        (by default they carry a fixed one); ``assert_all_errors_fired`` makes unfired finite
        injections fail the test; ``max_run_caches`` is the per-account, per-region quota
        CreateRunCache enforces. A bad value is a ``ValueError``."""
        self._setup(
            Options(
                region=region,
                account=account,
                real_sleep=real_sleep,
                real_signatures=real_signatures,
                assert_all_errors_fired=assert_all_errors_fired,
                assert_all_requests_served=assert_all_requests_served,
                max_run_caches=max_run_caches,
            )
        )

    def _setup(self, options: Options) -> None:
        self._options = options.validated()
        self._registry = Registry()
        self._calls = CallLog()
        self._injections = Injections()
        self._canned = CannedResponses()
        self._runs = RunStore()
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

    def add_run_cache(
        self,
        *,
        id: str | None = None,
        name: str | None = None,
        description: str | None = None,
        cacheS3Uri: str | None = None,
        cacheBehavior: str = _DEFAULT_BEHAVIOR,
        cacheBucketOwnerId: str | None = None,
        creationTime: datetime | str | None = None,
        status: str = _DEFAULT_STATUS,
        tags: Mapping[str, str] | None = None,
        region: str | None = None,
        account: str | None = None,
        # CreateRunCache's name, not GetRunCache's: accepted only to say so (typed None, so
        # mypy flags it too).
        cacheS3Location: None = None,
    ) -> RunCache:
        """Store a run cache and return exactly what ``get_run_cache(id=...)`` will return for it
        (without ``ResponseMetadata``).

        Field names and values are boto3's. Every value is checked against the botocore omics
        model now, so a bad seed is a ``ValueError`` naming the field, the value and the rule.
        Unset optional fields (``name``, ``description``) are absent from the response, as the
        service omits them; ``cacheBucketOwnerId`` defaults to the cache's account, as
        CreateRunCache sets it when the caller names no owner. ``status="DELETED"`` is a
        ``ValueError``: a deleted cache is one the service no longer answers for.

        ``cacheS3Location`` is CreateRunCache's parameter, not a field of a stored cache: it is
        in the signature only so that passing it is a ``ValueError`` that says to give
        ``cacheS3Uri`` instead (its type, None, makes mypy flag it too).
        """
        __tracebackhide__ = True
        if cacheS3Location is not None:
            raise ValueError(
                f"add_run_cache: cacheS3Location={cacheS3Location!r} is CreateRunCache's parameter;"
                " a stored run cache has cacheS3Uri, where CreateRunCache puts the cache's own"
                " folder under the location: give cacheS3Uri='s3://bucket/prefix/folder/' (or"
                " leave it out for s3://omics-run-cache-{account}-{region}/{id}/)"
            )
        _tags.check_seed_tags("add_run_cache", tags)
        if status == "DELETED":
            raise ValueError(
                "add_run_cache: status='DELETED' seeds a cache the service no longer has: after"
                " DeleteRunCache, GetRunCache answers 404 and ListRunCaches leaves it out. Seed"
                " nothing for it (a get of its id is then the service's 404), or seed 'ACTIVE' or"
                " 'FAILED'"
            )
        where = self._options
        if region is not None or account is not None:
            where = Options(
                region=self.region if region is None else region,
                account=self.account if account is None else account,
            ).validated()
        cache_id = self._registry.new_id() if id is None else id
        # What the fake derives is valid by construction (an id it chose, the ARN and S3 URI of
        # checked parts), in the model's member order (a test holds it).
        derived: dict[str, Any] = {
            "arn": _model.run_cache_arn(where.region, where.account, str(cache_id)),
            "cacheBehavior": _DEFAULT_BEHAVIOR,
            # As CreateRunCache does when the caller names no owner: the cache's own account.
            "cacheBucketOwnerId": where.account,
        }
        if cacheS3Uri is None:
            derived["cacheS3Uri"] = (
                f"s3://omics-run-cache-{where.account}-{where.region}/{cache_id}/"
            )
        if creationTime is None:
            derived["creationTime"] = _clock.now()
        if id is None:
            derived["id"] = cache_id
        derived["status"] = _DEFAULT_STATUS
        derived["tags"] = {}
        if (
            id is None
            and name is None
            and description is None
            and cacheS3Uri is None
            and cacheBehavior is _DEFAULT_BEHAVIOR
            and cacheBucketOwnerId is None
            and creationTime is None
            and status is _DEFAULT_STATUS
            and tags is None
        ):
            # Nothing given, nothing to check: the usual seed, which a hundred thousand times
            # over must stay cheap.
            stored = _seed.render(where.account, where.region, derived)
        else:
            # Everything the caller gave is checked against the model.
            given: dict[str, Any] = {
                # The signature's own defaults are known good: not checked again.
                "cacheBehavior": None if cacheBehavior is _DEFAULT_BEHAVIOR else cacheBehavior,
                "cacheBucketOwnerId": cacheBucketOwnerId,
                "cacheS3Uri": cacheS3Uri,
                "creationTime": creationTime,
                "description": description,
                "id": id,
                "name": name,
                "status": None if status is _DEFAULT_STATUS else status,
                "tags": tags,
            }
            stored = _seed.build(where.account, where.region, given, derived)
        if not self._registry.add(stored):
            raise ValueError(
                f"a run cache with id={cache_id!r} is already seeded in account {where.account},"
                f" region {where.region}; give each cache its own id (or omit id for a fresh one)"
            )
        return _copy(stored.data)

    def run_caches(
        self, *, region: str | None = None, account: str | None = None
    ) -> list[RunCache]:
        """Every run cache the fake holds, seeded or created by the code under test, as
        ``get_run_cache`` returns it (without ``ResponseMetadata``), oldest first.

        ``region`` / ``account`` keep only those of that region / account.
        """
        __tracebackhide__ = True
        _arguments.check_where("run_caches", region, account)
        return [
            _copy(stored.data)
            for stored in self._registry.all()
            if (region is None or stored.region == region)
            and (account is None or stored.account == account)
        ]

    def mark_in_use(
        self,
        id: str,  # boto3's own field name
        *,
        in_use: bool = True,
        region: str | None = None,
        account: str | None = None,
    ) -> None:
        """Mark a run cache as used by active runs, so DeleteRunCache answers
        ``ConflictException`` as the service does; ``in_use=False`` releases it."""
        __tracebackhide__ = True
        _arguments.check_flag("mark_in_use", "in_use", in_use)
        where_region = self.region if region is None else region
        where_account = self.account if account is None else account
        if not self._registry.set_in_use(where_account, where_region, id, in_use):
            raise ValueError(
                f"mark_in_use: no run cache with id={id!r} in account {where_account},"
                f" region {where_region}"
            )

    def add_error(
        self,
        code: str | type[Exception],
        *,
        operation: str | None = "GetRunCache",
        id: str | None = None,  # boto3's own field name
        region: str | None = None,
        message: str | None = None,
        times: int | None = 1,
        after: int = 0,
    ) -> Injection:
        """Answer the next matching GetRunCache request(s) with the service error ``code``; give
        ``operation=`` to aim at another operation, or ``operation=None`` for all of them.

        *Choice:* the default operation stays GetRunCache (the issue that started the fake); an
        injection that never fired because the code under test called other operations says so
        at teardown.

        ``code`` is an error the served operations document (``"ThrottlingException"``, ...) or
        its exception class (``client.exceptions.ThrottlingException``). The error is sent as
        the service sends it: the model's HTTP status, ``x-amzn-ErrorType`` and a JSON
        ``message`` (``message``, or a default per code), and botocore's retries handle it as
        they would from AWS. ``operation`` (None for every served operation), ``id`` and
        ``region`` narrow which requests match; ``after`` lets that many matching requests
        through first; ``times`` is how many get the error (None: every one after that).
        Injections are consulted in the order they were added. Returns a handle whose
        ``fired`` counts the requests it answered.
        """
        __tracebackhide__ = True
        name = code.__name__ if isinstance(code, type) else code
        _arguments.check_operation("add_error", operation)
        valid = _model.error_codes(operation)
        if name not in valid:
            answering = "any omics operation" if operation is None else operation
            raise ValueError(
                f"add_error: {code!r} is not an error {answering} answers with (per the botocore"
                f" model); valid codes are: {', '.join(valid)}"
            )
        _arguments.check_target("add_error", operation, id, region, times, after)
        if message is not None and not isinstance(message, str):
            raise ValueError(f"add_error: message={message!r} must be a string")
        return self._injections.add(
            Injection(name, "error", operation, id, region, message, times, after)
        )

    def add_fault(
        self,
        kind: str,
        *,
        operation: str | None = "GetRunCache",
        id: str | None = None,  # boto3's own field name
        region: str | None = None,
        times: int | None = 1,
        after: int = 0,
    ) -> Injection:
        """Fail the next matching GetRunCache request(s) in the transport instead of answering;
        give ``operation=`` to aim at another operation, or ``operation=None`` for all of them.

        ``kind`` is ``"connection"`` (botocore raises ``EndpointConnectionError``),
        ``"connect-timeout"`` (``ConnectTimeoutError``) or ``"read-timeout"``
        (``ReadTimeoutError``): the exceptions botocore's HTTP layer raises, retried as botocore
        retries them. The other parameters match requests as in ``add_error``.
        """
        __tracebackhide__ = True
        if kind not in FAULT_EXCEPTIONS:
            kinds = ", ".join(f"{k!r} ({e})" for k, e in FAULT_EXCEPTIONS.items())
            raise ValueError(f"add_fault: unknown kind {kind!r}; valid kinds are: {kinds}")
        _arguments.check_target("add_fault", operation, id, region, times, after)
        return self._injections.add(
            Injection(kind, "fault", operation, id, region, None, times, after)
        )

    def add_response(
        self,
        operation: str,
        response: Mapping[str, Any],
        *,
        params: Mapping[str, Any] | None = None,
        times: int | None = 1,
    ) -> CannedResponse:
        r"""Answer requests of an operation the registry does not serve with ``response``.

        ``operation`` is the model's name (``"GetWorkflow"``); ``response`` is the operation's
        output as boto3 returns it (boto3 names; ``datetime``\ s or ISO-8601 strings for
        timestamps; ``ResponseMetadata`` is ignored). It is checked against the model's output
        shape now, so a bad one is a ``ValueError`` naming every bad member, its value and the
        rule; it is sent as the service sends it (status, headers, payload, JSON body) and
        botocore parses it back into exactly ``response``. ``params`` limits it to requests
        whose parameters (boto3 names, read back from the wire) equal those given; ``times`` is
        how many requests it answers (None: every one). Responses are consulted in the order
        added; a request is still validated against the model first, and is a recorded call.
        """
        __tracebackhide__ = True
        _arguments.check_operation("add_response", operation)
        if operation is None or operation in _registry_operations():
            raise ValueError(
                f"add_response: {operation} is served from the fake's registry, so a canned"
                " answer would contradict it; seed the registry instead (add_run_cache(...),"
                " add_run(...), next_runs(...)), or inject a failure with add_error / add_fault"
            )
        if not isinstance(response, Mapping):
            raise ValueError(f"add_response: response={response!r} must be a dict")
        given = {k: v for k, v in response.items() if k != "ResponseMetadata"}
        output = _model.operation(operation).output_shape
        problems = (
            [v.author_message() for v in _validate.check_output(output, given, "")]
            if output is not None
            else [
                f"{name}={value!r}: {operation} has no output members"
                for name, value in given.items()
            ]
        )
        if problems:
            raise ValueError(f"add_response: invalid {operation} response: " + "; ".join(problems))
        _arguments.check_params("add_response", operation, params)
        _arguments.check_times("add_response", times)
        return self._canned.add(
            CannedResponse(operation, given, None if params is None else _as_read(params), times)
        )

    @property
    def retry_delays(self) -> list[float]:
        """The backoff delays (seconds) botocore asked to sleep between retries, in order.

        While the fake is active these sleeps are skipped (unless ``real_sleep``), so a test
        can assert on botocore's backoff without waiting for it.
        """
        return list(self._retry_delays)

    def get_calls(self, operation: str | None = None) -> list[Call]:
        """Every request served so far, in order; only ``operation``'s if given
        (e.g. ``"GetRunCache"``). Each HTTP attempt is one call, so retries show up.
        A name the fake never serves (``"delete_run_cache"``) is a ``ValueError``."""
        __tracebackhide__ = True
        _arguments.check_operation("get_calls", operation)
        return self._calls.select(operation)

    def get_call(self, operation: str | None = None) -> Call:
        """The single request served (of ``operation``, if given).

        Raises ``AssertionError`` listing what was served when there is none or more than one,
        and ``ValueError`` for a name the fake never serves.
        """
        __tracebackhide__ = True
        _arguments.check_operation("get_call", operation)
        return self._calls.single(operation)

    def summary(self) -> str:
        """What this fake has served and holds, as text: the calls (operation, region, status,
        error), the run caches and runs per account and region, unserved requests, unfired
        injections and responses, and a note when requests came from a region or account other
        than where things are held. A failing test's report shows it as its ``fake_omics``
        section."""
        return _summary.summary(
            calls=self._calls.select(None),
            caches=[(c.account, c.region, c.data["id"]) for c in self._registry.all()],
            runs=[(r.account, r.region, r.data["id"]) for r in self._runs.listed()],
            unfired=[*self._injections.unfired(), *self._canned.unfired()],
        )

    def _start(self, origin: str) -> Activation:
        """Serve omics requests from this fake until the returned activation is stopped."""
        # Not "from pytest_omics_cache import _activation": from a package, that form runs
        # importlib's Python-level fromlist handling on every start.
        import pytest_omics_cache._transports.activation as _activation
        from pytest_omics_cache._service import OmicsService

        if self._service is None:
            self._service = OmicsService(
                self._registry,
                self._calls,
                self._options,
                self._injections,
                self._retry_delays,
                self._canned,
                self._runs,
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
            [*self._injections.unfired(), *self._canned.unfired()]
            if options.assert_all_errors_fired
            else []
        )
        called = [c.operation for c in self._calls.select(None) if c.operation] if unfired else []
        return _teardown.error(unserved=unserved, unfired=unfired, source=source, called=called)


def _copy(data: Mapping[str, Any]) -> RunCache:
    # Only `tags` is mutable (datetimes and strings are not): a shallow copy and a fresh tags
    # dict keep the registry safe from the caller, at a fraction of deepcopy's cost.
    return cast(RunCache, {**data, "tags": dict(data["tags"])})


def _as_read(value: Any) -> Any:
    """``value`` as a request's parameters read back from the wire hold it (lists, not tuples),
    so that it compares equal."""
    if isinstance(value, Mapping):
        return {key: _as_read(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_read(item) for item in value]
    return value


def _registry_operations() -> frozenset[str]:
    from pytest_omics_cache._resources.run_caches import handlers as _run_caches
    from pytest_omics_cache._resources.runs import handlers as _runs

    return frozenset({**_run_caches.HANDLERS, **_runs.HANDLERS})
