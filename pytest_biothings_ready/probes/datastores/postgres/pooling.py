"""Connection pooling configured: PgBouncer's pools, or the server's connection limits."""

from __future__ import annotations

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.datastores.postgres.gather import Connections, PostgresResult
from pytest_biothings_ready.probes.datastores.postgres.pooler import PoolerResult

__all__ = ["connection_pooling"]

# A client waiting this long for a server connection means the pool is too small.
MAX_WAIT_S = 1.0


def _limit(value: int) -> str:
    return "none" if value < 0 else str(value)


def _server_problems(c: Connections, share: float) -> list[str]:
    usable = c.max_connections - c.reserved
    limits = [v for v in (c.role_limit, c.database_limit) if v >= 0]
    problems = []
    if not limits:
        problems.append(
            f"connections of role {c.role} to database {c.database} are unbounded "
            "(no CONNECTION LIMIT on either): a pool's size is not enforced"
        )
    elif min(limits) > share * usable:
        problems.append(
            f"the connection limit {min(limits)} leaves no headroom: more than "
            f"{share:.0%} of the {usable} usable connections"
        )
    if c.open > share * c.max_connections:
        problems.append(f"{c.open} connections open, over {share:.0%} of {c.max_connections}")
    return problems


def _server_verdict(result: PostgresResult, share: float) -> Verdict:
    c: Connections = result.section("connections")
    seen = (
        f"{result.where}: role {c.role} limit {_limit(c.role_limit)}, database {c.database} "
        f"limit {_limit(c.database_limit)}, {c.open} of max_connections {c.max_connections} "
        f"open ({c.reserved} reserved)"
    )
    if problems := _server_problems(c, share):
        return Verdict.failed("; ".join(problems) + f". Observed: {seen}.")
    return Verdict.passed(f"{seen} (required: a limit within {share:.0%} of usable connections).")


def _pooler_problems(pooler: PoolerResult, server: Connections | None, share: float) -> list[str]:
    problems = [] if pooler.pools else [f"{pooler.where} pools no database"]
    for pool in pooler.pools:
        if pool.waiting and pool.max_wait >= MAX_WAIT_S:
            problems.append(
                f"{pool.waiting} clients of {pool.name} wait for a server connection "
                f"(oldest {pool.max_wait:.1f} s): the pool is too small"
            )
    if server is not None:
        usable = server.max_connections - server.reserved
        total = sum(p.size * max(p.users, 1) for p in pooler.pools)
        if total > share * usable:
            problems.append(
                f"the pools may open {total} server connections, over {share:.0%} of the "
                f"{usable} usable on the server"
            )
    return problems


def _pooler_verdict(ctx: Context, pooler: PoolerResult, share: float) -> Verdict:
    server = None
    if ctx.env.get("database_url"):
        result: PostgresResult = ctx.evidence("postgres")
        server = result.section("connections")
    seen = "; ".join(
        f"{p.name} -> {p.database}: {p.mode} pool of {p.size}, {p.users} user pools, "
        f"{p.waiting} waiting"
        for p in pooler.pools
    )
    if problems := _pooler_problems(pooler, server, share):
        return Verdict.failed("; ".join(problems) + f". Observed at {pooler.where}: {seen}.")
    against = (
        f"within {share:.0%} of the server's {server.max_connections - server.reserved} usable"
        if server
        else "server headroom not compared (set database_url)"
    )
    return Verdict.passed(f"PgBouncer at {pooler.where}: {seen}; {against}.")


@check("Connection pooling configured", uses=("pgbouncer", "postgres"))
def connection_pooling(ctx: Context) -> Verdict:
    """PgBouncer pools the database with headroom, else the server enforces a connection limit."""
    share = float(ctx.env.get("database.max_connections_share"))
    if ctx.env.get("database.pooler_url"):
        return _pooler_verdict(ctx, ctx.evidence("pgbouncer"), share)
    if not ctx.env.get("database_url"):
        raise NotConfigured("database_url", ctx.env.name, "or database.pooler_url")
    return _server_verdict(ctx.evidence("postgres"), share)
