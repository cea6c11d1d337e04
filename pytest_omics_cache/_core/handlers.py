"""What every resource's handlers share: the state they work on, who is calling, and how they
answer (a body, or a service error, or "not mine to answer").

A handler gets the fake's state, the caller's account and region and the request's parameters
(already checked against the model) and returns the JSON body to send (or a whole
``WireResponse``), or raises :class:`ServiceError` or :class:`Unserved`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from pytest_omics_cache._core.options import Options
    from pytest_omics_cache._resources.canned.store import CannedResponses
    from pytest_omics_cache._resources.run_caches.store import Registry
    from pytest_omics_cache._resources.runs.store import RunStore
    from pytest_omics_cache._wire.protocol import WireResponse


def page_token() -> str:
    """A new opaque nextToken. Random, not seeded: a token from another fake (an earlier test)
    must not resolve in this one. It never starts with "-": the AWS CLI would read
    ``--starting-token -abc`` as a missing value and a new option."""
    token = secrets.token_urlsafe(18)
    return token if token[0] != "-" else "A" + token[1:]


class ServiceError(Exception):
    """An error the service answers with: a modeled error code and its message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class Unserved(Exception):
    """Nothing the fake holds or was given answers this request; the message says why."""


class Caller(NamedTuple):
    account: str
    region: str


# State, not a value: no generated __eq__ or __repr__, which would double its import cost.
@dataclass(repr=False, eq=False)
class Backend:
    """What handlers work on: the registry of run caches, the runs, the canned responses and
    the fake's options."""

    registry: Registry
    options: Options
    canned: CannedResponses
    runs: RunStore


Handler = Callable[[Backend, Caller, Mapping[str, Any]], "bytes | WireResponse"]
