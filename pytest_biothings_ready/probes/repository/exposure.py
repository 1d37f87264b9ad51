"""Who serves the API and how requests reach it: published ports and proxy locations."""

from __future__ import annotations

from dataclasses import dataclass

from pytest_biothings_ready.probes.repository.appcode import AppCode
from pytest_biothings_ready.probes.repository.deploy import Service, Stack
from pytest_biothings_ready.probes.repository.gather import Proxy, Repository
from pytest_biothings_ready.probes.repository.nginxsite import Location
from pytest_biothings_ready.probes.repository.traefik import Router, Traefik

__all__ = ["Api", "Route", "apis", "public_ports"]


@dataclass(frozen=True)
class Route:
    """A proxy location that forwards to the API."""

    proxy: Proxy
    location: Location


@dataclass(frozen=True)
class Api:
    """A deployed service whose code defines API routes, and its ways in.

    Attributes:
        stack: its stack.
        service: the service.
        code: its application code.
        published: its ports published on the host (outside loopback), as ``file:line port``.
        routes: nginx locations forwarding to it.
        routers: traefik routers forwarding to it, with their traefik.
    """

    stack: Stack
    service: Service
    code: AppCode
    published: tuple[str, ...]
    routes: tuple[Route, ...]
    routers: tuple[tuple[Traefik, Router], ...] = ()

    @property
    def name(self) -> str:
        return f"{self.service.name} ({self.stack.file})"


def public_ports(service: Service) -> list[str]:
    """Host-published ports reachable from outside, as ``file:line HOST->CONTAINER``."""
    if service.host_network:
        return [f"{service.where} network_mode: host (every port it listens on)"]
    return [f"{p.where} {p.published or 'random'}->{p.target}" for p in service.ports if p.public]


def apis(repo: Repository) -> list[Api]:
    """Every deployed service whose code defines routes, with how it is reached."""
    found = []
    for stack in repo.stacks:
        proxies = [p for p in repo.proxies if p.stack is stack]
        for service in stack.services:
            code = repo.app(service)
            if code is None or not code.routes:
                continue
            routes = tuple(
                Route(p, loc)
                for p in proxies
                for server in p.site.servers
                for loc in server.locations
                if service.name in loc.backends
            )
            routers = tuple(
                (t, r) for t in repo.traefiks for r in t.routers if r.service == service.name
            )
            found.append(Api(stack, service, code, tuple(public_ports(service)), routes, routers))
    return found
