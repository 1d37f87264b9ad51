"""attestations.toml: people vouching for what no machine can observe.

Four kinds of entry (SPEC): ``[[attest]]`` (evidence for an item, optionally
expiring), ``[[waive]]`` (a known gap accepted until a date: waived, never passed),
``[[not_applicable]]`` and ``[[signoff]]`` (one per approval role).  A ``[deployment]``
table carries the sign-off metadata written on the record's testsuite.  Entries
naming unknown items are errors that list the nearest items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_biothings_ready.checklist.lookup import describe, find_item, nearest
from pytest_biothings_ready.checklist.model import Checklist, ChecklistItem
from pytest_biothings_ready.config.documents import bound_document
from pytest_biothings_ready.config.tomlfile import read_toml
from pytest_biothings_ready.errors import ConfigError

__all__ = ["Attestations", "Entry", "load_attestations"]

# kind -> (required fields, optional fields)
FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "attest": (
        ("item", "by", "date"),
        ("role", "expires", "evidence", "envs", "file", "sha256"),
    ),
    "waive": (("item", "by", "reason", "expires"), ("date", "envs", "role")),
    "not_applicable": (("item", "by", "reason"), ("date", "envs")),
    "signoff": (("role", "by", "date"), ("envs", "comment")),
}
DEPLOYMENT_FIELDS = ("date", "version", "environment", "lead")


@dataclass(frozen=True)
class Entry:
    """One entry of attestations.toml.

    Attributes:
        kind: attest, waive, not_applicable or signoff.
        item: id of the item it covers (for signoff: the approval line of its role).
        by: the person.
        date: when it was made.
        expires: when it stops counting (None: never).
        text: reason or evidence link, for the record.
        role: the person's role.
        envs: environments it applies to (empty: all).
        file: the document an attestation vouches for (relative to attestations.toml).
        sha256: the document's digest when it was attested.
        document_problem: why the document no longer matches ("" when it does, or
            when no document is named); see config/documents.py.
    """

    kind: str
    item: str
    by: str
    date: dt.date | None = None
    expires: dt.date | None = None
    text: str = ""
    role: str = ""
    envs: tuple[str, ...] = ()
    file: str = ""
    sha256: str = ""
    document_problem: str = ""

    def applies_to(self, env: str) -> bool:
        return not self.envs or env in self.envs

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and self.expires < today

    def describe(self) -> str:
        who = f"{self.by}, {self.role}" if self.role else self.by
        when = f" on {self.date}" if self.date else ""
        until = f", expires {self.expires}" if self.expires else ""
        return f"{who}{when}{until}"


@dataclass(frozen=True)
class Attestations:
    """All entries, indexed by item id.

    Attributes:
        path: the file (None when there is none).
        entries: by item id, in file order.
        deployment: the ``[deployment]`` metadata.
        sha256: hex digest of the file ("" without one).
    """

    path: Path | None = None
    entries: Mapping[str, tuple[Entry, ...]] = field(default_factory=dict)
    deployment: Mapping[str, str] = field(default_factory=dict)
    sha256: str = ""

    def for_item(self, item_id: str, kind: str, env: str) -> list[Entry]:
        """The entries of ``kind`` for ``item_id`` that apply to ``env``."""
        return [e for e in self.entries.get(item_id, ()) if e.kind == kind and e.applies_to(env)]


def load_attestations(path: Path | None, checklist: Checklist, today: dt.date) -> Attestations:
    """Parse and validate ``path`` against ``checklist``; None gives no entries."""
    if path is None:
        return Attestations()
    data, sha256 = read_toml(path, "attestations")
    unknown = sorted(set(data) - set(FIELDS) - {"deployment"})
    if unknown:
        raise ConfigError(
            f"{path}: unknown table {unknown[0]!r}; use [[attest]], [[waive]], "
            "[[not_applicable]], [[signoff]] or [deployment]"
        )
    entries: dict[str, list[Entry]] = {}
    for kind in FIELDS:
        for index, raw_entry in enumerate(_tables(data, kind, path), start=1):
            where = f"{path}: [[{kind}]] #{index}"
            entry = _entry(kind, raw_entry, where, checklist, today, path.parent)
            entries.setdefault(entry.item, []).append(entry)
    deployment = _deployment(data.get("deployment", {}), path)
    return Attestations(path, {k: tuple(v) for k, v in entries.items()}, deployment, sha256)


def _tables(data: Mapping[str, Any], kind: str, path: Path) -> list[Mapping[str, Any]]:
    tables = data.get(kind, [])
    if not isinstance(tables, list) or not all(isinstance(t, Mapping) for t in tables):
        raise ConfigError(f"{path}: {kind} must be written as [[{kind}]] tables")
    return tables


def _entry(
    kind: str, raw: Mapping[str, Any], where: str, checklist: Checklist, today: dt.date, base: Path
) -> Entry:
    required, optional = FIELDS[kind]
    for name in required:
        if name not in raw:
            raise ConfigError(f"{where}: missing {name!r} (required: {', '.join(required)})")
    for name in raw:
        if name not in required + optional:
            raise ConfigError(
                f"{where}: unknown key {name!r}; known: {', '.join(required + optional)}"
            )
    date, expires = _date(raw, "date", where), _date(raw, "expires", where)
    if date and date > today:
        raise ConfigError(f"{where}: date {date} is in the future")
    item = (
        _signoff_item(raw, where, checklist)
        if kind == "signoff"
        else _item(raw, where, checklist, kind)
    )
    file, sha256, problem = bound_document(raw, where, base, date)
    return Entry(
        kind=kind,
        item=item.id,
        by=_text(raw, "by", where),
        date=date,
        expires=expires,
        text=str(raw.get("reason") or raw.get("evidence") or raw.get("comment") or ""),
        role=str(raw.get("role", "")),
        envs=_envs(raw, where),
        file=file,
        sha256=sha256,
        document_problem=problem,
    )


def _item(raw: Mapping[str, Any], where: str, checklist: Checklist, kind: str) -> ChecklistItem:
    item = find_item(_text(raw, "item", where), checklist, where)
    if item.area == "signoff":
        raise ConfigError(
            f"{where}: {item.title!r} is an approval line; use [[signoff]] "
            f"with role = {item.title!r}"
        )
    if kind == "attest" and item.is_group:
        raise ConfigError(
            f"{where}: {item.title!r} is a group line; it passes when its "
            "lines pass, so attest the individual lines"
        )
    return item


def _signoff_item(raw: Mapping[str, Any], where: str, checklist: Checklist) -> ChecklistItem:
    role = _text(raw, "role", where)
    approvals = [i for i in checklist if i.area == "signoff"]
    for item in approvals:
        if item.title.casefold() == role.casefold():
            return item
    close = [i for i in nearest(role, checklist, 6) if i.area == "signoff"] or approvals
    raise ConfigError(f"{where}: no approval line for role {role!r}; roles: {describe(close)}")


def _text(raw: Mapping[str, Any], name: str, where: str) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {name} must be a non-empty string")
    return value.strip()


def _date(raw: Mapping[str, Any], name: str, where: str) -> dt.date | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise ConfigError(
        f"{where}: {name} must be a TOML date like 2026-11-20 (no quotes), got {value!r}"
    )


def _envs(raw: Mapping[str, Any], where: str) -> tuple[str, ...]:
    value = raw.get("envs", [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: envs must be a list of environment names")
    return tuple(value)


def _deployment(table: Any, path: Path) -> dict[str, str]:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{path}: [deployment] must be a table")
    for name in table:
        if name not in DEPLOYMENT_FIELDS:
            raise ConfigError(
                f"{path}: [deployment] unknown key {name!r}; known: {', '.join(DEPLOYMENT_FIELDS)}"
            )
    return {name: str(value) for name, value in table.items()}
