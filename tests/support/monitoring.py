"""Real Prometheus and Alertmanager on loopback, and exporter apps for them to scrape.

    with prometheus(folder, config) as url: ...      # http://127.0.0.1:PORT
    with alertmanager(folder, config) as url: ...

Both run Debian's binaries (``require_binary``: skipped locally when missing, a
failure in CI) with their own temporary data folder on a free loopback port and are
terminated on exit.  :func:`exporter_app` is a starlette app exposing metrics from
prometheus-client that move on every scrape, so rates exist after a few seconds.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.support.binaries import require_binary
from tests.support.servers import free_port

# Fine buckets so that histogram_quantile interpolates close to the observed latency.
BUCKETS = (
    0.05,
    *(round(0.1 * i, 1) for i in range(1, 50)),
    *(round(0.5 * i, 1) for i in range(10, 41)),
)


@contextmanager
def _process(argv: list[str], ready_url: str, log: Path) -> Iterator[None]:
    with log.open("wb") as sink:
        proc = subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT)
        try:
            _wait_ready(ready_url, proc, log)
            yield
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    with httpx.Client(timeout=1, trust_env=False) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{proc.args!r} exited: {log.read_text()[-2000:]}")
            try:
                if client.get(url).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
    raise RuntimeError(f"{url} not ready after 20 s: {log.read_text()[-2000:]}")


@contextmanager
def prometheus(
    folder: Path,
    config: dict[str, Any],
    rules: dict[str, Any] | None = None,
    backfill: str | None = None,
) -> Iterator[str]:
    """Run Prometheus with ``config`` (and a rule file) in ``folder``; yield its URL.

    ``backfill`` is OpenMetrics text written into the TSDB first with ``promtool tsdb
    create-blocks-from openmetrics``, so that week-long queries have a week of data.
    """
    binary = require_binary("prometheus")
    folder.mkdir(parents=True, exist_ok=True)
    if backfill is not None:
        _backfill(folder, backfill)
    if rules is not None:
        (folder / "rules.yml").write_text(yaml.safe_dump(rules))
        config = {**config, "rule_files": ["rules.yml"]}
    (folder / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [
        binary,
        f"--config.file={folder / 'prometheus.yml'}",
        f"--storage.tsdb.path={folder / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
    ]
    with _process(argv, url + "/-/ready", folder / "prometheus.log"):
        yield url


def _backfill(folder: Path, openmetrics: str) -> None:
    promtool = require_binary("promtool", "prometheus")
    source = folder / "backfill.om"
    source.write_text(openmetrics)
    # One big block instead of 2-hour ones: 0.3 s instead of 8 s for a week.
    subprocess.run(
        [
            promtool,
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            "--max-block-duration=192h",
            str(source),
            str(folder / "data"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


@contextmanager
def alertmanager(folder: Path, config: dict[str, Any]) -> Iterator[str]:
    """Run Alertmanager with ``config`` in ``folder`` (no clustering); yield its URL."""
    binary = require_binary("prometheus-alertmanager", "prometheus-alertmanager")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "alertmanager.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [
        binary,
        f"--config.file={folder / 'alertmanager.yml'}",
        f"--storage.path={folder / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--cluster.listen-address=",
    ]
    with _process(argv, url + "/-/ready", folder / "alertmanager.log"):
        yield url


def scrape_config(interval: str = "1s", **jobs: str) -> dict[str, Any]:
    """A prometheus.yml scraping each ``job=URL`` every ``interval``."""
    scrape = []
    for job, url in jobs.items():
        parts = httpx.URL(url)
        scrape.append(
            {
                "job_name": job,
                "metrics_path": parts.path or "/metrics",
                "static_configs": [{"targets": [f"{parts.host}:{parts.port}"]}],
            }
        )
    return {
        "global": {"scrape_interval": interval, "evaluation_interval": interval},
        "scrape_configs": scrape,
    }


def exporter_app(
    *,
    errors: float = 0.0,
    latency: float = 0.04,
    latency_growth: float = 0.0,
    task_success: float = 1.0,
    cpu: float = 0.1,
    leak_bytes: int = 0,
    llm_spend: float = 80.0,
    backup_age_s: float = 3600.0,
    custom: bool = True,
) -> Starlette:
    """An app whose ``/metrics`` advances its counters on every scrape.

    Per scrape: 100 requests of which ``errors`` answered 500; 100 observations of
    ``latency`` seconds (growing by ``latency_growth``); 20 agent tasks of which
    ``task_success`` succeeded; ``cpu`` CPU-seconds; resident memory grown by
    ``leak_bytes``.  It also shows an LLM spend gauge and a kube-state-metrics
    style backup CronJob last-success time ``backup_age_s`` old.  With
    ``custom=False`` only the process_ families are exposed.
    """
    registry = CollectorRegistry()
    cpu_total = Counter("process_cpu_seconds", "CPU.", registry=registry)
    memory = Gauge("process_resident_memory_bytes", "RSS.", registry=registry)
    memory.set(100e6)
    if custom:
        requests = Counter("biothings_http_requests", "Requests.", ("status",), registry=registry)
        duration = Histogram(
            "biothings_http_request_duration_seconds",
            "Latency.",
            buckets=BUCKETS,
            registry=registry,
        )
        tasks = Counter("biothings_agent_tasks", "Tasks.", ("outcome",), registry=registry)
        Gauge("biothings_llm_spend_dollars", "Spend.", registry=registry).set(llm_spend)
        backup = Gauge(
            "kube_cronjob_status_last_successful_time",
            "Last success.",
            ("cronjob",),
            registry=registry,
        )
        backup.labels(cronjob="db-backup").set_function(lambda: time.time() - backup_age_s)
    state = {"latency": latency}

    def advance() -> None:
        cpu_total.inc(cpu)
        memory.inc(leak_bytes)
        if not custom:
            return
        requests.labels(status="500").inc(round(100 * errors))
        requests.labels(status="200").inc(100 - round(100 * errors))
        for _ in range(100):
            duration.observe(state["latency"])
        state["latency"] += latency_growth
        tasks.labels(outcome="success").inc(round(20 * task_success))
        tasks.labels(outcome="failure").inc(20 - round(20 * task_success))

    async def metrics(request: Request) -> Response:
        advance()
        return Response(generate_latest(registry), media_type="text/plain; version=0.0.4")

    return Starlette(routes=[Route("/metrics", metrics)])


def wait_for_samples(url: str, query: str, count: int = 1, timeout: float = 30) -> None:
    """Block until ``query`` returns ``count`` series from the Prometheus at ``url``."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2, trust_env=False) as client:
        while time.monotonic() < deadline:
            body = client.get(url + "/api/v1/query", params={"query": query}).json()
            if len(body["data"]["result"]) >= count:
                return
            time.sleep(0.2)
    raise TimeoutError(f"{query} has fewer than {count} series after {timeout} s")
