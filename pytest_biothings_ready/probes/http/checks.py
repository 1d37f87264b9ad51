"""Judge HTTPS enforcement: every redirect and the HSTS header."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.http.gather import HttpsReport
from pytest_biothings_ready.probes.http.hsts import parse_hsts

__all__ = ["https_enforced"]

_VERSION = re.compile(r"\d+\.\d+")


def _header_notes(report: HttpsReport) -> str:
    present = [name for name, value in report.headers if value]
    missing = [name for name, value in report.headers if not value]
    notes = f"security headers present: {', '.join(present) or 'none'}"
    if missing:
        notes += f"; missing: {', '.join(missing)}"
    if report.server and _VERSION.search(report.server):
        notes += f"; Server header reveals a version ({report.server!r})"
    return notes + "."


def hsts_problem(report: HttpsReport, minimum: int) -> str | None:
    """Why the HSTS of ``report`` does not protect browsers for ``minimum`` seconds."""
    if report.error:
        return None
    if report.hsts is None:
        return f"no Strict-Transport-Security header on {report.https_url}"
    hsts = parse_hsts(report.hsts)
    if not hsts.valid:
        return (
            f"Strict-Transport-Security {report.hsts!r} on {report.https_url} is invalid "
            f"(RFC 6797 §6.1: {hsts.problem}), so browsers ignore it"
        )
    if hsts.max_age is not None and hsts.max_age < minimum:
        return f"HSTS max-age={hsts.max_age} < required {minimum} on {report.https_url}"
    return None


def _sampled(report: HttpsReport) -> str:
    by_entry: dict[str, list[str]] = {}
    for answer in report.redirects:
        parts = urlsplit(answer.url)
        by_entry.setdefault(f"{parts.scheme}://{parts.netloc}", []).append(parts.path or "/")
    asked = "; ".join(f"{e} ({', '.join(paths)})" for e, paths in by_entry.items())
    landed = sorted({str(a.landed_status) for a in report.redirects if a.landed_status})
    note = f"{len(report.redirects)} plain-HTTP URLs asked: {asked}"
    note += f"; each answered 301/308 to the same path on HTTPS, which answered {'/'.join(landed)}"
    if report.skipped:
        note += f"; not sampled (http.max_paths): {', '.join(report.skipped)}"
    return note


@check("HTTPS enforced (HTTP redirects to HTTPS)", uses=("https",), smoke=True)
def https_enforced(ctx: Context) -> Verdict:
    """Every known path on plain HTTP answers 301/308 to itself on the named HTTPS origin.

    Each plain-HTTP entry point is asked for ``/``, the health path, the smoke,
    journey and caching paths; ``Location`` is read as a browser reads it (WHATWG
    URL), must name the base_url host and port, and is followed.  The HTTPS entry
    point must send a valid (RFC 6797) HSTS with max-age >= ``thresholds.hsts_min_age``.
    """
    report: HttpsReport = ctx.evidence("https")
    minimum = int(ctx.env.threshold("hsts_min_age"))
    problems = [f"{a.url} {a.problem}" for a in report.redirects if a.problem]
    hsts = hsts_problem(report, minimum)
    problems += [hsts] if hsts else []
    errors = [f"{a.url}: {a.error}" for a in report.redirects if a.error]
    errors += [report.error] if report.error else []
    notes = _header_notes(report) if not report.error else ""
    if problems:
        return Verdict.failed("; ".join(problems + errors) + ". " + notes)
    if errors:
        return Verdict.error("could not probe: " + "; ".join(errors))
    parsed = parse_hsts(report.hsts or "")
    return Verdict.passed(
        f"{_sampled(report)}; HSTS max-age={parsed.max_age} >= required {minimum} "
        f"({parsed.flags()}) on {report.https_url}. {notes}"
    )
