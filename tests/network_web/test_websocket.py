"""WebSocket lines against loopback servers that answer, and ones that only seem to."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import socket
import time
from typing import Any

from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from pytest_biothings_ready.evidence.store import EvidenceStore
from pytest_biothings_ready.model import Status
from tests.support.evaluate import environment, judge
from tests.support.servers import TlsFiles, free_port, serve_asgi
from tests.support.tls import serve_raw

WORKS = "WebSocket functionality verified"
STABLE = "WebSocket connections stable"
REALTIME = "Real-time features functioning"
FAST = {"settle_s": 0.3}


def ws_app(mode: str = "echo") -> Starlette:
    """``/ws`` behaving as ``mode`` (see the tests below for each)."""

    async def endpoint(socket: WebSocket) -> None:
        if mode == "refuse":
            await socket.close(code=1008)
            return
        await socket.accept()
        if mode.startswith("greet"):
            await socket.send_text("welcome to the service")
        if mode == "pong-greeting":
            await socket.send_text('{"type": "pong"}')
        if mode == "drop":
            asyncio.get_running_loop().call_later(1.0, asyncio.ensure_future, socket.close(1011))
        while (message := await socket.receive())["type"] == "websocket.receive":
            await _answer(socket, mode, message)

    return Starlette(routes=[WebSocketRoute("/ws", endpoint)])


async def _answer(socket: WebSocket, mode: str, message: dict[str, Any]) -> None:
    text, data = message.get("text"), message.get("bytes")
    if mode in ("mute", "greet-mute", "pong-greeting"):
        return
    if mode == "constant":
        await socket.send_text("ok")
    elif mode == "pubsub":
        await socket.send_text('{"type": "event", "seq": 1}')
        await socket.send_text(f'{{"type": "pong", "echo": {text!r}}}'.replace("'", '"'))
    elif data is not None:
        if mode != "text-only":
            await socket.send_bytes(data)
    else:
        await socket.send_text(text or "")


def _ws(url: str, **websocket: Any) -> dict[str, Any]:
    ws_url = url.replace("http", "ws", 1) + "/ws"
    return {
        "base_url": url,
        "websocket_url": ws_url,
        "timeout_s": 1.0,
        "websocket": FAST | websocket,
    }


def _works(mode: str, **websocket: Any) -> Any:
    with serve_asgi(ws_app(mode)) as url:
        return judge(WORKS, _ws(url, **websocket))


def test_echoing_websocket_over_tls_passes(tls: TlsFiles) -> None:
    with serve_asgi(ws_app(), tls=tls) as url:
        verdict = judge(WORKS, {**_ws(url), "ca_bundle": str(tls.ca_pem)})
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "wss://127.0.0.1:" in verdict.evidence
    assert "text nonce echoed" in verdict.evidence and "binary nonce echoed" in verdict.evidence
    assert "answered again 0.3 s later on the same connection" in verdict.evidence


def test_greeting_then_silence_fails_rather_than_counting_the_greeting() -> None:
    verdict = _works("greet-mute")
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "no answer to the probe's message" in verdict.evidence
    assert "'welcome to the service'" in verdict.evidence and "pings are answered" in (
        verdict.evidence
    )


def test_greeting_then_echo_passes_and_says_the_greeting_was_skipped() -> None:
    verdict = _works("greet-echo")
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "skipped 1 unrelated frame" in verdict.evidence


def test_constant_reply_that_is_not_an_echo_fails() -> None:
    verdict = _works("constant")
    assert verdict.status is Status.FAILED
    assert "frames that do not answer it: 'ok'" in verdict.evidence


def test_silent_but_alive_websocket_fails_within_the_timeout() -> None:
    started = time.monotonic()
    verdict = _works("mute")
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "got no frame; pings are answered" in verdict.evidence
    assert time.monotonic() - started < 1.0 + 1.5


def test_text_echo_without_binary_echo_fails() -> None:
    verdict = _works("text-only")
    assert verdict.status is Status.FAILED
    assert "text is echoed but a binary frame is not" in verdict.evidence


def test_binary_can_be_left_out_where_the_service_does_not_speak_it() -> None:
    verdict = _works("text-only", binary=False)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "binary not probed" in verdict.evidence


def test_connection_closed_after_a_second_fails() -> None:
    verdict = _works("drop", settle_s=1.5)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "did not answer again 1.5 s later" in verdict.evidence
    assert "code 1011, 1.0 s after the upgrade" in verdict.evidence


def test_configured_message_and_expected_content_with_a_nonce_pass() -> None:
    verdict = _works("pubsub", message='{"type": "ping", "id": "{nonce}"}', expect='"pong"')
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "skipped 1 unrelated frame" in verdict.evidence


def test_configured_expected_content_never_sent_fails() -> None:
    verdict = _works("echo", message="subscribe", expect="event")
    assert verdict.status is Status.FAILED
    assert "expected a frame containing 'event'" in verdict.evidence


def test_websocket_refusing_the_upgrade_fails() -> None:
    verdict = _works("refuse")
    assert verdict.status is Status.FAILED
    assert "refused the WebSocket upgrade with HTTP 403" in verdict.evidence


def test_plain_http_endpoint_is_a_refused_upgrade() -> None:
    with serve_asgi(ws_app()) as url:
        verdict = judge(WORKS, {**_ws(url), "websocket_url": url.replace("http", "ws") + "/x"})
    assert verdict.status is Status.FAILED


def test_upgrade_that_then_answers_nothing_not_even_pings_is_an_error() -> None:
    with serve_raw(_upgrade_then_hang) as port:
        started = time.monotonic()
        verdict = judge(WORKS, _ws(f"http://127.0.0.1:{port}"))
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "answered neither the message nor a ping" in verdict.evidence
    assert time.monotonic() - started < 2 * 1.0 + 1.5


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
    with serve_asgi(ws_app()) as url:
        verdict = judge(STABLE, _ws(url, connections=3, hold_s=1.5))
    assert verdict.status is Status.PASSED
    assert "3 connections held 1.5 s" in verdict.evidence


def test_the_hold_runs_in_the_background_so_exclusive_probes_need_not_wait() -> None:
    with serve_asgi(ws_app()) as url:
        store = EvidenceStore(environment(_ws(url, connections=3, hold_s=2.0)))
        started = time.monotonic()
        store.get("websocket-stability")
        returned = time.monotonic() - started
        verdict = judge(STABLE, {}, store=store)
        held = time.monotonic() - started
    assert returned < 1.0, returned
    assert held >= 2.0 and verdict.status is Status.PASSED


def test_the_round_trip_returns_before_its_settle_delay_and_the_check_waits_for_it() -> None:
    with serve_asgi(ws_app("drop")) as url:
        store = EvidenceStore(environment(_ws(url, settle_s=1.5)))
        started = time.monotonic()
        store.get("websocket")
        returned = time.monotonic() - started
        verdict = judge(WORKS, {}, store=store)
    assert returned < 1.0, returned
    assert verdict.status is Status.FAILED and "closed the connection" in verdict.evidence


def test_connections_dropped_after_a_second_fail() -> None:
    with serve_asgi(ws_app("drop")) as url:
        verdict = judge(STABLE, _ws(url, connections=3, hold_s=2.0))
    assert verdict.status is Status.FAILED
    assert "3 failed" in verdict.evidence and "dropped after 1." in verdict.evidence


def test_refused_connections_are_not_stable() -> None:
    with serve_asgi(ws_app("refuse")) as url:
        verdict = judge(STABLE, _ws(url, connections=2, hold_s=0.5))
    assert verdict.status is Status.FAILED
    assert "did not open" in verdict.evidence


def test_realtime_reply_containing_the_expected_text_passes_past_other_events() -> None:
    with serve_asgi(ws_app("pubsub")) as url:
        verdict = judge(REALTIME, _ws(url, realtime_send="subscribe", realtime_expect='"pong"'))
    assert verdict.status is Status.PASSED, verdict.evidence


def test_realtime_greeting_containing_the_text_is_not_the_reply() -> None:
    with serve_asgi(ws_app("greet-mute")) as url:
        verdict = judge(REALTIME, _ws(url, realtime_send="hi {nonce}", realtime_expect="{nonce}"))
    assert verdict.status is Status.FAILED
    assert "'welcome to the service'" in verdict.evidence


def test_realtime_greeting_with_the_expected_text_but_no_answer_fails() -> None:
    with serve_asgi(ws_app("pong-greeting")) as url:
        verdict = judge(REALTIME, _ws(url, realtime_send="ping", realtime_expect='"pong"'))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert 'frames that do not answer it: \'{"type": "pong"}\'' in verdict.evidence


def test_configured_message_greeted_with_the_expected_text_but_unanswered_fails() -> None:
    verdict = _works("pong-greeting", message="ping", expect='"pong"')
    assert verdict.status is Status.FAILED, verdict.evidence


def test_realtime_without_the_expected_reply_fails() -> None:
    with serve_asgi(ws_app("mute")) as url:
        verdict = judge(REALTIME, _ws(url, realtime_send="subscribe", realtime_expect="event"))
    assert verdict.status is Status.FAILED
    assert "got no frame" in verdict.evidence and "'event'" in verdict.evidence


def test_realtime_without_a_configured_message_is_unverified() -> None:
    with serve_asgi(ws_app()) as url:
        verdict = judge(REALTIME, _ws(url))
    assert verdict.status is Status.UNVERIFIED
    assert "websocket.realtime_send" in verdict.evidence


def _upgrade_then_hang(conn: socket.socket) -> None:
    """Complete the HTTP upgrade, then answer nothing at all (not even pings)."""
    with contextlib.suppress(OSError):
        request = conn.recv(4096).decode("latin-1")
        key = next(
            line.split(":", 1)[1].strip()
            for line in request.split("\r\n")
            if line.lower().startswith("sec-websocket-key:")
        )
        magic = (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()
        accept = base64.b64encode(hashlib.sha1(magic).digest()).decode()
        conn.sendall(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + f"Sec-WebSocket-Accept: {accept}\r\n\r\n".encode()
        )
        while conn.recv(4096):
            pass
