"""The metric names a PromQL expression reads, written once for every family.

A name counts whether it carries a selector (``foo{job="x"}``, ``foo[5m]``) or stands bare
(``sum(foo)``, ``job:errors:ratio5m > 0.05``). Not names: string literals, label names and
values inside matchers, the label lists of ``by``/``without``/``on``/``ignoring``/
``group_left``/``group_right``, function names, keywords (``and``, ``offset``, ``bool``...),
durations and numbers, Grafana variables (``$job``) and ``#`` comments. A
``{__name__=~"re"}`` matcher is a pattern, returned apart; ``__name__="x"`` is the name x.
"""

from __future__ import annotations

import re

__all__ = ["metric_names", "name_patterns", "strip_comments"]

# A string literal (kept) or a ``#`` comment up to the end of its line (dropped).
_COMMENT = re.compile(r"(\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|`[^`]*`)|#[^\n]*")
_STRING = re.compile(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|`[^`]*`")
_MATCHERS = re.compile(r"\{[^}]*\}|\[[^\]]*\]")
_GROUPING = re.compile(
    r"(?<![\w:])(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", re.IGNORECASE
)
# An identifier that is not part of a longer word, a number, a variable or a call.
_IDENTIFIER = re.compile(r"(?<![\w:.$])([a-zA-Z_:][\w:]*)(?![\w:])(?!\s*\()")
_NAME_EXACT = re.compile(r'__name__\s*=\s*"([^"]*)"')
_NAME_REGEX = re.compile(r'__name__\s*=~\s*"([^"]*)"')
_KEYWORDS = frozenset(
    {"by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool"}
    | {"and", "or", "unless", "atan2", "inf", "nan"}
)


def strip_comments(expr: str) -> str:
    """``expr`` without ``#`` comments (a ``#`` inside a string is kept)."""
    return _COMMENT.sub(lambda m: m.group(1) or "", expr)


def metric_names(expr: str) -> frozenset[str]:
    """The metric and recording-rule names ``expr`` reads, bare or with a selector."""
    text = _STRING.sub(" ", strip_comments(expr))
    exact = set(_NAME_EXACT.findall(strip_comments(expr)))
    bare = _GROUPING.sub(" ", _MATCHERS.sub(" ", text))
    found = {m for m in _IDENTIFIER.findall(bare) if m.lower() not in _KEYWORDS}
    return frozenset(found | exact)


def name_patterns(expr: str) -> frozenset[str]:
    """The ``__name__=~"..."`` regexes of ``expr``'s selectors."""
    return frozenset(_NAME_REGEX.findall(strip_comments(expr)))
