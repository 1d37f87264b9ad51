"""What keeps a routed critical alert from anyone: inhibit rules and live silences.

A critical alert probe is the configured severity label with an alert name no
configuration mentions, so only matchers that catch *every* critical alert apply.
An inhibit rule mutes it when its target matchers catch it and a source that fires
alongside it exists: any alert at all (empty ``equal`` with an empty source or the
always-firing ``Watchdog``), another critical alert (empty ``equal``), or the lower
severity sibling of the same alert (warning fires whenever critical does).  A
silence mutes it when all its matchers match.
"""

from __future__ import annotations

from typing import Any

from pytest_biothings_ready.evidence.monitoring import (
    labels_match,
    matcher_holds,
)

__all__ = ["PROBE_NAME", "inhibitions", "labels_match", "silenced_by"]

PROBE_NAME = "ReadyProbeCriticalAlert"
_ALWAYS_FIRING = ("Watchdog", "DeadMansSwitch", "AlwaysFiring")


def _muting_source(rule: dict[str, Any], target: dict[str, str], label: str) -> str | None:
    equal = {str(e) for e in rule.get("equal") or []}
    if not equal:
        for name in _ALWAYS_FIRING:
            if labels_match(rule, {"alertname": name, label: "none"}, "source_"):
                return f"the always-firing {name} alert (no equal labels)"
        other = {**target, "alertname": "AnyOtherCriticalAlert"}
        if labels_match(rule, other, "source_"):
            return "any other critical alert (no equal labels)"
    if label in equal:
        return None
    for severity in ("warning", "info", "none", "high", "major"):
        sibling = {**target, label: severity}
        if labels_match(rule, sibling, "source_") and not labels_match(rule, sibling, "target_"):
            return f"its own {label}={severity} sibling, which fires whenever it does"
    return None


def inhibitions(config: dict[str, Any], target: dict[str, str], label: str) -> list[str]:
    """The inhibit rules that mute every alert labelled ``target``, with why."""
    found = []
    for index, rule in enumerate(config.get("inhibit_rules") or []):
        if not isinstance(rule, dict) or not labels_match(rule, target, "target_"):
            continue
        if source := _muting_source(rule, target, label):
            found.append(f"inhibit_rules[{index}] mutes every critical alert while {source}")
    return found


def silenced_by(silences: Any, labels: dict[str, str]) -> list[str]:
    """Active silences (``/api/v2/silences``) whose matchers all match ``labels``."""
    found = []
    for silence in silences if isinstance(silences, list) else []:
        if not isinstance(silence, dict) or (silence.get("status") or {}).get("state") != "active":
            continue
        matchers = [m for m in silence.get("matchers") or [] if isinstance(m, dict)]
        if matchers and all(_silence_matcher(m, labels) for m in matchers):
            shown = ",".join(_shown(m) for m in matchers)
            found.append(
                f"silence {silence.get('id', '?')} {{{shown}}} by "
                f"{silence.get('createdBy', '?')} until {silence.get('endsAt', '?')}"
            )
    return found


def _silence_matcher(matcher: dict[str, Any], labels: dict[str, str]) -> bool:
    """One silence matcher; negative ones on labels the probe lacks do not match (a
    ``namespace!="prod"`` silence does not silence every critical alert)."""
    op = ("=~" if matcher.get("isRegex") else "=") if matcher.get("isEqual", True) else None
    op = op or ("!~" if matcher.get("isRegex") else "!=")
    if op in ("!=", "!~") and str(matcher.get("name")) not in labels:
        return False
    return matcher_holds(
        labels.get(str(matcher.get("name")), ""), op, str(matcher.get("value", ""))
    )


def _shown(matcher: dict[str, Any]) -> str:
    op = ("=~" if matcher.get("isRegex") else "=") if matcher.get("isEqual", True) else None
    op = op or ("!~" if matcher.get("isRegex") else "!=")
    return f'{matcher.get("name")}{op}"{matcher.get("value")}"'
