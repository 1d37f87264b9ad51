"""The traffic-generating gatherers: expected load, stress ramp, soak, failover.

All are exclusive (the core runs them alone, after the concurrent probes, on first
demand) and each first checks the guards and reaches the target once, so an
unreachable or garbage-speaking target is an ``error`` within ``timeout_s``, before
any load starts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.load.plan import Phase, guard, make_spec, planned_seconds

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment
    from pytest_biothings_ready.probes.load import baseline, hooks, memory
    from pytest_biothings_ready.probes.load.process import Tick
    from pytest_biothings_ready.probes.load.results import PhaseStats, RunResult

# The helpers (subprocess, ssl, statistics...) are imported on first use: collection
# only needs the registrations.

__all__ = ["FailoverRun", "SoakRun", "StressRun"]


@dataclass(frozen=True)
class StressRun:
    """The stress ramp.

    Attributes:
        run: the steps, then the "recovery" phase at expected load.
        health: how the health endpoint answered after the ramp.
        healthy: it answered 2xx.
    """

    run: RunResult
    health: str
    healthy: bool

    @property
    def steps(self) -> tuple[PhaseStats, ...]:
        return tuple(p for p in self.run.phases if p.name.startswith("step"))


@dataclass(frozen=True)
class SoakRun:
    """The soak run and the target's memory during it.

    Attributes:
        run: the single "soak" phase.
        memory: the fitted memory trend.
    """

    run: RunResult
    memory: memory.MemoryTrend


@dataclass(frozen=True)
class FailoverRun:
    """Traffic across a backend being taken out and restored.

    Attributes:
        run: the single "failover" phase.
        hooks: the fired hooks, in order.
    """

    run: RunResult
    hooks: tuple[hooks.HookOutcome, ...]


@gatherer("load", exclusive=True)
def expected_load(ctx: Context) -> RunResult:
    """One run at the expected traffic (``users`` for ``duration_s``)."""
    env = ctx.env
    phase = Phase("expected", int(env.get("load.users")), float(env.get("load.duration_s")))
    return _run(env, [phase])


@gatherer("load-baseline", exclusive=True)
def load_baseline(ctx: Context) -> baseline.BaselineState:
    """The baseline before this run; writes this run's numbers when allowed."""
    from pytest_biothings_ready.probes.load import baseline

    result: RunResult = ctx.evidence("load")
    return baseline.settle(ctx.env, result.phase("expected"))


@gatherer("load-stress", exclusive=True)
def stress_ramp(ctx: Context) -> StressRun:
    """Ramp users in steps beyond the expected load, then check that the service recovers."""
    env = ctx.env
    users = int(env.get("load.users"))
    steps, factor = max(1, int(env.get("load.stress_steps"))), float(env.get("load.stress_factor"))
    step_s = float(env.get("load.stress_step_s"))
    phases = [
        Phase(f"step {k}", max(1, round(users * factor * k / steps)), step_s)
        for k in range(1, steps + 1)
    ]
    phases.append(Phase("recovery", users, float(env.get("load.recovery_s"))))
    run = _run(env, phases)
    health, healthy = _health(env)
    return StressRun(run, health, healthy)


@gatherer("load-soak", exclusive=True)
def soak(ctx: Context) -> SoakRun:
    """A long run at steady load while the target's resident memory is sampled."""
    from pytest_biothings_ready.probes.load import memory

    env = ctx.env
    guard(env)
    source = memory.source_of(env)
    users = int(env.get("load.soak_users") or env.get("load.users"))
    sampler = memory.Sampler(env)
    if source == "metrics":  # unreadable metrics: an error now, not after the soak
        memory.read_gauge(env, sampler.metric)
    started = memory.wall_clock()
    phase = Phase("soak", users, float(env.get("load.soak_s")))
    run = _run(env, [phase], sampler.tick if source == "metrics" else None)
    return SoakRun(run, _memory_trend(env, source, sampler, started))


def _memory_trend(
    env: Environment, source: str, sampler: memory.Sampler, started: float
) -> memory.MemoryTrend:
    """The trend from the samples taken during the soak, or from Prometheus after it."""
    from pytest_biothings_ready.probes.load import memory

    if source == "promql":
        where = f"{env.get('load.memory_promql')} via {env.get('prometheus_url')}"
        return memory.trend(where, memory.query_range(env, started, memory.wall_clock()))
    if len(sampler.samples) < 4 and sampler.failures:
        raise ProbeError(sampler.failures[-1])
    return memory.trend(f"{sampler.metric} at {env.get('metrics_url')}", sampler.samples)


@gatherer("load-failover", exclusive=True)
def failover(ctx: Context) -> FailoverRun:
    """Traffic while one backend is taken out and restored by the configured hooks."""
    from pytest_biothings_ready.probes.load import hooks

    env = ctx.env
    guard(env)
    hooks.configured(env)
    users = int(env.get("failover.users") or env.get("load.users"))
    schedule = hooks.Schedule(env)
    run = _run(
        env, [Phase("failover", users, float(env.get("failover.duration_s")))], schedule.tick
    )
    if len(schedule.fired) < 2:
        raise ProbeError(
            f"only {len(schedule.fired)} of 2 failover hooks fired before the "
            "run ended; check out_after_s and restore_after_s"
        )
    return FailoverRun(run, tuple(schedule.fired))


def _run(env: Environment, phases: list[Phase], tick: Tick | None = None) -> RunResult:
    from pytest_biothings_ready.probes.load.process import (
        INSTALL_HINT,
        locust_available,
        run_child,
    )
    from pytest_biothings_ready.probes.load.results import RunResult

    spec = make_spec(env, phases)
    if not locust_available():
        raise ProbeError(INSTALL_HINT)
    _preflight(env, spec)
    return RunResult.from_json(run_child(spec, planned_seconds(env, spec), tick))


def _preflight(env: Environment, spec: dict[str, object]) -> None:
    """One request before the load: unreachable, hanging or non-HTTP targets are errors."""
    import httpx

    from pytest_biothings_ready.evidence.transport import failure, http_client

    url = f"{spec['host']}{env.get('health_path')}"
    started = time.monotonic()
    try:
        with http_client(env) as client:
            client.get(url)
    except httpx.HTTPError as exc:
        took = time.monotonic() - started
        # the transport's message names the request and ends with the setting to check
        raise ProbeError(
            f"no load was sent: the target did not answer HTTP after {took:.1f} s: "
            + failure("GET", url, exc)
        ) from None


def _health(env: Environment) -> tuple[str, bool]:
    import httpx

    from pytest_biothings_ready.evidence.transport import http_client

    url = f"{str(env.get('base_url')).rstrip('/')}{env.get('health_path')}"
    try:
        with http_client(env) as client:
            status = client.get(url).status_code
    except httpx.HTTPError as exc:
        return f"{url} did not answer ({type(exc).__name__})", False
    return f"{url} answered {status}", 200 <= status < 300
