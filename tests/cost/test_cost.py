"""Cost lines: dashboards and budget alerts on files, resource series in a real Prometheus,
spot placement from manifests."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from prometheus_client import CollectorRegistry, Gauge, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pytest_biothings_ready.model import Status, Verdict
from tests.support.evaluate import judge
from tests.support.monitoring import exporter_app, prometheus, scrape_config
from tests.support.servers import free_port, serve_asgi

SPEND = "biothings_llm_spend_dollars"


def _panel(title: str, expr: str) -> dict[str, Any]:
    return {"title": title, "uid": title.lower(), "panels": [{"targets": [{"expr": expr}]}]}


@pytest.fixture(scope="module")
def exporter() -> Iterator[str]:
    """An exporter with process CPU/memory and an LLM spend gauge: its /metrics URL."""
    with serve_asgi(exporter_app()) as url:
        yield url + "/metrics"


def _files(root: Path, **files: Any) -> None:
    for name, content in files.items():
        path = root / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else yaml.safe_dump(content))


def _dashboards(root: Path, exporter: str, *boards: dict[str, Any]) -> Verdict:
    for index, board in enumerate(boards):
        _files(root, **{f"dash__{index}.json": json.dumps(board)})
    settings = {"metrics_url": exporter, "timeout_s": 2, "monitoring": {"dashboards": ["dash"]}}
    return judge("Cost monitoring dashboards configured", settings, root=root)


def test_a_dashboard_on_an_existing_cost_metric_passes(tmp_path: Path, exporter: str) -> None:
    verdict = _dashboards(tmp_path, exporter, _panel("LLM spend", f"sum({SPEND})"))
    assert verdict.status is Status.PASSED, verdict.evidence


def test_dashboards_without_a_cost_panel_fail(tmp_path: Path, exporter: str) -> None:
    verdict = _dashboards(tmp_path, exporter, _panel("CPU", "rate(process_cpu_seconds_total[5m])"))
    assert verdict.status is Status.FAILED
    assert "names a cost metric" in verdict.evidence


def test_a_cost_panel_on_a_metric_nobody_exports_fails(tmp_path: Path, exporter: str) -> None:
    verdict = _dashboards(tmp_path, exporter, _panel("Cloud", "sum(aws_billing_cost_usd)"))
    assert verdict.status is Status.FAILED
    assert "do not exist" in verdict.evidence


RECEIVERS = [
    {
        "name": "chat",
        "slack_configs": [{"api_url": "https://hooks.example.org/x", "channel": "#c"}],
    },
    {"name": "void"},
]


def _budget(root: Path, exporter: str, expr: str, receiver: str = "chat") -> Verdict:
    rule = {"alert": "BudgetExceeded", "expr": expr, "labels": {"severity": "warning"}}
    _files(
        root,
        **{
            "rules.yml": {"groups": [{"name": "cost", "rules": [rule]}]},
            "alertmanager.yml": {"route": {"receiver": receiver}, "receivers": RECEIVERS},
        },
    )
    monitoring = {"alert_rules": ["rules.yml"], "alertmanager_config": "alertmanager.yml"}
    settings = {"metrics_url": exporter, "timeout_s": 2, "monitoring": monitoring}
    return judge("Budget alerts set up", settings, root=root)


def test_a_budget_alert_routed_to_a_receiver_passes(tmp_path: Path, exporter: str) -> None:
    verdict = _budget(tmp_path, exporter, f"{SPEND} > 100")
    assert verdict.status is Status.PASSED, verdict.evidence


def test_a_budget_alert_routed_to_an_empty_receiver_fails(tmp_path: Path, exporter: str) -> None:
    verdict = _budget(tmp_path, exporter, f"{SPEND} > 100", receiver="void")
    assert verdict.status is Status.FAILED
    assert "no integration" in verdict.evidence


def test_no_alert_on_a_cost_metric_fails(tmp_path: Path, exporter: str) -> None:
    verdict = _budget(tmp_path, exporter, "up == 0")
    assert verdict.status is Status.FAILED
    assert "watches a cost metric" in verdict.evidence


def test_a_budget_alert_on_a_missing_metric_fails(tmp_path: Path, exporter: str) -> None:
    verdict = _budget(tmp_path, exporter, "cloud_cost_dollars > 100")
    assert verdict.status is Status.FAILED
    assert "do not exist" in verdict.evidence


def _business_only_app(cadvisor: bool = False) -> Starlette:
    """An app exposing a business gauge, or (``cadvisor``) per-container resource series."""
    registry = CollectorRegistry()
    if cadvisor:
        labels = ("namespace", "pod", "container")
        cpu = Gauge("container_cpu_usage_seconds_total", "CPU.", labels, registry=registry)
        memory = Gauge("container_memory_working_set_bytes", "Memory.", labels, registry=registry)
        cpu.labels("prod", "api-1", "api").set(12.5)
        memory.labels("prod", "api-1", "api").set(2e8)
    else:
        Gauge("queue_depth", "Jobs waiting.", registry=registry).set(3)

    async def metrics(request: Request) -> Response:
        return Response(generate_latest(registry), media_type="text/plain")

    return Starlette(routes=[Route("/metrics", metrics)])


def _wait_for_scrape(prom: str, jobs: int) -> None:
    """Block until Prometheus has scraped all ``jobs`` once (scrape_interval is 1 s)."""
    deadline = time.monotonic() + 15
    with httpx.Client(timeout=2, trust_env=False) as client:
        while time.monotonic() < deadline:
            answer = client.get(f"{prom}/api/v1/query", params={"query": "up == 1"})
            if len(answer.json()["data"]["result"]) >= jobs:
                return
            time.sleep(0.2)
    raise TimeoutError("Prometheus did not scrape every job")


def _tracked(tmp_path: Path, metrics_url: str, **others: str) -> Verdict:
    with prometheus(tmp_path / "prom", scrape_config(app=metrics_url, **others)) as prom:
        _wait_for_scrape(prom, 1 + len(others))
        settings = {"prometheus_url": prom, "timeout_s": 2, "monitoring": {"prometheus_job": "app"}}
        return judge("Resource utilization tracked", settings)


def test_cpu_and_memory_series_in_prometheus_pass(tmp_path: Path, exporter: str) -> None:
    verdict = _tracked(tmp_path, exporter)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "the service's job app has current CPU and memory series" in verdict.evidence


def test_cpu_series_of_another_job_do_not_count_for_the_service(
    tmp_path: Path, exporter: str
) -> None:
    with serve_asgi(_business_only_app()) as url:
        verdict = _tracked(tmp_path, url + "/metrics", node=exporter)
    assert verdict.status is Status.FAILED
    assert "the service's job 'app'" in verdict.evidence
    assert "process_cpu_seconds_total: node" in verdict.evidence


def test_per_container_series_from_cadvisor_pass(tmp_path: Path) -> None:
    with (
        serve_asgi(_business_only_app()) as app,
        serve_asgi(_business_only_app(cadvisor=True)) as cadvisor,
    ):
        verdict = _tracked(tmp_path, app + "/metrics", cadvisor=cadvisor + "/metrics")
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "per-container CPU and memory series (cAdvisor) from cadvisor" in verdict.evidence


def test_an_unreachable_prometheus_is_an_error() -> None:
    settings = {"prometheus_url": f"http://127.0.0.1:{free_port()}", "timeout_s": 1}
    assert judge("Resource utilization tracked", settings).status is Status.ERROR


def _deployment(name: str, labels: dict[str, str], pod: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "prod", "labels": labels},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {**pod, "containers": [{"name": name, "image": f"acme/{name}:1"}]},
            },
        },
    }


NONCRITICAL = {"criticality": "non-critical"}
ON_SPOT = {"nodeSelector": {"karpenter.sh/capacity-type": "spot"}}
AFFINITY = {
    "affinity": {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {
                        "matchExpressions": [
                            {
                                "key": "cloud.google.com/gke-spot",
                                "operator": "In",
                                "values": ["true"],
                            }
                        ]
                    }
                ]
            }
        }
    }
}


def _spot(root: Path, *objects: dict[str, Any]) -> Verdict:
    _files(root, **{"k8s__app.yaml": yaml.safe_dump_all(objects)})
    return judge(
        "Spot instances used for non-critical workloads", {"manifests": ["k8s/"]}, root=root
    )


def test_non_critical_workloads_on_spot_nodes_pass(tmp_path: Path) -> None:
    verdict = _spot(
        tmp_path,
        _deployment("batch", NONCRITICAL, ON_SPOT),
        _deployment("reports", NONCRITICAL, AFFINITY),
        _deployment("api", {"criticality": "high"}, {}),
    )
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "Deployment/batch -> karpenter.sh/capacity-type=spot" in verdict.evidence


def test_a_non_critical_workload_on_regular_nodes_fails(tmp_path: Path) -> None:
    tolerates_only = {"tolerations": [{"key": "cloud.google.com/gke-spot", "operator": "Exists"}]}
    verdict = _spot(tmp_path, _deployment("batch", NONCRITICAL, tolerates_only))
    assert verdict.status is Status.FAILED
    assert "Deployment/batch" in verdict.evidence


def test_no_workload_labelled_non_critical_is_unverified(tmp_path: Path) -> None:
    verdict = _spot(tmp_path, _deployment("api", {}, {}))
    assert verdict.status is Status.UNVERIFIED
