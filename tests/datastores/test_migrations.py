"""'Database migration scripts tested' with a real migration tool on a real cluster."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pytest_biothings_ready.model import Status, Verdict
from tests.support.evaluate import judge
from tests.support.postgres import SUPERUSER_PASSWORD, Cluster

LINE = "Database migration scripts tested"
TOOL = Path(__file__).with_name("migrate.py")


def _verdict(cluster: Cluster, broken: str = "") -> Verdict:
    command = f"BREAK={broken} {sys.executable} {TOOL}"
    database = {
        "migrate_up": f"{command} up",
        "migrate_down": f"{command} down",
        "scratch_url": cluster.url(),
    }
    verdict = judge(LINE, {"database": database, "timeout_s": 5})
    assert SUPERUSER_PASSWORD not in verdict.evidence
    return verdict


def _databases(cluster: Cluster) -> list[str]:
    import psycopg

    with psycopg.connect(cluster.url()) as conn:
        return [str(r[0]) for r in conn.execute("SELECT datname FROM pg_database")]


def test_migrations_that_go_up_down_and_up_again_pass(stock_postgres: Cluster) -> None:
    verdict = _verdict(stock_postgres)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "up -> exit 0, down -> exit 0, up again -> exit 0" in verdict.evidence
    assert not [d for d in _databases(stock_postgres) if d.startswith("ready_migrations_")]


@pytest.mark.parametrize(
    ("broken", "finding"),
    [
        ("up", "migrate up exited 1"),
        ("down", "migrate down exited 3: cannot revert"),
        ("noop-down", "changed nothing"),
    ],
)
def test_broken_migrations_fail(stock_postgres: Cluster, broken: str, finding: str) -> None:
    verdict = _verdict(stock_postgres, broken)
    assert verdict.status is Status.FAILED
    assert finding in verdict.evidence


def test_a_scratch_server_that_refuses_is_an_error(stock_postgres: Cluster) -> None:
    url = stock_postgres.url("postgres", "wrong-password")
    database = {"migrate_up": "true", "migrate_down": "true", "scratch_url": url}
    verdict = judge(LINE, {"database": database, "timeout_s": 3})
    assert verdict.status is Status.ERROR
    assert "wrong-password" not in verdict.evidence


def test_the_round_trip_is_announced_as_active_traffic_without_credentials() -> None:
    from pytest_biothings_ready.evidence.traffic import announcement
    from tests.support.evaluate import environment

    database = {
        "migrate_up": "alembic upgrade head",
        "migrate_down": "alembic downgrade -1",
        "scratch_url": f"postgresql://ci:{SUPERUSER_PASSWORD}@pg-ci.internal:5433/postgres",
    }
    lines = announcement(environment({"database": database}), ["migrations"])
    assert "  postgresql://pg-ci.internal:5433" in lines
    assert any("migration: 1 scratch database created" in line for line in lines)
    assert SUPERUSER_PASSWORD not in "\n".join(lines)
