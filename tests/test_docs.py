"""Every code block of the docs site (docs/**/*.md) runs as written, page by page, except the
blocks marked as fragments, each of which says why it cannot run.

A page is one pytest project, made fresh: a block preceded by ``<!-- file: NAME -->`` is written
as that file (a conftest, an ini file, a module under test), every other ``python`` block as a
test module (with ``import boto3`` and ``import pytest`` before it), and each of its tests must
pass. Any other block is preceded by ``<!-- fragment: why -->``. A test block preceded by
``<!-- needs: OPERATION -->`` runs only on a botocore whose omics model has that operation (the
suite also runs on the oldest botocore supported, which lacks some).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import botocore.session
import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PREAMBLE = "import boto3\nimport pytest\n\n"
_FENCE = re.compile(r"^(`{3,}|~{3,})(.*)$")
_MARK = re.compile(r"^<!-- (file|fragment|needs): (.+?) -->$")
_OPERATIONS = frozenset(botocore.session.get_session().get_service_model("omics").operation_names)
_TEST = re.compile(r"^(?:async )?def test_", re.M)


class Block(NamedTuple):
    line: int
    language: str
    code: str
    #: ("file", its path), ("fragment", why), ("needs", an operation), or None.
    mark: tuple[str, str] | None


def blocks(text: str, first_line: int = 1) -> list[Block]:
    """The code blocks of a MyST page, those inside directives (``{choice}``) included."""
    lines = text.split("\n")
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence, info = opening.group(1), opening.group(2).strip()
        end = index + 1
        while end < len(lines) and not (
            lines[end].startswith(fence[0] * len(fence)) and not lines[end].strip(fence[0])
        ):
            end += 1
        body = "\n".join(lines[index + 1 : end]) + "\n"
        if info.startswith("{"):
            # A directive: its content may hold code blocks; its options are not code.
            content = "\n".join(line for line in body.split("\n") if not line.startswith(":"))
            found += blocks(content, first_line + index + 1)
        else:
            before = next((line for line in reversed(lines[:index]) if line.strip()), "")
            marked = _MARK.match(before.strip())
            mark = (marked.group(1), marked.group(2)) if marked else None
            found.append(Block(first_line + index, info.split()[0] if info else "", body, mark))
        index = end + 1
    return found


def pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.parts)


def _unmarked(page: Path) -> list[str]:
    """Blocks that neither run nor say why not."""
    return [
        f"{page.relative_to(ROOT)}:{block.line}: a {block.language or 'plain'} block"
        for block in blocks(page.read_text())
        if block.mark is None and block.language != "python"
    ]


def _run_page(pytester: pytest.Pytester, text: str, stem: str) -> tuple[pytest.RunResult, int]:
    tests = 0
    for number, block in enumerate(blocks(text), 1):
        if block.mark is not None and block.mark[0] == "fragment":
            continue
        if block.mark is not None and block.mark[0] == "needs":
            if block.mark[1] not in _OPERATIONS:
                continue  # newer than this botocore
        elif block.mark is not None:  # a file of the project
            path = pytester.path / block.mark[1]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(block.code)
            continue
        name = f"test_{re.sub(r'[^0-9a-z]+', '_', stem)}_{number:02d}.py"
        (pytester.path / name).write_text(PREAMBLE + block.code)
        tests += len(_TEST.findall(block.code))
    result = pytester.runpytest_subprocess(
        "-p", "no:randomly", "-p", "no:xdist", "-p", "no:cacheprovider", "-p", "no:hypothesispytest"
    )  # fmt: skip
    return result, tests


@pytest.mark.parametrize("page", pages(), ids=lambda page: str(page.relative_to(DOCS)))
def test_every_block_of_the_page_runs(pytester: pytest.Pytester, page: Path) -> None:
    assert _unmarked(page) == []
    text = page.read_text()
    if not any(
        b.language == "python" and (b.mark is None or b.mark[0] == "needs") for b in blocks(text)
    ):
        pytest.skip("no test on this page")

    result, tests = _run_page(pytester, text, page.stem)

    assert tests > 0
    result.assert_outcomes(passed=tests)


@pytest.mark.parametrize("page", sorted((DOCS / "how-to").glob("*.md")), ids=lambda page: page.stem)
def test_each_how_to_page_starts_from_a_runnable_example(page: Path) -> None:
    first = next(iter(blocks(page.read_text())), None)

    assert first is not None
    assert first.mark is None or first.mark[0] == "file", f"{page.name}: starts with a fragment"
    # A test, or the files a test right after it runs on.
    runs = [b for b in blocks(page.read_text()) if b.mark is None][:1]
    assert runs, f"{page.name}: no example runs"
    assert _TEST.search(runs[0].code), f"{page.name}: its first example has no test"


def test_the_docs_have_pages_with_tests() -> None:
    runnable = [p for p in pages() if any(b.mark is None for b in blocks(p.read_text()))]

    assert len(pages()) >= 15
    assert len(runnable) >= 10


def test_a_failing_block_fails_its_page(pytester: pytest.Pytester) -> None:
    page = (
        "# A page\n\n<!-- file: conftest.py -->\n```python\nSEEDED = '1234567'\n```\n\n"
        "```python\nfrom conftest import SEEDED\n\n\ndef test_seeded(fake_omics):\n"
        "    fake_omics.add_run_cache(id=SEEDED)\n"
        "    client = boto3.client('omics', region_name='us-east-1')\n"
        "    assert client.get_run_cache(id='7654321')\n```\n"
    )

    result, tests = _run_page(pytester, page, "a page")

    assert tests == 1
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*ResourceNotFoundException*Run cache 7654321 not found*"])


def test_a_block_that_needs_an_operation_runs_only_where_botocore_has_it(
    pytester: pytest.Pytester,
) -> None:
    page = (
        "<!-- needs: GetRunCache -->\n```python\ndef test_here(fake_omics):\n    pass\n```\n\n"
        "<!-- needs: NoSuchOperation -->\n```python\ndef test_not_here():\n    assert False\n```\n"
    )

    result, tests = _run_page(pytester, page, "needs")

    assert tests == 1
    result.assert_outcomes(passed=1)


def test_blocks_are_found_inside_directives_and_marks_are_read() -> None:
    page = (
        "<!-- fragment: shell -->\n```console\n$ pip install x\n```\n\n"
        "````{choice} A title\nText.\n\n```python\ndef test_x():\n    pass\n```\n````\n\n"
        "```{toctree}\n:maxdepth: 1\n\nindex\n```\n\n```text\nunmarked\n```\n"
    )

    found = blocks(page)

    assert [(b.language, b.mark) for b in found] == [
        ("console", ("fragment", "shell")),
        ("python", None),
        ("text", None),
    ]
    assert found[1].code == "def test_x():\n    pass\n"


def test_the_reference_is_generated_from_the_code(tmp_path: Path) -> None:
    """Every public name, ini option and marker argument is in the built reference."""
    build = shutil.which("sphinx-build", path=str(Path(sys.executable).parent))
    if build is None:
        pytest.skip("Sphinx is not installed here (python3 dev.py docs builds the site)")
    import pytest_omics_cache
    from pytest_omics_cache import plugin

    subprocess.run(
        [build, "-q", "-E", "-b", "html", str(DOCS), str(tmp_path)], check=True, capture_output=True
    )
    api = (tmp_path / "reference" / "api.html").read_text()
    options = (tmp_path / "reference" / "pytest.html").read_text()

    missing = [
        name for name in pytest_omics_cache.__all__ if f'id="pytest_omics_cache.{name}"' not in api
    ]
    assert missing == []
    for name, (ini, *_) in plugin._INI.items():
        assert f'id="ini-{ini.replace("_", "-")}"' in options
        assert f'id="marker-{name.replace("_", "-")}"' in options
    assert 'id="ini-fake-omics-guard"' in options
    assert 'id="option-fake-omics-guard"' in options
    # The theme's navigation and search, in the site a browser opens from index.html.
    assert (tmp_path / "searchindex.js").is_file()
    assert "search.html" in (tmp_path / "index.html").read_text()
    assert 'href="how-to/seeding.html"' in (tmp_path / "index.html").read_text()


def test_a_docstring_off_its_signature_and_a_broken_reference_fail_the_build(
    tmp_path: Path,
) -> None:
    build = shutil.which("sphinx-build", path=str(Path(sys.executable).parent))
    if build is None:
        pytest.skip("Sphinx is not installed here (python3 dev.py docs builds the site)")
    (tmp_path / "probe.py").write_text(
        "def seed(*, region: str, account: str) -> None:\n"
        '    """Seed into ``region``; ``owner=`` names the owner."""\n'
    )
    (tmp_path / "conf.py").write_text(
        "import sys\n"
        f"sys.path[:0] = [{str(tmp_path)!r}, {str(DOCS / '_ext')!r}]\n"
        "extensions = ['sphinx.ext.autodoc', 'omics_docs']\n"
        "omics_checked_prefix = 'probe.'\n"
        "nitpicky = True\n"
    )
    (tmp_path / "index.rst").write_text(
        "Probe\n=====\n\n.. autofunction:: probe.seed\n\nSee :py:func:`probe.nothing`.\n"
    )

    result = subprocess.run(
        [
            build,
            "-W",
            "--keep-going",
            "-n",
            "-q",
            "-b",
            "html",
            str(tmp_path),
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "probe.seed: the docstring does not name parameter ``account``" in result.stderr
    assert "probe.seed: the docstring names ``owner=``, which its signature does not have" in (
        result.stderr
    )
    assert "py:func reference target not found: probe.nothing" in result.stderr
    assert "``region``" not in result.stderr  # named: no complaint
