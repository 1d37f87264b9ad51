"""The headers of a limited answer: ``Retry-After``, ``RateLimit-*``, ``X-RateLimit-*``.

Read as a client that backs off reads them: ``Retry-After`` is delta-seconds or an
HTTP date (RFC 9110 §10.2.3); ``RateLimit-Limit`` / ``-Remaining`` / ``-Reset`` (the
IETF httpapi draft, also as one ``RateLimit: limit=10, remaining=0, reset=5`` field)
and the ``X-RateLimit-*`` convention (whose reset may be a Unix time).  Coherent
means: every value parses, a limited answer has nothing remaining, remaining does
not exceed the limit, and a reset is not in the past.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

__all__ = ["LimitHeaders", "read_limit_headers"]

# A reset larger than this is a Unix time, not a number of seconds.
EPOCH_THRESHOLD = 1_000_000_000
_FIELD = re.compile(r"\b(limit|remaining|reset|l|r|t)\s*=\s*\"?(-?[0-9.]+)", re.IGNORECASE)
# Names in the one-field forms: draft -07 (limit=, remaining=, reset=), -08 (l, r, t).
_SHORT = {"limit": "l", "remaining": "r", "reset": "t"}
_NUMBER = re.compile(r"^\s*\"?(-?[0-9]+(?:\.[0-9]+)?)")


@dataclass(frozen=True)
class LimitHeaders:
    """What a limited answer advertised.

    Attributes:
        retry_after_s: ``Retry-After`` in seconds (None when absent or invalid).
        reset_s: seconds until the limit resets (None when absent or invalid).
        remaining: requests left (None when absent or invalid).
        limit: requests allowed per window (None when absent or invalid).
        problems: why the headers are not coherent; empty when they are.
        shown: the headers as received, for the evidence.
    """

    retry_after_s: float | None = None
    reset_s: float | None = None
    remaining: int | None = None
    limit: int | None = None
    problems: tuple[str, ...] = ()
    shown: str = ""

    @property
    def wait_s(self) -> float | None:
        """The wait the answer advertises: Retry-After, else the reset."""
        return self.retry_after_s if self.retry_after_s is not None else self.reset_s


def _retry_after(value: str, now: float) -> tuple[float | None, str | None]:
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(text), None
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - now), None
    except (TypeError, ValueError, IndexError):
        return None, f"Retry-After {value!r} is neither delta-seconds nor an HTTP date"


def _pick(headers: Mapping[str, str], name: str) -> tuple[str, str] | None:
    """(header, value) of ``RateLimit-NAME``, ``X-RateLimit-NAME`` or the ``RateLimit`` field."""
    for header in (f"ratelimit-{name}", f"x-ratelimit-{name}"):
        if (value := headers.get(header)) is not None:
            return header, value
    combined = headers.get("ratelimit")
    for key, value in _FIELD.findall(combined or ""):
        if key.lower() in (name, _SHORT[name]):
            return "ratelimit", value
    return None


def _number(found: tuple[str, str] | None, problems: list[str]) -> float | None:
    if found is None:
        return None
    match = _NUMBER.match(found[1])
    if match is None or float(match.group(1)) < 0:
        problems.append(f"{found[0]} {found[1]!r} is not a non-negative number")
        return None
    return float(match.group(1))


def read_limit_headers(headers: Mapping[str, str], now: float, limited: bool) -> LimitHeaders:
    """Parse and cross-check the rate-limit headers of one answer (``limited``: a 429)."""
    problems: list[str] = []
    retry = None
    if (raw := headers.get("retry-after")) is not None:
        retry, problem = _retry_after(raw, now)
        problems += [problem] if problem else []
    limit = _number(_pick(headers, "limit"), problems)
    remaining = _number(_pick(headers, "remaining"), problems)
    reset = _number(_pick(headers, "reset"), problems)
    if reset is not None and reset > EPOCH_THRESHOLD:
        reset = reset - now
        if reset < -1:
            problems.append(f"the rate-limit reset lies {-reset:.0f} s in the past")
        reset = max(reset, 0.0)
    if limited and remaining is not None and remaining > 0:
        problems.append(f"a limited answer says {remaining:g} requests remain")
    if limit is not None and remaining is not None and remaining > limit:
        problems.append(f"remaining {remaining:g} exceeds the limit {limit:g}")
    names = ("retry-after", "ratelimit", "ratelimit-limit", "ratelimit-remaining",
             "ratelimit-reset", "x-ratelimit-limit", "x-ratelimit-remaining",
             "x-ratelimit-reset")  # fmt: skip
    shown = ", ".join(f"{n}: {headers[n]}" for n in names if n in headers)
    return LimitHeaders(
        retry,
        reset,
        None if remaining is None else int(remaining),
        None if limit is None else int(limit),
        tuple(problems),
        shown,
    )
