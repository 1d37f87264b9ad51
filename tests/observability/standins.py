"""Stand-ins for Loki and Elasticsearch, which no package registry here provides.

Each is a small starlette app speaking the documented HTTP API endpoints the probes
call, with the same paths, parameters and JSON shapes, serving canned content:

- Loki: ``GET /ready``, ``GET /loki/api/v1/query_range``, ``GET /config`` (YAML).
- Elasticsearch: ``GET /_cluster/health``, ``GET /{index}/_search``,
  ``GET /_ilm/policy``.
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
    *, ready: bool = True, newest_age_s: float | None = 5.0, retention: str | None = "744h"
) -> Starlette:
    """Loki stand-in: a stream whose newest line is ``newest_age_s`` old (None: empty)."""

    async def ready_page(request: Request) -> Response:
        if ready:
            return PlainTextResponse("ready")
        return PlainTextResponse("Ingester not ready: waiting for 15s", status_code=503)

    async def query_range(request: Request) -> JSONResponse:
        result: list[dict[str, Any]] = []
        if newest_age_s is not None:
            stamp = str(int((time.time() - newest_age_s) * 1e9))
            result = [{"stream": {"app": "api"}, "values": [[stamp, '{"level":"info"}']]}]
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
