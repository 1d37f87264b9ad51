"""Turn an environment into a run plan for the locust child process, with its guards.

A plan is plain JSON (it crosses a process boundary): the target, the requests and
their weights (or a locustfile), the think time, the phases (users, spawn rate,
measured seconds) and the distribution settings.  Every plan goes through
:func:`guard` first: the ``[env.NAME.load]`` table must exist, production is refused
without ``allow_load_in_production``, and the ``max_users``/``max_duration_s`` caps hold.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.transport import credential_headers

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment

__all__ = ["Phase", "guard", "make_spec", "planned_seconds"]

# Spawning, worker start-up and the final stats flush, on top of the measured phases.
OVERHEAD_S = 20.0


@dataclass(frozen=True)
class Phase:
    """One stretch of constant load.

    Attributes:
        name: label in evidence ("expected", "step 2", "recovery").
        users: concurrent users.
        duration_s: measured seconds (after spawning completed).
    """

    name: str
    users: int
    duration_s: float


def guard(env: Environment) -> None:
    """Refuse to plan traffic the environment does not allow (no traffic is sent)."""
    if not isinstance(env.settings.get("load"), dict):
        raise NotConfigured(
            "load",
            env.name,
            f"add an [env.{env.name}.load] table (users, spawn_rate, duration_s) "
            "to enable load, stress, soak and failover runs",
        )
    env.guard_production("load traffic")
    if not env.get("base_url"):
        raise NotConfigured("base_url", env.name, "the load runs target base_url")


def make_spec(env: Environment, phases: list[Phase], users_hint: int = 0) -> dict[str, Any]:
    """The JSON plan the child runs; raises when it breaks a cap."""
    guard(env)
    _check_caps(env, phases)
    locustfile = env.get("load.locustfile")
    return {
        "host": str(env.get("base_url")).rstrip("/"),
        "requests": [] if locustfile else _requests(env),
        "locustfile": str(env.path(locustfile)) if locustfile else None,
        "wait": [float(env.get("load.wait_min_s")), float(env.get("load.wait_max_s"))],
        "timeout_s": env.timeout,
        "ca_bundle": str(env.path(env.get("ca_bundle"))) if env.get("ca_bundle") else None,
        "spawn_rate": float(env.get("load.spawn_rate")),
        "phases": [vars(p) for p in phases],
        "workers": int(env.get("load.workers")),
        "master_bind": _master_bind(env),
        "remote": _beyond_loopback(str(env.get("load.master_bind") or "")),
        "worker_token": _worker_token(env),
        "credential_headers": sorted(credential_headers(env)),
        "expect_workers": int(env.get("load.expect_workers") or env.get("load.workers")),
        "expect_workers_timeout_s": float(env.get("load.expect_workers_timeout_s")),
        "progress_s": float(env.get("load.progress_s")),
        "cpu_saturation": float(env.get("load.cpu_saturation")),
    }


def _beyond_loopback(bind: str) -> bool:
    host = bind.rpartition(":")[0].strip("[]").lower() if bind else "127.0.0.1"
    return not (host == "localhost" or host == "::1" or host.startswith("127."))


def _master_bind(env: Environment) -> str:
    """``load.master_bind``; beyond loopback only with ``load.allow_remote_workers``."""
    bind = str(env.get("load.master_bind") or "")
    if bind and _beyond_loopback(bind) and not env.get("load.allow_remote_workers"):
        raise NotConfigured(
            "load.allow_remote_workers",
            env.name,
            f"load.master_bind = {bind!r} accepts workers from other machines, and workers "
            "receive the plan in clear (paths, request headers and tokens included) over "
            "locust's unencrypted protocol; set load.allow_remote_workers = true to accept "
            "that, or bind 127.0.0.1 (no traffic was sent)",
        )
    return bind


def _worker_token(env: Environment) -> str:
    """The join token: ``load.worker_token``, required when workers start elsewhere."""
    token = str(env.get("load.worker_token") or "")
    started_elsewhere = int(env.get("load.expect_workers") or 0) > int(env.get("load.workers"))
    if started_elsewhere and not token:
        raise NotConfigured(
            "load.worker_token",
            env.name,
            "workers started outside the plugin must present a join token: set "
            'load.worker_token = "${LOAD_WORKER_TOKEN}" and start each worker with '
            "READY_LOAD_WORKER_TOKEN set to the same value (no traffic was sent)",
        )
    return token or secrets.token_urlsafe(24)


def planned_seconds(env: Environment, spec: dict[str, Any]) -> float:
    """Upper bound of the child's run: phases, spawning, waiting for workers, flushes."""
    measured = sum(float(p["duration_s"]) for p in spec["phases"])
    overhead = OVERHEAD_S + env.timeout
    spawning = sum(float(p["users"]) / max(spec["spawn_rate"], 0.1) for p in spec["phases"])
    waiting = float(spec["expect_workers_timeout_s"]) if spec["expect_workers"] else 0.0
    return float(measured + spawning + waiting + overhead)


def _check_caps(env: Environment, phases: list[Phase]) -> None:
    max_users, max_s = int(env.get("load.max_users")), float(env.get("load.max_duration_s"))
    if min(p.users for p in phases) < 1 or min(p.duration_s for p in phases) <= 0:
        raise ProbeError(
            "every load phase needs at least 1 user and a positive duration "
            f"(got {[(p.name, p.users, p.duration_s) for p in phases]})"
        )
    top = max(p.users for p in phases)
    total = sum(p.duration_s for p in phases)
    if top > max_users:
        raise ProbeError(
            f"the plan needs {top} users, above the cap load.max_users = {max_users}; "
            "lower the plan or raise the cap (no traffic was sent)"
        )
    if total > max_s:
        raise ProbeError(
            f"the plan runs {total:.0f} s, above the cap load.max_duration_s = {max_s:.0f}; "
            "shorten the plan or raise the cap (no traffic was sent)"
        )


def _requests(env: Environment) -> list[dict[str, Any]]:
    paths = env.get("load.paths") or {}
    if paths:
        return [_get(path, int(weight)) for path, weight in paths.items()]
    smoke = [_smoke_request(s) for s in env.get("smoke") or []]
    return [_get(str(env.get("health_path")), 1), *smoke]


def _get(path: str, weight: int) -> dict[str, Any]:
    """A plain GET: locust's own rule decides success (errors and >= 400 fail)."""
    return {
        "name": f"GET {path}",
        "method": "GET",
        "path": path,
        "weight": weight,
        "headers": {},
        "json": None,
        "expect_status": None,
    }


def _smoke_request(smoke: dict[str, Any]) -> dict[str, Any]:
    method = str(smoke.get("method") or "GET").upper()
    return {
        "name": f"{method} {smoke['path']}",
        "method": method,
        "path": smoke["path"],
        "weight": 1,
        "headers": dict(smoke.get("headers") or {}),
        "json": smoke.get("json"),
        "expect_status": int(smoke.get("expect_status") or 200),
    }
