"""Judge the backup lines from the repositories' own reports."""

from __future__ import annotations

import datetime as dt

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.query import duration_seconds
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Status, Verdict
from pytest_biothings_ready.probes.backups.gather import Observed, now, repositories
from pytest_biothings_ready.probes.backups.schedule import check_schedules

__all__ = ["cross_region", "daily_backups", "integrity_scheduled", "retention_defined"]

_NEEDS = ("backups.repository",)


def _hours(delta: dt.timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f} h"


def _freshness_problem(times: tuple[dt.datetime, ...], limit: dt.timedelta) -> str | None:
    if not times:
        return "holds no backup"
    age = now() - times[-1]
    return f"newest backup {_hours(age)} old > {_hours(limit)}" if age > limit else None


def _cadence_problem(times: tuple[dt.datetime, ...], limit: dt.timedelta) -> str | None:
    if problem := _freshness_problem(times, limit):
        return problem
    if len(times) < 2:
        return "holds a single backup: no schedule shows yet"
    if (gap := times[-1] - times[-2]) > limit:
        return f"the last two backups are {_hours(gap)} apart > {_hours(limit)}"
    return None


def _fold(observed: tuple[Observed, ...], problems: list[str], seen: list[str]) -> Verdict:
    errors = [f"{o.label}: {o.error}" for o in observed if o.error]
    if problems:
        return Verdict.failed("; ".join(problems + errors) + ".")
    if errors:
        return Verdict.error("could not read: " + "; ".join(errors))
    return Verdict.passed("; ".join(seen) + ".")


def _limit(ctx: Context) -> dt.timedelta:
    return dt.timedelta(seconds=duration_seconds(str(ctx.env.get("backups.max_age"))))


def _summary(o: Observed) -> str:
    times: tuple[dt.datetime, ...] = o.value
    return f"{o.label}: {len(times)} backups, newest {times[-1].isoformat(timespec='seconds')}"


@check("Automated daily backups configured", uses=("backups",), needs=_NEEDS)
def daily_backups(ctx: Context) -> Verdict:
    """Every repository's newest backup is within backups.max_age, and so is the one before."""
    observed: tuple[Observed, ...] = ctx.evidence("backups")
    limit = _limit(ctx)
    problems = [
        f"{o.label}: {p}"
        for o in observed
        if not o.error and (p := _cadence_problem(o.value, limit))
    ]
    seen = [_summary(o) for o in observed if not o.error and o.value]
    seen.append(f"required: newest and spacing <= {_hours(limit)}")
    return _fold(observed, problems, seen)


@check(
    "Backup retention policy defined", uses=("backups-retention",), needs=(*_NEEDS, "backups.keep")
)
def retention_defined(ctx: Context) -> Verdict:
    """backups.keep is declared and applied: a dry-run forget/prune would remove nothing."""
    observed: tuple[Observed, ...] = ctx.evidence("backups-retention")
    keep = ", ".join(f"{k} {v}" for k, v in ctx.env.get("backups.keep").items())
    problems = [
        f"{o.label}: {o.value} backups outside the policy ({keep}) remain: forget/prune does "
        "not run"
        for o in observed
        if not o.error and o.value
    ]
    seen = [f"{o.label}: nothing outside the policy" for o in observed if not o.error]
    return _fold(observed, problems, [*seen, f"policy: keep {keep}"])


def _checked_now(ctx: Context) -> Verdict | None:
    """With ``backups.run_check``: the tools' checks, folded (None when not run)."""
    observed: tuple[Observed, ...] = ctx.evidence("backups-check")
    if not observed:
        return None
    problems = [f"{o.label}: check reports {o.value}" for o in observed if not o.error and o.value]
    return _fold(observed, problems, [f"{o.label}: check clean" for o in observed])


@check("Backup integrity testing scheduled", uses=("backups-check",), needs=_NEEDS)
def integrity_scheduled(ctx: Context) -> Verdict:
    """The manifests schedule each repository tool's check (and, opted in, it passes now)."""
    now = _checked_now(ctx)
    if now is not None and now.status is not Status.PASSED:
        return now
    tools = sorted({repo.tool for repo in repositories(ctx.env)})
    scheduled, missing = check_schedules(ctx, tools)
    ran = f"{now.evidence} " if now else ""
    if missing:
        return Verdict.failed(
            f"{ran}No CronJob runs {' or '.join(missing)} check in the manifests; "
            f"scheduled: {'; '.join(scheduled) or 'none'}."
        )
    return Verdict.passed(
        f"{ran}Scheduled (configured, not observed live): {'; '.join(scheduled)}."
    )


@check("Cross-region backup replication", uses=("backups",), needs=_NEEDS)
def cross_region(ctx: Context) -> Verdict:
    """Two or more repositories in distinct declared regions each hold a fresh backup."""
    observed: tuple[Observed, ...] = ctx.evidence("backups")
    regions = {o.repo.region for o in observed if o.repo.region}
    if len(observed) < 2:
        raise NotConfigured("backups.repository", ctx.env.name, "declare the replica repository")
    limit = _limit(ctx)
    problems = []
    if len(regions) < 2 or len(regions) < len(observed):
        shown = ", ".join(f"{o.repo.name}: {o.repo.region or 'no region'}" for o in observed)
        problems.append(f"repositories are not each in a distinct region ({shown})")
    problems += [
        f"{o.label}: {p}"
        for o in observed
        if not o.error and (p := _freshness_problem(o.value, limit))
    ]
    seen = [f"{_summary(o)} in {o.repo.region}" for o in observed if not o.error and o.value]
    return _fold(observed, problems, [*seen, f"required: each fresh within {_hours(limit)}"])
