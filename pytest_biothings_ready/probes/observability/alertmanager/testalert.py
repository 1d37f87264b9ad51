"""A synthetic alert sent through Alertmanager's API v2, then looked up again.

This writes to the target (Alertmanager notifies whatever the alert routes to), so
it runs only when ``alertmanager_url`` is set and ``monitoring.send_test_alert`` is
true, which it is by default except where ``production = true``.  The alert ends
after two minutes on its own; route it to a quiet receiver with
``monitoring.test_alert_labels``.  Line decided: Alerting system tested.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.query import ALERTMANAGER, get_json, post_json
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict

if TYPE_CHECKING:
    from pytest_biothings_ready.probes.observability.alerting import AlertmanagerConfig

__all__ = ["TestAlert"]

ALERT_NAME = "BiothingsReadinessTestAlert"
LIFETIME = timedelta(minutes=2)


@dataclass(frozen=True)
class TestAlert:
    """What happened to the synthetic alert.

    Attributes:
        labels: the labels it was sent with.
        listed: whether Alertmanager listed it afterwards.
        receivers: the receivers Alertmanager routed it to.
        state: its state as listed (active, suppressed, unprocessed).
    """

    __test__ = False  # not a pytest test class, despite the name

    labels: dict[str, str]
    listed: bool
    receivers: tuple[str, ...] = ()
    state: str = ""


def _allowed(ctx: Context) -> bool:
    configured = ctx.env.get("monitoring.send_test_alert")
    return (not ctx.env.production) if configured is None else bool(configured)


@gatherer("alertmanager-test-alert", needs=("alertmanager_url",))
def send_test_alert(ctx: Context) -> TestAlert:
    """Post one short-lived alert and look for it in ``/api/v2/alerts``."""
    if not _allowed(ctx):
        raise NotConfigured(
            "monitoring.send_test_alert",
            ctx.env.name,
            "sending a test alert is off (default off in production)",
        )
    labels = {
        "alertname": ALERT_NAME,
        "severity": "none",
        "ready_run": uuid.uuid4().hex[:12],
        **{str(k): str(v) for k, v in (ctx.env.get("monitoring.test_alert_labels") or {}).items()},
    }
    now = datetime.now(UTC)
    post_json(
        ctx.env,
        ALERTMANAGER,
        "/api/v2/alerts",
        [
            {
                "labels": labels,
                "startsAt": now.isoformat(),
                "endsAt": (now + LIFETIME).isoformat(),
                "annotations": {"summary": "pytest-biothings-ready readiness test; ignore"},
            }
        ],
    )
    return _look_up(ctx, labels)


def _look_up(ctx: Context, labels: dict[str, str]) -> TestAlert:
    """Poll briefly: Alertmanager lists a new alert after its ingestion round."""
    deadline = time.monotonic() + ctx.timeout
    while True:
        listed = (
            get_json(
                ctx.env,
                ALERTMANAGER,
                "/api/v2/alerts",
                filter=f'ready_run="{labels["ready_run"]}"',
            )
            or []
        )
        if listed or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    if not listed:
        return TestAlert(labels, False)
    found = listed[0]
    receivers = tuple(str(r.get("name")) for r in found.get("receivers") or [])
    return TestAlert(labels, True, receivers, str((found.get("status") or {}).get("state")))


@check(
    "Alerting system tested",
    uses=("alertmanager-test-alert", "alertmanager-config"),
    needs=("alertmanager_url",),
)
def alerting_tested(ctx: Context) -> Verdict:
    """A synthetic alert posted to Alertmanager is accepted, listed and routed.

    Routed means to a receiver with an integration: accepted but never listed, listed
    with no receiver, or routed only to receivers without an integration (a ``null``
    receiver: nobody is told) all fail.
    """
    result: TestAlert = ctx.evidence("alertmanager-test-alert")
    url = str(ctx.env.get("alertmanager_url"))
    sent = f"test alert {{{', '.join(f'{k}={v}' for k, v in result.labels.items())}}}"
    if not result.listed:
        return Verdict.failed(
            f"{sent} posted to {url} was accepted but not listed within {ctx.timeout:g} s"
        )
    if not result.receivers:
        return Verdict.failed(f"{sent} posted to {url} is listed but routed to no receiver")
    routed = _integrations(ctx, url, result.receivers)
    if not any(routed.values()):
        names = ", ".join(repr(r) for r in result.receivers)
        return Verdict.failed(
            f"{sent} posted to {url} is listed but routed only to {names}, with no "
            "integration (no *_configs): nobody is notified"
        )
    shown = ", ".join(f"{r} ({', '.join(k)})" if k else r for r, k in routed.items())
    return Verdict.passed(
        f"{sent} posted to {url} is listed ({result.state}) and routed to {shown}"
    )


def _integrations(ctx: Context, url: str, receivers: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Each receiver's integrations, read from the live configuration at ``url``."""
    configs: tuple[AlertmanagerConfig, ...] = ctx.evidence("alertmanager-config")
    live = next((c for c in configs if c.source == url), None)
    if live is None:
        raise ProbeError(f"Alertmanager {url} did not show its configuration (/api/v2/status)")
    return {name: live.receivers.get(name, ()) for name in receivers}
