"""Legacy protocol versions and cipher families, probed with a hand-made ClientHello.

OpenSSL 3 (as built by Debian) has no RC4, DES, 3DES or EXPORT suites, so an
``ssl`` client cannot ask a server whether it still accepts them; and Python warns
(an error under ``-W error``) whenever a context is allowed TLS 1.0 or 1.1.  Like
testssl.sh, we send a ClientHello that offers only what we ask about and read the
first record back: a ServerHello for that version and family means accepted; an
alert, a lower version or a closed connection means refused.  We never complete
the handshake, so no key exchange is needed.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import struct

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.probes.tls.scan import Handshake, connect

__all__ = ["LEGACY_FAMILIES", "LEGACY_VERSIONS", "client_hello", "probe_family", "probe_version"]

# IANA cipher suite codes per family.
LEGACY_FAMILIES: dict[str, tuple[int, ...]] = {
    "RC4": (0x0005, 0x0004, 0xC011, 0xC007, 0xC016, 0x0018),
    "3DES": (0x000A, 0x0016, 0x0013, 0xC012, 0xC008, 0xC017),
    "DES": (0x0009, 0x0015, 0x0012, 0x001A),
    "EXPORT": (0x0003, 0x0006, 0x0008, 0x000B, 0x000E, 0x0011, 0x0014, 0x0017, 0x0019),
}
# Suites a TLS 1.0/1.1 server would pick from: the CBC suites of that era and the
# legacy families above.
_OLD_SUITES = (0xC00A, 0xC014, 0xC009, 0xC013, 0x0039, 0x0033, 0x0035, 0x002F, 0x0041,
               0x0084, 0x0096)  # fmt: skip
LEGACY_VERSIONS: dict[str, int] = {"SSLv3": 0x0300, "TLSv1.0": 0x0301, "TLSv1.1": 0x0302}
_TLS12 = 0x0303
_HANDSHAKE, _ALERT, _SERVER_HELLO = 22, 21, 2
_VERSIONS = {0x0300: "SSLv3", 0x0301: "TLSv1.0", 0x0302: "TLSv1.1", 0x0303: "TLSv1.2"}


def probe_family(family: str, host: str, port: int, timeout: float) -> Handshake:
    """Offer only the suites of ``family`` on TLS 1.2 or lower; did the server pick one?"""
    return _probe(family, host, port, timeout, LEGACY_FAMILIES[family], _TLS12)


def probe_version(label: str, host: str, port: int, timeout: float) -> Handshake:
    """Offer exactly protocol ``label`` (SSLv3, TLSv1.0, TLSv1.1); did the server agree?"""
    version = LEGACY_VERSIONS[label]
    suites = _OLD_SUITES + tuple(c for f in LEGACY_FAMILIES.values() for c in f)
    found = _probe(label, host, port, timeout, suites, version)
    if found.accepted and found.version != label:
        return Handshake(label, False, reason=f"server answered {found.version}")
    return found


def _probe(
    label: str, host: str, port: int, timeout: float, suites: tuple[int, ...], version: int
) -> Handshake:
    sock = connect(host, port, timeout)
    try:
        sock.sendall(client_hello(suites, host, version))
        found = _read_answer(label, sock)
    except TimeoutError:
        raise ProbeError(
            f"{host}:{port} gave no answer to a ClientHello within {timeout:g} s"
        ) from None
    except ConnectionError as exc:
        return Handshake(label, False, reason=f"connection closed ({exc.strerror or exc})")
    finally:
        sock.close()
    if found.accepted and int(found.cipher, 16) not in suites:
        return Handshake(label, False, reason=f"server picked {found.cipher}, never offered")
    return found


def client_hello(suites: tuple[int, ...], host: str, version: int = _TLS12) -> bytes:
    """A ClientHello record for ``version`` offering ``suites`` (SNI for a DNS name)."""
    ciphers = b"".join(struct.pack("!H", code) for code in suites)
    body = (
        version.to_bytes(2, "big")
        + os.urandom(32)
        + b"\x00"  # no session id
        + struct.pack("!H", len(ciphers))
        + ciphers
        + b"\x01\x00"  # null compression only
        + _vector(_extensions(host), 2)
    )
    message = bytes([1]) + len(body).to_bytes(3, "big") + body
    return bytes([_HANDSHAKE]) + b"\x03\x01" + _vector(message, 2)


def _extensions(host: str) -> bytes:
    groups = _vector(b"\x00\x1d\x00\x17\x00\x18", 2)  # x25519, P-256, P-384
    signatures = _vector(b"\x04\x01\x05\x01\x02\x01\x04\x03\x05\x03\x02\x03", 2)
    found = [
        _extension(10, groups),
        _extension(11, b"\x01\x00"),  # uncompressed points
        _extension(13, signatures),
        _extension(0xFF01, b"\x00"),  # secure renegotiation
    ]
    if not _is_address(host):
        name = host.encode("idna")
        found.insert(0, _extension(0, _vector(b"\x00" + _vector(name, 2), 2)))
    return b"".join(found)


def _read_answer(label: str, sock: socket.socket) -> Handshake:
    header = _read(sock, 5)
    if len(header) < 5:
        return Handshake(label, False, reason="connection closed")
    kind, length = header[0], struct.unpack("!H", header[3:5])[0]
    if kind not in (_ALERT, _HANDSHAKE):
        return Handshake(label, False, reason="answer is not TLS")
    body = _read(sock, min(length, 512))
    if kind == _ALERT:
        return Handshake(label, False, reason=f"alert {body[1] if len(body) > 1 else '?'}")
    if kind != _HANDSHAKE or len(body) < 41 or body[0] != _SERVER_HELLO:
        return Handshake(label, False, reason="answer is not a TLS ServerHello")
    version = _VERSIONS.get(struct.unpack("!H", body[4:6])[0], "unknown")
    offset = 6 + 32 + 1 + body[38]
    if len(body) < offset + 2:
        return Handshake(label, False, reason="truncated ServerHello")
    code = struct.unpack("!H", body[offset : offset + 2])[0]
    return Handshake(label, True, version=version, cipher=f"0x{code:04X}")


def _read(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _vector(data: bytes, width: int) -> bytes:
    return len(data).to_bytes(width, "big") + data


def _extension(kind: int, data: bytes) -> bytes:
    return struct.pack("!H", kind) + _vector(data, 2)


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
