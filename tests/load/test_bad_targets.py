"""Hanging and garbage-speaking targets, the team's own locustfile, weighted paths."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pytest_biothings_ready.model import Status
from tests.load import apps
from tests.load.settings import load_settings
from tests.support.evaluate import judge
from tests.support.servers import free_port, serve_asgi

LINE = "Load testing with expected traffic"


@contextmanager
def raw_server(reply: bytes | None) -> Iterator[str]:
    """A TCP server that sends ``reply`` and closes, or (None) never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            if reply is None:
                held.append(conn)
            else:
                with conn:
                    conn.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        listener.close()


def test_hanging_target_is_an_error_within_the_timeout() -> None:
    with raw_server(None) as url:
        started = time.monotonic()
        verdict = judge(LINE, load_settings(url))
        took = time.monotonic() - started
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "ReadTimeout" in verdict.evidence and "no load was sent" in verdict.evidence
    assert took < 2 + 1.5


def test_garbage_speaking_target_is_an_error() -> None:
    with raw_server(b"SSH-2.0-OpenSSH_9.2\r\n") as url:
        verdict = judge(LINE, load_settings(url))
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "did not answer HTTP" in verdict.evidence


def test_weighted_paths_are_hit_in_proportion() -> None:
    with serve_asgi(apps.fast()) as url:
        paths = {"/api/health": 3, "/metrics": 1}
        verdict = judge(LINE, load_settings(url, paths=paths, duration_s=1.5))
    assert verdict.status is Status.PASSED, verdict.evidence
    health = int(verdict.evidence.split("GET /api/health: ")[1].split(" req")[0])
    metrics = int(verdict.evidence.split("GET /metrics: ")[1].split(" req")[0])
    assert 2 < health / metrics < 4


def test_the_teams_locustfile_is_used(tmp_path: Path) -> None:
    (tmp_path / "locustfile.py").write_text(
        "from locust import FastHttpUser, constant, task\n\n"
        "class Team(FastHttpUser):\n"
        "    wait_time = constant(0)\n\n"
        "    @task\n"
        "    def metrics(self):\n"
        "        self.client.get('/metrics', name='team metrics')\n"
    )
    with serve_asgi(apps.fast()) as url:
        verdict = judge(LINE, load_settings(url, locustfile="locustfile.py"), root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "team metrics:" in verdict.evidence


def test_smoke_requests_are_the_default_and_their_expected_status_counts() -> None:
    smoke = [{"name": "metrics", "method": "GET", "path": "/metrics", "expect_status": 201}]
    with serve_asgi(apps.fast()) as url:
        verdict = judge(LINE, {**load_settings(url, duration_s=1), "smoke": smoke})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "GET /api/health:" in verdict.evidence
    assert "status 200, expected 201" in verdict.evidence


def test_https_target_is_trusted_through_ca_bundle(tmp_path: Path) -> None:
    from tests.support.servers import make_tls_files

    tls = make_tls_files(tmp_path)
    with serve_asgi(apps.fast(), tls=tls) as url:
        trusted = judge(LINE, {**load_settings(url, duration_s=1), "ca_bundle": str(tls.ca_pem)})
        untrusted = judge(LINE, load_settings(url, duration_s=1))
    assert trusted.status is Status.PASSED, trusted.evidence
    assert "0.00% errors" in trusted.evidence
    assert untrusted.status is Status.ERROR, untrusted.evidence
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.evidence


def test_a_broken_locustfile_is_an_error_with_its_message(tmp_path: Path) -> None:
    (tmp_path / "locustfile.py").write_text("raise RuntimeError('no such fixture: ACCOUNTS')\n")
    with serve_asgi(apps.fast()) as url:
        verdict = judge(LINE, load_settings(url, locustfile="locustfile.py"), root=tmp_path)
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "no such fixture: ACCOUNTS" in verdict.evidence


def test_a_closed_port_is_described_once_and_names_the_setting() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    verdict = judge(LINE, load_settings(url))
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "AccessError" not in verdict.evidence
    assert verdict.evidence.count(f"GET {url}") == 1
    assert verdict.evidence.endswith("connection refused (ConnectError); check `base_url`")
