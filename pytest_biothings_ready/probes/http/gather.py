"""Gather the HTTPS hygiene of an environment: every redirect, then the HTTPS headers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.http.client import fetch
from pytest_biothings_ready.probes.http.location import browser_url
from pytest_biothings_ready.probes.http.paths import known_paths
from pytest_biothings_ready.probes.http.redirects import RedirectAnswer, ask_redirect

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["HttpsReport", "gather_https"]

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
)


@dataclass(frozen=True)
class HttpsReport:
    """The HTTPS hygiene of one environment.

    Attributes:
        redirects: one answer per plain-HTTP URL asked.
        https_url: the HTTPS URL whose headers were read.
        hsts: the first ``Strict-Transport-Security`` field (None when absent).
        headers: the security headers of the HTTPS answer (None when absent).
        server: the ``Server`` header (None when absent).
        error: why the HTTPS URL could not be asked, else None.
        skipped: paths named by the environment but beyond ``http.max_paths``.
        hsts_fields: how many ``Strict-Transport-Security`` fields were sent.
    """

    redirects: tuple[RedirectAnswer, ...]
    https_url: str
    hsts: str | None
    headers: tuple[tuple[str, str | None], ...]
    server: str | None
    error: str | None = None
    skipped: tuple[str, ...] = ()
    hsts_fields: int = 0


def plain_urls(env: Environment) -> tuple[list[list[str]], list[str]]:
    """The plain-HTTP URLs to ask, grouped by entry point, and the paths left out."""
    entries = dict.fromkeys(
        str(e).rstrip("/") for e in [env.http_url, *(env.get("http.entry_points") or [])] if e
    )
    paths = known_paths(env, *(env.get("http.redirect_paths") or []))
    cap = max(1, int(env.get("http.max_paths")))
    return [[e + p for p in paths[:cap]] for e in entries], paths[cap:]


def https_origin(env: Environment) -> tuple[str, int | None]:
    """The (host, port) of ``base_url`` as a browser reads it."""
    base = browser_url(str(env.require("base_url")))
    if base is None or base.scheme != "https":
        raise ProbeError(f"base_url {env.get('base_url')!r} is not an https:// URL")
    return base.host, base.port


def _ask_entry(env: Environment, client: httpx.Client, urls: list[str]) -> list[RedirectAnswer]:
    https = https_origin(env)
    answers: list[RedirectAnswer] = []
    for url in urls:
        try:
            answers.append(ask_redirect(env, client, url, https))
        except ProbeError as exc:
            # One unreachable entry point is one error, not one timeout per path.
            return [*answers, RedirectAnswer(url, None, None, None, str(exc))]
    return answers


def _ask_https(env: Environment, client: httpx.Client) -> HttpsReport:
    url = str(env.get("base_url"))
    try:
        headers = fetch(client, "GET", url, env).headers
    except ProbeError as exc:
        return HttpsReport((), url, None, (), None, str(exc))
    fields = headers.get_list("strict-transport-security")
    found = tuple((name, headers.get(name)) for name in SECURITY_HEADERS)
    hsts = fields[0] if fields else None
    return HttpsReport((), url, hsts, found, headers.get("server"), hsts_fields=len(fields))


@gatherer("https", needs=("base_url",))
def gather_https(ctx: Context) -> HttpsReport:
    """Ask every plain-HTTP URL for its redirect, follow it, read the HTTPS headers."""
    from pytest_biothings_ready.evidence.transport import http_client

    groups, skipped = plain_urls(ctx.env)
    with http_client(ctx.env) as client:
        answers = [a for urls in groups for a in _ask_entry(ctx.env, client, urls)]
        report = _ask_https(ctx.env, client)
    return replace(report, redirects=tuple(answers), skipped=tuple(skipped))
