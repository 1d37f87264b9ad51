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
# Keys whose boolean value is a state ({"db": {"connected": false}}).
BOOL_KEYS = frozenset(
    {"healthy", "ok", "up", "alive", "live", "ready", "available", "connected", "reachable"}
)
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
# Words that make a short text unhealthy wherever they stand ("status: down").
TEXT_WORDS = FLAT_WORDS - GOOD_WORDS | {"false"}
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


def _statuses(node: Any, where: str, found: list[tuple[str, str]], checks: bool = False) -> None:
    """Collect (component, word) from ``node`` and the containers below it.

    ``checks``: ``node`` is a container of component checks, where a boolean value is
    the component's state (``"checks": {"db": false}``).
    """
    if isinstance(node, list):
        for index, item in enumerate(node):
            name = item.get("name") or item.get("componentId") if isinstance(item, dict) else None
            label = f"{where}.{name or index}" if where else str(name or index)
            _statuses(item, label, found, checks)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        label = f"{where}.{key}" if where else str(key)
        lower = str(key).lower()
        if lower in STATUS_KEYS and (word := _word(value)) is not None:
            found.append((where or "status", word))
        elif lower in BOOL_KEYS and isinstance(value, bool):
            found.append((where or label, _word(value) or ""))
        elif lower in CONTAINERS:
            _statuses(value, where, found, checks=True)
        elif isinstance(value, dict | list):
            _statuses(value, label, found)
        elif (word := _flat_word(value, checks)) is not None:
            found.append((label, word))


def _flat_word(value: Any, checks: bool) -> str | None:
    """The status a bare field value states: an unambiguous word, or a check's boolean."""
    if isinstance(value, bool):
        return _word(value) if checks else None
    word = _word(value)
    return word if word in FLAT_WORDS else None


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
    bad = _text_problem(text)
    good = 1 if _tokens(text)[:1] and _tokens(text)[0] in GOOD_WORDS else 0
    return HealthDoc("text", f"plain text {text.strip()[:SHOWN_CHARS]!r}{served}", bad, good)


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z_]+", text[:200].lower())


def _text_problem(text: str) -> tuple[str, ...]:
    """A failure a short text states: its first word, or a failure word anywhere in it.

    "error" counts only as the first word ("0 errors", "error: none" are healthy texts).
    """
    tokens = _tokens(text)
    if tokens[:1] and (tokens[0] in BAD_WORDS or tokens[0] == "not"):
        return (f"text: {tokens[0]}",)
    found = [t for t in tokens if t in TEXT_WORDS]
    if found or re.search(r"\bnot (ok|healthy|ready|up)\b", text[:200].lower()):
        return (f"text: {found[0] if found else 'not ok'}",)
    return ()


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
