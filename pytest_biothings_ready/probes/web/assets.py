"""The frontend page, the assets it references, and CDN headers on static assets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.http import fetch

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = [
    "AssetAnswer",
    "FrontendReport",
    "asset_links",
    "cdn_configured",
    "frontend_loading",
    "gather_cdn",
    "gather_frontend",
]


@dataclass(frozen=True)
class AssetAnswer:
    """One static asset's answer.

    Attributes:
        url: the asset URL.
        status: the HTTP status (None when it could not be fetched).
        cache_control: its ``Cache-Control`` header.
        cdn_headers: the CDN headers present, as ``name: value``.
        error: why it could not be fetched, else None.
    """

    url: str
    status: int | None
    cache_control: str | None
    cdn_headers: tuple[str, ...]
    error: str | None = None


@dataclass(frozen=True)
class FrontendReport:
    """The frontend page and the assets it references.

    Attributes:
        url: ``frontend_url``.
        status: the page's HTTP status.
        content_type: the page's ``Content-Type``.
        assets: every in-scope script and stylesheet, fetched.
        skipped: referenced assets on hosts outside the environment (not fetched).
    """

    url: str
    status: int
    content_type: str
    assets: tuple[AssetAnswer, ...]
    skipped: tuple[str, ...]


def asset_links(html: str) -> list[str]:
    """The ``<script src>`` and ``<link rel="stylesheet" href>`` references of a page."""
    from html.parser import HTMLParser

    links: list[str] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found = dict(attrs)
            rel = (found.get("rel") or "").lower().split()
            if tag == "script" and found.get("src"):
                links.append(str(found["src"]))
            elif tag == "link" and "stylesheet" in rel and found.get("href"):
                links.append(str(found["href"]))

    Collector().feed(html)
    return links


def _fetch_asset(env: Environment, client: httpx.Client, url: str) -> AssetAnswer:
    try:
        reply = fetch(client, "GET", url, env)
    except ProbeError as exc:
        return AssetAnswer(url, None, None, (), str(exc))
    wanted = {str(h).lower() for h in env.get("cdn.headers") or []}
    cdn = tuple(f"{k}: {v}" for k, v in reply.headers.items() if k.lower() in wanted)
    return AssetAnswer(url, reply.status_code, reply.headers.get("cache-control"), cdn)


@gatherer("frontend", needs=("frontend_url",))
def gather_frontend(ctx: Context) -> FrontendReport:
    """Load ``frontend_url`` and every script and stylesheet it references."""
    from pytest_biothings_ready.evidence.transport import http_client

    env, url = ctx.env, str(ctx.env.require("frontend_url"))
    with http_client(env) as client:
        page = fetch(client, "GET", url, env)
        links = list(dict.fromkeys(urljoin(url, link) for link in asset_links(page.text)))
        inside = [a for a in links if env.in_scope(a)]  # the transport's rule: host and port
        assets = tuple(_fetch_asset(env, client, a) for a in inside)
    skipped = tuple(a for a in links if a not in inside)
    return FrontendReport(
        url, page.status_code, page.headers.get("content-type", ""), assets, skipped
    )


def _frontend_problems(report: FrontendReport) -> list[str]:
    problems = []
    if report.status != 200 or "html" not in report.content_type.lower():
        problems.append(
            f"{report.url} answered {report.status} "
            f"{report.content_type or 'without Content-Type'}; required 200 HTML"
        )
    problems += [
        f"{a.url} answered {a.status}"
        for a in report.assets
        if a.status is not None and a.status != 200
    ]
    return problems


@check("Frontend loading correctly", uses=("frontend",), needs=("frontend_url",))
def frontend_loading(ctx: Context) -> Verdict:
    """frontend_url answers 200 HTML, and every script and stylesheet it references loads."""
    report: FrontendReport = ctx.evidence("frontend")
    if problems := _frontend_problems(report):
        return Verdict.failed("; ".join(problems) + ".")
    if errors := [a.error for a in report.assets if a.error]:  # "GET URL: reason ..."
        return Verdict.error("could not probe: " + "; ".join(errors))
    if report.skipped:
        raise NotConfigured(
            "hosts",
            ctx.env.name,
            "the frontend loads assets from hosts "
            f"outside the environment: {', '.join(report.skipped)}",
        )
    loaded = ", ".join(f"{a.url} ({a.status})" for a in report.assets) or "none referenced"
    return Verdict.passed(
        f"{report.url} answered 200 {report.content_type}; "
        f"{len(report.assets)} assets loaded: {loaded}."
    )


@gatherer("cdn")
def gather_cdn(ctx: Context) -> tuple[AssetAnswer, ...]:
    """Fetch ``cdn.asset_urls``, or reuse the assets the frontend probe fetched."""
    from pytest_biothings_ready.evidence.transport import http_client

    urls = [str(u) for u in ctx.env.get("cdn.asset_urls") or []]
    if not urls:
        if not ctx.env.get("frontend_url"):
            raise NotConfigured("cdn.asset_urls", ctx.env.name, "or frontend_url")
        report: FrontendReport = ctx.evidence("frontend")
        return report.assets
    with http_client(ctx.env) as client:
        return tuple(_fetch_asset(ctx.env, client, url) for url in urls)


def _max_age(cache_control: str | None) -> int | None:
    match = re.search(r"(?:s-maxage|max-age)\s*=\s*(\d+)", cache_control or "", re.I)
    return int(match.group(1)) if match else None


def _cdn_problem(asset: AssetAnswer, minimum: int) -> str | None:
    directives = (asset.cache_control or "").lower()
    age = _max_age(asset.cache_control)
    if asset.status != 200:
        return f"{asset.url} answered {asset.status}"
    if age is None or age < minimum or "private" in directives or "no-store" in directives:
        return f"{asset.url} Cache-Control {asset.cache_control!r}"
    if not asset.cdn_headers:
        return f"{asset.url} carries no CDN header"
    return None


@check("CDN configured for static assets", uses=("cdn",))
def cdn_configured(ctx: Context) -> Verdict:
    """Static assets carry a long-lived public Cache-Control and a header a CDN adds."""
    assets: tuple[AssetAnswer, ...] = ctx.evidence("cdn")
    minimum = int(ctx.env.get("cdn.min_max_age"))
    if not assets:
        raise NotConfigured("cdn.asset_urls", ctx.env.name, "the frontend references none")
    if errors := [a.error for a in assets if a.error]:  # "GET URL: reason ..."
        return Verdict.error("could not probe: " + "; ".join(errors))
    problems = [p for a in assets if (p := _cdn_problem(a, minimum))]
    seen = "; ".join(
        f"{a.url}: {a.cache_control}, {', '.join(a.cdn_headers) or 'no CDN header'}" for a in assets
    )
    if problems:
        return Verdict.failed(
            "; ".join(problems) + f". Required: public max-age >= "
            f"{minimum} s and a CDN header ({', '.join(ctx.env.get('cdn.headers'))})."
        )
    return Verdict.passed(f"{seen} (required: public max-age >= {minimum} s and a CDN header).")
