"""The declared keys of an environment table (``[env.NAME]`` in readiness.toml).

Every key a check reads is declared once with :func:`register`, with its type and a
one-line doc; the loader rejects anything undeclared and docs/configuration.md is
generated from this table.  Core keys are declared here; each probe family declares
its own next to its code (``register(...)`` at import time, no heavy imports).

Key names are dotted paths relative to ``[env.NAME]``: ``"monitoring.severity_label"``
is ``[env.NAME.monitoring] severity_label``.  A key of kind ``table`` with ``fields``
describes an array of tables (``[[env.NAME.smoke]]``); kind ``map`` is a free-form
table whose values all have the kind ``values``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

__all__ = ["KINDS", "Key", "keys", "lookup", "register"]


def _is_url(value: Any) -> bool:
    if not isinstance(value, str) or any(ord(c) < 0x21 or c == "\\" for c in value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a port out of range
        return bool(parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname)
    except ValueError:  # "http://[::1" and the like
        return False


_DURATION = re.compile(r"^\d+(ms|s|m|h|d|w)$")

# kind -> (predicate, human description used in error messages)
KINDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "str": (lambda v: isinstance(v, str), "a string"),
    "int": (lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer"),
    "float": (
        lambda v: isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v),
        "a number",
    ),
    "bool": (lambda v: isinstance(v, bool), "true or false"),
    "url": (_is_url, "an absolute http(s):// or ws(s):// URL"),
    "path": (lambda v: isinstance(v, str) and v != "", "a file path"),
    "duration": (
        lambda v: isinstance(v, str) and bool(_DURATION.match(v)),
        'a duration such as "90s", "5m", "1h" or "7d"',
    ),
    "date": (lambda v: hasattr(v, "isoformat"), "a TOML date (2026-11-20)"),
    "any": (lambda v: True, "any value"),
}


@dataclass(frozen=True)
class Key:
    """One declared setting.

    Attributes:
        name: dotted path relative to ``[env.NAME]``.
        kind: a :data:`KINDS` name, ``list`` (of ``values``), ``map`` (string keys,
            values of kind ``values``) or ``table`` (an array of tables with ``fields``).
        doc: one line for docs/configuration.md.
        default: the value used when the key is absent (``None``: no default).
        values: the element kind of a ``list`` or ``map``.
        fields: the keys of each table of a ``table`` array.
        family: which part of the plugin reads it (for the docs).
    """

    name: str
    kind: str
    doc: str
    default: Any = None
    values: str = "str"
    fields: tuple[Key, ...] = field(default=())
    family: str = "core"


_REGISTRY: dict[str, Key] = {}


def register(*declared: Key) -> None:
    """Declare keys; declaring the same name twice with a different kind is a bug."""
    for key in declared:
        known = _REGISTRY.get(key.name)
        if known is not None and known != key:
            raise ValueError(f"setting {key.name!r} declared twice differently")
        _REGISTRY[key.name] = key


def keys() -> Mapping[str, Key]:
    """All declared keys, by dotted name."""
    return dict(_REGISTRY)


def lookup(name: str) -> Key | None:
    """The declared key ``name``, or None."""
    return _REGISTRY.get(name)


register(
    Key("base_url", "url", "The HTTPS entry point; without it live lines are unverified."),
    Key("http_url", "url", "Plain-HTTP entry point; default: base_url with http://."),
    Key("health_path", "str", "Health endpoint path.", default="/api/health"),
    Key("websocket_url", "url", "WebSocket endpoint (wss://...)."),
    Key("metrics_url", "url", "Prometheus exposition endpoint of the service."),
    Key("prometheus_url", "url", "Prometheus HTTP API."),
    Key("alertmanager_url", "url", "Alertmanager HTTP API."),
    Key("ca_bundle", "path", "Extra trust anchors (PEM) for a private CA."),
    Key("timeout_s", "float", "Timeout of every network operation, seconds.", 5.0),
    Key("production", "bool", "Marks a production environment (guards load).", False),
    Key(
        "allow_load_in_production",
        "bool",
        "Lets load, stress and burst tests run where production = true.",
        False,
    ),
    Key("cors_allowed_origins", "list", "Origins CORS must allow.", values="str"),
    Key("allowed_ports", "list", "TCP ports allowed to be open.", values="int"),
    Key("dockerfiles", "list", "Dockerfiles to check.", values="path"),
    Key("compose_files", "list", "docker-compose files to check.", values="path"),
    Key("manifests", "list", "Kubernetes manifests: files or folders.", values="path"),
    Key("source_paths", "list", "Source trees scanned for secrets.", values="path"),
    Key("secrets", "map", "Secret values, usually ${VAR}; always redacted.", values="str"),
    Key("dns", "map", "Expected DNS answers: name = [addresses].", values="any"),
    Key("hosts", "list", "Extra hosts in scope for host-wide probes.", values="str"),
    Key("thresholds.p95_ms", "float", "p95 latency SLO, milliseconds.", 500),
    Key("thresholds.error_rate", "float", "Error ratio SLO.", 0.01),
    Key("thresholds.uptime", "float", "Availability SLO.", 0.999),
    Key("thresholds.task_success", "float", "Agent task success SLO.", 0.95),
    Key("thresholds.cert_min_days", "int", "Minimum certificate lifetime left.", 21),
    Key("thresholds.hsts_min_age", "int", "Minimum HSTS max-age, seconds.", 15552000),
    Key(
        "smoke",
        "table",
        "Smoke requests ([[env.NAME.smoke]]).",
        fields=(
            Key("name", "str", "Label shown in evidence."),
            Key("method", "str", "HTTP method.", "GET"),
            Key("path", "str", "Path below base_url."),
            Key("headers", "map", "Request headers.", values="str"),
            Key("json", "any", "JSON request body."),
            Key("expect_status", "int", "Expected status.", 200),
            Key("expect_json", "map", "Expected JSON fields (dotted paths).", values="any"),
            Key("covers", "list", "Other checklist lines this request evidences.", values="str"),
        ),
    ),
)
