"""The ``tls`` gatherer: every handshake of the base_url endpoint, as one report."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer

if TYPE_CHECKING:
    import ssl
    from collections.abc import Callable

    from pytest_biothings_ready.config.environment import Environment
    from pytest_biothings_ready.probes.tls.certs import CertificateInfo
    from pytest_biothings_ready.probes.tls.chain import ChainReport, Trust
    from pytest_biothings_ready.probes.tls.scan import Handshake

__all__ = ["TlsReport", "scan_tls"]

OLD_PROTOCOLS = ("SSLv3", "TLSv1.0", "TLSv1.1")


@dataclass(frozen=True)
class TlsReport:
    """What one TLS endpoint accepts and which certificate it presents.

    Attributes:
        host: the host connected to (and the name verified).
        port: the TCP port.
        verified: the handshake with the environment's roots (system store plus the
            roots of ``ca_bundle``, never its intermediates); accepted means the chain
            as served, the hostname and the validity dates all verified.
        protocols: one handshake per protocol version, SSLv3 to TLS 1.3.
        weak: one handshake per weak cipher family; accepted means the server
            agreed to a suite of that family.
        modern_tls12: a TLS 1.2 handshake offering only forward-secret AEAD suites.
        certificate: the leaf certificate the server sent (None if none was read).
        chain: the served and verified chains and their problems (None: none read).
        bundle_others: ``ca_bundle`` certificates that are not roots (not anchors).
        elapsed_s: wall time of the scan, seconds.
    """

    host: str
    port: int
    verified: Handshake
    protocols: tuple[Handshake, ...]
    weak: tuple[Handshake, ...]
    modern_tls12: Handshake
    certificate: CertificateInfo | None
    chain: ChainReport | None
    bundle_others: tuple[str, ...]
    elapsed_s: float

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def accepted(self) -> list[str]:
        """Protocol versions the server accepted."""
        return [h.label for h in self.protocols if h.accepted]

    def protocol_findings(self) -> list[str]:
        """Protocol problems: a legacy version accepted, or no TLS 1.2/1.3."""
        accepted = self.accepted()
        found = [f"{label} accepted" for label in OLD_PROTOCOLS if label in accepted]
        if not {"TLSv1.2", "TLSv1.3"} & set(accepted):
            found.append("neither TLSv1.2 nor TLSv1.3 accepted")
        return found

    def cipher_findings(self) -> list[str]:
        """Cipher problems: a weak family accepted, or TLS 1.2 without AEAD+FS."""
        found = [f"{h.label} suite accepted ({h.cipher})" for h in self.weak if h.accepted]
        tls12 = next(h for h in self.protocols if h.label == "TLSv1.2")
        if tls12.accepted and not self.modern_tls12.accepted:
            found.append(
                "TLSv1.2 offers no forward-secret AEAD suite (CBC-only or static key"
                f" exchange; negotiated {tls12.cipher})"
            )
        return found

    def summary(self) -> str:
        """``accepted: TLSv1.2, TLSv1.3; refused: SSLv3, TLSv1.0, TLSv1.1; negotiated ...``."""
        refused = [h.label for h in self.protocols if not h.accepted]
        best = self.verified if self.verified.accepted else _best(self.protocols)
        text = f"accepted: {', '.join(self.accepted()) or 'none'}"
        text += f"; refused: {', '.join(refused) or 'none'}"
        if best is not None:
            text += f"; negotiated {best.version} {best.cipher}"
        return text


@gatherer("tls", needs=("base_url",))
def scan_tls(ctx: Context) -> TlsReport:
    """Handshake with base_url's host:port in every way the checks need, at once."""
    from pytest_biothings_ready.probes.tls.certs import parse_certificate
    from pytest_biothings_ready.probes.tls.chain import trust
    from pytest_biothings_ready.probes.tls.scan import run_all

    host, port = endpoint(str(ctx.env.require("base_url")))
    started = time.perf_counter()
    anchors = trust(ctx.env)
    results = run_all(_jobs(ctx.env, anchors, host, port))
    if not any(h.accepted for h in results.values()):
        reasons = sorted({h.reason for h in results.values()})
        raise ProbeError(f"no TLS handshake succeeded with {host}:{port}: {'; '.join(reasons)}")
    leaf = _leaf(results)
    chain = _chain(results, anchors)
    return TlsReport(
        host=host,
        port=port,
        verified=results.pop("verified"),
        protocols=tuple(results.pop(label) for label in _protocol_labels()),
        modern_tls12=results.pop("modern"),
        weak=tuple(results.values()),
        certificate=parse_certificate(leaf) if leaf else None,
        chain=chain,
        bundle_others=anchors.bundle_others,
        elapsed_s=time.perf_counter() - started,
    )


def endpoint(url: str) -> tuple[str, int]:
    """The host and port of an https:// URL (default port 443)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "wss") or not parts.hostname:
        raise ProbeError(f"{url} is not an https:// URL: no TLS endpoint to probe")
    return parts.hostname, parts.port or 443


def _jobs(
    env: Environment, anchors: Trust, host: str, port: int
) -> dict[str, Callable[[], Handshake]]:
    from pytest_biothings_ready.probes.tls import legacy, scan

    timeout = env.timeout
    tls12 = (scan.PROTOCOLS["TLSv1.2"], scan.PROTOCOLS["TLSv1.2"])

    def job(label: str, context: ssl.SSLContext) -> Callable[[], Handshake]:
        return partial(scan.handshake, label, host, port, context, timeout)

    jobs = {"verified": job("verified", _verifying_context(anchors))}
    for label in legacy.LEGACY_VERSIONS:
        jobs[label] = partial(legacy.probe_version, label, host, port, timeout)
    for label, version in scan.PROTOCOLS.items():
        jobs[label] = job(label, scan.client_context(low=version, high=version))
    jobs["modern"] = job("modern", scan.client_context(scan.MODERN_TLS12, *tls12))
    for label, ciphers in scan.WEAK_FAMILIES.items():
        jobs[label] = job(label, scan.client_context(ciphers + ":@SECLEVEL=0", *tls12))
    for family in legacy.LEGACY_FAMILIES:
        jobs[family] = partial(legacy.probe_family, family, host, port, timeout)
    return jobs


def _verifying_context(anchors: Trust) -> ssl.SSLContext:
    """The environment's roots, willing to speak any version so that a legacy-only
    server still gets its certificate judged (versions are judged separately).

    ``@SECLEVEL=0`` also lets weak keys and SHA-1 through OpenSSL's verification:
    the chain checks name them one by one instead of one opaque refusal.
    """
    import ssl

    context = anchors.context
    context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED  # TLSv1 would warn
    context.set_ciphers("ALL:@SECLEVEL=0")
    return context


def _protocol_labels() -> tuple[str, ...]:
    from pytest_biothings_ready.probes.tls.legacy import LEGACY_VERSIONS
    from pytest_biothings_ready.probes.tls.scan import PROTOCOLS

    return (*LEGACY_VERSIONS, *PROTOCOLS)


def _leaf(results: dict[str, Handshake]) -> bytes:
    for label in ("verified", "TLSv1.3", "TLSv1.2"):
        if results[label].der:
            return results[label].der
    return b""


def _chain(results: dict[str, Handshake], anchors: Trust) -> ChainReport | None:
    """The chain as served (from any accepted handshake) and as verified."""
    from pytest_biothings_ready.probes.tls.chain import examine_chain

    verified = results["verified"]
    served = next(
        (
            results[k].served_chain
            for k in ("verified", "TLSv1.3", "TLSv1.2")
            if results[k].served_chain
        ),
        (),
    )
    if not served:
        return None
    return examine_chain(
        served, verified.verified_chain, verified.verify_code, anchors.system_roots
    )


def _best(handshakes: tuple[Handshake, ...]) -> Handshake | None:
    accepted = [h for h in handshakes if h.accepted]
    return accepted[-1] if accepted else None
