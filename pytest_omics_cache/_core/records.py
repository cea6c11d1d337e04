"""A store for a resource that needs nothing more than the service's bookkeeping: its records per
(account, region) in creation order, ids and UUIDs from fixed-seed draws, requestId idempotency,
paging tokens, and a status that moves one step each time the resource is read.

Workflows, their versions and run groups each subclass :class:`Records` (one store type per
resource, as the catalog's ``Stores`` wants); run caches and runs keep their own, tuned stores.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from pytest_omics_cache._core.draws import Draws, uuid4_text
from pytest_omics_cache._core.handlers import (
    Backend,
    Caller,
    Kind,
    ServiceError,
    Taggable,
    page_token,
)
from pytest_omics_cache._wire import answers as _answers
from pytest_omics_cache._wire import model as _model
from pytest_omics_cache._wire import protocol as _protocol
from pytest_omics_cache._wire import validate as _validate


@dataclass(eq=False, slots=True)
class Record:
    """One resource held."""

    account: str
    region: str
    #: Its Get operation's members (boto3 names, Python values), current.
    data: dict[str, Any]
    #: Position in the store's creation order (set when stored); List pages follow it.
    seq: int = 0
    #: Statuses still to come, one per read.
    progress: tuple[str, ...] = ()
    #: What it belongs to, where it belongs to another resource (a version: its workflow's uuid).
    owner: str = ""
    #: Members its Get answers only when asked for them (a workflow's definition URL, under
    #: ``export``), kept out of ``data`` so that ``data`` is what a plain Get answers.
    hidden: dict[str, Any] | None = None
    #: Its Get body, rendered when first read and dropped on every change.
    body: bytes | None = None


def _uuid_bits(generator: random.Random) -> int:
    return generator.getrandbits(128)


class Records:
    """The records of one kind of resource, by key (its id, or a path of ids), per (account,
    region). Subclasses name the resource (``noun``, in messages) and the seed of its draws."""

    #: What the resource is called at the start of a message ("Workflow").
    noun: ClassVar[str] = "Resource"
    #: The seed of its ids' draws (its UUIDs' is the next number): each resource its own, so one
    #: resource's ids do not shift when a test makes more of another.
    seed: ClassVar[int] = 20221128 + 10

    __slots__ = ("_given", "_held", "_ids", "_requests", "_seq", "_tokens", "_uuids", "lock")

    def __init__(self) -> None:
        #: Held for every change, and by handlers across a read-then-change.
        self.lock = threading.RLock()
        self._held: dict[tuple[str, str], dict[str, Record]] = {}
        self._given: set[str] = set()
        self._seq = 0
        self._ids: Draws[float] | None = None
        self._uuids: Draws[int] | None = None
        self._requests: dict[tuple[str, str, str], tuple[object, str]] = {}
        self._tokens: dict[str, tuple[object, int]] = {}

    # --- ids ---

    def new_id(self) -> str:
        """A fresh 7-digit id, like the service's, of no record this store holds or held."""
        with self.lock:
            if self._ids is None:
                self._ids = Draws(self.seed, random.Random.random)
            draw = self._ids.next
            while True:
                candidate = str(1_000_000 + int(draw() * 9_000_000))
                if candidate not in self._given:
                    self._given.add(candidate)
                    return candidate

    def new_uuid(self) -> str:
        """A version-4 UUID from the store's fixed-seed sequence."""
        with self.lock:
            if self._uuids is None:
                self._uuids = Draws(self.seed + 1, _uuid_bits)
            return uuid4_text(self._uuids.next())

    # --- records ---

    def add(self, record: Record, key: str) -> bool:
        """Store ``record`` under ``key``; False (storing nothing) if the key is taken in its
        account and region."""
        with self.lock:
            held = self._held.get((record.account, record.region))
            if held is None:
                held = self._held[(record.account, record.region)] = {}
            if key in held:
                return False
            self._given.add(key)  # a seeded id is never drawn again
            self._seq += 1
            record.seq = self._seq
            held[key] = record
            return True

    def get(self, caller: Caller, key: str) -> Record | None:
        held = self._held.get((caller.account, caller.region))
        return None if held is None else held.get(key)

    def missing(self, caller: Caller, key: str, what: str) -> ServiceError:
        """The service's 404 for ``what`` ("Workflow 1234567"), worded as the service words a
        workflow's ("Workflow 1234567 not found", no full stop), with a hint where a record of
        that key is held in another account or region."""
        message = f"{what} not found"
        with self.lock:
            elsewhere = [
                f"account {a}, region {r}"
                for (a, r), held in self._held.items()
                if key in held and (a, r) != caller
            ]
        if elsewhere:
            # Not what AWS says, but what the test author needs: it exists, just not where the
            # client looked (a seed or a client in another region or account).
            message += (
                f". [pytest-omics-cache: the request came from account {caller.account}, region"
                f" {caller.region}; it exists in " + "; ".join(elsewhere) + ". Seed it with"
                " region=/account= matching the client, or call from that region.]"
            )
        return ServiceError("ResourceNotFoundException", message)

    def remove(self, caller: Caller, key: str) -> None:
        with self.lock:
            self._held.get((caller.account, caller.region), {}).pop(key, None)

    def listed(self, account: str | None = None, region: str | None = None) -> list[Record]:
        """The records held (of that account / region only, where given), oldest first."""
        with self.lock:
            records = [
                record
                for (a, r), held in self._held.items()
                if (account is None or a == account) and (region is None or r == region)
                for record in held.values()
            ]
        return sorted(records, key=lambda record: record.seq)

    # --- requests and paging ---

    def create_once(
        self,
        caller: Caller,
        request_id: str,
        fingerprint: object,
        create: Callable[[], Record],
        noun: str,
    ) -> Record:
        """The record ``create()`` makes, once per ``request_id``: a request replayed with the
        same ``fingerprint`` gets the record the first one made (while it is held); with
        another, the service's ConflictException."""
        key = (caller.account, caller.region, request_id)
        with self.lock:
            earlier = self._requests.get(key)
            if earlier is not None:
                if earlier[0] != fingerprint:
                    raise ServiceError(
                        "ConflictException",
                        f"requestId {request_id} was already used to create {noun} {earlier[1]}"
                        " with different parameters.",
                    )
                record = self.get(caller, earlier[1])
                if record is not None:
                    return record
            record = create()
            self._requests[key] = (fingerprint, _key_of(record))
            return record

    def page(
        self, scope: object, token: str | None, records: list[Record], size: int
    ) -> tuple[list[Record], str | None]:
        """A page of ``records`` (oldest first) after ``token``, and the next page's token. A
        token is tied to ``scope`` (the operation, the caller and what was listed)."""
        after = 0
        if token is not None:
            found = self._tokens.get(token)
            if found is None or found[0] != scope:
                raise ServiceError(
                    "ValidationException",
                    f"Invalid startingToken '{token}': it was not issued for this request.",
                )
            after = found[1]
        rest = [record for record in records if record.seq > after]
        if len(rest) <= size:
            return rest, None
        next_token = page_token()
        with self.lock:
            self._tokens[next_token] = (scope, rest[size - 1].seq)
        return rest[:size], next_token


def _key_of(record: Record) -> str:
    data = record.data
    return data["id"] if "id" in data else f"{data['workflowId']}/{data['versionName']}"


def read(record: Record) -> None:
    """After a Get: one step along the record's progress (the next read sees the next status)."""
    if record.progress:
        record.data["status"], record.progress = record.progress[0], record.progress[1:]
        record.body = None


def in_model(operation: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` without the members this botocore's model of ``operation``'s output lacks (an
    older botocore has fewer), so an answer has exactly the model's members."""
    members = _output_members(operation)
    return {k: v for k, v in data.items() if k in members and v is not None}


def _output_members(operation: str) -> frozenset[str]:
    found = _MEMBERS.get(operation)
    if found is None:
        output = _model.operation(operation).output_shape
        found = _MEMBERS[operation] = frozenset(output.members if output is not None else ())
    return found


_MEMBERS: dict[str, frozenset[str]] = {}


def seed_problems(operation: str, given: Mapping[str, Any]) -> list[str]:
    """How each of ``given``'s members (a seed, boto3 names and values) breaks ``operation``'s
    output shape in the model: unknown members, and the model's rules, by field and value."""
    output = _model.operation(operation).output_shape
    assert output is not None
    return [v.author_message() for v in _validate.check_output(output, dict(given), "")]


def copied(data: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a record's ``data`` for the test author: its dicts (tags, a template) fresh, so
    that changing the copy cannot change the store."""
    return {k: (_deep(v) if isinstance(v, (dict, list)) else v) for k, v in data.items()}


def _deep(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep(v) for v in value]
    return value


# --- what handlers of such a resource share -------------------------------------------------------

#: ListX page size when the request gives no maxResults (the model's maximum for all of them).
DEFAULT_PAGE_SIZE = 100

Lookup = Callable[[Backend, Caller, str], "Record | None"]


def get_body(operation: str, record: Record) -> bytes:
    """The Get body of ``record``, rendered once per version of it."""
    body = record.body
    if body is None:
        body = record.body = _answers.output_body(_protocol.spec(operation), record.data)
    return body


def exported(operation: str, record: Record, export: list[str]) -> bytes:
    """The Get body of ``record`` with what ``export`` asks for of its hidden members: a
    presigned URL of its definition (``DEFINITION``), of its README (``README``, if any)."""
    hidden = record.hidden or {}
    data = dict(record.data)
    for name, asked in (("definition", "DEFINITION"), ("readme", "README")):
        if asked in export and name in hidden:
            data[name] = hidden[name]
    return _answers.output_body(_protocol.spec(operation), in_model(operation, data))


def list_body(
    operation: str,
    store: Records,
    scope: object,
    params: Mapping[str, Any],
    records: list[Record],
) -> bytes:
    """A ListX answer: a page of ``records`` as the model's list items, and its nextToken."""
    page, token = store.page(
        (operation, scope),
        params.get("startingToken"),
        records,
        params.get("maxResults", DEFAULT_PAGE_SIZE),
    )
    members = _item_members(operation)
    result: dict[str, Any] = {
        "items": [{k: v for k, v in r.data.items() if k in members} for r in page]
    }
    if token is not None:
        result["nextToken"] = token
    return _answers.output_body(_protocol.spec(operation), result)


def _item_members(operation: str) -> frozenset[str]:
    key = operation + ".items"
    found = _MEMBERS.get(key)
    if found is None:
        output = _model.operation(operation).output_shape
        item = output.members["items"].member  # type: ignore[union-attr]
        found = _MEMBERS[key] = frozenset(item.members)
    return found


def kind(lookup: Lookup, what: Callable[[str], str], store: type[Records]) -> Kind:
    """What the other resources may ask of a resource held in ``store`` (found by ``lookup``;
    its 404 worded by ``what(key)``, "Workflow 1234567"), with its tags for TagResource."""

    def find(backend: Backend, caller: Caller, key: str) -> Mapping[str, Any] | None:
        found = lookup(backend, caller, key)
        return None if found is None else found.data

    def missing(backend: Backend, caller: Caller, key: str) -> ServiceError:
        return backend.stores[store].missing(caller, key, what(key))

    def held(backend: Backend, caller: Caller, key: str) -> Record:
        found = lookup(backend, caller, key)
        if found is None:
            raise missing(backend, caller, key)
        return found

    def read_tags(backend: Backend, caller: Caller, key: str) -> Mapping[str, str]:
        tags: Mapping[str, str] = held(backend, caller, key).data["tags"]
        return tags

    def change_tags(
        backend: Backend,
        caller: Caller,
        key: str,
        change: Callable[[dict[str, str]], dict[str, str]],
    ) -> None:
        with backend.stores[store].lock:
            record = held(backend, caller, key)
            record.data["tags"] = change(dict(record.data["tags"]))
            record.body = None

    return Kind(find, missing, Taggable(read_tags, change_tags))
