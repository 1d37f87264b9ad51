"""Resource tuning against usage observed by a real Prometheus on loopback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from pytest_biothings_ready.model import Status
from tests.static.conftest import Variant, judge_repo
from tests.support.monitoring import prometheus, scrape_config, wait_for_samples
from tests.support.servers import free_port, serve_asgi

TUNED = "Container resource requests/limits tuned"
MIB = 1024 * 1024
# container -> (CPU cores in use, memory bytes in use); every limit is 1 CPU / 512Mi.
USAGE = {"api": (0.5, 256 * MIB), "hog": (0.5, 500 * MIB), "idle": (0.01, 200 * MIB)}


def cadvisor_app() -> Starlette:
    """cAdvisor-style container metrics; CPU counters advance with wall time."""
    registry = CollectorRegistry()
    cpu = Counter("container_cpu_usage_seconds", "CPU.", ("container",), registry=registry)
    memory = Gauge("container_memory_working_set_bytes", "WSS.", ("container",), registry=registry)
    last = {"t": time.monotonic()}

    async def metrics(request: Request) -> Response:
        now = time.monotonic()
        for name, (cores, used) in USAGE.items():
            cpu.labels(container=name).inc(cores * (now - last["t"]))
            memory.labels(container=name).set(used)
        last["t"] = now
        return Response(generate_latest(registry), media_type="text/plain; version=0.0.4")

    return Starlette(routes=[Route("/metrics", metrics)])


@pytest.fixture(scope="module")
def prometheus_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("prometheus")
    with ExitStack() as stack:
        exporter = stack.enter_context(serve_asgi(cadvisor_app()))
        config = scrape_config("1s", cadvisor=exporter + "/metrics")
        url = stack.enter_context(prometheus(folder, config))
        # The check's own query shape: its subquery steps need two samples behind them.
        query = "max_over_time(irate(container_cpu_usage_seconds_total[5m])[1m:1s])"
        wait_for_samples(url, query, count=3)
        yield url


def deployment(*containers: str) -> str:
    body = "".join(
        f"        - name: {name}\n          image: x/{name}:1\n"
        "          resources:\n            requests: {cpu: 100m, memory: 64Mi}\n"
        "            limits: {cpu: '1', memory: 512Mi}\n"
        for name in containers
    )
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n"
        f"  template:\n    spec:\n      containers:\n{body}"
    )


def judge_usage(variant: Variant, url: str, *containers: str, timeout: float = 2) -> object:
    repo = variant("good", {"k8s/rendered.yaml": deployment(*containers)})
    return judge_repo(
        TUNED, repo, manifests=["k8s/"], prometheus_url=url, usage_window="1m", timeout_s=timeout
    )


def test_limits_matching_observed_usage_pass(variant: Variant, prometheus_url: str) -> None:
    verdict = judge_usage(variant, prometheus_url, "api")
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "within 10%-90% of the limit for 2 limits of 1 container" in verdict.evidence


def test_memory_near_limit_and_idle_cpu_fail(variant: Variant, prometheus_url: str) -> None:
    verdict = judge_usage(variant, prometheus_url, "hog", "idle")
    assert verdict.status is Status.FAILED
    assert "container hog memory peak 98% of limit 512Mi" in verdict.evidence
    assert "container idle cpu peak 1% of limit 1" in verdict.evidence
    assert "container hog cpu" not in verdict.evidence


def test_container_without_usage_data_is_unverified(variant: Variant, prometheus_url: str) -> None:
    verdict = judge_usage(variant, prometheus_url, "ghost")
    assert verdict.status is Status.UNVERIFIED
    assert "container ghost cpu" in verdict.evidence


def test_limits_missing_fail_before_usage_is_read() -> None:
    verdict = judge_repo(
        TUNED,
        "deployment-no-limits",
        manifests=["deploy.yaml"],
        prometheus_url="http://127.0.0.1:9",
    )
    assert verdict.status is Status.FAILED
    assert "limits are missing" in verdict.evidence


def test_unreachable_prometheus_is_an_error(variant: Variant) -> None:
    verdict = judge_usage(variant, f"http://127.0.0.1:{free_port()}", "api")
    assert verdict.status is Status.ERROR
    assert verdict.evidence.endswith("connection refused (ConnectError); check `prometheus_url`")


def test_prometheus_url_speaking_html_is_an_error(variant: Variant) -> None:
    app = Starlette(routes=[Route("/api/v1/query", lambda r: HTMLResponse("<h1>login</h1>"))])
    with serve_asgi(app) as url:
        verdict = judge_usage(variant, url, "api")
    assert verdict.status is Status.ERROR


def test_hanging_prometheus_errors_within_the_timeout(variant: Variant) -> None:
    async def hang(request: Request) -> Response:
        await asyncio.sleep(2)
        return Response("{}")

    app = Starlette(routes=[Route("/api/v1/query", hang)])
    with serve_asgi(app) as url:
        started = time.monotonic()
        verdict = judge_usage(variant, url, "api", timeout=0.5)
        elapsed = time.monotonic() - started
    assert verdict.status is Status.ERROR
    assert elapsed < 0.5 * 2 + 1.0  # cpu + memory queries stop at the first timeout


def _prometheus_requiring(header: str, value: str) -> Starlette:
    """A Prometheus stand-in: 401 without ``header: value``, a 50% usage vector with it."""

    async def query(request: Request) -> Response:
        if request.headers.get(header) != value:
            return JSONResponse({"status": "error", "error": "unauthorized"}, status_code=401)
        cores = 0.5 if "cpu" in request.query_params["query"] else 256 * MIB
        result = [{"metric": {}, "value": [time.time(), str(cores)]}]
        return JSONResponse(
            {"status": "success", "data": {"resultType": "vector", "result": result}}
        )

    return Starlette(routes=[Route("/api/v1/query", query)])


def test_usage_queries_carry_the_prometheus_headers(variant: Variant) -> None:
    repo = variant("good", {"k8s/rendered.yaml": deployment("api")})
    with serve_asgi(_prometheus_requiring("X-Scope-OrgID", "tenant-7")) as url:
        settings = {"manifests": ["k8s/"], "prometheus_url": url, "usage_window": "1m"}
        with_headers = judge_repo(
            TUNED,
            repo,
            **settings,
            monitoring={"prometheus_headers": {"X-Scope-OrgID": "tenant-7"}},
        )
        without = judge_repo(TUNED, repo, **settings)
    assert with_headers.status is Status.PASSED, with_headers.evidence
    assert without.status is Status.ERROR
    assert "answered HTTP 401" in without.evidence
    assert "`monitoring.prometheus_headers`" in without.evidence
