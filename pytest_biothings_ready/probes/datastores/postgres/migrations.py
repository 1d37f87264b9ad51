"""Database migration scripts tested: up to head, down one step, up again, on a database
the probe creates on ``database.scratch_url``'s server and drops afterwards."""

from __future__ import annotations

import os
import secrets
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.datastores.urls import masked, require_scheme

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment

__all__ = ["MigrationRun", "gather_migrations", "migrations_tested"]

_NEEDS = ("database.migrate_up", "database.migrate_down", "database.scratch_url")
# Every table and column outside the system schemas: the shape migrations give.
_SCHEMA = """
SELECT table_schema || '.' || table_name || '.' || column_name || ' ' || data_type
FROM information_schema.columns
WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1
"""


@dataclass(frozen=True)
class MigrationRun:
    """The round trip on a fresh database.

    Attributes:
        where: the scratch server (password masked); steps: ``(name, exit code, last
        output line)`` in order; shapes: the schema after each step that ran (columns).
    """

    where: str
    steps: tuple[tuple[str, int, str], ...]
    shapes: tuple[frozenset[str], ...]


def _admin(url: str, timeout: float, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=max(1, int(timeout))) as conn:
        conn.execute(statement)


def _shape(url: str, timeout: float) -> frozenset[str]:
    import psycopg

    with psycopg.connect(url, connect_timeout=max(1, int(timeout))) as conn:
        return frozenset(str(r[0]) for r in conn.execute(_SCHEMA))


def _step(env: Environment, name: str, command: str, url: str) -> tuple[str, int, str]:
    timeout = 2 * env.timeout
    environ = {**os.environ, "DATABASE_URL": url}
    try:
        done = subprocess.run(
            command, shell=True, cwd=env.root, env=environ, capture_output=True,
            text=True, timeout=timeout, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return name, -1, f"took over {timeout:g} s"
    lines = (done.stderr.strip() or done.stdout.strip() or "(no output)").splitlines()
    return name, done.returncode, lines[-1][:200]


def _round_trip(env: Environment, url: str) -> tuple[list[tuple[str, int, str]], list[Any]]:
    steps: list[tuple[str, int, str]] = []
    shapes: list[frozenset[str]] = []
    plan = [("up", "database.migrate_up"), ("down", "database.migrate_down")]
    for name, key in [*plan, ("up again", "database.migrate_up")]:
        steps.append(_step(env, name, str(env.require(key)), url))
        if steps[-1][1] != 0:
            break
        shapes.append(_shape(url, env.timeout))
    return steps, shapes


def _drop(admin: str, timeout: float, name: str) -> None:
    """Drop the scratch database, closing leftover sessions (FORCE: PostgreSQL 13+)."""
    import psycopg

    try:
        _admin(admin, timeout, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.errors.SyntaxError:
        _admin(admin, timeout, f'DROP DATABASE IF EXISTS "{name}"')


@gatherer("migrations", needs=_NEEDS)
def gather_migrations(ctx: Context) -> MigrationRun:
    """Create an empty database, run up / down / up with DATABASE_URL set to it, drop it."""
    import psycopg

    admin = str(ctx.env.require("database.scratch_url"))
    require_scheme(admin, "database.scratch_url", ("postgresql", "postgres"))
    name = f"ready_migrations_{secrets.token_hex(4)}"
    scratch = urlsplit(admin)._replace(path=f"/{name}").geturl()
    try:
        _admin(admin, ctx.timeout, f'CREATE DATABASE "{name}"')
        try:
            steps, shapes = _round_trip(ctx.env, scratch)
        finally:
            _drop(admin, ctx.timeout, name)
    except psycopg.Error as exc:
        raise ProbeError(f"{masked(admin)}: {str(exc).splitlines()[0]}") from None
    return MigrationRun(masked(admin), tuple(steps), tuple(shapes))


def _problem(run: MigrationRun) -> str | None:
    failed = next((s for s in run.steps if s[1] != 0), None)
    if failed:
        return f"migrate {failed[0]} exited {failed[1]}: {failed[2]}"
    head, below, again = run.shapes
    if not head:
        return "migrating an empty database up created no table"
    if below == head:
        return "migrating down one step changed nothing (irreversible or a no-op)"
    if again != head:
        return "migrating up again gave a different schema than the first time"
    return None


@check("Database migration scripts tested", uses=("migrations",), needs=_NEEDS)
def migrations_tested(ctx: Context) -> Verdict:
    """An empty database migrates to head, down one step and up again to the same schema."""
    run: MigrationRun = ctx.evidence("migrations")
    seen = ", ".join(f"{n} -> exit {code}" for n, code, _ in run.steps)
    if problem := _problem(run):
        return Verdict.failed(f"{problem} (scratch database on {run.where}; {seen}).")
    return Verdict.passed(
        f"on a fresh database on {run.where}: {seen}; head has {len(run.shapes[0])} columns, "
        f"one step down {len(run.shapes[1])}, up again the same schema as head."
    )
