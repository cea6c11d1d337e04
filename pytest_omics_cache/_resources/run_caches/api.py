"""The run-cache part of ``FakeOmics``: seeding run caches, inspecting them, and marking them
in use by runs the fake does not hold."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from pytest_omics_cache._core import arguments as _arguments
from pytest_omics_cache._core.options import Options
from pytest_omics_cache._core.tag_quota import check_seed_tags
from pytest_omics_cache._resources.run_caches import seed as _seed
from pytest_omics_cache._resources.run_caches.store import Registry
from pytest_omics_cache._resources.run_caches.types import RunCache
from pytest_omics_cache._wire import clock as _clock
from pytest_omics_cache._wire import model as _model

if TYPE_CHECKING:
    from pytest_omics_cache._core.handlers import Backend

_DEFAULT_BEHAVIOR = "CACHE_ON_FAILURE"
_DEFAULT_STATUS = "ACTIVE"


class RunCachesApi:
    """Run caches (a part of ``FakeOmics``)."""

    _options: Options
    _backend: Backend

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

        The fields (``id``, ``name``, ``description``, ``cacheS3Uri``, ``cacheBehavior``,
        ``cacheBucketOwnerId``, ``creationTime``, ``status``, ``tags``) are GetRunCache's, by
        boto3's names and values; ``region`` and ``account`` (default: the fake's) say where it
        is held. Every value is checked against the botocore omics model now, so a bad seed is a
        ``ValueError`` naming the field, the value and the rule.
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
        check_seed_tags("add_run_cache", tags)
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
                region=self._options.region if region is None else region,
                account=self._options.account if account is None else account,
            ).validated()
        registry = self._backend.stores[Registry]
        cache_id = registry.new_id() if id is None else id
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
        if not registry.add(stored):
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
            for stored in self._backend.stores[Registry].all()
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
        """Mark run cache ``id`` as used by active runs, so DeleteRunCache answers
        ``ConflictException`` as the service does; ``in_use=False`` releases it. ``region``
        and ``account`` (default: the fake's) say where the cache is held."""
        __tracebackhide__ = True
        _arguments.check_flag("mark_in_use", "in_use", in_use)
        where_region = self._options.region if region is None else region
        where_account = self._options.account if account is None else account
        if not self._backend.stores[Registry].set_in_use(where_account, where_region, id, in_use):
            raise ValueError(
                f"mark_in_use: no run cache with id={id!r} in account {where_account},"
                f" region {where_region}"
            )


def _copy(data: Mapping[str, Any]) -> RunCache:
    # Only `tags` is mutable (datetimes and strings are not): a shallow copy and a fresh tags
    # dict keep the registry safe from the caller, at a fraction of deepcopy's cost.
    return cast(RunCache, {**data, "tags": dict(data["tags"])})
