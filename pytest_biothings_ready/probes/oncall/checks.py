"""24/7 on-call rotation established: critical alerts page someone at every hour.

Reads the Alertmanager configuration the observability family gathers (live from
``alertmanager_url`` and/or the ``monitoring.alertmanager_config`` file) and walks its
route tree for a critical alert.  The rotation itself lives in the paging service; what
Alertmanager shows is that critical alerts reach it, and that no time interval mutes
them (``mute_time_intervals``) or limits them to business hours (``active_time_intervals``).
"""

from __future__ import annotations

from typing import Any

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.monitoring import AlertmanagerConfig, route_for
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict

__all__ = ["oncall_around_the_clock"]

_INTERVALS = ("mute_time_intervals", "active_time_intervals")


def _critical(ctx: Context) -> dict[str, str]:
    label = str(ctx.env.get("monitoring.severity_label"))
    return {label: str(ctx.env.get("monitoring.critical_value")), "alertname": "ServiceDown"}


def _leaf_problems(config: AlertmanagerConfig, leaf: dict[str, Any], paging: set[str]) -> list[str]:
    name = str(leaf.get("receiver", ""))
    where = f"{config.source}: critical alerts go to {name!r}"
    problems = []
    kinds = set(config.receivers.get(name, ()))
    if not kinds & paging:
        problems.append(
            f"{where} ({', '.join(sorted(kinds)) or 'no integration'}), which pages nobody"
        )
    for key in _INTERVALS:
        if leaf.get(key):
            problems.append(f"{where} with {key} {leaf[key]} (not around the clock)")
    return problems


@check("24/7 on-call rotation established", uses=("alertmanager-config",))
def oncall_around_the_clock(ctx: Context) -> Verdict:
    """Critical alerts route to a paging integration (PagerDuty, Opsgenie...) at all hours."""
    configs: tuple[AlertmanagerConfig, ...] = ctx.evidence("alertmanager-config")
    if not configs:
        raise NotConfigured("alertmanager_url", ctx.env.name, "or monitoring.alertmanager_config")
    paging = {str(p) for p in ctx.env.get("oncall.paging_integrations")}
    problems: list[str] = []
    good: list[str] = []
    for config in configs:
        problems += list(config.problems)
        for leaf in route_for(config.route, _critical(ctx)):
            found = _leaf_problems(config, leaf, paging)
            problems += found
            if not found:
                kinds = ", ".join(config.receivers.get(str(leaf.get("receiver")), ()))
                good.append(
                    f"{config.source}: critical alerts page via {leaf.get('receiver')!r} ({kinds})"
                )
    if problems:
        return Verdict.failed("; ".join(problems) + ".")
    return Verdict.passed(
        "; ".join(good) + ", with no mute or active time interval; the rotation's schedule "
        "is the paging service's."
    )
