"""Per-call cost of each served operation, against botocore's own floor.

The floor is the same client call answered by a bare ``before-send`` handler returning canned
bytes (the fake's own answer, captured once): everything botocore does, signing with its real
SigV4 signer included, no service behind it. The fake signs omics requests with a fixed
signature by default (``real_signatures=False``); it is measured that way and with botocore's
real signer. Each side has a client of its own.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import botocore.session
from _timing import omics_client, per_call_us
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

from pytest_omics_cache import FakeOmics


class _Canned:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: object) -> Iterator[bytes]:
        yield self._body


_client = omics_client


def _with_floor(
    client: Any, operation: str, status: int, headers: dict[str, str], body: bytes
) -> None:
    def canned(request: Any, **_: object) -> AWSResponse:
        return AWSResponse(request.url, status, headers, _Canned(body))

    client.meta.events.register(f"before-send.omics.{operation}", canned)


Answer = tuple[int, dict[str, str], bytes]


def _capture(client: Any, operation: str) -> list[Answer]:
    """Keeps each raw HTTP answer the client receives (status, headers, body)."""
    seen: list[Answer] = []

    def keep(response: Any = None, **_: object) -> None:
        if response is not None and response[0] is not None:
            http = response[0]
            seen.append((http.status_code, dict(http.headers), http.content))

    client.meta.events.register(f"needs-retry.omics.{operation}", keep, unique_id="bench-capture")
    return seen


Case = tuple[str, Callable[[Any], object]]


def cases(fake: FakeOmics, calls: int) -> dict[str, Case]:
    """name -> (operation, call on a client), seeding ``fake`` with what ``calls`` calls of
    each need."""
    cache = fake.add_run_cache(id="1000001", name="bench", tags={"k": "v"})
    for _ in range(10):
        fake.add_run_cache()
    deletable = iter([fake.add_run_cache()["id"] for _ in range(calls + 100)])
    injected = fake.add_error(
        "AccessDeniedException", operation="GetRunCache", id="403", times=None
    )
    assert injected.times is None
    fake.add_response(
        "GetSequenceStore",
        {
            "arn": "arn:aws:omics:us-east-1:123456789012:sequenceStore/1234567890",
            "id": "1234567890",
            "name": "bench",
            "creationTime": "2026-01-02T03:04:05Z",
        },
        times=None,
    )
    workflow = fake.add_workflow(
        id="1234",
        name="bench",
        parameterTemplate={"reads": {"optional": False}, "sample": {"optional": True}},
        tags={"k": "v"},
    )
    group = fake.add_run_group(maxCpus=256)
    run = fake.add_run(workflowId="1234", cacheId=cache["id"], outputUri="s3://bench/out/")
    return {
        "GetRunCache": ("GetRunCache", lambda c: c.get_run_cache(id=cache["id"])),
        "CreateRunCache": (
            "CreateRunCache",
            lambda c: c.create_run_cache(cacheS3Location="s3://bench-bucket/c"),
        ),
        "ListRunCaches": ("ListRunCaches", lambda c: c.list_run_caches(maxResults=10)),
        "UpdateRunCache": (
            "UpdateRunCache",
            lambda c: c.update_run_cache(id=cache["id"], cacheBehavior="CACHE_ALWAYS"),
        ),
        "DeleteRunCache": ("DeleteRunCache", lambda c: c.delete_run_cache(id=next(deletable))),
        "ListTagsForResource": (
            "ListTagsForResource",
            lambda c: c.list_tags_for_resource(resourceArn=cache["arn"]),
        ),
        "GetSequenceStore (add_response)": (
            "GetSequenceStore",
            lambda c: c.get_sequence_store(id="1234567890"),
        ),
        "GetWorkflow": ("GetWorkflow", lambda c: c.get_workflow(id=workflow["id"])),
        "StartRun": (
            "StartRun",
            lambda c: c.start_run(
                workflowId=workflow["id"],
                roleArn="arn:aws:iam::123456789012:role/bench",
                outputUri="s3://bench/out/",
                cacheId=cache["id"],
                runGroupId=group["id"],
                parameters={"reads": "s3://bench/reads.bam"},
            ),
        ),
        "GetRun": ("GetRun", lambda c: c.get_run(id=run["id"])),
        "injected AccessDenied": (
            "GetRunCache",
            lambda c: _swallow(c, lambda: c.get_run_cache(id="403")),
        ),
    }


class Row(NamedTuple):
    """One operation's wall time per call: the minimum of each kind over interleaved rounds."""

    name: str
    floor_us: float
    fake_us: float
    real_signing_us: float

    @property
    def ratio(self) -> float:
        return self.fake_us / self.floor_us

    @property
    def real_signing_ratio(self) -> float:
        return self.real_signing_us / self.floor_us


def measure(rounds: int, calls: int, only: str = "") -> list[Row]:
    """Per operation: floor, fake and fake with real signatures, in rounds that interleave the
    three in one process; the minimum per kind (the run least disturbed by the machine)."""
    fake = FakeOmics(max_run_caches=10**9)
    rows = []
    for name, (operation, call) in cases(fake, 3 * (rounds + 2) * calls).items():
        if only and name != only:
            continue
        client, floor_client = pair(fake, operation, call)

        def floor_side(floor_client: Any = floor_client, call: Any = call) -> float:
            return per_call_us(lambda: call(floor_client), calls)

        def fake_side(real: bool, client: Any = client, call: Any = call) -> float:
            with fake._activated(), signing(fake, real=real):
                return per_call_us(lambda: call(client), calls)

        kinds: dict[str, list[float]] = {"floor": [], "fake": [], "real": []}
        for _ in range(rounds):
            kinds["floor"].append(floor_side())
            kinds["fake"].append(fake_side(False))
            kinds["real"].append(fake_side(True))
        rows.append(Row(name, min(kinds["floor"]), min(kinds["fake"]), min(kinds["real"])))
    return rows


@contextlib.contextmanager
def signing(fake: FakeOmics, *, real: bool) -> Iterator[None]:
    """While active, ``fake`` signs with botocore's real signer (``real``) or the fixed one,
    whatever it was built with (so one seeded fake serves both sides)."""
    service = fake._service
    assert service is not None, "activate the fake first"
    before = service.options
    service.options = dataclasses.replace(before, real_signatures=real)
    try:
        yield
    finally:
        service.options = before


def pair(fake: FakeOmics, operation: str, call: Callable[[Any], object]) -> tuple[Any, Any]:
    """(client served by the fake, client answered by the floor), both warmed up. The floor
    answers with the bytes the fake sent for the same call."""
    client = _client()
    seen = _capture(client, operation)
    with fake._activated():
        call(client)
    # Measured without the capture handler: it would cost the fake's side alone.
    client.meta.events.unregister(f"needs-retry.omics.{operation}", unique_id="bench-capture")
    status, headers, body = seen[-1]
    floor_client = _client()
    _with_floor(floor_client, operation, status, headers, body)
    for _ in range(20):  # warm both
        call(floor_client)
        with fake._activated():
            call(client)
    return client, floor_client


def _swallow(client: Any, call: Callable[[], object]) -> None:
    with contextlib.suppress(client.exceptions.AccessDeniedException):
        call()


def comparisons(rounds: int, calls: int) -> list[tuple[str, float]]:
    """µs per call of GetRunCache answered by the fake, by botocore's Stubber, and of a
    comparable rest-json GET answered by moto (Lambda ListFunctions)."""
    fake = FakeOmics()
    cache = fake.add_run_cache(name="bench")
    served = _client()
    stubbed = _client()
    stubber = Stubber(stubbed)
    response = dict(cache)

    def fake_side() -> float:
        with fake._activated():
            return per_call_us(lambda: served.get_run_cache(id=cache["id"]), calls)

    def stubber_side() -> float:
        for _ in range(calls):
            stubber.add_response("get_run_cache", response, {"id": cache["id"]})
        with stubber:
            return per_call_us(lambda: stubbed.get_run_cache(id=cache["id"]), calls)

    results = [("fake GetRunCache", fake_side), ("Stubber GetRunCache", stubber_side)]
    try:
        from moto import mock_aws
    except ImportError:  # moto is an optional bench dependency
        mock_aws = None
    if mock_aws is not None:
        lambda_client = botocore.session.get_session().create_client(
            "lambda", region_name="us-east-1", aws_access_key_id="AK", aws_secret_access_key="SK"
        )

        def moto_side() -> float:
            with mock_aws():
                return per_call_us(lambda: lambda_client.list_functions(), calls)

        results.append(("moto Lambda ListFunctions (rest-json GET)", moto_side))
    for _, side in results:
        side()  # warm
    measured: dict[str, list[float]] = {name: [] for name, _ in results}
    for _ in range(rounds):
        for name, side in results:
            measured[name].append(side())
    return [(name, sorted(values)[len(values) // 2]) for name, values in measured.items()]
