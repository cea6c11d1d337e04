"""The other-processes half of ``FakeOmics``: its loopback endpoint, and the environment a
child process needs to be served by it (see ``_transports.endpoint.server``)."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_omics_cache._core.options import Options
    from pytest_omics_cache._service import OmicsService
    from pytest_omics_cache._transports.endpoint.server import Endpoint

#: Proxy settings a child must not inherit (subprocess_env sets its own), upper-cased.
_PROXY_VARIABLES = frozenset({"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"})


class EndpointApi:
    """The loopback endpoint (mixed into ``FakeOmics``)."""

    _service: OmicsService | None
    _options: Options
    _endpoint: Endpoint | None
    _endpoint_lock: threading.Lock

    @property
    def endpoint_url(self) -> str:
        """This fake's HTTP endpoint, ``http://127.0.0.1:{port}/{token}``, for other processes
        (the AWS CLI, a subprocess with its own boto3, an SDK in another language).

        Started on first use, on a free port of the loopback interface, and stopped with the
        fake. It serves the same service as in-process calls do: the same run caches, runs,
        injections and call log (``Call.transport == "endpoint"``). Ask for it while the fake is
        active; ``subprocess_env()`` gives a child process everything it needs.
        """
        __tracebackhide__ = True
        # Down to the transports, deferred: a FakeOmics that never starts imports no botocore.
        from pytest_omics_cache._transports import activation as _activation
        from pytest_omics_cache._transports.endpoint.server import Endpoint

        with self._endpoint_lock:  # two threads asking at once start one endpoint
            activation = _activation.current()
            if (
                activation is None
                or self._service is None
                or activation.service is not self._service
            ):
                raise RuntimeError(
                    "endpoint_url: this fake is not active, so nothing would answer its endpoint."
                    " Ask for it inside the test (or mock_omics block) that uses the fake."
                )
            if self._endpoint is None:
                endpoint = Endpoint(self._service)
                try:
                    activation.on_stop(functools.partial(self._stop_endpoint, endpoint))
                except BaseException:  # the fake stopped meanwhile
                    endpoint.stop()
                    raise
                self._endpoint = endpoint
            return self._endpoint.url

    def _stop_endpoint(self, endpoint: Endpoint) -> None:
        # Runs as the fake stops, under the activation's lock: taking _endpoint_lock here would
        # invert endpoint_url's order (that lock, then the activation's). The step is bound to
        # its own endpoint, so none can be left running whatever the interleaving.
        if self._endpoint is endpoint:
            self._endpoint = None
        endpoint.stop()

    def subprocess_env(self, *, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment for a child process that this fake serves through ``endpoint_url``.

        It is ``base`` (this process's environment by default) without any ``AWS_*`` variable
        or proxy setting, so no real credentials, profile or config file reaches the child,
        plus: the endpoint for HealthOmics and for every other AWS service
        (``AWS_ENDPOINT_URL_OMICS``, ``AWS_ENDPOINT_URL``), host-prefix injection off
        (``AWS_DISABLE_HOST_PREFIX_INJECTION``), the fake credentials, the fake's region,
        ``AWS_EC2_METADATA_DISABLED``, ``/dev/null`` for the AWS config and credentials files,
        and the endpoint as the HTTP(S) proxy for every host but this machine's loopback, so
        that a request that is not for the endpoint is refused there (and listed at teardown)
        instead of leaving the machine. Add what else the child needs to the returned dict
        (``AWS_MAX_ATTEMPTS``, a ``NO_PROXY`` entry for a host it may reach).
        """
        __tracebackhide__ = True
        # Down to the transports, deferred: a FakeOmics that never starts imports no botocore.
        from pytest_omics_cache._transports.botocore import (
            FAKE_ACCESS_KEY_ID,
            FAKE_SECRET_ACCESS_KEY,
        )

        url = self.endpoint_url
        proxy = url.rsplit("/", 1)[0]  # http://127.0.0.1:{port}, without the fake's own path
        source = os.environ if base is None else base
        env = {
            name: value
            for name, value in source.items()
            if not name.upper().startswith("AWS_") and name.upper() not in _PROXY_VARIABLES
        }
        env.update(
            AWS_ENDPOINT_URL_OMICS=url,
            AWS_ENDPOINT_URL=url,
            AWS_DISABLE_HOST_PREFIX_INJECTION="true",
            AWS_ACCESS_KEY_ID=FAKE_ACCESS_KEY_ID,
            AWS_SECRET_ACCESS_KEY=FAKE_SECRET_ACCESS_KEY,
            AWS_REGION=self._options.region,
            AWS_DEFAULT_REGION=self._options.region,
            AWS_EC2_METADATA_DISABLED="true",
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
            HTTP_PROXY=proxy,
            HTTPS_PROXY=proxy,
            http_proxy=proxy,
            https_proxy=proxy,
            NO_PROXY="127.0.0.1,localhost",
            no_proxy="127.0.0.1,localhost",
        )
        return env
