"""botocore's User-Agent header while a fake is active: the same text, without its cost.

botocore builds the User-Agent of every request twice (when it makes the request and again
at ``request-created``, to include the features used meanwhile), from some thirty components
each written through ``sanitize_user_agent_string_component``: a Python generator over every
character of the component, about a tenth of botocore's whole cost per call
(bench/RESULTS.md). That function is pure (its answer depends on its two arguments and on
botocore's constant set of allowed characters), and a client's components are the same text
call after call. So while a fake is active, ``botocore.useragent`` calls it through a cache of
its answers: every header keeps exactly the text botocore would write, for every client, and
the function is put back when the fake stops.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import botocore.useragent

#: How many (component, allow_hash) answers are kept: a client writes some thirty distinct
#: components, a test's clients seldom differ in more than their app id or extra text.
KEPT = 1024

#: The function's name in ``botocore.useragent`` (botocore 1.31 and later).
NAME = "sanitize_user_agent_string_component"


@functools.cache
def _cached(sanitize: Callable[..., str]) -> Callable[..., str]:
    # One cache per function wrapped, kept across fakes: the next test's calls find it warm.
    # functools' C cache, no Python frame around it: the frame would cost a third of the gain.
    # Its arguments are botocore's component strings (hashable); a wrapper of another library's,
    # put in place before the fake started, is what gets cached.
    return functools.lru_cache(maxsize=KEPT)(sanitize)


#: (owner, attribute, replacement) for each swap: none, or botocore's sanitizer's.
Swaps = tuple[tuple[object, str, object], ...]

#: The function last found in place, and the swap worked out for it: every test's fake starts
#: with this swap, so finding it is paid per activation (bench/baseline.py counts it).
_found: object = None
_swap: Swaps = ()


def patches() -> Swaps:
    """The swap of botocore's sanitizer for its cached self, where this botocore has one."""
    global _found, _swap
    sanitize = vars(botocore.useragent).get(NAME)
    if sanitize is not _found:
        _swap, _found = _swap_for(sanitize), sanitize
    return _swap


def _swap_for(sanitize: Any) -> Swaps:
    if sanitize is None or not callable(sanitize):
        return ()
    wrapped = getattr(sanitize, "__wrapped__", None)
    try:
        if wrapped is not None and _cached(wrapped) is sanitize:
            return ()  # already ours (a fake started while another's swap was left in place)
        return ((botocore.useragent, NAME, _cached(sanitize)),)
    except TypeError:  # an unhashable stand-in put there by someone else: left alone
        return ()
