"""Load ``frontend_url`` and ``browser.pages`` in headless Chromium, once per session."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.browser.chromium import DevTools, find_browser, launch
from pytest_biothings_ready.probes.browser.page import PageRun, Watcher

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment
    from pytest_biothings_ready.evidence.transport import Scope

__all__ = ["MAX_PAGES", "BrowserResult", "gather_browser", "page_urls"]

# Pages load together in one browser; more than this would starve a 2-core runner.
MAX_PAGES = 20


@dataclass(frozen=True)
class BrowserResult:
    """Every configured page as headless Chromium loaded it.

    Attributes:
        browser: the browser's product and version.
        pages: one :class:`PageRun` per page, in configuration order.
    """

    browser: str
    pages: tuple[PageRun, ...]


def page_urls(env: Environment) -> list[str]:
    """``frontend_url``, then each ``browser.pages`` entry resolved against it."""
    base = str(env.require("frontend_url"))
    extra = [urljoin(base, str(p)) for p in env.get("browser.pages") or []]
    return list(dict.fromkeys([base, *extra]))


def _enable(tools: DevTools, session: str) -> None:
    for domain in ("Runtime", "Log", "Network", "Page"):
        tools.send(f"{domain}.enable", {}, session)
    tools.send("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}, session)


@dataclass
class _Tab:
    """One page being loaded (mutable while it loads)."""

    url: str
    target: str
    watcher: Watcher
    started: float = 0.0
    error: str | None = None


def _open(tools: DevTools, watchers: dict[str, Watcher], scope: Scope, url: str) -> _Tab:
    target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})
    watcher = Watcher(session["sessionId"], lambda u: scope.refusal(u) is None, tools=tools)
    watchers[watcher.session] = watcher
    _enable(tools, watcher.session)
    return _Tab(url, target, watcher)


def _navigate(tools: DevTools, tab: _Tab) -> None:
    tab.started = time.monotonic()
    navigation = tools.send("Page.navigate", {"url": tab.url}, tab.watcher.session)
    if navigation.get("errorText"):
        tab.error = f"{tab.url}: {navigation['errorText']}"


def _settle(tools: DevTools, tabs: list[_Tab], deadline: float, settle_s: float) -> None:
    """Pump events until every page fired its load event and ``settle_s`` passed with no
    request in flight on any of them, or until ``deadline``."""
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        tools.pump(min(0.05, max(0.0, deadline - time.monotonic())))
        busy = any(t.watcher.loaded_at is None or t.watcher.in_flight() for t in tabs)
        now = time.monotonic()
        quiet_since = None if busy else (quiet_since or now)
        if quiet_since is not None and now - quiet_since >= settle_s:
            return


def _load_all(
    tools: DevTools, watchers: dict[str, Watcher], env: Environment, urls: list[str]
) -> tuple[PageRun, ...]:
    """Open every page in its own tab, navigate them all, let them settle together."""
    from pytest_biothings_ready.evidence.transport import Scope

    scope = Scope.of(env)
    tabs: list[_Tab] = []
    try:
        for url in urls:
            tabs.append(_open(tools, watchers, scope, url))
        for tab in tabs:
            _navigate(tools, tab)
        settle = float(env.get("browser.settle_ms")) / 1000
        loading = [t for t in tabs if not t.error]
        _settle(tools, loading, time.monotonic() + env.timeout + settle, settle)
        return tuple(
            PageRun(t.url, None, None, error=t.error)
            if t.error
            else t.watcher.result(t.url, t.started)
            for t in tabs
        )
    finally:
        for tab in tabs:
            tools.post("Target.closeTarget", {"targetId": tab.target})


@gatherer("browser", needs=("frontend_url",))
def gather_browser(ctx: Context) -> BrowserResult:
    """Open each page in a fresh tab of one headless Chromium; watch it until quiet."""
    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    env = ctx.env
    urls = page_urls(env)
    if len(urls) > MAX_PAGES:
        raise ProbeError(f"{len(urls)} pages configured; at most {MAX_PAGES} load in one run")
    from pytest_biothings_ready.evidence.transport import Scope

    scope = Scope.of(env)
    if outside := [f"{u} ({why})" for u in urls if (why := scope.refusal(u))]:
        raise ProbeError(f"out of scope of environment {env.name!r}: {'; '.join(outside)}")
    binary = find_browser(env.get("browser.binary"))
    # A private CA (ca_bundle) is not in the browser's store; TLS is judged by the TLS lines.
    extra = ("--ignore-certificate-errors",) if env.get("ca_bundle") else ()
    watchers: dict[str, Watcher] = {}
    try:
        with (
            launch(binary, ctx.timeout, *extra) as endpoint,
            connect(endpoint, max_size=None, open_timeout=ctx.timeout) as socket,
        ):
            tools = DevTools(socket, lambda m, p, s: _dispatch(watchers, m, p, s))
            version = tools.send("Browser.getVersion").get("product", "browser")
            return BrowserResult(str(version), _load_all(tools, watchers, env, urls))
    except (OSError, WebSocketException) as exc:
        raise ProbeError(f"browser session failed: {type(exc).__name__}: {exc}") from None


def _dispatch(
    watchers: dict[str, Watcher], method: str, params: dict[str, Any], session: str | None
) -> None:
    if session and (watcher := watchers.get(session)):
        watcher.on_event(method, params, session)
