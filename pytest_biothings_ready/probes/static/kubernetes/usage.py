"""Observed container usage from Prometheus (cAdvisor metrics), against the limits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.static.common import dig, listing, plural, seconds
from pytest_biothings_ready.probes.static.manifests import Container

__all__ = ["compare_usage", "parse_cpu", "parse_memory"]

HIGH, LOW = 0.9, 0.1
_MEMORY = {
    "": 1,
    "k": 1e3,
    "M": 1e6,
    "G": 1e9,
    "T": 1e12,
    "Ki": 1024,
    "Mi": 1024**2,
    "Gi": 1024**3,
    "Ti": 1024**4,
    "m": 1e-3,
}
QUERIES = {
    "memory": "max(max_over_time(container_memory_working_set_bytes{{{sel}}}[{w}]))",
    "cpu": "max(max_over_time(irate(container_cpu_usage_seconds_total{{{sel}}}[5m])[{w}:{step}s]))",
}


def parse_cpu(value: Any) -> float:
    """Cores in a Kubernetes CPU quantity (``"500m"``, ``1``, ``"0.5"``)."""
    text = str(value)
    return float(text[:-1]) / 1000 if text.endswith("m") else float(text)


def parse_memory(value: Any) -> float:
    """Bytes in a Kubernetes memory quantity (``"256Mi"``, ``"1G"``)."""
    text = str(value)
    for suffix in sorted(_MEMORY, key=len, reverse=True):
        if suffix and text.endswith(suffix):
            return float(text[: -len(suffix)]) * _MEMORY[suffix]
    return float(text)


def compare_usage(ctx: Context, containers: list[Container]) -> Verdict:
    """Peak usage of every container against its limits."""
    from pytest_biothings_ready.evidence.transport import USER_AGENT, http_client

    findings, unknown, fine = [], [], 0
    # Same credentials as the observability family (SPEC: monitoring.prometheus_headers).
    headers = {"User-Agent": USER_AGENT, **(ctx.env.get("monitoring.prometheus_headers") or {})}
    url = str(ctx.env.get("prometheus_url"))
    with http_client(ctx.env, base_url=url, headers=headers) as client:
        for container in containers:
            verdicts = [_one(client, ctx, container, res) for res in ("cpu", "memory")]
            findings += [v for v in verdicts if v and not v.startswith("?")]
            unknown += [v[1:] for v in verdicts if v and v.startswith("?")]
            fine += sum(1 for v in verdicts if v is None)
    if findings:
        return Verdict.failed(
            f"limits not matched to usage (peak must be {LOW:.0%}-{HIGH:.0%} "
            f"of the limit): {listing(findings)}."
        )
    if unknown:
        return Verdict.unverified(f"no usage data in Prometheus for: {listing(unknown)}.")
    return Verdict.passed(
        f"peak usage over {ctx.env.get('usage_window')} within "
        f"{LOW:.0%}-{HIGH:.0%} of the limit for {plural(fine, 'limit')} "
        f"of {plural(len(containers), 'container')}."
    )


def _one(client: Any, ctx: Context, container: Container, resource: str) -> str | None:
    limits = dig(container.spec, "resources", "limits") or {}
    limit = (parse_cpu if resource == "cpu" else parse_memory)(limits[resource])
    name = str(container.spec.get("name", ""))
    selector = f'container="{name}"'
    if container.workload.namespace_set:
        selector += f',namespace="{container.workload.namespace}"'
    window = str(ctx.env.get("usage_window"))
    # Peak of the instantaneous CPU rate (irate: last two samples, so short histories
    # are not diluted as rate() would be) sampled ~500 times over the window.
    step = int(min(300.0, max(1.0, seconds(window) / 500)))
    query = QUERIES[resource].format(sel=selector, w=window, step=step)
    peak = _query(client, query)
    label = f"{container.at('resources')} {container.label} {resource}"
    if peak is None:
        return f"?{label}"
    ratio = peak / limit if limit else float("inf")
    if LOW <= ratio <= HIGH:
        return None
    return f"{label} peak {ratio:.0%} of limit {limits[resource]}"


def _query(client: Any, query: str) -> float | None:
    import httpx

    try:
        response = client.get("/api/v1/query", params={"query": query})
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise ProbeError(f"Prometheus query failed at {client.base_url}: {exc}") from None
    if not isinstance(body, Mapping) or body.get("status") != "success":
        raise ProbeError(
            f"Prometheus at {client.base_url} answered {response.status_code} "
            "without a success status"
        )
    result = body.get("data", {}).get("result") or []
    return float(result[0]["value"][1]) if result else None
