"""The verdicts of the load family, judged from the runs in :mod:`.gather`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment
    from pytest_biothings_ready.probes.load.baseline import BaselineState
    from pytest_biothings_ready.probes.load.gather import FailoverRun, SoakRun, StressRun
    from pytest_biothings_ready.probes.load.results import PhaseStats, RunResult


@check("Load testing with expected traffic", uses=("load",))
def expected_traffic(ctx: Context) -> Verdict:
    """Expected traffic is served within the p95 and error-rate thresholds.

    Runs ``load.users`` users for ``load.duration_s`` against ``base_url`` and compares
    p95 with ``thresholds.p95_ms`` and the error ratio with ``thresholds.error_rate``.
    """
    run: RunResult = ctx.evidence("load")
    return _slo_verdict(ctx.env, run, run.phase("expected"), "Expected traffic")


@check("Performance testing completed", uses=("load", "load-baseline"))
def performance_tested(ctx: Context) -> Verdict:
    """The expected-traffic run meets the thresholds and has not regressed.

    A regression is p95 above the baseline by more than ``load.regression_p95`` or
    requests/s below it by more than ``load.regression_rps``.
    """
    run: RunResult = ctx.evidence("load")
    state: BaselineState = ctx.evidence("load-baseline")
    phase = run.phase("expected")
    verdict = _slo_verdict(ctx.env, run, phase, "Performance run")
    if state.previous is None:
        return _extend(verdict, f" No earlier baseline to compare with ({state.path}).")
    from pytest_biothings_ready.probes.load.baseline import regressions

    worse = regressions(ctx.env, state.previous, phase)
    if worse:
        return Verdict.failed(
            f"{verdict.evidence} Regression against the baseline in "
            f"{state.path}: {'; '.join(worse)}."
        )
    return _extend(
        verdict,
        f" No regression against the baseline in {state.path} ({state.previous.describe()}).",
    )


@check("Performance metrics baseline established", uses=("load", "load-baseline"))
def baseline_established(ctx: Context) -> Verdict:
    """A performance baseline file exists, or this run wrote one.

    The file is ``load.baseline_path``; it is written from the expected-traffic run
    when absent, and never from a run whose error ratio broke the threshold.
    """
    state: BaselineState = ctx.evidence("load-baseline")
    if state.written is not None:
        return Verdict.passed(f"Baseline written to {state.path}: {state.written.describe()}.")
    if state.previous is not None:
        return Verdict.passed(f"Baseline present in {state.path}: {state.previous.describe()}.")
    return Verdict.failed(f"No baseline in {state.path}, and none written: {state.reason}.")


@check("Stress testing beyond normal capacity", uses=("load-stress",))
def stress_capacity(ctx: Context) -> Verdict:
    """Capacity reaches the required multiple of expected traffic, and the service recovers.

    Users ramp in ``load.stress_steps`` steps up to ``load.stress_factor`` times
    ``load.users``; the capacity is the last step before p95 or errors cross the
    thresholds; it must be at least ``load.capacity_multiple`` times ``load.users``, and
    after the ramp the health endpoint must answer 2xx and a run at expected load must
    stay under the error threshold.
    """
    stress: StressRun = ctx.evidence("load-stress")
    env = ctx.env
    users, multiple = int(env.get("load.users")), float(env.get("load.capacity_multiple"))
    broke = next((s for s in stress.steps if _breaches(env, s)), None)
    capacity = _capacity(stress.steps, broke)
    text = _stress_text(env, stress, broke, capacity, users * multiple)
    recovery = stress.run.phase("recovery")
    recovered = stress.healthy and recovery.total.error_ratio <= env.threshold("error_rate")
    if capacity >= users * multiple and recovered:
        return Verdict.passed(text)
    latency_only = broke is not None and not _error_problem(broke, env.threshold("error_rate"))
    if stress.run.cpu.saturated and capacity < users * multiple and latency_only:
        return Verdict.error(text + stress.run.cpu.note())
    return Verdict.failed(text + stress.run.cpu.note())


@check("Memory leaks tested and fixed", uses=("load-soak",))
def no_memory_leak(ctx: Context) -> Verdict:
    """Resident memory shows no sustained growth during a soak run.

    The growth (least squares over all samples, and over the second half) must not
    both exceed ``load.leak_mb_per_hour``.
    """
    soak: SoakRun = ctx.evidence("load-soak")
    limit = float(ctx.env.get("load.leak_mb_per_hour"))
    trend = soak.memory
    text = (
        f"Soak of {soak.run.phase('soak').summary()}. Resident memory "
        f"{trend.describe()}; allowed {limit:.0f} MB/h."
    )
    if trend.slope_mb_h > limit and trend.late_slope_mb_h > limit:
        return Verdict.failed(text + " Memory grows steadily under load: a leak.")
    return Verdict.passed(text)


@check("Failover testing completed", uses=("load-failover",))
def failover_survived(ctx: Context) -> Verdict:
    """Traffic stays under the error threshold while one backend is taken out and restored.

    Fires ``[failover]`` ``out_command``/``out_url`` at ``out_after_s`` and
    ``restore_command``/``restore_url`` at ``restore_after_s`` during a run of
    ``duration_s``.
    """
    result: FailoverRun = ctx.evidence("load-failover")
    fired = "; ".join(f"{h.action} at {h.at_s:.1f} s: {h.detail}" for h in result.hooks)
    broken = [h for h in result.hooks if not h.ok]
    if broken:
        return Verdict.error(
            f"Failover hook failed ({fired}); the event did not happen as planned."
        )
    phase = result.run.phase("failover")
    limit = ctx.env.threshold("error_rate")
    text = f"Failover run of {phase.summary()} (limit {limit:.2%}); hooks: {fired}."
    if phase.total.error_ratio > limit:
        return Verdict.failed(f"{text} {phase.details()}.")
    return Verdict.passed(text)


def _slo_verdict(env: Environment, run: RunResult, phase: PhaseStats, label: str) -> Verdict:
    if phase.total.requests == 0:
        return Verdict.error(
            f"{label}: no request completed in {phase.elapsed_s:.0f} s "
            f"against {env.get('base_url')}.{run.cpu.note()}"
        )
    p95_ms, error_rate = env.threshold("p95_ms"), env.threshold("error_rate")
    problems = _slo_problems(phase, p95_ms, error_rate)
    text = (
        f"{label} against {env.get('base_url')} by {run.generator()}: {phase.summary()}; "
        f"required p95 <= {p95_ms:.0f} ms and errors <= {error_rate:.2%}. "
        f"{phase.details()}."
    )
    if not problems:
        return Verdict.passed(text + run.cpu.note())
    failing = f"{text} Failing: {'; '.join(problems)}."
    # A saturated generator inflates latency, but it does not make the target answer 5xx.
    if run.cpu.saturated and not _error_problem(phase, error_rate):
        return Verdict.error(failing + run.cpu.note())
    return Verdict.failed(failing + run.cpu.note())


def _slo_problems(phase: PhaseStats, p95_ms: float, error_rate: float) -> list[str]:
    problems = []
    if phase.total.p95 > p95_ms:
        problems.append(f"p95 {phase.total.p95:.0f} ms > {p95_ms:.0f} ms")
    if phase.total.error_ratio > error_rate:
        problems.append(f"error ratio {phase.total.error_ratio:.2%} > {error_rate:.2%}")
    return problems


def _error_problem(phase: PhaseStats, error_rate: float) -> bool:
    return phase.total.error_ratio > error_rate


def _breaches(env: Environment, step: PhaseStats) -> bool:
    return bool(_slo_problems(step, env.threshold("p95_ms"), env.threshold("error_rate")))


def _capacity(steps: tuple[PhaseStats, ...], broke: PhaseStats | None) -> int:
    if broke is None:
        return max(s.users for s in steps)
    before = [s.users for s in steps[: steps.index(broke)]]
    return max(before, default=0)


def _stress_text(
    env: Environment, stress: StressRun, broke: PhaseStats | None, capacity: int, required: float
) -> str:
    steps = stress.steps
    ramp = ", ".join(
        f"{s.users} users p95 {s.total.p95:.0f} ms {s.total.error_ratio:.1%} errors" for s in steps
    )
    if broke is None:
        where = f"no step crossed the thresholds, capacity at least {capacity} users"
    else:
        problems = _slo_problems(broke, env.threshold("p95_ms"), env.threshold("error_rate"))
        where = (
            f"{broke.name} ({broke.users} users) crossed the thresholds "
            f"({'; '.join(problems)}), capacity {capacity} users"
        )
    recovery = stress.run.phase("recovery")
    return (
        f"Stress ramp against {env.get('base_url')} ({ramp}): {where}; required "
        f"{required:.0f} users ({env.get('load.capacity_multiple')}x "
        f"{env.get('load.users')}). After the ramp {stress.health}; recovery run "
        f"{recovery.summary()}."
    )


def _extend(verdict: Verdict, more: str) -> Verdict:
    return Verdict(verdict.status, verdict.evidence + more, verdict.method)
