"""Whole pytest runs in subprocesses: the plugin's cost to suites that never use it, and a suite
that uses it against the same suite written with botocore's Stubber."""

from __future__ import annotations

import contextlib
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

# Plugins of this project's dev environment that a user's suite would not have.
_QUIET = ["-p", "no:randomly", "-p", "no:xdist", "-p", "no:hypothesispytest", "-p", "no:asyncio"]
_QUIET += ["-p", "no:cacheprovider", "-q"]


def _environment() -> dict[str, str]:
    # As on a user's machine: bytecode caching on (this sandbox turns it off globally, which
    # would make every run recompile every module, pytest's included).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "PYTEST_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    return env


def _run(directory: Path, *arguments: str) -> float:
    """CPU seconds (user + system) of one pytest run: steadier than wall time on a shared VM."""
    return _timed_run(directory, *arguments)[0]


def _timed_run(directory: Path, *arguments: str) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one pytest run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *_QUIET, *arguments],
        cwd=directory,
        env=_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    elapsed = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode != 0:
        raise RuntimeError(f"bench suite failed:\n{result.stdout}\n{result.stderr}")
    return elapsed, wall


def _instructions(directory: Path, *arguments: str) -> int | None:
    """Instructions executed by one pytest run, counted by valgrind (None without valgrind).

    Unlike time, the count is the same run after run, so a 1 % difference is measurable: with
    a fixed hash seed, without which string hashing alone moves a run's count by 1-2 M.
    """
    if shutil.which("valgrind") is None:
        return None
    with tempfile.TemporaryDirectory() as out:
        result = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}/callgrind.out",
                sys.executable,
                "-m",
                "pytest",
                *_QUIET,
                *arguments,
            ],
            cwd=directory,
            env={**_environment(), "PYTHONHASHSEED": "0"},
            capture_output=True,
            text=True,
            check=False,
        )
    counted = re.search(r"Collected : (\d+)", result.stderr)
    return int(counted.group(1)) if counted else None


#: A suite that never uses the plugin: 50 trivial tests.
_PLAIN_SUITE = "\n".join(f"def test_{i}():\n    assert {i} == {i}\n" for i in range(50))


@contextlib.contextmanager
def _fixed_folder(name: str) -> Iterator[Path]:
    """An empty folder at a path that is the same in every run, removed after.

    Instruction counts need it: with a fixed hash seed a run's count repeats to within a few
    instructions in the same folder, while the random name of a fresh temporary one moves it
    by up to 1 M (path strings are hashed and compared all through a pytest run).
    """
    directory = Path(tempfile.gettempdir()) / f"pytest-omics-cache-bench-{name}"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir()
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def unused_instructions() -> tuple[int, int] | None:
    """(instructions with the plugin, without it) for the unused-suite run, if valgrind is here.
    At a fixed path: a random one would move the count by up to a fifth of the plugin's share."""
    with _fixed_folder("unused") as directory:
        (directory / "test_plain.py").write_text(_PLAIN_SUITE)
        _run(directory, "-p", "no:no_such_plugin")  # writes the bytecode caches first
        _run(directory, "-p", "no:omics_cache")
        with_plugin = _instructions(directory, "-p", "no:no_such_plugin")
        without = _instructions(directory, "-p", "no:omics_cache")
    if with_plugin is None or without is None:
        return None
    return with_plugin, without


def unused_cost_ms(runs: int) -> tuple[float, float, float]:
    """(median CPU ms with the plugin, without it, difference) for a suite that never uses it."""
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        (directory / "test_plain.py").write_text(_PLAIN_SUITE)
        with_plugin, without = [], []
        for _ in range(runs):
            # The same number of arguments on both sides; only the blocked name differs.
            with_plugin.append(_run(directory, "-p", "no:no_such_plugin"))
            without.append(_run(directory, "-p", "no:omics_cache"))
    a, b = statistics.median(with_plugin) * 1000, statistics.median(without) * 1000
    return a, b, a - b


_FAKE_SUITE = """
import boto3
import pytest

CLIENT = boto3.client("omics", region_name="us-east-1")


@pytest.mark.parametrize("n", range({tests}))
def test_reads_twice(fake_omics, n):
    cache = fake_omics.add_run_cache(name="c")
    assert CLIENT.get_run_cache(id=cache["id"])["name"] == "c"
    assert CLIENT.get_run_cache(id=cache["id"])["status"] == "ACTIVE"
"""

_STUBBER_SUITE = """
import datetime

import boto3
import pytest
from botocore.stub import Stubber

CLIENT = boto3.client("omics", region_name="us-east-1")
CACHE = {{
    "arn": "arn:aws:omics:us-east-1:123456789012:runCache/1234567",
    "cacheBehavior": "CACHE_ON_FAILURE",
    "cacheS3Uri": "s3://bucket/1234567/",
    "creationTime": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
    "id": "1234567",
    "name": "c",
    "status": "ACTIVE",
    "tags": {{}},
}}


@pytest.fixture
def stubber():
    with Stubber(CLIENT) as stub:
        yield stub
        stub.assert_no_pending_responses()


@pytest.mark.parametrize("n", range({tests}))
def test_reads_twice(stubber, n):
    stubber.add_response("get_run_cache", CACHE, {{"id": "1234567"}})
    stubber.add_response("get_run_cache", CACHE, {{"id": "1234567"}})
    assert CLIENT.get_run_cache(id="1234567")["name"] == "c"
    assert CLIENT.get_run_cache(id="1234567")["status"] == "ACTIVE"
"""


# The floor: the same two reads answered by a bare before-send handler with canned bytes, i.e.
# botocore's full wire path (real signing included) with no service behind it. What Stubber
# skips, this pays too. Its fixture is the trivial equivalent of fake_omics: it puts the canned
# answer in place for the test and takes it away after.
_FLOOR_SUITE = """
import boto3
import pytest
from botocore.awsrequest import AWSResponse

CLIENT = boto3.client("omics", region_name="us-east-1", aws_access_key_id="A",
                      aws_secret_access_key="S")
BODY = (b'{{"arn":"arn:aws:omics:us-east-1:123456789012:runCache/1234567",'
        b'"cacheBehavior":"CACHE_ON_FAILURE","cacheS3Uri":"s3://bucket/1234567/",'
        b'"creationTime":"2026-01-01T00:00:00.000000Z","id":"1234567","name":"c",'
        b'"status":"ACTIVE","tags":{{}}}}')


class Raw:
    def stream(self, **_):
        yield BODY


def canned(request, **_):
    return AWSResponse(request.url, 200, {{"Content-Type": "application/json"}}, Raw())


@pytest.fixture
def floor():
    CLIENT.meta.events.register("before-send.omics.GetRunCache", canned)
    yield
    CLIENT.meta.events.unregister("before-send.omics.GetRunCache", canned)


@pytest.mark.parametrize("n", range({tests}))
def test_reads_twice(floor, n):
    assert CLIENT.get_run_cache(id="1234567")["name"] == "c"
    assert CLIENT.get_run_cache(id="1234567")["status"] == "ACTIVE"
"""


def suite_instructions(small: int = 100, large: int = 400) -> dict[str, tuple[float, float]] | None:
    """(instructions per test, instructions once per run) of the fake_omics and floor suites,
    from valgrind counts of a ``small`` and a ``large`` one (None without valgrind).

    The wall-time figure moves by several points from run to run on a shared machine; a count
    does not, so this says which suite costs more and where: per test, or once per run.
    """
    suites = {"fake_omics": _FAKE_SUITE, "floor": _FLOOR_SUITE}
    counts: dict[str, list[int]] = {name: [] for name in suites}
    for tests in (small, large):
        for name, source in suites.items():
            with _fixed_folder(f"{name}-{tests}") as directory:
                (directory / f"test_{name}.py").write_text(
                    textwrap.dedent(source.format(tests=tests))
                )
                _run(directory)  # writes the bytecode caches first
                counted = _instructions(directory)
            if counted is None:
                return None
            counts[name].append(counted)
    result = {}
    for name, (few, many) in counts.items():
        per_test = (many - few) / (large - small)
        result[name] = (per_test, few - small * per_test)
    return result


def suite_times(tests: int, runs: int) -> dict[str, tuple[float, float]]:
    """(median CPU seconds, minimum wall seconds) of `tests` tests of two reads each, with
    fake_omics, with Stubber and on botocore's floor (bare before-send answers), in rounds that
    alternate the three, each in turn first, second and last."""
    suites = {"fake_omics": _FAKE_SUITE, "Stubber": _STUBBER_SUITE, "floor": _FLOOR_SUITE}
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        for name, source in suites.items():
            (directory / name).mkdir()
            (directory / name / f"test_{name}.py").write_text(
                textwrap.dedent(source.format(tests=tests))
            )
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in suites}
        names = list(suites)
        for round_ in range(runs):
            # Each suite takes each place in the order in turn: a run's neighbours move it.
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                times[name].append(_timed_run(directory / name))
    return {
        name: (statistics.median(cpu for cpu, _ in values), min(wall for _, wall in values))
        for name, values in times.items()
    }
