"""'Connection pooling configured' through a real PgBouncer in front of a real cluster."""

from __future__ import annotations

import psycopg

from pytest_biothings_ready.model import Status, Verdict
from tests.support.evaluate import judge
from tests.support.pgbouncer import ADMIN_PASSWORD, Pooler, pgbouncer
from tests.support.postgres import Cluster

LINE = "Connection pooling configured"


def _verdict(pooler: Pooler, cluster: Cluster | None = None) -> Verdict:
    database = {"pooler_url": pooler.admin_url}
    settings = {"database": database, "timeout_s": 3}
    if cluster is not None:
        settings["database_url"] = cluster.url()
    verdict = judge(LINE, settings)
    assert ADMIN_PASSWORD not in verdict.evidence
    return verdict


def _use(pooler: Pooler, database: str) -> None:
    """One client transaction through the pooler, so that its user pool exists."""
    with psycopg.connect(pooler.url(database), autocommit=True) as conn:
        conn.execute("SELECT 1")


def test_a_pool_with_headroom_under_max_connections_passes(stock_postgres: Cluster) -> None:
    with pgbouncer(stock_postgres, {"app": "postgres"}, pool_size=10) as pooler:
        _use(pooler, "app")
        verdict = _verdict(pooler, stock_postgres)
        alone = _verdict(pooler)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "app -> postgres: transaction pool of 10" in verdict.evidence
    assert alone.status is Status.PASSED
    assert "server headroom not compared" in alone.evidence


def test_pools_that_may_exhaust_the_server_fail(stock_postgres: Cluster) -> None:
    with pgbouncer(stock_postgres, {"app": "postgres"}, pool_size=95) as pooler:
        _use(pooler, "app")
        verdict = _verdict(pooler, stock_postgres)
    assert verdict.status is Status.FAILED
    assert "may open 95 server connections" in verdict.evidence


def test_a_pgbouncer_pooling_no_database_fails(stock_postgres: Cluster) -> None:
    with pgbouncer(stock_postgres, {}) as pooler:
        verdict = _verdict(pooler)
    assert verdict.status is Status.FAILED
    assert "pools no database" in verdict.evidence


def test_a_refused_admin_console_is_an_error(stock_postgres: Cluster) -> None:
    with pgbouncer(stock_postgres, {"app": "postgres"}) as pooler:
        wrong = pooler.admin_url.replace(ADMIN_PASSWORD, "not-the-admin-password")
        verdict = judge(LINE, {"database": {"pooler_url": wrong}, "timeout_s": 3})
    assert verdict.status is Status.ERROR
    assert "not-the-admin-password" not in verdict.evidence
