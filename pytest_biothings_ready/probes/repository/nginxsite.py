"""What an nginx on the deploy path does: servers, locations, limits, TLS, backends.

nginx inheritance is applied where it matters: ``limit_req``, ``add_header`` and the
``ssl_*`` settings of a level replace (not extend) those inherited from the level above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pytest_biothings_ready.probes.repository.deploy import Stack
from pytest_biothings_ready.probes.repository.nginxconf import Directive, NginxTree, at, walk
from pytest_biothings_ready.probes.repository.nginxstart import missing_certs, missing_hosts
from pytest_biothings_ready.probes.repository.urls import PASSES, host_of

__all__ = ["Location", "NginxSite", "Server", "analyse"]

_MAX_AGE = re.compile(r"max-age=(\d+)", re.I)


@dataclass(frozen=True)
class Location:
    """A ``location`` and what is in force there.

    Attributes:
        where: ``file:line``.
        path: its match argument.
        backends: the hosts it proxies to (upstream servers expanded), without ports.
        limit_req: zones of the ``limit_req`` in force.
        cors_origin: the ``Access-Control-Allow-Origin`` header it adds ("" when none).
        cache_control: a ``Cache-Control``/``expires``/``proxy_cache`` in force.
        dry_run: ``limit_req_dry_run on`` in force (requests are counted, never refused).
    """

    where: str
    path: str
    backends: tuple[str, ...]
    limit_req: tuple[str, ...]
    cors_origin: str
    cache_control: bool
    dry_run: bool = False


@dataclass(frozen=True)
class Server:
    """A ``server`` block.

    Attributes:
        where: ``file:line``.
        ports: listening ports.
        tls: some ``listen`` has ``ssl`` (or ``quic``).
        redirects_https: answers with a redirect to ``https://``.
        hsts_max_age: ``Strict-Transport-Security`` max-age in force (None: no header).
        protocols: ``ssl_protocols`` in force (empty: not set).
        ciphers: ``ssl_ciphers`` in force ("" when not set).
        locations: its locations (nested ones flattened).
    """

    where: str
    ports: tuple[str, ...]
    tls: bool
    redirects_https: bool
    hsts_max_age: int | None
    protocols: tuple[str, ...]
    ciphers: str
    locations: tuple[Location, ...]


@dataclass(frozen=True)
class NginxSite:
    """An analysed nginx: the tree, its servers, its zones and what breaks it.

    Attributes:
        tree: the configuration as the container sees it.
        servers: server blocks.
        zones: ``limit_req_zone`` names.
        broken: reasons this nginx cannot start (missing upstream hosts, parse errors).
    """

    tree: NginxTree
    servers: tuple[Server, ...]
    zones: tuple[str, ...]
    broken: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.tree.service.name} ({', '.join(self.tree.files)})"


def analyse(tree: NginxTree, stack: Stack) -> NginxSite:
    """Servers, zones and startup problems of ``tree`` within ``stack``."""
    http = [d for d in tree.directives if d["directive"] == "http"]
    upstreams = {
        d["args"][0]: [
            s["args"][0] for s in d.get("block") or [] if s["directive"] == "server" and s["args"]
        ]
        for h in http
        for d in walk(h.get("block") or [])
        if d["directive"] == "upstream" and d["args"]
    }
    servers = [
        _server(node, _scope(h.get("block") or [], {}), upstreams)
        for h in http
        for node in h.get("block") or []
        if node["directive"] == "server"
    ]
    zones = [
        _zone_name(d["args"])
        for h in http
        for d in walk(h.get("block") or [])
        if d["directive"] == "limit_req_zone"
    ]
    broken = list(tree.errors) + missing_hosts(tree, stack, upstreams) + missing_certs(tree)
    return NginxSite(tree, tuple(servers), tuple(z for z in zones if z), tuple(broken))


def _zone_name(args: list[str]) -> str:
    zone = next((a for a in args if a.startswith("zone=")), "")
    return zone[5:].split(":", 1)[0]


def _scope(block: list[Directive], outer: dict[str, Any]) -> dict[str, Any]:
    """Inheritable settings in force inside ``block`` (replacing, not adding, per level)."""
    scope = dict(outer)
    for name in ("limit_req", "add_header"):
        own = [d["args"] for d in block if d["directive"] == name]
        if own:
            scope[name] = own
    for name in ("ssl_protocols", "ssl_ciphers", "expires", "proxy_cache", "limit_req_dry_run"):
        own = [d["args"] for d in block if d["directive"] == name]
        if own:
            scope[name] = own[-1]
    return scope


def _server(node: Directive, outer: dict[str, Any], upstreams: dict[str, list[str]]) -> Server:
    block = node.get("block") or []
    scope = _scope(block, outer)
    listens = [d["args"] for d in block if d["directive"] == "listen" and d["args"]]
    ports = tuple(_port(a[0]) for a in listens) or ("80",)
    headers = {h[0].lower(): h[1] for h in scope.get("add_header", []) if len(h) >= 2}
    hsts = headers.get("strict-transport-security")
    age = _MAX_AGE.search(hsts) if hsts else None
    locations = _locations(block, scope, upstreams)
    return Server(
        at(node),
        ports,
        any("ssl" in a or "quic" in a for a in listens),
        _redirects(block),
        int(age.group(1)) if age else None,
        tuple(scope.get("ssl_protocols", ())),
        " ".join(scope.get("ssl_ciphers", ())),
        tuple(locations),
    )


def _port(arg: str) -> str:
    tail = arg.rsplit("]:", 1)[-1] if arg.startswith("[") else arg.rsplit(":", 1)[-1]
    return tail if tail.isdigit() else "80"


def _redirects(block: list[Directive]) -> bool:
    """The server redirects to https:// and proxies nothing over plain HTTP.

    A redirect at server level (or in an ``if``) answers before any location; one in
    a location counts only when no location of the server forwards to a backend (the
    ACME challenge location serving files is fine).
    """
    if any(_is_redirect(d) for d in block) or any(
        _is_redirect(d)
        for node in block
        if node["directive"] == "if"
        for d in walk(node.get("block") or [])
    ):
        return True
    inner = walk([d for d in block if d["directive"] == "location"])
    return any(_is_redirect(d) for d in inner) and not any(d["directive"] in PASSES for d in inner)


def _is_redirect(d: Directive) -> bool:
    args = d["args"]
    if d["directive"] == "return" and args[:1] in (["301"], ["302"], ["307"], ["308"]):
        return len(args) >= 2 and args[1].startswith("https://")
    return d["directive"] == "rewrite" and len(args) >= 2 and args[1].startswith("https://")


def _locations(
    block: list[Directive], outer: dict[str, Any], upstreams: dict[str, list[str]]
) -> list[Location]:
    found = []
    for node in block:
        if node["directive"] != "location":
            continue
        inner = node.get("block") or []
        scope = _scope(inner, outer)
        passes = [d["args"][0] for d in inner if d["directive"] in PASSES and d["args"]]
        headers = {h[0].lower(): h[1] for h in scope.get("add_header", []) if len(h) >= 2}
        backends = tuple(b for p in passes for b in _backends(p, upstreams))
        found.append(
            Location(
                at(node),
                " ".join(node["args"]),
                backends,
                tuple(_zone_of(a) for a in scope.get("limit_req", [])),
                headers.get("access-control-allow-origin", ""),
                _caches(headers, scope),
                scope.get("limit_req_dry_run", ["off"])[0] == "on",
            )
        )
        found += _locations(inner, scope, upstreams)
    return found


def _caches(headers: dict[str, str], scope: dict[str, Any]) -> bool:
    """A Cache-Control that caches, ``expires`` with a time, or a ``proxy_cache`` zone."""
    control = headers.get("cache-control", "")
    if re.search(r"max-age=[1-9]|s-maxage=[1-9]|\bpublic\b", control):
        return True
    expires = " ".join(scope.get("expires", ["off"]))
    cache = " ".join(scope.get("proxy_cache", ["off"]))
    return expires not in ("off", "-1", "epoch", "0") or cache != "off"


def _zone_of(args: list[str]) -> str:
    return next((a[5:] for a in args if a.startswith("zone=")), "")


def _backends(url: str, upstreams: dict[str, list[str]]) -> list[str]:
    host = host_of(url)
    if "$" in url:
        return []
    if host in upstreams:
        return [host_of(s) for s in upstreams[host]]
    return [host] if host else []
