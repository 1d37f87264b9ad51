"""Smoke requests and user journeys, and the lines they evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.registry import Context, check, gatherer, normalize_title
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.web.steps import StepResult, run_step

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment

__all__ = [
    "FlowResult",
    "api_endpoints_tested",
    "covered_line",
    "gather_journeys",
    "gather_smoke",
    "journeys_tested",
    "smoke_tests_passed",
]


@dataclass(frozen=True)
class FlowResult:
    """A smoke request or a journey: its steps, up to the first that went wrong.

    Attributes:
        kind: ``smoke`` or ``journey``.
        name: its label.
        covers: the checklist lines it evidences.
        steps: the steps run.
    """

    kind: str
    name: str
    covers: tuple[str, ...]
    steps: tuple[StepResult, ...]

    @property
    def failure(self) -> str | None:
        return next((f"{s.name}: {s.failure}" for s in self.steps if s.failure), None)

    @property
    def error(self) -> str | None:
        return next((f"{s.name}: {s.error}" for s in self.steps if s.error), None)

    def summary(self) -> str:
        if self.failure or self.error:
            return f"{self.kind} {self.name!r} {self.failure or self.error}"
        done = ", ".join(f"{s.method} {s.path} -> {s.status}" for s in self.steps)
        return f"{self.kind} {self.name!r} ({done})"


def _run_flow(
    env: Environment, kind: str, entry: dict[str, Any], steps: list[dict[str, Any]]
) -> FlowResult:
    from pytest_biothings_ready.evidence.transport import http_client

    variables: dict[str, str] = {}
    done: list[StepResult] = []
    with http_client(env) as client:
        for step in steps:
            done.append(run_step(env, client, step, variables))
            if done[-1].failure or done[-1].error:
                break
    if not steps:
        done.append(StepResult("(no steps)", "-", "-", None, failure="has no steps"))
    name = str(entry.get("name") or (steps[0].get("path") if steps else "unnamed"))
    return FlowResult(kind, name, tuple(str(c) for c in entry.get("covers") or ()), tuple(done))


@gatherer("smoke")
def gather_smoke(ctx: Context) -> tuple[FlowResult, ...]:
    """Run every ``[[smoke]]`` request once (none configured: an empty tuple)."""
    entries = ctx.env.get("smoke") or []
    return tuple(_run_flow(ctx.env, "smoke", e, [e]) for e in entries)


@gatherer("journeys")
def gather_journeys(ctx: Context) -> tuple[FlowResult, ...]:
    """Run every ``[[journey]]`` once, steps in order (none configured: empty)."""
    entries = ctx.env.get("journey") or []
    return tuple(_run_flow(ctx.env, "journey", e, list(e.get("steps") or [])) for e in entries)


def _flows_verdict(flows: tuple[FlowResult, ...], what: str) -> Verdict:
    failed = [f for f in flows if f.failure]
    text = "; ".join(f.summary() for f in flows)
    if failed:
        return Verdict.failed(f"{len(failed)} of {len(flows)} {what} failed: {text}.")
    if any(f.error for f in flows):
        return Verdict.error(f"could not probe: {text}")
    return Verdict.passed(f"all {len(flows)} {what} answered as expected: {text}.")


@check("Smoke tests passed", uses=("smoke",), needs=("smoke",), smoke=True)
def smoke_tests_passed(ctx: Context) -> Verdict:
    """Every [[smoke]] request answers the expected status and JSON fields."""
    return _flows_verdict(ctx.evidence("smoke"), "smoke requests")


@check("API endpoints tested", uses=("smoke", "journeys"))
def api_endpoints_tested(ctx: Context) -> Verdict:
    """Every [[smoke]] request and [[journey]] step answers as expected (at least one)."""
    flows: tuple[FlowResult, ...] = (*ctx.evidence("smoke"), *ctx.evidence("journeys"))
    if not flows:
        raise NotConfigured("smoke", ctx.env.name, "or [[journey]] entries to test")
    endpoints = {(s.method, s.path) for f in flows for s in f.steps}
    verdict = _flows_verdict(flows, "smoke requests and journeys")
    return Verdict(verdict.status, f"{len(endpoints)} endpoints; {verdict.evidence}")


@check("Critical user journeys tested", uses=("journeys",), needs=("journey",))
def journeys_tested(ctx: Context) -> Verdict:
    """Every [[journey]] runs to its end, each step answering as expected."""
    return _flows_verdict(ctx.evidence("journeys"), "journeys")


@check(
    "Agent communication tested",
    "Experiment workflows functioning",
    "LLM integration working",
    uses=("smoke", "journeys"),
)
def covered_line(ctx: Context) -> Verdict:
    """The journeys (and smoke requests) naming this line in `covers` all pass; none: unverified."""
    title = ctx.item.title if ctx.item else ""
    flows = tuple(
        f
        for f in (*ctx.evidence("smoke"), *ctx.evidence("journeys"))
        if normalize_title(title) in {normalize_title(c) for c in f.covers}
    )
    if not flows:
        raise NotConfigured("journey", ctx.env.name, f'add a [[journey]] with covers = ["{title}"]')
    return _flows_verdict(flows, "journeys covering this line")
