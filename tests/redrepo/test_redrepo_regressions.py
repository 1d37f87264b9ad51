"""Regressions found by running the plugin on look-alikes of public deployment repositories.

Each repository under ``repos/`` is synthetic (written for these tests, never copied)
and reproduces one shape where the plugin disagreed with a careful reviewer.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pytest_biothings_ready.checklist.parse import BUILTIN, load_checklist
from pytest_biothings_ready.deploy.resolve import with_discovery
from pytest_biothings_ready.evidence.registry import checks_for, normalize_title
from pytest_biothings_ready.evidence.store import EvidenceStore, run_checks
from pytest_biothings_ready.model import Status, Verdict
from tests.repository.conftest import static_verdict
from tests.support.binaries import require_binary
from tests.support.evaluate import environment

REPOS = Path(__file__).parent / "repos"
pytest_plugins = ["pytester"]
_CHECKLIST = load_checklist(BUILTIN)


def line_verdict(title: str, root: Path) -> Verdict:
    """The folded verdict of every check of ``title`` on a repository-only environment."""
    require_binary("nginx")
    item = next(i for i in _CHECKLIST if normalize_title(i.title) == normalize_title(title))
    env = with_discovery(environment({"timeout_s": 5, "repo": "."}, root))
    verdict = run_checks(item, checks_for(item), EvidenceStore(env))
    assert verdict is not None
    return verdict


def copy(name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(REPOS / name, root)
    return root


def test_a_config_copied_into_conf_d_without_a_slash_is_the_proxy_and_fails_rate_limiting() -> None:
    verdict = static_verdict("Rate limiting is enabled", REPOS / "django-copy-confd")
    assert verdict.status is Status.FAILED
    assert "proxy/site.conf:6 location / forwards to web without limit_req" in verdict.evidence


def test_the_same_copied_config_with_limit_req_passes_rate_limiting(tmp_path: Path) -> None:
    root = copy("django-copy-confd", tmp_path)
    conf = root / "proxy" / "site.conf"
    text = conf.read_text().replace("location / {", "location / {\n        limit_req zone=api;")
    conf.write_text("limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;\n" + text)
    verdict = static_verdict("Rate limiting is enabled", root)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "limit_req zone=api" in verdict.evidence


def test_changethis_in_a_committed_env_file_is_a_placeholder_not_a_credential() -> None:
    verdict = line_verdict("Database credentials are secure (if using external DB)",
                           REPOS / "changethis")  # fmt: skip
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "placeholder" in verdict.evidence


def test_a_real_password_in_the_same_env_file_fails_the_credentials_line(tmp_path: Path) -> None:
    root = copy("changethis", tmp_path)
    env = root / ".env"
    env.write_text(env.read_text().replace("POSTGRES_PASSWORD=changethis",
                                           "POSTGRES_PASSWORD=Tr0ub4dor-horse-93"))  # fmt: skip
    verdict = line_verdict("Database credentials are secure (if using external DB)", root)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "Tr0ub4dor" not in verdict.evidence


GO = "go-k8s"
NON_ROOT = "Non-root user in containers"


def test_a_pod_running_an_image_the_workflow_builds_with_a_user_runs_as_that_user() -> None:
    verdict = line_verdict(NON_ROOT, REPOS / GO)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "quay.io/northwind/hello:3f2a9c1 is built from Dockerfile (USER not root)" in (
        verdict.evidence
    )


def test_the_same_pod_fails_when_the_built_image_sets_no_user(tmp_path: Path) -> None:
    root = copy(GO, tmp_path)
    docker = root / "Dockerfile"
    docker.write_text(docker.read_text().replace("USER hello\n", ""))
    verdict = line_verdict(NON_ROOT, root)
    assert verdict.status is Status.FAILED
    assert "Deployment/hello container hello sets neither runAsNonRoot" in verdict.evidence


def test_the_same_pod_fails_when_no_workflow_builds_its_image(tmp_path: Path) -> None:
    root = copy(GO, tmp_path)
    flow = root / ".github" / "workflows" / "publish.yml"
    flow.write_text(flow.read_text().replace("quay.io/northwind/hello", "quay.io/northwind/other"))
    verdict = line_verdict(NON_ROOT, root)
    assert verdict.status is Status.FAILED
    assert "Deployment/hello container hello sets neither runAsNonRoot" in verdict.evidence


def test_a_database_image_left_to_its_entrypoint_still_fails_in_a_pod(tmp_path: Path) -> None:
    root = copy(GO, tmp_path)
    app = root / "k8s" / "app.yaml"
    forced = "      securityContext: {runAsUser: 999, runAsNonRoot: true}\n"
    app.write_text(app.read_text().replace(forced, "").replace("valkey/valkey:8", "redis:7-alpine"))
    verdict = line_verdict(NON_ROOT, root)
    assert verdict.status is Status.FAILED
    assert "StatefulSet/sessions container valkey sets neither" in verdict.evidence


def test_a_data_store_needs_no_autoscaler_but_an_app_does(tmp_path: Path) -> None:
    title = "Horizontal Pod Autoscaler configured (Kubernetes)"
    verdict = line_verdict(title, REPOS / GO)
    assert verdict.status is Status.PASSED, verdict.evidence
    root = copy(GO, tmp_path)
    app = root / "k8s" / "app.yaml"
    app.write_text(app.read_text().replace("valkey/valkey:8", "quay.io/northwind/worker:1"))
    verdict = line_verdict(title, root)
    assert verdict.status is Status.FAILED
    assert "StatefulSet/sessions has no HorizontalPodAutoscaler" in verdict.evidence


def test_one_chosen_rolling_bound_is_a_rolling_strategy_and_none_is_not(tmp_path: Path) -> None:
    title = "Blue-green or rolling deployment strategy chosen"
    verdict = line_verdict(title, REPOS / GO)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "maxUnavailable=0 maxSurge=25% (default)" in verdict.evidence
    root = copy(GO, tmp_path)
    app = root / "k8s" / "app.yaml"
    app.write_text(app.read_text().replace("    rollingUpdate:\n      maxUnavailable: 0\n", ""))
    verdict = line_verdict(title, root)
    assert verdict.status is Status.FAILED
    assert "RollingUpdate without explicit maxUnavailable and maxSurge" in verdict.evidence


def test_a_cpu_target_near_saturation_does_not_match_demand(tmp_path: Path) -> None:
    title = "Auto-scaling configured to match demand"
    verdict = line_verdict(title, REPOS / GO)
    assert verdict.status is Status.FAILED
    assert "targets cpu utilization 98%: it scales out only once pods are saturated" in (
        verdict.evidence
    )
    root = copy(GO, tmp_path)
    app = root / "k8s" / "app.yaml"
    app.write_text(app.read_text().replace("averageUtilization: 98", "averageUtilization: 70"))
    verdict = line_verdict(title, root)
    assert verdict.status is Status.PASSED, verdict.evidence


REDIS = "Redis configured for session/data caching"


def test_a_deployed_redis_the_app_uses_decides_the_redis_line_without_redis_url() -> None:
    verdict = line_verdict(REDIS, REPOS / "node-redis")
    assert verdict.status is Status.PASSED, verdict.evidence
    assert verdict.evidence.startswith("configured, not observed live")


def test_the_redis_line_fails_when_the_stack_does_not_run_the_redis_it_names(
    tmp_path: Path,
) -> None:
    root = copy("node-redis", tmp_path)
    compose = root / "compose.yaml"
    compose.write_text(compose.read_text().split("  sessions:")[0])
    verdict = line_verdict(REDIS, root)
    assert verdict.status is Status.FAILED, verdict.evidence


CREDENTIALS = "Database credentials are secure (if using external DB)"


def test_a_password_in_the_built_apps_settings_fails_the_credentials_line() -> None:
    verdict = line_verdict(CREDENTIALS, REPOS / "django-settings")
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "site/portal/settings.py:10" in verdict.evidence
    assert "Lantern" not in verdict.evidence


def test_the_same_settings_reading_the_environment_pass(tmp_path: Path) -> None:
    root = copy("django-settings", tmp_path)
    settings = root / "site" / "portal" / "settings.py"
    settings.write_text(
        settings.read_text().replace('"Lantern-Orchid-4471"', 'os.environ["PG_PASSWORD"]')
    )
    verdict = line_verdict(CREDENTIALS, root)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_a_database_url_default_in_code_a_paas_builds_fails_the_credentials_line() -> None:
    verdict = line_verdict(CREDENTIALS, REPOS / "fly-flask")
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "app/__init__.py" in verdict.evidence
    assert "Quartz" not in verdict.evidence


def test_fixture_passwords_in_the_apps_tests_are_not_deployment_credentials(
    tmp_path: Path,
) -> None:
    root = copy("django-settings", tmp_path)
    settings = root / "site" / "portal" / "settings.py"
    settings.write_text(
        settings.read_text().replace('"Lantern-Orchid-4471"', 'os.environ["PG_PASSWORD"]')
    )
    tests = root / "site" / "portal" / "tests"
    tests.mkdir()
    (tests / "test_login.py").write_text('PASSWORD = "Kettle-Bravo-2291"\n')
    (root / "site" / "conftest.py").write_text(
        'DSN = "postgres://portal:Nimbus-Stone-7745@localhost:5432/test_portal"\n'
    )
    verdict = line_verdict(CREDENTIALS, root)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_the_gate_decides_lines_although_the_repositorys_own_tests_do_not_import(
    pytester: pytest.Pytester,
) -> None:
    shutil.copytree(REPOS / "django-settings", pytester.path, dirs_exist_ok=True)
    (pytester.path / "readiness.toml").write_text('[env.ci]\nrepo = "."\n')
    (pytester.path / "site" / "test_views.py").write_text("import portal_not_installed\n")
    result = pytester.runpytest(
        "--ready-env=ci", "-m", "ready_static", "--junitxml=record.xml", "-p", "no:cacheprovider"
    )
    assert "Interrupted" not in result.stdout.str()
    statuses = {}
    for case in ET.parse(pytester.path / "record.xml").getroot().iter("testcase"):
        props = {p.get("name"): p.get("value", "") for p in case.iter("property")}
        if "ready_title" in props:
            statuses[props["ready_title"]] = props["ready_status"]
    assert statuses[CREDENTIALS] == "failed"
    result.stdout.fnmatch_lines(["*ERROR collecting site/test_views.py*"])


DASHBOARDS = "Grafana dashboards configured"


def test_provisioned_dashboards_decide_the_line_without_prometheus_url() -> None:
    verdict = line_verdict(DASHBOARDS, REPOS / "grafana-provisioned")
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "configured, not observed live" in verdict.evidence


def test_a_dashboard_on_a_datasource_nobody_provisions_fails(tmp_path: Path) -> None:
    root = copy("grafana-provisioned", tmp_path)
    board = root / "grafana" / "dashboards" / "nodes.json"
    board.write_text(board.read_text().replace('"Prometheus"', '"Thanos"'))
    verdict = line_verdict(DASHBOARDS, root)
    assert verdict.status is Status.FAILED, verdict.evidence


KEYS = "API keys are rotated and not hardcoded"
ALERTMANAGER_SERVICE = """  alertmanager:
    image: prom/alertmanager:v0.27.0
    volumes:
      - ./alertmanager.yml:/etc/alertmanager/alertmanager.yml
"""
SLACK = """route:
  receiver: chat
receivers:
  - name: chat
    slack_configs:
      - api_url: {url}
"""


def _with_alertmanager(tmp_path: Path, url: str) -> Path:
    root = copy("grafana-provisioned", tmp_path)
    compose = root / "docker-compose.yml"
    compose.write_text(compose.read_text() + ALERTMANAGER_SERVICE)
    (root / "alertmanager.yml").write_text(SLACK.format(url=url))
    return root


def test_a_slack_webhook_in_a_mounted_alertmanager_config_is_a_hardcoded_secret(
    tmp_path: Path,
) -> None:
    hook = "https://hooks.slack.com/services/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"
    verdict = line_verdict(KEYS, _with_alertmanager(tmp_path, hook))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "alertmanager.yml:6" in verdict.evidence
    assert "Zp4Kq8" not in verdict.evidence


def test_a_webhook_read_from_a_file_is_not_a_hardcoded_secret(tmp_path: Path) -> None:
    root = _with_alertmanager(tmp_path, "x")
    config = root / "alertmanager.yml"
    config.write_text(config.read_text().replace("api_url: x", "api_url_file: /run/secrets/hook"))
    verdict = line_verdict(KEYS, root)
    assert verdict.status is not Status.FAILED, verdict.evidence


BACKUP = "Backup storage configured"
VOLUMES = "Persistent volumes configured for data"


def test_manifests_holding_data_without_a_backup_or_claim_fail() -> None:
    backup = line_verdict(BACKUP, REPOS / GO)
    assert backup.status is Status.FAILED
    assert "no backup CronJob or Velero Schedule" in backup.evidence
    volumes = line_verdict(VOLUMES, REPOS / GO)
    assert volumes.status is Status.FAILED
    assert "StatefulSet/sessions mounts no PersistentVolumeClaim" in volumes.evidence


def test_a_stateless_deployment_is_not_failed_for_backups_or_volumes(tmp_path: Path) -> None:
    root = copy(GO, tmp_path)
    app = root / "k8s" / "app.yaml"
    parts = app.read_text().split("---\n")
    app.write_text("---\n".join(p for p in parts if "StatefulSet" not in p))
    for title in (BACKUP, VOLUMES):
        verdict = line_verdict(title, root)
        assert verdict.status is Status.UNVERIFIED, verdict.evidence
        assert "no data is deployed (stateless)" in verdict.evidence


def test_a_database_setting_in_a_pod_is_data_to_back_up(tmp_path: Path) -> None:
    root = copy(GO, tmp_path)
    app = root / "k8s" / "app.yaml"
    parts = app.read_text().split("---\n")
    text = "---\n".join(p for p in parts if "StatefulSet" not in p)
    app.write_text(text.replace(
        "          ports:\n", "          env:\n            - {name: DATABASE_URL, value: x}\n"
        "          ports:\n", 1))  # fmt: skip
    assert line_verdict(BACKUP, root).status is Status.FAILED
