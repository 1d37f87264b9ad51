"""Judge the database lines from what the PostgreSQL gatherer read."""

from __future__ import annotations

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.datastores.postgres.gather import (
    Monitoring,
    PostgresResult,
    TableReads,
)

__all__ = ["indexes_optimized", "query_performance_monitored"]


def _seq_heavy(tables: tuple[TableReads, ...], ratio: float) -> list[str]:
    return [
        f"{t.table} ({t.rows} rows): {t.seq_scans} sequential scans read {t.seq_rows} rows "
        f"against {t.index_scans} index scans"
        for t in tables
        if t.seq_scans > 0 and t.seq_rows / max(t.index_scans, 1) > ratio
    ]


@check("Database indexes optimized", uses=("postgres",), needs=("database_url",))
def indexes_optimized(ctx: Context) -> Verdict:
    """No large table is mostly seq-scanned, no index goes unused, every foreign key is indexed."""
    result: PostgresResult = ctx.evidence("postgres")
    tables: tuple[TableReads, ...] = result.section("tables")
    unused: tuple[str, ...] = result.section("unused_indexes")
    fks: tuple[str, ...] = result.section("unindexed_fks")
    ratio = float(ctx.env.get("database.seq_scan_ratio"))
    problems = _seq_heavy(tables, ratio)
    problems += [f"index {name} was never scanned" for name in unused]
    problems += [f"foreign key {name} has no index on its columns" for name in fks]
    if problems:
        return Verdict.failed(f"{result.where}: " + "; ".join(problems) + ".")
    rows = int(ctx.env.get("database.large_table_rows"))
    return Verdict.passed(
        f"{result.where}: {len(tables)} tables of >= {rows} rows read mostly by index "
        f"(at most {ratio:g} seq-scanned rows per index scan); no unused index; "
        "every foreign key indexed."
    )


def _monitoring_problems(m: Monitoring, slowest_ms: int) -> list[str]:
    problems = []
    if not m.loaded:
        problems.append("pg_stat_statements is not loaded (shared_preload_libraries)")
    elif m.extension is None:
        problems.append("the pg_stat_statements extension is not created in this database")
    elif not m.statements:
        problems.append(f"pg_stat_statements collects nothing ({m.reason or '0 statements'})")
    if m.slow_log_ms < 0:
        problems.append("log_min_duration_statement is -1: slow queries are not logged")
    elif m.slow_log_ms > slowest_ms:
        problems.append(f"log_min_duration_statement {m.slow_log_ms} ms > {slowest_ms} ms")
    return problems


@check("Query performance monitored", uses=("postgres",), needs=("database_url",))
def query_performance_monitored(ctx: Context) -> Verdict:
    """pg_stat_statements is loaded and collecting, and slow statements are logged."""
    result: PostgresResult = ctx.evidence("postgres")
    m: Monitoring = result.section("monitoring")
    slowest = int(ctx.env.get("database.slow_query_ms"))
    seen = (
        f"{result.where}: pg_stat_statements {'loaded' if m.loaded else 'not loaded'}, "
        f"extension {m.extension or 'not created'}, holding {m.statements} statements, "
        f"log_min_duration_statement {m.slow_log_ms} ms"
    )
    if problems := _monitoring_problems(m, slowest):
        return Verdict.failed("; ".join(problems) + f". Observed: {seen}.")
    return Verdict.passed(f"{seen} (required: pg_stat_statements and a slow log <= {slowest} ms).")
