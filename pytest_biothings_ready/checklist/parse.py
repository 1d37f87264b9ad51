"""Parse a Markdown checkbox checklist into a :class:`Checklist`.

Recognized: ``#`` title, ``##`` parts, ``###`` (and deeper) sections, with or without
emoji; ``- [ ]`` / ``- [x]`` lines (``*`` and ``+`` bullets too) nested by indentation.
Everything else is prose and ignored.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from pytest_biothings_ready.checklist.areas import area_for
from pytest_biothings_ready.checklist.model import Checklist, ChecklistItem
from pytest_biothings_ready.errors import ConfigError

__all__ = ["BUILTIN", "clean_title", "load_checklist", "parse_checklist", "slugify"]

BUILTIN = Path(__file__).with_name("biothings-production-checklist.md")

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_CHECKBOX = re.compile(r"^(\s*)[-*+]\s+\[([ xX])\]\s*(.*?)\s*$")
_BLANK = re.compile(r"_{3,}")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|~~)(.+?)\1")


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by ``-`` (``"TLS 1.2+ only"`` -> ``tls-1-2-only``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def clean_title(text: str) -> str:
    """The line's text without emphasis, backticks, links or fill-in blanks.

    A line with fill-in blanks (``**Technical Lead**: ____ Date: ____``) keeps the
    text before its first blank, without the trailing colon: ``Technical Lead``.
    """
    text = _LINK.sub(r"\1", text).replace("`", "")
    blanked = bool(_BLANK.search(text))
    text = _BLANK.split(text)[0]
    text = _EMPHASIS.sub(r"\2", _EMPHASIS.sub(r"\2", text))
    if blanked:
        text = text.strip().rstrip(":")
    return " ".join(text.split())


def clean_heading(text: str) -> str:
    """A heading without emoji or decoration around it."""
    text = clean_title(text)
    start = 0
    while start < len(text) and not text[start].isalnum():
        start += 1
    return text[start:].strip()


@dataclass
class _Open:
    """An item under construction (children are collected before freezing)."""

    item: ChecklistItem
    indent: int
    children: list[str] = field(default_factory=list)


def load_checklist(path: Path) -> Checklist:
    """Read and parse ``path``; ConfigError on an unreadable or empty checklist."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read checklist {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"checklist {path} is not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8"
        ) from None
    return parse_checklist(text, path, hashlib.sha256(data).hexdigest())


def parse_checklist(text: str, path: Path, sha256: str = "") -> Checklist:
    """Parse Markdown ``text`` (read from ``path``) into a checklist."""
    part = section = ""
    stack: list[_Open] = []
    built: dict[str, _Open] = {}
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if heading := _HEADING.match(line):
            level, name = len(heading.group(1)), clean_heading(heading.group(2))
            if level == 2:
                part = section = name
            elif level >= 3:
                section = name
            stack.clear()
            continue
        box = _CHECKBOX.match(line)
        if not box:
            continue
        indent, mark, raw = len(box.group(1).expandtabs(4)), box.group(2), box.group(3)
        title = clean_title(raw)
        if not title:
            raise ConfigError(f"checklist {path}, line {number}: checkbox without text")
        while stack and stack[-1].indent >= indent:
            stack.pop()
        sect = section or "Checklist"
        base = f"{slugify(sect) or 'section'}.{slugify(title) or 'item'}"
        seen[base] = seen.get(base, 0) + 1
        item_id = base if seen[base] == 1 else f"{base}-{seen[base]}"
        parent = stack[-1] if stack else None
        item = ChecklistItem(
            id=item_id,
            title=title,
            section=sect,
            part=part,
            area=area_for(sect, part),
            line=number,
            parent=parent.item.id if parent else None,
            checked=mark in "xX",
        )
        if parent:
            parent.children.append(item_id)
        stack.append(_Open(item, indent))
        built[item_id] = stack[-1]
    if not built:
        raise ConfigError(
            f"checklist {path} has no checkbox lines ('- [ ] text'); is it the right file?"
        )
    items = {k: replace(o.item, children=tuple(o.children)) for k, o in built.items()}
    return Checklist(path=path, items=items, sha256=sha256)
