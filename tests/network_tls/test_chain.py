"""The chain as served: intermediates from the server, roots from the system and ca_bundle."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_biothings_ready.model import Status, Verdict
from tests.network_tls.conftest import judge_with, tls_settings
from tests.support.pki import make_pki
from tests.support.tls import Chain, serve_nginx, serve_tls, server_context

LINES = ("Valid SSL certificates installed", "SSL certificate status verified")


def _verdict(chain: Chain, folder: Path | None = None) -> Verdict:
    """The certificate line for ``chain`` served by nginx (or a Python server)."""
    if folder is not None:
        with serve_nginx(folder, chain, ciphers="ECDHE+AESGCM") as port:
            return judge_with(tls_settings(port, chain))(LINES[0])
    with serve_tls(server_context(chain, ciphers="ECDHE+AESGCM:@SECLEVEL=0")) as port:
        judge = judge_with(tls_settings(port, chain))
        verdicts = [judge(line) for line in LINES]
    assert verdicts[0] == verdicts[1]
    return verdicts[0]


def test_leaf_and_intermediate_served_with_the_root_in_ca_bundle_passes(tmp_path: Path) -> None:
    pki = make_pki(tmp_path)
    verdict = _verdict(pki.complete, tmp_path / "nginx")
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "served 2 certificates (CN=leaf,O=Service <- CN=Test Intermediate" in verdict.evidence
    assert "anchored at CN=Test Root,O=Test Root CA (ca_bundle)" in verdict.evidence


def test_leaf_alone_with_the_intermediate_in_ca_bundle_fails_naming_the_missing_issuer(
    tmp_path: Path,
) -> None:
    pki = make_pki(tmp_path)
    verdict = _verdict(pki.leaf_only, tmp_path / "nginx")
    assert verdict.status is Status.FAILED, verdict.evidence
    assert f"incomplete chain: the server does not send the issuer {pki.intermediate}" in (
        verdict.evidence
    )
    assert "it is in ca_bundle, but clients only have roots" in verdict.evidence


def test_leaf_alone_from_a_python_server_fails_too(tmp_path: Path) -> None:
    pki = make_pki(tmp_path)
    verdict = _verdict(pki.leaf_only)
    assert verdict.status is Status.FAILED
    assert "incomplete chain" in verdict.evidence and "served 1 certificate" in verdict.evidence


def test_leaf_with_an_unrelated_intermediate_still_names_the_missing_issuer(
    tmp_path: Path,
) -> None:
    pki, other = make_pki(tmp_path / "a"), make_pki(tmp_path / "b", issuer_org="Other CA")
    served = tmp_path / "mixed.pem"
    served.write_bytes(pki.leaf_only.cert_pem.read_bytes() + _intermediate(other.complete))
    chain = Chain(pki.leaf_only.ca_pem, served, pki.leaf_only.key_pem)
    verdict = _verdict(chain)
    assert verdict.status is Status.FAILED
    assert f"does not send the issuer {pki.intermediate}" in verdict.evidence
    assert "served 2 certificates" in verdict.evidence


def test_served_root_is_harmless(tmp_path: Path) -> None:
    pki = make_pki(tmp_path)
    served = tmp_path / "with-root.pem"
    served.write_bytes(pki.complete.cert_pem.read_bytes() + pki.complete.ca_pem.read_bytes())
    verdict = _verdict(Chain(pki.complete.ca_pem, served, pki.complete.key_pem))
    assert verdict.status is Status.PASSED, verdict.evidence


@pytest.mark.parametrize(
    ("options", "finding"),
    [
        ({"intermediate_rsa_bits": 1024}, "intermediate CN=Test Intermediate,O=Test Issuing CA "
                                          "has a RSA key of 1024 bits < 2048"),
        ({"intermediate_sha1": True}, "intermediate CN=Test Intermediate,O=Test Issuing CA is "
                                      "signed with SHA1"),
        ({"leaf_sha1": True}, "leaf signature uses SHA1"),
    ],
    ids=["rsa-1024-intermediate", "sha1-intermediate", "sha1-leaf"],
)  # fmt: skip
def test_weak_link_in_a_complete_chain_fails(
    tmp_path: Path, options: dict[str, object], finding: str
) -> None:
    verdict = _verdict(make_pki(tmp_path, **options).complete)  # type: ignore[arg-type]
    assert verdict.status is Status.FAILED, verdict.evidence
    assert finding in verdict.evidence


def test_weak_served_intermediate_is_named_even_when_verification_fails(tmp_path: Path) -> None:
    pki = make_pki(tmp_path, intermediate_sha1=True)
    unknown_root = make_pki(tmp_path / "other").complete.ca_pem
    verdict = _verdict(Chain(unknown_root, pki.complete.cert_pem, pki.complete.key_pem))
    assert verdict.status is Status.FAILED
    assert "does not send the issuer CN=Test Root,O=Test Root CA" in verdict.evidence
    assert "is signed with SHA1" in verdict.evidence
    print(verdict.evidence)


def test_non_root_certificates_in_ca_bundle_are_not_anchors(tmp_path: Path) -> None:
    pki = make_pki(tmp_path)
    bundle = tmp_path / "intermediate-only.pem"
    bundle.write_bytes(_intermediate(pki.complete))
    verdict = _verdict(Chain(bundle, pki.complete.cert_pem, pki.complete.key_pem))
    assert verdict.status is Status.FAILED
    assert "unable to get" in verdict.evidence


def _intermediate(chain: Chain) -> bytes:
    """The second PEM block of a served leaf+intermediate file."""
    blocks = chain.cert_pem.read_bytes().split(b"-----END CERTIFICATE-----\n")
    return blocks[1] + b"-----END CERTIFICATE-----\n"
