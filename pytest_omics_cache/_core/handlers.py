"""The handler contract every resource follows: who is calling, the state handlers work on, and
how they answer (a body, or a service error, or "not mine to answer").

A handler gets the fake's state (:class:`Backend`), the caller's account and region and the
request's parameters (already checked against the model) and returns the JSON body to send (or a
whole ``WireResponse``), or raises :class:`ServiceError` or :class:`Unserved`. One paging token
scheme (:func:`page_token`) and one error scheme serve every resource.

The backend holds each resource's store by its type and names none of them: the catalog
(``_resources.catalog``) builds it, and registers what one resource may ask of another
(:class:`Kind`: find a resource by id, its 404, read and change its tags; :data:`Users`: which
of a resource's users hold it), so no resource imports another.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

if TYPE_CHECKING:
    from pytest_omics_cache._core.options import Options
    from pytest_omics_cache._wire.protocol import WireResponse

_Store = TypeVar("_Store")


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


class Taggable(NamedTuple):
    """How the tags of one kind of resource are read and replaced, given its id."""

    #: The tags of the caller's resource ``id``, or the service's 404.
    read: Callable[[Backend, Caller, str], Mapping[str, str]]
    #: Replace them by ``change(current tags)``; the service's 404 if it does not exist.
    change: Callable[[Backend, Caller, str, Callable[[dict[str, str]], dict[str, str]]], None]


class Kind(NamedTuple):
    """What one kind of resource lets the others ask of it, under the type its ARNs name
    (``runCache``, ``run``)."""

    #: The caller's resource ``id`` as its Get operation answers (boto3 names), or None.
    find: Callable[[Backend, Caller, str], Mapping[str, Any] | None]
    #: The service's 404 for the caller's resource ``id``, as that resource words it.
    missing: Callable[[Backend, Caller, str], ServiceError]
    #: Its tags, for TagResource and friends; None if it has none.
    tags: Taggable | None = None


#: Which resources of the caller's hold resource ``id`` of a kind, as "run 1234" labels: asked
#: of every resource that refers to others (runs name a run cache) before one is deleted.
Users = Callable[["Backend", str, Caller, str], Iterable[str]]


class Stores(dict[type, object]):
    """Each resource's store, by its type, made empty the first time it is asked for (a fake
    that never sees a run never makes the runs' store). A dict, so that a store once made is
    found by the dict's own lookup, with no Python call: seeding a hundred thousand caches
    asks for one each time."""

    __slots__ = ()

    #: The store types there are: the catalog's subclass sets them (a class attribute, so that
    #: making one per test runs no Python ``__init__``).
    types: frozenset[type] = frozenset()

    if TYPE_CHECKING:  # the store of the type asked for, for mypy; at run time dict's own

        def __getitem__(self, kind: type[_Store]) -> _Store: ...

    def __missing__(self, kind: type) -> object:
        if kind not in self.types:
            raise LookupError(f"{kind.__name__} is no store of the catalog's")
        # setdefault: two threads asking at once both get the one that was stored.
        return self.setdefault(kind, kind())


class Backend:
    """What handlers work on: the fake's options, each resource's store (``stores[Type]``, of
    the catalog's ``Stores`` subclass), and what the resources registered for each other (their
    kinds, and who uses what)."""

    __slots__ = ("kinds", "options", "stores", "users_of")

    #: Held across a check in one resource that depends on another's state (a run starting with
    #: a cache, that cache's deletion), so that neither changes in between. One for every
    #: backend: made once, not per test, and two fakes' requests seldom meet on it.
    lock = threading.RLock()

    def __init__(
        self,
        options: Options,
        stores: type[Stores],
        kinds: Mapping[str, Kind],
        users_of: tuple[Users, ...],
    ) -> None:
        # Made for every test: plain assignments of what the catalog built once.
        self.options = options
        self.stores = stores()
        self.kinds = kinds
        self.users_of = users_of

    def held(self, kind: str, caller: Caller, resource_id: str) -> Mapping[str, Any]:
        """The caller's resource ``resource_id`` of ``kind``, or its service's 404."""
        registered = self.kinds[kind]
        found = registered.find(self, caller, resource_id)
        if found is None:
            raise registered.missing(self, caller, resource_id)
        return found

    def users(self, kind: str, caller: Caller, resource_id: str) -> list[str]:
        """What holds the caller's resource ``resource_id`` of ``kind`` (see :data:`Users`)."""
        return [
            label for users in self.users_of for label in users(self, kind, caller, resource_id)
        ]


Handler = Callable[[Backend, Caller, Mapping[str, Any]], "bytes | WireResponse"]
