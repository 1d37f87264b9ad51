"""Stand-ins for Loki, Elasticsearch, Jaeger and an OTLP receiver, which no package
registry here provides (plus a traced service app).

Each is a small starlette app speaking the documented HTTP API endpoints the probes
call, with the same paths, parameters and JSON shapes, serving canned content:

- Loki: ``GET /ready``, ``GET /loki/api/v1/query_range``, ``GET /config`` (YAML).
- Elasticsearch: ``GET /_cluster/health``, ``GET /{index}/_search``,
  ``GET /_ilm/policy``.
- Jaeger query API: ``GET /api/services``, ``GET /api/traces/{trace_id}``.
- OTLP/HTTP receiver: ``POST /v1/traces``.
- Grafana: ``GET /api/health``, ``GET /api/search``, ``GET /api/dashboards/uid/{uid}``.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route


def loki_app(
    *,
    ready: bool = True,
    newest_age_s: float | None = 5.0,
    retention: str | None = "744h",
    lines: tuple[str, ...] = ('{"level":"info"}',),
) -> Starlette:
    """Loki stand-in: a stream of ``lines``, the newest ``newest_age_s`` old (None: empty)."""

    async def ready_page(request: Request) -> Response:
        if ready:
            return PlainTextResponse("ready")
        return PlainTextResponse("Ingester not ready: waiting for 15s", status_code=503)

    async def query_range(request: Request) -> JSONResponse:
        result: list[dict[str, Any]] = []
        if newest_age_s is not None:
            stamp = str(int((time.time() - newest_age_s) * 1e9))
            result = [{"stream": {"app": "api"}, "values": [[stamp, line] for line in lines]}]
        return JSONResponse(
            {"status": "success", "data": {"resultType": "streams", "result": result}}
        )

    async def config(request: Request) -> PlainTextResponse:
        settings: dict[str, Any] = {"limits_config": {}, "compactor": {}}
        if retention:
            settings["limits_config"]["retention_period"] = retention
            settings["compactor"]["retention_enabled"] = True
        return PlainTextResponse(yaml.safe_dump(settings))

    return Starlette(
        routes=[
            Route("/ready", ready_page),
            Route("/loki/api/v1/query_range", query_range),
            Route("/config", config),
        ]
    )


def elasticsearch_app(
    *, status: str = "green", newest_age_s: float | None = 5.0, delete_after: str | None = "30d"
) -> Starlette:
    """Elasticsearch stand-in with one log index and one ILM policy."""

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"cluster_name": "logs", "status": status})

    async def search(request: Request) -> JSONResponse:
        hits = []
        if newest_age_s is not None:
            stamp = datetime.fromtimestamp(time.time() - newest_age_s, UTC)
            hits = [
                {
                    "_index": "logs-api",
                    "_source": {
                        "@timestamp": stamp.isoformat().replace("+00:00", "Z"),
                        "message": "ok",
                    },
                }
            ]
        return JSONResponse({"hits": {"total": {"value": len(hits)}, "hits": hits}})

    async def ilm(request: Request) -> JSONResponse:
        phases: dict[str, Any] = {"hot": {"min_age": "0ms", "actions": {}}}
        if delete_after:
            phases["delete"] = {"min_age": delete_after, "actions": {"delete": {}}}
        return JSONResponse({"logs": {"version": 1, "policy": {"phases": phases}}})

    return Starlette(
        routes=[
            Route("/_cluster/health", health),
            Route("/_ilm/policy", ilm),
            Route("/{index}/_search", search),
        ]
    )


class TraceStore:
    """Spans recorded by :func:`traced_service_app`, read by :func:`jaeger_app`."""

    def __init__(self) -> None:
        self.spans: dict[str, list[dict[str, str]]] = {}


def traced_service_app(
    store: TraceStore, *, echo: bool = True, record: bool = True, service: str = "api"
) -> Starlette:
    """A service that continues incoming W3C trace context (a real app, not a stand-in).

    With ``record`` it stores one span per request in ``store`` (as an exporter
    would send it to Jaeger); with ``echo`` it answers a ``traceresponse`` header.
    """

    async def ok(request: Request) -> JSONResponse:
        parent = request.headers.get("traceparent", "")
        parts = parent.split("-")
        headers = {}
        if len(parts) == 4:
            span_id = f"{len(store.spans) + 1:016x}"
            if record:
                store.spans.setdefault(parts[1], []).append(
                    {"spanID": span_id, "operationName": request.url.path, "service": service}
                )
            if echo:
                headers["traceresponse"] = f"00-{parts[1]}-{span_id}-01"
        return JSONResponse({"status": "ok"}, headers=headers)

    return Starlette(routes=[Route("/api/health", ok), Route("/api/agents", ok)])


def jaeger_app(store: TraceStore) -> Starlette:
    """Jaeger query API stand-in: ``GET /api/services`` and ``GET /api/traces/{id}``."""

    async def services(request: Request) -> JSONResponse:
        names = sorted({s["service"] for spans in store.spans.values() for s in spans})
        return JSONResponse({"data": names, "total": len(names)})

    async def trace(request: Request) -> JSONResponse:
        trace_id = request.path_params["trace_id"]
        spans = store.spans.get(trace_id)
        if not spans:
            return JSONResponse(
                {"data": None, "errors": [{"code": 404, "msg": "trace not found"}]}, status_code=404
            )
        processes = {f"p{i}": {"serviceName": s["service"]} for i, s in enumerate(spans)}
        return JSONResponse(
            {
                "data": [
                    {
                        "traceID": trace_id,
                        "processes": processes,
                        "spans": [
                            {
                                "traceID": trace_id,
                                "spanID": s["spanID"],
                                "operationName": s["operationName"],
                                "processID": f"p{i}",
                            }
                            for i, s in enumerate(spans)
                        ],
                    }
                ]
            }
        )

    return Starlette(
        routes=[Route("/api/services", services), Route("/api/traces/{trace_id}", trace)]
    )


def otlp_app(status: int = 200, store: TraceStore | None = None) -> Starlette:
    """OTLP/HTTP receiver stand-in: ``POST /v1/traces`` answers ``status``.

    With ``store``, the JSON-encoded spans it receives are kept there (as a collector
    forwarding to Jaeger would); without, they are accepted and dropped.
    """

    async def traces(request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"message": "unmarshal failed"}, status_code=400)
        for resource in body.get("resourceSpans") or [] if store is not None else []:
            attributes = resource.get("resource", {}).get("attributes", [])
            names = [a["value"]["stringValue"] for a in attributes if a["key"] == "service.name"]
            for scope in resource.get("scopeSpans", []):
                for span in scope.get("spans", []):
                    record = {"spanID": span["spanId"], "operationName": span["name"]}
                    store.spans.setdefault(span["traceId"], []).append(  # type: ignore[union-attr]
                        {**record, "service": names[0] if names else "unknown"}
                    )
        return JSONResponse({}, status_code=status)

    return Starlette(routes=[Route("/v1/traces", traces, methods=["POST"])])


def dashboard(title: str, *exprs: str) -> dict[str, Any]:
    """A Grafana dashboard model with one row holding one panel per expression."""
    panels = [
        {"type": "timeseries", "title": e[:20], "targets": [{"expr": e, "refId": "A"}]}
        for e in exprs
    ]
    return {
        "title": title,
        "uid": title.lower().replace(" ", "-"),
        "panels": [{"type": "row", "title": "main", "panels": panels}],
    }


def grafana_app(
    *boards: dict[str, Any], database: str = "ok", datasources: tuple[str, ...] = ("prom",)
) -> Starlette:
    """Grafana HTTP API stand-in serving ``boards`` and datasources of UID ``datasources``."""
    by_uid = {b["uid"]: b for b in boards}

    async def datasource(request: Request) -> JSONResponse:
        key = request.path_params["key"]
        if key not in datasources:
            return JSONResponse({"message": "Data source not found"}, status_code=404)
        return JSONResponse({"uid": key, "name": key, "type": "prometheus"})

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"database": database, "version": "10.4.0"})

    async def search(request: Request) -> JSONResponse:
        return JSONResponse(
            [{"uid": u, "title": b["title"], "type": "dash-db"} for u, b in by_uid.items()]
        )

    async def one(request: Request) -> JSONResponse:
        board = by_uid.get(request.path_params["uid"])
        if board is None:
            return JSONResponse({"message": "Dashboard not found"}, status_code=404)
        return JSONResponse({"dashboard": board, "meta": {"slug": board["uid"]}})

    return Starlette(
        routes=[
            Route("/api/health", health),
            Route("/api/search", search),
            Route("/api/dashboards/uid/{uid}", one),
            Route("/api/datasources/uid/{key}", datasource),
            Route("/api/datasources/name/{key}", datasource),
        ]
    )
