"""Request tracing: W3C trace context propagation and the tracing backend.

The service's health endpoint and every ``[[smoke]]`` request are sent once with a
fresh ``traceparent``; the trace id must come back (``traceresponse`` header) or
show up in the Jaeger query API (``monitoring.jaeger_url``, ``/api/traces/{id}``),
polled for up to two timeouts since exporters batch spans.  Lines decided:

- OpenTelemetry configured for request tracing
- Jaeger or similar tracing backend set up
- Critical paths instrumented
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.query import JAEGER, get_json
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.evidence.transport import http_client, sanitize
from pytest_biothings_ready.model import Verdict

__all__ = ["TracedRequest"]


@dataclass(frozen=True)
class TracedRequest:
    """One request sent with a ``traceparent``.

    Attributes:
        label: ``health`` or the smoke request's name.
        url: where it went.
        status: the HTTP status.
        trace_id: the trace id sent.
        echoed: the trace id came back in ``traceresponse``.
        services: services with spans in the backend for it (None: no backend asked).
    """

    label: str
    url: str
    status: int
    trace_id: str
    echoed: bool
    services: tuple[str, ...] | None = None


def _requests(ctx: Context) -> list[tuple[str, str, str, dict[str, Any]]]:
    base = str(ctx.env.require("base_url")).rstrip("/")
    wanted: list[tuple[str, str, str, dict[str, Any]]] = [
        ("health", "GET", base + str(ctx.env.get("health_path")), {})
    ]
    for smoke in ctx.env.get("smoke") or []:
        extra: dict[str, Any] = {"headers": dict(smoke.get("headers") or {})}
        if smoke.get("json") is not None:
            extra["json"] = smoke["json"]
        wanted.append(
            (
                str(smoke.get("name") or smoke.get("path")),
                str(smoke.get("method") or "GET"),
                base + str(smoke.get("path")),
                extra,
            )
        )
    return wanted


def _send(
    ctx: Context, client: Any, label: str, method: str, url: str, extra: dict[str, Any]
) -> TracedRequest:
    trace_id = secrets.token_hex(16)
    headers = {
        **extra.pop("headers", {}),
        "traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01",
    }
    response = client.request(method, url, headers=headers, **extra)
    echoed = trace_id in response.headers.get("traceresponse", "")
    return TracedRequest(label, url, response.status_code, trace_id, echoed)


@gatherer("tracing", needs=("base_url",))
def trace_requests(ctx: Context) -> tuple[TracedRequest, ...]:
    """Send the health and smoke requests with trace context; look their traces up."""
    with http_client(ctx.env) as client:
        sent = [_send(ctx, client, *wanted) for wanted in _requests(ctx)]
    if not ctx.env.get("monitoring.jaeger_url"):
        return tuple(sent)
    return tuple(_with_backend(ctx, sent))


def _with_backend(ctx: Context, sent: list[TracedRequest]) -> list[TracedRequest]:
    found: dict[str, tuple[str, ...]] = {}
    deadline = time.monotonic() + 2 * ctx.timeout
    while True:
        for request in sent:
            if request.trace_id not in found:
                services = _trace_services(ctx, request.trace_id)
                if services:
                    found[request.trace_id] = services
        if len(found) == len(sent) or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    return [
        TracedRequest(r.label, r.url, r.status, r.trace_id, r.echoed, found.get(r.trace_id, ()))
        for r in sent
    ]


def _jaeger(ctx: Context, path: str) -> Any:
    """GET ``path`` of the Jaeger query API; None on 404 (not found yet)."""
    return get_json(ctx.env, JAEGER, path, missing=True)


def _trace_services(ctx: Context, trace_id: str) -> tuple[str, ...]:
    body = _jaeger(ctx, f"/api/traces/{trace_id}") or {}
    names = set()
    for trace in body.get("data") or []:
        processes = trace.get("processes") or {}
        for span in trace.get("spans") or []:
            names.add(str((processes.get(span.get("processID")) or {}).get("serviceName")))
    return tuple(sorted(names))


@check("OpenTelemetry configured for request tracing", uses=("tracing",), needs=("base_url",))
def trace_context_propagated(ctx: Context) -> Verdict:
    """A request sent with a W3C traceparent is traced under that trace id."""
    health = ctx.evidence("tracing")[0]
    where = f"GET {health.url} (HTTP {health.status}) sent with trace id {health.trace_id}"
    if health.echoed:
        return Verdict.passed(f"{where}: the trace id came back in traceresponse")
    if health.services:
        return Verdict.passed(
            f"{where}: trace found in Jaeger with spans of {', '.join(health.services)}"
        )
    if health.services is None:
        # Many instrumented services send no traceresponse: only a backend can tell.
        raise NotConfigured(
            "monitoring.jaeger_url",
            ctx.env.name,
            f"{where} got no traceresponse header, and without a tracing "
            "backend to look in nothing shows whether it was traced",
        )
    return Verdict.failed(
        f"{where}: no traceresponse header and not in Jaeger within "
        f"{2 * ctx.timeout:g} s; required: the service continues "
        "incoming trace context"
    )


@dataclass(frozen=True)
class Backend:
    """What the tracing backend answered.

    Attributes:
        kind: ``jaeger`` or ``otlp``.
        url: the URL asked.
        status: the HTTP status of an OTLP export (None for Jaeger).
        services: services Jaeger lists (empty for OTLP).
    """

    kind: str
    url: str
    status: int | None = None
    services: tuple[str, ...] = ()


@gatherer("tracing-backend")
def probe_backend(ctx: Context) -> Backend:
    """List Jaeger's services, else send an empty OTLP/HTTP trace export."""
    if jaeger := ctx.env.get("monitoring.jaeger_url"):
        services = (_jaeger(ctx, "/api/services") or {}).get("data") or []
        return Backend(
            "jaeger", str(jaeger), None, tuple(sorted(sanitize(str(s)) for s in services))
        )
    if endpoint := ctx.env.get("monitoring.otlp_endpoint"):
        url = str(endpoint).rstrip("/") + "/v1/traces"
        return Backend("otlp", url, _otlp(url, ctx))
    raise NotConfigured("monitoring.jaeger_url", ctx.env.name, "or monitoring.otlp_endpoint")


def _otlp(url: str, ctx: Context) -> int:
    with http_client(ctx.env) as client:
        return client.post(url, json={"resourceSpans": []}).status_code


@check("Jaeger or similar tracing backend set up", uses=("tracing-backend",))
def tracing_backend_set_up(ctx: Context) -> Verdict:
    """The Jaeger query API lists the service, or the OTLP endpoint accepts an export."""
    backend: Backend = ctx.evidence("tracing-backend")
    if backend.kind == "otlp":
        ok = backend.status is not None and 200 <= backend.status < 300
        return (Verdict.passed if ok else Verdict.failed)(
            f"empty OTLP/HTTP trace export to {backend.url}: HTTP {backend.status}; required: 2xx"
        )
    services = list(backend.services)
    wanted = ctx.env.get("monitoring.jaeger_service")
    if (wanted and wanted not in services) or not services:
        return Verdict.failed(
            f"Jaeger at {backend.url} lists services {services or 'none'}; "
            f"required: {wanted or 'at least one'}"
        )
    return Verdict.passed(f"Jaeger at {backend.url} lists {', '.join(services[:8])}")


@check(
    "Critical paths instrumented", uses=("tracing",), needs=("base_url", "monitoring.jaeger_url")
)
def critical_paths_traced(ctx: Context) -> Verdict:
    """Each health and smoke request leaves spans of the service in the tracing backend."""
    requests: tuple[TracedRequest, ...] = ctx.evidence("tracing")
    wanted = ctx.env.get("monitoring.jaeger_service")
    missing = [r for r in requests if not r.services or (wanted and wanted not in r.services)]
    if missing:
        listed = ", ".join(f"{r.label} ({r.trace_id})" for r in missing)
        return Verdict.failed(
            f"no spans{f' of {wanted}' if wanted else ''} in Jaeger within "
            f"{2 * ctx.timeout:g} s for: {listed}"
        )
    return Verdict.passed(
        f"all {len(requests)} requests ({', '.join(r.label for r in requests)})"
        " have spans in Jaeger"
    )
