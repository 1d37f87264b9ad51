"""Health endpoints: the service's own and every ``health.urls`` entry."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Status, Verdict
from pytest_biothings_ready.probes.http import fetch
from pytest_biothings_ready.probes.web.common import below_base

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["HealthAnswer", "all_services_healthy", "gather_health", "health_checks_passing"]


@dataclass(frozen=True)
class HealthAnswer:
    """One health endpoint's answer.

    Attributes:
        url: the health URL.
        status: the HTTP status (None when it could not be asked).
        elapsed_ms: time to the answer, milliseconds.
        error: why it could not be asked (unreachable, timeout...), else None.
    """

    url: str
    status: int | None
    elapsed_ms: float
    error: str | None = None

    def problem(self, max_ms: float) -> str | None:
        """Why this answer is not healthy; None when it is (or was not observed)."""
        if self.status is None:
            return None
        if not 200 <= self.status < 300:
            return f"{self.url} answered {self.status}; required 2xx"
        if self.elapsed_ms > max_ms:
            return f"{self.url} took {self.elapsed_ms:.0f} ms > {max_ms:g} ms"
        return None


def _ask_health(env: Environment, client: httpx.Client, url: str) -> HealthAnswer:
    started = time.perf_counter()
    try:
        status = fetch(client, "GET", url, env).status_code
    except ProbeError as exc:
        return HealthAnswer(url, None, 0.0, str(exc))
    return HealthAnswer(url, status, (time.perf_counter() - started) * 1000)


@gatherer("health", needs=("base_url",))
def gather_health(ctx: Context) -> tuple[HealthAnswer, ...]:
    """Ask every health URL once, the service's own first."""
    from pytest_biothings_ready.evidence.transport import http_client

    main = below_base(ctx.env, str(ctx.env.get("health_path")))
    urls = dict.fromkeys([main, *(str(u) for u in ctx.env.get("health.urls") or [])])
    with http_client(ctx.env) as client:
        return tuple(_ask_health(ctx.env, client, url) for url in urls)


def _judge_health(answers: tuple[HealthAnswer, ...], max_ms: float) -> Verdict:
    problems = [p for a in answers if (p := a.problem(max_ms))]
    errors = [a.error for a in answers if a.error]
    if problems:
        return Verdict.failed("; ".join(problems + errors) + ".")
    if errors:
        return Verdict.error("could not probe: " + "; ".join(errors))
    seen = ", ".join(f"{a.url} -> {a.status} in {a.elapsed_ms:.0f} ms" for a in answers)
    return Verdict.passed(f"{seen} (required: 2xx within {max_ms:g} ms).")


@check("Health checks passing", uses=("health",), smoke=True)
def health_checks_passing(ctx: Context) -> Verdict:
    """The service's health endpoint (base_url + health_path) answers 2xx within health.max_ms."""
    answers: tuple[HealthAnswer, ...] = ctx.evidence("health")
    return _judge_health(answers[:1], float(ctx.env.get("health.max_ms")))


@check("All services responding to health checks", uses=("health",))
def all_services_healthy(ctx: Context) -> Verdict:
    """Every health endpoint (the service's and each of health.urls) answers 2xx in time."""
    answers: tuple[HealthAnswer, ...] = ctx.evidence("health")
    verdict = _judge_health(answers, float(ctx.env.get("health.max_ms")))
    if verdict.status is Status.PASSED and len(answers) == 1:
        note = " Only the main service is configured; list the others in health.urls."
        return Verdict.passed(verdict.evidence + note)
    return verdict
