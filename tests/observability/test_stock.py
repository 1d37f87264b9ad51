"""The documented list of library instrumentation families, matched by name components."""

from __future__ import annotations

import pytest

from pytest_biothings_ready.probes.observability.metrics.stock import stock_source


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("process_cpu_seconds", "process"),
        ("python_gc_objects_collected", "Python"),
        ("http_requests", "fastapi"),
        ("http_request_duration_highr_seconds", "fastapi"),
        ("http_response_size_bytes", "fastapi"),
        ("starlette_requests", "starlette_exporter"),
        ("starlette_request_duration_seconds", "starlette_exporter"),
        ("django_http_requests_latency_seconds_by_view_method", "django"),
        ("django_db_execute", "django"),
        ("nodejs_eventloop_lag_seconds", "express"),
        ("go_goroutines", "Go"),
        ("promhttp_metric_handler_requests", "Go"),
        ("jvm_memory_used_bytes", "JVM"),
        ("system_cpu_usage", "JVM"),
        ("http_server_requests_seconds", "JVM"),
        ("up", "express"),
        ("target_info", "OpenTelemetry"),
        ("http_server_duration", "OpenTelemetry"),
    ],
)
def test_library_defaults_are_recognised(name: str, source: str) -> None:
    found = stock_source(name)
    assert found is not None and source in found, (name, found)


@pytest.mark.parametrize(
    "name",
    [
        "uploads",
        "upstream_llm_calls",
        "processing_jobs",
        "pythonic_scores",
        "golden_signals",
        "http_requests_by_tenant",
        "jvmish",
        "biothings_agent_tasks",
        "system_users",
    ],
)
def test_business_families_are_not_taken_for_library_defaults(name: str) -> None:
    assert stock_source(name) is None
