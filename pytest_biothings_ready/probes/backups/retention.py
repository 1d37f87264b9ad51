"""borg's pruning rules, applied to archive times (no repository lock needed).

The same algorithm as ``borg prune`` (borg 1.2 ``prune_split``): for each rule in
order (last, hourly, daily, weekly, monthly, yearly), walk the archives newest first
and keep the newest archive of each period not kept yet, until the rule's count is
reached; when a rule runs out of archives, it also keeps the oldest one.  Periods are
in local time, as borg computes them.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["borg_prunable"]

PERIODS = (
    ("last", "%Y-%m-%d %H:%M:%S"),  # borg's --keep-last is --keep-secondly
    ("hourly", "%Y-%m-%d %H"),
    ("daily", "%Y-%m-%d"),
    ("weekly", "%G-%V"),
    ("monthly", "%Y-%m"),
    ("yearly", "%Y"),
)


def _split(times: list[dt.datetime], pattern: str, count: int, kept: set[int]) -> None:
    newest_first = sorted(range(len(times)), key=lambda i: times[i], reverse=True)
    last, taken, index = None, 0, None
    for index in newest_first:
        period = times[index].astimezone().strftime(pattern)
        if period != last:
            last = period
            if index not in kept:
                kept.add(index)
                taken += 1
                if taken == count:
                    return
    if index is not None and taken < count and index not in kept:
        kept.add(index)  # the oldest archive, when the rule could not fill its count


def borg_prunable(times: tuple[dt.datetime, ...], keep: dict[str, int]) -> int:
    """How many of the archives taken at ``times`` ``borg prune`` would delete under ``keep``."""
    kept: set[int] = set()
    for rule, pattern in PERIODS:
        if keep.get(rule):
            _split(list(times), pattern, int(keep[rule]), kept)
    return len(times) - len(kept)
