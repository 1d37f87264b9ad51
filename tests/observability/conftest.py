"""One monitoring stack for the whole folder: exporters, Prometheus, Alertmanager.

Started once per session (Prometheus needs about five seconds before its first
scrape): a healthy exporter (job ``good``), a degraded one (job ``bad``: 3% errors,
p95 from 800 ms and rising, 90% task success, a growing memory, 1.5 CPU cores, LLM
spend 130, last backup three days ago) and a target
nothing listens on (job ``down``), scraped every second, with rules that have a
critical down alert, a critical error-rate alert and a security alert (firing for
``down`` and ``bad``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from tests.support.monitoring import (
    alertmanager,
    exporter_app,
    prometheus,
    scrape_config,
    wait_for_samples,
)
from tests.support.servers import free_port, serve_asgi

ERROR_RATIO = (
    'sum by (job) (rate(biothings_http_requests_total{status=~"5.."}[1m]))'
    " / sum by (job) (rate(biothings_http_requests_total[1m]))"
)


@dataclass(frozen=True)
class Stack:
    """The running stack.

    Attributes:
        good: metrics URL of the healthy exporter.
        bad: metrics URL of the degraded exporter.
        runbooks: base URL of the runbook server (``/runbooks/ok`` answers 200).
        prometheus: Prometheus URL.
        alertmanager: Alertmanager URL.
        folder: the session's scratch folder.
    """

    good: str
    bad: str
    runbooks: str
    prometheus: str
    alertmanager: str
    folder: Path


def rules(runbooks: str) -> dict[str, object]:
    """The rule file the stack's Prometheus loads."""
    link = {"runbook_url": f"{runbooks}/runbooks/ok"}
    return {
        "groups": [
            {
                "name": "service",
                "rules": [
                    {
                        "alert": "ServiceDown",
                        "expr": "up == 0",
                        "labels": {"severity": "critical"},
                        "annotations": link,
                    },
                    {
                        "alert": "HighErrorRate",
                        "expr": f"{ERROR_RATIO} > 0.02",
                        "labels": {"severity": "critical"},
                        "annotations": link,
                    },
                    {
                        "alert": "SuspiciousErrorBurst",
                        "expr": "sum by (job) (rate("
                        'biothings_http_requests_total{status="500"}[1m])) > 0',
                        "labels": {"severity": "warning", "category": "security"},
                        "annotations": link,
                    },
                ],
            }
        ]
    }


ALERTMANAGER = {
    "route": {
        "receiver": "default",
        "group_by": ["alertname"],
        "repeat_interval": "1h",
        "routes": [
            {"matchers": ['severity="critical"'], "receiver": "pager", "repeat_interval": "1h"}
        ],
    },
    "receivers": [
        {
            "name": "default",
            "email_configs": [
                {"to": "ops@example.org", "from": "am@example.org", "smarthost": "127.0.0.1:25"}
            ],
        },
        # Loopback only: notifications must not leave the machine.
        {
            "name": "pager",
            "pagerduty_configs": [{"routing_key": "abc123", "url": "http://127.0.0.1:9/"}],
        },
    ],
}


def _runbook_app() -> Starlette:
    async def ok(request: object) -> PlainTextResponse:
        return PlainTextResponse("Restart the service.")

    return Starlette(routes=[Route("/runbooks/ok", ok)])


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The shared monitoring stack, with a few samples of every job scraped."""
    folder = tmp_path_factory.mktemp("monitoring")
    bad = exporter_app(
        errors=0.03,
        latency=0.75,
        latency_growth=0.05,
        task_success=0.9,
        cpu=1.5,
        leak_bytes=20_000_000,
        llm_spend=130.0,
        backup_age_s=3 * 86400,
    )
    with (
        serve_asgi(exporter_app()) as good_url,
        serve_asgi(bad) as bad_url,
        serve_asgi(_runbook_app()) as runbooks,
    ):
        jobs = scrape_config(
            good=good_url + "/metrics",
            bad=bad_url + "/metrics",
            down=f"http://127.0.0.1:{free_port()}/metrics",
        )
        with alertmanager(folder / "am", ALERTMANAGER) as am:
            alerting = {
                "alertmanagers": [{"static_configs": [{"targets": [am[len("http://") :]]}]}]
            }
            config = {**jobs, "alerting": alerting}
            with prometheus(folder / "prom", config, rules(runbooks)) as prom:
                wait_for_samples(prom, "count_over_time(up[1m]) >= 3", count=3)
                wait_for_samples(prom, 'ALERTS{alertstate="firing"}', count=3)
                yield Stack(good_url + "/metrics", bad_url + "/metrics", runbooks, prom, am, folder)
