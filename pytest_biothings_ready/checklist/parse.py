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


@dataclass
class _Parser:
    """Walks the lines once, tracking headings, nesting and repeated titles."""

    path: Path
    part: str = ""
    section: str = ""
    stack: list[_Open] = field(default_factory=list)
    built: dict[str, _Open] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)

    def heading(self, level: int, name: str) -> None:
        if level == 2:
            self.part = self.section = name
        elif level >= 3:
            self.section = name
        self.stack.clear()

    def checkbox(self, number: int, indent: int, mark: str, raw: str) -> None:
        title = clean_title(raw)
        if not title:
            raise ConfigError(f"checklist {self.path}, line {number}: checkbox without text")
        while self.stack and self.stack[-1].indent >= indent:
            self.stack.pop()
        section = self.section or "Checklist"
        parent = self.stack[-1] if self.stack else None
        item = ChecklistItem(
            id=self._new_id(section, title), title=title, section=section, part=self.part,
            area=area_for(section, self.part), line=number,
            parent=parent.item.id if parent else None, checked=mark in "xX",
        )  # fmt: skip
        if parent:
            parent.children.append(item.id)
        self.stack.append(_Open(item, indent))
        self.built[item.id] = self.stack[-1]

    def _new_id(self, section: str, title: str) -> str:
        """``section.title`` slugs; the n-th repeat under one section gets ``-n``."""
        base = f"{slugify(section) or 'section'}.{slugify(title) or 'item'}"
        self.seen[base] = self.seen.get(base, 0) + 1
        return base if self.seen[base] == 1 else f"{base}-{self.seen[base]}"

    def items(self) -> dict[str, ChecklistItem]:
        return {k: replace(o.item, children=tuple(o.children)) for k, o in self.built.items()}


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
    parser = _Parser(path)
    for number, line in enumerate(text.splitlines(), start=1):
        if heading := _HEADING.match(line):
            parser.heading(len(heading.group(1)), clean_heading(heading.group(2)))
        elif box := _CHECKBOX.match(line):
            indent = len(box.group(1).expandtabs(4))
            parser.checkbox(number, indent, box.group(2), box.group(3))
    if not parser.built:
        raise ConfigError(
            f"checklist {path} has no checkbox lines ('- [ ] text'); is it the right file?"
        )
    return Checklist(path=path, items=parser.items(), sha256=sha256)
