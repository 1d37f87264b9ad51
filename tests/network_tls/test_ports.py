"""Open-ports line against real listening sockets on 127.0.0.1 (scan list controlled)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from pytest_biothings_ready.model import Status
from pytest_biothings_ready.probes.ports import DEFAULT_PORTS, ports_to_scan
from tests.network_tls.conftest import MARGIN_S, TIMEOUT_S, judge_with
from tests.support.evaluate import environment
from tests.support.servers import free_port

LINE = "Firewall rules configured (only necessary ports open)"


@contextmanager
def listening(count: int) -> Iterator[list[int]]:
    """``count`` TCP listeners on free loopback ports."""
    with ExitStack() as stack:
        sockets = [stack.enter_context(socket.create_server(("127.0.0.1", 0))) for _ in
                   range(count)]  # fmt: skip
        yield [int(s.getsockname()[1]) for s in sockets]


def _settings(service: int, scan: list[int], allowed: list[int]) -> dict[str, Any]:
    return {
        "base_url": f"https://127.0.0.1:{service}",
        "http_url": f"http://127.0.0.1:{service}",
        "timeout_s": TIMEOUT_S,
        "ports": {"scan": scan},
        "allowed_ports": allowed,
    }


def test_extra_open_port_not_in_allowed_ports_fails() -> None:
    closed = free_port()
    with listening(2) as (service, database):
        verdict = judge_with(_settings(service, [database, closed], [service]))(LINE)
    assert verdict.status is Status.FAILED
    assert f"open but not in allowed_ports: 127.0.0.1:{database}" in verdict.evidence
    assert "1 closed" in verdict.evidence


def test_only_allowed_ports_open_passes() -> None:
    closed = free_port()
    with listening(2) as (service, other):
        verdict = judge_with(_settings(service, [other, closed], [service, other]))(LINE)
    assert verdict.status is Status.PASSED, verdict.evidence
    first, second = sorted((service, other))
    assert f"open 127.0.0.1:{first}, 127.0.0.1:{second}, 1 closed" in verdict.evidence


def test_service_port_down_is_an_error_not_a_clean_firewall() -> None:
    service = free_port()
    started = time.monotonic()
    verdict = judge_with(_settings(service, [free_port()], [service]))(LINE)
    assert time.monotonic() - started < TIMEOUT_S + MARGIN_S
    assert verdict.status is Status.ERROR
    assert "cannot tell a firewall from an outage" in verdict.evidence


def test_missing_allowed_ports_leaves_the_line_unverified() -> None:
    with listening(1) as (service,):
        settings = _settings(service, [], [])
        del settings["allowed_ports"]
        verdict = judge_with(settings)(LINE)
    assert verdict.status is Status.UNVERIFIED
    assert "allowed_ports" in verdict.evidence


def test_default_scan_list_adds_extras_and_the_urls_ports() -> None:
    env = environment({"base_url": "https://127.0.0.1:8444", "ports": {"extra": [7000]}})
    ports = ports_to_scan(env)
    assert set(DEFAULT_PORTS) <= set(ports)
    assert {7000, 8444} <= set(ports)


def test_empty_scan_list_tries_only_the_urls_ports() -> None:
    env = environment({"base_url": "https://127.0.0.1:8444", "ports": {"scan": []}})
    assert ports_to_scan(env) == (80, 8444)
