"""``[ready.policy]``: what waivers may do, and when expiries are worth a warning.

```toml
[ready.policy]
max_waiver_days = 90            # a waiver may run at most this long (from its date, else today)
expiring_soon_days = 14         # warn about waivers/attestations expiring this soon
max_waived_share = 0.1          # at most this share of the checklist's lines waived
waive_roles = { security = ["Security Lead", "CTO"] }   # who may waive which area
```

:func:`enforce` raises :class:`ConfigError` naming the first entry that breaks the
policy (the plugin turns it into a usage error before any test runs);
:func:`expiry_warnings` lists what expires within ``expiring_soon_days``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_biothings_ready.checklist.areas import AREAS
from pytest_biothings_ready.checklist.model import Checklist, ChecklistItem
from pytest_biothings_ready.checklist.topics import markers_for
from pytest_biothings_ready.config.attestations import Attestations, Entry
from pytest_biothings_ready.errors import ConfigError

__all__ = ["Policy", "enforce", "expiry_warnings", "load_policy"]

DEFAULT_EXPIRING_SOON_DAYS = 14
KEYS = ("max_waiver_days", "expiring_soon_days", "max_waived_share", "waive_roles")


@dataclass(frozen=True)
class Policy:
    """The sign-off policy (docs/governance.md).

    Attributes:
        max_waiver_days: longest allowed waiver in days (None: no limit).
        expiring_soon_days: expiries this close are warned about (0: never).
        max_waived_share: largest allowed share of waived lines, 0..1 (None: no cap).
        waive_roles: area -> roles allowed to waive a line of that area (or topic).
        where: the file and table, for messages.
    """

    max_waiver_days: int | None = None
    expiring_soon_days: int = DEFAULT_EXPIRING_SOON_DAYS
    max_waived_share: float | None = None
    waive_roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    where: str = "[ready.policy]"

    def describe(self) -> str:
        """One line for the record: the limits set ("" when only defaults apply)."""
        parts = []
        if self.max_waiver_days is not None:
            parts.append(f"max_waiver_days={self.max_waiver_days}")
        if self.expiring_soon_days != DEFAULT_EXPIRING_SOON_DAYS:
            parts.append(f"expiring_soon_days={self.expiring_soon_days}")
        if self.max_waived_share is not None:
            parts.append(f"max_waived_share={self.max_waived_share:g}")
        parts += [f"waive_roles.{a}={'|'.join(r)}" for a, r in sorted(self.waive_roles.items())]
        return ", ".join(parts)


def load_policy(table: Any, where: str) -> Policy:
    """Validate the ``[ready.policy]`` table (None: the defaults)."""
    if table is None:
        return Policy(where=where)
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: [ready.policy] must be a table")
    for key in table:
        if key not in KEYS:
            raise ConfigError(f"{where}: unknown key {key!r}; known: {', '.join(KEYS)}")
    return Policy(
        max_waiver_days=_days(table, "max_waiver_days", where),
        expiring_soon_days=_days(table, "expiring_soon_days", where)
        or (0 if "expiring_soon_days" in table else DEFAULT_EXPIRING_SOON_DAYS),
        max_waived_share=_share(table.get("max_waived_share"), where),
        waive_roles=_roles(table.get("waive_roles", {}), where),
        where=where,
    )


def _days(table: Mapping[str, Any], key: str, where: str) -> int | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{where}: {key} must be a whole number of days >= 0, got {value!r}")
    return value


def _share(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ConfigError(
            f"{where}: max_waived_share must be a number from 0 to 1 (0.1 = 10%), got {value!r}"
        )
    return float(value)


def _roles(value: Any, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise ConfigError(f'{where}: waive_roles must be a table: {{ security = ["CTO"] }}')
    roles: dict[str, tuple[str, ...]] = {}
    for area, names in value.items():
        if area not in AREAS:
            raise ConfigError(
                f"{where}: waive_roles names unknown area {area!r}; areas: {', '.join(AREAS)}"
            )
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            raise ConfigError(f"{where}: waive_roles.{area} must be a list of role names")
        roles[area] = tuple(names)
    return roles


def _waivers(attestations: Attestations, env: str, today: dt.date) -> Iterator[Entry]:
    for entries in attestations.entries.values():
        for entry in entries:
            if entry.kind == "waive" and entry.applies_to(env) and not entry.expired(today):
                yield entry


def _name(entry: Entry, checklist: Checklist, attestations: Attestations) -> str:
    title = checklist.items[entry.item].title
    who = f"by {entry.by}, expires {entry.expires}"
    return f"{attestations.path}: [[waive]] item = {title!r} ({who})"


def enforce(
    policy: Policy, attestations: Attestations, checklist: Checklist, env: str, today: dt.date
) -> None:
    """Raise ConfigError for the first waiver that breaks ``policy``."""
    waivers = list(_waivers(attestations, env, today))
    for entry in waivers:
        _check_length(policy, entry, today, _name(entry, checklist, attestations))
        _check_role(policy, entry, checklist, _name(entry, checklist, attestations))
    _check_share(policy, waivers, checklist, attestations)


def _check_length(policy: Policy, entry: Entry, today: dt.date, name: str) -> None:
    if policy.max_waiver_days is None or entry.expires is None:
        return
    start = entry.date or today
    span = (entry.expires - start).days
    if span > policy.max_waiver_days:
        since = f"from {entry.date}" if entry.date else "from today"
        raise ConfigError(
            f"{name}: waiver runs {span} days ({since}), over the policy's max_waiver_days = "
            f"{policy.max_waiver_days} ({policy.where}); shorten expires or fix the gap"
        )


def _areas(item: ChecklistItem, checklist: Checklist) -> set[str]:
    """The areas and topics of ``item`` and of every line below it (a waiver covers them)."""
    found = {marker.removeprefix("ready_") for marker in markers_for(item)}
    for child in item.children:
        found |= _areas(checklist.items[child], checklist)
    return found


def _check_role(policy: Policy, entry: Entry, checklist: Checklist, name: str) -> None:
    for area in sorted(_areas(checklist.items[entry.item], checklist)):
        allowed = policy.waive_roles.get(area)
        if allowed is None or entry.role in allowed:
            continue
        who = f"role {entry.role!r}" if entry.role else "no role"
        raise ConfigError(
            f"{name}: a {area} line waived by {who}; the policy allows only "
            f"{', '.join(repr(r) for r in allowed)} to waive {area} lines ({policy.where}); "
            'add role = "..." to the [[waive]] entry'
        )


def _covered(item_id: str, checklist: Checklist) -> set[str]:
    """The lines a waiver on ``item_id`` covers: itself, or every line below a group."""
    item = checklist.items[item_id]
    if not item.children:
        return {item.id}
    return set().union(*(_covered(child, checklist) for child in item.children))


def _check_share(
    policy: Policy, waivers: list[Entry], checklist: Checklist, attestations: Attestations
) -> None:
    if policy.max_waived_share is None or not waivers:
        return
    lines = [i for i in checklist if not i.is_group and i.area != "signoff"]
    waived = set().union(*(_covered(entry.item, checklist) for entry in waivers))
    share = len(waived) / max(len(lines), 1)
    if share > policy.max_waived_share:
        names = "; ".join(_name(e, checklist, attestations) for e in waivers[:5])
        raise ConfigError(
            f"{attestations.path}: waivers cover {len(waived)} of {len(lines)} lines "
            f"({share:.0%}), over the policy's max_waived_share = {policy.max_waived_share:g} "
            f"({policy.where}); waivers: {names}"
        )


def expiry_warnings(
    policy: Policy, attestations: Attestations, checklist: Checklist, env: str, today: dt.date
) -> list[str]:
    """One line per waiver or attestation of ``env`` expiring within the warning window."""
    if not policy.expiring_soon_days:
        return []
    horizon = today + dt.timedelta(days=policy.expiring_soon_days)
    warnings = []
    for entries in attestations.entries.values():
        for entry in entries:
            expires = entry.expires
            if expires is None or not entry.applies_to(env) or not today <= expires <= horizon:
                continue
            kind = "waiver" if entry.kind == "waive" else "attestation"
            left = (expires - today).days
            warnings.append(
                f"{kind} of {entry.item} ({checklist.items[entry.item].title}) by {entry.by} "
                f"expires on {expires}, in {left} day{'s' if left != 1 else ''}"
            )
    return warnings
