"""HTTPS hygiene: plain HTTP redirects to HTTPS, HSTS, security headers.

Every plain-HTTP entry point (``http_url``, derived from ``base_url`` by default,
plus ``http.entry_points``) is asked for ``/`` and ``health_path`` without following
redirects: it must answer 301 or 308 to the same host and path on ``https://``.  The
HTTPS entry point (``base_url``) must send ``Strict-Transport-Security`` with a
``max-age`` of at least ``thresholds.hsts_min_age``.  The other security headers
(CSP, X-Content-Type-Options, frame options, Referrer-Policy, a ``Server`` header
that reveals a version) are reported in the evidence without deciding the verdict.

:func:`fetch` is the bounded request helper the web and WebSocket families share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pytest_biothings_ready.config.schema import Key, register
from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["HttpsReport", "RedirectAnswer", "fetch", "parse_max_age"]

register(
    Key(
        "http.entry_points",
        "list",
        "Extra plain-HTTP entry points that must redirect.",
        values="url",
        family="http",
    ),
    Key(
        "http.redirect_paths",
        "list",
        "Paths asked on each plain-HTTP entry point (health_path is always added).",
        ["/"],
        values="str",
        family="http",
    ),
)

REDIRECT_STATUSES = (301, 308)
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
)
_MAX_AGE = re.compile(r"(?:^|;)\s*max-age\s*=\s*\"?(\d+)\"?\s*(?:;|$)", re.IGNORECASE)
_VERSION = re.compile(r"\d+\.\d+")


@dataclass(frozen=True)
class RedirectAnswer:
    """What one plain-HTTP URL answered.

    Attributes:
        url: the plain-HTTP URL asked.
        status: the HTTP status (None when it could not be asked).
        location: the ``Location`` header, if any.
        problem: why this is not a permanent redirect to the same path on HTTPS;
            None when it is (or when it could not be asked).
        error: why it could not be asked, else None.
    """

    url: str
    status: int | None
    location: str | None
    problem: str | None
    error: str | None = None


@dataclass(frozen=True)
class HttpsReport:
    """The HTTPS hygiene of one environment.

    Attributes:
        redirects: one answer per plain-HTTP URL asked.
        https_url: the HTTPS URL whose headers were read.
        hsts: the ``Strict-Transport-Security`` value (None when absent).
        headers: the security headers of the HTTPS answer (None when absent).
        server: the ``Server`` header (None when absent).
        error: why the HTTPS URL could not be asked, else None.
    """

    redirects: tuple[RedirectAnswer, ...]
    https_url: str
    hsts: str | None
    headers: tuple[tuple[str, str | None], ...]
    server: str | None
    error: str | None = None


def fetch(
    client: httpx.Client, method: str, url: str, env: Environment, **options: Any
) -> httpx.Response:
    """One bounded, in-scope request; transport failures become :class:`ProbeError`."""
    import httpx

    if not env.in_scope(url):
        raise ProbeError(f"{url} is outside the hosts of environment {env.name!r}")
    try:
        return client.request(method, url, **options)
    except httpx.TimeoutException:
        raise ProbeError(f"{method} {url}: no answer within {env.timeout:g} s") from None
    except httpx.HTTPError as exc:
        reason = str(exc) or type(exc).__name__
        raise ProbeError(f"{method} {url}: {reason}") from None


def parse_max_age(hsts: str | None) -> int | None:
    """The ``max-age`` of a Strict-Transport-Security value; None when absent."""
    match = _MAX_AGE.search(hsts or "")
    return int(match.group(1)) if match else None


def judge_redirect(url: str, status: int, location: str | None) -> str | None:
    """Why ``status``/``location`` is not a permanent redirect of ``url`` to HTTPS."""
    asked = urlsplit(url)
    if status not in REDIRECT_STATUSES:
        kind = "a temporary redirect" if 300 <= status < 400 else "content"
        return f"answered {status} ({kind}); required: 301 or 308 to https"
    target = urlsplit(location or "")
    if target.scheme != "https":
        return f"redirects to {location!r}, which is not an absolute https:// URL"
    if (target.hostname or "").lower() != (asked.hostname or "").lower():
        return f"redirects to another host ({target.hostname}, asked {asked.hostname})"
    if (target.path or "/", target.query) != (asked.path or "/", asked.query):
        return f"redirects to another path ({target.path or '/'}, asked {asked.path or '/'})"
    return None


def _plain_urls(env: Environment) -> list[list[str]]:
    """The plain-HTTP URLs to ask, grouped by entry point."""
    entries = dict.fromkeys(
        str(e).rstrip("/") for e in [env.http_url, *(env.get("http.entry_points") or [])] if e
    )
    paths = [*(env.get("http.redirect_paths") or ["/"]), str(env.get("health_path"))]
    return [list(dict.fromkeys(e + "/" + p.lstrip("/") for p in paths)) for e in entries]


def _ask_entry(env: Environment, client: httpx.Client, urls: list[str]) -> list[RedirectAnswer]:
    answers: list[RedirectAnswer] = []
    for url in urls:
        try:
            reply = fetch(client, "GET", url, env)
        except ProbeError as exc:
            # One unreachable entry point is one error, not one timeout per path.
            return [*answers, RedirectAnswer(url, None, None, None, str(exc))]
        location = reply.headers.get("location")
        problem = judge_redirect(url, reply.status_code, location)
        answers.append(RedirectAnswer(url, reply.status_code, location, problem))
    return answers


def _ask_https(env: Environment, client: httpx.Client) -> HttpsReport:
    url = str(env.get("base_url"))
    try:
        headers = fetch(client, "GET", url, env).headers
    except ProbeError as exc:
        return HttpsReport((), url, None, (), None, str(exc))
    found = tuple((name, headers.get(name)) for name in SECURITY_HEADERS)
    return HttpsReport(
        (), url, headers.get("strict-transport-security"), found, headers.get("server")
    )


@gatherer("https", needs=("base_url",))
def gather_https(ctx: Context) -> HttpsReport:
    """Ask every plain-HTTP URL for its redirect and the HTTPS URL for its headers."""
    from dataclasses import replace

    from pytest_biothings_ready.evidence.transport import http_client

    with http_client(ctx.env) as client:
        answers = [a for urls in _plain_urls(ctx.env) for a in _ask_entry(ctx.env, client, urls)]
        return replace(_ask_https(ctx.env, client), redirects=tuple(answers))


def _header_notes(report: HttpsReport) -> str:
    present = [name for name, value in report.headers if value]
    missing = [name for name, value in report.headers if not value]
    notes = f"security headers present: {', '.join(present) or 'none'}"
    if missing:
        notes += f"; missing: {', '.join(missing)}"
    if report.server and _VERSION.search(report.server):
        notes += f"; Server header reveals a version ({report.server!r})"
    return notes + "."


def _hsts_problem(report: HttpsReport, minimum: int) -> str | None:
    age = parse_max_age(report.hsts)
    if report.error:
        return None
    if report.hsts is None:
        return f"no Strict-Transport-Security header on {report.https_url}"
    if age is None:
        return f"Strict-Transport-Security {report.hsts!r} has no max-age"
    if age < minimum:
        return f"HSTS max-age={age} < required {minimum} on {report.https_url}"
    return None


@check("HTTPS enforced (HTTP redirects to HTTPS)", uses=("https",), smoke=True)
def https_enforced(ctx: Context) -> Verdict:
    """Plain HTTP answers 301/308 to the same host and path on HTTPS, and HSTS is long enough.

    Every plain-HTTP entry point is asked for ``/`` and the health path; the HTTPS
    entry point must send HSTS with max-age >= ``thresholds.hsts_min_age``.  Other
    security headers are reported in the evidence.
    """
    report: HttpsReport = ctx.evidence("https")
    minimum = int(ctx.env.threshold("hsts_min_age"))
    problems = [f"{a.url} {a.problem}" for a in report.redirects if a.problem]
    hsts = _hsts_problem(report, minimum)
    problems += [hsts] if hsts else []
    errors = [f"{a.url}: {a.error}" for a in report.redirects if a.error]
    errors += [report.error] if report.error else []
    notes = _header_notes(report) if not report.error else ""
    if problems:
        return Verdict.failed("; ".join(problems + errors) + ". " + notes)
    if errors:
        return Verdict.error("could not probe: " + "; ".join(errors))
    asked = ", ".join(f"{a.url} -> {a.status} {a.location}" for a in report.redirects)
    return Verdict.passed(
        f"{asked}; HSTS max-age={parse_max_age(report.hsts)} >= required {minimum} "
        f"on {report.https_url}. {notes}"
    )
