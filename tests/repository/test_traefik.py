"""Traefik in front of the API: rateLimit middlewares, entry point redirects, HSTS, TLS options."""

from __future__ import annotations

from pytest_biothings_ready.model import Status
from tests.repository.conftest import REPOS, Variant, static_verdict

RATE = "Rate limiting is enabled"
HTTPS = "HTTPS enforced (HTTP redirects to HTTPS)"
TLS = "TLS 1.2+ only, secure cipher suites"
COMPOSE = (REPOS / "traefik" / "docker-compose.yml").read_text()
DYNAMIC = (REPOS / "traefik" / "traefik" / "dynamic.yml").read_text()
HSTS = {"thresholds": {"hsts_min_age": 15552000}}


def test_a_rate_limit_middleware_on_the_apis_router_passes_as_configured() -> None:
    verdict = static_verdict(RATE, "traefik")
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "rateLimit middleware api-limit (ratelimit.average=50" in verdict.evidence


def test_a_rate_limit_middleware_defined_but_not_attached_fails(variant: Variant) -> None:
    text = COMPOSE.replace(
        "middlewares=api-limit,secure-headers@file", "middlewares=secure-headers@file"
    )
    verdict = static_verdict(RATE, variant("traefik", {"docker-compose.yml": text}))
    assert verdict.status is Status.FAILED
    assert "traefik router api forwards to api without a rateLimit middleware" in verdict.evidence


def test_an_entry_point_middleware_limits_every_router_on_it(variant: Variant) -> None:
    text = COMPOSE.replace(
        "middlewares=api-limit,secure-headers@file", "middlewares=secure-headers@file"
    )
    text = text.replace(
        "      - --entrypoints.websecure.address=:443\n",
        "      - --entrypoints.websecure.address=:443\n"
        "      - --entrypoints.websecure.http.middlewares=api-limit@docker\n",
    )
    verdict = static_verdict(RATE, variant("traefik", {"docker-compose.yml": text}))
    assert verdict.status is Status.PASSED, verdict.evidence


def test_redirect_and_hsts_pass_as_configured() -> None:
    verdict = static_verdict(HTTPS, "traefik", **HSTS)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "entry point web redirects to websecure" in verdict.evidence


def test_a_published_plain_entry_point_without_redirect_fails(variant: Variant) -> None:
    text = COMPOSE.replace(
        "      - --entrypoints.web.http.redirections.entrypoint.to=websecure\n", ""
    )
    text = text.replace(
        "routers.api.entrypoints=websecure", "routers.api.entrypoints=web,websecure"
    )
    verdict = static_verdict(HTTPS, variant("traefik", {"docker-compose.yml": text}), **HSTS)
    assert verdict.status is Status.FAILED
    assert "entry point web (:80) is published and answers 404 without a redirect" in (
        verdict.evidence
    )


def test_no_hsts_header_fails(variant: Variant) -> None:
    text = DYNAMIC.replace("        stsSeconds: 31536000\n", "")
    verdict = static_verdict(HTTPS, variant("traefik", {"traefik/dynamic.yml": text}), **HSTS)
    assert verdict.status is Status.FAILED
    assert "sends no Strict-Transport-Security" in verdict.evidence


def test_tls_options_below_1_2_fail(variant: Variant) -> None:
    text = DYNAMIC.replace("VersionTLS12", "VersionTLS10")
    verdict = static_verdict(TLS, variant("traefik", {"traefik/dynamic.yml": text}))
    assert verdict.status is Status.FAILED
    assert "minVersion VersionTLS10 allows TLS below 1.2" in verdict.evidence
