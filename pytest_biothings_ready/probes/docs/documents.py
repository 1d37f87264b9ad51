"""Find the documentation files and read what the checks judge: headings, links, diagrams."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["DIAGRAM_SUFFIXES", "Document", "Section", "discover", "read_document", "shown_path"]

TEXT_SUFFIXES = (".md", ".markdown", ".rst", ".adoc", ".txt")
DIAGRAM_SUFFIXES = (
    ".png",
    ".svg",
    ".jpg",
    ".jpeg",
    ".gif",
    ".mmd",
    ".puml",
    ".drawio",
    ".dot",
    ".d2",
)
_SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", "site-packages"})
MAX_FILES = 2000
MAX_BODY = 2000
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)\s*(\S*)")
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


@dataclass(frozen=True)
class Section:
    """A heading and the text under it.

    Attributes:
        level: 1 for ``#``...; title: the heading text; body: its non-blank lines up to
        the next heading (code included), at most ``MAX_BODY`` characters.
    """

    level: int
    title: str
    body: str


@dataclass(frozen=True)
class Document:
    """One documentation file.

    Attributes:
        path: the file.
        shown: its path relative to the repository, for evidence.
        title: its first heading (else its file name).
        headings: every section below the title.
        intro: the title's own section (the text before the next heading), else None.
        links: relative links (files it points at), as written.
        broken: relative links whose target does not exist.
        diagrams: diagram files it embeds or links, and ``mermaid`` for each mermaid block.
    """

    path: Path
    shown: str
    title: str
    headings: tuple[Section, ...]
    links: tuple[str, ...]
    broken: tuple[str, ...]
    diagrams: tuple[str, ...]
    intro: Section | None = None

    def sections(self) -> list[Section]:
        """The title's section, then every other."""
        return ([self.intro] if self.intro else []) + list(self.headings)


def discover(root: Path, declared: list[Path]) -> tuple[list[Path], list[Path]]:
    """(documents found, declared paths that do not exist).  Nothing declared: README*,
    docs/ and the top-level Markdown guides under ``root``."""
    if not declared:
        declared = [p for p in sorted(root.glob("*")) if _is_default(p)]
    found: list[Path] = []
    missing = [p for p in declared if not p.exists()]
    for path in (p for p in declared if p.exists()):
        found.extend(_walk(path) if path.is_dir() else [path])
    return list(dict.fromkeys(found))[:MAX_FILES], missing


def _is_default(path: Path) -> bool:
    if path.is_dir():
        return path.name.lower() in ("docs", "doc", "documentation", "runbooks")
    return path.name.upper().startswith("README") or path.suffix.lower() in (".md", ".markdown")


def _walk(folder: Path) -> list[Path]:
    found = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        found += [Path(current) / f for f in sorted(files) if _is_doc_file(f)]
    return found


def _is_doc_file(name: str) -> bool:
    return name.lower().endswith(TEXT_SUFFIXES + DIAGRAM_SUFFIXES)


def _relative_target(link: str) -> str | None:
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path or link.startswith("#"):
        return None
    return unquote(parts.path)


@dataclass
class _Scan:
    """What one pass over a Markdown text finds (mutable while scanning)."""

    sections: list[Section] = field(default_factory=list)
    bodies: list[list[str]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    diagrams: list[str] = field(default_factory=list)
    fence: str | None = None

    def line(self, line: str) -> None:
        if match := _FENCE.match(line):
            self._fence(match)
        elif self.fence is None and (match := _HEADING.match(line)):
            self.sections.append(Section(len(match.group(1)), match.group(2), ""))
            self.bodies.append([])
            return
        elif self.fence is None:
            self.links += [m.group(1) for m in _LINK.finditer(line)]
        if self.bodies and line.strip():
            self.bodies[-1].append(line.strip())

    def _fence(self, match: re.Match[str]) -> None:
        if self.fence is None:
            self.fence = match.group(1)
            if match.group(2).lower() == "mermaid":
                self.diagrams.append("mermaid")
        elif match.group(1) == self.fence:
            self.fence = None

    def result(self) -> list[Section]:
        return [
            Section(s.level, s.title, "\n".join(body)[:MAX_BODY])
            for s, body in zip(self.sections, self.bodies, strict=True)
        ]


def read_document(path: Path, root: Path) -> Document:
    """Parse a Markdown (or plain text) file: sections outside code, links, diagrams."""
    scan = _Scan()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        scan.line(line)
    sections = scan.result()
    targets = [(link, t) for link in scan.links if (t := _relative_target(link)) is not None]
    broken = [link for link, t in targets if not _resolve(path, root, t).exists()]
    diagrams = scan.diagrams + [link for link, t in targets if t.lower().endswith(DIAGRAM_SUFFIXES)]
    title = sections[0].title if sections else path.stem
    return Document(
        path,
        shown_path(path, root),
        title,
        tuple(sections[1:]),
        tuple(link for link, _ in targets),
        tuple(broken),
        tuple(diagrams),
        sections[0] if sections else None,
    )


def _resolve(doc: Path, root: Path, target: str) -> Path:
    return root / target.lstrip("/") if target.startswith("/") else doc.parent / target


def shown_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
