"""The database lines against real PostgreSQL clusters (initdb'd by the fixtures)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from pytest_biothings_ready.model import Status, Verdict
from tests.datastores.conftest import APP_PASSWORD
from tests.support.evaluate import judge
from tests.support.postgres import Cluster
from tests.support.redis import redis_server
from tests.support.servers import free_port

POOLING = "Connection pooling configured"
INDEXES = "Database indexes optimized"
MONITORED = "Query performance monitored"
_names = itertools.count()


def _database(cluster: Cluster, *statements: str, owner: str = "app") -> str:
    """A fresh database owned by ``owner`` in which ``statements`` ran."""
    name = f"db{next(_names)}"
    cluster.execute(f"CREATE DATABASE {name} OWNER {owner}")
    cluster.execute(*statements, db=name)
    return name


def _verdict(line: str, cluster: Cluster, db: str, **extra: Any) -> Verdict:
    url = cluster.url("app", APP_PASSWORD, db)
    verdict = judge(line, {"database_url": url, "timeout_s": 3, **extra})
    assert APP_PASSWORD not in verdict.evidence
    return verdict


def test_a_role_without_a_connection_limit_fails_pooling(stock_postgres: Cluster) -> None:
    verdict = _verdict(POOLING, stock_postgres, _database(stock_postgres, "SELECT 1"))
    assert verdict.status is Status.FAILED
    assert "unbounded" in verdict.evidence


def test_a_connection_limit_with_headroom_passes_pooling(stock_postgres: Cluster) -> None:
    db = _database(stock_postgres, "SELECT 1")
    stock_postgres.execute(f"ALTER DATABASE {db} CONNECTION LIMIT 20")
    verdict = _verdict(POOLING, stock_postgres, db)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "limit 20" in verdict.evidence


def test_a_connection_limit_near_max_connections_fails_pooling(stock_postgres: Cluster) -> None:
    db = _database(stock_postgres, "SELECT 1")
    stock_postgres.execute(f"ALTER DATABASE {db} CONNECTION LIMIT 95")
    verdict = _verdict(POOLING, stock_postgres, db)
    assert verdict.status is Status.FAILED
    assert "no headroom" in verdict.evidence


BIG = (
    "CREATE TABLE big (id int PRIMARY KEY, v int)",
    "INSERT INTO big SELECT i, i % 100 FROM generate_series(1, 5000) i",
)
SETTINGS = {"database": {"large_table_rows": 1000}}


def test_a_large_table_read_by_sequential_scans_fails_indexes(stock_postgres: Cluster) -> None:
    scans = ["SELECT count(*) FROM big WHERE v = 3"] * 5
    db = _database(stock_postgres, *BIG, *scans)
    verdict = _verdict(INDEXES, stock_postgres, db, **SETTINGS)
    assert verdict.status is Status.FAILED
    assert "sequential scans read 25000 rows against 0 index scans" in verdict.evidence


def test_a_foreign_key_without_an_index_fails_indexes(stock_postgres: Cluster) -> None:
    db = _database(
        stock_postgres,
        "CREATE TABLE parent (id int PRIMARY KEY)",
        "CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent (id))",
    )
    verdict = _verdict(INDEXES, stock_postgres, db, **SETTINGS)
    assert verdict.status is Status.FAILED
    assert "foreign key child.child_parent_id_fkey has no index" in verdict.evidence


def test_an_index_never_used_on_a_busy_table_fails_indexes(stock_postgres: Cluster) -> None:
    reads = ["SELECT * FROM small WHERE id = 1"] * 100
    db = _database(
        stock_postgres,
        "CREATE TABLE small (id int PRIMARY KEY, note text)",
        "CREATE INDEX small_note ON small (note)",
        *reads,
    )
    verdict = _verdict(INDEXES, stock_postgres, db, **SETTINGS)
    assert verdict.status is Status.FAILED
    assert "index public.small_note on public.small was never scanned" in verdict.evidence


def test_a_schema_read_through_its_indexes_passes_indexes(stock_postgres: Cluster) -> None:
    lookups = [f"SELECT v FROM big WHERE id = {i}" for i in range(1, 51)]
    db = _database(
        stock_postgres,
        *BIG,
        "CREATE TABLE child (id int PRIMARY KEY, big_id int REFERENCES big (id))",
        "CREATE INDEX child_big ON child (big_id)",
        *lookups,
    )
    verdict = _verdict(INDEXES, stock_postgres, db, **SETTINGS)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_stock_postgres_fails_query_monitoring(stock_postgres: Cluster) -> None:
    verdict = _verdict(MONITORED, stock_postgres, _database(stock_postgres, "SELECT 1"))
    assert verdict.status is Status.FAILED
    assert "pg_stat_statements is not loaded" in verdict.evidence
    assert "log_min_duration_statement is -1" in verdict.evidence


def test_a_preloaded_library_without_the_extension_fails(tuned_postgres: Cluster) -> None:
    verdict = _verdict(MONITORED, tuned_postgres, _database(tuned_postgres, "SELECT 1"))
    assert verdict.status is Status.FAILED
    assert "extension is not created" in verdict.evidence


def test_statements_collected_and_slow_ones_logged_pass(tuned_postgres: Cluster) -> None:
    db = _database(tuned_postgres, "CREATE EXTENSION pg_stat_statements")
    verdict = _verdict(MONITORED, tuned_postgres, db)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_a_database_that_turns_the_slow_log_off_fails(tuned_postgres: Cluster) -> None:
    db = _database(tuned_postgres, "CREATE EXTENSION pg_stat_statements")
    tuned_postgres.execute(f"ALTER DATABASE {db} SET log_min_duration_statement = -1")
    verdict = _verdict(MONITORED, tuned_postgres, db)
    assert verdict.status is Status.FAILED
    assert "slow queries are not logged" in verdict.evidence


def test_wrong_credentials_are_an_error(stock_postgres: Cluster) -> None:
    url = stock_postgres.url("app", "not-the-password", "postgres")
    verdict = judge(POOLING, {"database_url": url, "timeout_s": 3})
    assert verdict.status is Status.ERROR
    assert "not-the-password" not in verdict.evidence
    assert "password authentication failed" in verdict.evidence


def test_a_closed_port_is_an_error() -> None:
    url = f"postgresql://app:{APP_PASSWORD}@127.0.0.1:{free_port()}/db"
    verdict = judge(INDEXES, {"database_url": url, "timeout_s": 1})
    assert verdict.status is Status.ERROR
    assert APP_PASSWORD not in verdict.evidence


def test_a_non_postgres_url_is_an_error_naming_the_key() -> None:
    verdict = judge(MONITORED, {"database_url": "mysql://u:p@127.0.0.1/db"})
    assert verdict.status is Status.ERROR
    assert "database_url" in verdict.evidence


def test_without_database_url_the_lines_are_unverified() -> None:
    for line in (POOLING, INDEXES, MONITORED):
        assert judge(line, {}).status is Status.UNVERIFIED


def test_a_hanging_server_is_an_error_within_the_timeout(silent_port: int) -> None:
    url = f"postgresql://app:{APP_PASSWORD}@127.0.0.1:{silent_port}/db"
    verdict = judge(POOLING, {"database_url": url, "timeout_s": 1})
    assert verdict.status is Status.ERROR


def test_a_redis_server_on_the_database_port_is_an_error(tmp_path: Path) -> None:
    with redis_server(tmp_path) as port:
        url = f"postgresql://app:{APP_PASSWORD}@127.0.0.1:{port}/db"
        verdict = judge(INDEXES, {"database_url": url, "timeout_s": 2})
    assert verdict.status is Status.ERROR
