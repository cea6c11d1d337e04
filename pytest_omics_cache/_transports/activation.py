"""Starting and stopping a fake: every attribute it swaps, applied all or nothing, undone exactly.

What to swap is decided by the transport modules (``botocore`` for botocore, ``aiobotocore``,
``requests``); this module only applies their patches and keeps what undoes them:

* **All or nothing.** A start that fails part-way (an attribute missing in some library version,
  an error in a hook) undoes every step it took before the error propagates, so a failed start
  leaves nothing patched behind.
* **Held by the process, not by the caller.** The running activation is kept in this module until
  ``stop()``: dropping the ``mock_omics`` object that started it does not restore botocore behind
  the test's back (which would send the next omics request to AWS). A forgotten one stays active,
  and the next start fails loudly, naming where the forgotten one was started.
* **One at a time.** Two fakes in one process would silently share requests.
* **Optional transports on import.** ``requests`` and aiobotocore are hooked at start where the
  code under test already imported them, otherwise the moment it does (see ``on_import``), so a
  suite that never uses them never imports them.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
import threading
from collections.abc import Callable

from pytest_omics_cache._service import OmicsService
from pytest_omics_cache._transports import botocore as _botocore
from pytest_omics_cache._transports import socket_guard as _socket_guard
from pytest_omics_cache._transports.on_import import ImportWatcher

#: (owner, attribute name, the value it has while a fake is active)
Patch = tuple[object, str, object]
#: One step to undo: an attribute to set back, as (owner, name, original), or a function.
Step = tuple[object, str, object] | Callable[[], None]
Undo = list[Step]

# Reentrant: a transport hooked late takes it inside an import that may run under it.
_lock = threading.RLock()
_current: Activation | None = None


#: The "original" of an attribute a class only inherited: undone by deleting it again.
INHERITED: object = type("Inherited", (), {"__repr__": lambda self: "INHERITED"})()


def patch(owner: object, name: str, replacement: object) -> Step:
    """Set ``owner.name`` to ``replacement``; returns what puts the original back (removes it
    again, where ``owner`` only inherited it)."""
    try:
        original = vars(owner)[name]
    except KeyError:
        original = INHERITED
    if original is INHERITED and not hasattr(owner, name):
        # A library version without the attribute a hook needs: refuse to start rather than
        # run half-hooked (and this refusal undoes the steps already taken).
        module = getattr(owner, "__module__", None) or getattr(owner, "__name__", "?")
        version = _version(str(module).partition(".")[0])
        raise RuntimeError(
            f"pytest-omics-cache cannot start: {_qualified(owner)}.{name} does not exist in this"
            f" version of {str(module).partition('.')[0]} ({version}), so its requests could not"
            " be kept from the network. See 'Supported versions' in the README."
        )
    setattr(owner, name, replacement)
    # (owner, name, original): a tuple, not a partial, since every test makes a score of them.
    return (owner, name, original)


def _qualified(owner: object) -> str:
    if isinstance(owner, type):
        return f"{owner.__module__}.{owner.__qualname__}"
    return str(getattr(owner, "__name__", owner))


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "version unknown"


def _apply(patches: list[Patch], undo: Undo) -> None:
    for owner, name, replacement in patches:
        undo.append(patch(owner, name, replacement))


def _undo(undo: Undo) -> None:
    """Run every step of ``undo`` in reverse, even if one fails; then raise the first failure."""
    failures: list[BaseException] = []
    while undo:
        step = undo.pop()
        try:
            if type(step) is tuple:
                owner, name, original = step
                if original is INHERITED:
                    delattr(owner, name)
                else:
                    setattr(owner, name, original)
            else:
                step()  # type: ignore[operator]
        except BaseException as error:  # pragma: no cover - setattr back does not fail
            failures.append(error)
    if failures:  # pragma: no cover
        raise failures[0]


class Activation:
    """One started fake: what it changed, and where it was started (for error messages)."""

    def __init__(self, service: OmicsService, origin: str) -> None:
        self.service = service
        #: Who started it, e.g. "the fake_omics fixture of tests/test_x.py::test_y".
        self.origin = origin
        self._undo: Undo = []
        #: Unsets the active service: the first step of every stop, so no hook serves a
        #: request while the others are being taken out (late hooks included).
        self._deactivate: Step | None = None
        #: The ``once`` keys of the late hooks applied (see _hook_late).
        self._late: set[str] = set()

    def stop(self) -> None:
        """Put back every attribute the start changed. Stopping twice is a no-op."""
        global _current
        with _lock:
            try:
                deactivate, self._deactivate = self._deactivate, None
                if deactivate is not None:
                    _undo([deactivate])
                _undo(self._undo)
            finally:
                if _current is self:
                    _current = None

    def on_stop(self, step: Callable[[], None]) -> None:
        """Run ``step`` when this activation stops, after the fake stops serving in-process and
        before the attributes are put back. RuntimeError if it has stopped already."""
        with _lock:
            if _current is not self:
                raise RuntimeError(f"the fake started by {self.origin} has stopped")
            self._undo.append(step)

    def _hook_late(self, patches_of: Callable[[], list[Patch]], *, once: str | None = None) -> None:
        # Runs inside the import statement of the code under test (or the first socket made:
        # see socket_guard), maybe in another thread. With ``once``, at most once per fake.
        with _lock:
            if _current is not self:  # a fake that stopped meanwhile
                return
            if once is not None:
                if once in self._late:
                    return
                self._late.add(once)
            applied: Undo = []
            try:
                _apply(patches_of(), applied)
            except BaseException:
                _undo(applied)  # all or nothing here too; the import fails loudly
                raise
            self._undo.extend(applied)


def start(service: OmicsService, *, skip_sleeps: bool, origin: str) -> Activation:
    """Route every omics request in the process to ``service`` until ``stop()``.

    With ``skip_sleeps`` botocore's retry backoff is recorded in ``service.retry_delays``
    instead of slept. ``origin`` says who started it, for the errors of a second start and of
    clients that outlive the fake.
    """
    global _current
    with _lock:
        if _current is not None:
            raise RuntimeError(
                f"a fake omics service is already active in this process, started by"
                f" {_current.origin}; use one at a time (nested or concurrent fakes would"
                " silently share requests). Stop that one first, and don't combine"
                " @mock_omics with the fake_omics fixture in one test: use"
                " @pytest.mark.fake_omics(...) to configure the fixture."
            )
        activation = Activation(service, origin)
        try:
            _install(activation, skip_sleeps)
        except BaseException:
            _undo(activation._undo)
            raise
        _current = activation
        return activation


def current() -> Activation | None:
    """The running activation, if any."""
    return _current


_socket_guard._current_activation = current


def _install(activation: Activation, skip_sleeps: bool) -> None:
    service, undo = activation.service, activation._undo
    skip_sleeps_for = service if skip_sleeps else None
    quotas = _botocore.FreshRetryQuotas()
    _apply(_botocore.patches(skip_sleeps_for, quotas, activation.origin), undo)
    undo.insert(0, quotas.restore)  # after the quota methods are back (undo runs in reverse)
    # Any other HTTP stack: refused at the socket layer, by an audit hook that also wraps
    # socket.socket's methods the first time this fake sees a socket made.
    if not _socket_guard.hooked():
        _socket_guard.ensure_audit_hook()

    # The optional transports: hooked now where the code under test already imported them,
    # else the moment it does, so a suite without them never imports them.
    watched: dict[str, Callable[[], None]] = {}
    for module, patches_of in _optional_transports(service, skip_sleeps_for, activation).items():
        if module in sys.modules:
            _apply(patches_of(), undo)
        elif _installed(module.partition(".")[0]):
            watched[module] = functools.partial(activation._hook_late, patches_of)
    if watched:
        undo.append(ImportWatcher(watched).install())
    # Last: until the service is set, every hook above passes requests to botocore untouched.
    activation._deactivate = patch(_botocore, "_active", service)


def _optional_transports(
    service: OmicsService, skip_sleeps_for: OmicsService | None, activation: Activation
) -> dict[str, Callable[[], list[Patch]]]:
    """The module whose import makes each transport usable, and that transport's patches."""

    def raw_http() -> list[Patch]:
        from pytest_omics_cache._transports import requests as _requests

        return _requests.patches(service)

    def aiobotocore() -> list[Patch]:
        from pytest_omics_cache._transports import aiobotocore as _aiobotocore

        return _aiobotocore.patches(skip_sleeps_for, activation.origin)

    # Every aiobotocore client is made by aiobotocore.session, which imports the rest.
    return {"requests": raw_http, "aiobotocore.session": aiobotocore}


@functools.cache
def _installed(package: str) -> bool:
    # What cannot be imported needs no watching (looked up once: installing a package in the
    # middle of a test run is not a case to serve).
    return importlib.util.find_spec(package) is not None
