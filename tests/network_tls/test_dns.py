"""DNS line against the demo's DNS server on loopback (a real UDP/TCP server)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from pytest_biothings_ready.demo.dns import DnsServerHandle, start_dns_server
from pytest_biothings_ready.model import Status, Verdict
from tests.network_tls.conftest import MARGIN_S, TIMEOUT_S, judge_with
from tests.support.servers import free_port

LINE = "DNS records updated"
RECORDS = {
    "app.test.": ["127.0.0.10"],
    "www.app.test.": ["lb.app.test."],
    "lb.app.test.": ["127.0.0.11", "::1"],
}


@pytest.fixture
def server() -> Iterator[DnsServerHandle]:
    with start_dns_server(RECORDS) as handle:
        yield handle


def _settings(host: str, port: int, expected: dict[str, Any]) -> dict[str, Any]:
    return {"dns_resolver": host, "dns_port": port, "timeout_s": TIMEOUT_S, "dns": expected}


def test_names_resolving_to_the_expected_addresses_pass(server: DnsServerHandle) -> None:
    expected = {"app.test": ["127.0.0.10"], "www.app.test": ["127.0.0.11", "::1"]}
    verdict = judge_with(_settings(server.host, server.port, expected))(LINE)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "www.app.test. -> 127.0.0.11, ::1 via lb.app.test." in verdict.evidence
    assert "CAA: none" in verdict.evidence


def test_expected_cname_target_passes(server: DnsServerHandle) -> None:
    verdict = judge_with(_settings(server.host, server.port, {"www.app.test": "lb.app.test"}))(LINE)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_stale_address_fails_with_both_sets(server: DnsServerHandle) -> None:
    verdict = judge_with(_settings(server.host, server.port, {"app.test": ["203.0.113.7"]}))(LINE)
    assert verdict.status is Status.FAILED
    assert "app.test. resolves to 127.0.0.10, expected 203.0.113.7" in verdict.evidence


def test_missing_address_in_the_set_fails(server: DnsServerHandle) -> None:
    expected = {"lb.app.test": ["127.0.0.11"]}
    verdict = judge_with(_settings(server.host, server.port, expected))(LINE)
    assert verdict.status is Status.FAILED
    assert "resolves to 127.0.0.11, ::1, expected 127.0.0.11" in verdict.evidence


def test_wrong_cname_target_fails(server: DnsServerHandle) -> None:
    expected = {"www.app.test": ["old-lb.app.test."]}
    verdict = judge_with(_settings(server.host, server.port, expected))(LINE)
    assert verdict.status is Status.FAILED
    assert "is an alias of lb.app.test., expected old-lb.app.test." in verdict.evidence


def test_name_that_does_not_exist_fails(server: DnsServerHandle) -> None:
    verdict = judge_with(_settings(server.host, server.port, {"gone.app.test": ["1.2.3.4"]}))(LINE)
    assert verdict.status is Status.FAILED
    assert "gone.app.test. does not exist (NXDOMAIN)" in verdict.evidence


def test_unreachable_resolver_is_an_error_within_the_timeout() -> None:
    started = time.monotonic()
    verdict = judge_with(_settings("127.0.0.1", free_port(), {"app.test": ["127.0.0.10"]}))(LINE)
    assert time.monotonic() - started < TIMEOUT_S + MARGIN_S
    assert verdict.status is Status.ERROR
    assert "gave no usable answer for app.test." in verdict.evidence


def test_resolver_answering_garbage_is_an_error() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(0.5)
        thread = threading.Thread(target=_reply_garbage, args=(sock,), daemon=True)
        thread.start()
        settings = _settings("127.0.0.1", sock.getsockname()[1], {"app.test": ["127.0.0.10"]})
        verdict = judge_with(settings)(LINE)
        thread.join(5)
    assert verdict.status is Status.ERROR
    assert "gave no usable answer" in verdict.evidence


def _reply_garbage(sock: socket.socket) -> None:
    """Answer every datagram with bytes that are not a DNS message."""
    for _ in range(4):
        try:
            _, peer = sock.recvfrom(512)
        except OSError:
            return
        sock.sendto(b"\x00\x01garbage", peer)


def test_no_dns_table_leaves_the_line_unverified() -> None:
    verdict = judge_with({"timeout_s": TIMEOUT_S})(LINE)
    assert verdict.status is Status.UNVERIFIED
    assert "`dns`" in verdict.evidence


def test_demo_server_answers_over_tcp_and_stops_idempotently() -> None:
    handle = start_dns_server({"demo.test.": ["127.0.0.1"]})
    query = dns.message.make_query("demo.test.", "A")
    response = dns.query.tcp(query, handle.host, port=handle.port, timeout=2)
    assert [r.address for r in response.answer[0]] == ["127.0.0.1"]
    handle.stop()
    handle.stop()
    with pytest.raises(OSError):
        dns.query.tcp(query, handle.host, port=handle.port, timeout=1)


# Hostile resolvers: each answers A/AAAA queries with a crafted response.
Handler = Callable[[dns.message.Message], dns.message.Message]


@contextmanager
def serve_dns(handler: Handler) -> Iterator[int]:
    """A UDP DNS server on a free loopback port answering with ``handler(query)``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.05)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(4096)
            except OSError:
                continue
            query = dns.message.from_wire(data)
            if query.question[0].rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
                response = handler(query)
            else:
                response = dns.message.make_response(query)  # CAA: nothing
            if response is not None:
                sock.sendto(response.to_wire(), peer)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield int(sock.getsockname()[1])
    finally:
        stop.set()
        thread.join(5)
        sock.close()


def _answer(*records: str, rcode: int = dns.rcode.NOERROR) -> Handler:
    """Answer with ``records`` ("owner TYPE data"), A records only for A queries."""

    def handler(query: dns.message.Message) -> dns.message.Message:
        response = dns.message.make_response(query)
        response.set_rcode(rcode)
        wanted = query.question[0].rdtype
        for record in records:
            owner, kind, data = record.split()
            rdtype = dns.rdatatype.from_text(kind)
            if rdtype in (wanted, dns.rdatatype.CNAME):
                response.answer.append(dns.rrset.from_text(owner, 60, "IN", kind, data))
        return response

    return handler


def _hostile(handler: Handler, expected: dict[str, Any]) -> Verdict:
    with serve_dns(handler) as port:
        return judge_with(_settings("127.0.0.1", port, expected))(LINE)


def test_answer_for_a_look_alike_owner_name_does_not_count() -> None:
    verdict = _hostile(_answer("app.test.evil. A 127.0.0.10"), {"app.test": ["127.0.0.10"]})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "app.test. resolves to nothing, expected 127.0.0.10" in verdict.evidence


def test_unrelated_records_beside_the_right_answer_are_ignored() -> None:
    handler = _answer("app.test. A 127.0.0.10", "evil.test. A 203.0.113.66")
    verdict = _hostile(handler, {"app.test": ["127.0.0.10"]})
    assert verdict.status is Status.PASSED, verdict.evidence


def test_cname_to_another_domain_fails_unless_listed() -> None:
    handler = _answer("app.test. CNAME lb.evil.example.", "lb.evil.example. A 127.0.0.10")
    verdict = _hostile(handler, {"app.test": ["127.0.0.10"]})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "is an alias (CNAME) of lb.evil.example.: lb.evil.example. is outside" in (
        verdict.evidence
    )
    listed = _hostile(handler, {"app.test": ["127.0.0.10", "lb.evil.example."]})
    assert listed.status is Status.PASSED, listed.evidence


def test_cname_record_of_another_owner_is_not_the_names_alias() -> None:
    handler = _answer("other.app.test. CNAME lb.app.test.", "www.app.test. A 203.0.113.66")
    verdict = _hostile(handler, {"www.app.test": "lb.app.test"})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "is an alias of nothing, expected lb.app.test." in verdict.evidence


def test_alias_chain_that_ends_in_no_address_fails() -> None:
    verdict = _hostile(_answer("www.app.test. CNAME lb.app.test."), {"www.app.test": "lb.app.test"})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "resolves to no address" in verdict.evidence


def test_dangling_cname_fails_naming_the_missing_target() -> None:
    handler = _answer("www.app.test. CNAME gone.app.test.", rcode=dns.rcode.NXDOMAIN)
    verdict = _hostile(handler, {"www.app.test": "gone.app.test"})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "www.app.test. is an alias of gone.app.test., which does not exist" in verdict.evidence


def test_servfail_is_an_error_not_a_missing_name() -> None:
    verdict = _hostile(_answer(rcode=dns.rcode.SERVFAIL), {"app.test": ["127.0.0.10"]})
    assert verdict.status is Status.ERROR, verdict.evidence


def test_nxdomain_is_a_failure() -> None:
    verdict = _hostile(_answer(rcode=dns.rcode.NXDOMAIN), {"app.test": ["127.0.0.10"]})
    assert verdict.status is Status.FAILED
    assert "app.test. does not exist (NXDOMAIN)" in verdict.evidence


def test_answer_to_a_look_alike_question_is_an_error() -> None:
    def handler(query: dns.message.Message) -> dns.message.Message:
        other = dns.message.make_query("app.test.evil.", query.question[0].rdtype)
        other.id = query.id
        response = dns.message.make_response(other)
        response.answer.append(dns.rrset.from_text("app.test.evil.", 60, "IN", "A", "127.0.0.10"))
        return response

    verdict = _hostile(handler, {"app.test": ["127.0.0.10"]})
    assert verdict.status is Status.ERROR, verdict.evidence
