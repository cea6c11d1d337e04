"""The docs site's own directives, all read from the code or the pages, none hand-kept:

* ``choice``: a place where AWS is silent and pytest-omics-cache chose, written where it is
  explained; ``choices`` lists every one of them, linked, on one page.
* ``omics-options``: the ini options, the marker's arguments and the command-line option, read
  from what the plugin registers with pytest (``plugin.pytest_addoption`` run against a recorder)
  and from its ini table.
* A check that each public function's docstring names every parameter of its signature, and
  names no parameter it does not have (a warning, so an error under ``-W``).
* References to the public classes by their home module (``pytest_omics_cache._api.fake.
  FakeOmics``, as type hints name them) resolve to the public name (``pytest_omics_cache.
  FakeOmics``), where autodoc documents them.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.pycode import ModuleAnalyzer
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

import pytest_omics_cache
from pytest_omics_cache import plugin

_LOG = logging.getLogger(__name__)


# --- choices ------------------------------------------------------------------------------


class _ChoicesList(nodes.General, nodes.Element):
    """Where the list of every choice goes, once all pages are read."""


class ChoiceDirective(SphinxDirective):
    """``{choice} Title``: an admonition "Choice: Title", gathered by ``{choices}``."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True

    def run(self) -> list[nodes.Node]:
        title = self.arguments[0]
        target_id = "choice-" + nodes.make_id(title)
        admonition = nodes.admonition(classes=["omics-choice"], ids=[target_id])
        admonition += nodes.title(text=f"Choice: {title}")
        self.state.nested_parse(self.content, self.content_offset, admonition)
        choices = self.env.domaindata.setdefault("omics", {}).setdefault("choices", [])
        choices.append((self.env.docname, target_id, title))
        return [admonition]


class ChoicesDirective(SphinxDirective):
    """``{choices}``: every choice of the site, by page, each linked."""

    def run(self) -> list[nodes.Node]:
        return [_ChoicesList()]


def _purge(app: Sphinx, env: Any, docname: str) -> None:
    data = env.domaindata.setdefault("omics", {})
    data["choices"] = [c for c in data.get("choices", []) if c[0] != docname]


def _merge(app: Sphinx, env: Any, docnames: Any, other: Any) -> None:
    env.domaindata.setdefault("omics", {}).setdefault("choices", []).extend(
        other.domaindata.get("omics", {}).get("choices", [])
    )


def _fill_choices(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    choices = app.env.domaindata.get("omics", {}).get("choices", [])
    for placeholder in doctree.findall(_ChoicesList):
        if not choices:
            _LOG.warning("no {choice} directive anywhere in the docs", location=placeholder)
        listing = nodes.bullet_list()
        by_page: dict[str, list[tuple[str, str]]] = {}
        for page, target_id, title in choices:
            by_page.setdefault(page, []).append((target_id, title))
        for page in sorted(by_page, key=lambda name: app.env.titles[name].astext()):
            item = nodes.list_item()
            item += nodes.paragraph(text=app.env.titles[page].astext())
            inner = nodes.bullet_list()
            for target_id, title in by_page[page]:
                paragraph = nodes.paragraph()
                paragraph += make_refnode(
                    app.builder, docname, page, target_id, nodes.Text(title), title
                )
                inner += nodes.list_item("", paragraph)
            item += inner
            listing += item
        placeholder.replace_self(listing)


# --- options ------------------------------------------------------------------------------


class _Recorder:
    """Stands in for pytest's parser: keeps what the plugin registers."""

    def __init__(self) -> None:
        self.ini: list[tuple[str, str, str, Any]] = []
        self.options: list[tuple[tuple[str, ...], dict[str, Any]]] = []

    def addini(self, name: str, help: str, *, type: str, default: Any) -> None:
        self.ini.append((name, type, help, default))

    def getgroup(self, name: str) -> _Recorder:
        return self

    def addoption(self, *names: str, **attributes: Any) -> None:
        self.options.append((names, attributes))


def _table(headers: list[str], rows: list[list[nodes.Node | str]], ids: list[str]) -> nodes.table:
    table = nodes.table()
    group = nodes.tgroup(cols=len(headers))
    table += group
    group.extend(nodes.colspec(colwidth=1) for _ in headers)
    head = nodes.thead()
    head += nodes.row("", *[nodes.entry("", nodes.paragraph(text=h)) for h in headers])
    group += head
    body = nodes.tbody()
    for row, row_id in zip(rows, ids, strict=True):
        cells = []
        for cell in row:
            paragraph = nodes.paragraph()
            paragraph += nodes.literal(text=cell) if isinstance(cell, str) else cell
            cells.append(nodes.entry("", paragraph))
        body += nodes.row("", *cells, ids=[row_id])
    group += body
    return table


def _value(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


class OptionsDirective(SphinxDirective):
    """``{omics-options} ini|marker|command-line``: the table of that kind of option."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        recorder = _Recorder()
        plugin.pytest_addoption(recorder)  # type: ignore[arg-type]
        kind = self.arguments[0]
        tables = self._tables(kind, recorder)
        # Each row a label of its own: {ref}`ini-fake-omics-region` and page#row links resolve.
        std = self.env.get_domain("std")
        for row in tables[0].findall(nodes.row):
            for row_id in row["ids"]:
                title = row.astext().split("\n")[0]
                std.note_hyperlink_target(row_id, self.env.docname, row_id, title)  # type: ignore[attr-defined]
                self.env.domaindata["std"]["labels"][row_id] = (self.env.docname, row_id, title)
        return tables

    def _tables(self, kind: str, recorder: _Recorder) -> list[nodes.Node]:
        by_ini = {ini: name for name, (ini, *_) in plugin._INI.items()}
        if kind == "ini":
            rows = [
                [ini, ini_type, _value(default), nodes.Text(help_text)]
                for ini, ini_type, help_text, default in recorder.ini
            ]
            ids = [f"ini-{nodes.make_id(ini)}" for ini, *_ in recorder.ini]
            return [_table(["ini option", "type", "default", "what it does"], rows, ids)]
        if kind == "marker":
            rows = []
            for ini, _, help_text, default in recorder.ini:
                if ini not in by_ini:
                    continue  # the guard: a session's option, not a test's
                anchor = f"#ini-{nodes.make_id(ini)}"
                reference = nodes.reference("", ini, internal=True, refuri=anchor)
                rows.append([f"{by_ini[ini]}=", _value(default), reference, nodes.Text(help_text)])
            ids = [f"marker-{nodes.make_id(name)}" for name in plugin._INI]
            return [_table(["argument", "default", "suite-wide", "what it does"], rows, ids)]
        if kind == "command-line":
            rows = [
                [", ".join(names), nodes.Text(attributes.get("help", ""))]
                for names, attributes in recorder.options
            ]
            ids = [f"option-{nodes.make_id(names[0])}" for names, _ in recorder.options]
            return [_table(["option", "what it does"], rows, ids)]
        raise self.error(f"omics-options: no kind {kind!r} (ini, marker, command-line)")


# --- docstrings against signatures ---------------------------------------------------------

#: A name a docstring mentions: the start of a literal (``region``, ``progress[0]``, ``id=...``).
_NAMED = re.compile(r"``(\w+)")


def _check_docstring(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    if what not in ("function", "method", "class") or not name.startswith(
        app.config.omics_checked_prefix
    ):
        return
    text = "\n".join(lines)
    if what == "class" and dataclasses.is_dataclass(obj):
        _check_fields(name, obj)
        return
    target = obj.__init__ if what == "class" else obj
    if target is object.__init__:
        return
    if what == "class":
        text += "\n" + (inspect.getdoc(target) or "")
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):  # a builtin's: nothing of ours to check
        return
    parameters = _parameters(target)
    same_as = re.search(r"[Kk]eyword arguments are those of ``(\w+)``", text)
    if same_as is not None:
        # Said once, where another signature holds them: the two must not drift apart.
        other = getattr(pytest_omics_cache, same_as.group(1))
        if parameters != _parameters(other.__init__):
            _warn(name, f"its parameters are not those of {same_as.group(1)}, as it says")
        return
    named = set(_NAMED.findall(text))
    for parameter in parameters:
        if parameter not in named:
            _warn(name, f"the docstring does not name parameter ``{parameter}`` of its signature")
    keywords = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())
    for written in re.findall(r"``(\w+)=", text):
        if written not in parameters and what != "class" and not keywords:
            _warn(name, f"the docstring names ``{written}=``, which its signature does not have")


def _parameters(function: Any) -> list[str]:
    return [
        p.name
        for p in inspect.signature(function).parameters.values()
        if p.name not in ("self", "cls") and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


def _check_fields(name: str, cls: Any) -> None:
    """A dataclass's public fields are its documentation: each needs its ``#:`` comment."""
    documented = ModuleAnalyzer.for_module(cls.__module__).find_attr_docs()
    for field in dataclasses.fields(cls):
        if not field.name.startswith("_") and (cls.__qualname__, field.name) not in documented:
            _warn(name, f"field ``{field.name}`` has no ``#:`` comment to document it")


def _warn(name: str, problem: str) -> None:
    _LOG.warning("%s: %s", name, problem, type="omics", subtype="docstring")


# --- references to the public names --------------------------------------------------------


def _public_reference(app: Sphinx, env: Any, node: Any, contnode: nodes.Node) -> Any:
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    if not target.startswith("pytest_omics_cache._"):
        return None
    parts = target.split(".")
    for index, part in enumerate(parts):
        if part in pytest_omics_cache.__all__:
            public = ".".join(["pytest_omics_cache", *parts[index:]])
            domain = env.get_domain("py")
            return domain.resolve_xref(
                env, node["refdoc"], app.builder, node["reftype"], public, node, contnode
            )
    return None


def setup(app: Sphinx) -> dict[str, Any]:
    # Whose docstrings are checked against their signatures (a test points it at a probe).
    app.add_config_value("omics_checked_prefix", "pytest_omics_cache.", "env")
    app.add_node(_ChoicesList)
    app.add_directive("choice", ChoiceDirective)
    app.add_directive("choices", ChoicesDirective)
    app.add_directive("omics-options", OptionsDirective)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-resolved", _fill_choices)
    app.connect("autodoc-process-docstring", _check_docstring)
    app.connect("missing-reference", _public_reference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
