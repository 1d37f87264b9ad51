"""JSON queries of the monitoring stack's HTTP APIs, written once.

Prometheus, Alertmanager, Grafana, Loki, Elasticsearch/OpenSearch and Jaeger are each a
:class:`Service`: the URL setting that names it and the ``monitoring.*_headers``
setting whose headers every request carries (secrets ok: values are never shown).
:func:`get_json` / :func:`post_json` send one request on the bounded transport
(:mod:`.transport`: scope, deadline, body cap, User-Agent) and turn a non-2xx answer
or a body that is not JSON into :class:`ProbeError` naming the service, the URL and the
setting to check, so "could not ask" is never mistaken for "the property is missing".
Text the service sends back lands in messages only through ``sanitize``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.transport import http_client, sanitize

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = [
    "ALERTMANAGER",
    "ELASTICSEARCH",
    "GRAFANA",
    "JAEGER",
    "LOKI",
    "PROMETHEUS",
    "Sample",
    "Service",
    "decode_json",
    "duration_seconds",
    "get_json",
    "instant_query",
    "post_json",
    "prometheus_data",
    "range_query",
    "request",
]

_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}


@dataclass(frozen=True)
class Service:
    """An HTTP API of the monitoring stack.

    Attributes:
        name: how messages call it.
        url_key: the setting holding its base URL.
        headers_key: the setting holding the headers sent to it.
    """

    name: str
    url_key: str
    headers_key: str


PROMETHEUS = Service("Prometheus", "prometheus_url", "monitoring.prometheus_headers")
ALERTMANAGER = Service("Alertmanager", "alertmanager_url", "monitoring.alertmanager_headers")
GRAFANA = Service("Grafana", "monitoring.grafana_url", "monitoring.grafana_headers")
LOKI = Service("Loki", "monitoring.loki_url", "monitoring.loki_headers")
ELASTICSEARCH = Service(
    "Elasticsearch", "monitoring.elasticsearch_url", "monitoring.elasticsearch_headers"
)
JAEGER = Service("Jaeger", "monitoring.jaeger_url", "monitoring.jaeger_headers")


def duration_seconds(text: str) -> float:
    """Seconds in a Prometheus duration such as ``90s``, ``1h30m`` or ``7d``."""
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)", str(text))
    if not parts or "".join(n + u for n, u in parts) != str(text):
        raise ValueError(f"not a duration: {text!r}")
    return sum(float(n) * _UNITS[u] for n, u in parts)


def request(
    env: Environment, service: Service, method: str, path: str, **options: Any
) -> httpx.Response:
    """One request to ``path`` below the service's URL, with its headers; any status.

    ``options`` are httpx request options (``params``, ``json``).
    """
    url = str(env.require(service.url_key)).rstrip("/") + path
    headers = {str(k): str(v) for k, v in (env.get(service.headers_key) or {}).items()}
    with http_client(env, headers=headers) as client:
        return client.request(method, url, extensions={"ready_setting": service.url_key}, **options)


def get_json(
    env: Environment, service: Service, path: str, *, missing: bool = False, **params: Any
) -> Any:
    """GET ``path``: the decoded JSON body (None when empty, or on 404 if ``missing``)."""
    return decode_json(service, request(env, service, "GET", path, params=params), missing=missing)


def post_json(env: Environment, service: Service, path: str, body: Any) -> Any:
    """POST JSON ``body`` to ``path``: the decoded JSON answer (None when empty)."""
    return decode_json(service, request(env, service, "POST", path, json=body))


def decode_json(service: Service, response: httpx.Response, *, missing: bool = False) -> Any:
    """The JSON body of ``response`` from ``service``; non-2xx or not JSON is a ProbeError."""
    where = f"{service.name} {response.request.method} {response.request.url}"
    if missing and response.status_code == 404:
        return None
    if response.status_code >= 300:
        said = sanitize(response.text[:200]).strip()
        raise ProbeError(
            f"{where} answered HTTP {response.status_code}"
            + (f" ({said})" if said else "")
            + f"; check `{service.url_key}` and `{service.headers_key}`"
        )
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise ProbeError(
            f"{where} answered something that is not JSON; check `{service.url_key}`"
        ) from None


@dataclass(frozen=True)
class Sample:
    """One element of an instant-query result.

    Attributes:
        labels: the series labels (without ``__name__`` for computed series).
        value: the sample value.
    """

    labels: dict[str, str]
    value: float


def prometheus_data(env: Environment, path: str, **params: Any) -> Any:
    """The ``data`` of a Prometheus API answer; its own error becomes a ProbeError."""
    body = get_json(env, PROMETHEUS, path, **params)
    if not isinstance(body, dict) or body.get("status") != "success":
        detail = body.get("error", body) if isinstance(body, dict) else body
        raise ProbeError(f"Prometheus {path} failed: {sanitize(str(detail))[:300]}")
    return body.get("data")


def instant_query(env: Environment, query: str) -> list[Sample]:
    """Evaluate PromQL ``query`` now; a scalar comes back as one unlabelled sample."""
    data = prometheus_data(env, "/api/v1/query", query=query)
    kind, result = data.get("resultType"), data.get("result")
    try:
        if kind == "scalar":
            return [Sample({}, float(result[1]))]
        if kind == "vector":
            return [Sample(dict(r.get("metric", {})), float(r["value"][1])) for r in result]
    except (KeyError, TypeError, ValueError, IndexError):
        raise ProbeError(f"Prometheus answered a malformed result for {query!r}") from None
    raise ProbeError(f"query {query!r} gave a {kind}, expected an instant vector")


def range_query(
    env: Environment, query: str, start: float, end: float, step: float
) -> list[tuple[dict[str, str], list[tuple[float, float]]]]:
    """Evaluate PromQL ``query`` over [start, end]: ``(labels, [(time, value)])`` per series."""
    data = prometheus_data(env, "/api/v1/query_range", query=query, start=start, end=end, step=step)
    try:
        return [
            (dict(s.get("metric", {})), [(float(t), float(v)) for t, v in s["values"]])
            for s in data.get("result") or []
        ]
    except (KeyError, TypeError, ValueError):
        raise ProbeError(f"Prometheus answered a malformed range for {query!r}") from None
