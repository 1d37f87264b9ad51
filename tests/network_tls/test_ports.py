"""Open-ports line against real listening sockets on 127.0.0.1 (scan list controlled)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest

from pytest_biothings_ready.config.schema import KINDS
from pytest_biothings_ready.model import Status
from pytest_biothings_ready.probes.ports import DEFAULT_PORTS, ports_to_scan, service_of
from pytest_biothings_ready.probes.ports.scanner import Target, scan
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


# Wide scans run on ::1: nothing else on this machine listens on IPv6 loopback, so a
# scan of every port touches only the listeners a test opens.
V6 = "::1"


@contextmanager
def listening_v6(*ports: int) -> Iterator[list[int]]:
    """Listeners on [::1] at ``ports`` (0: a free one); skips when a fixed port is taken."""
    with ExitStack() as stack:
        sockets = []
        for port in ports:
            try:
                server = socket.create_server((V6, port), family=socket.AF_INET6)
            except OSError as exc:
                pytest.skip(f"[::1]:{port} is not free here ({exc.strerror})")
            sockets.append(stack.enter_context(server))
        yield [int(s.getsockname()[1]) for s in sockets]


def _v6(service: int, allowed: list[int], **ports: Any) -> dict[str, Any]:
    return {
        "base_url": f"https://[{V6}]:{service}",
        "http_url": f"https://[{V6}]:{service}",
        "timeout_s": TIMEOUT_S,
        "allowed_ports": allowed,
        "ports": ports,
    }


def test_node_inspector_like_listener_added_to_the_scan_list_fails_with_its_port() -> None:
    with listening_v6(0, 0) as (service, inspector):
        verdict = judge_with(_v6(service, [service], extra=[inspector]))(LINE)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert f"open but not in allowed_ports: {V6}:{inspector} (" in verdict.evidence


def test_real_debugger_ports_on_the_default_list_fail_named_by_service() -> None:
    with listening_v6(0, 9229, 5678) as (service, _, _):
        verdict = judge_with(_v6(service, [service]))(LINE)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert f"{V6}:5678 (debugpy (Python debugger))" in verdict.evidence
    assert f"{V6}:9229 (Node.js inspector (debugger))" in verdict.evidence
    assert f"{len(DEFAULT_PORTS) + 1} TCP ports (the default list" in verdict.evidence


def test_default_list_with_only_the_service_open_passes() -> None:
    with listening_v6(0) as (service,):
        verdict = judge_with(_v6(service, [service]))(LINE)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert f"open {V6}:{service}, {len(DEFAULT_PORTS)} closed" in verdict.evidence


def test_scan_of_every_port_finds_a_listener_outside_any_list() -> None:
    with listening_v6(0, 0) as (service, hidden):
        started = time.monotonic()
        verdict = judge_with(_v6(service, [service], scan="all"))(LINE)
        elapsed = time.monotonic() - started
    assert verdict.status is Status.FAILED, verdict.evidence
    assert f"{V6}:{hidden} (" in verdict.evidence
    assert "65535 TCP ports (every port)" in verdict.evidence
    print(f"all 65535 ports of [::1] scanned in {elapsed:.2f} s: {verdict.evidence[-160:]}")


def test_scan_of_every_port_with_only_the_service_open_passes() -> None:
    with listening_v6(0) as (service,):
        verdict = judge_with(_v6(service, [service], scan="all"))(LINE)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "65534 closed" in verdict.evidence


def test_scan_that_cannot_finish_in_its_budget_is_an_error() -> None:
    with listening_v6(0) as (service,):
        verdict = judge_with(_v6(service, [service], scan="all", budget_s=0.01))(LINE)
    assert verdict.status is Status.ERROR
    assert "did not finish within ports.budget_s 0.01 s" in verdict.evidence


def test_scan_all_is_every_port_and_other_words_are_refused() -> None:
    env = environment({"base_url": "https://127.0.0.1:8444", "ports": {"scan": "all"}})
    assert ports_to_scan(env) == tuple(range(1, 65536))
    predicate, _ = KINDS["port-scan"]
    assert predicate("all") and predicate([22, 9229])
    assert not predicate("everything") and not predicate([0]) and not predicate([70000])


def test_default_list_covers_the_usual_debug_and_admin_ports() -> None:
    wanted = {9229, 9230, 5678, 2375, 2376, 6379, 5432, 3306, 27017, 9200, 9300, 8080, 8443,
              15672, 11211, 5601, 8500, 2379, 10250, 4444, 6443, 9090, 9093, 3000, 8888, 5000,
              1433, 1521, 5984, 7474, 9042, 50070, 61616}  # fmt: skip
    assert wanted <= set(DEFAULT_PORTS)
    assert all(service_of(port) != "unknown service" for port in DEFAULT_PORTS)


def test_port_open_on_only_one_address_of_a_host_counts_as_open() -> None:
    both = [Target("svc", socket.AF_INET, "127.0.0.1"), Target("svc", socket.AF_INET6, V6)]
    with listening_v6(0) as (port,):
        states = scan(((t, port) for t in both), TIMEOUT_S, 8, 5.0)
    assert states == {("svc", port): "open"}


def test_readiness_toml_accepts_all_and_refuses_other_words(pytester: pytest.Pytester) -> None:
    table = '[env.s]\nbase_url = "https://127.0.0.1:1"\n[env.s.ports]\nscan = {}\n'
    pytester.makefile(".toml", readiness=table.format('"everything"'))
    refused = pytester.runpytest("--ready-env=s", "--collect-only", "-p", "no:cacheprovider")
    assert refused.ret == pytest.ExitCode.USAGE_ERROR
    refused.stderr.fnmatch_lines(['*ports.scan must be a list of TCP ports (1-65535) or "all"*'])
    pytester.makefile(".toml", readiness=table.format('"all"'))
    accepted = pytester.runpytest("--ready-env=s", "--collect-only", "-p", "no:cacheprovider")
    assert accepted.ret == pytest.ExitCode.OK
