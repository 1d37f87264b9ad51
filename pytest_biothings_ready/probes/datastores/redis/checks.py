"""Judge "Redis configured for session/data caching" from what the server reported."""

from __future__ import annotations

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.datastores.redis.gather import RedisResult
from pytest_biothings_ready.probes.datastores.settings import REDIS_ROLES

__all__ = ["redis_configured", "redis_problems", "version_tuple"]


def version_tuple(text: str) -> tuple[int, ...]:
    """``"7.0.15"`` -> ``(7, 0, 15)``; non-numeric parts end the tuple."""
    numbers: list[int] = []
    for part in text.split("."):
        if not part.isdigit():
            break
        numbers.append(int(part))
    return tuple(numbers)


def _role_problems(result: RedisResult, role: str) -> list[str]:
    if role == "cache":
        problems = []
        if result.maxmemory <= 0:
            problems.append("maxmemory is 0 (unbounded); a cache needs a memory limit")
        if result.policy == "noeviction":
            problems.append("maxmemory-policy is noeviction; a cache must evict (allkeys-lru...)")
        return problems
    problems = []
    if not result.aof and not result.rdb_schedule:
        if result.rdb_schedule is None:
            raise ProbeError(
                f"AOF is off and CONFIG GET save is not available at {result.where}: "
                "cannot tell whether RDB snapshots persist the data"
            )
        problems.append(f"neither AOF nor RDB snapshots are enabled; a {role} store must persist")
    if result.rdb_last_status not in ("ok", "") and not result.aof:
        problems.append(f"the last RDB snapshot failed ({result.rdb_last_status})")
    if role == "data" and result.policy != "noeviction":
        problems.append(f"maxmemory-policy is {result.policy}; data must never be evicted")
    if role == "session" and result.policy.startswith("allkeys"):
        problems.append(f"maxmemory-policy is {result.policy}; it evicts live sessions")
    return problems


def redis_problems(result: RedisResult, role: str, minimum: str) -> list[str]:
    """Everything that keeps ``result`` from being a secured Redis fit for ``role``."""
    problems = []
    if not result.anonymous_refused:
        problems.append("a client without credentials was answered (DBSIZE); AUTH is not required")
    if version_tuple(result.version) < version_tuple(minimum):
        problems.append(f"Redis {result.version} is older than the supported {minimum}")
    return problems + _role_problems(result, role)


def _observed(result: RedisResult) -> str:
    save = "unknown" if result.rdb_schedule is None else (result.rdb_schedule or "off")
    return (
        f"Redis {result.version} at {result.where}: anonymous DBSIZE {result.anonymous}; "
        f"maxmemory {result.maxmemory} B, policy {result.policy}; "
        f"AOF {'on' if result.aof else 'off'}, RDB save {save!r}"
    )


@check("Redis configured for session/data caching", uses=("redis",), needs=("redis_url",))
def redis_configured(ctx: Context) -> Verdict:
    """Redis refuses clients without credentials, is supported, and suits ``redis.role``."""
    result: RedisResult = ctx.evidence("redis")
    role = str(ctx.env.get("redis.role"))
    if role not in REDIS_ROLES:
        raise ProbeError(f"redis.role {role!r} is not one of {', '.join(REDIS_ROLES)}")
    minimum = str(ctx.env.get("redis.min_version"))
    problems = redis_problems(result, role, minimum)
    expected = f"required for role {role!r}: AUTH, version >= {minimum}, " + (
        "maxmemory and an evicting policy" if role == "cache" else "AOF or RDB persistence"
    )
    if problems:
        return Verdict.failed("; ".join(problems) + f". Observed: {_observed(result)}.")
    return Verdict.passed(f"{_observed(result)} ({expected}).")
