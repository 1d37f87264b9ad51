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

import re
from typing import Any

__all__ = ["PROBE_NAME", "inhibitions", "labels_match", "silenced_by"]

PROBE_NAME = "ReadyProbeCriticalAlert"
_MATCHER = re.compile(r'^\s*([\w.]+)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$')
_ALWAYS_FIRING = ("Watchdog", "DeadMansSwitch", "AlwaysFiring")


def labels_match(node: dict[str, Any], labels: dict[str, str], prefix: str = "") -> bool:
    """Whether ``labels`` satisfy every ``PREFIXmatch``/``_re``/``matchers`` of ``node``.

    A matcher of the wrong shape (``match: "a=b"``) matches nothing: Alertmanager
    refuses such a file, and amtool's complaint is reported.  For inhibit rules
    (``prefix``), a negative matcher on a label the probe alert lacks
    (``namespace!="prod"``) is taken as not matching: real alerts carry that label, and
    such a rule does not catch *every* critical alert.
    """
    match = node.get(f"{prefix}match") or {}
    match_re = node.get(f"{prefix}match_re") or {}
    matchers = node.get(f"{prefix}matchers") or []
    if not (isinstance(match, dict) and isinstance(match_re, dict) and isinstance(matchers, list)):
        return False
    checks = [(k, "=", str(v)) for k, v in match.items()]
    checks += [(k, "=~", str(v)) for k, v in match_re.items()]
    for text in matchers:
        if found := _MATCHER.match(str(text)):
            checks.append((found[1], found[2], found[3]))
    if prefix and any(k not in labels and op in ("!=", "!~") for k, op, _ in checks):
        return False
    return all(_one(labels.get(k, ""), op, v) for k, op, v in checks)


def _one(value: str, op: str, wanted: str) -> bool:
    try:
        hit = value == wanted if op in ("=", "!=") else bool(re.fullmatch(wanted, value))
    except re.error:
        return False  # Alertmanager rejects the file; amtool says why.
    return hit if op in ("=", "=~") else not hit


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
    return _one(labels.get(str(matcher.get("name")), ""), op, str(matcher.get("value", "")))


def _shown(matcher: dict[str, Any]) -> str:
    op = ("=~" if matcher.get("isRegex") else "=") if matcher.get("isEqual", True) else None
    op = op or ("!~" if matcher.get("isRegex") else "!=")
    return f'{matcher.get("name")}{op}"{matcher.get("value")}"'
