"""Certificate lines against servers presenting good and bad certificates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from pytest_biothings_ready.model import Status, Verdict
from tests.network_tls.conftest import judge_with, tls_settings
from tests.support.tls import NOW, Chain, make_certificate, serve_nginx, serve_tls, server_context

CERT_LINES = (
    "Valid SSL certificates installed",
    "SSL certificates verified",
    "SSL certificate status verified",
)
RENEWAL = "Certificate auto-renewal configured"
AT_REST = "Data encryption at rest and in transit"
DAY = dt.timedelta(days=1)


def _verdicts(chain: Chain, trusted: bool = True, **extra: Any) -> dict[str, Verdict]:
    with serve_tls(server_context(chain, ciphers="ECDHE+AESGCM:@SECLEVEL=0")) as port:
        judge = judge_with(tls_settings(port, chain if trusted else None, **extra))
        return {line: judge(line) for line in (*CERT_LINES, RENEWAL, AT_REST)}


def test_certificate_from_trusted_ca_passes_every_certificate_line(
    tmp_path: Path, good_chain: Chain
) -> None:
    with serve_nginx(tmp_path, good_chain, ciphers="ECDHE+AESGCM") as port:
        judge = judge_with(tls_settings(port, good_chain))
        verdicts = [judge(line) for line in CERT_LINES]
    for verdict in verdicts:
        assert verdict.status is Status.PASSED, verdict.evidence
        assert "chain as served and hostname verified against system roots plus ca_bundle" in (
            verdict.evidence
        )
        assert "EC 256-bit key, sha256 signature" in verdict.evidence


@pytest.mark.parametrize(
    ("options", "trusted", "finding"),
    [
        ({"not_before": NOW - 90 * DAY, "not_after": NOW - DAY}, True, "certificate has expired"),
        ({"not_before": NOW + 5 * DAY, "not_after": NOW + 90 * DAY}, True, "not yet valid"),
        ({"hosts": ("other.example",)}, True, "mismatch, certificate is not valid for"),
        ({"self_signed": True}, False, "self-signed certificate"),
        ({}, False, "unable to get local issuer certificate"),
        ({"not_after": NOW + 5 * DAY}, True, "expires in 4 days < cert_min_days 21"),
        ({"rsa_bits": 1024}, True, "RSA key of 1024 bits < 2048"),
        ({"sha1": True}, True, "signature uses SHA1"),
    ],
    ids=["expired", "not-yet-valid", "wrong-host", "self-signed", "unknown-ca",
         "expiring-soon", "small-key", "sha1-signature"],
)  # fmt: skip
def test_bad_certificate_fails_every_certificate_line(
    tmp_path: Path, options: dict[str, Any], trusted: bool, finding: str
) -> None:
    verdicts = _verdicts(make_certificate(tmp_path, **options), trusted)
    for line in (*CERT_LINES, AT_REST):
        verdict = verdicts[line]
        assert verdict.status is Status.FAILED, (line, verdict.evidence)
        assert finding in verdict.evidence


def test_expired_certificate_fails_renewal_with_days_left(tmp_path: Path) -> None:
    chain = make_certificate(tmp_path, not_before=NOW - 90 * DAY, not_after=NOW - 2 * DAY)
    verdict = _verdicts(chain)[RENEWAL]
    assert verdict.status is Status.FAILED
    assert "days left < cert_min_days 21: it was not renewed in time" in verdict.evidence


def test_good_transit_leaves_encryption_item_to_an_attestation(good_chain: Chain) -> None:
    verdict = _verdicts(good_chain)[AT_REST]
    assert verdict.status is Status.UNVERIFIED
    assert "at rest: needs an attestation" in verdict.evidence
