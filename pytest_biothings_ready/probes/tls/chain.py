"""The certificate chain as the server sends it, judged the way a browser would.

A client only has its own root store: every intermediate must come from the server.
So, like sslyze's ``received_certificate_chain`` against ``verified_certificate_chain``,
the verified handshake trusts **roots only** (certifi's system store plus the
self-signed certificates of ``ca_bundle``); an intermediate sitting in ``ca_bundle``
is never used to complete what the server left out.  This module builds that trust,
reads both chains off a handshake, and finds what is wrong with them:

- the issuer the server failed to send (an incomplete chain), by name;
- weak links: an intermediate (or root) with a small key, an intermediate signed
  with SHA-1/MD5 (a root's self-signature does not matter).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import ProbeError

if TYPE_CHECKING:
    from cryptography import x509

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["ChainReport", "Trust", "examine_chain", "peer_chains", "trust"]

# OpenSSL verify codes that mean "an issuer is missing from what we were given".
MISSING_ISSUER_CODES = frozenset({2, 20, 21})


@dataclass(frozen=True)
class Trust:
    """The anchors of the verified handshake.

    Attributes:
        context: a verifying client context holding roots only.
        system_roots: DER of the system store's roots (certifi), to tell which source
            an anchor came from (a root in both counts as the system store's).
        bundle_others: subjects (RFC 4514) of ``ca_bundle`` certificates that are not
            roots and are therefore not trusted as anchors.
    """

    context: ssl.SSLContext
    system_roots: frozenset[bytes]
    bundle_others: tuple[str, ...]


@dataclass(frozen=True)
class ChainReport:
    """The served and the verified chain, and what is wrong with them.

    Attributes:
        served: subjects of the certificates the server sent, in its order.
        verified: subjects of the verified path, leaf to anchor (empty if it failed).
        anchor_source: ``system store`` or ``ca_bundle`` (empty if not verified).
        missing_issuer: the issuer the server did not send, when the chain is incomplete.
        weak: weak links as short phrases (never the leaf: it is judged on its own).
    """

    served: tuple[str, ...]
    verified: tuple[str, ...]
    anchor_source: str
    missing_issuer: str
    weak: tuple[str, ...]

    def findings(self, bundle_others: tuple[str, ...] = ()) -> list[str]:
        """The chain problems, as sentences for the evidence."""
        found = []
        if self.missing_issuer:
            found.append(self._incomplete(bundle_others))
        return found + list(self.weak)

    def describe(self) -> str:
        """``served 2 certificates (CN=leaf <- CN=Intermediate)``."""
        count = len(self.served)
        return f"served {count} certificate{'s' if count != 1 else ''} ({' <- '.join(self.served)})"

    def _incomplete(self, bundle_others: tuple[str, ...]) -> str:
        text = f"incomplete chain: the server does not send the issuer {self.missing_issuer}"
        if self.missing_issuer in bundle_others:
            return (
                f"{text} ({self.describe()}); it is in ca_bundle, but clients only have "
                "roots: the server must send its intermediates (full chain in its "
                "certificate file)"
            )
        return f"{text}, which is no trusted root either ({self.describe()})"


def trust(env: Environment) -> Trust:
    """Roots only: certifi's store plus the self-signed certificates of ``ca_bundle``."""
    import certifi
    from cryptography.hazmat.primitives.serialization import Encoding

    context = ssl.create_default_context(cafile=certifi.where())
    system = frozenset(context.get_ca_certs(binary_form=True))
    roots, others = _bundle(env)
    if roots:
        context.load_verify_locations(cadata=b"".join(c.public_bytes(Encoding.DER) for c in roots))
    return Trust(context, system, others)


def peer_chains(tls: ssl.SSLSocket) -> tuple[tuple[bytes, ...], tuple[bytes, ...]]:
    """(served chain, verified chain) of a completed handshake, DER, leaf first."""
    # Public from Python 3.13; on 3.11/3.12 the same methods sit on the C object.
    source: Any = tls
    if not hasattr(tls, "get_unverified_chain"):
        source = source._sslobj
    return _der(source.get_unverified_chain()), _der(source.get_verified_chain())


def examine_chain(
    served: tuple[bytes, ...],
    verified: tuple[bytes, ...],
    verify_code: int,
    system_roots: frozenset[bytes],
) -> ChainReport:
    """Judge the served chain; ``verified`` is empty when verification failed."""
    from cryptography import x509

    sent = [x509.load_der_x509_certificate(der) for der in served]
    path = [x509.load_der_x509_certificate(der) for der in verified]
    missing = ""
    if not path and sent and verify_code in MISSING_ISSUER_CODES:
        missing = _missing_issuer(sent)
    links = path[1:] if path else _served_path(sent)[1:]
    return ChainReport(
        served=tuple(_subject(c) for c in sent),
        verified=tuple(_subject(c) for c in path),
        anchor_source=_anchor_source(verified, system_roots),
        missing_issuer=missing,
        weak=tuple(w for cert in links for w in _weak_link(cert)),
    )


def _bundle(env: Environment) -> tuple[list[x509.Certificate], tuple[str, ...]]:
    """(the self-signed certificates, subjects of the others) of ca_bundle."""
    from cryptography import x509

    bundle = env.get("ca_bundle")
    if not bundle:
        return [], ()
    path = env.path(str(bundle))
    try:
        certificates = x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise ProbeError(f"cannot load ca_bundle {path}: {exc}; check `ca_bundle`") from None
    roots = [c for c in certificates if _self_signed(c)]
    others = tuple(_subject(c) for c in certificates if not _self_signed(c))
    return roots, others


def _served_path(sent: list[x509.Certificate]) -> list[x509.Certificate]:
    """The leaf, then each issuer found among the served certificates."""
    path = sent[:1]
    while path and not _self_signed(path[-1]) and len(path) <= len(sent):
        issuer = next((c for c in sent if c not in path and _issued(path[-1], c)), None)
        if issuer is None:
            break
        path.append(issuer)
    return path


def _missing_issuer(sent: list[x509.Certificate]) -> str:
    top = _served_path(sent)[-1]
    return "" if _self_signed(top) else top.issuer.rfc4514_string()


def _issued(child: x509.Certificate, parent: x509.Certificate) -> bool:
    if child.issuer != parent.subject:
        return False
    try:
        child.verify_directly_issued_by(parent)
    except (ValueError, TypeError):
        return False
    except Exception:  # an algorithm cryptography cannot verify: trust the names
        return True
    return True


def _weak_link(cert: x509.Certificate) -> list[str]:
    from pytest_biothings_ready.probes.tls.certs import MIN_KEY_BITS, WEAK_HASHES, key_of

    found = []
    kind, bits = key_of(cert)
    role = "root" if _self_signed(cert) else "intermediate"
    minimum = MIN_KEY_BITS.get(kind)
    if minimum and bits < minimum:
        found.append(f"{role} {_subject(cert)} has a {kind} key of {bits} bits < {minimum}")
    algorithm = cert.signature_hash_algorithm
    if role == "intermediate" and algorithm and algorithm.name in WEAK_HASHES:
        found.append(f"intermediate {_subject(cert)} is signed with {algorithm.name.upper()}")
    return found


def _anchor_source(verified: tuple[bytes, ...], system_roots: frozenset[bytes]) -> str:
    if not verified:
        return ""
    return "system store" if verified[-1] in system_roots else "ca_bundle"


def _self_signed(cert: x509.Certificate) -> bool:
    return cert.subject == cert.issuer


def _subject(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string()


def _der(chain: Any) -> tuple[bytes, ...]:
    """DER of each certificate (bytes on Python 3.13+, ``_ssl.Certificate`` before)."""
    import _ssl

    if not chain:
        return ()
    return tuple(c if isinstance(c, bytes) else c.public_bytes(_ssl.ENCODING_DER) for c in chain)
