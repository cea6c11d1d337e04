"""Per-request cost over the loopback endpoint, against the in-process path.

A child Python process with its own boto3 client calls GetRunCache through the fake's endpoint,
one round of calls each time the parent asks; between its rounds the parent makes the same call
in-process. Each side's figure is the minimum over the rounds. The child signs with botocore's
real signer (nothing of the fake runs in it), and its requests cross a socket to the parent,
whose server thread answers them from the same service.

    python3 bench/endpoint.py [rounds] [calls]
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import omics_client, per_call_us

from pytest_omics_cache import mock_omics

_CHILD = """
import sys, time
import boto3, botocore.config

cache_id, calls = sys.argv[1], int(sys.argv[2])
client = boto3.client("omics", config=botocore.config.Config(retries={"total_max_attempts": 1}))
for _ in range(20):
    client.get_run_cache(id=cache_id)
print("ready", flush=True)
for _ in sys.stdin:
    start = time.perf_counter_ns()
    for _ in range(calls):
        client.get_run_cache(id=cache_id)
    print((time.perf_counter_ns() - start) / calls / 1000, flush=True)
"""


def measure(rounds: int, calls: int) -> tuple[float, float]:
    """(µs per GetRunCache over the endpoint from a child process, µs in-process)."""
    with mock_omics() as fake:
        cache_id = fake.add_run_cache()["id"]
        client = omics_client()
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, cache_id, str(calls)],
            env=fake.subprocess_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdin is not None
        assert child.stdout is not None
        try:
            assert child.stdout.readline().strip() == "ready"
            for _ in range(20):
                client.get_run_cache(id=cache_id)
            over_socket, in_process = [], []
            for _ in range(rounds):
                child.stdin.write("go\n")
                child.stdin.flush()
                over_socket.append(float(child.stdout.readline()))
                in_process.append(per_call_us(lambda: client.get_run_cache(id=cache_id), calls))
        finally:
            child.stdin.close()
            child.wait(timeout=60)
    return min(over_socket), min(in_process)


if __name__ == "__main__":
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 21
    calls = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    socket_us, process_us = measure(rounds, calls)
    print(
        f"GetRunCache over the endpoint from a child process: {socket_us:.0f} µs; in-process:"
        f" {process_us:.0f} µs; {socket_us / process_us:.2f}x"
    )
