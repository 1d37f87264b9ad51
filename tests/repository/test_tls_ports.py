"""HTTPS enforcement, TLS settings and published ports decided from the repository."""

from __future__ import annotations

import pytest

from pytest_biothings_ready.model import Status
from tests.repository.conftest import REPOS, UNDECIDED, Variant, static_verdict

HTTPS = "HTTPS enforced (HTTP redirects to HTTPS)"
TLS = "TLS 1.2+ only, secure cipher suites"
PORTS = "Firewall rules configured (only necessary ports open)"
NGINX = (REPOS / "good" / "nginx" / "nginx.conf").read_text()
COMPOSE = (REPOS / "good" / "docker-compose.prod.yml").read_text()
HSTS = {"thresholds": {"hsts_min_age": 15552000}}
# The decoy's proxy stack with its upstream fixed: it starts, and its TLS is only a comment.
STARTS = (REPOS / "decoy" / "nginx" / "nginx.conf").read_text().replace("api:8000", "backend:8000")


def test_a_redirecting_tls_proxy_with_hsts_passes_as_configured() -> None:
    verdict = static_verdict(HTTPS, "good", **HSTS)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "HSTS max-age=31536000 (nginx -t loads it)" in verdict.evidence
    assert "configured, not observed live" in verdict.evidence


def test_tls_settings_only_in_a_commented_out_server_block_fail(variant: Variant) -> None:
    root = variant("decoy", {"nginx/nginx.conf": STARTS})
    tls = static_verdict(TLS, root)
    https = static_verdict(HTTPS, root, **HSTS)
    assert tls.status is Status.FAILED and https.status is Status.FAILED
    assert "no active TLS server block (TLS settings in comments do not count)" in tls.evidence
    assert "serves plain HTTP without a redirect" in https.evidence


def test_a_proxy_that_cannot_start_fails_tls_and_https() -> None:
    for line in (TLS, HTTPS):
        verdict = static_verdict(line, "decoy", **HSTS)
        assert verdict.status is Status.FAILED
        assert "cannot start" in verdict.evidence


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "return 301 https://$host$request_uri;",
            "location / { proxy_pass http://frontend:3000; }",
            "without a redirect",
        ),
        (
            'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;',
            "",
            "no Strict-Transport-Security",
        ),
        ("max-age=31536000;", "max-age=300;", "max-age=300 < required"),
    ],
)
def test_https_gaps_fail(variant: Variant, old: str, new: str, expected: str) -> None:
    root = variant("good", {"nginx/nginx.conf": NGINX.replace(old, new)})
    verdict = static_verdict(HTTPS, root, **HSTS)
    assert verdict.status is Status.FAILED
    assert expected in verdict.evidence


def test_an_api_published_beside_its_tls_proxy_bypasses_https(variant: Variant) -> None:
    text = COMPOSE.replace('    expose:\n      - "8000"', '    ports:\n      - "8000:8000"', 1)
    verdict = static_verdict(HTTPS, variant("good", {"docker-compose.prod.yml": text}), **HSTS)
    assert verdict.status is Status.FAILED
    assert "bypassing the proxy's HTTPS" in verdict.evidence


def test_modern_protocols_and_ciphers_pass_as_configured() -> None:
    verdict = static_verdict(TLS, "good")
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "ssl_protocols TLSv1.2 TLSv1.3" in verdict.evidence


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "ssl_protocols TLSv1.2 TLSv1.3;",
            "ssl_protocols TLSv1 TLSv1.1 TLSv1.2;",
            "allows TLSv1 TLSv1.1",
        ),
        (
            "ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256",
            "ssl_ciphers RC4-SHA:DES-CBC3-SHA:ECDHE-ECDSA-AES128-GCM-SHA256",
            "weak suites RC4-SHA:DES-CBC3-SHA",
        ),
    ],
)
def test_old_protocols_or_weak_ciphers_fail(
    variant: Variant, old: str, new: str, expected: str
) -> None:
    root = variant("good", {"nginx/nginx.conf": NGINX.replace(old, new)})
    verdict = static_verdict(TLS, root)
    assert verdict.status is Status.FAILED
    assert expected in verdict.evidence


def test_excluded_weak_ciphers_do_not_count(variant: Variant) -> None:
    text = NGINX.replace(
        "ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256",
        "ssl_ciphers HIGH:!aNULL:!MD5:!RC4:ECDHE-ECDSA-AES128-GCM-SHA256",
    )
    verdict = static_verdict(TLS, variant("good", {"nginx/nginx.conf": text}))
    assert verdict.status is Status.PASSED, verdict.evidence


def test_unset_protocols_on_an_old_pinned_nginx_fail(variant: Variant) -> None:
    root = variant("good", {
        "nginx/nginx.conf": NGINX.replace("ssl_protocols TLSv1.2 TLSv1.3;", ""),
        "docker-compose.prod.yml": COMPOSE.replace("nginx:1.27-alpine", "nginx:1.21.6"),
    })  # fmt: skip
    verdict = static_verdict(TLS, root)
    assert verdict.status is Status.FAILED
    assert "(< 1.23.4) also accepts TLSv1 and TLSv1.1" in verdict.evidence


def test_published_ports_within_allowed_ports_pass_as_configured() -> None:
    verdict = static_verdict(PORTS, "good", allowed_ports=[80, 443])
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "nginx 80; nginx 443" in verdict.evidence


def test_loopback_bound_ports_are_not_open() -> None:
    verdict = static_verdict(PORTS, "good", allowed_ports=[80, 443])
    assert "9090" not in verdict.evidence and "3001" not in verdict.evidence


def test_published_databases_fail_even_without_allowed_ports() -> None:
    verdict = static_verdict(PORTS, "decoy")
    assert verdict.status is Status.FAILED
    assert "db (postgres:16-alpine) 5432->5432: a data store published" in verdict.evidence
    assert "redis (redis:7) 6379->6379" in verdict.evidence


def test_ports_outside_allowed_ports_fail(variant: Variant) -> None:
    verdict = static_verdict(PORTS, "good", allowed_ports=[443])
    assert verdict.status is Status.FAILED
    assert "nginx (nginx:1.27-alpine) 80->80: not in allowed_ports" in verdict.evidence


def test_host_networking_fails(variant: Variant) -> None:
    text = COMPOSE.replace(
        "  redis:\n    image: redis:7-alpine\n",
        "  redis:\n    image: redis:7-alpine\n    network_mode: host\n",
    )
    verdict = static_verdict(
        PORTS, variant("good", {"docker-compose.prod.yml": text}), allowed_ports=[80, 443]
    )
    assert verdict.status is Status.FAILED
    assert "network_mode: host" in verdict.evidence


def test_without_allowed_ports_and_no_data_store_the_line_is_unverified() -> None:
    verdict = static_verdict(PORTS, "good")
    assert verdict.status is UNDECIDED
    assert "allowed_ports" in verdict.evidence


def test_a_plain_server_that_redirects_but_also_proxies_the_api_fails(variant: Variant) -> None:
    text = NGINX.replace(
        "        return 301 https://$host$request_uri;\n",
        "        location / { return 301 https://$host$request_uri; }\n"
        "        location /api/ { proxy_pass http://api_pool; }\n",
    )
    verdict = static_verdict(HTTPS, variant("good", {"nginx/nginx.conf": text}), **HSTS)
    assert verdict.status is Status.FAILED
    assert "serves plain HTTP without a redirect" in verdict.evidence


def test_a_location_redirect_beside_an_acme_challenge_counts(variant: Variant) -> None:
    text = NGINX.replace(
        "        return 301 https://$host$request_uri;\n",
        "        location /.well-known/acme-challenge/ { root /var/www/certbot; }\n"
        "        location / { return 301 https://$host$request_uri; }\n",
    )
    verdict = static_verdict(HTTPS, variant("good", {"nginx/nginx.conf": text}), **HSTS)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_a_certificate_no_volume_provides_means_nginx_cannot_start(variant: Variant) -> None:
    text = COMPOSE.replace("      - letsencrypt:/etc/letsencrypt:ro\n", "", 1)
    verdict = static_verdict(TLS, variant("good", {"docker-compose.prod.yml": text}))
    assert verdict.status is Status.FAILED
    assert "ssl_certificate /etc/letsencrypt/live/api.example.org/fullchain.pem: no volume" in (
        verdict.evidence
    )
