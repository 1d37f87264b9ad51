"""The TLS checklist lines, judged from the ``tls`` evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict

if TYPE_CHECKING:
    from pytest_biothings_ready.probes.tls.certs import CertificateInfo
    from pytest_biothings_ready.probes.tls.report import TlsReport

__all__: list[str] = []


@check("TLS 1.2+ only, secure cipher suites", uses=("tls",), smoke=True)
def tls_versions_and_ciphers(ctx: Context) -> Verdict:
    """Only TLS 1.2 and 1.3 are accepted, with forward-secret suites and no weak ones.

    TLS 1.0 and 1.1 must be refused; NULL, anonymous, EXPORT, RC4, DES, 3DES, static
    RSA key exchange and CBC-SHA1 suites must be refused; TLS 1.2 must offer an AEAD
    suite with forward secrecy (not CBC only).
    """
    report: TlsReport = ctx.evidence("tls")
    problems = report.protocol_findings() + report.cipher_findings()
    expected = "required: TLS 1.2+ only, forward-secret AEAD suites, no weak families"
    if problems:
        return Verdict.failed(
            f"{'; '.join(problems)} on {report.where}; {expected} ({report.summary()})"
        )
    return Verdict.passed(
        f"{report.summary()} on {report.where}; weak suites refused "
        f"({', '.join(h.label for h in report.weak)}); {expected}"
    )


@check("Valid SSL certificates installed", "SSL certificates verified", uses=("tls",), smoke=True)
def certificate_is_valid(ctx: Context) -> Verdict:
    """The chain as served verifies to a root of the system store or ca_bundle, for the host.

    Intermediates must come from the server (a non-root in ca_bundle never completes
    the chain; the missing issuer is named); the name must match; it must be within its
    validity dates with at least ``thresholds.cert_min_days`` left, with an RSA key of
    2048+ bits (EC 256+) and no SHA-1/MD5 signature; no intermediate may have a small
    key or a SHA-1/MD5 signature.
    """
    return _certificate_verdict(ctx)


@check("SSL certificate status verified", uses=("tls",))
def certificate_status(ctx: Context) -> Verdict:
    """After go-live, the certificate served still verifies and is not about to expire.

    Same requirements as "Valid SSL certificates installed".
    """
    return _certificate_verdict(ctx)


@check("Certificate auto-renewal configured", uses=("tls", "manifests", "compose"))
def certificate_renewal(ctx: Context) -> Verdict:
    """The certificate has cert_min_days left and there is positive evidence of automation.

    Evidence is an ACME CA (Let's Encrypt, ZeroSSL, Google Trust Services, Buypass)
    recognised by issuer or CA Issuers/OCSP URLs on a chain verified as served, a
    cert-manager Certificate, annotated Ingress or ACME Issuer in ``manifests``, or a
    CronJob running an ACME client.  A short lifetime alone is not evidence; without
    any, the item stays unverified (renewal may exist but was not observed).
    """
    from pytest_biothings_ready.probes.tls.renewal import automation_signs

    report: TlsReport = ctx.evidence("tls")
    cert = _certificate(report)
    minimum = int(ctx.env.threshold("cert_min_days"))
    left = cert.days_left()
    if left < minimum:
        return Verdict.failed(
            f"certificate on {report.where} has {left} days left < cert_min_days "
            f"{minimum}: it was not renewed in time (expires {cert.not_after:%Y-%m-%d})"
        )
    manifests, unreadable = _static(ctx, "manifests")
    compose, unparsed = _static(ctx, "compose_files", "compose")
    signs = automation_signs(report, cert, manifests, compose)
    unreadable += unparsed
    observed = f"{left} days left >= cert_min_days {minimum} on {report.where}{unreadable}"
    if signs:
        return Verdict.passed(f"{observed}; automated issuance: {'; '.join(signs)}")
    kind = "self-signed" if cert.self_signed else f"issuer {cert.issuer}"
    return Verdict.unverified(
        f"{observed}, but no evidence of automated issuance ({kind}, lifetime "
        f"{cert.lifetime_days} days: a short lifetime alone proves nothing; no ACME CA "
        f"on a verified chain, no cert-manager resource, renewal CronJob or compose "
        f"renewal service for {report.host}): attest the renewal process"
    )


@check("Data encryption at rest and in transit", uses=("tls",))
def encryption_in_transit(ctx: Context) -> Verdict:
    """In transit: TLS 1.2+ with secure suites and a valid certificate; at rest needs
    an attestation.

    The probe covers only the transit half, so it never passes the item alone: it
    fails when transit encryption is weak and is otherwise unverified until an
    attestation covers encryption at rest.
    """
    report: TlsReport = ctx.evidence("tls")
    minimum = int(ctx.env.threshold("cert_min_days"))
    problems = (
        report.protocol_findings()
        + report.cipher_findings()
        + certificate_problems(report, _certificate(report), minimum)
    )
    if problems:
        return Verdict.failed(
            f"in transit: {'; '.join(problems)} on {report.where}; at rest: not observable"
        )
    return Verdict.unverified(
        f"in transit: TLS ok on {report.where} ({report.summary()}, certificate verified); "
        "at rest: needs an attestation"
    )


def certificate_problems(report: TlsReport, cert: CertificateInfo, minimum: int) -> list[str]:
    """Every reason the certificate of ``report`` is not acceptable."""
    problems = []
    if not report.verified.accepted:
        problems.append(f"verification failed: {report.verified.reason}")
    if report.chain is not None:
        problems += report.chain.findings(report.bundle_others)
    left = cert.days_left()
    if 0 <= left < minimum:
        problems.append(f"expires in {left} days < cert_min_days {minimum}")
    return problems + [f"leaf {w}" if w.startswith("signature") else w for w in cert.weaknesses()]


def _certificate_verdict(ctx: Context) -> Verdict:
    report: TlsReport = ctx.evidence("tls")
    cert = _certificate(report)
    minimum = int(ctx.env.threshold("cert_min_days"))
    problems = certificate_problems(report, cert, minimum)
    seen = (
        f"certificate {cert.subject} (names: {', '.join(cert.names) or 'none'}) issued by "
        f"{cert.issuer}, valid {cert.not_before:%Y-%m-%d} to {cert.not_after:%Y-%m-%d}, "
        f"{cert.describe_key()}, on {report.where}"
    )
    if problems:
        return Verdict.failed(f"{'; '.join(problems)}: {seen}")
    return Verdict.passed(
        f"{seen}: chain as served and hostname verified against {_trust(ctx, report)}, "
        f"{cert.days_left()} days left >= cert_min_days {minimum}"
    )


def _trust(ctx: Context, report: TlsReport) -> str:
    bundle = ctx.env.get("ca_bundle")
    roots = f"system roots plus ca_bundle {bundle} (roots only)" if bundle else "system roots"
    if report.chain is None:
        return roots
    anchor = report.chain.verified[-1] if report.chain.verified else "?"
    return (
        f"{roots}; {report.chain.describe()}, anchored at {anchor} ({report.chain.anchor_source})"
    )


def _static(ctx: Context, key: str, gatherer: str = "") -> tuple[tuple[Any, ...], str]:
    """The static family's parsed ``key`` files, and a note when they could not be read."""
    if not ctx.env.get(key):
        return (), ""
    try:
        found = ctx.evidence(gatherer or key)
    except ProbeError as exc:
        return (), f" ({key} not read: {exc})"
    return (found.objects if hasattr(found, "objects") else tuple(found)), ""


def _certificate(report: TlsReport) -> CertificateInfo:
    if report.certificate is None:
        raise ProbeError(
            f"no certificate could be read from {report.where} "
            f"(verified handshake: {report.verified.reason or 'no certificate sent'})"
        )
    return report.certificate
