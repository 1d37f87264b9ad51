"""Resident memory from a real Prometheus (PromQL) instead of metrics_url."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from pytest_biothings_ready.model import Status
from tests.load import apps
from tests.load.settings import load_settings
from tests.support.evaluate import judge
from tests.support.monitoring import prometheus
from tests.support.servers import serve_asgi

LEAK = "Memory leaks tested and fixed"


def _scrape_config(url: str) -> dict[str, object]:
    return {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "scrape_configs": [
            {"job_name": "api", "static_configs": [{"targets": [urlsplit(url).netloc]}]}
        ],
    }


def _wait_scraped(prom: str) -> None:
    deadline = time.monotonic() + 15
    with httpx.Client(timeout=2, trust_env=False) as client:
        while time.monotonic() < deadline:
            body = client.get(f"{prom}/api/v1/query", params={"query": "up"}).json()
            if any(r["value"][1] == "1" for r in body["data"]["result"]):
                return
            time.sleep(0.2)
    raise RuntimeError("Prometheus did not scrape the target")


def test_leak_is_detected_through_promql(tmp_path: Path) -> None:
    with serve_asgi(apps.leaking()) as url, prometheus(tmp_path, _scrape_config(url)) as prom:
        _wait_scraped(prom)
        settings = {
            **load_settings(
                url,
                soak_s=4,
                memory_sample_s=1,
                memory_promql='sum(process_resident_memory_bytes{job="api"})',
            ),
            "prometheus_url": prom,
        }
        verdict = judge(LEAK, settings)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert f"via {prom}" in verdict.evidence and "a leak" in verdict.evidence
