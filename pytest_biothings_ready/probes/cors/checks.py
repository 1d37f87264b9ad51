"""Judge the CORS matrix the way a browser would read its answers."""

from __future__ import annotations

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.cors.gather import CorsAnswer, CorsReport

__all__ = ["cors_is_restricted", "judge_cors"]

# Answers that say nothing about CORS policy (a limiter or a broken upstream answered).
INCONCLUSIVE = frozenset({429, 502, 503, 504})
SAFELISTED = frozenset({"GET", "HEAD", "POST", "*"})
SHOWN = 16


def _where(answer: CorsAnswer) -> str:
    return f"from {answer.origin} on {answer.path}"


def _hostile_problem(answer: CorsAnswer, kinds: dict[str, str]) -> str | None:
    if not answer.allowed:
        return None
    if answer.kind == "preflight" and not 200 <= answer.status < 300:
        return None  # a browser needs an ok status to pass a preflight, whatever its headers
    kind = kinds.get(answer.origin, "hostile origin")
    credentials = " with credentials" if answer.allow_credentials else ""
    how = "reflected" if answer.allow_origin == answer.origin else "allowed"
    return f"({kind}): {how} (Access-Control-Allow-Origin {answer.allow_origin}{credentials})"


def _allowed_problem(answer: CorsAnswer, method: str) -> str | None:
    if answer.status in INCONCLUSIVE:
        return None
    if not answer.allowed:
        seen = answer.allow_origin or "no Access-Control-Allow-Origin"
        return f"(configured origin refused): answered {answer.status} ({seen})"
    if answer.kind != "preflight":
        return None
    if not 200 <= answer.status < 300:
        return (
            f"(configured origin refused): preflight for {method} answered {answer.status}, "
            "browsers require 2xx"
        )
    methods = {m.strip().upper() for m in (answer.allow_methods or "").split(",")}
    # GET, HEAD and POST are CORS-safelisted: browsers need no Allow-Methods for them.
    if method not in SAFELISTED and not methods & {method, "*"}:
        return f"(configured origin): {method} missing from Access-Control-Allow-Methods"
    return None


def _problem(answer: CorsAnswer, report: CorsReport, kinds: dict[str, str]) -> str | None:
    if answer.allow_origin == "*" and answer.allow_credentials:
        return ": Access-Control-Allow-Origin * with credentials"
    if answer.origin in kinds:
        return _hostile_problem(answer, kinds)
    if answer.path == report.primary:
        return _allowed_problem(answer, report.method)
    return None


def judge_cors(report: CorsReport) -> list[str]:
    """Every problem of the matrix, grouped by origin and path (empty: compliant).

    ``preflight/credentialed from ORIGIN on PATH (KIND): reflected (...)``.
    """
    kinds = {origin: kind for kind, origin in report.hostile}
    grouped: dict[tuple[str, str], list[str]] = {}
    for answer in report.answers:
        if (tail := _problem(answer, report, kinds)) is not None:
            grouped.setdefault((_where(answer), tail), []).append(answer.kind)
    return [f"{'/'.join(k)} {where} {tail}" for (where, tail), k in grouped.items()]


def sampled(report: CorsReport) -> str:
    """What the matrix covered, for the evidence."""
    hostile = ", ".join(o for _, o in report.hostile)
    text = (
        f"{len(report.answers)} requests to {report.base}: {len(report.paths)} paths "
        f"({', '.join(report.paths)}) x {len(report.allowed_origins) + len(report.hostile)} "
        f"origins (hostile: {hostile}); preflight ({report.method}) and credentialed GET on "
        f"every path, plain GET too on {report.primary}; {report.openapi}"
    )
    if report.skipped:
        text += f"; not sampled (cors.max_requests): {', '.join(report.skipped)}"
    return text


def _allowed_elsewhere(report: CorsReport) -> str:
    ok = {a.path for a in report.answers if a.origin in report.allowed_origins and a.allowed}
    return f"configured origins allowed on {len(ok)} of {len(report.paths)} paths"


def unjudged(report: CorsReport) -> tuple[int, list[str]]:
    """Hostile answers a limiter or a broken upstream gave (not judged), and the paths
    where every hostile answer was such (nothing observed there)."""
    hostile = {origin for _, origin in report.hostile}
    per_path: dict[str, list[bool]] = {}
    for answer in report.answers:
        if answer.origin in hostile:
            per_path.setdefault(answer.path, []).append(answer.status in INCONCLUSIVE)
    count = sum(sum(flags) for flags in per_path.values())
    return count, [path for path, flags in per_path.items() if all(flags)]


@check("CORS is properly configured for production domains", uses=("cors",))
def cors_is_restricted(ctx: Context) -> Verdict:
    """Only the configured origins are allowed, on every known path; never * with credentials.

    Each origin in ``cors_allowed_origins`` must be allowed on ``cors.path`` (preflight
    2xx and GET).  Look-alikes derived from each (prefix, suffix, sibling and child
    subdomains, scheme and port changes), ``null`` and a foreign origin must be
    refused on every path the environment names and its OpenAPI paths.
    """
    report: CorsReport = ctx.evidence("cors")
    problems = judge_cors(report)
    if problems:
        more = f"; and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
        return Verdict.failed(
            "CORS: " + "; ".join(problems[:SHOWN]) + more + f". Sampled: {sampled(report)}."
        )
    if report.cut:
        return Verdict.error(f"could not probe: CORS matrix {report.cut}; {sampled(report)}")
    count, blind = unjudged(report)
    if blind:
        return Verdict.error(
            f"could not probe: every hostile-origin request on {', '.join(blind)} was "
            f"answered 429/502/503/504, so its CORS policy was not observed; {sampled(report)}"
        )
    skipped = f" {count} hostile answers were 429/5xx (not judged)." if count else ""
    credentials = any(
        a.allow_credentials for a in report.answers if a.origin in report.allowed_origins
    )
    return Verdict.passed(
        f"CORS: {', '.join(report.allowed_origins)} allowed on {report.primary} (preflight "
        f"and GET{' with credentials' if credentials else ''}); no hostile origin allowed "
        f"anywhere; {_allowed_elsewhere(report)}.{skipped} Sampled: {sampled(report)}."
    )
