"""Grafana dashboards decided from the provisioning a deployed Grafana mounts."""

from __future__ import annotations

import json

from pytest_biothings_ready.model import Status
from tests.repository.conftest import REPOS, UNDECIDED, Variant, static_verdict

LINE = "Grafana dashboards configured"
BOARD = "monitoring/grafana/dashboards/api.json"
TEXT = (REPOS / "good" / BOARD).read_text()
COMPOSE = (REPOS / "good" / "docker-compose.prod.yml").read_text()


def test_provisioned_valid_dashboards_on_app_metrics_pass_as_configured() -> None:
    verdict = static_verdict(LINE, "good")
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "api.json (API overview): 3 queries on provisioned datasources" in verdict.evidence


def test_no_grafana_in_the_deployed_stacks_is_left_to_others_a_managed_one_is_common() -> None:
    verdict = static_verdict(LINE, "decoy")
    assert verdict.status is UNDECIDED
    assert "no deployed stack runs Grafana" in verdict.evidence


def test_a_dashboard_that_is_not_json_fails(variant: Variant) -> None:
    verdict = static_verdict(LINE, variant("good", {BOARD: TEXT[:-20]}))
    assert verdict.status is Status.FAILED
    assert "api.json is not valid JSON" in verdict.evidence


def test_a_datasource_that_is_not_provisioned_fails(variant: Variant) -> None:
    verdict = static_verdict(
        LINE, variant("good", {BOARD: TEXT.replace('"Prometheus"', '"Thanos"')})
    )
    assert verdict.status is Status.FAILED
    assert "uses datasource 'Thanos', which is not provisioned" in verdict.evidence


def test_a_query_on_a_series_nothing_defines_fails(variant: Variant) -> None:
    text = TEXT.replace("http_requests_total", "biothings_queries_total")
    verdict = static_verdict(LINE, variant("good", {BOARD: text}))
    assert verdict.status is Status.FAILED
    assert "queries biothings_queries_total, which no deployed app or exporter" in (
        verdict.evidence
    )


def test_a_series_the_app_defines_with_prometheus_client_counts(variant: Variant) -> None:
    main = (REPOS / "good" / "backend" / "app" / "main.py").read_text()
    main = main.replace(
        "import structlog\n",
        "import structlog\nfrom prometheus_client import Counter\n"
        "QUERIES = Counter('biothings_queries', 'Queries')\n",
    )
    text = TEXT.replace("http_requests_total", "biothings_queries_total")
    root = variant("good", {BOARD: text, "backend/app/main.py": main})
    assert static_verdict(LINE, root).status is Status.PASSED


def test_dashboards_in_a_folder_grafana_does_not_mount_fail(variant: Variant) -> None:
    text = COMPOSE.replace(
        "      - ./monitoring/grafana/dashboards:/var/lib/grafana/dashboards:ro\n", ""
    )
    verdict = static_verdict(LINE, variant("good", {"docker-compose.prod.yml": text}))
    assert verdict.status is Status.FAILED
    assert "where no mounted dashboard JSON lies" in verdict.evidence


def test_a_dashboard_without_queries_fails(variant: Variant) -> None:
    board = json.loads(TEXT)
    for panel in board["panels"]:
        panel["targets"] = []
    verdict = static_verdict(LINE, variant("good", {BOARD: json.dumps(board)}))
    assert verdict.status is Status.FAILED
    assert "has no panel query" in verdict.evidence


def test_a_grafana_outside_the_repository_leaves_the_line_to_the_live_probe() -> None:
    verdict = static_verdict(
        LINE, "decoy", monitoring={"grafana_url": "https://grafana.example.org"}
    )
    assert verdict.status is UNDECIDED
    assert "monitoring.grafana_url" in verdict.evidence
