"""What a fake saw and holds, as text: the ``fake_omics`` section of a failing test's report, and
``FakeOmics.summary()`` for the test author's own messages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_omics_cache._core.calls import Call
    from pytest_omics_cache._core.injections import Injection
    from pytest_omics_cache._resources.canned.store import CannedResponse

#: At most this many ids are listed per account and region; the rest are counted.
_MAX_IDS = 10
#: At most this many calls are listed; the rest are counted.
_MAX_CALLS = 50


def _ids(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:_MAX_IDS])
    more = f", and {len(ids) - _MAX_IDS} more" if len(ids) > _MAX_IDS else ""
    return f"{shown}{more}"


def summary(
    *,
    calls: Sequence[Call],
    held: Iterable[tuple[str, Iterable[tuple[str, str, str]]]],
    unfired: Sequence[Injection | CannedResponse],
) -> str:
    """``held`` is what the fake holds: per kind ("run cache"), (account, region, id) of each."""
    lines: list[str] = []
    if calls:
        lines.append(f"calls served ({len(calls)}):")
        lines += [f"  {n}. {c.describe()}" for n, c in enumerate(calls[:_MAX_CALLS], 1)]
        if len(calls) > _MAX_CALLS:
            lines.append(f"  ... and {len(calls) - _MAX_CALLS} more")
    else:
        lines.append("calls served: none")
    where: dict[tuple[str, str], dict[str, list[str]]] = {}
    for kind, items in held:
        for account, region, item_id in items:
            where.setdefault((account, region), {}).setdefault(kind, []).append(item_id)
    if where:
        lines.append("registry:")
        for (account, region), kinds in sorted(where.items()):
            parts = [f"{len(ids)} {kind}(s): {_ids(ids)}" for kind, ids in kinds.items()]
            lines.append(f"  account {account}, region {region}: " + "; ".join(parts))
    else:
        lines.append("registry: empty")
    unserved = [c for c in calls if c.unserved]
    if unserved:
        lines.append("unserved requests:")
        lines += [f"  - {c.describe()}" for c in unserved]
    if unfired:
        lines.append("unfired injections and queued responses:")
        lines += [f"  - {item.describe()}" for item in unfired]
    # The mistake that costs most time: the code asks in one region or account, the test seeded
    # another. Said whenever something is held where no request came from.
    asked = {(c.account, c.region) for c in calls if c.operation}
    unasked = sorted(set(where) - asked)
    if asked and unasked:
        came = "; ".join(f"account {a}, region {r}" for a, r in sorted(asked))
        idle = "; ".join(f"account {a}, region {r}" for a, r in unasked)
        lines.append(
            f"note: requests came only from {came}, but the fake also holds run caches or runs"
            f" in {idle}, where no request came from. Seed with region=/account= matching the"
            " client, or make the client in that region."
        )
    return "\n".join(lines)
