"""The injections part of ``FakeOmics``: service errors and transport faults for the requests a
test picks, and the retry backoff botocore asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_omics_cache._core import arguments as _arguments
from pytest_omics_cache._core.injections import FAULT_EXCEPTIONS, Injection
from pytest_omics_cache._wire import model as _model

if TYPE_CHECKING:
    from pytest_omics_cache._core.injections import Injections


class FaultsApi:
    """Injected errors and faults (a part of ``FakeOmics``)."""

    _injections: Injections
    _retry_delays: list[float]

    def add_error(
        self,
        code: str | type[Exception],
        *,
        operation: str | None = "GetRunCache",
        id: str | None = None,  # boto3's own field name
        region: str | None = None,
        message: str | None = None,
        times: int | None = 1,
        after: int = 0,
    ) -> Injection:
        """Answer the next matching GetRunCache request(s) with the service error ``code``; give
        ``operation=`` to aim at another operation, or ``operation=None`` for all of them.

        *Choice:* the default operation stays GetRunCache (the issue that started the fake); an
        injection that never fired because the code under test called other operations says so
        at teardown.

        ``code`` is an error the served operations document (``"ThrottlingException"``, ...) or
        its exception class (``client.exceptions.ThrottlingException``). The error is sent as
        the service sends it: the model's HTTP status, ``x-amzn-ErrorType`` and a JSON
        ``message`` (``message``, or a default per code), and botocore's retries handle it as
        they would from AWS. ``operation`` (None for every served operation), ``id`` and
        ``region`` narrow which requests match; ``after`` lets that many matching requests
        through first; ``times`` is how many get the error (None: every one after that).
        Injections are consulted in the order they were added. Returns a handle whose
        ``fired`` counts the requests it answered.
        """
        __tracebackhide__ = True
        name = code.__name__ if isinstance(code, type) else code
        _arguments.check_operation("add_error", operation)
        valid = _model.error_codes(operation)
        if name not in valid:
            answering = "any omics operation" if operation is None else operation
            raise ValueError(
                f"add_error: {code!r} is not an error {answering} answers with (per the botocore"
                f" model); valid codes are: {', '.join(valid)}"
            )
        _arguments.check_target("add_error", operation, id, region, times, after)
        if message is not None and not isinstance(message, str):
            raise ValueError(f"add_error: message={message!r} must be a string")
        return self._injections.add(
            Injection(name, "error", operation, id, region, message, times, after)
        )

    def add_fault(
        self,
        kind: str,
        *,
        operation: str | None = "GetRunCache",
        id: str | None = None,  # boto3's own field name
        region: str | None = None,
        times: int | None = 1,
        after: int = 0,
    ) -> Injection:
        """Fail the next matching GetRunCache request(s) in the transport instead of answering;
        give ``operation=`` to aim at another operation, or ``operation=None`` for all of them.

        ``kind`` is ``"connection"`` (botocore raises ``EndpointConnectionError``),
        ``"connect-timeout"`` (``ConnectTimeoutError``) or ``"read-timeout"``
        (``ReadTimeoutError``): the exceptions botocore's HTTP layer raises, retried as botocore
        retries them. ``operation``, ``id``, ``region``, ``times`` and ``after`` match requests as
        in ``add_error``.
        """
        __tracebackhide__ = True
        if kind not in FAULT_EXCEPTIONS:
            kinds = ", ".join(f"{k!r} ({e})" for k, e in FAULT_EXCEPTIONS.items())
            raise ValueError(f"add_fault: unknown kind {kind!r}; valid kinds are: {kinds}")
        _arguments.check_target("add_fault", operation, id, region, times, after)
        return self._injections.add(
            Injection(kind, "fault", operation, id, region, None, times, after)
        )

    @property
    def retry_delays(self) -> list[float]:
        """The backoff delays (seconds) botocore asked to sleep between retries, in order.

        While the fake is active these sleeps are skipped (unless ``real_sleep``), so a test
        can assert on botocore's backoff without waiting for it.
        """
        return list(self._retry_delays)
