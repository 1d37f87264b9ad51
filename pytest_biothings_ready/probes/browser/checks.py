"""Judge "No JavaScript errors" and "Frontend-backend integration verified"."""

from __future__ import annotations

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.browser.gather import BrowserResult
from pytest_biothings_ready.probes.browser.page import API_TYPES, PageRun

__all__ = ["integration_verified", "no_javascript_errors"]


def _unreachable(result: BrowserResult) -> Verdict | None:
    errors = [p.error for p in result.pages if p.error]
    return Verdict.error("could not load: " + "; ".join(errors)) if errors else None


def _page_problems(page: PageRun) -> list[str]:
    """What went wrong on ``page``, counting only what the scope rule did not cause.

    When requests to other hosts were blocked, the page did not run as it would for a
    user (a script from a CDN missing): its exceptions and console errors are not
    counted, and a document that never answered was redirected away.  Failed
    subresources on the environment's own hosts always count.
    """
    problems = [f"subresource {r}" for r in page.failed_resources]
    if page.blocked:
        return problems
    document_waiting = any(kind == "Document" for kind, _ in page.pending)
    if (page.status is None and not document_waiting) or (page.status or 0) >= 400:
        problems.insert(0, f"{page.url} answered {page.status}")
    problems += [f"uncaught {e}" for e in page.exceptions]
    problems += page.console_errors
    return problems


def _require_scope(ctx: Context, result: BrowserResult) -> None:
    blocked = sorted({u for p in result.pages for u in p.blocked})
    if blocked:
        raise NotConfigured(
            "hosts",
            ctx.env.name,
            "the pages load from hosts outside the environment (not sent, so the pages were "
            f"not seen whole): {', '.join(blocked[:5])}",
        )


def _timed_out(ctx: Context, result: BrowserResult, api: bool) -> Verdict | None:
    """``error`` naming the requests (API calls, or the rest) still unanswered when the
    pages were judged; long polls listed in ``browser.long_polls`` are left out."""
    polls = [str(p) for p in ctx.env.get("browser.long_polls") or []]
    waiting = [
        f"{page.url}: {what}"
        for page in result.pages
        for kind, what in page.pending
        if (kind in API_TYPES) == api and not any(poll in what for poll in polls)
    ]
    if not waiting:
        return None
    hint = " (a long poll? list it in browser.long_polls)" if api else ""
    return Verdict.error(f"no answer within {ctx.env.timeout:g} s{hint}: " + "; ".join(waiting[:5]))


def _timing(page: PageRun) -> str:
    return f"load event {page.load_ms:.0f} ms" if page.load_ms is not None else "no load event"


@check("No JavaScript errors", uses=("browser",), needs=("frontend_url",))
def no_javascript_errors(ctx: Context) -> Verdict:
    """Headless Chromium sees no uncaught exception, console error or failed subresource."""
    result: BrowserResult = ctx.evidence("browser")
    if verdict := _unreachable(result):
        return verdict
    problems = [f"{p.url}: {x}" for p in result.pages for x in _page_problems(p)]
    if problems:
        return Verdict.failed(f"{result.browser}: " + "; ".join(problems[:8]) + ".")
    if verdict := _timed_out(ctx, result, api=False):
        return verdict
    _require_scope(ctx, result)
    seen = ", ".join(f"{p.url} ({p.status}, {_timing(p)})" for p in result.pages)
    return Verdict.passed(
        f"{result.browser} loaded {seen}: no uncaught exception, console error or failed "
        "subresource."
    )


@check("Frontend-backend integration verified", uses=("browser",), needs=("frontend_url",))
def integration_verified(ctx: Context) -> Verdict:
    """The pages' own fetch/XHR calls, as the browser makes them (CORS included), answer 2xx."""
    result: BrowserResult = ctx.evidence("browser")
    if verdict := _unreachable(result):
        return verdict
    calls = [c for p in result.pages for c in p.api_calls]
    if problems := [problem for _, problem in calls if problem]:
        return Verdict.failed(f"{result.browser}: " + "; ".join(problems[:8]) + ".")
    _require_scope(ctx, result)
    if verdict := _timed_out(ctx, result, api=True):
        return verdict
    polls = [what for p in result.pages for kind, what in p.pending if kind in API_TYPES]
    if not calls:
        raise NotConfigured(
            "browser.pages",
            ctx.env.name,
            "no page made a fetch/XHR call that answered; list pages whose scripts call the API",
        )
    waiting = f"; long polls still open (not judged): {', '.join(polls[:3])}" if polls else ""
    return Verdict.passed(
        f"{result.browser}: {len(calls)} calls made by the pages answered: "
        + "; ".join(summary for summary, _ in calls[:8])
        + waiting
        + "."
    )
