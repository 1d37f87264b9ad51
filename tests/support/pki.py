"""Certificate chains made to order: root -> intermediate -> leaf, served two ways.

    pki = make_pki(tmp_path, intermediate_sha1=True)
    with serve_tls(server_context(pki.complete)) as port: ...     # leaf + intermediate
    with serve_tls(server_context(pki.leaf_only)) as port: ...    # leaf alone

Built with ``cryptography``; only SHA-1 signatures go through the openssl CLI
(cryptography refuses to make them).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID

from tests.support.tls import Chain
from tests.support.tls import _general as _general
from tests.support.tls import _name as _name

__all__ = ["Pki", "make_openssl_self_signed", "make_pki"]

Key = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
LEAF_NAMES = ("127.0.0.1", "localhost")


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


@dataclass(frozen=True)
class _Issuer:
    cert: x509.Certificate
    key: Key


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
    """Root -> intermediate -> leaf for 127.0.0.1/localhost (EC unless told otherwise);
    ``aia`` puts CA Issuers URLs into the leaf."""
    folder.mkdir(parents=True, exist_ok=True)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name("Test Root", "Test Root CA")
    root = _builder(root_name, root_name, root_key, 3650, ca=True).sign(root_key, hashes.SHA256())
    inter_key = _key(intermediate_rsa_bits)
    inter_name = _name("Test Intermediate", issuer_org)
    inter = _issue(folder, inter_name, inter_key, _Issuer(root, root_key), 1800, intermediate_sha1,
                   ca=True)  # fmt: skip
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = _issue(folder, _name("leaf", "Service"), leaf_key, _Issuer(inter, inter_key), leaf_days,
                  leaf_sha1, aia=aia)  # fmt: skip
    return _write(folder, root, inter, leaf, leaf_key, inter_name.rfc4514_string())


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


def _issue(
    folder: Path,
    name: x509.Name,
    key: Key,
    issuer: _Issuer,
    days: int,
    sha1: bool,
    *,
    ca: bool = False,
    aia: tuple[str, ...] = (),
) -> x509.Certificate:
    if sha1:
        return _openssl_sha1(folder, name, key, issuer, days, ca)
    builder = _builder(name, issuer.cert.subject, key, days, ca=ca, aia=aia)
    return builder.sign(issuer.key, hashes.SHA256())


def _builder(
    name: x509.Name, issuer: x509.Name, key: Key, days: int, *, ca: bool, aia: tuple[str, ...] = ()
) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=ca)
    )
    if ca:
        usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
        return builder.add_extension(usage, critical=True)
    sans = [_general(host) for host in LEAF_NAMES]
    builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    if aia:
        issuers = AuthorityInformationAccessOID.CA_ISSUERS
        locations = [
            x509.AccessDescription(issuers, x509.UniformResourceIdentifier(u)) for u in aia
        ]
        builder = builder.add_extension(x509.AuthorityInformationAccess(locations), False)
    return builder


def _openssl_sha1(
    folder: Path, name: x509.Name, key: Key, issuer: _Issuer, days: int, ca: bool
) -> x509.Certificate:
    """``issuer`` signs ``name``'s ``key`` with SHA-1 through ``openssl x509 -req``."""
    csr = x509.CertificateSigningRequestBuilder().subject_name(name).sign(key, hashes.SHA256())
    files = {n: folder / f"sha1-{n}" for n in ("csr.pem", "ca.pem", "ca-key.pem", "ext.cnf",
                                                "out.pem")}  # fmt: skip
    files["csr.pem"].write_bytes(csr.public_bytes(serialization.Encoding.PEM))
    files["ca.pem"].write_bytes(issuer.cert.public_bytes(serialization.Encoding.PEM))
    files["ca-key.pem"].write_bytes(_private_pem(issuer.key))
    extensions = (
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
        if ca
        else "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
    )
    files["ext.cnf"].write_text("[ext]\n" + extensions)
    subprocess.run(
        ["openssl", "x509", "-req", "-in", files["csr.pem"], "-CA", files["ca.pem"],
         "-CAkey", files["ca-key.pem"], "-sha1", "-days", str(days),
         "-set_serial", str(x509.random_serial_number()), "-extfile", files["ext.cnf"],
         "-extensions", "ext", "-out", files["out.pem"]],
        check=True, capture_output=True,
    )  # fmt: skip
    return x509.load_pem_x509_certificate(files["out.pem"].read_bytes())


def _write(
    folder: Path,
    root: x509.Certificate,
    inter: x509.Certificate,
    leaf: x509.Certificate,
    leaf_key: Key,
    intermediate: str,
) -> Pki:
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
        intermediate,
    )


def _key(rsa_bits: int) -> Key:
    if rsa_bits:
        return rsa.generate_private_key(65537, rsa_bits)
    return ec.generate_private_key(ec.SECP256R1())


def _private_pem(key: Key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
