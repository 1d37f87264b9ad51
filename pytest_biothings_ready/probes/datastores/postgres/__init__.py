"""PostgreSQL (``database_url``): one gatherer, the database lines.  psycopg loads late."""

from __future__ import annotations

from pytest_biothings_ready.probes.datastores.postgres import (
    checks,
    credentials,
    gather,
    migrations,
    pooler,
    pooling,
    queries,
)
from pytest_biothings_ready.probes.datastores.postgres.gather import PostgresResult

__all__ = [
    "PostgresResult",
    "checks",
    "credentials",
    "gather",
    "migrations",
    "pooler",
    "pooling",
    "queries",
]
