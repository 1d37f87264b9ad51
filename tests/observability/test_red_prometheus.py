"""Misconfigured Prometheus set-ups that must not pass: rules that cannot fire, wrong jobs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse
from starlette.routing import Route

from pytest_biothings_ready.model import Status
from tests.observability.conftest import Stack, rules
from tests.observability.test_prometheus import (
    CRITICAL,
    GOOD_RULES,
    MONITORED,
    RUNBOOKS,
    _files,
    _rule,
)
from tests.support.evaluate import judge
from tests.support.servers import free_port, serve_asgi

ERROR_RULE = {
    "name": "ApiErrors",
    "type": "alerting",
    "query": 'rate(http_requests_total{status=~"5.."}[5m]) > 1',
    "labels": {"severity": "critical"},
    "health": "ok",
    "duration": 300,
}


@contextmanager
def _standin(
    targets: list[dict[str, Any]],
    rules: list[dict[str, Any]],
    wired: bool | None = True,
    stored: tuple[str, ...] = ("up", "http_requests_total"),
) -> Iterator[str]:
    """A loopback Prometheus HTTP API answering fixed targets and rules."""

    async def api(request: Request) -> JSONResponse:
        path = request.path_params["path"]
        data: dict[str, Any] = {"groups": [{"name": "g", "file": "r.yml", "rules": rules}]}
        if path == "targets":
            data = {"activeTargets": targets, "droppedTargets": []}
        if path == "query":  # an hour of history; the job's metric names; 0 for the rest
            query = request.query_params.get("query", "")
            value = "3600" if "timestamp(" in query else "0"
            labels = [{"__name__": n} for n in stored] if "__name__" in query else [{}]
            data = {
                "resultType": "vector",
                "result": [{"metric": m, "value": [0, value]} for m in labels],
            }
        if path == "alertmanagers" and wired is None:
            return JSONResponse({"message": "not found"}, status_code=404)
        if path == "alertmanagers":
            active = [{"url": "http://127.0.0.1:9093/api/v2/alerts"}] if wired else []
            data = {"activeAlertmanagers": active, "droppedAlertmanagers": []}
        return JSONResponse({"status": "success", "data": data})

    with serve_asgi(Starlette(routes=[Route("/api/v1/{path:path}", api)])) as url:
        yield url


def _target(job: str, url: str, health: str = "up", pool: str = "") -> dict[str, Any]:
    return {
        "labels": {"job": job},
        "scrapeUrl": url,
        "scrapePool": pool or job,
        "health": health,
        "lastError": "" if health == "up" else "connection refused",
    }


def test_error_rule_that_selects_no_metric_cannot_fire(tmp_path: Path) -> None:
    rules = (GOOD_RULES[0], _rule("HighErrorRate", "vector(0) > 1"))
    verdict = judge(CRITICAL, _files(tmp_path, *rules), root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "HighErrorRate: selects no metric" in verdict.evidence


def test_down_rule_pending_for_a_century_cannot_fire(tmp_path: Path) -> None:
    down = {**GOOD_RULES[0], "for": "100y"}
    verdict = judge(CRITICAL, _files(tmp_path, down, GOOD_RULES[1]), root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "ApiDown: for 36500d exceeds 1d" in verdict.evidence


def test_down_rule_with_a_five_minute_for_works(tmp_path: Path) -> None:
    down = {**GOOD_RULES[0], "for": "5m"}
    verdict = judge(CRITICAL, _files(tmp_path, down, GOOD_RULES[1]), root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_capitalised_severity_is_not_critical_and_says_why(tmp_path: Path) -> None:
    rules = [_rule(r["alert"], r["expr"], severity="Critical") for r in GOOD_RULES]
    verdict = judge(CRITICAL, _files(tmp_path, *rules), root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "'Critical' are not 'critical'" in verdict.evidence


def test_configured_job_that_scrapes_another_endpoint_is_not_the_service(stack: Stack) -> None:
    settings = {
        "prometheus_url": stack.prometheus,
        "metrics_url": stack.good,
        "monitoring": {"prometheus_job": "bad"},
        "timeout_s": 3,
    }
    verdict = judge(MONITORED, settings)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert (
        "does not scrape metrics_url" in verdict.evidence and "job 'good' does" in verdict.evidence
    )


def test_lone_job_scraping_another_port_is_not_taken_for_the_service() -> None:
    targets = [_target("api", "http://127.0.0.1:9100/metrics")]
    with _standin(targets, [ERROR_RULE]) as url:
        settings = {"prometheus_url": url, "metrics_url": "http://127.0.0.1:8000/metrics"}
        verdict = judge(MONITORED, {**settings, "timeout_s": 2})
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "no target scrapes metrics_url" in verdict.evidence


def test_job_whose_targets_are_all_down_is_not_monitored() -> None:
    targets = [_target("api", "http://127.0.0.1:8000/metrics", health="down")]
    with _standin(targets, [ERROR_RULE]) as url:
        settings = {"prometheus_url": url, "metrics_url": "http://127.0.0.1:8000/metrics"}
        verdict = judge(MONITORED, {**settings, "timeout_s": 2})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "connection refused" in verdict.evidence


def test_configured_job_with_no_targets_is_not_monitored() -> None:
    targets = [_target("other", "http://127.0.0.1:9100/metrics")]
    with _standin(targets, [ERROR_RULE]) as url:
        settings = {"prometheus_url": url, "monitoring": {"prometheus_job": "api"}}
        verdict = judge(MONITORED, {**settings, "timeout_s": 2})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "no targets" in verdict.evidence


def test_relabelled_job_is_found_by_its_scrape_pool() -> None:
    targets = [_target("biothings-api", "http://127.0.0.1:8000/metrics", pool="kubernetes-pods")]
    with _standin(targets, [ERROR_RULE]) as url:
        settings = {"prometheus_url": url, "monitoring": {"prometheus_job": "kubernetes-pods"}}
        verdict = judge(MONITORED, {**settings, "timeout_s": 2})
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "job 'biothings-api'" in verdict.evidence


def test_error_rule_that_evaluates_but_waits_a_century_does_not_monitor() -> None:
    targets = [_target("api", "http://127.0.0.1:8000/metrics")]
    with _standin(targets, [{**ERROR_RULE, "duration": 100 * 365 * 86400}]) as url:
        settings = {"prometheus_url": url, "metrics_url": "http://127.0.0.1:8000/metrics"}
        verdict = judge(MONITORED, {**settings, "timeout_s": 2})
    assert verdict.status is Status.FAILED, verdict.evidence


def test_errored_rule_group_fails_critical_alerts() -> None:
    down = {**ERROR_RULE, "name": "ApiDown", "query": 'up{job="api"} == 0'}
    broken = {**ERROR_RULE, "health": "err", "lastError": "many-to-many matching not allowed"}
    targets = [_target("api", "http://127.0.0.1:8000/metrics")]
    with _standin(targets, [down, broken]) as url:
        verdict = judge(CRITICAL, {"prometheus_url": url, "timeout_s": 2})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "many-to-many" in verdict.evidence


def test_runbook_link_404_on_a_host_the_environment_names_fails(
    stack: Stack, tmp_path: Path
) -> None:
    rule = _rule("ApiDown", "up == 0")
    rule["annotations"]["runbook_url"] = f"{stack.runbooks}/runbooks/missing"
    settings = {**_files(tmp_path, rule), "base_url": stack.runbooks}
    verdict = judge(RUNBOOKS, settings, root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "HTTP 404" in verdict.evidence


def test_runbook_link_that_answers_on_a_named_host_passes(stack: Stack, tmp_path: Path) -> None:
    rule = _rule("ApiDown", "up == 0")
    rule["annotations"]["runbook_url"] = f"{stack.runbooks}/runbooks/ok"
    settings = {**_files(tmp_path, rule), "base_url": stack.runbooks}
    verdict = judge(RUNBOOKS, settings, root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_rule_file_on_disk_that_the_live_prometheus_does_not_load_fails(
    stack: Stack, tmp_path: Path
) -> None:
    settings = {**_files(tmp_path, *GOOD_RULES), "prometheus_url": stack.prometheus}
    verdict = judge(CRITICAL, settings, root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "does not load: ApiDown, ApiErrors" in verdict.evidence


def test_rule_file_whose_rules_the_live_prometheus_loads_passes(
    stack: Stack, tmp_path: Path
) -> None:
    (tmp_path / "rules.yml").write_text(yaml.safe_dump(rules(stack.runbooks)))
    settings = {
        "prometheus_url": stack.prometheus,
        "metrics_url": stack.good,
        "monitoring": {"alert_rules": ["rules.yml"]},
        "timeout_s": 3,
    }
    verdict = judge(CRITICAL, settings, root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_inverted_down_rule_that_fires_while_up_is_not_a_down_alert(tmp_path: Path) -> None:
    rules = (_rule("ApiDown", 'up{job="api"} == 1'), GOOD_RULES[1])
    verdict = judge(CRITICAL, _files(tmp_path, *rules), root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "service-down" in verdict.evidence


def test_down_rule_counting_up_targets_is_a_down_alert(tmp_path: Path) -> None:
    rules = (_rule("ApiDown", 'count(up{job="api"} == 1) < 1'), GOOD_RULES[1])
    verdict = judge(CRITICAL, _files(tmp_path, *rules), root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_absent_of_a_constant_never_fires(tmp_path: Path) -> None:
    rules = (_rule("ApiDown", "absent(vector(1))"), GOOD_RULES[1])
    verdict = judge(CRITICAL, _files(tmp_path, *rules), root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "absent() of a constant" in verdict.evidence


def test_rule_group_evaluated_every_two_days_cannot_page(tmp_path: Path) -> None:
    (tmp_path / "rules.yml").write_text(
        yaml.safe_dump({"groups": [{"name": "g", "interval": "2d", "rules": list(GOOD_RULES)}]})
    )
    settings = {"monitoring": {"alert_rules": ["rules.yml"]}, "timeout_s": 2}
    verdict = judge(CRITICAL, settings, root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "evaluated every 2d" in verdict.evidence


def test_prometheus_that_sends_alerts_to_no_alertmanager_fails(stack: Stack) -> None:
    down = {**ERROR_RULE, "name": "ApiDown", "query": 'up{job="api"} == 0'}
    targets = [_target("api", "http://127.0.0.1:8000/metrics")]
    with _standin(targets, [down, ERROR_RULE], wired=False) as url:
        verdict = judge(CRITICAL, {"prometheus_url": url, "timeout_s": 2})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "sends alerts to no Alertmanager" in verdict.evidence


def test_prometheus_wired_to_an_alertmanager_with_working_rules_passes() -> None:
    down = {**ERROR_RULE, "name": "ApiDown", "query": 'up{job="api"} == 0'}
    targets = [_target("api", "http://127.0.0.1:8000/metrics")]
    with _standin(targets, [down, ERROR_RULE]) as url:
        verdict = judge(CRITICAL, {"prometheus_url": url, "timeout_s": 2})
    assert verdict.status is Status.PASSED, verdict.evidence


def test_error_rule_on_another_job_does_not_monitor_the_service() -> None:
    other = {**ERROR_RULE, "query": 'rate(http_requests_total{job="billing",code="500"}[5m]) > 1'}
    targets = [_target("api", "http://127.0.0.1:8000/metrics")]
    with _standin(targets, [other]) as url:
        settings = {"prometheus_url": url, "metrics_url": "http://127.0.0.1:8000/metrics"}
        verdict = judge(MONITORED, {**settings, "timeout_s": 2})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "no error-rate alert rule evaluates" in verdict.evidence


def test_no_critical_alerts_fired_proves_nothing_when_no_critical_rule_can_fire() -> None:
    never = {**ERROR_RULE, "query": "vector(0) > 1"}
    targets = [_target("api", "http://127.0.0.1:8000/metrics")]
    with _standin(targets, [never]) as url:
        settings = {"prometheus_url": url, "monitoring": {"prometheus_job": "api"}}
        verdict = judge("No critical alerts triggered", {**settings, "timeout_s": 2})
    assert verdict.status is Status.UNVERIFIED, verdict.evidence
    assert "cannot fire or do not evaluate" in verdict.evidence


def test_no_critical_alerts_fired_with_a_rule_that_can_fire_passes() -> None:
    targets = [_target("api", "http://127.0.0.1:8000/metrics")]
    with _standin(targets, [ERROR_RULE]) as url:
        settings = {"prometheus_url": url, "monitoring": {"prometheus_job": "api"}}
        verdict = judge("No critical alerts triggered", {**settings, "timeout_s": 2})
    assert verdict.status is Status.PASSED, verdict.evidence


def _spa() -> Starlette:
    async def index(request: Request) -> HTMLResponse:
        return HTMLResponse("<html><div id=root></div></html>")

    return Starlette(routes=[Route("/{path:path}", index)])


def test_runbook_link_on_a_catch_all_site_proves_nothing(tmp_path: Path) -> None:
    with serve_asgi(_spa()) as site:
        rule = _rule("ApiDown", "up == 0")
        rule["annotations"]["runbook_url"] = f"{site}/runbooks/api-down"
        settings = {**_files(tmp_path, rule), "base_url": site}
        verdict = judge(RUNBOOKS, settings, root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "catch-all" in verdict.evidence


def test_runbook_link_on_a_host_that_refuses_is_an_error(tmp_path: Path) -> None:
    rule = _rule("ApiDown", "up == 0")
    down = f"http://127.0.0.1:{free_port()}"
    rule["annotations"]["runbook_url"] = f"{down}/runbooks/api-down"
    settings = {**_files(tmp_path, rule), "base_url": down}
    verdict = judge(RUNBOOKS, settings, root=tmp_path)
    assert verdict.status is Status.ERROR, verdict.evidence


SERVICE_METRICS = (
    "# TYPE myapp_orders_total counter\nmyapp_orders_total 7\n"
    '# TYPE http_requests_total counter\nhttp_requests_total{status="500"} 1\n'
)


def _service() -> Starlette:
    async def metrics(request: Request) -> PlainTextResponse:
        return PlainTextResponse(SERVICE_METRICS, media_type="text/plain; version=0.0.4")

    return Starlette(routes=[Route("/metrics", metrics)])


def test_job_that_stores_none_of_the_services_own_metrics_scrapes_something_else() -> None:
    targets = [_target("api", "http://10.0.0.7:9100/metrics")]
    with serve_asgi(_service()) as service, _standin(targets, [ERROR_RULE]) as url:
        settings = {"prometheus_url": url, "metrics_url": service + "/metrics"}
        settings["monitoring"] = {"prometheus_job": "api"}
        verdict = judge(MONITORED, {**settings, "timeout_s": 2})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "stores none of the service's own metrics" in verdict.evidence


def test_job_scraping_pod_addresses_that_stores_the_services_metrics_passes() -> None:
    targets = [_target("api", "http://10.0.0.7:8000/metrics")]
    stored = ("up", "myapp_orders_total", "http_requests_total")
    with serve_asgi(_service()) as service, _standin(targets, [ERROR_RULE], stored=stored) as url:
        settings = {"prometheus_url": url, "metrics_url": service + "/metrics"}
        settings["monitoring"] = {"prometheus_job": "api"}
        verdict = judge(MONITORED, {**settings, "timeout_s": 2})
    assert verdict.status is Status.PASSED, verdict.evidence


def test_slo_lines_over_a_job_that_scrapes_something_else_are_errors() -> None:
    targets = [_target("api", "http://10.0.0.7:9100/metrics")]
    with serve_asgi(_service()) as service, _standin(targets, [ERROR_RULE]) as url:
        settings = {"prometheus_url": url, "metrics_url": service + "/metrics"}
        settings["monitoring"] = {"prometheus_job": "api"}
        verdict = judge("System uptime > 99.9%", {**settings, "timeout_s": 2})
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "stores none of the service's own metrics" in verdict.evidence


def test_error_rule_on_a_bare_recording_rule_is_a_working_error_alert(
    stack: Stack, tmp_path: Path
) -> None:
    rules = (GOOD_RULES[0], _rule("ApiErrorBudgetBurn", "job:http_errors:ratio5m > 0.05"))
    settings = {**_files(tmp_path, *rules), "metrics_url": stack.good}
    verdict = judge(CRITICAL, settings, root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_error_rule_on_a_braced_recording_rule_is_a_working_error_alert(
    stack: Stack, tmp_path: Path
) -> None:
    expr = 'slo:sli_error:ratio_rate5m{sloth_service="api"} > (14.4 * 0.001)'
    rules = (GOOD_RULES[0], _rule("ApiErrorBudgetBurn", expr))
    settings = {**_files(tmp_path, *rules), "metrics_url": stack.good}
    verdict = judge(CRITICAL, settings, root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_query_api_without_an_alertmanagers_endpoint_is_judged_on_its_rules() -> None:
    down = {**ERROR_RULE, "name": "ApiDown", "query": 'up{job="api"} == 0'}
    targets = [_target("api", "http://127.0.0.1:8000/metrics")]
    with _standin(targets, [down, ERROR_RULE], wired=None) as url:
        verdict = judge(CRITICAL, {"prometheus_url": url, "timeout_s": 2})
    assert verdict.status is Status.PASSED, verdict.evidence
