"""Judge the burst: limiting engaged, persisted, said so coherently, and released."""

from __future__ import annotations

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.ratelimit.gather import BurstReport

__all__ = ["rate_limiting_effective", "rate_limiting_enabled"]


def _hint_503(report: BurstReport) -> str:
    """A pointer for 503s without Retry-After: overload or a limiter that does not say so."""
    if not report.statuses.get(503):
        return ""
    return (
        " The 503 answers carried no Retry-After, so they cannot be told from overload; "
        "a limiter should answer 429 (nginx: limit_req_status 429)."
    )


def _limited_phrase(report: BurstReport) -> str:
    headers = f" ({report.headers.shown})" if report.headers.shown else ""
    return (
        f"Rate limiting on {report.url} (baseline {report.baseline_status}): first "
        f"{report.limited_status}{headers} after {report.limited_after} requests "
        f"({report.limited_at_s} s into a burst of up to {report.planned} over "
        f"{report.seconds:g} s); kept up: {report.window_limited} of the next "
        f"{report.window_sent} refused; answers {report.counts()}"
    )


def _persistence_problem(report: BurstReport, ratio: float) -> str | None:
    if report.window_sent == 0:
        return (
            f"no request was answered in the {report.persist_s:g} s after the first limited "
            "answer, so persistence could not be seen; raise rate_limit.persist_s"
        )
    share = report.window_limited / report.window_sent
    if share >= ratio:
        return None
    return (
        f"a sporadic {report.limited_status} is not a limiter: only {report.window_limited} of "
        f"{report.window_sent} requests after the first one were refused ({share:.0%}; "
        f"required: at least {ratio:.0%}, rate_limit.persist_ratio)"
    )


def _engaged(ctx: Context) -> tuple[BurstReport, str | None]:
    """The report and why limiting is not in place (None: it engaged and persisted)."""
    report: BurstReport = ctx.evidence("ratelimit")
    if not report.limited:
        return report, (
            f"No rate limiting: {report.summary()}; expected a 429 (or 503 with Retry-After) "
            f"within {report.planned} requests over {report.seconds:g} s.{_hint_503(report)}"
        )
    problem = _persistence_problem(report, float(ctx.env.get("rate_limit.persist_ratio")))
    if problem and report.window_sent == 0:
        raise ProbeError(f"{_limited_phrase(report)}; {problem}")
    return report, (f"{_limited_phrase(report)}; but {problem}." if problem else None)


@check("Rate limiting is enabled", uses=("ratelimit",))
def rate_limiting_enabled(ctx: Context) -> Verdict:
    """A bounded burst is limited (429, or 503 + Retry-After) and limiting persists.

    The path must answer 2xx before the burst; after the first limited answer the
    burst goes on for ``rate_limit.persist_s`` and most of it must be refused.  Sent
    only when the environment has a ``[env.NAME.rate_limit]`` table.
    """
    report, problem = _engaged(ctx)
    if problem:
        return Verdict.failed(problem)
    return Verdict.passed(_limited_phrase(report) + ".")


def _release_problem(report: BurstReport, slack: float) -> str | None:
    advertised = report.advertised_s
    if report.recovered_after_s is None:
        if advertised is not None and advertised > report.recovery_cap_s:
            raise ProbeError(
                f"{_limited_phrase(report)}; the advertised wait {advertised:g} s exceeds "
                f"rate_limit.recovery_s {report.recovery_cap_s:g} s, so release was not "
                "awaited; raise rate_limit.recovery_s"
            )
        return (
            f"no 2xx within {report.recovery_cap_s:g} s afterwards (last answer: "
            f"{report.recovery_status or 'no answer'}): the limiter does not release clients"
        )
    if advertised is not None and report.recovered_after_s > advertised + slack:
        return (
            f"released only after {report.recovered_after_s:g} s although it advertised "
            f"{advertised:g} s (allowed slack {slack:g} s, rate_limit.release_slack_s)"
        )
    return None


@check("Rate limiting effective", uses=("ratelimit",))
def rate_limiting_effective(ctx: Context) -> Verdict:
    """Limiting persists, its headers are coherent, and release follows the advertised wait.

    ``Retry-After`` / ``RateLimit-*`` / ``X-RateLimit-*`` must parse and agree (a
    limited answer has none remaining); after the advertised wait (capped by
    ``rate_limit.recovery_s``) a 2xx must come back within ``rate_limit.release_slack_s``.
    """
    report, problem = _engaged(ctx)
    if problem:
        return Verdict.failed(problem)
    if report.headers.problems:
        return Verdict.failed(
            f"{_limited_phrase(report)}; but its rate-limit headers are incoherent: "
            f"{'; '.join(report.headers.problems)}."
        )
    if why := _release_problem(report, float(ctx.env.get("rate_limit.release_slack_s"))):
        return Verdict.failed(f"{_limited_phrase(report)}; but {why}.")
    waited = (
        f"advertised {report.advertised_s:g} s"
        if report.advertised_s is not None
        else ("no wait advertised")
    )
    return Verdict.passed(
        f"{_limited_phrase(report)}; answered {report.recovery_status} again "
        f"{report.recovered_after_s} s after the last limited answer ({waited})."
    )
