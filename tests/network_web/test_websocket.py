"""WebSocket handshake, round trip, stability and a real-time exchange on loopback."""

from __future__ import annotations

import time
from typing import Any

from pytest_biothings_ready.model import Status
from tests.network_web.apps import websocket_app
from tests.support.evaluate import judge
from tests.support.servers import TlsFiles, free_port, serve_asgi

WORKS = "WebSocket functionality verified"
STABLE = "WebSocket connections stable"
REALTIME = "Real-time features functioning"


def _ws(url: str, **extra: Any) -> dict[str, Any]:
    ws_url = url.replace("http", "ws", 1) + "/ws"
    return {"base_url": url, "websocket_url": ws_url, "timeout_s": 1.0, **extra}


def test_echoing_websocket_over_tls_passes(tls: TlsFiles) -> None:
    with serve_asgi(websocket_app(), tls=tls) as url:
        verdict = judge(WORKS, _ws(url, ca_bundle=str(tls.ca_pem)))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "wss://127.0.0.1:" in verdict.evidence and "pong in" in verdict.evidence


def test_websocket_refusing_the_upgrade_fails() -> None:
    with serve_asgi(websocket_app("refuse")) as url:
        verdict = judge(WORKS, _ws(url))
    assert verdict.status is Status.FAILED
    assert "refused the WebSocket upgrade with HTTP 403" in verdict.evidence


def test_plain_http_endpoint_is_a_refused_upgrade() -> None:
    with serve_asgi(websocket_app()) as url:
        verdict = judge(WORKS, {**_ws(url), "websocket_url": url.replace("http", "ws") + "/x"})
    assert verdict.status is Status.FAILED


def test_websocket_that_never_replies_is_an_error_within_the_timeout() -> None:
    with serve_asgi(websocket_app("mute")) as url:
        started = time.monotonic()
        verdict = judge(WORKS, _ws(url))
    assert verdict.status is Status.ERROR
    assert "no answer within 1 s" in verdict.evidence
    assert time.monotonic() - started < 1.0 + 1.5


def test_silent_port_is_an_error_within_the_timeout(silent_port: int) -> None:
    started = time.monotonic()
    verdict = judge(WORKS, _ws(f"http://127.0.0.1:{silent_port}"))
    assert verdict.status is Status.ERROR
    assert time.monotonic() - started < 1.0 + 1.5


def test_garbage_answer_is_an_error(garbage_port: int) -> None:
    verdict = judge(WORKS, _ws(f"http://127.0.0.1:{garbage_port}"))
    assert verdict.status is Status.ERROR
    assert "handshake" in verdict.evidence


def test_unreachable_websocket_is_an_error() -> None:
    verdict = judge(WORKS, _ws(f"http://127.0.0.1:{free_port()}"))
    assert verdict.status is Status.ERROR


def test_websocket_without_a_url_is_unverified() -> None:
    verdict = judge(WORKS, {"base_url": "https://127.0.0.1:1", "timeout_s": 1.0})
    assert verdict.status is Status.UNVERIFIED


def test_connections_held_without_drops_pass() -> None:
    with serve_asgi(websocket_app()) as url:
        verdict = judge(STABLE, _ws(url, websocket={"connections": 3, "hold_s": 1.5}))
    assert verdict.status is Status.PASSED
    assert "3 connections held 1.5 s" in verdict.evidence


def test_connections_dropped_after_a_second_fail() -> None:
    with serve_asgi(websocket_app("drop")) as url:
        verdict = judge(STABLE, _ws(url, websocket={"connections": 3, "hold_s": 2.0}))
    assert verdict.status is Status.FAILED
    assert "3 failed" in verdict.evidence and "dropped after 1." in verdict.evidence


def test_refused_connections_are_not_stable() -> None:
    with serve_asgi(websocket_app("refuse")) as url:
        verdict = judge(STABLE, _ws(url, websocket={"connections": 2, "hold_s": 0.5}))
    assert verdict.status is Status.FAILED
    assert "did not open" in verdict.evidence


def test_realtime_reply_containing_the_expected_text_passes() -> None:
    realtime = {"realtime_send": "subscribe", "realtime_expect": "subscr"}
    with serve_asgi(websocket_app()) as url:
        verdict = judge(REALTIME, _ws(url, websocket=realtime))
    assert verdict.status is Status.PASSED


def test_realtime_without_the_expected_reply_fails() -> None:
    realtime = {"realtime_send": "subscribe", "realtime_expect": "event"}
    with serve_asgi(websocket_app("mute")) as url:
        verdict = judge(REALTIME, _ws(url, websocket=realtime))
    assert verdict.status is Status.FAILED
    assert "got 'no reply'" in verdict.evidence and "'event'" in verdict.evidence


def test_realtime_without_a_configured_message_is_unverified() -> None:
    with serve_asgi(websocket_app()) as url:
        verdict = judge(REALTIME, _ws(url))
    assert verdict.status is Status.UNVERIFIED
    assert "websocket.realtime_send" in verdict.evidence
