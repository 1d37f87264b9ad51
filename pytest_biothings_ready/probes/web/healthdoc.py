"""Read a health endpoint's body: a JSON health document, plain text or an HTML page.

JSON documents in the common shapes are understood: a top-level ``status`` /
``state`` / ``health`` (Spring Boot Actuator ``{"status": "UP", "components":
{...}}``, MicroProfile Health ``{"status": "UP", "checks": [...]}``, the IETF
``application/health+json`` draft ``{"status": "pass", "checks": {...}}``, ASP.NET
``entries``), component statuses nested under ``checks``, ``components``,
``details``, ``services``, ``dependencies``, ``entries``, and flat fields whose value
is a status word (``{"status": "ok", "db": "down"}``).  The document passes only
when every status it states is a healthy word.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["BAD_WORDS", "GOOD_WORDS", "HealthDoc", "read_health", "shape"]

GOOD_WORDS = frozenset({"up", "ok", "healthy", "pass", "passed", "passing", "green"})
BAD_WORDS = frozenset(
    {
        "unhealthy", "down", "degraded", "fail", "failed", "failing", "failure", "error",
        "red", "critical", "unavailable", "out_of_service", "outofservice", "not ok",
        "unknown", "warn", "warning", "yellow", "starting", "stopped", "dead",
    }
)  # fmt: skip
STATUS_KEYS = ("status", "state", "health", "healthy", "overall", "ok")
CONTAINERS = ("checks", "components", "details", "services", "dependencies", "entries")
SHOWN_CHARS = 60
# Words that decide as a bare field value ("db": "down"); "error", "warn", "red"... are
# also log levels and colours, so only a status field's value is read for those.
FLAT_WORDS = frozenset(
    {
        "up", "ok", "healthy", "pass", "passed", "passing", "down", "unhealthy", "degraded",
        "fail", "failed", "failing", "failure", "unavailable", "out_of_service", "outofservice",
        "dead", "stopped",
    }
)  # fmt: skip
_HTML = re.compile(r"^\s*<(?:!doctype\s+html|html|head|body)\b|<html[\s>]", re.IGNORECASE)


@dataclass(frozen=True)
class HealthDoc:
    """What a health body says.

    Attributes:
        kind: ``json``, ``text``, ``html`` or ``empty``.
        read: what was read, for the evidence (statuses found, or the text).
        bad: the components (``status`` for the document itself) not healthy,
            as ``name: value``; empty when healthy.
        statuses: how many status fields the document states.
    """

    kind: str
    read: str
    bad: tuple[str, ...] = ()
    statuses: int = 0


def _word(value: Any) -> str | None:
    """The status word of ``value`` (booleans: ok / down); None when not a status."""
    if isinstance(value, bool):
        return "ok" if value else "down"
    if isinstance(value, str):
        return value.strip().lower().replace("-", "_")
    return None


def _statuses(node: Any, where: str, found: list[tuple[str, str]]) -> None:
    """Collect (component, word) from ``node`` and the containers below it."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            name = item.get("name") or item.get("componentId") if isinstance(item, dict) else None
            _statuses(item, f"{where}.{name or index}" if where else str(name or index), found)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        label = f"{where}.{key}" if where else str(key)
        lower = str(key).lower()
        if lower in STATUS_KEYS and (word := _word(value)) is not None:
            found.append((where or "status", word))
        elif lower in CONTAINERS or isinstance(value, dict | list):
            _statuses(value, "" if lower in CONTAINERS and not where else label, found)
        elif isinstance(value, str) and _word(value) in FLAT_WORDS:
            found.append((label, _word(value) or ""))


def _read_json(data: Any) -> HealthDoc:
    found: list[tuple[str, str]] = []
    _statuses(data, "", found)
    if not found:
        return HealthDoc("json", "a JSON document without a status field")
    bad = tuple(f"{name}: {word}" for name, word in found if word not in GOOD_WORDS)
    seen = ", ".join(f"{name}: {word}" for name, word in found[:8])
    more = f" (+{len(found) - 8} more)" if len(found) > 8 else ""
    return HealthDoc("json", f"JSON {seen}{more}", bad, len(found))


def _is_html(text: str) -> bool:
    """An HTML document, by its body (Flask serves a bare "OK" as text/html: that is text)."""
    return _HTML.search(text[:1024]) is not None


def read_health(content_type: str, body: bytes) -> HealthDoc:
    """Judge a health body by what it says, whatever its content type claims.

    ``content_type`` is only reported: a JSON document or "OK" served as text/html is
    read as what it is; an HTML page is HTML whatever the header says.
    """
    text = body.decode("utf-8", errors="replace")
    if _is_html(text):
        return HealthDoc("html", f"an HTML page ({text.strip()[:SHOWN_CHARS]!r})")
    if not text.strip():
        return HealthDoc("empty", "an empty body (judged by its status alone)")
    try:
        return _read_json(json.loads(text))
    except ValueError:
        pass
    served = f" served as {content_type.split(';')[0]}" if "html" in content_type.lower() else ""
    shown = repr(text.strip()[:SHOWN_CHARS]) + served
    first = text.strip().split()[0].strip(".:!,;").lower()
    bad = (f"text: {first}",) if first in BAD_WORDS or first == "not" else ()
    return HealthDoc("text", f"plain text {shown}", bad, 1 if first in GOOD_WORDS else 0)


def shape(body: bytes) -> Any:
    """A comparable form of a body: its JSON key paths and statuses, else its bytes."""
    try:
        data = json.loads(body)
    except ValueError:
        return body
    found: list[tuple[str, str]] = []
    _statuses(data, "", found)
    return (_keys(data, ""), tuple(found))


def _keys(node: Any, where: str) -> frozenset[str]:
    if isinstance(node, dict):
        keys = {f"{where}.{k}" for k in node}
        for key, value in node.items():
            keys |= _keys(value, f"{where}.{key}")
        return frozenset(keys)
    if isinstance(node, list):
        return frozenset().union(*(_keys(v, f"{where}[]") for v in node))
    return frozenset()
