"""Alertmanager time intervals: how much of the time a route is muted.

A route's ``mute_time_intervals`` silence it inside the named intervals and its
``active_time_intervals`` silence it outside them.  The share of the time a route is
muted is measured by sampling the coming year (every 30 minutes) against the
interval definitions (``time_intervals`` and the older top-level
``mute_time_intervals``), read as Alertmanager's ``timeinterval`` package does:
``times``, ``weekdays``, ``days_of_month`` (negative counts from the month's end),
``months``, ``years`` and ``location``.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["muted_share"]

# Alertmanager numbers weekdays as Go does: sunday = 0 ... saturday = 6.
_WEEKDAYS = {calendar.day_name[i].lower(): (i + 1) % 7 for i in range(7)}
_MONTHS = {calendar.month_name[i].lower(): i for i in range(1, 13)}
_STEP = timedelta(minutes=30)
_SAMPLES = 365 * 48


def _number(text: str, names: dict[str, int]) -> int:
    text = text.strip().lower()
    return names[text] if text in names else int(text)


def _ranges(values: Any, names: dict[str, int] | None = None) -> list[tuple[int, int]]:
    """``["monday:friday", "sunday"]`` or ``["1:5", "-1"]`` as inclusive (low, high)."""
    found = []
    for value in values if isinstance(values, list) else []:
        low, _, high = str(value).partition(":")
        first = _number(low, names or {})
        found.append((first, _number(high, names or {}) if high else first))
    return found


def _minutes(text: str) -> int:
    hours, _, minutes = str(text).partition(":")
    return int(hours) * 60 + int(minutes or 0)


def _day_matches(day: int, ranges: list[tuple[int, int]], length: int) -> bool:
    def real(d: int) -> int:
        return length + d + 1 if d < 0 else d

    return any(real(low) <= day <= real(high) for low, high in ranges)


def _inside(moment: datetime, spec: dict[str, Any]) -> bool:
    """Whether ``moment`` (UTC) falls in one time_intervals entry."""
    try:
        local = moment.astimezone(ZoneInfo(str(spec.get("location") or "UTC")))
    except (ZoneInfoNotFoundError, ValueError):
        local = moment
    if times := spec.get("times"):
        minute = local.hour * 60 + local.minute
        spans = [(_minutes(t.get("start_time")), _minutes(t.get("end_time"))) for t in times]
        if not any(start <= minute < end for start, end in spans):
            return False
    if (days := spec.get("weekdays")) and not any(
        low <= (local.weekday() + 1) % 7 <= high for low, high in _ranges(days, _WEEKDAYS)
    ):
        return False
    length = calendar.monthrange(local.year, local.month)[1]
    if (dom := spec.get("days_of_month")) and not _day_matches(local.day, _ranges(dom), length):
        return False
    if (months := spec.get("months")) and not any(
        low <= local.month <= high for low, high in _ranges(months, _MONTHS)
    ):
        return False
    years = spec.get("years")
    return not years or any(low <= local.year <= high for low, high in _ranges(years))


def _definitions(config: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for key in ("time_intervals", "mute_time_intervals"):
        for entry in config.get(key) or []:
            if isinstance(entry, dict):
                specs = entry.get("time_intervals") or []
                found[str(entry.get("name"))] = [s for s in specs if isinstance(s, dict)]
    return found


def muted_share(config: dict[str, Any], leaf: dict[str, Any]) -> float | None:
    """The share of a year during which the route ``leaf`` sends nothing; None if never."""
    mute = [str(n) for n in leaf.get("mute_time_intervals") or []]
    active = [str(n) for n in leaf.get("active_time_intervals") or []]
    if not mute and not active:
        return None
    known = _definitions(config)
    mute_specs = [s for n in mute for s in known.get(n, [])]
    active_specs = [s for n in active for s in known.get(n, [])]
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    try:
        muted = sum(
            1
            for i in range(_SAMPLES)
            if _muted(start + i * _STEP, mute_specs, active_specs, bool(active))
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # Alertmanager rejects such intervals; amtool says why.
    return muted / _SAMPLES


def _muted(
    moment: datetime,
    mute: list[dict[str, Any]],
    active: list[dict[str, Any]],
    has_active: bool,
) -> bool:
    if any(_inside(moment, s) for s in mute):
        return True
    return has_active and not any(_inside(moment, s) for s in active)
