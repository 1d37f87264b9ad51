"""Error envelopes served with a 2xx status: ``{"error": ...}``, ``{"success": false}``.

Many frameworks and hand-written handlers answer a failure with 200 and an error
document; a probe that looks at the status alone takes it for success.  Only the top
level of a JSON object is read, and only the envelope conventions that say "this
request failed" unambiguously: a non-empty ``error``/``errors`` (REST habits,
GraphQL), ``success``/``ok`` false, JSend's ``status: fail|error``.  A record whose
``error`` is null, false or empty is not an error.  An RFC 9457 problem document
(``application/problem+json``) is an error whatever its fields.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = ["error_envelope", "json_error_envelope", "problem_document", "response_error"]

_FAILED_STATUS = frozenset({"error", "fail", "failed", "failure"})


def _short(value: Any) -> str:
    text = json.dumps(value, separators=(",", ":"), default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def json_error_envelope(body: Any, ignore: frozenset[str] = frozenset()) -> str | None:
    """What marks the parsed JSON ``body`` as an error answer, or None.

    ``ignore`` names top-level fields the caller checks itself (a step's
    ``expect_json``), so an explicit expectation wins over the convention.
    """
    if not isinstance(body, dict):
        return None
    for field in ("error", "errors", "error_message", "errorMessage"):
        value = body.get(field)
        if field not in ignore and value not in (None, False, 0, "", [], {}):
            return f"{field}: {_short(value)}"
    for field in ("success", "ok"):
        if field not in ignore and body.get(field) is False:
            return f"{field}: false"
    status = body.get("status")
    if "status" not in ignore and isinstance(status, str) and status.lower() in _FAILED_STATUS:
        return f"status: {_short(status)}"
    return None


def error_envelope(text: str, ignore: frozenset[str] = frozenset()) -> str | None:
    """:func:`json_error_envelope` of a response body's text (not JSON: None)."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        body = json.loads(text)
    except ValueError:
        return None
    return json_error_envelope(body, ignore)


def problem_document(content_type: str) -> str | None:
    """``problem+json`` when ``content_type`` is an RFC 9457 problem document."""
    essence = content_type.split(";")[0].strip().lower()
    if essence in ("application/problem+json", "application/problem+xml"):
        return f"Content-Type {essence}"
    return None


def response_error(response: httpx.Response) -> str | None:
    """The error a 2xx ``response`` carries (problem document or envelope), else None."""
    if not 200 <= response.status_code < 300:
        return None
    return problem_document(response.headers.get("content-type", "")) or error_envelope(
        response.text
    )
