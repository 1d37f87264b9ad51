"""Distributed load stays ours: explicit remote binding, a join token, no extra worker."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from pytest_biothings_ready.model import Status
from tests.load import apps
from tests.load.settings import load_settings
from tests.support.evaluate import judge
from tests.support.servers import free_port, serve_asgi

LOAD = "Load testing with expected traffic"


@contextmanager
def _worker(port: int, token: str | None) -> Iterator[subprocess.Popen[bytes]]:
    """A worker started by hand on this machine, presenting ``token`` (None: none)."""
    env = {k: v for k, v in os.environ.items() if k != "READY_LOAD_WORKER_TOKEN"}
    if token is not None:
        env["READY_LOAD_WORKER_TOKEN"] = token
    module = "pytest_biothings_ready.probes.load.worker"
    proc = subprocess.Popen(
        [sys.executable, "-m", module, "--join", f"127.0.0.1:{port}"],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


def test_a_foreign_worker_without_the_token_voids_the_run_before_the_plan() -> None:
    port = free_port()
    with _worker(port, None), serve_asgi(apps.fast()) as url:
        settings = load_settings(url, workers=1, master_bind=f"127.0.0.1:{port}")
        verdict = judge(LOAD, settings)
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "without the join token: no plan was sent" in verdict.evidence


def test_a_worker_with_a_wrong_token_is_not_counted() -> None:
    port = free_port()
    with _worker(port, "guess"), serve_asgi(apps.fast()) as url:
        settings = load_settings(
            url,
            expect_workers=1,
            expect_workers_timeout_s=2,
            master_bind=f"127.0.0.1:{port}",
            worker_token="the-real-one",
        )
        verdict = judge(LOAD, settings)
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "only 0 of 1 locust workers joined the master with the join token" in verdict.evidence
    assert "1 other worker(s) connected without it" in verdict.evidence


def test_one_worker_more_than_expected_is_refused_even_with_the_token() -> None:
    port = free_port()
    with _worker(port, "shared"), _worker(port, "shared"), serve_asgi(apps.fast()) as url:
        settings = load_settings(
            url, expect_workers=1, master_bind=f"127.0.0.1:{port}", worker_token="shared"
        )
        verdict = judge(LOAD, settings)
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "2 locust workers connected to the master, 1 expected" in verdict.evidence


def test_a_master_bound_beyond_loopback_needs_an_explicit_setting() -> None:
    settings = load_settings("http://127.0.0.1:9", workers=1, master_bind=f"0.0.0.0:{free_port()}")
    verdict = judge(LOAD, settings)
    assert verdict.status is Status.UNVERIFIED, verdict.evidence
    assert "load.allow_remote_workers" in verdict.evidence
    assert "receive the plan in clear" in verdict.evidence


def test_an_allowed_remote_master_says_the_plan_travels_in_clear() -> None:
    with serve_asgi(apps.fixed_latency(0.01)) as url:
        settings = load_settings(
            url,
            workers=1,
            duration_s=1.5,
            master_bind=f"0.0.0.0:{free_port()}",
            allow_remote_workers=True,
        )
        verdict = judge(LOAD, settings)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "they received the plan in clear" in verdict.evidence


def test_workers_started_elsewhere_need_a_join_token() -> None:
    settings = load_settings("http://127.0.0.1:9", expect_workers=1)
    verdict = judge(LOAD, settings)
    assert verdict.status is Status.UNVERIFIED, verdict.evidence
    assert "load.worker_token" in verdict.evidence
