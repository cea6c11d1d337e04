"""Service behaviour: one handler per served operation, working on validated parameters.

A handler gets the caller's account and region and the request's parameters (already checked
against the model) and returns the JSON body to send, or raises :class:`ServiceError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

from pytest_omics_cache._registry import Registry


class ServiceError(Exception):
    """An error the service answers with: a modeled error code and its message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class Caller(NamedTuple):
    account: str
    region: str


Handler = Callable[[Registry, Caller, Mapping[str, object]], bytes]


def get_run_cache(registry: Registry, caller: Caller, params: Mapping[str, object]) -> bytes:
    cache_id = str(params["id"])
    stored = registry.get(caller.account, caller.region, cache_id)
    if stored is None:
        raise ServiceError("ResourceNotFoundException", _not_found(registry, caller, cache_id))
    return stored.body


def _not_found(registry: Registry, caller: Caller, cache_id: str) -> str:
    message = f"Run cache {cache_id} not found."
    elsewhere = [
        f"account {account}, region {region}" for account, region in registry.locations(cache_id)
    ]
    if elsewhere:
        # Not what AWS says, but what the test author needs: the cache exists, just not where
        # the client looked. Usually a seed or client with the wrong region or account.
        message += (
            f" [pytest-omics-cache: the request came from account {caller.account}, region"
            f" {caller.region}; a run cache with id {cache_id} exists in "
            + "; ".join(elsewhere)
            + ". Seed it with region=/account= matching the client, or call from that region.]"
        )
    return message


HANDLERS: Mapping[str, Handler] = {
    "GetRunCache": get_run_cache,
}
