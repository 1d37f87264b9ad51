"""Read every declared backup repository once with its own tool."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.backups import tools
from pytest_biothings_ready.probes.backups.settings import KEEP_FLAGS, TOOLS
from pytest_biothings_ready.probes.backups.tools import Repository

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["Observed", "gather_check", "gather_retention", "gather_snapshots", "repositories"]


@dataclass(frozen=True)
class Observed:
    """One repository and what was read from it.

    Attributes:
        repo: the declared repository (its password is never shown).
        value: what the gatherer read (snapshot times, a count, a check outcome).
        error: why it could not be read, else None.
    """

    repo: Repository
    value: Any = None
    error: str | None = None

    @property
    def label(self) -> str:
        return f"{self.repo.name} ({self.repo.tool} {self.repo.location})"


def repositories(env: Environment) -> list[Repository]:
    """The ``[[backups.repository]]`` entries; a bad entry is a ProbeError naming it."""
    entries = env.require("backups.repository", "declare [[env.NAME.backups.repository]]")
    found = []
    for index, entry in enumerate(entries, start=1):
        tool, location = str(entry.get("tool", "")), str(entry.get("repository", ""))
        name = str(entry.get("name") or f"repository #{index}")
        if tool not in TOOLS or not location:
            raise ProbeError(
                f"backups.repository {name}: needs tool ({' or '.join(TOOLS)}) and repository"
            )
        found.append(
            Repository(
                name, tool, location, str(entry.get("password", "")), str(entry.get("region", ""))
            )
        )
    return found


def command_timeout(env: Environment) -> float:
    """``backups.timeout_s``, else 5 x ``timeout_s``: inside the evidence store's budget."""
    configured = env.get("backups.timeout_s")
    return float(configured) if configured is not None else 5 * env.timeout


def _observe(
    repo: Repository, read: Callable[[Repository, float], Any], timeout: float
) -> Observed:
    try:
        return Observed(repo, read(repo, timeout))
    except ProbeError as exc:
        return Observed(repo, error=str(exc))


def _each(env: Environment, read: Callable[[Repository, float], Any]) -> tuple[Observed, ...]:
    """``read`` every repository, concurrently (each command bounded by its timeout)."""
    from concurrent.futures import ThreadPoolExecutor

    found, timeout = repositories(env), command_timeout(env)
    with ThreadPoolExecutor(max_workers=min(4, len(found))) as pool:
        return tuple(pool.map(lambda repo: _observe(repo, read, timeout), found))


@gatherer("backups", needs=("backups.repository",))
def gather_snapshots(ctx: Context) -> tuple[Observed, ...]:
    """Each repository's snapshot times (``restic snapshots --json``, ``borg list --json``)."""
    return _each(ctx.env, tools.snapshot_times)


@gatherer("backups-retention", needs=("backups.repository", "backups.keep"))
def gather_retention(ctx: Context) -> tuple[Observed, ...]:
    """How many snapshots each repository holds beyond ``backups.keep`` (dry-run forget/prune)."""
    keep = {str(k): int(v) for k, v in ctx.env.require("backups.keep").items()}
    if unknown := sorted(set(keep) - set(KEEP_FLAGS)):
        raise ProbeError(
            f"backups.keep: unknown {', '.join(unknown)}; known: {', '.join(KEEP_FLAGS)}"
        )
    return _each(ctx.env, lambda repo, timeout: tools.would_forget(repo, keep, timeout))


@gatherer("backups-check", needs=("backups.repository",))
def gather_check(ctx: Context) -> tuple[Observed, ...]:
    """With ``backups.run_check``, each repository's own check: None when clean."""
    if not ctx.env.get("backups.run_check"):
        return ()
    return _each(ctx.env, tools.check)


def now() -> dt.datetime:
    """The current time, aware (a function so that tests read the same clock)."""
    return dt.datetime.now(dt.UTC)
