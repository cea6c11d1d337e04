"""Sphinx configuration of the pytest-omics-cache docs (python3 dev.py docs; Read the Docs)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))

project = "pytest-omics-cache"
author = "pytest-omics-cache developers"
copyright = "2026, pytest-omics-cache developers"

extensions = ["myst_parser", "sphinx.ext.autodoc", "omics_docs"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

html_theme = "furo"
html_title = "pytest-omics-cache"

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True, "undoc-members": False}

# Broken references are errors (-n -W), ours and the pages'. Names outside the package (the
# standard library's, botocore's, pytest's) are not in this site: there is no network to read
# their inventories from at build time, so they are left unlinked rather than reported.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(?!pytest_omics_cache\b).*"),
    # Type variables and the Literal values autodoc writes out as names.
    (r"py:.*", r"pytest_omics_cache\..*\._[A-Z]\w*"),
]
