"""A small client of the Prometheus and Alertmanager HTTP APIs, over httpx.

Every call is bounded by the environment's timeout and turns transport failures,
non-2xx answers and non-JSON bodies into :class:`ProbeError` naming the URL, so
"could not ask Prometheus" is never mistaken for "the property is missing".
Header values (``Bearer ${PROM_TOKEN}``) never appear in messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.transport import http_client

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment

__all__ = ["Sample", "api_get", "api_post", "duration_seconds", "instant_query"]

_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}


def duration_seconds(text: str) -> float:
    """Seconds in a Prometheus duration such as ``90s``, ``1h30m`` or ``7d``."""
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)", str(text))
    if not parts or "".join(n + u for n, u in parts) != str(text):
        raise ValueError(f"not a duration: {text!r}")
    return sum(float(n) * _UNITS[u] for n, u in parts)


@dataclass(frozen=True)
class Sample:
    """One element of an instant-query result.

    Attributes:
        labels: the series labels (without ``__name__`` for computed series).
        value: the sample value.
    """

    labels: dict[str, str]
    value: float


def _request(env: Environment, method: str, base_key: str, path: str, **kw: Any) -> Any:
    import httpx

    base = str(env.require(base_key)).rstrip("/")
    family = "prometheus" if base_key == "prometheus_url" else "alertmanager"
    headers = dict(env.get(f"monitoring.{family}_headers") or {})
    url = base + path
    try:
        with http_client(env, headers=headers) as client:
            response = client.request(method, url, **kw)
    except httpx.HTTPError as exc:
        raise ProbeError(f"{url}: {type(exc).__name__}: {exc or 'no answer'}") from None
    if response.status_code >= 300:
        raise ProbeError(f"{url} answered HTTP {response.status_code}")
    try:
        return response.json() if response.content else None
    except ValueError:
        raise ProbeError(f"{url} answered something that is not JSON") from None


def api_get(env: Environment, base_key: str, path: str, **params: Any) -> Any:
    """GET ``path`` below ``base_key``'s URL; the decoded JSON body."""
    return _request(env, "GET", base_key, path, params=params)


def api_post(env: Environment, base_key: str, path: str, body: Any) -> Any:
    """POST JSON ``body`` to ``path`` below ``base_key``'s URL."""
    return _request(env, "POST", base_key, path, json=body)


def prometheus_data(env: Environment, path: str, **params: Any) -> Any:
    """The ``data`` of a Prometheus API answer; its own error becomes a ProbeError."""
    body = api_get(env, "prometheus_url", path, **params)
    if not isinstance(body, dict) or body.get("status") != "success":
        detail = body.get("error", body) if isinstance(body, dict) else body
        raise ProbeError(f"Prometheus {path} failed: {detail}")
    return body.get("data")


def instant_query(env: Environment, query: str) -> list[Sample]:
    """Evaluate PromQL ``query`` now; a scalar comes back as one unlabelled sample."""
    data = prometheus_data(env, "/api/v1/query", query=query)
    kind, result = data.get("resultType"), data.get("result")
    if kind == "scalar":
        return [Sample({}, float(result[1]))]
    if kind != "vector":
        raise ProbeError(f"query {query!r} gave a {kind}, expected an instant vector")
    return [Sample(dict(r.get("metric", {})), float(r["value"][1])) for r in result]
