"""Thread-safe in-memory state of the fake: run caches per (account, region), and recorded calls.

Requests arrive from any thread that owns an omics client, so every read and write of shared
state goes through one lock. Nothing here knows about HTTP or botocore.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

#: A run cache as ``GetRunCache`` returns it (boto3 field names, Python values).
RunCacheDict = dict[str, Any]


@dataclass
class StoredRunCache:
    account: str
    region: str
    data: RunCacheDict
    #: The JSON body GetRunCache answers with; rendered once at write time so reads are cheap.
    body: bytes


@dataclass
class Registry:
    _caches: dict[tuple[str, str, str], StoredRunCache] = field(default_factory=dict)
    _locations: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # A private, fixed-seed generator: ids look like the service's but repeat run to run,
    # and pytest-randomly reseeding the global `random` cannot change them.
    _ids: random.Random = field(default_factory=lambda: random.Random(20221128))

    def new_id(self) -> str:
        """A fresh 7-digit id used nowhere in the registry."""
        with self._lock:
            while True:
                candidate = str(self._ids.randrange(1_000_000, 10_000_000))
                if candidate not in self._locations:
                    return candidate

    def add(self, cache: StoredRunCache) -> bool:
        """Store ``cache``; False (storing nothing) if its id is taken in its account and region."""
        cache_id = cache.data["id"]
        key = (cache.account, cache.region, cache_id)
        with self._lock:
            if key in self._caches:
                return False
            self._caches[key] = cache
            self._locations.setdefault(cache_id, []).append((cache.account, cache.region))
            return True

    def get(self, account: str, region: str, cache_id: str) -> StoredRunCache | None:
        # dict reads are atomic under the GIL; writers replace entries whole.
        return self._caches.get((account, region, cache_id))

    def locations(self, cache_id: str) -> list[tuple[str, str]]:
        """Every (account, region) that holds a run cache with this id."""
        with self._lock:
            return list(self._locations.get(cache_id, ()))
