"""nginx configuration (``nginx_configs``): upstream pools and how locations use them.

Parsed with crossplane (nginx's own config parser in Python); context checks are off
so that ``conf.d`` snippets with top-level ``upstream``/``server`` blocks parse.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.static.common import (
    Problem,
    artifact_files,
    display,
    plural,
    verdict,
)

__all__ = ["NginxConfig", "Proxy", "Upstream", "connection_pooling", "gather_nginx"]

BALANCING = ("ip_hash", "hash", "sticky", "least_conn", "random")
# Directives a location inherits from server and http unless it sets them itself.
INHERITED = ("proxy_http_version", "proxy_set_header")


@dataclass(frozen=True)
class Upstream:
    """An ``upstream`` block.

    Attributes:
        name: its name.
        where: ``file:line``.
        keepalive: idle connections kept per worker (0 when not set).
        balancing: the balancing directive (``round_robin`` when none).
    """

    name: str
    where: str
    keepalive: int
    balancing: str


@dataclass(frozen=True)
class Proxy:
    """A ``proxy_pass`` and the settings in force where it appears.

    Attributes:
        where: ``file:line`` of the proxy_pass.
        target: the host part of its URL (an upstream name or an address).
        http_version: effective ``proxy_http_version`` ("1.0" by default).
        clears_connection: whether ``proxy_set_header Connection ""`` is in force.
    """

    where: str
    target: str
    http_version: str
    clears_connection: bool


@dataclass(frozen=True)
class NginxConfig:
    """Every named nginx config file, parsed.

    Attributes:
        upstreams: upstream blocks.
        proxies: proxy_pass directives.
    """

    upstreams: tuple[Upstream, ...]
    proxies: tuple[Proxy, ...]


@gatherer("nginx", needs=("nginx_configs",))
def gather_nginx(ctx: Context) -> NginxConfig:
    """Parse every named nginx config (and what it includes) once."""
    import crossplane

    upstreams: list[Upstream] = []
    proxies: list[Proxy] = []
    for path in artifact_files(ctx.env, "nginx_configs"):
        result = crossplane.parse(
            str(path), catch_errors=True, check_ctx=False, check_args=False, comments=False
        )
        if result["errors"]:
            first = result["errors"][0]
            raise ProbeError(
                f"{display(ctx.env, path)}:{first.get('line') or 1}: nginx config "
                f"does not parse ({first['error']})"
            )
        for config in result["config"]:
            shown = display(ctx.env, _path(config["file"]))
            upstreams += _upstreams(shown, config["parsed"])
            proxies += _proxies(shown, config["parsed"], {})
    return NginxConfig(tuple(upstreams), tuple(proxies))


def _path(name: str) -> Any:
    from pathlib import Path

    return Path(name)


def _walk(block: list[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for directive in block:
        yield directive
        yield from _walk(directive.get("block") or [])


def _upstreams(shown: str, parsed: list[Mapping[str, Any]]) -> list[Upstream]:
    found = []
    for node in _walk(parsed):
        if node["directive"] != "upstream":
            continue
        inner = {d["directive"]: d["args"] for d in node.get("block") or []}
        keepalive = inner.get("keepalive", ["0"])[0]
        balancing = next((b for b in BALANCING if b in inner), "round_robin")
        found.append(
            Upstream(
                node["args"][0] if node["args"] else "?",
                f"{shown}:{node['line']}",
                int(keepalive) if keepalive.isdigit() else 0,
                balancing,
            )
        )
    return found


def _proxies(shown: str, block: list[Mapping[str, Any]], outer: dict[str, Any]) -> list[Proxy]:
    scope = dict(outer)
    headers = [d["args"] for d in block if d["directive"] == "proxy_set_header"]
    if headers:  # nginx: a level that sets any proxy_set_header drops the inherited ones
        scope["proxy_set_header"] = headers
    for d in block:
        if d["directive"] == "proxy_http_version" and d["args"]:
            scope["proxy_http_version"] = d["args"][0]
    found = []
    for d in block:
        if d["directive"] == "proxy_pass" and d["args"]:
            found.append(_proxy(f"{shown}:{d['line']}", d["args"][0], scope))
        if d.get("block") and d["directive"] != "upstream":
            found += _proxies(shown, d["block"], scope)
    return found


def _proxy(where: str, url: str, scope: Mapping[str, Any]) -> Proxy:
    host = url.split("://", 1)[-1].split("/", 1)[0]
    clears = any(
        len(h) >= 2 and h[0].lower() == "connection" and h[1] == ""
        for h in scope.get("proxy_set_header", [])
    )
    return Proxy(where, host, str(scope.get("proxy_http_version", "1.0")), clears)


@check("Backend connection pooling optimized", uses=("nginx",))
def connection_pooling(ctx: Context) -> Verdict:
    """The reverse proxy keeps pooled keep-alive connections to the backends.

    In the nginx configs (``nginx_configs``): every ``upstream`` sets ``keepalive N``
    (N > 0), and every ``proxy_pass`` goes to such an upstream with
    ``proxy_http_version 1.1`` and ``proxy_set_header Connection ""`` in force
    (without them nginx closes each upstream connection after one request).
    """
    if not ctx.env.get("nginx_configs"):
        raise NotConfigured(
            "nginx_configs", ctx.env.name, "pooling is read from the reverse proxy's nginx config"
        )
    config: NginxConfig = ctx.evidence("nginx")
    pools = {u.name: u for u in config.upstreams}
    problems = [
        Problem(u.where, f"upstream {u.name} has no keepalive")
        for u in config.upstreams
        if u.keepalive <= 0
    ]
    problems += [p for proxy in config.proxies for p in _proxy_gaps(proxy, pools)]
    if not config.proxies:
        problems.append(Problem("nginx_configs", "contain no proxy_pass to a backend"))
    shown = ", ".join(f"{u.name} keepalive {u.keepalive}" for u in config.upstreams[:4])
    return verdict(
        problems,
        "backend connections not pooled",
        f"Pooled: {plural(len(config.proxies), 'proxy_pass')} to keep-alive upstreams "
        f"({shown}) over HTTP/1.1 with Connection cleared.",
    )


def _proxy_gaps(proxy: Proxy, pools: Mapping[str, Upstream]) -> list[Problem]:
    if proxy.target not in pools:
        return [Problem(proxy.where, f"proxy_pass to {proxy.target} bypasses any upstream pool")]
    gaps = []
    if proxy.http_version != "1.1":
        gaps.append(f"proxy_http_version {proxy.http_version}")
    if not proxy.clears_connection:
        gaps.append('no proxy_set_header Connection ""')
    if not gaps:
        return []
    return [Problem(proxy.where, f"proxy_pass to {proxy.target} with {' and '.join(gaps)}")]
