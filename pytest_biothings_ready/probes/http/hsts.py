"""Strict-Transport-Security read strictly as RFC 6797 §6.1 says a browser reads it.

Grammar (§6.1, with RFC 7230 token and quoted-string)::

    Strict-Transport-Security = [ directive ] *( ";" [ directive ] )
    directive                 = directive-name [ "=" directive-value ]
    directive-name            = token
    directive-value           = token / quoted-string

A user agent ignores the whole header when it does not conform (junk, a comma from
two joined headers, an unterminated quote), when a directive appears twice
(``max-age=31536000; max-age=0``), when ``max-age`` is missing or not
``delta-seconds`` (digits, possibly quoted), or when the valueless
``includeSubDomains`` carries a value.  Unknown directives that conform are ignored
(``preload`` is one: it is read and reported, as browsers' preload lists require
it).  Only the first header field counts when several are sent (§8.1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Hsts", "parse_hsts"]

_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED = r'"(?:[^"\\\x00-\x08\x0a-\x1f\x7f]|\\[\t\x20-\x7e\x80-\xff])*"'
_DIRECTIVE = re.compile(
    rf"[ \t]*(?P<name>{_TOKEN})[ \t]*(?:=[ \t]*(?P<value>{_TOKEN}|{_QUOTED})[ \t]*)?"
)
_WHITESPACE = re.compile(r"[ \t]*")


@dataclass(frozen=True)
class Hsts:
    """One Strict-Transport-Security value, judged.

    Attributes:
        raw: the header value as received.
        max_age: the ``max-age`` in seconds (None when missing or invalid).
        include_subdomains: ``includeSubDomains`` is present.
        preload: ``preload`` is present.
        problem: why a browser ignores the header; None when it is valid.
    """

    raw: str
    max_age: int | None = None
    include_subdomains: bool = False
    preload: bool = False
    problem: str | None = None

    @property
    def valid(self) -> bool:
        return self.problem is None

    def flags(self) -> str:
        """``includeSubDomains, preload`` (or ``no includeSubDomains, no preload``)."""
        sub = "includeSubDomains" if self.include_subdomains else "no includeSubDomains"
        return f"{sub}, {'preload' if self.preload else 'no preload'}"


def _directives(raw: str) -> list[tuple[str, str | None]] | str:
    """The (lower-cased name, unquoted value) pairs; a string says why it is malformed."""
    found: list[tuple[str, str | None]] = []
    for part in _split(raw):
        if _WHITESPACE.fullmatch(part):
            continue  # empty directives are allowed: "max-age=1;;"
        match = _DIRECTIVE.fullmatch(part)
        if match is None:
            return f"{part.strip()!r} is not a directive (token [= token / quoted-string])"
        value = match.group("value")
        if value is not None and value.startswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        found.append((match.group("name").lower(), value))
    return found


def _split(raw: str) -> list[str]:
    """Split on ``;`` outside quoted strings."""
    parts, current, quoted, escaped = [], "", False, False
    for char in raw:
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            parts.append(current)
            current = ""
            continue
        current += char
    return [*parts, current]


def parse_hsts(raw: str) -> Hsts:
    """Judge one header value per RFC 6797 §6.1."""
    directives = _directives(raw)
    if isinstance(directives, str):
        return Hsts(raw, problem=directives)
    names = [name for name, _ in directives]
    if twice := sorted({n for n in names if names.count(n) > 1}):
        return Hsts(raw, problem=f"directive {', '.join(twice)} appears more than once")
    values = dict(directives)
    sub, preload = "includesubdomains" in values, "preload" in values
    if values.get("includesubdomains") is not None:
        return Hsts(raw, None, sub, preload, "includeSubDomains must not carry a value")
    if "max-age" not in values:
        return Hsts(raw, None, sub, preload, "max-age is missing")
    age = values["max-age"]
    if age is None or not age.isascii() or not age.isdigit():
        return Hsts(raw, None, sub, preload, f"max-age {age!r} is not delta-seconds")
    return Hsts(raw, int(age), sub, preload)
