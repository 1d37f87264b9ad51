"""OpenTelemetry propagation, the tracing backend, and instrumented critical paths."""

from __future__ import annotations

from typing import Any

from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.evidence.store import EvidenceStore
from pytest_biothings_ready.model import Status
from tests.observability.standins import TraceStore, jaeger_app, otlp_app, traced_service_app
from tests.support.evaluate import judge
from tests.support.servers import free_port, serve_asgi

OTEL = "OpenTelemetry configured for request tracing"
BACKEND = "Jaeger or similar tracing backend set up"
PATHS = "Critical paths instrumented"
SMOKE = [{"name": "list agents", "method": "GET", "path": "/api/agents"}]


def _settings(service: str, jaeger: str | None = None, **monitoring: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "base_url": service,
        "timeout_s": 0.5,
        "smoke": SMOKE,
        "monitoring": monitoring,
    }
    if jaeger:
        settings["monitoring"]["jaeger_url"] = jaeger
    return settings


def test_trace_id_echoed_in_traceresponse_passes() -> None:
    with serve_asgi(traced_service_app(TraceStore())) as url:
        verdict = judge(OTEL, _settings(url))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "traceresponse" in verdict.evidence


def test_trace_found_in_jaeger_passes_all_three_lines() -> None:
    store = TraceStore()
    with (
        serve_asgi(traced_service_app(store, echo=False)) as url,
        serve_asgi(jaeger_app(store)) as jaeger,
    ):
        evidence = EvidenceStore(Environment("test", _settings(url, jaeger, jaeger_service="api")))
        verdicts = [judge(line, {}, store=evidence) for line in (OTEL, BACKEND, PATHS)]
    assert [v.status for v in verdicts] == [Status.PASSED] * 3, verdicts
    assert "spans of api" in verdicts[0].evidence
    assert "health, list agents" in verdicts[2].evidence


def test_service_ignoring_trace_context_fails() -> None:
    store = TraceStore()
    app = traced_service_app(store, echo=False, record=False)
    with serve_asgi(app) as url, serve_asgi(jaeger_app(store)) as jaeger:
        evidence = EvidenceStore(Environment("test", _settings(url, jaeger)))
        verdicts = [judge(line, {}, store=evidence) for line in (OTEL, BACKEND, PATHS)]
    assert [v.status for v in verdicts] == [Status.FAILED] * 3, verdicts
    assert "no traceresponse header and not in Jaeger" in verdicts[0].evidence

    assert "lists services none" in verdicts[1].evidence
    assert "list agents" in verdicts[2].evidence


def test_jaeger_missing_the_named_service_fails() -> None:
    store = TraceStore()
    with (
        serve_asgi(traced_service_app(store, service="worker")) as url,
        serve_asgi(jaeger_app(store)) as jaeger,
    ):
        evidence = EvidenceStore(Environment("test", _settings(url, jaeger, jaeger_service="api")))
        judge(OTEL, {}, store=evidence)  # sends the traced requests first
        verdict = judge(BACKEND, {}, store=evidence)
    assert verdict.status is Status.FAILED
    assert "required: api" in verdict.evidence


def test_otlp_endpoint_accepting_an_export_passes_and_rejecting_fails() -> None:
    with serve_asgi(otlp_app()) as good, serve_asgi(otlp_app(status=503)) as bad:
        passed = judge(BACKEND, {"monitoring": {"otlp_endpoint": good}, "timeout_s": 1})
        failed = judge(BACKEND, {"monitoring": {"otlp_endpoint": bad}, "timeout_s": 1})
    assert passed.status is Status.PASSED, passed.evidence
    assert failed.status is Status.FAILED and "HTTP 503" in failed.evidence


def test_unreachable_service_and_backend_are_errors() -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    assert judge(OTEL, _settings(dead)).status is Status.ERROR
    assert (
        judge(BACKEND, {"monitoring": {"jaeger_url": dead}, "timeout_s": 1}).status is Status.ERROR
    )


def test_tracing_lines_without_settings_are_unverified() -> None:
    assert judge(OTEL, {"timeout_s": 1}).status is Status.UNVERIFIED
    assert judge(BACKEND, {"timeout_s": 1}).status is Status.UNVERIFIED
    with serve_asgi(traced_service_app(TraceStore())) as url:
        verdict = judge(PATHS, _settings(url))
    assert verdict.status is Status.UNVERIFIED
    assert "monitoring.jaeger_url" in verdict.evidence


def test_no_traceresponse_and_no_backend_is_unverified() -> None:
    with serve_asgi(traced_service_app(TraceStore(), echo=False)) as url:
        verdict = judge(OTEL, _settings(url))
    assert verdict.status is Status.UNVERIFIED
    assert "monitoring.jaeger_url" in verdict.evidence and "no traceresponse" in verdict.evidence
