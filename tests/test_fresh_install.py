"""A newcomer's first minutes, for real: a new virtualenv, the README's install line run as it
stands, then the README's quick start run as it stands, on a machine where everything that could
reach AWS is hostile: HTTPS_PROXY/HTTP_PROXY name a port nothing answers on, AWS_PROFILE names a
profile that does not exist, there are no credentials, no AWS config and no
AWS_EC2_METADATA_DISABLED. The quick start must pass, and a socket recorder (an audit hook loaded
by ``sitecustomize``) must see no connection attempt and no name lookup at all.

The README's ``git clone`` cannot run here (no network but the package index): the directory it
would make is a copy of this work tree's files that a clone would hold, tracked or not yet
tracked, never ignored ones (``.venv``, caches), so uncommitted changes are what gets installed.

It builds a virtualenv and installs from the package index (20 seconds to a minute), so it runs
only with PYTEST_OMICS_CACHE_FRESH_INSTALL=1: ``python3 dev.py fresh``, which ``.ci/run`` runs.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
#: A profile no machine has: botocore raises ProfileNotFound wherever it needs the profile.
MISSING_PROFILE = "pytest-omics-cache-no-such-profile"
_TEST = re.compile(r"^(?:async )?def test_", re.M)
_OUTCOME = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected)\b")

pytestmark = pytest.mark.skipif(
    os.environ.get("PYTEST_OMICS_CACHE_FRESH_INSTALL") != "1",
    reason=(
        "builds a virtualenv and installs from the package index (20 s to a minute): run it with"
        " `python3 dev.py fresh` (or PYTEST_OMICS_CACHE_FRESH_INSTALL=1), as .ci/run does"
    ),
)


def _section(text: str, heading: str) -> str:
    """The README's ``## heading`` section, up to the next ``## `` heading."""
    found = re.search(rf"^## {re.escape(heading)}[ \t]*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    if found is None:
        pytest.fail(f"README.md has no '## {heading}' section")
    return found.group(1)


def _fenced(section: str, heading: str, language: str) -> str:
    """The first fenced block of ``section`` tagged ``language`` ("" for an untagged one)."""
    for tag, body in re.findall(r"^```([^\n]*)\n(.*?)^```[ \t]*$", section, re.M | re.S):
        if tag.strip() == language:
            return str(body)
    pytest.fail(f"README.md's '## {heading}' section has no ```{language} block")


def _install_lines(readme: str) -> tuple[str, list[str]]:
    """The directory the README's ``git clone`` line makes, and the lines that follow it."""
    lines = [
        line for line in _fenced(_section(readme, "Install"), "Install", "").splitlines() if line
    ]
    clone = shlex.split(lines[0]) if lines else []
    positional = [word for word in clone[2:] if not word.startswith("-")]
    if clone[:2] != ["git", "clone"] or not 1 <= len(positional) <= 2 or len(lines) < 2:
        pytest.fail(
            "README.md's install block should be a `git clone <url> [directory]` line and then"
            f" the install line(s); it is:\n{chr(10).join(lines)}"
        )
    if len(positional) == 2:
        return positional[1], lines[1:]
    return positional[0].rstrip("/").rsplit("/", 1)[-1].removesuffix(".git"), lines[1:]


def _copy_work_tree(target: Path) -> None:
    """What a clone of this repository holds, from the work tree: every file git tracks or would
    track (untracked but not ignored), so ``.venv``, caches and build output stay behind."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:
        pytest.fail(f"this test copies a git work tree; `git ls-files` in {ROOT} says:\n{listed}")
    for name in sorted(set(listed.stdout.decode().split("\0")) - {""}):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the work tree is not copied
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _output(result: subprocess.CompletedProcess[str]) -> str:
    return (
        f"exit status {result.returncode}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
    )


@dataclass(frozen=True)
class Installed:
    python: Path  # the fresh virtualenv's interpreter
    site_packages: Path
    quick_start: str  # the README's quick start, verbatim
    port: int  # a port on 127.0.0.1 bound but not listening: every connection is refused
    home: Path  # HOME for the runs: no ~/.aws


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    readme = README.read_text()
    quick_start = _fenced(_section(readme, "Quick start"), "Quick start", "python")
    directory, install = _install_lines(readme)

    base = tmp_path_factory.mktemp("fresh-install")
    venv = base / "venv"
    made = subprocess.run(
        [sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True, check=False
    )
    assert made.returncode == 0, _output(made)
    bin_dir = venv / "bin"

    # Where the user ran `git clone`: the clone, and the README's install line run there.
    clone_parent = base / "user"
    _copy_work_tree(clone_parent / directory)
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }
    environment.update(
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', os.defpath)}", VIRTUAL_ENV=str(venv)
    )
    result = subprocess.run(
        ["bash", "-ec", "\n".join(install)],
        cwd=clone_parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, f"the README's install line failed:\n{_output(result)}"
    # pip only warns, and installs without it, when the package lacks an extra the line names.
    assert "does not provide the extra" not in result.stderr, _output(result)
    (site_packages,) = venv.glob("lib/python*/site-packages")

    home = base / "home"
    home.mkdir()
    # Bound and never listening: nothing else can take the port while the tests run.
    with socket.socket() as dead:
        dead.bind(("127.0.0.1", 0))
        yield Installed(bin_dir / "python", site_packages, quick_start, dead.getsockname()[1], home)


_RECORDER = """\
import os
import sys

_EVENTS = {{
    "socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
    "socket.getnameinfo", "socket.sendto", "socket.sendmsg",
}}


def _record(event, args):
    if event in _EVENTS:
        if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
            args = args[1:]  # the address, not the socket
        with open({log!r}, "a", encoding="utf-8") as log:
            log.write(f"{{os.getpid()}} {{event}} {{args!r}}\\n")
            log.flush()


sys.addaudithook(_record)
with open({loaded!r}, "a", encoding="utf-8") as loaded:
    loaded.write(f"{{os.getpid()}} {{sys.executable}}\\n")
"""


@dataclass(frozen=True)
class Recorder:
    directory: Path  # holds sitecustomize.py: PYTHONPATH of the runs
    log: Path  # one line per socket event
    loaded: Path  # one line per process that loaded the recorder


@pytest.fixture
def recorder(tmp_path: Path) -> Recorder:
    directory = tmp_path / "recorder"
    directory.mkdir()
    recorder = Recorder(directory, tmp_path / "sockets.log", tmp_path / "loaded.log")
    (directory / "sitecustomize.py").write_text(
        _RECORDER.format(log=str(recorder.log), loaded=str(recorder.loaded))
    )
    return recorder


def _hostile_environment(installed: Installed, recorder: Recorder) -> dict[str, str]:
    """Built from nothing: the fresh virtualenv first on PATH, a HOME with no ~/.aws, every proxy
    variable at the dead port, a missing profile; no credentials, no AWS config files, no
    AWS_EC2_METADATA_DISABLED (whatever this process has)."""
    proxy = f"http://127.0.0.1:{installed.port}"
    return {
        "PATH": f"{installed.python.parent}{os.pathsep}{os.defpath}",
        "HOME": str(installed.home),
        "PYTHONPATH": str(recorder.directory),
        "HTTPS_PROXY": proxy,
        "HTTP_PROXY": proxy,
        "https_proxy": proxy,
        "http_proxy": proxy,
        "AWS_PROFILE": MISSING_PROFILE,
    }


_CONTROL = """\
import importlib.util
import socket
import urllib.error
import urllib.request

import boto3
import botocore.exceptions

print("plugin", importlib.util.find_spec("pytest_omics_cache").origin)
try:
    socket.socket().connect(("127.0.0.1", {port}))
    print("connected")
except ConnectionRefusedError:
    print("refused")
try:
    urllib.request.urlopen("https://omics.us-east-1.amazonaws.com/", timeout=30)
    print("reached")
except urllib.error.URLError as error:
    print("proxied", type(error.reason).__name__)
try:
    boto3.client("s3", region_name="us-east-1")
    print("client")
except botocore.exceptions.ProfileNotFound:
    print("no profile")
"""


def test_the_recorder_records_and_the_environment_is_hostile(
    installed: Installed, recorder: Recorder, tmp_path: Path
) -> None:
    """The control: in the same environment, a connection to the dead port, a request through
    the proxy variables and a boto3 client show what the quick start run must not do."""
    result = subprocess.run(
        [str(installed.python), "-c", _CONTROL.format(port=installed.port)],
        cwd=tmp_path,
        env=_hostile_environment(installed, recorder),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, _output(result)
    plugin, *outcomes = result.stdout.splitlines()
    # A real install into the fresh virtualenv (not editable, not this work tree).
    assert Path(plugin.removeprefix("plugin ")).is_relative_to(installed.site_packages), plugin
    assert outcomes == ["refused", "proxied ConnectionRefusedError", "no profile"], _output(result)
    log = recorder.log.read_text()
    dead = f"('127.0.0.1', {installed.port})"
    assert log.count(f" socket.connect ({dead},)\n") == 2, log
    assert f" socket.getaddrinfo ('127.0.0.1', {installed.port}, " in log, log
    assert "omics.us-east-1.amazonaws.com" not in log, log  # the proxy was asked, not DNS
    assert recorder.loaded.read_text().count("\n") == 1


def test_the_readme_quick_start_passes_with_no_network_and_no_aws(
    installed: Installed, recorder: Recorder, tmp_path: Path
) -> None:
    # A directory holding the quick start alone: no conftest, no ini file, no -p flag; the
    # plugin comes from its pytest11 entry point.
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_quick_start.py").write_text(installed.quick_start)
    tests = len(_TEST.findall(installed.quick_start))
    assert tests >= 1, f"the README's quick start has no test:\n{installed.quick_start}"

    command = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "test_quick_start.py"]
    result = subprocess.run(
        [str(installed.python), *command],
        cwd=project,
        env=_hostile_environment(installed, recorder),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert recorder.loaded.exists(), f"the socket recorder did not load:\n{_output(result)}"
    summary = result.stdout.rstrip().rsplit("\n", 1)[-1]
    outcomes = {
        ("errors" if kind == "error" else kind): int(n) for n, kind in _OUTCOME.findall(summary)
    }
    attempts = recorder.log.read_text() if recorder.log.exists() else ""
    assert (result.returncode, outcomes, attempts) == (0, {"passed": tests}, ""), (
        f"socket attempts:\n{attempts or '(none)'}\n{_output(result)}"
    )
