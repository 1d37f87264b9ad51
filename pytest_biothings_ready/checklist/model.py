"""Checklist items: one per checkbox line, with stable ids.

Attributes of the tree are documented in docs/checklist-format.md; ids are
``<section-slug>.<title-slug>``, with ``-2``, ``-3``... appended in document order
when the same title repeats under one section.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Checklist", "ChecklistItem"]


@dataclass(frozen=True)
class ChecklistItem:
    """One checkbox line.

    Attributes:
        id: stable id, unique within the checklist.
        title: the line's text without Markdown emphasis, backticks or fill-in blanks.
        section: the ``###`` heading it sits under, without emoji.
        part: the ``##`` heading above it (may be empty).
        area: the area marker suffix (``security`` -> ``ready_security``).
        line: 1-based line number in the checklist file.
        parent: id of the bold group line it is nested under, if any.
        children: ids of the lines nested under it.
        checked: the box was ticked (``- [x]``) in the source; informational only.
    """

    id: str
    title: str
    section: str
    part: str
    area: str
    line: int
    parent: str | None = None
    children: tuple[str, ...] = ()
    checked: bool = False

    @property
    def is_group(self) -> bool:
        return bool(self.children)

    @property
    def marker(self) -> str:
        return f"ready_{self.area}"


@dataclass(frozen=True)
class Checklist:
    """A parsed checklist.

    Attributes:
        path: the Markdown file.
        items: every item, in document order, by id.
        sha256: hex digest of the file's bytes (for the record).
    """

    path: Path
    items: Mapping[str, ChecklistItem]
    sha256: str

    def __iter__(self) -> Iterator[ChecklistItem]:
        return iter(self.items.values())

    def __len__(self) -> int:
        return len(self.items)

    def sections(self) -> list[str]:
        """Section names in document order."""
        return list(dict.fromkeys(item.section for item in self))
