"""Metric families that instrumentation libraries emit on their own.

None of them is a business metric: a service exposing only these has wired up a
library, not measured its own work.  Names match by ``_``-separated components, never
by bare substrings, so the Go/Prometheus ``up`` does not swallow ``uploads_total`` or
``upstream_llm_calls_total``.  docs/probes/observability.md lists this table.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["STOCK", "Stock", "stock_source"]

# Suffixes client libraries add to sample names; families are compared without them.
_SUFFIXES = ("_total", "_created", "_count", "_sum", "_bucket", "_info")


@dataclass(frozen=True)
class Stock:
    """One instrumentation library's default families.

    Attributes:
        source: the library (or runtime) that emits them.
        prefixes: name-component prefixes, e.g. ``("process",)`` matches
            ``process_cpu_seconds`` but not ``processing_jobs``.
        names: exact family names (suffixes such as ``_total`` ignored).
    """

    source: str
    prefixes: tuple[tuple[str, ...], ...] = ()
    names: frozenset[str] = frozenset()


STOCK: tuple[Stock, ...] = (
    Stock("prometheus-client process collector", (("process",),)),
    Stock("prometheus-client Python platform and GC", (("python",),)),
    Stock(
        "prometheus-fastapi-instrumentator",
        names=frozenset(
            {
                "http_requests",
                "http_request_size_bytes",
                "http_response_size_bytes",
                "http_request_duration_seconds",
                "http_request_duration_highr_seconds",
            }
        ),
    ),
    Stock("starlette_exporter", (("starlette",),)),
    Stock("django-prometheus", (("django",),)),
    Stock(
        "express-prom-bundle / prom-client",
        (("nodejs",),),
        frozenset({"http_request_duration_seconds", "up"}),
    ),
    Stock("Go runtime / promhttp", (("go",), ("promhttp",))),
    Stock(
        "JVM (simpleclient_hotspot, Micrometer)",
        (("jvm",), ("system", "cpu"), ("system", "load"), ("tomcat",), ("logback",), ("executor",)),
        frozenset({"http_server_requests_seconds"}),
    ),
    Stock(".NET runtime", (("dotnet",), ("microsoft", "aspnetcore"))),
    Stock(
        "Prometheus / OpenTelemetry conventions",
        (("scrape",), ("http", "server"), ("http", "client"), ("otel",)),
        frozenset({"up", "target_info"}),
    ),
)


def _base(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def stock_source(name: str) -> str | None:
    """The library that emits family ``name`` by default, or None for the service's own."""
    base = _base(name)
    parts = tuple(base.split("_"))
    for stock in STOCK:
        if base in stock.names or name in stock.names:
            return stock.source
        if any(parts[: len(prefix)] == prefix for prefix in stock.prefixes):
            return stock.source
    return None
