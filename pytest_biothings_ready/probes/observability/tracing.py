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

PROBE_SERVICE = "pytest-biothings-ready"
# Services Jaeger lists for its own self-tracing: not evidence that anything else reports.
JAEGER_OWN = frozenset({"jaeger", "jaeger-query", "jaeger-all-in-one", "jaeger-collector"})


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
    trace_id, parent = secrets.token_hex(16), secrets.token_hex(8)
    headers = {**extra.pop("headers", {}), "traceparent": f"00-{trace_id}-{parent}-01"}
    response = client.request(method, url, headers=headers, **extra)
    return TracedRequest(
        label, url, response.status_code, trace_id, _continued(response, trace_id, parent)
    )


def _continued(response: Any, trace_id: str, parent: str) -> bool:
    """Whether ``traceresponse`` names our trace with a span of the server's own.

    A header that repeats the incoming ``traceparent`` verbatim (our parent id) is a
    reflection, not a span (W3C Trace Context Level 2: the server's ``parent-id``).
    """
    parts = response.headers.get("traceresponse", "").strip().split("-")
    return len(parts) == 4 and parts[1] == trace_id and parts[2] not in (parent, "0" * 16)


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
    wanted = ctx.env.get("monitoring.jaeger_service")
    if health.services and (not wanted or wanted in health.services):
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
    others = f" (only spans of {', '.join(health.services)}, not {wanted})" if wanted else ""
    return Verdict.failed(
        f"{where}: no traceresponse header and not in Jaeger within "
        f"{2 * ctx.timeout:g} s{others if health.services else ''}; required: the service "
        "continues incoming trace context"
    )


@dataclass(frozen=True)
class Backend:
    """What the tracing backend answered.

    Attributes:
        kind: ``jaeger`` or ``otlp``.
        url: the URL asked.
        status: the HTTP status of an OTLP export (None for Jaeger).
        services: services Jaeger lists (empty for OTLP).
        round_trip: with both Jaeger and OTLP configured, whether a span exported
            through OTLP was then listed by Jaeger (None: not tried).
        garbage_status: the OTLP endpoint's answer to a body that is not OTLP (a real
            receiver refuses it with 400; a catch-all accepts it).
    """

    kind: str
    url: str
    status: int | None = None
    services: tuple[str, ...] = ()
    round_trip: bool | None = None
    garbage_status: int | None = None


@gatherer("tracing-backend")
def probe_backend(ctx: Context) -> Backend:
    """List Jaeger's services, else send an empty OTLP/HTTP trace export."""
    endpoint = ctx.env.get("monitoring.otlp_endpoint")
    otlp_url = str(endpoint).rstrip("/") + "/v1/traces" if endpoint else ""
    if jaeger := ctx.env.get("monitoring.jaeger_url"):
        status, listed = _round_trip(ctx, otlp_url) if otlp_url else (None, None)
        services = (_jaeger(ctx, "/api/services") or {}).get("data") or []
        names = tuple(sorted(sanitize(str(s)) for s in services))
        return Backend("jaeger", str(jaeger), status, names, listed)
    if otlp_url:
        with http_client(ctx.env) as client:
            garbage = client.post(
                otlp_url, content=b"not otlp", headers={"Content-Type": "application/json"}
            ).status_code
        return Backend("otlp", otlp_url, _otlp(otlp_url, ctx), garbage_status=garbage)
    raise NotConfigured("monitoring.jaeger_url", ctx.env.name, "or monitoring.otlp_endpoint")


def _otlp(url: str, ctx: Context, body: dict[str, Any] | None = None) -> int:
    with http_client(ctx.env) as client:
        return client.post(url, json=body or {"resourceSpans": []}).status_code


def _round_trip(ctx: Context, url: str) -> tuple[int, bool]:
    """Export one span through OTLP/HTTP JSON and poll Jaeger for its trace."""
    trace_id, now = secrets.token_hex(16), time.time_ns()
    span = {
        "traceId": trace_id,
        "spanId": secrets.token_hex(8),
        "name": "pytest-biothings-ready round trip",
        "kind": 1,
        "startTimeUnixNano": str(now - 1_000_000),
        "endTimeUnixNano": str(now),
    }
    resource = {"attributes": [{"key": "service.name", "value": {"stringValue": PROBE_SERVICE}}]}
    body = {"resourceSpans": [{"resource": resource, "scopeSpans": [{"spans": [span]}]}]}
    status = _otlp(url, ctx, body)
    if not 200 <= status < 300:
        return status, False
    deadline = time.monotonic() + 2 * ctx.timeout
    while time.monotonic() <= deadline:
        if _trace_services(ctx, trace_id):
            return status, True
        time.sleep(0.25)
    return status, False


@check("Jaeger or similar tracing backend set up", uses=("tracing-backend",))
def tracing_backend_set_up(ctx: Context) -> Verdict:
    """The Jaeger query API lists the service, or the OTLP endpoint accepts an export."""
    backend: Backend = ctx.evidence("tracing-backend")
    if backend.kind == "otlp" and 200 <= (backend.garbage_status or 0) < 300:
        return Verdict.failed(
            f"{backend.url} accepts a body that is not OTLP (HTTP {backend.garbage_status}): "
            "a catch-all, not an OTLP receiver; required: 400 for a malformed export"
        )
    if backend.kind == "otlp":
        ok = backend.status is not None and 200 <= backend.status < 300
        return (Verdict.passed if ok else Verdict.failed)(
            f"empty OTLP/HTTP trace export to {backend.url}: HTTP {backend.status}; required: 2xx"
        )
    services = [s for s in backend.services if s not in JAEGER_OWN | {PROBE_SERVICE}]
    wanted = ctx.env.get("monitoring.jaeger_service")
    if backend.round_trip is False and not 200 <= (backend.status or 0) < 300:
        return Verdict.failed(f"OTLP span export answered HTTP {backend.status}; required: 2xx")
    if backend.round_trip is False:
        return Verdict.failed(
            f"the OTLP endpoint accepted a span (HTTP {backend.status}) that Jaeger at "
            f"{backend.url} did not list within {2 * ctx.timeout:g} s; required: exported "
            "spans become queryable"
        )
    if (wanted and wanted not in services) or not services:
        return Verdict.failed(
            f"Jaeger at {backend.url} lists services {list(backend.services) or 'none'}; "
            f"required: {wanted or 'at least one besides Jaeger itself'}"
        )
    trip = "; an OTLP-exported span was listed" if backend.round_trip else ""
    return Verdict.passed(f"Jaeger at {backend.url} lists {', '.join(services[:8])}{trip}")


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
