"""Signs of automated certificate issuance: ACME-style issuers, short lifetimes, and
cert-manager ``Certificate`` resources in the environment's manifests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment
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


def automation_signs(cert: CertificateInfo, host: str, env: Environment) -> list[str]:
    """Observed signs that ``cert`` for ``host`` is renewed automatically."""
    signs = [
        f"issuer {cert.issuer} is an automated CA"
        for name in AUTOMATED_ISSUERS
        if name.casefold() in cert.issuer.casefold()
    ][:1]
    if cert.lifetime_days <= MAX_AUTOMATED_LIFETIME_DAYS:
        signs.append(f"lifetime {cert.lifetime_days} days <= {MAX_AUTOMATED_LIFETIME_DAYS}")
    signs += [
        f"cert-manager Certificate {name} covers {host}"
        for name, names in cert_manager_certificates(env)
        if any(_matches(pattern, host) for pattern in names)
    ]
    return signs


def cert_manager_certificates(env: Environment) -> Iterator[tuple[str, list[str]]]:
    """(namespace/name, names) of every cert-manager Certificate in ``manifests``."""
    for path in _manifest_files(env):
        for document in _documents(path):
            if _is_certificate(document):
                meta, spec = document.get("metadata") or {}, document.get("spec") or {}
                names = [*spec.get("dnsNames", []), *spec.get("ipAddresses", [])]
                if spec.get("commonName"):
                    names.append(spec["commonName"])
                label = f"{meta.get('namespace', 'default')}/{meta.get('name', '?')}"
                yield label, [str(n) for n in names]


def _manifest_files(env: Environment) -> Iterator[Path]:
    for entry in env.get("manifests") or []:
        path = env.path(str(entry))
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
        elif path.is_file():
            yield path


def _documents(path: Path) -> list[Any]:
    import yaml

    try:
        return [d for d in yaml.safe_load_all(path.read_text("utf-8")) if d]
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []  # unreadable manifests are the static family's finding, not ours


def _is_certificate(document: Any) -> bool:
    return (
        isinstance(document, dict)
        and document.get("kind") == "Certificate"
        and str(document.get("apiVersion", "")).startswith("cert-manager.io/")
    )


def _matches(pattern: str, host: str) -> bool:
    pattern, host = pattern.casefold().rstrip("."), host.casefold().rstrip(".")
    if pattern.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and rest == pattern[2:]
    return pattern == host
