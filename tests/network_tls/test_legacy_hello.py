"""The hand-made ClientHello that probes what the local OpenSSL cannot offer.

No TLS stack installable here still serves RC4 or SSLv3 (Debian's OpenSSL 3 has
neither), so the *accepting* side is a stand-in: a loopback socket that answers a
ClientHello with a ServerHello record picking a legacy suite, as such servers do.
The refusing side is Debian's nginx.
"""

from __future__ import annotations

import contextlib
import socket
import struct
from pathlib import Path

from pytest_biothings_ready.model import Status
from pytest_biothings_ready.probes.tls.legacy import probe_family, probe_version
from tests.network_tls.conftest import TIMEOUT_S, judge_with, tls_settings
from tests.support.tls import Chain, serve_nginx, serve_raw


def _server_hello(version: int, suite: int) -> bytes:
    body = struct.pack("!H", version) + bytes(32) + b"\x00" + struct.pack("!H", suite) + b"\x00"
    message = b"\x02" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x01" + struct.pack("!H", len(message)) + message


def _answer_with(version: int, suite: int) -> object:
    def session(conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            conn.recv(4096)
            conn.sendall(_server_hello(version, suite))

    return session


def test_server_picking_an_rc4_suite_is_reported_as_accepting_rc4() -> None:
    with serve_raw(_answer_with(0x0303, 0x0005)) as port:  # type: ignore[arg-type]
        found = probe_family("RC4", "127.0.0.1", port, TIMEOUT_S)
    assert found.accepted
    assert (found.version, found.cipher) == ("TLSv1.2", "0x0005")


def test_server_answering_sslv3_is_reported_as_accepting_sslv3() -> None:
    with serve_raw(_answer_with(0x0300, 0x000A)) as port:  # type: ignore[arg-type]
        found = probe_version("SSLv3", "127.0.0.1", port, TIMEOUT_S)
    assert found.accepted


def test_server_answering_a_lower_version_does_not_count_as_accepting() -> None:
    with serve_raw(_answer_with(0x0301, 0xC013)) as port:  # type: ignore[arg-type]
        found = probe_version("TLSv1.1", "127.0.0.1", port, TIMEOUT_S)
    assert not found.accepted
    assert found.reason == "server answered TLSv1.0"


def test_nginx_refuses_every_legacy_hello(tmp_path: Path, good_chain: Chain) -> None:
    with serve_nginx(tmp_path, good_chain, ciphers="ECDHE+AESGCM") as port:
        found = [probe_family(f, "127.0.0.1", port, TIMEOUT_S) for f in ("RC4", "3DES")]
        found += [probe_version(v, "127.0.0.1", port, TIMEOUT_S) for v in ("SSLv3", "TLSv1.0")]
    assert not any(h.accepted for h in found)


def test_sslv3_accepted_fails_the_protocol_line(good_chain: Chain) -> None:
    # The stand-in answers SSLv3 to every hello; the TLS 1.2/1.3 handshakes then fail,
    # and the line must fail on SSLv3 (not pass, not error).
    with serve_raw(_answer_with(0x0300, 0x000A)) as port:  # type: ignore[arg-type]
        verdict = judge_with(tls_settings(port, good_chain))("TLS 1.2+ only, secure cipher suites")
    assert verdict.status is Status.FAILED
    assert "SSLv3 accepted" in verdict.evidence


def test_server_picking_a_suite_never_offered_does_not_count_as_accepting() -> None:
    with serve_raw(_answer_with(0x0303, 0x1301)) as port:  # type: ignore[arg-type]
        found = probe_family("RC4", "127.0.0.1", port, TIMEOUT_S)
    assert not found.accepted
    assert found.reason == "server picked 0x1301, never offered"
