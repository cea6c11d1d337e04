#!/usr/bin/env python3
"""Developer commands that work on a fresh clone with nothing but python3.

    python3 dev.py examples   # run the example project's test suite
    python3 dev.py test       # run the whole test suite with the coverage gate
    python3 dev.py lint       # ruff (lint + format check), mypy --strict, import-linter
    python3 dev.py fresh      # the README's install line and quick start in a new virtualenv
    python3 dev.py parallel   # the whole suite again: two xdist workers, random order
    python3 dev.py compat     # the suite on the oldest and the newest botocore
    python3 dev.py versions   # the suite on every other Python version the package claims
    python3 dev.py bench      # the benchmarks in bench/ (not part of the tests)
    python3 dev.py docs       # the docs site into docs/_build/html, warnings as errors
    python3 dev.py mutate [--sample N]  # mutation testing of the behaviour modules (not CI)

Each creates (or reuses) its virtualenv and installs what it needs whenever pyproject.toml
changed since the last install: .venv (everything, aiobotocore included, which pins botocore),
.venv-oldest and .venv-newest (the test extras on the oldest / newest botocore), .venv-awscli
(the AWS CLI the endpoint tests run as a child process). ``fresh`` also makes a throwaway one in
a temporary directory, installing from the package index as a user would (about 20 seconds).
"""

from __future__ import annotations

import collections
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
COVERAGE_FLOOR = "95"
#: The first botocore release whose omics model has the run-cache operations (2024-11-20).
OLDEST_BOTOCORE = "1.35.66"


def _venv(name: str, *requirements: str, python: str | None = None) -> Path:
    """The bin directory of virtualenv ``name`` (of ``python``, else this interpreter), with
    ``requirements`` installed."""
    path = ROOT / name
    bin_dir = path / ("Scripts" if os.name == "nt" else "bin")
    stamp = path / ".installed"
    wanted = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + " ".join(requirements).encode()
    ).hexdigest()
    if not (bin_dir / "python").exists():
        print(f"creating {name}", flush=True)
        if python is None:
            venv.EnvBuilder(with_pip=True).create(path)
        else:
            _run(python, "-m", "venv", str(path))
    if not (stamp.exists() and stamp.read_text() == wanted):
        print(f"installing into {name}: {' '.join(requirements)}", flush=True)
        pip = [str(bin_dir / "python"), "-m", "pip", "install", "--quiet"]
        _run(*pip, "--upgrade", "pip")
        _run(*pip, *requirements)
        stamp.write_text(wanted)
    return bin_dir


def _dev() -> Path:
    return _venv(".venv", "-e", ".[dev]")


#: The AWS CLI the endpoint tests run as a child process. It gets a virtualenv of its own, as a
#: user's `aws` would: awscli pins one exact botocore, which the test environments' own pins
#: (aiobotocore's, the oldest and newest botocore) would fight.
AWS_CLI = "awscli"


def _aws_cli() -> str:
    return str(_venv(".venv-awscli", AWS_CLI) / "aws")


def _test_environment(*, aws_cli: bool = True) -> dict[str, str]:
    """No AWS credentials, config or instance-metadata lookups may reach the tests. With
    ``aws_cli``, the tests that run the AWS CLI find it (and fail rather than skip without it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    if aws_cli:
        env["PYTEST_OMICS_CACHE_AWS_CLI"] = _aws_cli()
    return env


def _run(*command: str, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        sys.exit(result.returncode)


def examples(extra: list[str]) -> None:
    _run(str(_dev() / "pytest"), "examples", *extra, env=_test_environment(aws_cli=False))


def test(extra: list[str]) -> None:
    bin_dir = _dev()
    env = _test_environment()
    _run(str(bin_dir / "coverage"), "erase")
    _run(str(bin_dir / "coverage"), "run", "-m", "pytest", *extra, env=env)
    _run(str(bin_dir / "coverage"), "report", f"--fail-under={COVERAGE_FLOOR}")


def parallel(extra: list[str]) -> None:
    # pytest-randomly (installed) shuffles the order; -p makes both plugins explicit.
    _run(
        str(_dev() / "pytest"),
        "-p",
        "xdist",
        "-n",
        "2",
        "-p",
        "randomly",
        "-q",
        *extra,
        env=_test_environment(),
    )


def compat(extra: list[str]) -> None:
    for name, pins in (
        (".venv-oldest", [f"botocore=={OLDEST_BOTOCORE}", f"boto3=={OLDEST_BOTOCORE}"]),
        (".venv-newest", ["--upgrade", "botocore", "boto3"]),
    ):
        bin_dir = _venv(name, "-e", ".[test]", *pins)
        _run(
            str(bin_dir / "python"),
            "-c",
            "import botocore; print('botocore', botocore.__version__)",
        )
        _run(str(bin_dir / "pytest"), "-q", "-p", "no:randomly", *extra, env=_test_environment())


#: Every Python version pyproject.toml's requires-python claims, besides the one running this
#: (3.11): each is tested, or it is not claimed.
OTHER_PYTHONS = ("3.10", "3.12", "3.13")


def _interpreter(version: str) -> str:
    """A python{version} executable: on PATH (not a pyenv shim), or pyenv's own build."""
    found = shutil.which(f"python{version}")
    if found and "/shims/" not in found:
        return found
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    for candidate in sorted(pyenv.glob(f"versions/{version}.*/bin/python{version}"), reverse=True):
        return str(candidate)
    sys.exit(f"python{version} is not installed, and pyproject.toml claims it: install it")


def versions(extra: list[str]) -> None:
    for version in OTHER_PYTHONS:
        name = f".venv-py{version.replace('.', '')}"
        bin_dir = _venv(name, "-e", ".[test]", python=_interpreter(version))
        _run(str(bin_dir / "python"), "--version")
        _run(str(bin_dir / "pytest"), "-q", "-p", "no:randomly", *extra, env=_test_environment())


def fresh(extra: list[str]) -> None:
    """tests/test_fresh_install.py, which only runs when asked: a new virtualenv, the README's
    install line run as it stands, then its quick start offline (a dead proxy, a missing
    profile, no credentials, no AWS_EC2_METADATA_DISABLED) under a socket recorder."""
    env = {**_test_environment(aws_cli=False), "PYTEST_OMICS_CACHE_FRESH_INSTALL": "1"}
    _run(
        str(_dev() / "python"),
        *("-m", "pytest", "-q", "-p", "no:randomly", "tests/test_fresh_install.py"),
        *extra,
        env=env,
    )


def lint(extra: list[str]) -> None:
    bin_dir = _dev()
    _run(str(bin_dir / "ruff"), "check", ".")
    _run(str(bin_dir / "ruff"), "format", "--check", ".")
    _run(str(bin_dir / "mypy"))
    # The layers and the resource folders' independence (pyproject's [tool.importlinter]).
    _run(str(bin_dir / "lint-imports"), "--no-cache")


def docs(extra: list[str]) -> None:
    """The docs site into docs/_build/html, warnings (broken references included) as errors."""
    bin_dir = _dev()
    out = ROOT / "docs" / "_build" / "html"
    _run(
        str(bin_dir / "sphinx-build"),
        "-W", "--keep-going", "-n", "-q", "-E", "-b", "html", "docs", str(out), *extra,
    )  # fmt: skip
    print(f"docs: {out / 'index.html'}")


def mutate(extra: list[str]) -> None:
    """mutmut over the modules of [tool.mutmut] in pyproject.toml, and the score.

    ``mutate`` runs every mutant (about 45 minutes on two cores); ``mutate --sample N`` runs N
    of them, drawn with a fixed seed so that two runs of one commit test the same mutants
    (about N / 0.6 seconds). Then ``.venv/bin/mutmut results`` lists the survivors and
    ``.venv/bin/mutmut show NAME`` shows one. A habit, not a gate: not part of CI.
    """
    bin_dir = _dev()
    mutmut, env = str(bin_dir / "mutmut"), _test_environment()
    sample = int(extra[extra.index("--sample") + 1]) if "--sample" in extra else None
    if sample is None:
        _run(mutmut, "run", env=env)
        names = None
    else:
        import random

        # mutmut makes every mutant and maps the tests on its first run, but runs only when
        # given a name that matches: this first run tests the call log's few mutants.
        _run(mutmut, "run", "pytest_omics_cache._core.calls.*", env=env)
        every = sorted(_mutant_statuses(mutmut, env))
        names = sorted(random.Random(20261130).sample(every, min(sample, len(every))))
        _run(mutmut, "run", *names, env=env)
    statuses = _mutant_statuses(mutmut, env)
    chosen = statuses if names is None else {name: statuses[name] for name in names}
    counts = collections.Counter(chosen.values())
    tested = len(chosen) - counts["not checked"] - counts["no tests"]
    killed = counts["killed"] + counts["timeout"]
    print(
        f"mutants: {len(chosen)}"
        + (f" (a sample of {len(statuses)})" if names is not None else "")
        + f"; {', '.join(f'{n} {status}' for status, n in sorted(counts.items()))}"
    )
    if tested:
        print(f"score: {killed} / {tested} killed = {100 * killed / tested:.1f} %")
    for name, status in sorted(chosen.items()):
        if status not in ("killed", "timeout"):
            print(f"  {status}: {name}")


def _mutant_statuses(mutmut: str, env: dict[str, str]) -> dict[str, str]:
    """Every mutant's name and status, as ``mutmut results --all true`` prints them."""
    out = subprocess.run(
        [mutmut, "results", "--all", "true"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    statuses = {}
    for line in out.splitlines():
        name, _, status = line.strip().partition(": ")
        if status:
            statuses[name] = status
    return statuses


def bench(extra: list[str]) -> None:
    _run(str(_dev() / "python"), "bench/run.py", *extra, env=_test_environment())


COMMANDS = {
    "examples": examples,
    "test": test,
    "lint": lint,
    "fresh": fresh,
    "parallel": parallel,
    "compat": compat,
    "versions": versions,
    "bench": bench,
    "docs": docs,
    "mutate": mutate,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(COMMANDS)}}} [pytest arguments]")
    COMMANDS[sys.argv[1]](sys.argv[2:])
