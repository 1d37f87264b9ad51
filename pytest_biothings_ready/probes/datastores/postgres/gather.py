"""Observe a PostgreSQL database once, through ``database_url``: connection limits,
how large tables are read, indexes, and query monitoring."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.datastores.postgres import queries
from pytest_biothings_ready.probes.datastores.urls import masked, require_scheme

if TYPE_CHECKING:
    import psycopg

__all__ = ["Connections", "Monitoring", "PostgresResult", "TableReads", "gather_postgres"]

# A table read this often has had the chance to use each of its indexes.
MIN_TABLE_READS = 100


@dataclass(frozen=True)
class Connections:
    """Connection limits and use.

    Attributes:
        max_connections: the server's ``max_connections``.
        reserved: ``superuser_reserved_connections``.
        open: client connections open now (all users).
        role: the user of ``database_url``; role_limit its ``CONNECTION LIMIT`` (-1: none).
        database: the database; database_limit its ``CONNECTION LIMIT`` (-1: none).
    """

    max_connections: int
    reserved: int
    open: int
    role: str
    role_limit: int
    database: str
    database_limit: int


@dataclass(frozen=True)
class TableReads:
    """How a large table was read since statistics were reset.

    Attributes:
        table: ``schema.table``; rows: live rows; seq_scans, seq_rows: sequential
        scans and the rows they read; index_scans: index scans.
    """

    table: str
    rows: int
    seq_scans: int
    seq_rows: int
    index_scans: int


@dataclass(frozen=True)
class Monitoring:
    """Query monitoring.

    Attributes:
        loaded: pg_stat_statements is loaded (its settings exist: preloaded).
        slow_log_ms: ``log_min_duration_statement`` (-1: off).
        extension: the installed pg_stat_statements version, else None.
        statements: statements pg_stat_statements holds (None: not readable).
        reason: why it could not be read, else None.
    """

    loaded: bool
    slow_log_ms: int
    extension: str | None
    statements: int | None
    reason: str | None


@dataclass(frozen=True)
class PostgresResult:
    """What the gatherer saw; a section is None when it could not be read (see errors).

    Attributes:
        where: ``database_url`` with the password masked.
        version: ``server_version``.
        connections, tables, unused_indexes, unindexed_fks, monitoring: the sections.
        errors: section name -> why it could not be read.
    """

    where: str
    version: str
    connections: Connections | None
    tables: tuple[TableReads, ...] | None
    unused_indexes: tuple[str, ...] | None
    unindexed_fks: tuple[str, ...] | None
    monitoring: Monitoring | None
    errors: dict[str, str]

    def section(self, name: str) -> Any:
        """Section ``name``; raises ProbeError with its reason when it was not read."""
        value = getattr(self, name)
        if value is None:
            raise ProbeError(f"{self.where}: cannot read {name}: {self.errors.get(name)}")
        return value


def _statements(conn: psycopg.Connection[Any]) -> tuple[int | None, str | None]:
    import psycopg

    try:
        row = conn.execute("SELECT count(*) FROM pg_stat_statements").fetchone()
    except psycopg.Error as exc:
        return None, str(exc).splitlines()[0]
    return (int(row[0]) if row else 0), None


def _connections(conn: psycopg.Connection[Any]) -> Connections:
    row = conn.execute(queries.POOLING).fetchone()
    assert row is not None
    return Connections(*row)


def _monitoring(conn: psycopg.Connection[Any]) -> Monitoring:
    row = conn.execute(queries.MONITORING).fetchone()
    assert row is not None
    statements, reason = _statements(conn)
    return Monitoring(bool(row[0]), int(row[1]), row[2], statements, reason)


def _read_sections(conn: psycopg.Connection[Any], rows: int) -> dict[str, Any]:
    import psycopg

    readers: dict[str, Callable[[], Any]] = {
        "connections": lambda: _connections(conn),
        "tables": lambda: tuple(
            TableReads(*r) for r in conn.execute(queries.SEQ_SCANNED, {"rows": rows})
        ),
        "unused_indexes": lambda: tuple(
            f"{r[0]} on {r[1]}"
            for r in conn.execute(queries.UNUSED_INDEXES, {"reads": MIN_TABLE_READS})
        ),
        "unindexed_fks": lambda: tuple(
            f"{r[0]}.{r[1]}" for r in conn.execute(queries.FK_WITHOUT_INDEX)
        ),
        "monitoring": lambda: _monitoring(conn),
    }
    found: dict[str, Any] = {"errors": {}}
    for name, read in readers.items():
        try:
            found[name] = read()
        except psycopg.Error as exc:  # e.g. permission denied: that section is unknown
            found[name] = None
            found["errors"][name] = str(exc).splitlines()[0]
    return found


def _connect(url: str, timeout: float) -> psycopg.Connection[Any]:
    import psycopg

    return psycopg.connect(
        url,
        autocommit=True,  # a failed section must not abort the others
        connect_timeout=max(1, math.ceil(timeout)),
        options=f"-c statement_timeout={int(timeout * 1000)}",
        application_name="pytest-biothings-ready",
    )


@gatherer("postgres", needs=("database_url",))
def gather_postgres(ctx: Context) -> PostgresResult:
    """Connect with ``database_url`` and read every section once (read-only queries)."""
    import psycopg

    url = str(ctx.env.require("database_url"))
    require_scheme(url, "database_url", ("postgresql", "postgres"))
    rows = int(ctx.env.get("database.large_table_rows"))
    try:
        with _connect(url, ctx.timeout) as conn:
            version = str(conn.info.parameter_status("server_version") or "")
            sections = _read_sections(conn, rows)
    except psycopg.Error as exc:
        reason = str(exc).replace(url, masked(url)).splitlines()[0]
        raise ProbeError(f"{masked(url)}: {type(exc).__name__}: {reason}") from None
    return PostgresResult(where=masked(url), version=version, **sections)
