"""PgBouncer's admin console (``database.pooler_url``): its pools, read once."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.datastores.urls import masked, require_scheme

__all__ = ["Pool", "PoolerResult", "gather_pooler"]


@dataclass(frozen=True)
class Pool:
    """One pooled database.

    Attributes:
        name: its name in PgBouncer; database: the server database it points at.
        size: server connections per user pool (``pool_size`` + ``reserve_pool``).
        users: user pools open now; waiting: clients waiting for a server connection;
        max_wait: seconds the oldest waiting client has waited; mode: the pool mode.
    """

    name: str
    database: str
    size: int
    users: int
    waiting: int
    max_wait: float
    mode: str


@dataclass(frozen=True)
class PoolerResult:
    """PgBouncer as its admin console reports it.

    Attributes:
        where: ``database.pooler_url`` with the password masked.
        pools: the pooled databases (not the admin console itself).
        max_client_conn: clients PgBouncer accepts.
    """

    where: str
    pools: tuple[Pool, ...]
    max_client_conn: int


def _rows(conn: Any, command: str) -> list[dict[str, Any]]:
    cursor = conn.execute(command)
    names = [d.name for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _pools(conn: Any) -> tuple[tuple[Pool, ...], int]:
    config = {r["key"]: r["value"] for r in _rows(conn, "SHOW CONFIG")}
    pools = [p for p in _rows(conn, "SHOW POOLS") if p["database"] != "pgbouncer"]
    found = []
    for db in _rows(conn, "SHOW DATABASES"):
        if db["name"] == "pgbouncer":
            continue
        mine = [p for p in pools if p["database"] == db["name"]]
        wait = max(
            (float(p.get("maxwait", 0)) + float(p.get("maxwait_us", 0)) / 1e6 for p in mine),
            default=0.0,
        )
        found.append(
            Pool(
                str(db["name"]),
                str(db["database"]),
                int(db["pool_size"]) + int(db.get("reserve_pool") or 0),
                len(mine),
                sum(int(p["cl_waiting"]) for p in mine),
                wait,
                str(db.get("pool_mode") or config.get("pool_mode", "session")),
            )
        )
    return tuple(found), int(config.get("max_client_conn", 0))


@gatherer("pgbouncer", needs=("database.pooler_url",))
def gather_pooler(ctx: Context) -> PoolerResult:
    """SHOW CONFIG, SHOW DATABASES and SHOW POOLS on PgBouncer's admin console."""
    import psycopg

    url = str(ctx.env.require("database.pooler_url"))
    require_scheme(url, "database.pooler_url", ("postgresql", "postgres"))
    try:
        with psycopg.connect(
            url, autocommit=True, connect_timeout=max(1, math.ceil(ctx.timeout))
        ) as conn:
            pools, clients = _pools(conn)
    except psycopg.Error as exc:
        raise ProbeError(f"{masked(url)}: {str(exc).splitlines()[0]}") from None
    return PoolerResult(masked(url), pools, clients)
