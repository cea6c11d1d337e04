"""The socket-level guard: an HTTP stack the fake does not serve in-process never reaches a
HealthOmics host while a fake (or the session guard) is on, and nothing else is touched."""

from __future__ import annotations

import asyncio
import http.client
import http.server
import json
import socket
import threading
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import freezegun
import httpx
import moto
import network_guard
import pytest
import responses
import time_machine
import urllib3

from pytest_omics_cache import FakeOmics, UnservedRequestError, mock_omics

#: A HealthOmics host in each of two partitions (the China one has no HealthOmics region, but
#: its host is recognised all the same: nothing may try it).
HOSTS = ["workflows-omics.us-east-1.amazonaws.com", "omics.cn-north-1.amazonaws.com.cn"]


def _http_client(host: str) -> None:
    http.client.HTTPSConnection(host, timeout=2).request("GET", "/runCache")


def _urllib_request(host: str) -> None:
    urllib.request.urlopen(f"https://{host}/runCache", timeout=2)


def _urllib3(host: str) -> None:
    urllib3.PoolManager().request("GET", f"https://{host}/runCache", retries=False, timeout=2)


def _httpx(host: str) -> None:
    httpx.get(f"https://{host}/runCache", timeout=2)


def _httpx_async(host: str) -> None:
    async def get() -> None:
        async with httpx.AsyncClient(timeout=2) as client:
            await client.get(f"https://{host}/runCache")

    asyncio.run(get())


def _create_connection(host: str) -> None:
    socket.create_connection((host, 443), timeout=2)


def _connect_by_name(host: str) -> None:
    with socket.socket() as sock:
        sock.connect((host, 443))


def _gethostbyname(host: str) -> None:
    socket.gethostbyname(host)


#: (a call through one stack, the stack the refusal names)
STACKS: dict[str, tuple[Callable[[str], None], str]] = {
    "http.client": (_http_client, "http.client"),
    "urllib.request": (_urllib_request, "http.client (via urllib.request)"),
    "urllib3": (_urllib3, "urllib3"),
    "httpx": (_httpx, "httpcore (via httpx)"),
    # asyncio looks names up in a worker thread, whose stack names no library.
    "httpx-async": (
        _httpx_async,
        "an asynchronous client (its name lookup ran in a worker thread)",
    ),
    "create_connection": (_create_connection, "test_socket_guard"),
    "connect-by-name": (_connect_by_name, "test_socket_guard"),
    "gethostbyname": (_gethostbyname, "test_socket_guard"),
}


@pytest.fixture
def attempts() -> Iterator[list[object]]:
    """Every connection or name lookup the suite's own socket hook (network_guard) saw."""
    before = len(network_guard.ATTEMPTS)
    seen: list[object] = []
    yield seen
    seen.extend(network_guard.ATTEMPTS[before:])


def _refused(call: Callable[[], None]) -> UnservedRequestError:
    with pytest.raises(Exception) as raised:  # noqa: PT011 - any stack's wrapping of it
        call()
    error: BaseException | None = raised.value
    # A stack may wrap it (anyio's task groups in an ExceptionGroup); find it.
    while error is not None and not isinstance(error, UnservedRequestError):
        inner = getattr(error, "exceptions", None)
        error = inner[0] if inner else (error.__cause__ or error.__context__)
    assert isinstance(error, UnservedRequestError), repr(raised.value)
    return error


# The refusal is the point of these tests; the teardown report of it has its own test.
@pytest.mark.fake_omics(assert_all_requests_served=False)
@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize("stack", list(STACKS))
def test_every_stack_is_refused_before_any_socket_connects(
    fake_omics: FakeOmics, attempts: list[object], stack: str, host: str
) -> None:
    call, named = STACKS[stack]

    error = _refused(lambda: call(host))

    port = "" if stack == "gethostbyname" else ":443"
    assert f"refused a connection to {host}{port}, a HealthOmics host, made by {named} " in (
        str(error)
    )
    assert "Point the client at the fake's endpoint_url (fake_omics.endpoint_url)" in str(error)
    assert "or set AWS_ENDPOINT_URL_OMICS to it" in str(error)
    assert "Nothing was sent." in str(error)
    refused = fake_omics.get_call()
    assert (refused.transport, refused.unserved, refused.method) == ("socket", True, "CONNECT")
    assert refused.params["host"] == host
    assert refused.params["port"] == (None if stack == "gethostbyname" else 443)
    assert attempts == []


def test_a_swallowed_refusal_fails_the_test_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import urllib3


        def test_swallows(fake_omics):
            try:
                urllib3.PoolManager().request(
                    "GET", "https://omics.eu-west-1.amazonaws.com/runCache", retries=False
                )
            except Exception:
                pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*fake_omics: 1 connection(s) to HealthOmics were refused at the socket layer:",
            "*  - a connection to omics.eu-west-1.amazonaws.com:443 by urllib3 -> refused at the"
            " socket layer",
            "*An HTTP stack the fake does not serve in-process tried to reach AWS (and got"
            " UnservedRequestError, which it may have caught). Point that client at"
            " fake_omics.endpoint_url, or set AWS_ENDPOINT_URL_OMICS to it; if that is intended,"
            " opt out with @pytest.mark.fake_omics(assert_all_requests_served=False) or the ini"
            " option fake_omics_assert_all_requests_served = false.",
        ]
    )


def test_the_session_guard_refuses_them_too_and_fails_a_test_that_swallowed_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import http.client

        import pytest

        from pytest_omics_cache import UnservedRequestError


        def test_raises():
            with pytest.raises(UnservedRequestError) as raised:
                http.client.HTTPSConnection("omics.us-west-2.amazonaws.com").request("GET", "/")
            where = f"while no fake was active, in test {__name__}.py::test_raises:"
            assert where in str(raised.value)


        def test_swallows():
            try:
                http.client.HTTPSConnection("omics.us-west-2.amazonaws.com").request("GET", "/")
            except Exception:
                pass


        def test_unrelated():
            pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "--fake-omics-guard")

    # Each test that went on after a refusal fails at its teardown, as under a fake; the
    # unrelated one is untouched.
    result.assert_outcomes(passed=3, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_raises*",
            "*ERROR at teardown of test_swallows*",
            "*pytest-omics-cache's guard refused 1 omics request(s) made while no fake was active:",
            "*  - a connection to omics.us-west-2.amazonaws.com:443 by http.client",
        ]
    )


class _Server(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"served": "locally"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _plain_get(url: str, stack: str) -> bytes:
    if stack == "http.client":
        parts = urllib3.util.parse_url(url)
        connection = http.client.HTTPConnection(parts.host, parts.port, timeout=5)
        connection.request("GET", parts.request_uri)
        return connection.getresponse().read()
    if stack == "urllib.request":
        with urllib.request.urlopen(url, timeout=5) as answer:
            return bytes(answer.read())
    if stack == "urllib3":
        return bytes(urllib3.PoolManager().request("GET", url, retries=False, timeout=5).data)
    if stack == "httpx":
        return httpx.get(url, timeout=5).content

    async def get() -> bytes:
        async with httpx.AsyncClient(timeout=5) as client:
            return (await client.get(url)).content

    return asyncio.run(get())


PLAIN_STACKS = ["http.client", "urllib.request", "urllib3", "httpx", "httpx-async"]


@pytest.mark.parametrize("stack", PLAIN_STACKS)
def test_other_hosts_and_the_loopback_endpoint_are_untouched(
    fake_omics: FakeOmics, local_server: int, stack: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    cache = fake_omics.add_run_cache(name="local")

    # A host by name that is not HealthOmics (resolved, then connected), and the endpoint.
    assert _plain_get(f"http://localhost:{local_server}/", stack) == b'{"served": "locally"}'
    served = json.loads(_plain_get(f"{fake_omics.endpoint_url}/runCache/{cache['id']}", stack))

    assert served["name"] == "local"
    assert [call.transport for call in fake_omics.get_calls()] == ["endpoint"]


def test_the_session_guard_leaves_other_hosts_alone(
    pytester: pytest.Pytester, local_server: int
) -> None:
    pytester.makepyfile(
        f"""
        import httpx
        import urllib3


        def test_local():
            url = "http://localhost:{local_server}/"
            assert urllib3.PoolManager().request("GET", url).data == b'{{"served": "locally"}}'
            assert httpx.get(url).content == b'{{"served": "locally"}}'
        """
    )
    pytester.runpytest("-p", "no:randomly", "--fake-omics-guard").assert_outcomes(passed=1)


def _through_a_proxy(scheme: str, url: str) -> Exception:
    """The refusal of ``url`` fetched through a local proxy for ``scheme``, which the client
    reached and sent nothing."""
    with socket.socket() as proxy:
        proxy.bind(("127.0.0.1", 0))
        proxy.listen(1)
        proxy.settimeout(5)
        address = f"http://127.0.0.1:{proxy.getsockname()[1]}"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({scheme: address}))

        error = _refused(lambda: opener.open(url, timeout=5))
        accepted, _ = proxy.accept()  # the client did connect to the proxy...
        with accepted:
            accepted.settimeout(1)
            assert accepted.recv(1024) == b""  # ...and sent it nothing
    return error


@pytest.mark.fake_omics(assert_all_requests_served=False)
def test_a_proxy_is_never_asked_to_connect_to_healthomics(fake_omics: FakeOmics) -> None:
    error = _through_a_proxy("https", "https://omics.us-east-1.amazonaws.com/")

    assert "refused a connection to omics.us-east-1.amazonaws.com:443" in str(error)
    assert fake_omics.get_call().params["by"] == "http.client (via urllib.request)"


def _socket_state() -> tuple[dict[str, object], dict[str, object]]:
    return dict(vars(socket)), dict(vars(socket.socket))


def _same(before: Any, after: Any) -> bool:
    return all(
        set(b) == set(a) and all(b[k] is a[k] for k in b)
        for b, a in zip(before, after, strict=True)
    )


OTHERS: dict[str, Callable[[], Any]] = {
    "moto": moto.mock_aws,
    "responses": responses.RequestsMock,
    "freezegun": lambda: freezegun.freeze_time("2031-01-02"),
    "time-machine": lambda: time_machine.travel("2031-01-02", tick=False),
}


@pytest.mark.parametrize(
    "stop_ours_first", [True, False], ids=["ours-stops-first", "theirs-stops-first"]
)
@pytest.mark.parametrize(
    "start_ours_first", [True, False], ids=["ours-starts-first", "theirs-starts-first"]
)
@pytest.mark.parametrize("other", list(OTHERS))
def test_the_socket_module_is_exactly_restored_in_any_order(
    other: str, start_ours_first: bool, stop_ours_first: bool
) -> None:
    before = _socket_state()
    ours, theirs = mock_omics(assert_all_requests_served=False), OTHERS[other]()
    starts = [ours, theirs] if start_ours_first else [theirs, ours]
    for thing in starts:
        thing.start()
    try:
        with pytest.raises(UnservedRequestError):
            socket.getaddrinfo("omics.us-east-1.amazonaws.com", 443)
        assert _same(before, _socket_state())  # lookups are watched, nothing replaced
        socket.socket().close()  # the first socket made: connect and sends get wrapped
        assert not _same(before, _socket_state())
    finally:
        for thing in [ours, theirs] if stop_ours_first else [theirs, ours]:
            thing.stop()

    assert _same(before, _socket_state())
    with pytest.raises(network_guard.NetworkBlocked):  # the suite's own guard is back in charge
        socket.getaddrinfo("omics.us-east-1.amazonaws.com", 443)


def test_a_process_without_other_patches_gets_its_inherited_methods_back(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import socket

        from pytest_omics_cache import mock_omics


        def test_restored():
            before = dict(vars(socket))
            wrapped = {"connect", "send", "sendall"}
            assert not wrapped & set(vars(socket.socket))
            with mock_omics():
                # Lookups (and connect_ex) are watched by an audit hook; connect and sends are
                # wrapped from the first socket made while the fake is active.
                assert not wrapped & set(vars(socket.socket))
                socket.socket().close()
                assert wrapped <= set(vars(socket.socket))
                assert all(vars(socket)[name] is value for name, value in before.items())
            assert not wrapped & set(vars(socket.socket))
            assert dict(vars(socket)) == before
        """
    )
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=1)


_CHILD = """
import json, sys

import boto3
from botocore.config import Config

# Host prefixes off for botocore releases that do not read AWS_DISABLE_HOST_PREFIX_INJECTION.
client = boto3.client("omics", config=Config(inject_host_prefix=False))
print(json.dumps(client.get_run_cache(id=sys.argv[1])["name"]))
"""


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL_OMICS", "AWS_ENDPOINT_URL"])
def test_a_child_started_with_subprocess_env_is_served_through_either_variable(
    fake_omics: FakeOmics, variable: str
) -> None:
    import subprocess
    import sys

    cache = fake_omics.add_run_cache(name="for-the-child")
    env = fake_omics.subprocess_env()  # the default base: this process's environment
    (other,) = {"AWS_ENDPOINT_URL_OMICS", "AWS_ENDPOINT_URL"} - {variable}
    del env[other]

    result = subprocess.run(
        [sys.executable, "-c", _CHILD, cache["id"]],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert (result.returncode, result.stdout) == (0, '"for-the-child"\n'), result.stderr
    assert [(call.operation, call.transport) for call in fake_omics.get_calls()] == [
        ("GetRunCache", "endpoint")
    ]


@pytest.mark.fake_omics(assert_all_requests_served=False)
@pytest.mark.parametrize(
    ("host", "named"),
    [
        (b"omics.us-east-1.amazonaws.com", "omics.us-east-1.amazonaws.com"),
        ("OMICS.US-EAST-1.AMAZONAWS.COM.", "OMICS.US-EAST-1.AMAZONAWS.COM."),
        ("workflows-omics-fips.us-east-1.api.aws", "workflows-omics-fips.us-east-1.api.aws"),
    ],
    ids=["bytes", "upper-case-trailing-dot", "fips-dual-stack"],
)
def test_every_spelling_of_a_host_is_refused(
    fake_omics: FakeOmics, attempts: list[object], host: str | bytes, named: str
) -> None:
    error = _refused(lambda: socket.getaddrinfo(host, "443"))

    assert f"refused a connection to {named}:443, a HealthOmics host" in str(error)
    assert fake_omics.get_call().params == {"host": named, "port": 443, "by": "test_socket_guard"}
    assert attempts == []


def test_the_session_guard_in_this_process_refuses_and_is_taken_out_exactly() -> None:
    from pytest_omics_cache._transports import guard as _guard

    before = _socket_state()
    uninstall = _guard.install()
    try:
        with socket.socket() as sock:  # the guard's connect wrapper, with a host name
            error = _refused(lambda: sock.connect(("omics.eu-west-2.amazonaws.com", 443)))
        refused = _guard.take_refused()
    finally:
        uninstall()

    assert "made by test_socket_guard while no fake was active, outside any test" in str(error)
    assert str(error).endswith("(the guard: --fake-omics-guard / fake_omics_guard = true)")
    assert refused == ["a connection to omics.eu-west-2.amazonaws.com:443 by test_socket_guard"]
    assert _same(before, _socket_state())
    with pytest.raises(network_guard.NetworkBlocked):  # inert again
        socket.getaddrinfo("omics.eu-west-2.amazonaws.com", 443)


@pytest.mark.fake_omics(assert_all_requests_served=False)
def test_a_plain_http_proxy_is_never_asked_to_fetch_from_healthomics(fake_omics: FakeOmics) -> None:
    error = _through_a_proxy("http", "http://omics.us-east-1.amazonaws.com/x")

    assert "refused a connection to omics.us-east-1.amazonaws.com:80" in str(error)


@pytest.mark.fake_omics(assert_all_requests_served=False)
def test_a_host_spelt_with_other_idna_dots_is_refused(
    fake_omics: FakeOmics, attempts: list[object]
) -> None:
    host = "omics\u3002us-east-1\uff0eamazonaws\uff61com"

    error = _refused(lambda: socket.getaddrinfo(host, 443))

    assert f"refused a connection to {host}:443" in str(error)
    assert attempts == []


def test_a_socket_made_while_a_fake_stops_neither_fails_nor_stops_later_fakes_wrapping() -> None:
    from pytest_omics_cache._transports import activation as _activation
    from pytest_omics_cache._transports import socket_guard as _socket_guard

    before = _socket_state()
    with mock_omics():
        activation = _activation.current()
    assert activation is not None
    # As a thread that made a socket just as the fake stopped: the late hook is a no-op.
    activation._hook_late(_socket_guard.patches, once="socket")
    assert _same(before, _socket_state())

    with mock_omics():
        socket.socket().close()
        socket.socket().close()  # applied once per fake, not once per socket
        wrapped = vars(socket.socket)["sendall"]
        assert wrapped.__qualname__ == "_wrappers.<locals>.guarded_sendall"
        assert wrapped.__closure__ is not None
        inner = [cell.cell_contents for cell in wrapped.__closure__]
        assert all(
            getattr(f, "__qualname__", "") != "_wrappers.<locals>.guarded_sendall" for f in inner
        )
    assert _same(before, _socket_state())


def test_a_guard_inside_a_guard_leaves_the_outer_one_refusing() -> None:
    from pytest_omics_cache._transports import guard as _guard

    outer = _guard.install()
    try:
        inner = _guard.install()
        inner()
        error = _refused(lambda: socket.getaddrinfo("omics.us-west-2.amazonaws.com", 443))
        _guard.take_refused()
    finally:
        outer()

    assert "while no fake was active" in str(error)


def test_a_refusal_under_the_session_guard_can_be_intended(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import http.client

        import pytest

        from pytest_omics_cache import UnservedRequestError


        @pytest.mark.fake_omics(assert_all_requests_served=False)
        def test_expects_the_refusal():
            with pytest.raises(UnservedRequestError):
                http.client.HTTPSConnection("omics.us-west-2.amazonaws.com").request("GET", "/")
        """
    )
    pytester.runpytest("-p", "no:randomly", "--fake-omics-guard").assert_outcomes(passed=1)
