"""PaaS configs decide HTTPS, health checks and autoscaling: pass with evidence, fail the gaps."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pytest_biothings_ready.evidence.store import ABSTAIN, NOT_OBSERVED
from pytest_biothings_ready.model import Status, Verdict
from tests.paas.conftest import REPOS
from tests.repository.conftest import static_verdict

HTTPS = "HTTPS enforced (HTTP redirects to HTTPS)"
HEALTH = "Health checks configured"
AUTOSCALE = "Auto-scaling configured to match demand"
BOUNDS = "Minimum and maximum replica counts defined"


def verdict(title: str, case: str | Path) -> Verdict:
    return static_verdict(title, REPOS / case if isinstance(case, str) else case)


def passes(title: str, case: str, *said: str) -> None:
    result = verdict(title, case)
    assert result.status is Status.PASSED, result.evidence
    assert NOT_OBSERVED in result.evidence
    for text in said:
        assert text in result.evidence


def fails(title: str, case: str, *said: str) -> None:
    result = verdict(title, case)
    assert result.status is Status.FAILED, result.evidence
    for text in said:
        assert text in result.evidence


def abstains(title: str, case: str | Path) -> None:
    result = verdict(title, case)
    assert result.status is Status.UNVERIFIED, result.evidence
    assert result.evidence.startswith(ABSTAIN), result.evidence


def test_fly_force_https_passes_and_its_absence_fails() -> None:
    passes(HTTPS, "fly_good", "fly.toml app shop-api: [http_service] force_https = true")
    fails(HTTPS, "fly_bad", "[http_service] without force_https")


def test_render_web_services_are_platform_enforced_https() -> None:
    passes(HTTPS, "render_good", "platform-enforced")


def test_app_engine_handlers_must_be_secure_always() -> None:
    passes(HTTPS, "gae_good", "handler /.*: secure: always")
    fails(HTTPS, "gae_bad", "handler /.*: secure optional")


def test_platforms_that_do_not_say_abstain_on_https() -> None:
    abstains(HTTPS, "railway_good")
    abstains(HTTPS, "procfile")


def test_fly_check_on_a_route_of_the_app_passes_and_no_check_fails() -> None:
    passes(HEALTH, "fly_good", "[[http_service.checks]] on /healthz (a route of its app)")
    fails(HEALTH, "fly_bad", "app shop-api defines no health check")


def test_render_health_path_the_app_does_not_define_fails() -> None:
    passes(HEALTH, "render_good", "healthCheckPath on /healthz")
    fails(HEALTH, "render_bad", "healthCheckPath asks /status, which its app does not define")


def test_railway_needs_a_healthcheck_path() -> None:
    passes(HEALTH, "railway_good", "healthcheckPath on /healthz")
    fails(HEALTH, "railway_bad", "has no deploy.healthcheckPath")


def test_app_engine_checks_are_judged_against_the_routes() -> None:
    passes(HEALTH, "gae_good", "readiness_check on /healthz", "liveness_check on /healthz")
    fails(HEALTH, "gae_bad", "readiness_check asks /ready")


def test_a_procfile_says_nothing_about_health_checks() -> None:
    abstains(HEALTH, "procfile")


@pytest.mark.parametrize("case", ["fly_good", "render_good", "gae_good"])
def test_autoscaling_configs_pass(case: str) -> None:
    passes(AUTOSCALE, case)


def test_fixed_counts_are_not_autoscaling() -> None:
    fails(AUTOSCALE, "fly_bad", "auto_stop_machines = False")
    fails(AUTOSCALE, "render_bad", "a fixed 1 instance(s) (numInstances)")
    fails(AUTOSCALE, "gae_bad", "manual_scaling instances 1")


def test_render_without_scaling_keys_runs_its_default_single_instance(tmp_path: Path) -> None:
    (tmp_path / "render.yaml").write_text("services:\n  - type: web\n    name: api\n")
    result = verdict(AUTOSCALE, tmp_path)
    assert result.status is Status.FAILED
    assert "fixed 1 instance(s) (Render's default)" in result.evidence


def test_one_to_one_bounds_are_not_autoscaling(tmp_path: Path) -> None:
    text = (REPOS / "render_good" / "render.yaml").read_text()
    (tmp_path / "render.yaml").write_text(text.replace("maxInstances: 6", "maxInstances: 2"))
    result = verdict(AUTOSCALE, tmp_path)
    assert result.status is Status.FAILED
    assert "2..2 is a fixed count" in result.evidence


def test_replica_bounds_pass_with_min_two_and_a_higher_max() -> None:
    passes(BOUNDS, "render_good", "minInstances 2, maxInstances 6")
    passes(BOUNDS, "gae_good", "min_instances 2, max_instances 10")


def test_replica_bounds_fail_below_two_and_abstain_without_a_maximum() -> None:
    fails(BOUNDS, "render_bad", "minimum 1 < 2")
    fails(BOUNDS, "gae_bad", "minimum 1 < 2")
    abstains(BOUNDS, "fly_good")  # fly's maximum is the machine count (fly scale count)


def test_a_paas_config_that_does_not_load_fails(tmp_path: Path) -> None:
    (tmp_path / "fly.toml").write_text('app = "x"\n[http_service\n')
    result = verdict(HTTPS, tmp_path)
    assert result.status is Status.FAILED
    assert "fly.toml does not load" in result.evidence


def test_a_render_static_site_needs_no_health_check_or_instances(tmp_path: Path) -> None:
    (tmp_path / "render.yaml").write_text(
        "services:\n  - type: web\n    name: site\n    runtime: static\n"
    )
    abstains(HEALTH, tmp_path)
    abstains(AUTOSCALE, tmp_path)
    assert verdict(HTTPS, tmp_path).status is Status.PASSED


def test_a_fly_port_serving_plain_http_beside_a_forced_http_service_fails(tmp_path: Path) -> None:
    text = (REPOS / "fly_good" / "fly.toml").read_text()
    text += "\n[[services]]\n  internal_port = 9000\n  [[services.ports]]\n"
    text += '    port = 8080\n    handlers = ["http"]\n'
    (tmp_path / "fly.toml").write_text(text)
    result = verdict(HTTPS, tmp_path)
    assert result.status is Status.FAILED
    assert "services[0] port 8080 serves plain HTTP without force_https" in result.evidence


def test_app_engine_flexible_ignores_handlers_so_https_abstains(tmp_path: Path) -> None:
    text = (REPOS / "gae_good" / "app.yaml").read_text()
    (tmp_path / "app.yaml").write_text("env: flex\n" + text)
    abstains(HTTPS, tmp_path)


def test_a_health_path_with_a_query_is_judged_by_its_path(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(REPOS / "render_good", root)
    text = (root / "render.yaml").read_text().replace("/healthz", "/healthz?deep=1")
    (root / "render.yaml").write_text(text)
    assert verdict(HEALTH, root).status is Status.PASSED


THRESHOLDS = "CPU and memory thresholds set"


def test_render_scaling_needs_a_cpu_and_a_memory_target(tmp_path: Path) -> None:
    fails(THRESHOLDS, "render_good", "scaling sets no targetMemoryPercent")
    text = (REPOS / "render_good" / "render.yaml").read_text()
    text = text.replace(
        "targetCPUPercent: 70", "targetCPUPercent: 70\n      targetMemoryPercent: 80"
    )
    (tmp_path / "render.yaml").write_text(text)
    result = verdict(THRESHOLDS, tmp_path)
    assert result.status is Status.PASSED, result.evidence
    assert "targetCPUPercent 70, targetMemoryPercent 80" in result.evidence


def test_app_engine_never_scales_on_memory() -> None:
    fails(THRESHOLDS, "gae_good", "App Engine has no memory target")


def test_fly_sets_no_thresholds_and_abstains() -> None:
    abstains(THRESHOLDS, "fly_good")
