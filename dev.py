#!/usr/bin/env python3
"""Developer commands that work on a fresh clone with nothing but python3.

    python3 dev.py examples   # run the example project's test suite
    python3 dev.py test       # run the whole test suite with the coverage gate
    python3 dev.py lint       # ruff (lint + format check) and mypy --strict
    python3 dev.py bench      # the benchmarks in bench/ (not part of the tests)

Each creates (or reuses) the virtualenv .venv and installs the project with its dev extras
whenever pyproject.toml changed since the last install.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed-pyproject-sha256"
COVERAGE_FLOOR = "95"


def _ensure_venv() -> None:
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("installing the project and its dev extras into .venv", flush=True)
    _run(str(BIN / "python"), "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _run(str(BIN / "python"), "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(wanted)


def _test_environment() -> dict[str, str]:
    """No AWS credentials, config or instance-metadata lookups may reach the tests."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    return env


def _run(*command: str, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        sys.exit(result.returncode)


def examples(extra: list[str]) -> None:
    _run(str(BIN / "pytest"), "examples", *extra, env=_test_environment())


def test(extra: list[str]) -> None:
    env = _test_environment()
    _run(str(BIN / "coverage"), "erase")
    _run(str(BIN / "coverage"), "run", "-m", "pytest", *extra, env=env)
    _run(str(BIN / "coverage"), "report", f"--fail-under={COVERAGE_FLOOR}")


def lint(extra: list[str]) -> None:
    _run(str(BIN / "ruff"), "check", ".")
    _run(str(BIN / "ruff"), "format", "--check", ".")
    _run(str(BIN / "mypy"))


def bench(extra: list[str]) -> None:
    _run(str(BIN / "python"), "bench/run.py", *extra, env=_test_environment())


COMMANDS = {"examples": examples, "test": test, "lint": lint, "bench": bench}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(COMMANDS)}}} [pytest arguments]")
    _ensure_venv()
    COMMANDS[sys.argv[1]](sys.argv[2:])
