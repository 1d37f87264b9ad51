"""Watch one page load in the browser: exceptions, console errors, requests and their fate.

Every request the page makes pauses in the browser (``Fetch`` domain) until it is
let through (in scope) or failed as blocked (outside the environment's hosts), so
the browser sends traffic only where the plugin may.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pytest_biothings_ready.probes.browser.chromium import DevTools

__all__ = ["PageRun", "Request", "Watcher"]

API_TYPES = ("Fetch", "XHR")
# Types whose failures the browser reports for the request they serve instead.
_IGNORED_TYPES = ("Preflight", "Ping", "CSPViolationReport")


@dataclass
class Request:
    """One request the page made (mutable while the page loads).

    Attributes:
        url: the request URL; method: its method; kind: the DevTools resource type.
        status: the HTTP status (None: no response); error: why it failed, else None.
        done: finished or failed.
    """

    url: str
    method: str
    kind: str
    status: int | None = None
    error: str | None = None
    done: bool = False

    def problem(self) -> str | None:
        """Why this request failed (4xx/5xx, refused, blocked by CORS); None otherwise."""
        if self.status is not None and self.status >= 400:
            return f"{self.method} {self.url} answered {self.status}"
        if self.error:
            return f"{self.method} {self.url}: {self.error}"
        return None

    @property
    def waiting(self) -> bool:
        """Still without an answer when the page was judged (a timeout, or a long poll)."""
        return self.status is None and not self.done and not self.error


@dataclass(frozen=True)
class PageRun:
    """One page as the browser saw it.

    Attributes:
        url: the page.
        status: the document's HTTP status (None: no answer).
        load_ms: navigation to the load event, milliseconds (None: never fired).
        exceptions: uncaught exceptions (message and location).
        console_errors: ``console.error`` calls and errors the browser logged.
        failed_resources: subresources (scripts, styles, images...) that failed.
        api_calls: the page's own answered fetch/XHR requests, as ``(summary, problem)``.
        pending: requests still without an answer when the page was judged, as
            ``(kind, "METHOD url")``: a subresource that timed out, or a call still open.
        blocked: requests to hosts outside the environment, not sent.
        error: why the page could not be loaded at all, else None.
    """

    url: str
    status: int | None
    load_ms: float | None
    exceptions: tuple[str, ...] = ()
    console_errors: tuple[str, ...] = ()
    failed_resources: tuple[str, ...] = ()
    api_calls: tuple[tuple[str, str | None], ...] = ()
    pending: tuple[tuple[str, str], ...] = ()
    blocked: tuple[str, ...] = ()
    error: str | None = None


def _exception_text(details: dict[str, Any]) -> str:
    exception = details.get("exception") or {}
    text = exception.get("description") or details.get("text") or "exception"
    where = f"{details.get('url') or ''}:{details.get('lineNumber', 0) + 1}"
    return f"{str(text).splitlines()[0][:160]} at {where}"


def _console_text(params: dict[str, Any]) -> str:
    parts = [str(a.get("value", a.get("description", ""))) for a in params.get("args") or []]
    return " ".join(parts)[:160]


def _judged(request: Request) -> bool:
    """Not a preflight or report, nor the favicon the browser asks for on its own."""
    implicit_icon = request.kind == "Other" and urlsplit(request.url).path == "/favicon.ico"
    return request.kind not in _IGNORED_TYPES and not implicit_icon


@dataclass
class Watcher:
    """Collects the events of one DevTools session (one page)."""

    session: str
    in_scope: Callable[[str], bool]
    requests: dict[str, Request] = field(default_factory=dict)
    exceptions: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    loaded_at: float | None = None
    tools: DevTools | None = None

    def on_event(self, method: str, params: dict[str, Any], session: str | None) -> None:
        if session != self.session:
            return
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is not None:
            handler(params)

    def _Fetch_requestPaused(self, params: dict[str, Any]) -> None:
        assert self.tools is not None
        url, request_id = params["request"]["url"], params["requestId"]
        if self.in_scope(url) or url.startswith(("data:", "blob:")):
            self.tools.post("Fetch.continueRequest", {"requestId": request_id}, self.session)
        else:
            self.blocked.append(url)
            failing = {"requestId": request_id, "errorReason": "BlockedByClient"}
            self.tools.post("Fetch.failRequest", failing, self.session)

    def _Network_requestWillBeSent(self, params: dict[str, Any]) -> None:
        request = params["request"]
        self.requests[params["requestId"]] = Request(
            request["url"], request.get("method", "GET"), str(params.get("type", "Other"))
        )

    def _Network_responseReceived(self, params: dict[str, Any]) -> None:
        if known := self.requests.get(params["requestId"]):
            known.status = int(params["response"]["status"])

    def _Network_loadingFinished(self, params: dict[str, Any]) -> None:
        if known := self.requests.get(params["requestId"]):
            known.done = True

    def _Network_loadingFailed(self, params: dict[str, Any]) -> None:
        known = self.requests.get(params["requestId"])
        if known is None or known.url in self.blocked:
            if known:
                known.done = True
            return
        reason = params.get("corsErrorStatus", {}).get("corsError") or params.get("blockedReason")
        known.error = (
            f"CORS {reason}"
            if params.get("corsErrorStatus")
            else (reason or params.get("errorText", "failed"))
        )
        known.done = True

    def _Runtime_exceptionThrown(self, params: dict[str, Any]) -> None:
        self.exceptions.append(_exception_text(params.get("exceptionDetails") or {}))

    def _Runtime_consoleAPICalled(self, params: dict[str, Any]) -> None:
        if params.get("type") in ("error", "assert"):
            self.console.append(f"console.{params['type']}: {_console_text(params)}")

    def _Log_entryAdded(self, params: dict[str, Any]) -> None:
        entry = params.get("entry") or {}
        # network errors are counted as failed requests instead
        if entry.get("level") == "error" and entry.get("source") != "network":
            self.console.append(f"{entry.get('source')}: {str(entry.get('text'))[:160]}")

    def _Page_loadEventFired(self, params: dict[str, Any]) -> None:
        self.loaded_at = time.monotonic()

    def in_flight(self) -> int:
        return sum(1 for r in self.requests.values() if not r.done and _judged(r))

    def result(self, url: str, started: float) -> PageRun:
        requests = [r for r in self.requests.values() if _judged(r)]
        document = next((r for r in requests if r.kind == "Document"), None)
        api = [r for r in requests if r.kind in API_TYPES and r.url not in self.blocked]
        resources = [r for r in requests if r.kind not in API_TYPES and r.url not in self.blocked]
        return PageRun(
            url=url,
            status=document.status if document else None,
            load_ms=(self.loaded_at - started) * 1000 if self.loaded_at else None,
            exceptions=tuple(self.exceptions),
            console_errors=tuple(dict.fromkeys(self.console)),
            failed_resources=tuple(
                p for r in resources if r.kind != "Document" and (p := r.problem())
            ),
            api_calls=tuple(
                (f"{r.method} {r.url} -> {r.status}", r.problem()) for r in api if not r.waiting
            ),
            pending=tuple((r.kind, f"{r.method} {r.url}") for r in requests if r.waiting),
            blocked=tuple(dict.fromkeys(self.blocked)),
        )
