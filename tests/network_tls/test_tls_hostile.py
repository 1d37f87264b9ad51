"""Hostile and absent TLS targets end as errors within timeout_s, never as passes."""

from __future__ import annotations

import time

import pytest

from pytest_biothings_ready.model import Status
from tests.network_tls.conftest import MARGIN_S, TIMEOUT_S, judge_with, tls_settings
from tests.support.servers import free_port
from tests.support.tls import (
    answer_garbage,
    banner_then_hold,
    never_answer,
    serve_raw,
    stall_mid_handshake,
)

LINES = (
    "TLS 1.2+ only, secure cipher suites",
    "Valid SSL certificates installed",
    "Certificate auto-renewal configured",
    "Data encryption at rest and in transit",
)


@pytest.mark.parametrize(
    ("session", "reason"),
    [
        (never_answer, "gave no TLS answer within 1 s"),
        (stall_mid_handshake, "gave no TLS answer within 1 s"),
        (answer_garbage, "no TLS handshake succeeded"),
        (banner_then_hold, "no TLS handshake succeeded"),
    ],
    ids=["never-answers", "stalls-mid-handshake", "speaks-garbage", "ssh-banner"],
)
def test_hostile_tls_target_is_an_error_within_the_timeout(session: object, reason: str) -> None:
    with serve_raw(session) as port:  # type: ignore[arg-type]
        started = time.monotonic()
        judge = judge_with(tls_settings(port, None))
        verdicts = [judge(line) for line in LINES]
        elapsed = time.monotonic() - started
    assert elapsed < TIMEOUT_S + MARGIN_S
    for verdict in verdicts:
        assert verdict.status is Status.ERROR, verdict.evidence
        assert reason in verdict.evidence


def test_closed_port_is_an_error_naming_the_endpoint() -> None:
    port = free_port()
    verdict = judge_with(tls_settings(port, None))(LINES[0])
    assert verdict.status is Status.ERROR
    assert f"cannot connect to 127.0.0.1:{port}" in verdict.evidence


def test_plain_http_base_url_is_an_error_not_a_pass() -> None:
    settings = {"base_url": "http://127.0.0.1:9", "timeout_s": TIMEOUT_S}
    verdict = judge_with(settings)(LINES[0])
    assert verdict.status is Status.ERROR
    assert "is not an https:// URL" in verdict.evidence


def test_missing_base_url_leaves_tls_lines_unverified() -> None:
    verdict = judge_with({"timeout_s": TIMEOUT_S})(LINES[0])
    assert verdict.status is Status.UNVERIFIED
    assert "base_url" in verdict.evidence
