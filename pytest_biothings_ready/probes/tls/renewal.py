"""Signs of automated certificate issuance: ACME-style issuers, short lifetimes, and
cert-manager ``Certificate`` resources in the environment's manifests."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_biothings_ready.probes.static.manifests import Manifest
    from pytest_biothings_ready.probes.tls.certs import CertificateInfo

__all__ = ["AUTOMATED_ISSUERS", "MAX_AUTOMATED_LIFETIME_DAYS", "automation_signs"]

# Issuers (organization names) whose certificates are issued and renewed by a
# machine: ACME certificate authorities and cloud-managed certificates.
AUTOMATED_ISSUERS = (
    "Let's Encrypt",
    "ZeroSSL",
    "Buypass",
    "Google Trust Services",
    "Amazon",
    "(STAGING)",
)
# A certificate this short-lived cannot be renewed by hand for long (ACME default).
MAX_AUTOMATED_LIFETIME_DAYS = 90


def automation_signs(cert: CertificateInfo, host: str, manifests: Iterable[Manifest]) -> list[str]:
    """Observed signs that ``cert`` for ``host`` is renewed automatically.

    ``manifests`` are the parsed objects the static family gathered (read once).
    """
    signs = [
        f"issuer {cert.issuer} is an automated CA"
        for name in AUTOMATED_ISSUERS
        if name.casefold() in cert.issuer.casefold()
    ][:1]
    if cert.lifetime_days <= MAX_AUTOMATED_LIFETIME_DAYS:
        signs.append(f"lifetime {cert.lifetime_days} days <= {MAX_AUTOMATED_LIFETIME_DAYS}")
    signs += [
        f"cert-manager Certificate {name} covers {host}"
        for name, names in cert_manager_certificates(manifests)
        if any(_matches(pattern, host) for pattern in names)
    ]
    return signs


def cert_manager_certificates(manifests: Iterable[Manifest]) -> Iterator[tuple[str, list[str]]]:
    """(namespace/name, names) of every cert-manager Certificate among ``manifests``."""
    for obj in manifests:
        if obj.kind == "Certificate" and obj.api_version.startswith("cert-manager.io/"):
            spec = obj.body.get("spec") or {}
            names = [*spec.get("dnsNames", []), *spec.get("ipAddresses", [])]
            if spec.get("commonName"):
                names.append(spec["commonName"])
            yield f"{obj.namespace}/{obj.name or '?'}", [str(n) for n in names]


def _matches(pattern: str, host: str) -> bool:
    pattern, host = pattern.casefold().rstrip("."), host.casefold().rstrip(".")
    if pattern.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and rest == pattern[2:]
    return pattern == host
