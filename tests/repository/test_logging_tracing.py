"""Logging and tracing lines decided from the app code and the deployed stacks."""

from __future__ import annotations

import pytest

from pytest_biothings_ready.model import Status
from tests.repository.conftest import REPOS, UNDECIDED, Variant, static_verdict

STRUCTURED = "Structured logging implemented"
AUDIT = "Audit logging implemented"
AGGREGATION = "Log aggregation configured (ELK/Loki)"
RETENTION = "Log retention policies set"
OTEL = "OpenTelemetry configured for request tracing"
BACKEND = "Jaeger or similar tracing backend set up"
MAIN = (REPOS / "good" / "backend" / "app" / "main.py").read_text()
COMPOSE = (REPOS / "good" / "docker-compose.prod.yml").read_text()
LOKI = (REPOS / "good" / "monitoring" / "loki.yaml").read_text()


@pytest.mark.parametrize("line", [STRUCTURED, AUDIT, AGGREGATION, RETENTION, OTEL, BACKEND])
def test_the_good_repository_passes_as_configured(line: str) -> None:
    verdict = static_verdict(line, "good")
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "configured, not observed live" in verdict.evidence


@pytest.mark.parametrize("line", [STRUCTURED, AUDIT, AGGREGATION, OTEL])
def test_the_decoy_repository_fails(line: str) -> None:
    assert static_verdict(line, "decoy").status is Status.FAILED


def test_no_tracing_backend_is_left_to_others_a_managed_one_is_common() -> None:
    verdict = static_verdict(BACKEND, "decoy")
    assert verdict.status is UNDECIDED
    assert "no tracing backend" in verdict.evidence


def test_structlog_imported_but_not_configured_as_json_fails(variant: Variant) -> None:
    text = MAIN.replace("structlog.processors.JSONRenderer()", "structlog.dev.ConsoleRenderer()")
    verdict = static_verdict(STRUCTURED, variant("good", {"backend/app/main.py": text}))
    assert verdict.status is Status.FAILED
    assert "configures no structured (JSON) log formatter" in verdict.evidence


def test_python_json_logger_counts(variant: Variant) -> None:
    text = MAIN.replace(
        "structlog.configure(",
        "from pythonjsonlogger import jsonlogger\n"
        "handler.setFormatter(jsonlogger.JsonFormatter())\nprint(",
    )
    verdict = static_verdict(STRUCTURED, variant("good", {"backend/app/main.py": text}))
    assert verdict.status is Status.PASSED, verdict.evidence


def test_a_shipper_without_a_store_fails(variant: Variant) -> None:
    text = COMPOSE.replace(
        "  loki:\n    image: grafana/loki:3.1.1\n", "  logs:\n    image: busybox\n"
    )
    verdict = static_verdict(AGGREGATION, variant("good", {"docker-compose.prod.yml": text}))
    assert verdict.status is Status.FAILED
    assert "runs promtail but no log store" in verdict.evidence


def test_loki_without_compactor_retention_keeps_logs_forever(variant: Variant) -> None:
    text = LOKI.replace("retention_enabled: true", "retention_enabled: false")
    verdict = static_verdict(RETENTION, variant("good", {"monitoring/loki.yaml": text}))
    assert verdict.status is Status.FAILED
    assert "logs are never deleted" in verdict.evidence


def test_without_loki_retention_is_undecided() -> None:
    assert static_verdict(RETENTION, "decoy").status is UNDECIDED


def test_an_exporter_whose_endpoint_is_unset_exports_nowhere(variant: Variant) -> None:
    text = COMPOSE.replace('      OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4317"\n', "")
    verdict = static_verdict(OTEL, variant("good", {"docker-compose.prod.yml": text}))
    assert verdict.status is Status.FAILED
    assert "where no tracing backend of docker-compose.prod.yml runs" in verdict.evidence


def test_an_exporter_naming_a_service_that_is_not_a_backend_fails(variant: Variant) -> None:
    text = COMPOSE.replace("http://jaeger:4317", "http://redis:4317")
    verdict = static_verdict(OTEL, variant("good", {"docker-compose.prod.yml": text}))
    assert verdict.status is Status.FAILED
    assert "redis runs redis:7-alpine, not a tracing backend" in verdict.evidence


def test_an_sdk_without_instrumentation_fails(variant: Variant) -> None:
    text = MAIN.replace("FastAPIInstrumentor.instrument_app(app, tracer_provider=provider)", "")
    verdict = static_verdict(OTEL, variant("good", {"backend/app/main.py": text}))
    assert verdict.status is Status.FAILED
    assert "no OpenTelemetry instrumentation" in verdict.evidence


def test_a_backend_no_api_exports_to_fails(variant: Variant) -> None:
    text = COMPOSE.replace("http://jaeger:4317", "https://otlp.example.com:4317")
    verdict = static_verdict(BACKEND, variant("good", {"docker-compose.prod.yml": text}))
    assert verdict.status is Status.FAILED
    assert "no API exports spans to it" in verdict.evidence


def test_a_shipper_pushing_to_a_host_the_stack_does_not_run_fails(variant: Variant) -> None:
    promtail = (REPOS / "good" / "monitoring" / "promtail.yaml").read_text()
    text = promtail.replace("http://loki:3100", "http://logs:3100")
    verdict = static_verdict(AGGREGATION, variant("good", {"monitoring/promtail.yaml": text}))
    assert verdict.status is Status.FAILED
    assert "promtail ships to http://logs:3100/loki/api/v1/push, but" in verdict.evidence
