""" "Configured" means it can work: cross-artifact failures name both ends."""

from __future__ import annotations

import pytest

from pytest_biothings_ready.model import Status
from tests.repository.conftest import REPOS, UNDECIDED, Variant, static_verdict
from tests.support.binaries import require_binary

HEALTH = "Health checks configured"
BALANCER = "Load balancer configured with health checks"
METRICS = "Prometheus metrics endpoints exposed"
ALERTS = "Critical alerts configured (service down, high error rates)"
COMPOSE = (REPOS / "good" / "docker-compose.prod.yml").read_text()
MAIN = (REPOS / "good" / "backend" / "app" / "main.py").read_text()
PROM = (REPOS / "good" / "monitoring" / "prometheus.yml").read_text()


@pytest.fixture(autouse=True)
def _promtool() -> None:
    require_binary("promtool", "prometheus")


def test_consistent_healthchecks_pass_naming_binary_image_and_route() -> None:
    verdict = static_verdict(HEALTH, "good")
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "frontend healthcheck wget exists in node:20-alpine" in verdict.evidence
    assert "backend healthcheck path /api/health is a route of its app" in verdict.evidence


def test_curl_in_a_node_alpine_image_fails_naming_both_ends() -> None:
    verdict = static_verdict(HEALTH, "decoy")
    assert verdict.status is Status.FAILED
    assert "frontend healthcheck calls curl, which node:20-alpine does not have" in (
        verdict.evidence
    )


def test_curl_installed_by_the_dockerfile_is_accepted(variant: Variant) -> None:
    dockerfile = (REPOS / "decoy" / "frontend" / "Dockerfile").read_text()
    text = dockerfile.replace("WORKDIR /app", "RUN apk add --no-cache curl\nWORKDIR /app")
    verdict = static_verdict(HEALTH, variant("decoy", {"frontend/Dockerfile": text}))
    assert verdict.status is UNDECIDED, verdict.evidence


def test_curl_in_a_distroless_image_fails(variant: Variant) -> None:
    text = COMPOSE.replace(
        "  redis:\n    image: redis:7-alpine\n",
        "  worker:\n    image: gcr.io/distroless/python3-debian12\n"
        '    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost:9000/"]\n'
        "  redis:\n    image: redis:7-alpine\n",
    )
    verdict = static_verdict(HEALTH, variant("good", {"docker-compose.prod.yml": text}))
    assert verdict.status is Status.FAILED
    assert "worker healthcheck calls curl, which gcr.io/distroless/python3-debian12" in (
        verdict.evidence
    )


def test_a_health_path_the_app_does_not_define_fails(variant: Variant) -> None:
    text = COMPOSE.replace("localhost:8000/api/health", "localhost:8000/health")
    verdict = static_verdict(HEALTH, variant("good", {"docker-compose.prod.yml": text}))
    assert verdict.status is Status.FAILED
    assert "backend healthcheck asks /health, which its app does not define" in verdict.evidence
    assert "/api/health" in verdict.evidence


def test_an_explicit_health_path_no_app_defines_fails() -> None:
    verdict = static_verdict(HEALTH, "good", health_path="/status")
    assert verdict.status is Status.FAILED
    assert "health_path /status is defined by no deployed app" in verdict.evidence


def test_path_parameters_match_a_route(variant: Variant) -> None:
    text = COMPOSE.replace("localhost:8000/api/health", "localhost:8000/api/genes/ping")
    verdict = static_verdict(HEALTH, variant("good", {"docker-compose.prod.yml": text}))
    assert verdict.status is Status.PASSED, verdict.evidence


def test_a_proxy_upstream_naming_a_missing_service_fails_the_balancer() -> None:
    verdict = static_verdict(BALANCER, "decoy")
    assert verdict.status is Status.FAILED
    assert "names host 'api', which no service of docker-compose.proxy.yml provides" in (
        verdict.evidence
    )


def test_a_working_proxy_leaves_the_balancer_to_the_other_checks() -> None:
    verdict = static_verdict(BALANCER, "good")
    assert verdict.status is UNDECIDED


def test_scrape_targets_on_the_apps_metrics_path_pass_as_configured() -> None:
    verdict = static_verdict(METRICS, "good")
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "scrapes backend:8000/metrics, exposed by prometheus-fastapi-instrumentator" in (
        verdict.evidence
    )


def test_a_scrape_target_no_deployed_service_provides_fails() -> None:
    verdict = static_verdict(METRICS, "decoy")
    assert verdict.status is Status.FAILED
    assert "scrapes api:8000/metrics, but docker-compose.yml has no service 'api'" in (
        verdict.evidence
    )


def test_a_metrics_path_the_app_does_not_define_fails(variant: Variant) -> None:
    text = MAIN.replace("Instrumentator().instrument(app).expose(app)", "")
    verdict = static_verdict(METRICS, variant("good", {"backend/app/main.py": text}))
    assert verdict.status is Status.FAILED
    assert "the app of backend defines no such metrics path" in verdict.evidence


def test_a_prometheus_config_promtool_rejects_fails(variant: Variant) -> None:
    text = PROM.replace("scrape_interval: 15s", "scrape_interval: fifteen")
    verdict = static_verdict(METRICS, variant("good", {"monitoring/prometheus.yml": text}))
    assert verdict.status is Status.FAILED
    assert "promtool config fails" in verdict.evidence


def test_a_rule_files_entry_that_does_not_exist_fails_alerts() -> None:
    verdict = static_verdict(ALERTS, "decoy")
    assert verdict.status is Status.FAILED
    assert "rule_files entry alert_rules.yml (/etc/prometheus/alert_rules.yml" in verdict.evidence


def test_an_alert_selecting_a_job_no_scrape_config_defines_fails(variant: Variant) -> None:
    rules = (REPOS / "good" / "monitoring" / "rules" / "alerts.yml").read_text()
    text = rules.replace('job="backend"', 'job="api"')
    verdict = static_verdict(ALERTS, variant("good", {"monitoring/rules/alerts.yml": text}))
    assert verdict.status is Status.FAILED
    assert "an alert selects job='api', which no scrape job" in verdict.evidence


def test_consistent_rules_leave_alerts_to_the_other_checks() -> None:
    assert static_verdict(ALERTS, "good").status is UNDECIDED


def test_an_abstaining_check_leaves_the_line_to_the_others() -> None:
    from pytest_biothings_ready.evidence.store import ABSTAIN

    verdict = static_verdict(BALANCER, "good")
    assert verdict.evidence.startswith(ABSTAIN)


def test_an_image_healthcheck_calling_curl_in_alpine_fails(variant: Variant) -> None:
    dockerfile = (REPOS / "decoy" / "frontend" / "Dockerfile").read_text()
    text = dockerfile.replace(
        'CMD ["npm", "start"]',
        'HEALTHCHECK CMD curl -f http://localhost:3000/ || exit 1\nCMD ["npm", "start"]',
    )
    compose = (REPOS / "decoy" / "docker-compose.yml").read_text()
    compose = compose.replace(
        '    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost:3000/"]\n', ""
    )
    root = variant("decoy", {"frontend/Dockerfile": text, "docker-compose.yml": compose})
    verdict = static_verdict(HEALTH, root)
    assert verdict.status is Status.FAILED
    assert "frontend/Dockerfile:4 frontend healthcheck calls curl, which node:20-alpine" in (
        verdict.evidence
    )
