"""Tracing set-ups that look traced and are not: reflected headers, other services,
a backend that accepts spans and never lists them."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pytest_biothings_ready.model import Status
from tests.observability.standins import TraceStore, jaeger_app, otlp_app, traced_service_app
from tests.observability.test_tracing import BACKEND, OTEL, _settings
from tests.support.evaluate import judge
from tests.support.servers import serve_asgi


def _reflecting_app() -> Starlette:
    """Copies the incoming traceparent into traceresponse without tracing anything."""

    async def ok(request: Request) -> JSONResponse:
        headers = {"traceresponse": request.headers.get("traceparent", "")}
        return JSONResponse({"status": "ok"}, headers=headers)

    return Starlette(routes=[Route("/api/health", ok), Route("/api/agents", ok)])


def test_traceparent_reflected_verbatim_is_not_tracing() -> None:
    with serve_asgi(_reflecting_app()) as url:
        verdict = judge(OTEL, _settings(url))
    assert verdict.status is not Status.PASSED, verdict.evidence


def test_trace_recorded_only_by_another_service_is_not_the_services_tracing() -> None:
    store = TraceStore()
    with (
        serve_asgi(traced_service_app(store, echo=False, service="ingress-nginx")) as url,
        serve_asgi(jaeger_app(store)) as jaeger,
    ):
        verdict = judge(OTEL, _settings(url, jaeger, jaeger_service="api"))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "only spans of ingress-nginx, not api" in verdict.evidence


def test_jaeger_listing_only_itself_is_not_a_backend_in_use() -> None:
    store = TraceStore()
    store.spans["1" * 32] = [
        {"spanID": "1", "operationName": "/api/services", "service": "jaeger-all-in-one"}
    ]
    with serve_asgi(jaeger_app(store)) as jaeger:
        verdict = judge(BACKEND, {"timeout_s": 0.5, "monitoring": {"jaeger_url": jaeger}})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "at least one besides Jaeger itself" in verdict.evidence


def test_otlp_endpoint_that_drops_spans_fails_the_backend() -> None:
    store = TraceStore()
    store.spans["2" * 32] = [{"spanID": "1", "operationName": "/", "service": "api"}]
    with serve_asgi(jaeger_app(store)) as jaeger, serve_asgi(otlp_app()) as otlp:
        monitoring = {"jaeger_url": jaeger, "otlp_endpoint": otlp}
        verdict = judge(BACKEND, {"timeout_s": 0.5, "monitoring": monitoring})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "did not list" in verdict.evidence


def test_otlp_endpoint_whose_spans_reach_jaeger_passes() -> None:
    store = TraceStore()
    store.spans["2" * 32] = [{"spanID": "1", "operationName": "/", "service": "api"}]
    with serve_asgi(jaeger_app(store)) as jaeger, serve_asgi(otlp_app(store=store)) as otlp:
        monitoring = {"jaeger_url": jaeger, "otlp_endpoint": otlp, "jaeger_service": "api"}
        verdict = judge(BACKEND, {"timeout_s": 0.5, "monitoring": monitoring})
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "an OTLP-exported span was listed" in verdict.evidence


def _accept_all() -> Starlette:
    async def anything(request: Request) -> JSONResponse:
        await request.body()
        return JSONResponse({})

    return Starlette(routes=[Route("/{path:path}", anything, methods=["POST"])])


def test_endpoint_that_accepts_any_post_is_not_an_otlp_receiver() -> None:
    with serve_asgi(_accept_all()) as url:
        verdict = judge(BACKEND, {"monitoring": {"otlp_endpoint": url}, "timeout_s": 1})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "not an OTLP receiver" in verdict.evidence
