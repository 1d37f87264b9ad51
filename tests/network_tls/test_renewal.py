"""Certificate auto-renewal: only positive evidence of automation passes, never a lifetime."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import certifi
import pytest

from pytest_biothings_ready.model import Status, Verdict
from tests.network_tls.conftest import judge_with, tls_settings
from tests.support.pki import make_openssl_self_signed, make_pki
from tests.support.tls import NOW, Chain, make_certificate, serve_tls, server_context

LINE = "Certificate auto-renewal configured"
DAY = dt.timedelta(days=1)


def _renewal(chain: Chain, trusted: bool = True, **extra: Any) -> Verdict:
    with serve_tls(server_context(chain, ciphers="ECDHE+AESGCM:@SECLEVEL=0")) as port:
        return judge_with(tls_settings(port, chain if trusted else None, **extra))(LINE)


@pytest.fixture
def system_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Stand in for the system store: certifi's roots plus a test root appended later."""
    store = tmp_path / "system-store.pem"
    store.write_bytes(Path(certifi.where()).read_bytes())
    monkeypatch.setattr(certifi, "where", lambda: str(store))
    return store


def _in_system_store(store: Path, chain: Chain) -> Chain:
    store.write_bytes(store.read_bytes() + chain.ca_pem.read_bytes())
    return chain


def test_openssl_self_signed_30_day_certificate_is_not_automation(tmp_path: Path) -> None:
    verdict = _renewal(make_openssl_self_signed(tmp_path, days=30))
    assert verdict.status is Status.UNVERIFIED, verdict.evidence
    assert "self-signed, lifetime 30 days: a short lifetime alone proves nothing" in (
        verdict.evidence
    )


def test_short_lived_ca_signed_certificate_is_not_automation(tmp_path: Path) -> None:
    chain = make_certificate(tmp_path, not_before=NOW - 30 * DAY, not_after=NOW + 60 * DAY)
    verdict = _renewal(chain)
    assert verdict.status is Status.UNVERIFIED
    assert "lifetime 90 days" in verdict.evidence


def test_self_signed_certificate_calling_itself_lets_encrypt_is_not_automation(
    tmp_path: Path,
) -> None:
    verdict = _renewal(make_certificate(tmp_path, self_signed=True, issuer_org="Let's Encrypt"))
    assert verdict.status is Status.UNVERIFIED


def test_private_ca_named_lets_encrypt_in_ca_bundle_is_not_automation(tmp_path: Path) -> None:
    pki = make_pki(tmp_path, issuer_org="Let's Encrypt", aia=("http://r11.i.lencr.org/",))
    verdict = _renewal(pki.complete)
    assert verdict.status is Status.UNVERIFIED, verdict.evidence


def test_acme_issuer_on_a_chain_to_the_system_store_is_automation(
    tmp_path: Path, system_store: Path
) -> None:
    chain = _in_system_store(system_store, make_pki(tmp_path, issuer_org="Let's Encrypt").complete)
    verdict = _renewal(chain, trusted=False)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "issued by the ACME CA Let's Encrypt (issuer O=Let's Encrypt)" in verdict.evidence
    assert "(system store)" in verdict.evidence


def test_system_root_also_listed_in_ca_bundle_still_counts_as_the_system_store(
    tmp_path: Path, system_store: Path
) -> None:
    chain = _in_system_store(system_store, make_pki(tmp_path, issuer_org="ZeroSSL").complete)
    verdict = _renewal(chain, trusted=True)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "ACME CA ZeroSSL" in verdict.evidence and "(system store)" in verdict.evidence


def test_acme_ca_issuers_url_on_a_chain_to_the_system_store_is_automation(
    tmp_path: Path, system_store: Path
) -> None:
    pki = make_pki(tmp_path, issuer_org="Other", aia=("http://r11.i.lencr.org/",))
    verdict = _renewal(_in_system_store(system_store, pki.complete), trusted=False)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "CA Issuers/OCSP URL http://r11.i.lencr.org/" in verdict.evidence


def test_acme_issuer_with_an_incomplete_chain_is_not_evidence(
    tmp_path: Path, system_store: Path
) -> None:
    pki = make_pki(tmp_path, issuer_org="Let's Encrypt")
    _in_system_store(system_store, pki.complete)
    verdict = _renewal(Chain(pki.complete.ca_pem, pki.leaf_only.cert_pem, pki.leaf_only.key_pem))
    assert verdict.status is Status.UNVERIFIED


def test_expired_certificate_fails_renewal_with_days_left(tmp_path: Path) -> None:
    chain = make_certificate(tmp_path, not_before=NOW - 90 * DAY, not_after=NOW - 2 * DAY)
    verdict = _renewal(chain)
    assert verdict.status is Status.FAILED
    assert "days left < cert_min_days 21: it was not renewed in time" in verdict.evidence


@pytest.mark.parametrize(
    ("manifest", "sign"),
    [
        ("CERT_MANAGER", "cert-manager Certificate web/api-tls covers 127.0.0.1"),
        ("INGRESS", "Ingress web/api asks cert-manager issuer letsencrypt for 127.0.0.1"),
        ("ISSUER", "cert-manager ACME ClusterIssuer letsencrypt "
                   "(https://acme-v02.api.letsencrypt.org/directory)"),
        ("CRONJOB", "CronJob web/renew-certs runs certbot"),
    ],
    ids=["certificate", "annotated-ingress", "acme-issuer", "renewal-cronjob"],
)  # fmt: skip
def test_automation_on_the_deploy_path_is_evidence(
    tmp_path: Path, manifest: str, sign: str
) -> None:
    folder = tmp_path / "k8s"
    folder.mkdir()
    (folder / "tls.yaml").write_text(MANIFESTS[manifest])
    verdict = _renewal(make_certificate(tmp_path), manifests=[str(folder)])
    assert verdict.status is Status.PASSED, verdict.evidence
    assert sign in verdict.evidence


def test_suspended_renewal_cronjob_is_not_evidence(tmp_path: Path) -> None:
    folder = tmp_path / "k8s"
    folder.mkdir()
    suspended = MANIFESTS["CRONJOB"].replace(
        'schedule: "0 3 * * *"', 'schedule: "0 3 * * *"\n  suspend: true'
    )
    (folder / "tls.yaml").write_text(suspended)
    verdict = _renewal(make_certificate(tmp_path), manifests=[str(folder)])
    assert verdict.status is Status.UNVERIFIED, verdict.evidence


@pytest.mark.parametrize(
    ("command", "passes"),
    [
        ('["sh", "-c", "trap exit TERM; while :; do certbot renew; sleep 12h; done"]', True),
        ('["certonly", "--webroot", "-w", "/var/www", "-d", "api.example.org"]', False),
    ],
    ids=["renew-loop", "issue-once"],
)
def test_compose_certbot_service_counts_only_in_renewal_mode(
    tmp_path: Path, command: str, passes: bool
) -> None:
    compose = tmp_path / "docker-compose.yml"
    compose.write_text(
        "services:\n  api:\n    image: nginx:1.27\n  certbot:\n"
        f"    image: certbot/certbot:v2.11.0\n    command: {command}\n"
    )
    verdict = _renewal(make_certificate(tmp_path), compose_files=[str(compose)])
    if passes:
        assert verdict.status is Status.PASSED, verdict.evidence
        assert "compose service certbot runs certbot renewal at" in verdict.evidence
    else:
        assert verdict.status is Status.UNVERIFIED, verdict.evidence


def test_certificate_for_another_host_is_not_evidence(tmp_path: Path) -> None:
    folder = tmp_path / "k8s"
    folder.mkdir()
    (folder / "tls.yaml").write_text(MANIFESTS["CERT_MANAGER"].replace("127.0.0.1", "10.0.0.9"))
    verdict = _renewal(make_certificate(tmp_path), manifests=[str(folder)])
    assert verdict.status is Status.UNVERIFIED


def test_long_lived_manual_certificate_leaves_renewal_unverified(tmp_path: Path) -> None:
    verdict = _renewal(make_certificate(tmp_path))
    assert verdict.status is Status.UNVERIFIED
    assert "no evidence of automated issuance" in verdict.evidence


MANIFESTS = {
    "CERT_MANAGER": """
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: api-tls, namespace: web}
spec:
  secretName: api-tls
  ipAddresses: ["127.0.0.1"]
  issuerRef: {name: letsencrypt, kind: ClusterIssuer}
""",
    "INGRESS": """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
  namespace: web
  annotations: {cert-manager.io/cluster-issuer: letsencrypt}
spec:
  tls: [{hosts: ["127.0.0.1"], secretName: api-tls}]
  rules: [{host: "127.0.0.1"}]
""",
    "ISSUER": """
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: letsencrypt}
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef: {name: letsencrypt-account}
    solvers: [{http01: {ingress: {ingressClassName: nginx}}}]
""",
    "CRONJOB": """
apiVersion: batch/v1
kind: CronJob
metadata: {name: renew-certs, namespace: web}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: certbot
              image: certbot/certbot:v2.11.0
              args: ["renew", "--quiet"]
""",
}
