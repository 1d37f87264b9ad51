"""Memory leaks under a soak run, distributed mode, and the safety guards."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pytest_biothings_ready.model import Status
from pytest_biothings_ready.probes.load import process
from tests.load import apps
from tests.load.settings import load_settings
from tests.support.evaluate import judge
from tests.support.servers import free_port, serve_asgi

LOAD = "Load testing with expected traffic"
LEAK = "Memory leaks tested and fixed"
SOAK = {"soak_s": 2.4, "memory_sample_s": 0.3}


def _soak_settings(url: str) -> dict[str, object]:
    return {**load_settings(url, **SOAK), "metrics_url": f"{url}/metrics"}


def test_memory_growing_with_every_request_is_a_leak() -> None:
    with serve_asgi(apps.leaking()) as url:
        verdict = judge(LEAK, _soak_settings(url))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "process_resident_memory_bytes at" in verdict.evidence
    assert "a leak" in verdict.evidence


def test_flat_memory_during_the_soak_passes() -> None:
    with serve_asgi(apps.fast()) as url:
        verdict = judge(LEAK, _soak_settings(url))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "slope 0.0 MB/h" in verdict.evidence


def test_soak_without_a_memory_source_is_unverified() -> None:
    with serve_asgi(apps.fast()) as url:
        verdict = judge(LEAK, load_settings(url, **SOAK))
    assert verdict.status is Status.UNVERIFIED, verdict.evidence
    assert "metrics_url" in verdict.evidence


def test_garbage_metrics_are_an_error() -> None:
    with serve_asgi(apps.fast()) as url:
        settings = {**load_settings(url, **SOAK), "metrics_url": f"{url}/api/health"}
        verdict = judge(LEAK, settings)
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "cannot read process_resident_memory_bytes from" in verdict.evidence


def test_distributed_run_with_two_local_workers_passes() -> None:
    with serve_asgi(apps.fixed_latency(0.01)) as url:
        verdict = judge(LOAD, load_settings(url, workers=2, duration_s=2.5))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "by 2 locust workers:" in verdict.evidence


def test_missing_remote_workers_are_an_error() -> None:
    settings = load_settings(
        "http://127.0.0.1:9",
        expect_workers=1,
        expect_workers_timeout_s=1,
        master_bind=f"127.0.0.1:{free_port()}",
        worker_token="t0ken",
    )
    with serve_asgi(apps.fast()) as url:
        verdict = judge(LOAD, {**settings, "base_url": url})
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "only 0 of 1 locust workers joined the master with the join token" in verdict.evidence


def test_production_is_refused_without_allow_load_in_production() -> None:
    settings = {**load_settings("http://127.0.0.1:9"), "production": True}
    verdict = judge(LOAD, settings)
    assert verdict.status is Status.UNVERIFIED, verdict.evidence
    assert "allow_load_in_production = true; no traffic was sent" in verdict.evidence


def test_production_with_allow_load_in_production_runs() -> None:
    with serve_asgi(apps.fast()) as url:
        settings = {**load_settings(url), "production": True, "allow_load_in_production": True}
        verdict = judge(LOAD, settings)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_absent_load_table_is_unverified_and_names_it() -> None:
    verdict = judge(LOAD, {"base_url": "http://127.0.0.1:9", "timeout_s": 2})
    assert verdict.status is Status.UNVERIFIED
    assert "[env.test.load]" in verdict.evidence


def test_missing_locust_is_an_error_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(process, "locust_available", lambda: False)
    verdict = judge(LOAD, load_settings("http://127.0.0.1:9"))
    assert verdict.status is Status.ERROR
    assert "install pytest-biothings-ready[load]" in verdict.evidence


def test_a_worker_joining_from_elsewhere_takes_the_load() -> None:
    port = free_port()
    joiner = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest_biothings_ready.probes.load.worker",
            "--join",
            f"127.0.0.1:{port}",
        ],
        stdin=subprocess.DEVNULL,
        env={**os.environ, "READY_LOAD_WORKER_TOKEN": "join-me"},
    )
    try:
        with serve_asgi(apps.fixed_latency(0.01)) as url:
            settings = load_settings(
                url, expect_workers=1, master_bind=f"127.0.0.1:{port}", worker_token="join-me"
            )
            verdict = judge(LOAD, settings)
    finally:
        joiner.kill()
        joiner.wait()
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "by 1 locust worker:" in verdict.evidence
