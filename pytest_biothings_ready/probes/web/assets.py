"""The frontend page, the assets it references, and CDN headers on static assets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.http import fetch
from pytest_biothings_ready.probes.web.browser import AssetRef, asset_refs, mixed_content, refusal
from pytest_biothings_ready.probes.web.cachecontrol import parse_cache_control
from pytest_biothings_ready.probes.web.errorbody import html_error_page

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
        refused: why a browser would not use it although it answered (mixed
            content, an HTML page, a wrong type, an SRI mismatch), else None.
    """

    url: str
    status: int | None
    cache_control: str | None
    cdn_headers: tuple[str, ...]
    error: str | None = None
    refused: str | None = None


@dataclass(frozen=True)
class FrontendReport:
    """The frontend page and the assets it references.

    Attributes:
        url: ``frontend_url``.
        status: the page's HTTP status.
        content_type: the page's ``Content-Type``.
        assets: every in-scope script and stylesheet, fetched.
        skipped: referenced assets on hosts outside the environment (not fetched).
        empty: the page's body is empty or only whitespace.
        error_page: the page's title names an error or a server's default page.
    """

    url: str
    status: int
    content_type: str
    assets: tuple[AssetAnswer, ...]
    skipped: tuple[str, ...]
    empty: bool = False
    error_page: str | None = None


def asset_links(html: str) -> list[str]:
    """The ``<script src>`` and ``<link rel="stylesheet" href>`` references of a page."""
    return [ref.url for ref in asset_refs(html, "")]


def _fetch_asset(
    env: Environment, client: httpx.Client, url: str, page: tuple[AssetRef, str, str] | None = None
) -> AssetAnswer:
    """GET one asset; with ``page`` (its reference, the page URL and HTML), judge it as a
    browser on that page would."""
    if page and mixed_content(page[0], page[1]):
        return AssetAnswer(
            url,
            None,
            None,
            (),
            refused="blocked as mixed content (http:// asset on an https:// page)",
        )
    try:
        reply = fetch(client, "GET", url, env, follow_redirects=page is not None)
    except ProbeError as exc:
        return AssetAnswer(url, None, None, (), str(exc))
    wanted = {str(h).lower() for h in env.get("cdn.headers") or []}
    cdn = tuple(f"{k}: {v}" for k, v in reply.headers.items() if k.lower() in wanted and v.strip())
    refused = None
    if page and reply.status_code == 200:
        nosniff = reply.headers.get("x-content-type-options", "").strip().lower() == "nosniff"
        content_type = reply.headers.get("content-type", "")
        refused = refusal(page[0], page[1], page[2], content_type, nosniff, reply.content)
    return AssetAnswer(
        url, reply.status_code, reply.headers.get("cache-control"), cdn, refused=refused
    )


@gatherer("frontend", needs=("frontend_url",))
def gather_frontend(ctx: Context) -> FrontendReport:
    """Load ``frontend_url`` and every script and stylesheet it references.

    As a browser does, same-origin redirects are followed (for the page and for each
    asset; one to another origin is an error, never followed) and assets resolve
    against the page the redirects landed on.
    """
    from pytest_biothings_ready.evidence.transport import http_client

    env, url = ctx.env, str(ctx.env.require("frontend_url"))
    with http_client(env) as client:
        page = fetch(client, "GET", url, env, follow_redirects=True)
        html, landed = page.text, str(page.url)
        refs = asset_refs(html, landed)
        assets = tuple(
            _fetch_asset(env, client, r.url, (r, landed, html)) for r in refs if env.in_scope(r.url)
        )
    skipped = tuple(r.url for r in refs if not env.in_scope(r.url))
    content_type = page.headers.get("content-type", "")
    return FrontendReport(
        url,
        page.status_code,
        content_type,
        assets,
        skipped,
        not html.strip(),
        html_error_page(html),
    )


def _frontend_problems(report: FrontendReport) -> list[str]:
    problems = []
    if report.status != 200 or "html" not in report.content_type.lower():
        problems.append(
            f"{report.url} answered {report.status} "
            f"{report.content_type or 'without Content-Type'}; required 200 HTML"
        )
    elif report.empty:
        problems.append(f"{report.url} answered an empty page")
    elif report.error_page:
        problems.append(f"{report.url} answered an error or default page ({report.error_page})")
    problems += [
        f"{a.url} answered {a.status}"
        for a in report.assets
        if a.status is not None and a.status != 200
    ]
    problems += [f"{a.url} {a.refused}" for a in report.assets if a.refused]
    return problems


@check("Frontend loading correctly", uses=("frontend",), needs=("frontend_url",))
def frontend_loading(ctx: Context) -> Verdict:
    """frontend_url answers 200 HTML, and every script and stylesheet it references loads."""
    report: FrontendReport = ctx.evidence("frontend")
    if problems := _frontend_problems(report):
        return Verdict.failed("; ".join(problems) + ".")
    if errors := [f"{a.url}: {a.error}" for a in report.assets if a.error]:
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
        if report.skipped:
            raise NotConfigured(
                "hosts",
                ctx.env.name,
                "the frontend loads assets from hosts outside the environment "
                f"(not checked for CDN headers): {', '.join(report.skipped)}",
            )
        return tuple(a for a in report.assets if a.status is not None or a.error)
    with http_client(ctx.env) as client:
        return tuple(_fetch_asset(ctx.env, client, url) for url in urls)


def _cdn_problem(asset: AssetAnswer, minimum: int) -> str | None:
    control = parse_cache_control(asset.cache_control)
    age = control.shared_lifetime
    if asset.status != 200:
        return f"{asset.url} answered {asset.status}"
    blocked = [d for d in ("private", "no-store", "no-cache") if control.has(d)]
    if age is None or age < minimum or blocked or control.conflicts:
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
    if errors := [f"{a.url}: {a.error}" for a in assets if a.error]:
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
