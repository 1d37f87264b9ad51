"""Error envelopes served with a 2xx status: ``{"error": ...}``, ``{"success": false}``.

Many frameworks and hand-written handlers answer a failure with 200 and an error
document; a probe that looks at the status alone takes it for success.  Only the top
level of a JSON object is read, and only the envelope conventions that say "this
request failed" unambiguously: a non-empty ``error``/``errors`` (REST habits,
GraphQL), ``success``/``ok`` false, JSend's ``status: fail|error``.  A record whose
``error`` is null, false or empty is not an error.  An RFC 9457 problem document
(``application/problem+json``) is an error whatever its fields, and so is an HTML
page titled as an error page (``502 Bad Gateway``, ``Page not found``) or as a web
server's default page (``Welcome to nginx!``): a soft error, or no application.
"""

from __future__ import annotations

import html
import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = [
    "error_envelope",
    "html_error_page",
    "json_error_envelope",
    "problem_document",
    "response_error",
]

_FAILED_STATUS = frozenset({"error", "fail", "failed", "failure"})
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
_ERROR_TITLE = re.compile(
    r"^\s*(?:error\s*:?\s*[45]\d\d\b|[45]\d\d\s*(?:[-:|]\s*)?(?:error|bad request|"
    r"unauthori[sz]ed|payment required|method not allowed|request time-?out|conflict|gone|"
    r"too many requests|internal|not implemented))|\b(?:internal server error|bad gateway|"
    r"service (?:temporarily )?unavailable|gateway time-?out|not found|forbidden|"
    r"access denied|application error|server error|an error occurred)\b",
    re.I,
)
_DEFAULT_TITLE = re.compile(
    r"welcome to nginx|apache2? .*default page|^\s*it works!?\s*$|iis windows server|"
    r"test page for the (?:apache|nginx)",
    re.I,
)


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
    text = response.text
    content_type = response.headers.get("content-type", "")
    return problem_document(content_type) or error_envelope(text) or html_error_page(text)


def html_error_page(text: str) -> str | None:
    """``title 'Page not found'`` when an HTML page's title names an error or a web
    server's default page; None otherwise (not HTML, no title, another title)."""
    found = _TITLE.search(text[:4096])
    if found is None:
        return None
    title = " ".join(html.unescape(found.group(1)).split())
    if _ERROR_TITLE.search(title) or _DEFAULT_TITLE.search(title):
        return f"HTML title {title[:60]!r}"
    return None
