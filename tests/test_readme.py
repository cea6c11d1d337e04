"""Every Python snippet of the README runs as written, so none can rot unnoticed."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path
from typing import Any

import botocore
import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
PREAMBLE = "import boto3\nimport pytest\n\n"
_BLOCK = re.compile(r"```python\n(.*?)```", re.S)
_TEST = re.compile(r"^(?:async )?def test_", re.M)


_HAS_AIOBOTOCORE = importlib.util.find_spec("aiobotocore") is not None
#: The AWS CLI dev.py provides (see test_aws_cli.py); the README's CLI snippet runs it as `aws`.
_AWS_CLI = os.environ.get("PYTEST_OMICS_CACHE_AWS_CLI")
#: A child's boto3 honours AWS_DISABLE_HOST_PREFIX_INJECTION from botocore 1.37.5 (README).
_CHILD_NEEDS_NO_CONFIG = tuple(int(p) for p in botocore.__version__.split(".")[:3]) >= (1, 37, 5)


def _snippets(text: str) -> list[str]:
    # The aiobotocore snippet needs the `async` extra, which the oldest/newest botocore and
    # other Pythons' environments do not install; the AWS CLI snippet needs the CLI.
    return [
        b
        for b in _BLOCK.findall(text)
        if not b.startswith("# fragment")
        and (_HAS_AIOBOTOCORE or "aiobotocore" not in b)
        and (_AWS_CLI or '["aws", ' not in b)
        and (_CHILD_NEEDS_NO_CONFIG or "sys.executable" not in b)
    ]


def _run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, text: str) -> Any:
    # pytest-asyncio on: one snippet is an async test.
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p no:randomly -p no:xdist -p no:hypothesispytest")
    if _AWS_CLI:
        monkeypatch.setenv("PATH", f"{os.path.dirname(_AWS_CLI)}{os.pathsep}{os.environ['PATH']}")
    snippets = _snippets(text)
    for number, snippet in enumerate(snippets, 1):
        pytester.makepyfile(**{f"test_readme_snippet_{number:02d}": PREAMBLE + snippet})
    return pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function"
    ), sum(len(_TEST.findall(s)) for s in snippets)


def test_every_readme_snippet_runs(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = README.read_text()
    assert len(_snippets(text)) >= 1
    assert sum(1 for b in _BLOCK.findall(text) if b.startswith("# fragment")) <= 2

    result, tests = _run(pytester, monkeypatch, text)

    result.assert_outcomes(passed=tests)


def test_a_broken_snippet_fails_the_check(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A name the quick start uses, no longer imported.
    broken = README.read_text().replace("from pytest_omics_cache import FakeOmics\n", "")
    assert broken != README.read_text()

    result, _ = _run(pytester, monkeypatch, broken)

    assert result.ret != 0
    result.stdout.fnmatch_lines(["*NameError: name 'FakeOmics' is not defined*"])
