"""Mounted files: what a path inside a container is, and where it comes from.

A compose bind mount or a Kubernetes ConfigMap puts a repository file at a path in a
container; the path and the image say what the file is to the program that reads it
(``/etc/nginx/conf.d/app.conf`` in an nginx image is an nginx config).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pytest_biothings_ready.deploy.graph import (
    ALERTMANAGER,
    CADDY,
    CONFIG,
    DASHBOARD,
    DATASOURCE,
    GRAFANA_PROVISIONING,
    NGINX,
    PROMETHEUS,
    TRAEFIK,
)

__all__ = ["Mount", "host_path", "mounted_kind"]


@dataclass(frozen=True)
class Mount:
    """A repository path visible inside a container.

    Attributes:
        source: the host path (absolute; a file or a folder).
        target: the path inside the container.
        line: 1-based line of the mount's declaration.
    """

    source: Path
    target: str
    line: int = 0


def mounted_kind(target: str, source_name: str, image: str) -> str:
    """The artifact kind of a file mounted at ``target`` in a container of ``image``."""
    where = target.lower()
    name = source_name.lower()
    image = image.lower()
    if where.startswith("/etc/grafana/provisioning"):
        if name.endswith(".json"):
            return DASHBOARD  # dashboards kept beside their provider file
        if "/datasources" in where or "datasource" in name:
            return DATASOURCE
        return GRAFANA_PROVISIONING if name.endswith((".yml", ".yaml")) else CONFIG
    if where.startswith("/etc/nginx") or (
        "nginx" in image and name.endswith((".conf", ".template"))
    ):
        return NGINX
    if where.startswith("/etc/traefik") or "traefik" in image:
        return TRAEFIK
    if where.startswith("/etc/caddy") or "caddy" in image or name == "caddyfile":
        return CADDY
    yaml = name.endswith((".yml", ".yaml"))
    if yaml and ("alertmanager" in where or "alertmanager" in image):
        return ALERTMANAGER
    if yaml and (name.startswith("prometheus") or where.endswith("/prometheus.yml")):
        return PROMETHEUS  # rule files beside it are reached through rule_files
    return CONFIG


def host_path(container_path: str, mounts: tuple[Mount, ...]) -> Path | None:
    """The repository path a container path comes from (longest mount prefix), or None."""
    path = PurePosixPath(container_path)
    best: tuple[int, Path] | None = None
    for mount in mounts:
        target = PurePosixPath(mount.target)
        if path == target or target in path.parents:
            depth = len(target.parts)
            if best is None or depth > best[0]:
                best = (depth, mount.source / path.relative_to(target))
    return best[1] if best else None
