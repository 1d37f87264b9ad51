"""Alertmanager: where critical alerts go, how they escalate, and a live test alert.

The configuration comes from ``alertmanager_url`` (``/api/v2/status``, which returns
the loaded YAML) and/or the ``monitoring.alertmanager_config`` file (also checked
with ``amtool check-config`` when installed); both are judged the same way.  The
route tree is walked the way Alertmanager does for an alert carrying the critical
severity label.  Lines decided:

- Alert routing configured (Slack, email, PagerDuty)
- Alert escalation policies defined
- Alerting system tested
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.query import ALERTMANAGER, duration_seconds, get_json
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.observability.amfiles import (
    check_config_file,
    embedded_config,
)
from pytest_biothings_ready.probes.observability.amsuppress import (
    PROBE_NAME,
    inhibitions,
    labels_match,
    silenced_by,
)
from pytest_biothings_ready.probes.observability.amtime import muted_share
from pytest_biothings_ready.probes.observability.rules import amtool, load_yaml

__all__ = ["AlertmanagerConfig", "route_for"]

# A route muted more than this share of the time does not page anyone in practice.
MAX_MUTED_SHARE = 0.5
# Route options Alertmanager does not pass down to child routes.
_NOT_INHERITED = ("mute_time_intervals", "active_time_intervals")
DEFAULT_REPEAT = "4h"


@dataclass(frozen=True)
class AlertmanagerConfig:
    """One Alertmanager configuration.

    Attributes:
        source: the URL or file it came from.
        route: the root route (a mapping as in alertmanager.yml).
        receivers: receiver name -> its integrations (``slack_configs``...).
        problems: what amtool rejected.
        raw: the whole configuration (time intervals, inhibit rules).
    """

    source: str
    route: dict[str, Any]
    receivers: dict[str, tuple[str, ...]]
    problems: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)


def _parse(source: str, content: Any, problems: list[str]) -> AlertmanagerConfig:
    if not isinstance(content, dict) or not isinstance(content.get("route"), dict):
        raise ProbeError(f"{source} is not an Alertmanager configuration (no route)")
    receivers = {
        str(r.get("name")): tuple(
            k.removesuffix("_configs") for k, v in r.items() if k.endswith("_configs") and v
        )
        for r in content.get("receivers") or []
        if isinstance(r, dict)
    }
    return AlertmanagerConfig(source, content["route"], receivers, tuple(problems), content)


@gatherer("alertmanager-config")
def gather_alertmanager(ctx: Context) -> tuple[AlertmanagerConfig, ...]:
    """The live and file configurations that are configured (possibly none)."""
    import yaml

    found = []
    if ctx.env.get("alertmanager_url"):
        status = get_json(ctx.env, ALERTMANAGER, "/api/v2/status") or {}
        original = (status.get("config") or {}).get("original")
        if not isinstance(original, str):
            raise ProbeError("Alertmanager /api/v2/status carries no config.original")
        found.append(_parse(str(ctx.env.get("alertmanager_url")), yaml.safe_load(original), []))
    if path_setting := ctx.env.get("monitoring.alertmanager_config"):
        found.append(_from_file(ctx.env.path(str(path_setting))))
    return tuple(found)


def _from_file(path: Path) -> AlertmanagerConfig:
    """A plain alertmanager.yml, or the one a Secret/ConfigMap carries."""
    content = load_yaml(path)
    if embedded := embedded_config(str(path), content):
        shown = f"{path} ({embedded[0]})"
        complaint = check_config_file(embedded[1], amtool, shown)
        return _parse(shown, embedded[1], [complaint] if complaint else [])
    complaint = amtool("check-config", str(path))
    return _parse(str(path), content, [complaint] if complaint else [])


def _configs(ctx: Context) -> tuple[AlertmanagerConfig, ...]:
    configs: tuple[AlertmanagerConfig, ...] = ctx.evidence("alertmanager-config")
    if not configs:
        raise NotConfigured("alertmanager_url", ctx.env.name, "or monitoring.alertmanager_config")
    return configs


def route_for(
    route: dict[str, Any], labels: dict[str, str], inherited: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The effective leaf routes (receiver, repeat_interval, depth) an alert reaches."""
    kept = {k: v for k, v in (inherited or {}).items() if k not in _NOT_INHERITED}
    node = {**kept, **{k: v for k, v in route.items() if k != "routes"}}
    node["depth"] = (inherited or {}).get("depth", -1) + 1
    leaves: list[dict[str, Any]] = []
    children = route.get("routes")
    for child in children if isinstance(children, list) else []:
        if isinstance(child, dict) and labels_match(child, labels):
            leaves += route_for({**child, "continue": False}, labels, node)
            if not child.get("continue"):
                break
    return leaves or [node]


def _critical(ctx: Context) -> dict[str, str]:
    return {
        str(ctx.env.get("monitoring.severity_label")): str(
            ctx.env.get("monitoring.critical_value")
        ),
        "alertname": "ServiceDown",
    }


def _by_severity(leaf: dict[str, Any], label: str, critical: dict[str, str]) -> bool:
    """A nested route that matches on the severity label and not on lower severities too
    (``severity=~".+"`` catches everything: no escalation)."""
    keys = (
        str(leaf.get("matchers", "")) + str(leaf.get("match", "")) + str(leaf.get("match_re", ""))
    )
    lower = ({**critical, label: value} for value in ("warning", "info", "none"))
    return leaf["depth"] > 0 and label in keys and not any(labels_match(leaf, x) for x in lower)


def _wait_problem(leaf: dict[str, Any], limit: str) -> str | None:
    """A ``group_wait`` over an hour delays the first page; a ``group_interval`` over
    ``limit`` delays every new alert joining a group."""
    for key, default, bound in (("group_wait", "30s", "1h"), ("group_interval", "5m", limit)):
        if problem := _repeat_problem(str(leaf.get(key, default)), bound):
            return f"{key} {problem}"
    return None


def _repeat_problem(repeat: str, limit: str) -> str | None:
    """What is wrong with a critical ``repeat_interval`` against ``limit``, if anything."""
    try:
        slow = duration_seconds(repeat) > duration_seconds(limit)
    except ValueError:
        return f"{repeat!r} is not a duration"
    return f"{repeat} > {limit}" if slow else None


@gatherer("alertmanager-silences", needs=("alertmanager_url",))
def gather_silences(ctx: Context) -> Any:
    """The silences of ``alertmanager_url`` (``/api/v2/silences``), as it lists them."""
    return get_json(ctx.env, ALERTMANAGER, "/api/v2/silences") or []


def _muted(config: AlertmanagerConfig, leaf: dict[str, Any]) -> str | None:
    share = muted_share(config.raw, leaf)
    if share is None or share <= MAX_MUTED_SHARE:
        return None
    names = list(leaf.get("mute_time_intervals") or []) + list(
        leaf.get("active_time_intervals") or []
    )
    return (
        f"{config.source}: the critical route is muted {share:.0%} of the time "
        f"by time intervals {', '.join(map(str, names))} (at most {MAX_MUTED_SHARE:.0%})"
    )


def _suppressed(ctx: Context, config: AlertmanagerConfig) -> list[str]:
    """Inhibit rules of ``config`` and, when live, silences that mute every critical alert."""
    label = str(ctx.env.get("monitoring.severity_label"))
    probe = {**_critical(ctx), "alertname": PROBE_NAME}
    found = [f"{config.source}: {text}" for text in inhibitions(config.raw, probe, label)]
    if config.source == str(ctx.env.get("alertmanager_url") or ""):
        found += [f"{config.source}: {text}" for text in silenced_by(_silences(ctx), probe)]
    return found


def _silences(ctx: Context) -> Any:
    return ctx.evidence("alertmanager-silences")


@check(
    "Alert routing configured (Slack, email, PagerDuty)",
    uses=("alertmanager-config", "alertmanager-silences"),
)
def alert_routing_configured(ctx: Context) -> Verdict:
    """Critical alerts reach a receiver with a real integration, not an empty one.

    And they are not muted most of the time by time intervals, inhibited by an alert
    that always fires with them, or silenced (live Alertmanager).
    """
    findings, good = [], []
    for config in _configs(ctx):
        findings += list(config.problems)
        for leaf in route_for(config.route, _critical(ctx)):
            name = str(leaf.get("receiver", ""))
            kinds = config.receivers.get(name, ())
            where = f"{config.source}: critical alerts route to receiver {name!r}"
            if not kinds:
                findings.append(f"{where}, which has no integration (no *_configs)")
            elif muted := _muted(config, leaf):
                findings.append(muted)
            else:
                good.append(f"{where} ({', '.join(kinds)})")
        findings += _suppressed(ctx, config)
    if findings:
        return Verdict.failed("; ".join(findings))
    return Verdict.passed("; ".join(good))


@check("Alert escalation policies defined", uses=("alertmanager-config",))
def escalation_defined(ctx: Context) -> Verdict:
    """Alerts are routed by severity to their own receiver, with a sane repeat_interval."""
    label = str(ctx.env.get("monitoring.severity_label"))
    limit = str(ctx.env.get("monitoring.max_repeat_interval"))
    findings, good = [], []
    for config in _configs(ctx):
        findings += list(config.problems)
        leaves = route_for(config.route, _critical(ctx))
        by_severity = [leaf for leaf in leaves if _by_severity(leaf, label, _critical(ctx))]
        repeat = str(leaves[0].get("repeat_interval", DEFAULT_REPEAT))
        if not by_severity:
            findings.append(
                f"{config.source}: no nested route matches on {label!r}; "
                f"critical alerts go to the root receiver"
            )
        elif problem := _repeat_problem(repeat, limit):
            findings.append(f"{config.source}: critical repeat_interval {problem}")
        elif problem := _wait_problem(leaves[0], limit):
            findings.append(f"{config.source}: critical {problem}")
        else:
            good.append(
                f"{config.source}: critical alerts escalate to "
                f"{by_severity[0].get('receiver')!r}, repeat every {repeat}"
            )
    if findings:
        return Verdict.failed("; ".join(findings))
    return Verdict.passed("; ".join(good))
