"""Caddy in front of the API: automatic HTTPS, HSTS, TLS protocols from the Caddyfile."""

from __future__ import annotations

from pytest_biothings_ready.model import Status
from tests.repository.conftest import REPOS, Variant, static_verdict

HTTPS = "HTTPS enforced (HTTP redirects to HTTPS)"
TLS = "TLS 1.2+ only, secure cipher suites"
CADDYFILE = (REPOS / "caddy" / "Caddyfile").read_text()
HSTS = {"thresholds": {"hsts_min_age": 15552000}}


def test_a_named_site_with_hsts_passes_https_and_tls() -> None:
    https = static_verdict(HTTPS, "caddy", **HSTS)
    tls = static_verdict(TLS, "caddy")
    assert https.status is Status.PASSED, https.evidence
    assert tls.status is Status.PASSED, tls.evidence
    assert "automatic HTTPS with redirect, HSTS max-age=31536000" in https.evidence


def test_an_http_site_address_fails(variant: Variant) -> None:
    text = CADDYFILE.replace("api.example.org {", "http://api.example.org {")
    verdict = static_verdict(HTTPS, variant("caddy", {"Caddyfile": text}), **HSTS)
    assert verdict.status is Status.FAILED
    assert "without automatic HTTPS" in verdict.evidence


def test_auto_https_off_fails(variant: Variant) -> None:
    text = CADDYFILE.replace("\temail ops@example.org\n", "\tauto_https off\n")
    verdict = static_verdict(TLS, variant("caddy", {"Caddyfile": text}))
    assert verdict.status is Status.FAILED


def test_a_site_without_hsts_fails(variant: Variant) -> None:
    text = CADDYFILE.replace(
        '\theader Strict-Transport-Security "max-age=31536000; includeSubDomains"\n', ""
    )
    verdict = static_verdict(HTTPS, variant("caddy", {"Caddyfile": text}), **HSTS)
    assert verdict.status is Status.FAILED
    assert "sends no HSTS" in verdict.evidence


def test_tls_1_0_protocols_fail(variant: Variant) -> None:
    text = CADDYFILE.replace(
        "\treverse_proxy api:8000\n",
        "\ttls {\n\t\tprotocols tls1.0 tls1.3\n\t}\n\treverse_proxy api:8000\n",
    )
    verdict = static_verdict(TLS, variant("caddy", {"Caddyfile": text}))
    assert verdict.status is Status.FAILED
    assert "tls protocols tls1.0 tls1.3" in verdict.evidence
