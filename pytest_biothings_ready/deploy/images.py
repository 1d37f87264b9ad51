"""Follow a Dockerfile: configuration it copies into the image (``COPY nginx.conf ...``).

An nginx config baked into the image is as deployed as a mounted one; it is reached
from the Dockerfile by its ``COPY``/``ADD`` destination and the stage's base image.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from pytest_biothings_ready.deploy.builder import Builder, read_text
from pytest_biothings_ready.deploy.graph import CONFIG, Artifact
from pytest_biothings_ready.deploy.mounts import mounted_kind

__all__ = ["DATA_STORES", "follow_dockerfile", "image_name", "is_store_image"]

# Image names (last path part, before the tag) of databases, caches and brokers.
DATA_STORES = frozenset({
    "postgres", "postgis", "mysql", "mariadb", "mongo", "mongodb", "redis", "valkey", "keydb",
    "memcached", "elasticsearch", "opensearch", "cassandra", "couchdb", "neo4j", "clickhouse",
    "clickhouse-server", "influxdb", "etcd", "rabbitmq", "kafka", "zookeeper", "nats",
    "minio", "qdrant", "weaviate", "milvus", "chroma", "dragonfly", "timescaledb", "pgvector",
})  # fmt: skip


def image_name(image: str) -> str:
    """``bitnami/postgresql:16`` -> ``postgresql``; digest and tag dropped."""
    return image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0].lower()


def is_store_image(image: str) -> bool:
    """``postgres:16``, ``bitnami/postgresql``, ``redis:7``... (not a client or exporter)."""
    name = image_name(image)
    return name in DATA_STORES or name.removesuffix("ql") in DATA_STORES


_FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)", re.IGNORECASE)
_COPY = re.compile(r"^\s*(?:COPY|ADD)\s+(.+)$", re.IGNORECASE)


def follow_dockerfile(dockerfile: Path, context: Path, service: str, builder: Builder) -> None:
    """Reach the configuration files the Dockerfile copies from its build context."""
    image = ""
    for number, line in enumerate((read_text(dockerfile) or "").splitlines(), start=1):
        if match := _FROM.match(line):
            image = match.group(1)
        elif (match := _COPY.match(line)) and "--from" not in line:
            _copied(match.group(1), image, context, (dockerfile, number, service), builder)


def _copied(
    arguments: str, image: str, context: Path, where: tuple[Path, int, str], builder: Builder
) -> None:
    words = [w for w in arguments.split() if not w.startswith("--")]
    if len(words) < 2 or words[0].startswith("["):
        return
    *sources, destination = words
    for source in sources:
        path = (context / source).resolve()
        if not path.is_file() or not path.is_relative_to(builder.root):
            continue
        inside = destination
        if destination.endswith("/") or len(sources) > 1:
            inside = str(PurePosixPath(destination) / path.name)
        kind = mounted_kind(inside, path.name, image)
        if kind != CONFIG:
            dockerfile, line, service = where
            via = f"COPY {source} {destination} (image {image})"
            builder.reach(Artifact(path, kind, dockerfile, line, via, service, inside))
