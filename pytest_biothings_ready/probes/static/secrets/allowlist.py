"""The secrets allowlist: known false positives accepted visibly, until they expire.

``secrets_allowlist`` names a TOML or YAML file of entries::

    [[accept]]
    file = "tests/fixtures/settings.env"   # as shown in evidence (relative path)
    line = 3                               # and/or hash = "<sha1 of the value>"
    type = "Secret Keyword"                # optional
    reason = "dummy value used by unit tests"
    expires = 2027-03-31                   # required; past it, the entry accepts nothing
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context
from pytest_biothings_ready.probes.static.common import display
from pytest_biothings_ready.probes.static.secrets.findings import Finding

__all__ = ["Accepted", "Entry", "load_allowlist", "split_findings"]


@dataclass(frozen=True)
class Entry:
    """One allowlist entry.

    Attributes:
        file, line, digest, type: what it matches (line/digest/type optional).
        reason: why the finding is acceptable.
        expires: last day it accepts.
    """

    file: str
    line: int | None
    digest: str | None
    type: str | None
    reason: str
    expires: dt.date

    def matches(self, hit: Finding) -> bool:
        return (
            self.file == hit.file
            and self.line in (None, hit.line)
            and self.digest in (None, hit.digest)
            and self.type in (None, hit.type)
        )


@dataclass(frozen=True)
class Accepted:
    """The findings an allowlist set aside, and entries that no longer apply.

    Attributes:
        active: findings still counted.
        accepted: (finding, entry) pairs accepted.
        expired: findings that matched an expired entry, with that entry.
    """

    active: tuple[Finding, ...]
    accepted: tuple[tuple[Finding, Entry], ...]
    expired: tuple[tuple[Finding, Entry], ...]

    def notes(self) -> str:
        parts = [
            f"accepted by allowlist: {f} ({e.reason}; until {e.expires})" for f, e in self.accepted
        ]
        parts += [f"allowlist entry for {f} expired {e.expires}" for f, e in self.expired]
        return (" " + "; ".join(parts) + ".") if parts else ""


def load_allowlist(ctx: Context) -> list[Entry]:
    """The entries of ``secrets_allowlist`` (none when unset)."""
    value = ctx.env.get("secrets_allowlist")
    if not value:
        return []
    path = ctx.env.path(str(value))
    shown = display(ctx.env, path)
    try:
        raw = _read(path.read_text(encoding="utf-8"), path.suffix)
    except OSError as exc:
        raise ProbeError(f"secrets_allowlist {shown}: cannot read ({exc})") from None
    except ValueError as exc:
        raise ProbeError(f"secrets_allowlist {shown}: does not parse ({exc})") from None
    entries = raw.get("accept") if isinstance(raw, Mapping) else None
    if not isinstance(entries, list):
        raise ProbeError(f"secrets_allowlist {shown}: expected a list of `accept` entries")
    return [_entry(shown, n, e) for n, e in enumerate(entries, 1)]


def _read(text: str, suffix: str) -> Any:
    if suffix in {".yaml", ".yml"}:
        import yaml

        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ValueError(str(exc).splitlines()[0]) from None
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(str(exc)) from None


def _entry(shown: str, number: int, raw: Any) -> Entry:
    if not isinstance(raw, Mapping):
        raise ProbeError(f"secrets_allowlist {shown}: entry {number} is not a table")
    expires = raw.get("expires")
    if isinstance(expires, str):
        expires = _date(expires)
    elif isinstance(expires, dt.datetime):
        expires = expires.date()
    problems = [k for k in ("file", "reason") if not isinstance(raw.get(k), str)]
    problems += [] if isinstance(expires, dt.date) else ["expires (a date)"]
    problems += [] if raw.get("line") or raw.get("hash") else ["line or hash"]
    if problems:
        raise ProbeError(f"secrets_allowlist {shown}: entry {number} needs {', '.join(problems)}")
    line = raw.get("line")
    return Entry(
        str(raw["file"]),
        int(line) if line else None,
        raw.get("hash"),
        raw.get("type"),
        str(raw["reason"]),
        expires if isinstance(expires, dt.date) else dt.date.min,
    )


def _date(text: str) -> Any:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def split_findings(findings: tuple[Finding, ...], entries: list[Entry]) -> Accepted:
    """Set aside findings matched by an unexpired entry."""
    today = dt.date.today()
    active, accepted, expired = [], [], []
    for hit in findings:
        match = next((e for e in entries if e.matches(hit)), None)
        if match is None:
            active.append(hit)
        elif match.expires >= today:
            accepted.append((hit, match))
        else:
            active.append(hit)
            expired.append((hit, match))
    return Accepted(tuple(active), tuple(accepted), tuple(expired))
