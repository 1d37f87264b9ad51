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


@dataclass(frozen=True)
class Pki:
    """A root, an intermediate and a leaf, and the two ways of serving them.

    Attributes:
        complete: serves leaf + intermediate; ``ca_pem`` holds the root only.
        leaf_only: serves the leaf alone; ``ca_pem`` holds root and intermediate.
        intermediate: the intermediate's subject (RFC 4514).
    """

    complete: Chain
    leaf_only: Chain
    intermediate: str


def make_pki(
    folder: Path,
    *,
    intermediate_rsa_bits: int = 0,
    intermediate_sha1: bool = False,
    leaf_sha1: bool = False,
    issuer_org: str = "Test Issuing CA",
    aia: tuple[str, ...] = (),
    leaf_days: int = 365,
) -> Pki:
    """Root -> intermediate -> leaf for 127.0.0.1/localhost (EC unless told otherwise).

    SHA-1 signatures go through the openssl CLI (cryptography refuses to make them);
    ``aia`` puts CA Issuers URLs into the leaf.
    """
    folder.mkdir(parents=True, exist_ok=True)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = _ca_certificate(root_key, _name("Test Root", "Test Root CA"))
    inter_key = _key(intermediate_rsa_bits)
    inter_name = _name("Test Intermediate", issuer_org)
    inter = _issue(folder, "inter", inter_key, inter_name, root, root_key, CA_EXT, 1800,
                   intermediate_sha1)  # fmt: skip
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf_ext = _leaf_ext(aia)
    leaf = _issue(folder, "leaf", leaf_key, _name("leaf", "Service"), inter, inter_key, leaf_ext,
                  leaf_days, leaf_sha1)  # fmt: skip
    pem = serialization.Encoding.PEM
    files = {name: folder / f"{name}.pem" for name in ("root", "bundle", "full", "leaf", "key")}
    files["root"].write_bytes(root.public_bytes(pem))
    files["bundle"].write_bytes(root.public_bytes(pem) + inter.public_bytes(pem))
    files["full"].write_bytes(leaf.public_bytes(pem) + inter.public_bytes(pem))
    files["leaf"].write_bytes(leaf.public_bytes(pem))
    files["key"].write_bytes(_private_pem(leaf_key))
    return Pki(
        Chain(files["root"], files["full"], files["key"]),
        Chain(files["bundle"], files["leaf"], files["key"]),
        inter_name.rfc4514_string(),
    )


def make_openssl_self_signed(folder: Path, days: int = 30) -> Chain:
    """``openssl req -x509 -days DAYS`` for 127.0.0.1: the hand-made short-lived certificate."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "self.pem", folder / "self-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-days", str(days), "-subj", "/CN=127.0.0.1", "-addext",
         "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", cert],
        check=True, capture_output=True,
    )  # fmt: skip
    return Chain(cert, cert, key)


CA_EXT = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"


def _leaf_ext(aia: tuple[str, ...]) -> str:
    text = "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
    if aia:
        text += "authorityInfoAccess=" + ",".join(f"caIssuers;URI:{u}" for u in aia) + "\n"
    return text


def _issue(
    folder: Path,
    tag: str,
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
    name: x509.Name,
    issuer: x509.Certificate,
    issuer_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
    extensions: str,
    days: int,
    sha1: bool,
) -> x509.Certificate:
    """``issuer`` signs ``name``'s ``key`` through ``openssl x509 -req`` (SHA-1 or SHA-256)."""
    csr = x509.CertificateSigningRequestBuilder().subject_name(name).sign(key, hashes.SHA256())
    paths = {n: folder / f"{tag}-{n}" for n in ("csr.pem", "issuer.pem", "ikey.pem", "ext.cnf",
                                                   "out.pem")}  # fmt: skip
    paths["csr.pem"].write_bytes(csr.public_bytes(serialization.Encoding.PEM))
    paths["issuer.pem"].write_bytes(issuer.public_bytes(serialization.Encoding.PEM))
    paths["ikey.pem"].write_bytes(_private_pem(issuer_key))
    paths["ext.cnf"].write_text("[ext]\n" + extensions)
    subprocess.run(
        ["openssl", "x509", "-req", "-in", paths["csr.pem"], "-CA", paths["issuer.pem"],
         "-CAkey", paths["ikey.pem"], "-sha1" if sha1 else "-sha256", "-days", str(days),
         "-set_serial", str(x509.random_serial_number()), "-extfile", paths["ext.cnf"],
         "-extensions", "ext", "-out", paths["out.pem"]],
        check=True, capture_output=True,
    )  # fmt: skip
    return x509.load_pem_x509_certificate(paths["out.pem"].read_bytes())


def _key(rsa_bits: int) -> ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey:
    return (
        rsa.generate_private_key(65537, rsa_bits)
        if rsa_bits
        else ec.generate_private_key(ec.SECP256R1())
    )


def _private_pem(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


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
