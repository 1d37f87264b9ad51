"""TLS targets for tests: certificates made to order, Python TLS servers, nginx.

    chain = make_certificate(tmp_path, not_after=now + timedelta(days=5))
    with serve_tls(server_context(chain, minimum=ssl.TLSVersion.TLSv1)) as port: ...
    with serve_nginx(tmp_path, chain, protocols="TLSv1.2 TLSv1.3") as port: ...
    with serve_raw(stall_mid_handshake) as port: ...         # hostile targets

Certificates are built with ``cryptography`` (not trustme) because the tests need
control over key type and size, signature hash, validity dates and self-signing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import socket
import ssl
import subprocess
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from tests.support.nginx import run_nginx
from tests.support.servers import free_port

NOW = dt.datetime.now(dt.UTC)
LOOPBACK = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class Chain:
    """A server certificate and the CA that signed it, on disk.

    Attributes:
        ca_pem: the CA certificate (use as ``ca_bundle``); the leaf itself when
            self-signed.
        cert_pem: the server certificate.
        key_pem: the server key.
    """

    ca_pem: Path
    cert_pem: Path
    key_pem: Path


def make_certificate(
    folder: Path,
    *,
    hosts: tuple[str, ...] = LOOPBACK,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    rsa_bits: int = 0,
    sha1: bool = False,
    self_signed: bool = False,
    issuer_org: str = "Test CA",
) -> Chain:
    """A CA and a leaf for ``hosts`` (EC P-256 unless ``rsa_bits``), written to ``folder``.

    ``sha1`` re-signs the leaf with ECDSA-SHA1 through the openssl CLI (cryptography
    refuses to make SHA-1 signatures).
    """
    folder.mkdir(parents=True, exist_ok=True)
    key = (
        rsa.generate_private_key(65537, rsa_bits)
        if rsa_bits
        else ec.generate_private_key(ec.SECP256R1())
    )
    ca_key = key if self_signed else ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("leaf" if self_signed else "Test Root", issuer_org)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name("leaf", issuer_org) if self_signed else _name("leaf", "Service"))
        .issuer_name(_name("leaf", issuer_org) if self_signed else ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or NOW - dt.timedelta(days=1))
        .not_valid_after(not_after or NOW + dt.timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName([_general(h) for h in hosts]), False)
    )
    leaf = builder.sign(ca_key, hashes.SHA256())
    ca = leaf if self_signed else _ca_certificate(ca_key, ca_name)
    chain = Chain(folder / "ca.pem", folder / "cert.pem", folder / "key.pem")
    chain.ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    chain.cert_pem.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    chain.key_pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    if sha1:
        _resign_with_sha1(chain, ca_key, folder)
    return chain


def server_context(
    chain: Chain,
    *,
    minimum: ssl.TLSVersion = ssl.TLSVersion.TLSv1_2,
    maximum: ssl.TLSVersion = ssl.TLSVersion.TLSv1_3,
    ciphers: str = "ECDHE+AESGCM:ECDHE+CHACHA20",
) -> ssl.SSLContext:
    """A server context; TLS 1.0/1.1 and weak suites need ``@SECLEVEL=0`` in ``ciphers``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.set_ciphers(ciphers)
    with warnings.catch_warnings():  # the point of some tests is a deprecated version
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version, context.maximum_version = minimum, maximum
    context.load_cert_chain(chain.cert_pem, chain.key_pem)
    return context


@contextlib.contextmanager
def serve_tls(context: ssl.SSLContext) -> Iterator[int]:
    """A threaded TLS server on a free loopback port: handshake, then close."""

    def session(conn: socket.socket) -> None:
        with contextlib.suppress(OSError), context.wrap_socket(conn, server_side=True) as tls:
            tls.recv(1)  # hold the session until the client closes

    with serve_raw(session) as port:
        yield port


@contextlib.contextmanager
def serve_raw(session: Callable[[socket.socket], None]) -> Iterator[int]:
    """Run ``session(conn)`` in a thread for each connection to a free loopback port."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    stop = threading.Event()
    workers: list[threading.Thread] = []

    def accept_loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            conn.settimeout(10)
            worker = threading.Thread(target=_run_session, args=(session, conn), daemon=True)
            worker.start()
            workers.append(worker)

    thread = threading.Thread(target=accept_loop, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(5)
        listener.close()
        for worker in workers:
            worker.join(12)


@contextlib.contextmanager
def serve_nginx(
    folder: Path, chain: Chain, *, protocols: str = "TLSv1.2 TLSv1.3", ciphers: str = "HIGH"
) -> Iterator[int]:
    """Debian's nginx serving TLS on a free loopback port with the given policy."""
    port = free_port()
    body = TLS_SERVER.format(port=port, chain=chain, protocols=protocols, ciphers=ciphers)
    with run_nginx(folder, body, [port]):
        yield port


# The http{} content of serve_nginx.
TLS_SERVER = """
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {chain.cert_pem};
        ssl_certificate_key {chain.key_pem};
        ssl_protocols {protocols};
        ssl_ciphers "{ciphers}";
        location / {{ return 200 "ok\\n"; }}
    }}
"""


# Hostile sessions for serve_raw.
def never_answer(conn: socket.socket) -> None:
    """Accept and read, never say anything (until the client gives up)."""
    with contextlib.suppress(OSError), conn:
        while conn.recv(4096):
            pass


def answer_garbage(conn: socket.socket) -> None:
    """Answer a ClientHello with plain HTTP, then close."""
    with contextlib.suppress(OSError), conn:
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")


def banner_then_hold(conn: socket.socket) -> None:
    """Speak first like an SSH server, then keep the connection open and silent."""
    with contextlib.suppress(OSError), conn:
        conn.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
        while conn.recv(4096):
            pass


def stall_mid_handshake(conn: socket.socket) -> None:
    """Start a ServerHello record, then go silent."""
    with contextlib.suppress(OSError), conn:
        conn.recv(4096)
        conn.sendall(b"\x16\x03\x03\x00\x5a\x02\x00\x00")
        while conn.recv(4096):
            pass


def _resign_with_sha1(chain: Chain, ca_key: object, folder: Path) -> None:
    key_file = folder / "ca-key.pem"
    key_file.write_bytes(
        ca_key.private_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    csr, extensions = folder / "leaf.csr", folder / "san.cnf"
    names = ",".join(f"IP:{h}" if h[0].isdigit() else f"DNS:{h}" for h in LOOPBACK)
    extensions.write_text(f"subjectAltName={names}\n")
    commands: tuple[list[str | Path], ...] = (
        ["req", "-new", "-key", chain.key_pem, "-subj", "/O=Service/CN=leaf", "-out", csr],
        ["x509", "-req", "-in", csr, "-CA", chain.ca_pem, "-CAkey", key_file, "-sha1",
         "-set_serial", "7", "-days", "30", "-extfile", extensions, "-out", chain.cert_pem],
    )  # fmt: skip
    for command in commands:
        subprocess.run(["openssl", *command], check=True, capture_output=True)


def _run_session(session: Callable[[socket.socket], None], conn: socket.socket) -> None:
    with conn:
        session(conn)


def _name(common: str, org: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
         x509.NameAttribute(NameOID.COMMON_NAME, common)]
    )  # fmt: skip


def _general(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _ca_certificate(
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey, name: x509.Name
) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=30))
        .not_valid_after(NOW + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), True
        )
        .sign(key, hashes.SHA256())
    )
