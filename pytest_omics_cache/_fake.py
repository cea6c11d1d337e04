"""``FakeOmics``: the object the ``fake_omics`` fixture yields, for seeding and assertions."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from pytest_omics_cache._calls import Call, CallLog
from pytest_omics_cache._options import DEFAULT_ACCOUNT, DEFAULT_REGION, Options
from pytest_omics_cache._registry import Registry, RunCacheDict

if TYPE_CHECKING:
    from pytest_omics_cache._service import OmicsService


class FakeOmics:
    """An in-memory AWS HealthOmics run-cache service.

    While active (inside the ``fake_omics`` fixture), every botocore/boto3 ``omics`` client in
    the process sends its run-cache requests here instead of to AWS.
    """

    def __init__(self, *, region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT) -> None:
        """``region`` and ``account`` are the defaults for seeding; ``account`` is also the
        account every request is taken to come from. A bad value is a ``ValueError``."""
        self._options = Options(region=region, account=account).validated()
        self._registry = Registry()
        self._calls = CallLog()
        self._service: OmicsService | None = None

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
        cacheBehavior: str = "CACHE_ON_FAILURE",
        cacheBucketOwnerId: str | None = None,
        creationTime: datetime | str | None = None,
        status: str = "ACTIVE",
        tags: Mapping[str, str] | None = None,
        region: str | None = None,
        account: str | None = None,
    ) -> RunCacheDict:
        """Store a run cache and return exactly what ``get_run_cache(id=...)`` will return for it
        (without ``ResponseMetadata``).

        Field names and values are boto3's. Every value is checked against the botocore omics
        model now, so a bad seed is a ``ValueError`` naming the field, the value and the rule.
        Unset optional fields (``name``, ``description``, ``cacheBucketOwnerId``) are absent
        from the response, as the service omits them.
        """
        __tracebackhide__ = True
        from pytest_omics_cache import _seed

        where = Options(
            region=self.region if region is None else region,
            account=self.account if account is None else account,
        ).validated()
        cache_id = self._registry.new_id() if id is None else id
        fields: dict[str, Any] = {
            "arn": f"arn:aws:omics:{where.region}:{where.account}:runCache/{cache_id}",
            "cacheBehavior": cacheBehavior,
            "cacheBucketOwnerId": cacheBucketOwnerId,
            "cacheS3Uri": (
                f"s3://omics-run-cache-{where.account}-{where.region}/{cache_id}/"
                if cacheS3Uri is None
                else cacheS3Uri
            ),
            "creationTime": datetime.now(timezone.utc) if creationTime is None else creationTime,
            "description": description,
            "id": cache_id,
            "name": name,
            "status": status,
            "tags": {} if tags is None else tags,
        }
        stored = _seed.build(where.account, where.region, fields)
        if not self._registry.add(stored):
            raise ValueError(
                f"a run cache with id={cache_id!r} is already seeded in account {where.account},"
                f" region {where.region}; give each cache its own id (or omit id for a fresh one)"
            )
        return copy.deepcopy(stored.data)

    def get_calls(self, operation: str | None = None) -> list[Call]:
        """Every request served so far, in order; only ``operation``'s if given
        (e.g. ``"GetRunCache"``). Each HTTP attempt is one call, so retries show up."""
        return self._calls.select(operation)

    def get_call(self, operation: str | None = None) -> Call:
        """The single request served (of ``operation``, if given).

        Raises ``AssertionError`` listing what was served when there is none or more than one.
        """
        __tracebackhide__ = True
        return self._calls.single(operation)

    @contextmanager
    def _activated(self) -> Iterator[FakeOmics]:
        """Serve omics requests from this fake until the block ends; restore botocore after."""
        from pytest_omics_cache import _intercept
        from pytest_omics_cache._service import OmicsService

        if self._service is None:
            self._service = OmicsService(self._registry, self._calls, self._options)
        with _intercept.serving(self._service):
            yield self
