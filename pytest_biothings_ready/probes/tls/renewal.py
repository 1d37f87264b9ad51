"""Positive evidence that the certificate is renewed by a machine.

Only three kinds count; a short lifetime alone never does (``openssl req -x509 -days
30`` makes a short-lived certificate nobody renews):

- an ACME certificate authority, recognised by the issuer's organization or by the
  hosts of the certificate's CA Issuers / OCSP URLs, on a chain that verified as
  served to a root of the system store (a staging ACME CA may be anchored in
  ``ca_bundle``).  A self-signed certificate never counts, whatever its names say;
- on the deploy path (``manifests``): a cert-manager ``Certificate`` for the host, an
  Ingress whose ``cert-manager.io/(cluster-)issuer`` annotation covers the host, or
  an ACME ``Issuer``/``ClusterIssuer``;
- a renewal job: a ``CronJob`` running an ACME client (certbot, acme.sh, lego, ...),
  or a compose service that runs one in renewal mode (``certbot renew``, ``acme.sh
  --cron``, ``lego ... renew``, ``dehydrated --cron``) or is ``acme-companion``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_biothings_ready.probes.static.compose import ComposeFile
    from pytest_biothings_ready.probes.static.manifests import Manifest
    from pytest_biothings_ready.probes.tls.certs import CertificateInfo
    from pytest_biothings_ready.probes.tls.report import TlsReport

__all__ = ["ACME_AUTHORITIES", "AcmeAuthority", "automation_signs"]


@dataclass(frozen=True)
class AcmeAuthority:
    """A certificate authority that issues through ACME.

    Attributes:
        name: shown in evidence.
        organizations: issuer ``O=`` values (compared case-insensitively, whole value).
        url_domains: domains of its CA Issuers / OCSP URLs (the host or a subdomain).
        staging: a test CA whose root is never in a system store.
    """

    name: str
    organizations: tuple[str, ...]
    url_domains: tuple[str, ...]
    staging: bool = False


ACME_AUTHORITIES: tuple[AcmeAuthority, ...] = (
    AcmeAuthority("Let's Encrypt", ("Let's Encrypt",), ("lencr.org", "letsencrypt.org")),
    AcmeAuthority("Let's Encrypt staging", ("(STAGING) Let's Encrypt",), (), staging=True),
    AcmeAuthority("ZeroSSL", ("ZeroSSL",), ("zerossl.com",)),
    AcmeAuthority(
        "Google Trust Services",
        ("Google Trust Services", "Google Trust Services LLC"),
        ("pki.goog",),
    ),
    AcmeAuthority("Buypass", ("Buypass AS-983163327",), ("buypass.com", "buypass.no")),
)
# ACME clients a renewal job runs (image or command).
ACME_CLIENTS = re.compile(r"\b(certbot|acme\.sh|lego|dehydrated|getssl|acme-companion)\b", re.I)
# What makes a long-running client renew rather than issue once.
RENEWAL_MODE = re.compile(
    r"\brenew\b|--cron\b|\bacme-companion\b|letsencrypt-nginx-proxy-companion"
)


def automation_signs(
    report: TlsReport,
    cert: CertificateInfo,
    manifests: Iterable[Manifest],
    compose: Iterable[ComposeFile] = (),
) -> list[str]:
    """Observed signs that the certificate of ``report`` is renewed automatically.

    ``manifests`` and ``compose`` are what the static family parsed (read once).
    """
    objects = tuple(manifests)
    signs = _acme_issuer(report, cert)
    signs += [
        f"cert-manager Certificate {name} covers {report.host}"
        for name, names in cert_manager_certificates(objects)
        if any(_matches(pattern, report.host) for pattern in names)
    ]
    return signs + list(_deploy_signs(objects, report.host)) + list(_compose_signs(compose))


def _compose_signs(files: Iterable[ComposeFile]) -> Iterator[str]:
    for compose in files:
        for service in compose.services:
            text = " ".join(repr(service.get(k)) for k in ("image", "command", "entrypoint"))
            client = ACME_CLIENTS.search(text)
            if client and RENEWAL_MODE.search(text):
                where = service.at()
                yield f"compose service {service.name} runs {client.group(1)} renewal at {where}"


def _acme_issuer(report: TlsReport, cert: CertificateInfo) -> list[str]:
    chain = report.chain
    if cert.self_signed or not report.verified.accepted or chain is None:
        return []
    for authority in ACME_AUTHORITIES:
        why = _recognised(authority, cert)
        if why and (authority.staging or chain.anchor_source == "system store"):
            anchor = chain.verified[-1] if chain.verified else "?"
            return [
                f"issued by the ACME CA {authority.name} ({why}), chain verified as served "
                f"to {anchor} ({chain.anchor_source})"
            ]
    return []


def _recognised(authority: AcmeAuthority, cert: CertificateInfo) -> str:
    wanted = {o.casefold() for o in authority.organizations}
    if cert.issuer_organization.casefold() in wanted:
        return f"issuer O={cert.issuer_organization}"
    for url in cert.authority_urls:
        host = _host(url)
        if any(host == d or host.endswith("." + d) for d in authority.url_domains):
            return f"CA Issuers/OCSP URL {url}"
    return ""


def cert_manager_certificates(manifests: Iterable[Manifest]) -> Iterator[tuple[str, list[str]]]:
    """(namespace/name, names) of every cert-manager Certificate among ``manifests``."""
    for obj in manifests:
        if obj.kind == "Certificate" and obj.api_version.startswith("cert-manager.io/"):
            spec = _map(obj.body.get("spec"))
            names = [*_list(spec.get("dnsNames")), *_list(spec.get("ipAddresses"))]
            if spec.get("commonName"):
                names.append(spec["commonName"])
            yield f"{obj.namespace}/{obj.name or '?'}", [str(n) for n in names]


def _deploy_signs(objects: tuple[Manifest, ...], host: str) -> Iterator[str]:
    for obj in objects:
        if obj.kind == "Ingress" and _covers(obj, host) and (issuer := _annotated_issuer(obj)):
            yield f"Ingress {obj.namespace}/{obj.name} asks cert-manager issuer {issuer} for {host}"
        elif obj.kind in ("Issuer", "ClusterIssuer") and obj.api_version.startswith(
            "cert-manager.io/"
        ):
            server = _map(_map(obj.body.get("spec")).get("acme")).get("server")
            if server:
                yield f"cert-manager ACME {obj.kind} {obj.name} ({server}) at {obj.at()}"
        elif obj.kind == "CronJob" and (client := _acme_client(obj.body)):
            yield f"CronJob {obj.namespace}/{obj.name} runs {client} at {obj.at()}"


def _annotated_issuer(obj: Manifest) -> str:
    annotations = _map(_map(obj.body.get("metadata")).get("annotations"))
    for key in ("cert-manager.io/cluster-issuer", "cert-manager.io/issuer"):
        if annotations.get(key):
            return str(annotations[key])
    return ""


def _covers(ingress: Manifest, host: str) -> bool:
    tls = _list(_map(ingress.body.get("spec")).get("tls"))
    return any(_matches(str(h), host) for entry in tls for h in _list(_map(entry).get("hosts")))


def _acme_client(body: Mapping[str, Any]) -> str:
    """The ACME client a CronJob's containers run (image, command or args), else "".

    A suspended CronJob renews nothing.
    """
    spec = _map(body.get("spec"))
    if spec.get("suspend") is True:
        return ""
    found = ACME_CLIENTS.search(repr(spec.get("jobTemplate")))
    return found.group(1) if found else ""


def _matches(pattern: str, host: str) -> bool:
    pattern, host = pattern.casefold().rstrip("."), host.casefold().rstrip(".")
    if pattern.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and rest == pattern[2:]
    return pattern == host


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "").casefold()


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
