"""What each SLO/KPI line is held to: :class:`Limit` and the readers of the settings.

Each reader takes the check's context and returns the bound, the requirement as
evidence states it and any note; a missing setting raises NotConfigured there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.query import duration_seconds
from pytest_biothings_ready.evidence.registry import Context
from pytest_biothings_ready.probes.observability.firing import never_fires
from pytest_biothings_ready.probes.observability.kpi import KpiValue
from pytest_biothings_ready.probes.observability.rules import RuleSet

__all__ = [
    "Limit",
    "alerts",
    "backup_limit",
    "cost_limit",
    "ms",
    "p95_limit",
    "pct",
    "setting",
    "threshold",
    "trend_limit",
    "uptime_limit",
]


@dataclass(frozen=True)
class Limit:
    """What a KPI is held to, as the environment sets it.

    Attributes:
        bound: the threshold the worst value is compared to.
        expected: the requirement as evidence states it (``< 1%``).
        note: appended to the observed value (``(of 3 rules)``, ``(was 412 ms)``).
        label: replaces the spec's label when the setting names it (alert labels).
    """

    bound: float
    expected: str
    note: str = ""
    label: str = ""


def pct(x: float) -> str:
    return f"{x * 100:.3g}%"


def ms(x: float) -> str:
    return f"{x * 1000:.0f} ms"


def threshold(name: str, wording: Callable[[float], str]) -> Callable[[Context], Limit]:
    def limit(ctx: Context) -> Limit:
        bound = ctx.env.threshold(name)
        return Limit(bound, wording(bound))

    return limit


def setting(key: str, wording: Callable[[float], str]) -> Callable[[Context], Limit]:
    def limit(ctx: Context) -> Limit:
        bound = float(ctx.env.require(f"monitoring.{key}"))
        return Limit(bound, wording(bound))

    return limit


def p95_limit(ctx: Context) -> Limit:
    limit_ms = ctx.env.threshold("p95_ms")
    return Limit(limit_ms / 1000, f"< {limit_ms:g} ms")


def uptime_limit(ctx: Context) -> Limit:
    bound = ctx.env.threshold("uptime")
    return Limit(bound, f"> {bound * 100:g}%")


def alerts(kind: str, value_key: str) -> Callable[[Context], Limit]:
    """No alert of ``monitoring.<kind>_label=<value_key>`` fired; such rules must exist."""

    def limit(ctx: Context) -> Limit:
        label = str(ctx.env.get(f"monitoring.{kind}_label"))
        value = str(ctx.env.get(f"monitoring.{value_key}"))
        rules = _alert_rules_exist(ctx, label, value)
        return Limit(0, "0", f"(of {rules} rules)", f"firing {label}={value} alerts")

    return limit


def trend_limit(ctx: Context) -> Limit:
    before: KpiValue = ctx.evidence("kpi-p95_previous")
    if not before.values:
        raise NotConfigured(
            "monitoring.slo_window",
            ctx.env.name,
            f"no data for the previous {before.history.window} window yet ({before.query})",
        )
    base = max(before.values)
    tolerance = float(ctx.env.get("monitoring.trend_tolerance"))
    expected = f"at most {tolerance * 100:g}% above the previous window"
    return Limit(base * (1 + tolerance), expected, f"(was {ms(base)})")


def cost_limit(ctx: Context) -> Limit:
    forecast = float(ctx.env.require("monitoring.cost_forecast"))
    tolerance = float(ctx.env.get("monitoring.cost_tolerance"))
    return Limit(forecast * (1 + tolerance), f"<= {forecast:g} + {tolerance * 100:g}%")


def backup_limit(ctx: Context) -> Limit:
    limit = str(ctx.env.get("monitoring.backup_max_age"))
    return Limit(duration_seconds(limit), f"within {limit}")


def _alert_rules_exist(ctx: Context, label: str, value: str) -> int:
    """How many loaded alert rules carry ``label=value`` and can fire (evaluating, not
    ``vector(0) > 1`` or ``for: 100y``): with none, silence proves nothing."""
    rules: RuleSet = ctx.evidence("prometheus-rules")
    matching = [a for a in rules.alerts if a.labels.get(label) == value]
    working = [a for a in matching if a.health != "err" and not never_fires(a)]
    if not working:
        broken = f" ({len(matching)} that cannot fire or do not evaluate)" if matching else ""
        raise NotConfigured(
            f"monitoring.{'security' if 'security' in label else 'severity'}_label",
            ctx.env.name,
            f"Prometheus has no working alert rule with {label}={value!r}{broken}, so "
            "none could have fired; add one or adjust the label setting",
        )
    return len(working)
