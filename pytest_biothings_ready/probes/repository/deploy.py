"""What is deployed: compose stacks, their services, mounts, ports and build contexts.

The entry points are ``compose_files`` (in a session, discovery fills it with the
deploy graph's compose entry points unless the environment names them); the graph's
not-deployed compose files are named in the evidence.  Every other artifact a check
reads is reached from a service (its build context, a file it mounts), read here with
the detail the checks need (host IPs of ports, healthchecks, environment).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_biothings_ready.deploy.graph import COMPOSE, DeployGraph
from pytest_biothings_ready.evidence.registry import Context

__all__ = ["Mount", "Port", "Service", "Stack", "as_text", "compose_paths", "walk"]

PRUNE = frozenset(
    {".git", "node_modules", ".venv", "venv", "__pycache__", "dist", "build", ".next", "vendor"}
)


@dataclass(frozen=True)
class Mount:
    """A bind mount: a repository path seen at ``target`` inside the container."""

    source: Path
    target: str
    where: str


@dataclass(frozen=True)
class Port:
    """A published port (``ports:``); ``published`` is "" when compose picks one."""

    host_ip: str
    published: str
    target: str
    where: str

    @property
    def public(self) -> bool:
        """Reachable from outside the host (not bound to loopback)."""
        return self.host_ip not in ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class Service:
    """One compose service as deployed.

    Attributes:
        stack: the compose file (shown path).
        name: the service name (its DNS name inside the stack).
        where: ``file:line`` of the service.
        image: ``image:`` ("" when only built).
        context: the build context folder, when built.
        dockerfile: the Dockerfile, when built.
        ports: published ports.
        mounts: bind mounts of repository files.
        healthcheck: the healthcheck ``test`` as one string ("" when none).
        labels: ``labels:`` as a mapping.
        command: ``command:`` as one string.
        host_network: ``network_mode: host`` (every listening port is on the host).
        environment: ``environment:`` as a mapping (``env_file`` is not read).
        log_driver: ``logging.driver`` ("" for the default json-file).
        log_options: ``logging.options``.
        volume_targets: every container path a volume provides (bind, named, anonymous).
    """

    stack: str
    name: str
    where: str
    image: str = ""
    context: Path | None = None
    dockerfile: Path | None = None
    ports: tuple[Port, ...] = ()
    mounts: tuple[Mount, ...] = ()
    healthcheck: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)
    command: str = ""
    host_network: bool = False
    environment: Mapping[str, str] = field(default_factory=dict)
    log_driver: str = ""
    log_options: Mapping[str, str] = field(default_factory=dict)
    volume_targets: tuple[str, ...] = ()

    def provides(self, path: str) -> bool:
        """Whether a volume of the service provides container path ``path``."""
        return any(
            path == t.rstrip("/") or path.startswith(t.rstrip("/") + "/")
            for t in self.volume_targets
        )

    @property
    def family(self) -> str:
        """The image's name without registry, owner and tag (``grafana/loki:3`` -> ``loki``)."""
        return self.image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0].lower()

    def mounted(self, target: str) -> Path | None:
        """The repository file seen at container path ``target``, if mounted."""
        for mount in self.mounts:
            if mount.target.rstrip("/") == target.rstrip("/"):
                return mount.source
            prefix = mount.target.rstrip("/") + "/"
            if target.startswith(prefix):
                return mount.source / target[len(prefix) :]
        return None


@dataclass(frozen=True)
class Stack:
    """A compose file: an entry point of the deploy graph."""

    file: str
    folder: Path
    services: tuple[Service, ...]

    def service(self, name: str) -> Service | None:
        return next((s for s in self.services if s.name == name), None)


def compose_paths(ctx: Context) -> tuple[list[Path], list[Path]]:
    """The deployed compose files (``compose_files``) and those the deploy graph skips."""
    named = [ctx.env.path(str(v)) for v in ctx.env.get("compose_files") or []]
    if not named:
        return [], []
    graph: DeployGraph = ctx.evidence("deploy")
    idle = [a.path for a in graph.not_deployed if a.kind == COMPOSE]
    return [p for p in named if p.is_file()], idle


def walk(folder: Path, suffixes: tuple[str, ...] = ()) -> Iterator[Path]:
    """Files under ``folder`` (sorted, vendored and build folders pruned)."""
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in PRUNE and not d.startswith("."))
        for name in sorted(files):
            if not suffixes or name.endswith(suffixes):
                yield Path(current) / name


def as_text(value: Any) -> str:
    """A compose string-or-list field as one string."""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return "" if value is None else str(value)
