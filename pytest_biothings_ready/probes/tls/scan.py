"""The TLS handshakes of one endpoint, run concurrently with the stdlib ``ssl``.

One scan makes about a dozen handshakes at once, each bounded by ``timeout_s``:

- one *verified* handshake with the environment's trust (system roots plus
  ``ca_bundle``, hostname checked), which decides chain, hostname and dates;
- one per protocol version: TLS 1.2 and 1.3 pinned with minimum = maximum version;
  TLS 1.0 and 1.1 with a raw ClientHello (:mod:`.legacy`), because Python warns on
  any context that allows them.  Every probing context runs at ``@SECLEVEL=0``: we
  want to learn what the *server* accepts, not what our OpenSSL likes;
- one per weak cipher family on TLS 1.2 (offering only that family), plus one that
  offers only forward-secret AEAD suites, to catch a CBC-only TLS 1.2 server;
- a raw ClientHello for the legacy families the local OpenSSL cannot offer at all
  (RC4, 3DES, DES, EXPORT): see :mod:`.legacy`.

A handshake the server refuses is an observation; a TCP connection that fails or a
server that stops answering is a :class:`ProbeError`, so a hung target is an
``error``, never a pass.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from pytest_biothings_ready.errors import ProbeError

__all__ = [
    "PROTOCOLS",
    "WEAK_FAMILIES",
    "Handshake",
    "client_context",
    "connect",
    "handshake",
    "run_all",
]

# Versions probed with ``ssl``; TLS 1.0 and 1.1 are probed by :mod:`.legacy`.
PROTOCOLS: dict[str, ssl.TLSVersion] = {
    "TLSv1.2": ssl.TLSVersion.TLSv1_2,
    "TLSv1.3": ssl.TLSVersion.TLSv1_3,
}

# Weak TLS 1.2 families the local OpenSSL can offer: label -> OpenSSL cipher string.
WEAK_FAMILIES: dict[str, str] = {
    "NULL": "eNULL",
    "anonymous": "aNULL",
    "static RSA (no forward secrecy)": "kRSA:!eNULL:!aNULL",
    "CBC-SHA1": "SHA1:!eNULL:!aNULL:!kRSA",
}
# What a TLS 1.2 server must accept: forward-secret AEAD suites.
MODERN_TLS12 = "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20"
PERMISSIVE = "ALL:COMPLEMENTOFALL:@SECLEVEL=0"


@dataclass(frozen=True)
class Handshake:
    """The outcome of one handshake attempt.

    Attributes:
        label: what was offered (``TLSv1.0``, a cipher family, ``verified``).
        accepted: the server completed the handshake.
        version: negotiated protocol version, when accepted.
        cipher: negotiated cipher suite (OpenSSL name), when accepted.
        reason: why it was refused (the alert or verification message).
        der: the leaf certificate the server sent, when accepted.
        served_chain: every certificate the server sent (DER, its order), when accepted.
        verified_chain: the verified path, leaf to anchor (verifying contexts only).
        verify_code: OpenSSL's verification error code, when verification failed.
    """

    label: str
    accepted: bool
    version: str = ""
    cipher: str = ""
    reason: str = ""
    der: bytes = b""
    served_chain: tuple[bytes, ...] = ()
    verified_chain: tuple[bytes, ...] = ()
    verify_code: int = 0


def client_context(
    ciphers: str = PERMISSIVE,
    low: ssl.TLSVersion = ssl.TLSVersion.MINIMUM_SUPPORTED,
    high: ssl.TLSVersion = ssl.TLSVersion.TLSv1_3,
) -> ssl.SSLContext:
    """A non-verifying probing context offering ``ciphers`` from ``low`` to ``high``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = low
    context.maximum_version = high
    context.set_ciphers(ciphers)
    return context


def handshake(
    label: str, host: str, port: int, context: ssl.SSLContext, timeout: float
) -> Handshake:
    """Connect to ``host:port`` and try one TLS handshake with ``context``."""
    sock = connect(host, port, timeout)
    try:
        with context.wrap_socket(sock, server_hostname=host) as tls:
            return _accepted(label, tls)
    except ssl.SSLCertVerificationError as exc:
        reason = str(exc.verify_message or exc.reason)
        return Handshake(label, False, reason=reason, verify_code=exc.verify_code or 0)
    except TimeoutError:
        raise ProbeError(
            f"{host}:{port} accepted the connection but gave no TLS answer within "
            f"{timeout:g} s ({label} handshake)"
        ) from None
    except (ssl.SSLError, ConnectionError) as exc:
        return Handshake(label, False, reason=_reason(exc))
    finally:
        sock.close()


def run_all(jobs: dict[str, Callable[[], Handshake]]) -> dict[str, Handshake]:
    """Run the handshake ``jobs`` concurrently; re-raise the first ProbeError."""
    with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="ready-tls") as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def connect(host: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to ``host:port``; ProbeError when there is none in time."""
    try:
        return socket.create_connection((host, port), timeout=timeout)
    except TimeoutError:
        raise ProbeError(f"no TCP connection to {host}:{port} within {timeout:g} s") from None
    except OSError as exc:
        raise ProbeError(f"cannot connect to {host}:{port}: {exc.strerror or exc}") from None


def _accepted(label: str, tls: ssl.SSLSocket) -> Handshake:
    from pytest_biothings_ready.probes.tls.chain import peer_chains

    cipher = tls.cipher()
    served, verified = peer_chains(tls)
    return Handshake(
        label,
        True,
        version=tls.version() or "",
        cipher=cipher[0] if cipher else "",
        der=tls.getpeercert(binary_form=True) or b"",
        served_chain=served,
        verified_chain=verified if tls.context.verify_mode != ssl.CERT_NONE else (),
    )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return str(exc.reason).lower().replace("_", " ")
    return type(exc).__name__ if not str(exc) else str(exc)
