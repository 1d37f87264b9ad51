"""Settings of the datastores family: Redis and PostgreSQL, reached by URL.

``redis_url`` and ``database_url`` are secret-bearing connection URLs: the password in
them is collected as a secret by the loader and shown as ``***`` everywhere.
"""

from __future__ import annotations

from pytest_biothings_ready.config.schema import Key, register

__all__ = ["REDIS_ROLES"]

FAMILY = "datastores"

# role -> what it needs (docs/probes/datastores.md explains why)
REDIS_ROLES = ("cache", "session", "data")

register(
    Key(
        "redis_url",
        "str",
        "Redis URL: redis://[user:password@]host:port/db or rediss:// (secret; redacted).",
        family=FAMILY,
    ),
    Key(
        "redis.role",
        "str",
        'What Redis holds: "cache" (evictable), "session" or "data" (must persist).',
        "cache",
        family=FAMILY,
    ),
    Key(
        "redis.min_version",
        "str",
        "Oldest acceptable Redis server version (upstream-supported series).",
        "6.2",
        family=FAMILY,
    ),
    Key(
        "database_url",
        "str",
        "PostgreSQL URL: postgresql://user:password@host:port/db (secret; redacted).",
        family=FAMILY,
    ),
    Key(
        "database.pooler_url",
        "str",
        "PgBouncer's admin console: postgresql://user:password@host:6432/pgbouncer (secret).",
        family=FAMILY,
    ),
    Key(
        "database.large_table_rows",
        "int",
        "Tables with at least this many rows must be read mostly through indexes.",
        10000,
        family=FAMILY,
    ),
    Key(
        "database.seq_scan_ratio",
        "float",
        "Largest acceptable seq-scanned rows per index scan on a large table.",
        1000.0,
        family=FAMILY,
    ),
    Key(
        "database.max_connections_share",
        "float",
        "Largest share of max_connections the open connections may use (headroom).",
        0.8,
        family=FAMILY,
    ),
    Key(
        "database.slow_query_ms",
        "int",
        "Largest acceptable log_min_duration_statement, milliseconds.",
        1000,
        family=FAMILY,
    ),
    Key(
        "database.migrate_up",
        "str",
        "Shell command migrating $DATABASE_URL to head (run in the repository folder).",
        family=FAMILY,
    ),
    Key(
        "database.migrate_down",
        "str",
        "Shell command migrating $DATABASE_URL down one step.",
        family=FAMILY,
    ),
    Key(
        "database.scratch_url",
        "str",
        "A PostgreSQL server where the probe may CREATE and DROP a scratch database.",
        family=FAMILY,
    ),
)
