"""What a certificate says about itself: names, issuer, validity, key and signature.

Parsed from the DER the server sent, with ``cryptography``; the trust decision
(chain and hostname) is made by the handshake against the environment's roots, not
here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography import x509

__all__ = ["CertificateInfo", "key_of", "parse_certificate"]

# Minimum key sizes, bits (NIST SP 800-57 / CA/B Forum baseline).
MIN_KEY_BITS = {"RSA": 2048, "DSA": 2048, "EC": 256}
WEAK_HASHES = frozenset({"md5", "sha1"})


@dataclass(frozen=True)
class CertificateInfo:
    """The leaf certificate of an endpoint.

    Attributes:
        subject: the subject as an RFC 4514 string.
        issuer: the issuer as an RFC 4514 string.
        names: DNS names and IP addresses of the subjectAltName extension.
        not_before: start of validity (UTC).
        not_after: end of validity (UTC).
        key_type: ``RSA``, ``EC``, ``DSA``, ``Ed25519``...
        key_bits: key size in bits.
        signature_hash: the hash of the issuer's signature (``sha256``), or ``""``.
        self_signed: subject and issuer are the same name.
        issuer_organization: the issuer's ``O=`` value, or ``""``.
        authority_urls: the CA Issuers and OCSP URLs of authorityInfoAccess.
    """

    subject: str
    issuer: str
    names: tuple[str, ...]
    not_before: datetime
    not_after: datetime
    key_type: str
    key_bits: int
    signature_hash: str
    self_signed: bool
    issuer_organization: str = ""
    authority_urls: tuple[str, ...] = ()

    def days_left(self, now: datetime | None = None) -> int:
        """Whole days until ``not_after`` (negative once expired)."""
        now = now or datetime.now(UTC)
        return (self.not_after - now).days

    @property
    def lifetime_days(self) -> int:
        """Total validity period in days."""
        return (self.not_after - self.not_before).days

    def weaknesses(self) -> list[str]:
        """Key or signature problems, as short phrases (empty when none)."""
        found = []
        minimum = MIN_KEY_BITS.get(self.key_type)
        if minimum and self.key_bits < minimum:
            found.append(f"{self.key_type} key of {self.key_bits} bits < {minimum}")
        if self.signature_hash in WEAK_HASHES:
            found.append(f"signature uses {self.signature_hash.upper()}")
        return found

    def describe_key(self) -> str:
        """``EC 256-bit key, sha256 signature``."""
        signed = f", {self.signature_hash} signature" if self.signature_hash else ""
        return f"{self.key_type} {self.key_bits}-bit key{signed}"


def parse_certificate(der: bytes) -> CertificateInfo:
    """Read the fields the checks need from a DER certificate."""
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    key_type, key_bits = key_of(cert)
    algorithm = cert.signature_hash_algorithm
    return CertificateInfo(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        names=_alt_names(cert),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        key_type=key_type,
        key_bits=key_bits,
        signature_hash=algorithm.name if algorithm else "",
        self_signed=cert.subject == cert.issuer,
        issuer_organization=_organization(cert.issuer),
        authority_urls=_authority_urls(cert),
    )


def _organization(name: x509.Name) -> str:
    from cryptography.x509.oid import NameOID

    values = name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return str(values[0].value) if values else ""


def _authority_urls(cert: x509.Certificate) -> tuple[str, ...]:
    from cryptography import x509

    try:
        extension = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess)
    except x509.ExtensionNotFound:
        return ()
    locations = (d.access_location for d in extension.value)
    return tuple(str(n.value) for n in locations if isinstance(n, x509.UniformResourceIdentifier))


def key_of(cert: x509.Certificate) -> tuple[str, int]:
    """(``RSA``/``EC``/..., size in bits) of the certificate's public key."""
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA", key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "EC", key.curve.key_size
    if isinstance(key, dsa.DSAPublicKey):
        return "DSA", key.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", 256
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", 456
    return type(key).__name__, 0


def _alt_names(cert: x509.Certificate) -> tuple[str, ...]:
    from cryptography import x509

    try:
        extension = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return ()
    names = extension.value.get_values_for_type(x509.DNSName)
    addresses = extension.value.get_values_for_type(x509.IPAddress)
    return tuple(names) + tuple(str(a) for a in addresses)
