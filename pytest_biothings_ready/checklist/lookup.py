"""Find checklist items by id or by exact text, with suggestions when that fails."""

from __future__ import annotations

import difflib

from pytest_biothings_ready.checklist.model import Checklist, ChecklistItem
from pytest_biothings_ready.errors import ConfigError

__all__ = ["find_item", "nearest"]


def _norm(text: str) -> str:
    return " ".join(text.replace("`", "").replace("*", "").split()).casefold()


def nearest(ref: str, checklist: Checklist, count: int = 3) -> list[ChecklistItem]:
    """The items whose id or title is closest to ``ref``."""
    by_key: dict[str, ChecklistItem] = {}
    for item in checklist:
        by_key.setdefault(_norm(item.title), item)
        by_key.setdefault(item.id, item)
    keys = difflib.get_close_matches(_norm(ref), list(by_key), n=count * 2, cutoff=0.4)
    found = list(dict.fromkeys(by_key[key] for key in keys))
    return found[:count]


def describe(items: list[ChecklistItem]) -> str:
    """``"title" (id), ...`` for messages."""
    return "; ".join(f'"{i.title}" ({i.id})' for i in items) or "no similar item"


def find_item(ref: str, checklist: Checklist, where: str) -> ChecklistItem:
    """The item ``ref`` names (id, or title matched ignoring case and emphasis).

    Raises ConfigError naming ``where`` when no item or several items match.
    """
    if ref in checklist.items:
        return checklist.items[ref]
    wanted = _norm(ref)
    matches = [item for item in checklist if _norm(item.title) == wanted]
    if len(matches) == 1:
        return matches[0]
    if matches:
        ids = ", ".join(item.id for item in matches)
        raise ConfigError(f"{where}: {ref!r} matches several items; use an id: {ids}")
    raise ConfigError(
        f"{where}: no checklist item {ref!r}; nearest: {describe(nearest(ref, checklist))}"
    )
