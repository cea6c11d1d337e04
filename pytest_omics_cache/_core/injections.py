"""Injected errors and transport faults: which request gets which, and how often.

Matching rules (documented in docs/how-to/errors.md): injections are consulted in the order
they were added. An injection *sees* each request that matches its operation, id and region
and reaches it; it lets the first ``after`` of those through, then fires on the next ``times``
(every one when ``times`` is None). The first injection that fires answers the request; later
injections do not see it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

#: Transport faults, named by what happened, with the botocore exception its HTTP layer raises.
FAULT_EXCEPTIONS: dict[str, str] = {
    "connection": "EndpointConnectionError",
    "connect-timeout": "ConnectTimeoutError",
    "read-timeout": "ReadTimeoutError",
}

# What the service says when the test author does not say otherwise. AWS does not document
# these texts; they follow the wording its services commonly use.
_DEFAULT_MESSAGES: dict[str, str] = {
    "AccessDeniedException": (
        "User: arn:aws:sts::{account}:assumed-role/fake-omics/test is not authorized to perform:"
        " omics:{operation} because no identity-based policy allows the omics:{operation} action"
    ),
    "ConflictException": "The request conflicts with the current state of the resource.",
    "InternalServerException": "An internal error occurred. Try again.",
    "RequestTimeoutException": "The request timed out.",
    "ResourceNotFoundException": "The requested resource was not found.",
    "ServiceQuotaExceededException": "The request exceeds a service quota.",
    "ThrottlingException": "Rate exceeded",
    "ValidationException": "The request failed validation.",
    "NotSupportedOperationException": (
        "The operation is not supported by Amazon Omics, or the API does not exist."
    ),
    "RangeNotSatisfiableException": "The ranges specified in the request are not valid.",
}


def default_message(code: str, *, operation: str, account: str) -> str:
    # A code a newer model adds gets its own name as the message, until it gets a text here.
    template = _DEFAULT_MESSAGES.get(code, code)
    return template.format(operation=operation, account=account)


@dataclass
class Injection:
    """An injected error or transport fault, as returned by ``add_error`` / ``add_fault``.

    ``fired`` tells how many requests it answered so far.
    """

    #: The error code (``"ThrottlingException"``) or fault kind (``"read-timeout"``).
    code: str
    #: ``"error"`` or ``"fault"``.
    kind: str
    #: The operation it answers (``"GetRunCache"``), or None for every served operation.
    operation: str | None
    #: The ``id`` parameter a request must have to match, or None for any.
    id: str | None
    #: The region a request must address to match, or None for any.
    region: str | None
    #: The error's message (None: the default message of its code); None for a fault.
    message: str | None
    #: How many matching requests it answers; None for every one.
    times: int | None
    #: How many matching requests it lets through before it answers.
    after: int
    #: Requests it answered so far.
    fired: int = 0
    #: Matching requests it has seen, including the ones let through by ``after``.
    seen: int = 0

    def describe(self) -> str:
        target = self.operation or "any operation"
        narrowed = "".join(
            f" {name}={value!r}"
            for name, value in (("id", self.id), ("region", self.region))
            if value is not None
        )
        after = f" after {self.after} request(s)" if self.after else ""
        if self.times is None:
            return f"{self.code} on {target}{narrowed}: fired {self.fired} time(s), no limit{after}"
        return (
            f"{self.code} on {target}{narrowed}: fired {self.fired} of {self.times} time(s){after}"
        )

    @property
    def unfired(self) -> bool:
        """True for a finite injection that has not fired as often as asked."""
        return self.times is not None and self.fired < self.times


# State, not a value: no generated __eq__ or __repr__, which would double its import cost.
@dataclass(repr=False, eq=False)
class Injections:
    _items: list[Injection] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, injection: Injection) -> Injection:
        with self._lock:
            self._items.append(injection)
        return injection

    def fire(self, operation: str, cache_id: object, region: str) -> Injection | None:
        """The injection that answers this request, counted as fired; None to serve it."""
        if not self._items:  # the common case, without taking the lock
            return None
        with self._lock:
            for injection in self._items:
                # One condition, no method call: this runs on every request.
                if (
                    (injection.operation is None or injection.operation == operation)
                    and (injection.id is None or injection.id == cache_id)
                    and (injection.region is None or injection.region == region)
                    and (injection.times is None or injection.fired < injection.times)
                ):
                    injection.seen += 1
                    if injection.seen > injection.after:
                        injection.fired += 1
                        return injection
        return None

    def unfired(self) -> list[Injection]:
        with self._lock:
            return [injection for injection in self._items if injection.unfired]
