"""Protocol versions and cipher suites, against Python and nginx TLS servers."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from pytest_biothings_ready.model import Status
from tests.network_tls.conftest import judge_with, tls_settings
from tests.support.tls import Chain, make_certificate, serve_nginx, serve_tls, server_context

LINE = "TLS 1.2+ only, secure cipher suites"
TLS10 = ssl.TLSVersion.TLSv1
TLS12 = ssl.TLSVersion.TLSv1_2


def test_nginx_with_tls12_and_13_aead_passes(tmp_path: Path, good_chain: Chain) -> None:
    with serve_nginx(tmp_path, good_chain, ciphers="ECDHE+AESGCM:ECDHE+CHACHA20") as port:
        verdict = judge_with(tls_settings(port, good_chain))(LINE)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "accepted: TLSv1.2, TLSv1.3; refused: SSLv3, TLSv1.0, TLSv1.1" in verdict.evidence


def test_nginx_with_tls10_enabled_fails(tmp_path: Path, good_chain: Chain) -> None:
    policy = {"protocols": "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3", "ciphers": "ALL:@SECLEVEL=0"}
    with serve_nginx(tmp_path, good_chain, **policy) as port:
        verdict = judge_with(tls_settings(port, good_chain))(LINE)
    assert verdict.status is Status.FAILED
    assert "TLSv1.0 accepted" in verdict.evidence
    assert "TLSv1.1 accepted" in verdict.evidence
    assert f"127.0.0.1:{port}" in verdict.evidence


def test_python_server_with_tls10_minimum_fails(good_chain: Chain) -> None:
    context = server_context(good_chain, minimum=TLS10, ciphers="ALL:@SECLEVEL=0")
    with serve_tls(context) as port:
        verdict = judge_with(tls_settings(port, good_chain))(LINE)
    assert verdict.status is Status.FAILED
    assert "TLSv1.0 accepted" in verdict.evidence


def test_server_with_only_tls10_and_11_fails_for_lacking_tls12(good_chain: Chain) -> None:
    context = server_context(
        good_chain, minimum=TLS10, maximum=ssl.TLSVersion.TLSv1_1, ciphers="ALL:@SECLEVEL=0"
    )
    with serve_tls(context) as port:
        judge = judge_with(tls_settings(port, good_chain))
        protocols, certificate = judge(LINE), judge("Valid SSL certificates installed")
    assert protocols.status is Status.FAILED
    assert "neither TLSv1.2 nor TLSv1.3 accepted" in protocols.evidence
    assert certificate.status is Status.PASSED, certificate.evidence


@pytest.mark.parametrize(
    ("ciphers", "rsa_bits", "finding"),
    [
        ("ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0", 0, "CBC-SHA1 suite accepted"),
        ("AES128-GCM-SHA256:@SECLEVEL=0", 2048, "static RSA (no forward secrecy) suite"),
        ("ECDHE-ECDSA-NULL-SHA:ECDHE+AESGCM:@SECLEVEL=0", 0, "NULL suite accepted"),
        ("ECDHE-ECDSA-AES128-SHA256", 0, "TLSv1.2 offers no forward-secret AEAD suite"),
    ],
    ids=["cbc-sha1", "static-rsa", "null", "cbc-only"],
)
def test_weak_tls12_cipher_suite_fails(
    tmp_path: Path, ciphers: str, rsa_bits: int, finding: str
) -> None:
    chain = make_certificate(tmp_path, rsa_bits=rsa_bits)
    context = server_context(chain, maximum=TLS12, ciphers=ciphers)
    with serve_tls(context) as port:
        verdict = judge_with(tls_settings(port, chain))(LINE)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert finding in verdict.evidence


def test_nginx_accepting_cbc_sha1_next_to_aead_fails(tmp_path: Path, good_chain: Chain) -> None:
    with serve_nginx(tmp_path, good_chain, ciphers="HIGH:!aNULL") as port:
        verdict = judge_with(tls_settings(port, good_chain))(LINE)
    assert verdict.status is Status.FAILED
    assert "CBC-SHA1 suite accepted (ECDHE-ECDSA-AES" in verdict.evidence


def test_legacy_families_are_probed_and_refused_by_nginx(tmp_path: Path, good_chain: Chain) -> None:
    with serve_nginx(tmp_path, good_chain, ciphers="ECDHE+AESGCM") as port:
        verdict = judge_with(tls_settings(port, good_chain))(LINE)
    assert "RC4, 3DES, DES, EXPORT" in verdict.evidence
    assert verdict.status is Status.PASSED
