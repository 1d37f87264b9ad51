"""Data stores by image: databases, caches and brokers that must never face the network."""

from __future__ import annotations

from pytest_biothings_ready.probes.repository.deploy import Service

__all__ = ["DATA_STORES", "image_name", "is_data_store", "is_store_image"]

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


def is_data_store(service: Service) -> bool:
    return is_store_image(service.image)
