"""Thread-safe in-memory state of the fake: run caches per (account, region).

Requests arrive from any thread that owns an omics client, so every write of shared state, and
every read that spans several entries, goes through one lock. Nothing here knows about HTTP or
botocore.
"""

from __future__ import annotations

import bisect
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pytest_omics_cache._core.draws import Draws, uuid4_text
from pytest_omics_cache._core.handlers import page_token

#: A run cache as ``GetRunCache`` returns it (boto3 field names, Python values).
RunCacheDict = dict[str, Any]


def _uuid_bits(generator: random.Random) -> int:
    return generator.getrandbits(128)


@dataclass(slots=True)
class StoredRunCache:
    account: str
    region: str
    data: RunCacheDict
    #: The JSON body GetRunCache answers with, rendered when first read (see ``seed.body``).
    body: bytes | None = None
    #: Its JSON as a ListRunCaches item, likewise.
    item: bytes | None = None
    #: Position in the registry's creation order (set when stored); List pages follow it.
    seq: int = 0
    #: Active runs use it, so the service refuses to delete it.
    in_use: bool = False


# State, not a value: no generated __eq__ or __repr__, which would double its import cost.
@dataclass(repr=False, eq=False)
class _Partition:
    """The run caches of one account in one region."""

    caches: dict[str, StoredRunCache] = field(default_factory=dict)
    #: (seq, id) of every cache ever stored here, in creation order. Deleted ones stay as
    #: tombstones until compaction, so a page starts with a binary search, not a scan.
    order: list[tuple[int, str]] = field(default_factory=list)
    #: requestId -> (fingerprint of the create parameters, id of the cache it created)
    requests: dict[str, tuple[str, str]] = field(default_factory=dict)


# State, not a value: no generated __eq__ or __repr__, which would double its import cost.
@dataclass(repr=False, eq=False)
class Registry:
    _partitions: dict[tuple[str, str], _Partition] = field(default_factory=dict)
    _locations: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _seq: int = 0
    # Private, fixed-seed sequences, made on first use: ids look like the service's but repeat
    # run to run. UUIDs have their own, so they do not shift the ids.
    _ids: Draws[float] | None = None
    _uuids: Draws[int] | None = None
    _tokens: dict[str, tuple[str, str, int]] = field(default_factory=dict)

    def new_id(self) -> str:
        """A fresh 7-digit id used nowhere in the registry."""
        with self._lock:
            return self._new_id()

    def new_uuid(self) -> str:
        """A fresh UUID, from the same fixed-seed sequence as the ids (repeats run to run)."""
        with self._lock:
            if self._uuids is None:
                self._uuids = Draws(20221128 + 2, _uuid_bits)
            return uuid4_text(self._uuids.next())

    def _new_id(self) -> str:
        if self._ids is None:
            self._ids = Draws(20221128, random.Random.random)
        draw = self._ids.next  # random() is C; randrange() is Python and 3x slower
        while True:
            candidate = str(1_000_000 + int(draw() * 9_000_000))
            if candidate not in self._locations:
                return candidate

    def _partition(self, account: str, region: str) -> _Partition:
        # Not setdefault: that would build a partition on every call, to throw it away.
        partition = self._partitions.get((account, region))
        if partition is None:
            partition = self._partitions[(account, region)] = _Partition()
        return partition

    def add(self, cache: StoredRunCache) -> bool:
        """Store ``cache``; False (storing nothing) if its id is taken in its account and region."""
        with self._lock:
            return self._add(cache)

    def _add(self, cache: StoredRunCache, partition: _Partition | None = None) -> bool:
        cache_id = cache.data["id"]
        if partition is None:
            partition = self._partition(cache.account, cache.region)
        if cache_id in partition.caches:
            return False
        self._seq = seq = self._seq + 1
        cache.seq = seq
        partition.caches[cache_id] = cache
        partition.order.append((seq, cache_id))
        where = self._locations.get(cache_id)
        if where is None:
            self._locations[cache_id] = [(cache.account, cache.region)]
        else:
            where.append((cache.account, cache.region))
        return True

    def create(
        self,
        account: str,
        region: str,
        request_id: str,
        fingerprint: str,
        limit: int,
        build: Callable[[str], StoredRunCache],
    ) -> StoredRunCache:
        """Create a cache once per ``request_id``, atomically.

        Returns the cache ``build(new_id)`` made, or the one an earlier request with the same
        ``request_id`` and ``fingerprint`` made. Raises :class:`RequestIdReused` for the same
        id with another fingerprint and :class:`LimitReached` when ``limit`` caches exist.
        """
        with self._lock:
            partition = self._partition(account, region)
            earlier = partition.requests.get(request_id)
            if earlier is not None:
                earlier_fingerprint, earlier_id = earlier
                if earlier_fingerprint != fingerprint:
                    raise RequestIdReused(earlier_id)
                existing = partition.caches.get(earlier_id)
                if existing is not None:
                    return existing
            if len(partition.caches) >= limit:
                raise LimitReached(len(partition.caches))
            new_id = self._new_id()
            cache = build(new_id)
            self._add(cache, partition)
            partition.requests[request_id] = (fingerprint, new_id)
            return cache

    def get(self, account: str, region: str, cache_id: str) -> StoredRunCache | None:
        # Plain dict reads are atomic under the GIL, and writers replace entries whole.
        partition = self._partitions.get((account, region))
        return None if partition is None else partition.caches.get(cache_id)

    def update(
        self,
        account: str,
        region: str,
        cache_id: str,
        change: Callable[[StoredRunCache], StoredRunCache],
    ) -> StoredRunCache | None:
        """Replace a stored cache by ``change(it)``, keeping its position and in-use mark."""
        with self._lock:
            current = self.get(account, region, cache_id)
            if current is None:
                return None
            changed = change(current)
            changed.seq, changed.in_use = current.seq, current.in_use
            self._partitions[(account, region)].caches[cache_id] = changed
            return changed

    def delete(self, account: str, region: str, cache_id: str) -> StoredRunCache | None:
        with self._lock:
            partition = self._partitions.get((account, region))
            if partition is None or cache_id not in partition.caches:
                return None
            removed = partition.caches.pop(cache_id)
            self._locations[cache_id].remove((account, region))
            if not self._locations[cache_id]:
                del self._locations[cache_id]
            if len(partition.order) > 2 * len(partition.caches) + 64:
                partition.order = [
                    (seq, i) for seq, i in partition.order if self._is_live(partition, seq, i)
                ]
            return removed

    @staticmethod
    def _is_live(partition: _Partition, seq: int, cache_id: str) -> bool:
        cache = partition.caches.get(cache_id)
        return cache is not None and cache.seq == seq

    def page(
        self, account: str, region: str, after_seq: int, size: int
    ) -> tuple[list[StoredRunCache], bool]:
        """Up to ``size`` caches created after ``after_seq``, oldest first, and whether more
        follow. Costs the page size (plus any tombstones crossed), not the registry size."""
        with self._lock:
            partition = self._partitions.get((account, region))
            if partition is None:
                return [], False
            order, caches = partition.order, partition.caches
            found: list[StoredRunCache] = []
            for index in range(bisect.bisect_right(order, (after_seq, "\uffff")), len(order)):
                seq, cache_id = order[index]
                cache = caches.get(cache_id)
                if cache is None or cache.seq != seq:  # a tombstone (see _is_live)
                    continue
                if len(found) == size:
                    return found, True
                found.append(cache)
            return found, False

    def issue_token(self, account: str, region: str, after_seq: int) -> str:
        """An opaque nextToken for the page after ``after_seq``, valid only for this fake."""
        token = page_token()
        with self._lock:
            self._tokens[token] = (account, region, after_seq)
        return token

    def resolve_token(self, token: str) -> tuple[str, str, int] | None:
        """(account, region, after_seq) of a token this registry issued, else None."""
        return self._tokens.get(token)

    def set_in_use(self, account: str, region: str, cache_id: str, in_use: bool) -> bool:
        with self._lock:
            cache = self.get(account, region, cache_id)
            if cache is None:
                return False
            cache.in_use = in_use
            return True

    def locations(self, cache_id: str) -> list[tuple[str, str]]:
        """Every (account, region) that holds a run cache with this id."""
        with self._lock:
            return list(self._locations.get(cache_id, ()))

    def all(self) -> Iterator[StoredRunCache]:
        """Every stored cache, in creation order."""
        with self._lock:
            caches = [c for p in self._partitions.values() for c in p.caches.values()]
        return iter(sorted(caches, key=lambda cache: cache.seq))


class RequestIdReused(Exception):
    """A CreateRunCache requestId came back with different parameters."""

    def __init__(self, cache_id: str) -> None:
        super().__init__(cache_id)
        self.cache_id = cache_id


class LimitReached(Exception):
    """The account already has as many run caches in the region as its quota allows."""

    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.count = count
