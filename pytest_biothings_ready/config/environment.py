"""The resolved environment a run probes: one ``[env.NAME]`` table, validated.

Checks read settings through :meth:`Environment.get` and :meth:`Environment.require`
with dotted names (``"monitoring.severity_label"``); declared defaults apply, an
unset ``${VAR}`` raises :class:`MissingVariable` (the item is ``error``) and an absent
required setting raises :class:`NotConfigured` (the item is ``unverified``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pytest_biothings_ready.config.schema import keys, lookup
from pytest_biothings_ready.errors import MissingVariable, NotConfigured

__all__ = ["Environment", "Unset", "dig"]


@dataclass(frozen=True)
class Unset:
    """Placeholder for a ``${VAR}`` that was not set in the process environment."""

    variable: str


@dataclass(frozen=True, repr=False)
class Environment:
    """One environment, resolved from readiness.toml (or built in, for ``demo``).

    Attributes:
        name: the ``--ready-env`` name.
        settings: the merged ``[ready]`` defaults and ``[env.NAME]`` table.
        root: folder that relative paths in the settings are resolved against.
        secrets: every secret value (interpolated or under ``secrets``), for redaction.
        source: where the settings came from, for messages.
    """

    name: str
    settings: Mapping[str, Any]
    root: Path = field(default_factory=Path.cwd)
    secrets: frozenset[str] = frozenset()
    source: str = "readiness.toml"

    def __repr__(self) -> str:
        # Never the values: a failing test's traceback or assertion shows this repr,
        # and pytest cuts long reprs (mid-secret) before anything could redact them.
        return (
            f"<Environment {self.name!r} from {self.source}: {len(self.settings)} settings, "
            f"{len(self.secrets)} secrets (values hidden)>"
        )

    __str__ = __repr__

    def credential_pairs(self) -> list[tuple[str, str]]:
        """(username, password) couples in the settings, for masking Basic-auth forms."""
        pairs: list[tuple[str, str]] = []
        _pairs(self.settings, pairs)
        return pairs

    def get(self, key: str, default: Any = None) -> Any:
        """The setting ``key`` (dotted), its declared default, else ``default``."""
        value = dig(self.settings, key)
        if value is None:
            declared = lookup(key)
            value = declared.default if declared and declared.default is not None else default
        _raise_if_unset(value, key)
        return value

    def require(self, key: str, hint: str = "") -> Any:
        """The setting ``key``; raises :class:`NotConfigured` when absent or empty."""
        value = self.get(key)
        if value is None or value == "" or value == [] or value == {}:
            raise NotConfigured(key, self.name, hint)
        return value

    def path(self, value: str) -> Path:
        """A path from the settings, resolved against the config file's folder."""
        candidate = Path(value).expanduser()
        return candidate if candidate.is_absolute() else self.root / candidate

    @property
    def timeout(self) -> float:
        """Timeout of one network operation, seconds."""
        return float(self.get("timeout_s"))

    @property
    def production(self) -> bool:
        return bool(self.get("production"))

    def threshold(self, name: str) -> float:
        """A ``thresholds.NAME`` value."""
        return float(self.get(f"thresholds.{name}"))

    @property
    def http_url(self) -> str | None:
        """The plain-HTTP entry point: ``http_url``, else base_url with ``http://``."""
        explicit = self.get("http_url")
        if explicit:
            return str(explicit)
        base = self.get("base_url")
        if not base:
            return None
        parts = urlsplit(str(base))
        return parts._replace(scheme="http", netloc=parts.hostname or "").geturl()

    def hosts(self) -> list[str]:
        """Every host named by a URL setting, and ``hosts``: the traffic scope."""
        seen: dict[str, None] = {}
        for name, key in keys().items():
            if key.kind == "url" or (key.kind in ("list", "map") and key.values == "url"):
                for url in _urls(dig(self.settings, name)):
                    if host := urlsplit(url).hostname:
                        seen[host] = None
        if self.http_url and (host := urlsplit(self.http_url).hostname):
            seen[host] = None
        for host in self.get("hosts") or []:
            seen[str(host)] = None
        return list(seen)

    def in_scope(self, url: str) -> bool:
        """Whether ``url`` points at a host this environment names."""
        return urlsplit(url).hostname in self.hosts()

    def guard_production(self, what: str) -> None:
        """SPEC's guard: ``what`` (load, a burst) never runs where ``production = true``.

        Raises NotConfigured (the item is unverified, nothing was sent) unless
        ``allow_load_in_production = true``.
        """
        if self.production and not self.get("allow_load_in_production"):
            raise NotConfigured(
                "allow_load_in_production",
                self.name,
                f"refused: the environment is marked production = true, and {what} runs "
                "there only with allow_load_in_production = true; no traffic was sent",
            )


def _urls(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    if isinstance(value, Mapping):
        return [v for v in value.values() if isinstance(v, str)]
    return []


def _pairs(node: Any, found: list[tuple[str, str]]) -> None:
    if isinstance(node, Mapping):
        user = node.get("username", node.get("user"))
        password = node.get("password")
        if isinstance(user, str) and isinstance(password, str):
            found.append((user, password))
        for value in node.values():
            _pairs(value, found)
    elif isinstance(node, list):
        for value in node:
            _pairs(value, found)


def dig(settings: Mapping[str, Any], key: str) -> Any:
    """The value at dotted ``key`` in nested ``settings``, or None."""
    node: Any = settings
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _raise_if_unset(value: Any, key: str) -> None:
    if isinstance(value, Unset):
        raise MissingVariable(value.variable, key)
    if isinstance(value, Mapping):
        for sub, inner in value.items():
            _raise_if_unset(inner, f"{key}.{sub}")
    elif isinstance(value, list):
        for inner in value:
            _raise_if_unset(inner, key)
