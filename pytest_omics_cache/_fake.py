"""``FakeOmics``: the object the ``fake_omics`` fixture yields, for seeding and assertions."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from pytest_omics_cache import _model, _protocol, _seed
from pytest_omics_cache._calls import Call, CallLog
from pytest_omics_cache._injections import FAULT_EXCEPTIONS, Injection, Injections
from pytest_omics_cache._options import DEFAULT_ACCOUNT, DEFAULT_REGION, Options
from pytest_omics_cache._registry import Registry
from pytest_omics_cache._types import RunCache

if TYPE_CHECKING:
    from pytest_omics_cache._activation import Activation
    from pytest_omics_cache._service import OmicsService


_DEFAULT_BEHAVIOR = "CACHE_ON_FAILURE"
_DEFAULT_STATUS = "ACTIVE"


class FakeOmics:
    """An in-memory AWS HealthOmics run-cache service.

    While active (inside the ``fake_omics`` fixture), every botocore/boto3 ``omics`` client in
    the process sends its run-cache requests here instead of to AWS.
    """

    def __init__(
        self,
        *,
        region: str = DEFAULT_REGION,
        account: str = DEFAULT_ACCOUNT,
        real_sleep: bool = False,
        assert_all_errors_fired: bool = True,
        max_run_caches: int = 1000,
    ) -> None:
        """``region`` and ``account`` are the defaults for seeding; ``account`` is also the
        account every request is taken to come from. ``real_sleep`` lets botocore sleep between
        retries; ``assert_all_errors_fired`` makes unfired finite injections fail the test;
        ``max_run_caches`` is the per-account, per-region quota CreateRunCache enforces.
        A bad value is a ``ValueError``."""
        self._options = Options(
            region=region,
            account=account,
            real_sleep=real_sleep,
            assert_all_errors_fired=assert_all_errors_fired,
            max_run_caches=max_run_caches,
        ).validated()
        self._registry = Registry()
        self._calls = CallLog()
        self._injections = Injections()
        self._retry_delays: list[float] = []
        self._service: OmicsService | None = None

    @classmethod
    def _from_options(cls, options: Options) -> FakeOmics:
        return cls(
            region=options.region,
            account=options.account,
            real_sleep=options.real_sleep,
            assert_all_errors_fired=options.assert_all_errors_fired,
            max_run_caches=options.max_run_caches,
        )

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
    ) -> RunCache:
        """Store a run cache and return exactly what ``get_run_cache(id=...)`` will return for it
        (without ``ResponseMetadata``).

        Field names and values are boto3's. Every value is checked against the botocore omics
        model now, so a bad seed is a ``ValueError`` naming the field, the value and the rule.
        Unset optional fields (``name``, ``description``, ``cacheBucketOwnerId``) are absent
        from the response, as the service omits them.
        """
        __tracebackhide__ = True
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
        }
        if cacheS3Uri is None:
            derived["cacheS3Uri"] = (
                f"s3://omics-run-cache-{where.account}-{where.region}/{cache_id}/"
            )
        if creationTime is None:
            derived["creationTime"] = _seed.now()
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
        _check_where("run_caches", region, account)
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
        """Answer the next matching request(s) with the service error ``code``.

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
        valid = _model.error_codes()
        if name not in valid:
            raise ValueError(
                f"add_error: {code!r} is not an error the run-cache operations answer with;"
                f" valid codes are: {', '.join(valid)}"
            )
        _check_target("add_error", operation, id, region, times, after)
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
        """Fail the next matching request(s) in the transport instead of answering.

        ``kind`` is ``"connection"`` (botocore raises ``EndpointConnectionError``),
        ``"connect-timeout"`` (``ConnectTimeoutError``) or ``"read-timeout"``
        (``ReadTimeoutError``): the exceptions botocore's HTTP layer raises, retried as botocore
        retries them. The other parameters match requests as in ``add_error``.
        """
        __tracebackhide__ = True
        if kind not in FAULT_EXCEPTIONS:
            kinds = ", ".join(f"{k!r} ({e})" for k, e in FAULT_EXCEPTIONS.items())
            raise ValueError(f"add_fault: unknown kind {kind!r}; valid kinds are: {kinds}")
        _check_target("add_fault", operation, id, region, times, after)
        return self._injections.add(
            Injection(kind, "fault", operation, id, region, None, times, after)
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
        _check_operation("get_calls", operation)
        return self._calls.select(operation)

    def get_call(self, operation: str | None = None) -> Call:
        """The single request served (of ``operation``, if given).

        Raises ``AssertionError`` listing what was served when there is none or more than one,
        and ``ValueError`` for a name the fake never serves.
        """
        __tracebackhide__ = True
        _check_operation("get_call", operation)
        return self._calls.single(operation)

    def _start(self, origin: str) -> Activation:
        """Serve omics requests from this fake until the returned activation is stopped."""
        from pytest_omics_cache import _activation
        from pytest_omics_cache._service import OmicsService

        if self._service is None:
            self._service = OmicsService(
                self._registry,
                self._calls,
                self._options,
                self._injections,
                self._retry_delays,
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

    def _unfired_injections_error(
        self,
        opt_out: str = "@pytest.mark.fake_omics(assert_all_errors_fired=False) or the ini option"
        " fake_omics_assert_all_errors_fired = false",
    ) -> AssertionError | None:
        """The teardown failure for finite injections that did not fire as often as asked."""
        unfired = self._injections.unfired()
        if not unfired:
            return None
        listing = "\n".join(f"  - {injection.describe()}" for injection in unfired)
        return AssertionError(
            f"fake_omics: {len(unfired)} injected error(s)/fault(s) did not fire as often as"
            f" asked:\n{listing}\nEach injection with a finite `times` must fire that often."
            f" If that is intended, pass times=None, or opt out with {opt_out}."
        )


def _copy(data: Mapping[str, Any]) -> RunCache:
    # Only `tags` is mutable (datetimes and strings are not): a shallow copy and a fresh tags
    # dict keep the registry safe from the caller, at a fraction of deepcopy's cost.
    return cast(RunCache, {**data, "tags": dict(data["tags"])})


def _check_target(
    method: str,
    operation: str | None,
    cache_id: str | None,
    region: str | None,
    times: int | None,
    after: int,
) -> None:
    """A ValueError naming the bad argument of add_error / add_fault, if any."""
    _check_operation(method, operation)
    if cache_id is not None and not isinstance(cache_id, str):
        raise ValueError(f"{method}: id={cache_id!r} must be a string, as boto3 sends it")
    if (
        cache_id is not None
        and operation is not None
        and "id" not in _protocol.spec(operation).input_shape.members  # type: ignore[attr-defined]
    ):
        raise ValueError(
            f"{method}: {operation} requests carry no id, so id={cache_id!r} would never"
            " match; leave id out, or pick an operation that takes one"
        )
    if region is not None:
        try:
            Options(region=region).validated()
        except ValueError as error:
            raise ValueError(f"{method}: {error}") from None
    if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 1):
        raise ValueError(f"{method}: times={times!r} must be a positive int, or None for always")
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise ValueError(f"{method}: after={after!r} must be an int >= 0")


def _check_operation(method: str, operation: str | None) -> None:
    """A ValueError for an operation name the fake never serves, suggesting the right one."""
    if operation is None or operation in _model.SERVED_OPERATIONS:
        return
    served = ", ".join(_model.SERVED_OPERATIONS)
    suggestion = _model.suggest_operation(operation)
    hint = f" Did you mean {suggestion!r}?" if suggestion not in (None, operation) else ""
    raise ValueError(
        f"{method}: operation={operation!r} is not served by the fake.{hint} Operations are"
        f" named as in the botocore model: one of {served}, or None for all of them."
    )


def _check_where(method: str, region: str | None, account: str | None) -> None:
    """A ValueError naming a region or account that no request could come from."""
    try:
        Options(
            region=DEFAULT_REGION if region is None else region,
            account=DEFAULT_ACCOUNT if account is None else account,
        ).validated()
    except ValueError as error:
        raise ValueError(f"{method}: {error}") from None
