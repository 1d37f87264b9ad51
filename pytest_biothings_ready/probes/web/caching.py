"""API response caching: Cache-Control, a validator and the 304 revalidation.

Three GETs per path at most: the plain one, the conditional repeat with the validator
it gave (``If-None-Match`` with its ETag, else ``If-Modified-Since``), and, after a
304, a repeat with a validator it never issued (a random ETag, or 1970), which must
NOT get 304: a server that answers 304 to any conditional request makes caches keep
stale answers forever.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.http import fetch
from pytest_biothings_ready.probes.web.cachecontrol import parse_cache_control
from pytest_biothings_ready.probes.web.common import below_base

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["CachingAnswer", "api_caching", "gather_caching"]


_EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT"


@dataclass(frozen=True)
class CachingAnswer:
    """A GET, its conditional repeat, and a repeat with a validator never issued.

    Attributes:
        url: the API URL.
        status: status of the first GET.
        cache_control: its ``Cache-Control``.
        validator: the ``If-None-Match``/``If-Modified-Since`` header sent, or None.
        conditional_status: status of the conditional GET (None when not sent).
        vary: the first GET's ``Vary``.
        etag_on_304: whether the 304 repeated an ETag (None: no 304, or no ETag asked).
        decoy: the made-up validator sent third (an ETag never issued, or 1970).
        decoy_status: the status it got (None when not sent).
        unstable: the decoy's full answer had the same strong ETag as the first one
            but different bytes (a strong ETag must change with the content).
        malformed: why the validator the first answer gave is not one a cache can use
            (an unquoted ETag, a Last-Modified that is not an HTTP date), else None.
    """

    url: str
    status: int
    cache_control: str | None
    validator: str | None
    conditional_status: int | None
    vary: str | None = None
    etag_on_304: bool | None = None
    decoy: str | None = None
    decoy_status: int | None = None
    unstable: bool = False
    malformed: str | None = None

    def problem(self) -> str | None:
        """Why this answer does not show caching; None when it does."""
        if self.status != 200:
            return f"{self.url} answered {self.status}; required 200"
        why = parse_cache_control(self.cache_control).storable() if self.cache_control else ""
        if why is not None:
            return f"{self.url} Cache-Control {self.cache_control!r} does not allow caching" + (
                f" ({why})" if why else ""
            )
        if parse_cache_control(self.cache_control).has("private"):
            return (
                f"{self.url} Cache-Control {self.cache_control!r} is private although the "
                "answer was served without credentials: no shared cache (CDN, proxy) may "
                "store this shared response"
            )
        if "*" in [v.strip() for v in (self.vary or "").split(",")]:
            return f"{self.url} Vary: * makes every stored answer unusable (RFC 9111 4.1)"
        return self._revalidation_problem()

    def _revalidation_problem(self) -> str | None:
        if self.validator is None:
            return f"{self.url} sends neither ETag nor Last-Modified"
        if self.malformed:
            return f"{self.url} {self.malformed}"
        if self.conditional_status != 304:
            return (
                f"{self.url} answered {self.conditional_status} to {self.validator}; required 304"
            )
        if self.etag_on_304 is False:
            return f"{self.url} answered 304 without the ETag its 200 carries (RFC 9110 15.4.5)"
        if self.unstable:
            return (
                f"{self.url} sent the same strong ETag with different content: "
                "caches would serve the old content as current (RFC 9110 8.8.3)"
            )
        if self.decoy_status == 304:
            return (
                f"{self.url} answered 304 to a validator it never issued ({self.decoy}) too: "
                "it does not compare validators, so a cache would keep stale answers"
            )
        return None


_ENTITY_TAG = re.compile(r'^(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"$')


def _malformed(etag: str | None, modified: str | None) -> str | None:
    """Why the validator a cache would use is unusable (RFC 9110 8.8.2, 8.8.3)."""
    if etag is not None:
        if _ENTITY_TAG.match(etag.strip()):
            return None
        return f"sends ETag {etag!r}, not a quoted entity-tag: caches cannot use it"
    try:
        parsedate_to_datetime(str(modified))
    except (TypeError, ValueError, IndexError):
        return f"sends Last-Modified {modified!r}, not an HTTP date: caches cannot use it"
    return None


def _ask_cached(env: Environment, client: httpx.Client, url: str) -> CachingAnswer:
    first = fetch(client, "GET", url, env)
    etag, modified = first.headers.get("etag"), first.headers.get("last-modified")
    header = ("If-None-Match", etag) if etag else ("If-Modified-Since", modified)
    answer = CachingAnswer(
        url,
        first.status_code,
        first.headers.get("cache-control"),
        None,
        None,
        first.headers.get("vary"),
    )
    if header[1] is None or first.status_code != 200:
        return answer
    if bad := _malformed(etag, modified):
        return replace(answer, validator=f"{header[0]}: {header[1]}", malformed=bad)
    again = fetch(client, "GET", url, env, headers={header[0]: header[1]})
    answer = replace(answer, validator=f"{header[0]}: {header[1]}")
    answer = replace(answer, conditional_status=again.status_code)
    if again.status_code != 304:
        return answer
    made_up = f'"ready-probe-{secrets.token_hex(8)}"' if etag else _EPOCH
    decoy = fetch(client, "GET", url, env, headers={header[0]: made_up})
    unstable = (
        etag is not None
        and not etag.startswith("W/")
        and decoy.status_code == 200
        and decoy.headers.get("etag") == etag
        and decoy.content != first.content
    )
    return replace(
        answer,
        etag_on_304=("etag" in again.headers) if etag else None,
        decoy=f"{header[0]}: {made_up}",
        decoy_status=decoy.status_code,
        unstable=unstable,
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
        + (f", made-up {a.decoy} -> {a.decoy_status}" if a.decoy else "")
        for a in answers
    )
    if problems := [p for a in answers if (p := a.problem())]:
        return Verdict.failed("; ".join(problems) + f". Observed: {seen}.")
    return Verdict.passed(
        f"{seen} (required: a Cache-Control that allows storing, a validator, 304 to it "
        "and not to a made-up one)."
    )
