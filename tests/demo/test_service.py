"""The demo service starts fast, describes itself, and stops cleanly."""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from pytest_biothings_ready.demo import DemoService
from pytest_biothings_ready.demo.app import DemoConfig


def _ports(settings: dict[str, Any]) -> list[int]:
    return [int(urlsplit(settings[k]).port or 0) for k in ("base_url", "http_url")]


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_start_returns_loopback_settings_in_well_under_a_second() -> None:
    service = DemoService()
    started = time.perf_counter()
    try:
        settings = service.start()
        elapsed = time.perf_counter() - started
    finally:
        service.stop()
    assert elapsed < 1.0
    for key in ("base_url", "http_url", "websocket_url", "metrics_url"):
        assert urlsplit(settings[key]).hostname == "127.0.0.1"
    assert settings["production"] is False
    assert settings["smoke"] and settings["journey"]


def test_stop_frees_the_ports_and_removes_the_certificates() -> None:
    service = DemoService()
    settings = service.start()
    ports = _ports(settings)
    assert all(_accepts(port) for port in ports)
    service.stop()
    assert not any(_accepts(port) for port in ports)
    assert not os.path.exists(settings["ca_bundle"])


def test_start_and_stop_twice_works_and_stop_is_idempotent() -> None:
    service = DemoService()
    for _ in range(2):
        with service as settings:
            trust = ssl.create_default_context(cafile=settings["ca_bundle"])
            with httpx.Client(verify=trust, trust_env=False) as session:
                answer = session.get(settings["base_url"] + "/api/health")
            assert answer.status_code == 200
        service.stop()


def test_main_module_runs_until_interrupted_and_cleans_up() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_biothings_ready.demo"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(6)]
        settings = dict(line.split(maxsplit=1) for line in lines[:5])
        assert settings["base_url"].startswith("https://127.0.0.1:")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        assert "stopped" in process.stdout.read()
    finally:
        process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()
    assert not os.path.exists(settings["ca_bundle"].strip())


def test_demo_config_repr_hides_the_secrets_it_holds() -> None:
    config = DemoConfig(b"jwt-signing-bytes", "demo-api-key-value", {"alice": ("pw-123", "admin")})
    shown = repr(config)
    for secret in ("jwt-signing-bytes", "demo-api-key-value", "pw-123"):
        assert secret not in shown and secret not in str(config)
    assert shown == (
        "DemoConfig(jwt_secret=***, api_key=***, users={'alice': ('***', 'admin')}, "
        "rate_per_second=20.0)"
    )
