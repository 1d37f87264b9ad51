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
    if answer.path == report.primary and answer.origin not in _allowed_elsewhere(report):
        return _allowed_problem(answer, report.method)
    return None


def clean_paths(report: CorsReport) -> dict[str, list[str]]:
    """For each configured origin, the paths where every judged answer allowed it."""
    clean: dict[tuple[str, str], bool] = {}
    for answer in report.answers:
        if answer.origin in report.allowed_origins and answer.status not in INCONCLUSIVE:
            ok = _allowed_problem(answer, report.method) is None
            clean[answer.origin, answer.path] = clean.get((answer.origin, answer.path), True) and ok
    found: dict[str, list[str]] = {}
    for (origin, path), ok in clean.items():
        if ok:
            found.setdefault(origin, []).append(path)
    return found


def _allowed_elsewhere(report: CorsReport) -> set[str]:
    """Configured origins that need not be judged on the primary path.

    Without an explicit ``cors.path`` the primary path is the health path, which many
    services leave without CORS: an origin fully allowed on another known path is
    allowed.  With ``cors.path`` set it must be allowed there.
    """
    return set() if report.primary_required else set(clean_paths(report))


def judge_cors(report: CorsReport) -> list[str]:
    """Every problem of the matrix, one per origin and finding (empty: compliant).

    ``ORIGIN (KIND): reflected (Access-Control-Allow-Origin ...) on PATH (preflight/
    credentialed), PATH (credentialed)``.
    """
    kinds = {origin: kind for kind, origin in report.hostile}
    grouped: dict[tuple[str, str], dict[str, list[str]]] = {}
    for answer in report.answers:
        if (tail := _problem(answer, report, kinds)) is not None:
            paths = grouped.setdefault((answer.origin, tail), {})
            paths.setdefault(answer.path, []).append(answer.kind)
    return [
        f"{origin}{'' if tail.startswith(':') else ' '}{tail} on "
        + ", ".join(f"{path} ({'/'.join(k)})" for path, k in paths.items())
        for (origin, tail), paths in grouped.items()
    ]


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


def _allowed_count(report: CorsReport) -> str:
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

    Each origin in ``cors_allowed_origins`` must be allowed (preflight 2xx and GET) on
    ``cors.path`` when set, else on the health path or another known path.
    Look-alikes derived from each (prefix, suffix, sibling and child subdomains,
    scheme and port changes), ``null`` and a foreign origin must be refused on every
    path the environment names and its OpenAPI paths.
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
    clean = clean_paths(report)
    if unseen := [o for o in report.allowed_origins if o not in clean]:
        return Verdict.error(
            f"could not probe: {', '.join(unseen)} got only 429/502/503/504 answers, so "
            f"whether it is allowed was not observed; {sampled(report)}"
        )
    credentials = any(
        a.allow_credentials for a in report.answers if a.origin in report.allowed_origins
    )
    where = ", ".join(
        f"{o} on {report.primary if report.primary in clean.get(o, []) else clean[o][0]}"
        for o in report.allowed_origins
    )
    return Verdict.passed(
        f"CORS: {where} allowed (preflight "
        f"and GET{' with credentials' if credentials else ''}); no hostile origin allowed "
        f"anywhere; {_allowed_count(report)}.{skipped} Sampled: {sampled(report)}."
    )
