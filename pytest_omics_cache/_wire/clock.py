"""The clock, as botocore reads it back: the current time and given timestamps as the
datetimes a client gets from the wire (botocore's own tzinfo), read at call time so that
time-machine and freezegun control them. Wire layer: no state, used by seeds, handlers,
validation and answers alike."""

from __future__ import annotations

import functools
from datetime import datetime, timezone, tzinfo


@functools.cache
def _botocore_utc() -> tzinfo | None:
    """The tzinfo botocore's parser gives a UTC timestamp on this machine: dateutil's tzlocal()
    where the local zone is UTC, tzutc() elsewhere. It depends on the machine, not the time."""
    from botocore.parsers import DEFAULT_TIMESTAMP_PARSER

    sample: datetime = DEFAULT_TIMESTAMP_PARSER("2000-01-01T00:00:00Z")
    return sample.tzinfo


def now() -> datetime:
    """The current time as get_run_cache would return it (read at call time, so time-machine
    and freezegun control it)."""
    return _as_botocore_gives(datetime.now(timezone.utc))


def _as_botocore_gives(utc: datetime) -> datetime:
    """A UTC datetime with the tzinfo botocore's parser gives it. Built anew rather than with
    replace(tzinfo=...), which costs three times as much (and this runs on every create)."""
    return datetime(
        utc.year,
        utc.month,
        utc.day,
        utc.hour,
        utc.minute,
        utc.second,
        utc.microsecond,
        _botocore_utc(),
    )


def timestamp(value: object) -> datetime:
    """The datetime get_run_cache will return for ``value``: the same instant, to the
    microsecond the wire carries, with the tzinfo botocore's own parser gives it."""
    if isinstance(value, str):
        # Python 3.10's fromisoformat reads no "Z" (3.11's does): spelt as an offset for both.
        text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                "must be an ISO-8601 timestamp such as '2026-01-31T12:00:00Z'"
            ) from None
    elif isinstance(value, datetime):
        parsed = value
    else:
        raise ValueError("must be a timezone-aware datetime or an ISO-8601 string")
    if parsed.utcoffset() is None:
        raise ValueError(
            "has no timezone; use e.g. datetime(..., tzinfo=timezone.utc) or a trailing 'Z'"
        )
    try:
        utc = parsed.astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01T00:00+01:00 is a moment before year 1 in UTC
        raise ValueError("is out of range: in UTC it falls before year 1 or after 9999") from None
    return _as_botocore_gives(utc)
