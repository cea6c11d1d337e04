"""What making an omics client reads of the machine's AWS set-up while pytest runs.

A test module often makes its client at import time, during collection, before any fake is
active: ``omics = boto3.client("omics", region_name="us-east-1")``. botocore resolves a client's
credentials when it makes it, walking its whole chain: files, SSO, credential processes, the
container endpoint and last the instance metadata service at 169.254.169.254. Behind an HTTP(S)
proxy that probe goes to the proxy (and stops collection with ``ProxyConnectionError``); on an EC2
or ECS runner it reads the machine's real credentials. And a profile the environment names that
the machine's config lacks (``AWS_PROFILE=prod`` on a CI runner) makes botocore refuse to make
the client at all, though the fake never needs that profile. So, from ``pytest_configure`` to
``pytest_unconfigure``, for omics clients only:

* a client made with no credentials of its own gets :class:`DeferredCredentials`: the same chain,
  walked the first time the client signs a request for real. While a fake serves the client that
  never happens (the fake signs with its own credentials), so a served client reads nothing;
  outside a fake, the first call resolves exactly what botocore would have resolved up front;
* a profile that botocore cannot find reads as an empty one while the client is made, and
  :class:`DeferredCredentials` raises botocore's own ``ProfileNotFound`` at the first real
  call, so the missing profile still fails any request that would leave the machine.

Making a session reads the profile too (its data path), before any service is named, so that one
read is lenient for every session; any other service's client still fails with
``ProfileNotFound`` when it is made, only one line later than before. Nothing else of any other
service's client changes, and the process environment is never touched.

aiobotocore's session makes its clients (and resolves their credentials) in its own coroutine,
so these measures do not reach it; its clients are made inside async tests, where a fake is
active and gives them its credentials.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import Any

from botocore.credentials import Credentials, ReadOnlyCredentials
from botocore.exceptions import ProfileNotFound
from botocore.session import Session

#: The session making an omics client (or its data loader) in this thread or task, if any.
_lenient_for: contextvars.ContextVar[Session | None] = contextvars.ContextVar(
    "pytest_omics_cache_lenient_for", default=None
)
_UNRESOLVED: Any = object()


class DeferredCredentials(Credentials):
    """An omics client's credentials from its session's chain, resolved on first use.

    A ``Credentials`` so that botocore treats it as one; every member reads the resolved
    credentials (``None`` when the chain found none, which botocore's signer then reports as
    ``NoCredentialsError``, as it would have).
    """

    # botocore's Credentials sets these as instance attributes; here they are read-only
    # properties, so __init__ does not call Credentials.__init__.
    def __init__(
        self, session: Session, scoped_config: Callable[[Session], Any], chain: Callable[..., Any]
    ) -> None:
        self._session = session
        self._scoped_config = scoped_config
        self._chain = chain
        self._resolved: Credentials | None = _UNRESOLVED
        self._lock = threading.Lock()

    def _credentials(self) -> Credentials | None:
        if self._resolved is _UNRESOLVED:
            with self._lock:
                if self._resolved is _UNRESOLVED:
                    # A missing profile fails here, as botocore would have failed up front.
                    self._scoped_config(self._session)
                    self._resolved = self._chain(self._session)
        return self._resolved

    @property
    def resolved(self) -> bool:
        """Whether the credential chain has been walked (for the plugin's own tests)."""
        return self._resolved is not _UNRESOLVED

    # Typed Any: read-only properties where botocore's Credentials has plain attributes.
    access_key: Any = property(lambda self: getattr(self._credentials(), "access_key", None))
    secret_key: Any = property(lambda self: getattr(self._credentials(), "secret_key", None))
    token: Any = property(lambda self: getattr(self._credentials(), "token", None))
    account_id: Any = property(lambda self: getattr(self._credentials(), "account_id", None))

    def _method(self) -> str:
        # botocore reads this while making the client (is it "explicit"?): answer without
        # walking the chain.
        if self._resolved is _UNRESOLVED:
            return "deferred-by-pytest-omics-cache"
        return getattr(self._resolved, "method", None) or "none"

    method: Any = property(_method)

    def get_frozen_credentials(self) -> ReadOnlyCredentials:
        resolved = self._credentials()
        # None makes botocore's signer raise NoCredentialsError, exactly as a client made with
        # no credentials would.
        return None if resolved is None else resolved.get_frozen_credentials()  # type: ignore[return-value]


def _is_omics(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    return (args[0] if args else kwargs.get("service_name")) == "omics"


def install() -> Callable[[], None]:
    """Put the measures in place on botocore's ``Session``; returns what puts back exactly what
    was there (unless something else has wrapped it since, which then keeps its wrapper)."""
    originals = {
        name: Session.__dict__[name]
        for name in ("create_client", "get_credentials", "get_scoped_config", "get_component")
    }
    create_client = originals["create_client"]
    get_credentials = originals["get_credentials"]
    get_scoped_config = originals["get_scoped_config"]
    get_component = originals["get_component"]

    def lenient_create_client(self: Session, *args: Any, **kwargs: Any) -> Any:
        if not _is_omics(args, kwargs):
            return create_client(self, *args, **kwargs)
        token = _lenient_for.set(self)
        try:
            return create_client(self, *args, **kwargs)
        finally:
            _lenient_for.reset(token)

    def deferring_get_credentials(self: Session) -> Any:
        # Only while this session makes an omics client, and only if it has no credentials yet
        # (credentials it already holds cost nothing to hand over).
        if _lenient_for.get() is self and vars(self).get("_credentials") is None:
            return DeferredCredentials(self, get_scoped_config, get_credentials)
        return get_credentials(self)

    def lenient_get_scoped_config(self: Session) -> Any:
        try:
            return get_scoped_config(self)
        except ProfileNotFound:
            if _lenient_for.get() is not self:
                raise
            return {}

    def lenient_get_component(self: Session, name: str) -> Any:
        if name != "data_loader":
            return get_component(self, name)
        # The data loader reads the profile's data_path when a session is first used, before
        # any service is named.
        token = _lenient_for.set(self)
        try:
            return get_component(self, name)
        finally:
            _lenient_for.reset(token)

    replacements = {
        "create_client": lenient_create_client,
        "get_credentials": deferring_get_credentials,
        "get_scoped_config": lenient_get_scoped_config,
        "get_component": lenient_get_component,
    }
    for name, replacement in replacements.items():
        setattr(Session, name, replacement)

    def undo() -> None:
        for name, replacement in replacements.items():
            if Session.__dict__.get(name) is replacement:
                setattr(Session, name, originals[name])

    return undo
