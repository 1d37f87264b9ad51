"""API response caching: Cache-Control, a validator and the 304 revalidation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.http import fetch
from pytest_biothings_ready.probes.web.common import below_base

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["CachingAnswer", "api_caching", "gather_caching"]


@dataclass(frozen=True)
class CachingAnswer:
    """A GET and its conditional repeat.

    Attributes:
        url: the API URL.
        status: status of the first GET.
        cache_control: its ``Cache-Control``.
        validator: the ``If-None-Match``/``If-Modified-Since`` header sent, or None.
        conditional_status: status of the conditional GET (None when not sent).
    """

    url: str
    status: int
    cache_control: str | None
    validator: str | None
    conditional_status: int | None

    def problem(self) -> str | None:
        """Why this answer does not show caching; None when it does."""
        if self.status != 200:
            return f"{self.url} answered {self.status}; required 200"
        if not self.cache_control or "no-store" in self.cache_control.lower():
            return f"{self.url} Cache-Control {self.cache_control!r} does not allow caching"
        if self.validator is None:
            return f"{self.url} sends neither ETag nor Last-Modified"
        if self.conditional_status != 304:
            return (
                f"{self.url} answered {self.conditional_status} to {self.validator}; required 304"
            )
        return None


def _ask_cached(env: Environment, client: httpx.Client, url: str) -> CachingAnswer:
    first = fetch(client, "GET", url, env)
    etag, modified = first.headers.get("etag"), first.headers.get("last-modified")
    header = ("If-None-Match", etag) if etag else ("If-Modified-Since", modified)
    if header[1] is None or first.status_code != 200:
        return CachingAnswer(url, first.status_code, first.headers.get("cache-control"), None, None)
    again = fetch(client, "GET", url, env, headers={header[0]: header[1]})
    return CachingAnswer(
        url,
        first.status_code,
        first.headers.get("cache-control"),
        f"{header[0]}: {header[1]}",
        again.status_code,
    )


@gatherer("api-caching", needs=("caching.paths",))
def gather_caching(ctx: Context) -> tuple[CachingAnswer, ...]:
    """GET each ``caching.paths`` entry, then repeat it with its validator."""
    from pytest_biothings_ready.evidence.transport import http_client

    with http_client(ctx.env) as client:
        return tuple(
            _ask_cached(ctx.env, client, below_base(ctx.env, str(p)))
            for p in ctx.env.require("caching.paths")
        )


@check("API response caching implemented", uses=("api-caching",), needs=("caching.paths",))
def api_caching(ctx: Context) -> Verdict:
    """GET API responses carry Cache-Control and an ETag/Last-Modified, and revalidate with 304."""
    answers: tuple[CachingAnswer, ...] = ctx.evidence("api-caching")
    seen = "; ".join(
        f"{a.url}: Cache-Control {a.cache_control!r}, {a.validator or 'no validator'}"
        f" -> {a.conditional_status}"
        for a in answers
    )
    if problems := [p for a in answers if (p := a.problem())]:
        return Verdict.failed("; ".join(problems) + f". Observed: {seen}.")
    return Verdict.passed(f"{seen} (required: Cache-Control, a validator and 304).")
