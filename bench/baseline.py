"""The figures a change must not make worse, counted in instructions at HEAD and at an earlier
commit: fixture setup and teardown, ``mock_omics()``, seeding, and a suite that never uses the
plugin.

Wall time cannot tell a 10 % regression of a 30 µs fixture from this machine's noise; an
instruction count can, and both checkouts are counted in this run, with the same Python and
botocore. Each commit (HEAD, as committed, and the earlier one) is checked out in turn into a
git worktree at one fixed path and imported first on ``PYTHONPATH`` (the counting child prints
where it imported the package from, and a mismatch stops the run).

    python3 bench/baseline.py [commit]   # default: BASE, the commit before issue 15's work
"""

from __future__ import annotations

import contextlib
import functools
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import instructions
import suites

#: The last commit before the fixed signature (issue 15): the README table of that day is the
#: one its goal says the fixture, unused-plugin, seeding and scale figures must not be worse than.
BASE = "912a09650543ccffb407144ab4acb46e6fe86f75"
ROOT = Path(__file__).resolve().parent.parent
REPEAT = 500
SEEDS = 2000

#: (figure, how many times the child's batch for it does it), in the child's order
FIGURES = [
    ("fake_omics setup + teardown", REPEAT),
    ("mock_omics() enter + exit", REPEAT),
    ("a fresh fake and one seeded cache", REPEAT),
    (f"seeding one more cache (of {SEEDS:,})", SEEDS),
]


def _child() -> None:
    from fixture import fixture_body, mock_omics_block

    import pytest_omics_cache
    from pytest_omics_cache import FakeOmics

    def fresh_seeded() -> None:
        FakeOmics().add_run_cache()

    seeded = FakeOmics()
    for action in (fixture_body, mock_omics_block, fresh_seeded, seeded.add_run_cache):
        action()  # first use imports and reads the model: not per-test cost
    for action, times in (
        (fixture_body, REPEAT),
        (mock_omics_block, REPEAT),
        (fresh_seeded, REPEAT),
    ):
        functools.reduce(lambda _, __, action=action: action(), range(times), None)
    functools.reduce(lambda _, __: seeded.add_run_cache(), range(SEEDS), None)
    print(Path(pytest_omics_cache.__file__).parent.parent)


@contextlib.contextmanager
def _checkout(commit: str) -> Iterator[Path]:
    # Always the same path: the counts depend on it (path strings are hashed and compared all
    # through a pytest run), so both commits are counted at one path, one after the other.
    tree = Path(tempfile.gettempdir()) / "pytest-omics-cache-bench-checkout"
    subprocess.run(
        ["git", "worktree", "remove", "--force", str(tree)],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    subprocess.run(
        ["git", "worktree", "add", "--quiet", "--detach", str(tree), commit], cwd=ROOT, check=True
    )
    try:
        yield tree
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=True)


@contextlib.contextmanager
def _first_on_path(tree: Path) -> Iterator[None]:
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tree), before]))
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = before


def count(tree: Path) -> dict[str, float] | None:
    """Instructions per unit of each of FIGURES, and the unused suite's added instructions, for
    the package in ``tree``; None without valgrind."""
    with _first_on_path(tree):
        counted = instructions.batches(__file__)
        unused = suites.unused_instructions()
    if counted is None or unused is None:
        return None
    (imported,), counts = counted
    if Path(imported).resolve() != tree.resolve():
        raise RuntimeError(f"counted the package in {imported}, not the one in {tree}")
    figures = {name: total / times for (name, times), total in zip(FIGURES, counts, strict=True)}
    figures["a 50-test suite that never uses the plugin"] = unused[0] - unused[1]
    return figures


def measure(commit: str = BASE) -> list[tuple[str, float, float]] | None:
    """(figure, instructions at HEAD, at ``commit``) for each figure; None without valgrind.
    HEAD is counted as committed: work not committed yet is not in the count."""
    counted = []
    for each in ("HEAD", commit):
        with _checkout(each) as tree:
            counted.append(count(tree))
    now, then = counted
    if now is None or then is None:
        return None
    return [(name, now[name], then[name]) for name in now]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child()
    else:
        commit = sys.argv[1] if len(sys.argv) > 1 else BASE
        rows = measure(commit)
        if rows is None:
            sys.exit("valgrind is not installed")
        print(f"instructions at HEAD / at {commit[:10]}")
        for name, now, then in rows:
            print(f"  {name:44} {now:>13,.0f} / {then:>13,.0f} = {now / then:.3f}x")
