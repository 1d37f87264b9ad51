"""Default users of well-known third-party images (what a service runs as without ``user:``).

From each image's own Dockerfile (its last ``USER``), or for the official database
images the user their entrypoint hands the server to (``gosu postgres``: the long-running
process is not root). Images not listed are unknown: the service that runs one
without ``user:`` is unverified, not failed.
"""

from __future__ import annotations

__all__ = ["default_user"]

# repository (without registry host and tag) -> default user; a trailing "/" is a prefix.
DEFAULT_USERS = {
    "prom/prometheus": "nobody",
    "prom/alertmanager": "nobody",
    "prom/node-exporter": "nobody",
    "prom/pushgateway": "nobody",
    "prom/blackbox-exporter": "nobody",
    "prometheus/prometheus": "nobody",
    "prometheus/alertmanager": "nobody",
    "prometheus/node-exporter": "nobody",
    "grafana/grafana": "472",
    "grafana/grafana-oss": "472",
    "grafana/loki": "10001",
    "grafana/tempo": "10001",
    "nginxinc/nginx-unprivileged": "101",
    "jaegertracing/all-in-one": "10001",
    "otel/opentelemetry-collector": "10001",
    "otel/opentelemetry-collector-contrib": "10001",
    "bitnami/": "1001",
    "chainguard/": "65532",
    "elasticsearch": "1000",
    "memcached": "memcache",
    "haproxy": "haproxy",
    "nginx": "root",
    "httpd": "root",
    "caddy": "root",
    "traefik": "root",
    # their entrypoints start as root only to fix ownership, then exec the server as:
    "postgres": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
    "mongo": "mongodb",
    "redis": "redis",
    "python": "root",
    "node": "root",
    "ubuntu": "root",
    "debian": "root",
    "alpine": "root",
    "busybox": "root",
    "minio/minio": "root",
    "grafana/promtail": "root",
}


def repository(image: str) -> str:
    """``docker.io/library/nginx:1.27@sha256:...`` -> ``nginx``."""
    name = image.strip().split("@")[0]
    last = name.rsplit("/", 1)
    if ":" in last[-1]:
        name = name.rsplit(":", 1)[0]
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    if parts[0] == "library":
        parts = parts[1:]
    return "/".join(parts)


def default_user(image: str) -> str | None:
    """The user ``image`` runs as by default, when it is a well-known image."""
    tag = image.split("@")[0].rsplit("/", 1)[-1].partition(":")[2]
    if "nonroot" in tag:  # distroless and Chainguard ``:nonroot`` variants
        return "65532"
    repo = repository(image)
    if repo in DEFAULT_USERS:
        return DEFAULT_USERS[repo]
    prefix = repo.split("/")[0] + "/"
    return DEFAULT_USERS.get(prefix)
