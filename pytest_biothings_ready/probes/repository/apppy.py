"""Python application facts: limiters, CORS, metrics, logging, audit, tracing, caching."""

from __future__ import annotations

import re
from typing import Any

from pytest_biothings_ready.probes.repository.finding import Finding
from pytest_biothings_ready.probes.repository.pysource import Call, PyFacts

__all__ = [
    "audit",
    "caching",
    "cors",
    "limiters",
    "logging",
    "metric_names",
    "metrics",
    "tracing",
    "unapplied",
]

CACHING = re.compile(r"max-age=[1-9]|s-maxage=[1-9]|\bpublic\b")
LIMITER_LIBS = ("slowapi", "flask_limiter", "fastapi_limiter", "django_ratelimit", "ratelimit")


def _last(call: Call) -> str:
    return call.name.rsplit(".", 1)[-1].removesuffix("()")


def _has(py: PyFacts, *modules: str) -> bool:
    return any(i == m or i.startswith(m + ".") for i in py.imports for m in modules)


def limiters(py: PyFacts) -> list[Finding]:
    """Limiters applied: decorators, a limiter middleware with default limits, DRF throttles."""
    found = []
    if _has(py, *LIMITER_LIBS):
        for c in py.calls:
            if c.decorator and _last(c) in ("limit", "shared_limit", "ratelimit"):
                found.append(Finding(c.where, f"@{c.name} {c.args[0] if c.args else ''}".strip()))
            elif _last(c) == "RateLimiter":
                found.append(Finding(c.where, "fastapi-limiter RateLimiter dependency"))
        defaults = [c for c in py.calls if _last(c) == "Limiter" and c.kwargs.get("default_limits")]
        middleware = [c for c in py.calls if any("SlowAPI" in str(a) for a in c.args)]
        if defaults and (middleware or _has(py, "flask_limiter")):
            limits = defaults[0].kwargs["default_limits"]
            found.append(Finding(defaults[0].where, f"Limiter(default_limits={limits})"))
    throttles = py.assigned.get("REST_FRAMEWORK")
    if isinstance(throttles, dict) and throttles.get("DEFAULT_THROTTLE_CLASSES"):
        found.append(Finding(py.assigned_at["REST_FRAMEWORK"], "DRF DEFAULT_THROTTLE_CLASSES"))
    return found


def unapplied(py: PyFacts) -> list[Finding]:
    """Limiters created but applied nowhere (no decorator, no middleware with defaults)."""
    if not _has(py, *LIMITER_LIBS) or limiters(py):
        return []
    return [Finding(c.where, "Limiter created, applied to no route") for c in py.calls
            if _last(c) == "Limiter"]  # fmt: skip


def cors(py: PyFacts) -> list[Finding]:
    """CORS configurations: ``detail`` = (origins, credentials, framework)."""
    found = []
    for c in py.calls:
        if (
            _last(c) in ("add_middleware", "Middleware")
            and c.args
            and "CORSMiddleware" in str(c.args[0])
        ):
            origins = c.kwargs.get("allow_origins", [])
            if c.kwargs.get("allow_origin_regex"):
                origins = f"<regex {c.kwargs['allow_origin_regex']}>"
            found.append(
                Finding(
                    c.where, "CORSMiddleware", (origins, c.kwargs.get("allow_credentials") is True)
                )
            )
        elif _last(c) in ("CORS", "cross_origin") and _has(py, "flask_cors"):
            found.append(
                Finding(
                    c.where,
                    "Flask-CORS",
                    (_flask_origins(c), c.kwargs.get("supports_credentials") is True),
                )
            )
    found += _django(py)
    return found


def _flask_origins(call: Call) -> Any:
    if "origins" in call.kwargs:
        return call.kwargs["origins"]
    resources = call.kwargs.get("resources")
    if isinstance(resources, dict):
        values = [v.get("origins", "*") for v in resources.values() if isinstance(v, dict)]
        flat: list[Any] = []
        for v in values:
            flat += v if isinstance(v, list) else [v]
        return flat or "*"
    return "*"


def _django(py: PyFacts) -> list[Finding]:
    found = []
    for flag in ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"):
        if py.assigned.get(flag) is True:
            found.append(Finding(py.assigned_at[flag], f"django-cors-headers {flag}", ("*", False)))
    for name in ("CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST"):
        if name in py.assigned:
            credentials = py.assigned.get("CORS_ALLOW_CREDENTIALS") is True
            found.append(
                Finding(
                    py.assigned_at[name],
                    f"django-cors-headers {name}",
                    (py.assigned[name], credentials),
                )
            )
    return found


def metrics(py: PyFacts) -> list[Finding]:
    """How the app exposes Prometheus metrics; ``detail`` is the path (``*`` any path)."""
    found = []
    for c in py.calls:
        last = _last(c)
        if last == "expose" and _has(py, "prometheus_fastapi_instrumentator"):
            found.append(
                Finding(
                    c.where,
                    "prometheus-fastapi-instrumentator",
                    c.kwargs.get("endpoint", "/metrics"),
                )
            )
        elif (
            last in ("mount", "add_route")
            and c.args
            and isinstance(c.args[0], str)
            and _has(py, "prometheus_client", "starlette_exporter", "starlette_prometheus")
        ):
            if "metric" in c.args[0] or any("metric" in str(a) for a in c.args[1:]):
                found.append(Finding(c.where, f"{c.name}({c.args[0]!r})", c.args[0]))
        elif last == "start_http_server" and _has(py, "prometheus_client"):
            found.append(Finding(c.where, "prometheus_client.start_http_server", "*"))
        elif last in ("PrometheusMetrics", "GunicornPrometheusMetrics"):
            found.append(
                Finding(c.where, "prometheus-flask-exporter", c.kwargs.get("path", "/metrics"))
            )
    if "generate_latest" in {_last(c) for c in py.calls}:
        found += [
            Finding(py.strings[p], "route serving generate_latest()", p)
            for p in ("/metrics",)
            if p in py.strings
        ]
    if _has(py, "django_prometheus"):
        found.append(Finding("django_prometheus", "django-prometheus", "/metrics"))
    return found


def logging(py: PyFacts) -> list[Finding]:
    """Structured (JSON) logging configured, not merely imported."""
    found = []
    for c in py.calls:
        text = repr(c.kwargs) + repr(c.args)
        if c.name == "structlog.configure" and ("JSONRenderer" in text or "json" in text.lower()):
            found.append(Finding(c.where, "structlog.configure(... JSONRenderer)"))
        elif _last(c) == "JsonFormatter" or "pythonjsonlogger" in text:
            found.append(Finding(c.where, "python-json-logger JsonFormatter"))
        elif _last(c) == "add" and c.kwargs.get("serialize") is True:
            found.append(Finding(c.where, "loguru serialize=True"))
    return found


def audit(py: PyFacts) -> list[Finding]:
    """A logger or function dedicated to audit events, actually called."""
    return [
        Finding(c.where, f"{c.name}({c.args[0] if c.args else ''})".strip())
        for c in py.calls
        if (
            _last(c) in ("getLogger", "get_logger") and c.args and "audit" in str(c.args[0]).lower()
        )
        or ("audit" in _last(c).lower() and not c.decorator)
    ][:5]


def tracing(py: PyFacts) -> list[Finding]:
    """OpenTelemetry: ``what`` is sdk, instrumentation or exporter (``detail``: endpoint)."""
    found = []
    for c in py.calls:
        last = _last(c)
        if last == "TracerProvider":
            found.append(Finding(c.where, "sdk"))
        elif last in ("instrument_app", "instrument") and "Instrumentor" in c.name:
            found.append(Finding(c.where, "instrumentation", c.name))
        elif last.endswith("SpanExporter") or last == "JaegerExporter":
            endpoint = (
                c.kwargs.get("endpoint")
                or c.kwargs.get("agent_host_name")
                or c.kwargs.get("collector_endpoint")
            )
            found.append(
                Finding(c.where, "exporter", endpoint if isinstance(endpoint, str) else "")
            )
    return found


def caching(py: PyFacts) -> list[Finding]:
    """Response caching: a Cache-Control that allows caching, or a response-cache decorator.

    A ``Cache-Control`` header counts only beside a value that caches (``max-age=N``
    with N > 0, ``s-maxage``, ``public``); ``no-store``/``no-cache`` alone do not.
    """
    values = [s for s in py.strings if CACHING.search(s)]
    found = [
        Finding(py.strings[h], f"sets {h}: {values[0]}")
        for h in ("Cache-Control", "cache-control")
        if h in py.strings and values
    ]
    decorators = ("cache", "cached", "cache_page", "cache_response")
    found += [Finding(c.where, f"@{c.name}") for c in py.calls
              if c.decorator and _last(c) in decorators]  # fmt: skip
    return found


SERIES = {
    "Counter": ("_total", "_created"),
    "Gauge": ("",),
    "Histogram": ("_bucket", "_sum", "_count", "_created"),
    "Summary": ("", "_sum", "_count", "_created"),
    "Info": ("_info",),
    "Enum": ("",),
}
# Series prometheus-fastapi-instrumentator exports by default.
INSTRUMENTATOR = (
    "http_requests_total",
    "http_request_size_bytes",
    "http_response_size_bytes",
    "http_request_duration_seconds",
    "http_request_duration_highr_seconds",
)


def metric_names(py: PyFacts) -> set[str]:
    """Series the code defines (prometheus_client metrics, the instrumentator's defaults)."""
    found: set[str] = set()
    for c in py.calls:
        kind = _last(c)
        name = c.args[0] if c.args else c.kwargs.get("name")
        if kind in SERIES and isinstance(name, str) and _has(py, "prometheus_client"):
            base = name.removesuffix("_total") if kind == "Counter" else name
            found |= {base + suffix for suffix in SERIES[kind]} | {base}
    if _has(py, "prometheus_fastapi_instrumentator"):
        for name in INSTRUMENTATOR:
            found |= {name, name + "_bucket", name + "_sum", name + "_count"}
    return found
