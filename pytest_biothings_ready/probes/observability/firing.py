"""When an alert rule cannot do its job: it never fires, or is not where it runs.

Used by the critical-alerts and error-rate lines of :mod:`.prometheus`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pytest_biothings_ready.probes.observability.rules import AlertRule, RuleSet

if TYPE_CHECKING:
    from pytest_biothings_ready.evidence.registry import Context

__all__ = ["MAX_FOR_S", "near_misses", "never_fires", "not_loaded", "short"]

_NEVER = re.compile(r"absent\s*\(\s*(vector\s*\(|[\d.]+\s*\))")
# A ``for`` longer than a day: the alert is pending long after anyone needed it.
MAX_FOR_S = 86400.0


def short(expr: str, limit: int = 120) -> str:
    """An expression cut for evidence (real rules run to several hundred characters)."""
    return expr if len(expr) <= limit else expr[: limit - 3] + "..."


def never_fires(rule: AlertRule) -> str | None:
    """Why ``rule`` can never notify anyone in practice, if it cannot.

    A ``for`` or group ``interval`` longer than :data:`MAX_FOR_S` (``for: 100y``) or not
    a duration, ``absent()`` of a constant, and an error-rate rule that selects no
    metric at all (``vector(0) > 1``).
    """
    if rule.for_s < 0 or rule.interval_s < 0:
        return f"{rule.name}: for or its group's interval is not a duration"
    if rule.for_s > MAX_FOR_S:
        return f"{rule.name}: for {rule.for_s / 86400:g}d exceeds 1d"
    if rule.interval_s > MAX_FOR_S:
        return f"{rule.name}: its group is evaluated every {rule.interval_s / 86400:g}d"
    if _NEVER.search(rule.expr):
        return f"{rule.name}: absent() of a constant never fires [{short(rule.expr)}]"
    if rule.is_error_alert() and not rule.selects_metric():
        return f"{rule.name}: selects no metric [{short(rule.expr)}]"
    return None


def near_misses(rules: RuleSet, label: str, value: str) -> list[str]:
    """Severity values that look critical but do not equal it (routes match exactly)."""
    seen = {a.labels[label] for a in rules.alerts if label in a.labels}
    return sorted(v for v in seen if v != value and v.lower()[:4] == value.lower()[:4])


def not_loaded(ctx: Context, live: RuleSet, files: RuleSet) -> list[str]:
    """Critical rules of the files that the live Prometheus does not evaluate."""
    label = str(ctx.env.get("monitoring.severity_label"))
    value = str(ctx.env.get("monitoring.critical_value"))
    loaded = {a.name for a in live.alerts}
    absent = sorted({a.name for a in files.alerts if a.labels.get(label) == value} - loaded)
    if not absent:
        return []
    return [
        f"critical rules of {files.source} that {live.source} does not load: "
        f"{', '.join(absent[:8])}"
    ]
