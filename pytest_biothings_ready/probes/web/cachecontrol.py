"""``Cache-Control`` read as a cache reads it (RFC 9111 §5.2).

Directive names are case-insensitive; values may be tokens or quoted strings, and a
comma inside quotes does not end a directive.  A freshness directive (``max-age``,
``s-maxage``) given twice with different values, or with a value that is not a
non-negative integer, is invalid: RFC 9111 §4.2.1 has caches treat such a response
as stale, so it earns no lifetime here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CacheControl", "parse_cache_control"]

_DIRECTIVE = re.compile(r'\s*([^=,\s]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^,]*))?\s*(?:,|$)')
_FRESHNESS = ("max-age", "s-maxage")


@dataclass(frozen=True)
class CacheControl:
    """The directives of one ``Cache-Control`` header.

    Attributes:
        directives: lower-cased names mapped to their unquoted values ("" for none).
        conflicts: freshness directives that were duplicated with different values or
            whose value is not a non-negative integer.
    """

    directives: dict[str, str]
    conflicts: tuple[str, ...]

    def has(self, name: str) -> bool:
        return name in self.directives

    def seconds(self, name: str) -> int | None:
        """The integer value of ``max-age``/``s-maxage``; None when absent or invalid."""
        if name in self.conflicts or name not in self.directives:
            return None
        return int(self.directives[name])

    @property
    def shared_lifetime(self) -> int | None:
        """What a shared cache (a CDN) keeps it: ``s-maxage``, else ``max-age``."""
        shared = self.seconds("s-maxage")
        return shared if shared is not None else self.seconds("max-age")

    def storable(self) -> str | None:
        """Why no cache may store or reuse the answer; None when one may."""
        if self.has("no-store"):
            return "no-store forbids storing it"
        if self.conflicts:
            return f"{', '.join(self.conflicts)} is invalid (duplicated or not a number)"
        return None


def parse_cache_control(header: str | None) -> CacheControl:
    """The directives of ``header`` (a header joined from several lines works too)."""
    directives: dict[str, str] = {}
    conflicts: list[str] = []
    for match in _DIRECTIVE.finditer(header or ""):
        name = match.group(1).lower()
        raw = (match.group(2) or "").strip()
        value = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw
        if name in _FRESHNESS and (not value.isdigit() or directives.get(name, value) != value):
            conflicts.append(name)
        directives.setdefault(name, value)
    return CacheControl(directives, tuple(dict.fromkeys(conflicts)))
