"""What a browser does with a page's scripts and stylesheets, from their answers.

A 200 is not a loaded asset.  A browser refuses (or cannot run):

- a script or stylesheet over ``http://`` on an ``https://`` page (mixed content is
  blocked for active content);
- a script whose answer is an HTML document (an SPA catch-all serving ``index.html``
  for a missing bundle: ``Uncaught SyntaxError: Unexpected token '<'``), or whose
  type is never executable (``image/*``, ``audio/*``, ``video/*``, ``text/csv``), or
  not a JavaScript type for a module script or under ``X-Content-Type-Options:
  nosniff`` (HTML §4.12.1, Fetch "should response to request be blocked due to nosniff");
- a stylesheet whose ``Content-Type`` is not ``text/css`` when the page is in standards
  mode (it has a doctype) or the stylesheet is cross-origin (HTML §4.2.4 "link type
  stylesheet"), or whose answer is an HTML document;
- an asset whose ``integrity`` (Subresource Integrity) does not match its bytes;
- an empty answer, or a JSON error document, in place of the asset.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from pytest_biothings_ready.probes.web.errorbody import error_envelope

__all__ = ["AssetRef", "asset_refs", "mixed_content", "refusal", "standards_mode"]

_HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I)
_NEVER_SCRIPT = ("image/", "audio/", "video/")
_JS_TYPES = frozenset(
    {
        "application/ecmascript",
        "application/javascript",
        "application/x-ecmascript",
        "application/x-javascript",
        "text/ecmascript",
        "text/javascript",
        "text/javascript1.0",
        "text/javascript1.1",
        "text/javascript1.2",
        "text/javascript1.3",
        "text/javascript1.4",
        "text/javascript1.5",
        "text/jscript",
        "text/livescript",
        "text/x-ecmascript",
        "text/x-javascript",
    }
)
_SRI = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}


@dataclass(frozen=True)
class AssetRef:
    """One script or stylesheet a page references.

    Attributes:
        url: absolute URL (resolved against the page).
        kind: ``script``, ``module`` or ``stylesheet``.
        integrity: its ``integrity`` attribute ("" when none).
    """

    url: str
    kind: str
    integrity: str = ""


def standards_mode(html: str) -> bool:
    """The page starts with a doctype (browsers render it in standards mode)."""
    return html.lstrip().lower().startswith("<!doctype")


def asset_refs(html: str, page_url: str) -> list[AssetRef]:
    """The scripts and stylesheets a browser loads from ``html``, first of each URL kept.

    URLs resolve against the first ``<base href>``.  Not loaded, so not listed:
    ``<script nomodule>`` (modern browsers skip it), scripts whose ``type`` is not
    JavaScript or ``module`` (templates, JSON data), and alternate stylesheets.
    """
    found: list[tuple[str, str, str]] = []
    base: list[str] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            seen = {k: v or "" for k, v in attrs}
            rel = seen.get("rel", "").lower().split()
            if tag == "base" and "href" in seen and not base:
                base.append(seen["href"].strip())
            elif tag == "script" and seen.get("src") and "nomodule" not in seen:
                kind = _script_kind(seen.get("type", ""))
                if kind:
                    found.append((kind, seen["src"], seen.get("integrity", "")))
            elif tag == "link" and _loaded_stylesheet(rel, seen.get("href", "")):
                found.append(("stylesheet", seen["href"], seen.get("integrity", "")))

    Collector().feed(html)
    root = urljoin(page_url, base[0]) if base else page_url
    refs: dict[str, AssetRef] = {}
    for kind, link, integrity in found:
        url = urljoin(root, link.strip())
        refs.setdefault(url, AssetRef(url, kind, integrity.strip()))
    return list(refs.values())


def _loaded_stylesheet(rel: list[str], href: str) -> bool:
    return "stylesheet" in rel and "alternate" not in rel and bool(href.strip())


def _script_kind(declared: str) -> str | None:
    """``script``, ``module``, or None for a type browsers do not run (HTML §4.12.1)."""
    kind = declared.split(";")[0].strip().lower()
    if kind == "module":
        return "module"
    if not kind or kind in _JS_TYPES:
        return "script"
    return None


def _mime(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _sri_problem(integrity: str, body: bytes) -> str | None:
    """Why the body fails its integrity metadata (strongest algorithm decides)."""
    wanted: dict[str, set[str]] = {}
    for token in integrity.split():
        algorithm, _, value = token.partition("-")
        if algorithm.lower() in _SRI:
            wanted.setdefault(algorithm.lower(), set()).add(value.split("?")[0])
    if not wanted:
        return None  # no supported algorithm: browsers load it
    strongest = max(wanted, key=list(_SRI).index)
    digest = base64.b64encode(_SRI[strongest](body).digest()).decode("ascii")
    if digest in wanted[strongest]:
        return None
    return f"its bytes do not match integrity {strongest} (SRI): a browser refuses it"


def _type_problem(ref: AssetRef, mime: str, nosniff: bool, strict_css: bool) -> str | None:
    if ref.kind == "stylesheet":
        if mime and mime != "text/css" and (strict_css or nosniff):
            return f"served as {mime}, not text/css: a browser ignores the stylesheet"
        return None
    if mime.startswith(_NEVER_SCRIPT) or mime == "text/csv":
        return f"served as {mime}: a browser never runs it as a script"
    if (ref.kind == "module" or nosniff) and mime not in _JS_TYPES:
        why = "a module script" if ref.kind == "module" else "under nosniff"
        return f"served as {mime or 'no type'}, not JavaScript: refused as {why}"
    return None


def refusal(
    ref: AssetRef,
    page_url: str,
    page_html: str,
    content_type: str,
    nosniff: bool,
    body: bytes,
) -> str | None:
    """Why a browser on ``page_url`` would not use this 200 answer; None when it would."""
    if _HTML_START.match(body[:512]):
        return "answered an HTML page, not the asset (an SPA catch-all?)"
    if not body.strip():
        return "answered an empty body"
    mime = _mime(content_type)
    if envelope := error_envelope(body[:4096].decode("utf-8", "replace")):
        return f"answered an error document ({envelope}), not the asset"
    if mime == "text/html":
        return "served as text/html: not a script or stylesheet a browser runs"
    page, asset = urlsplit(page_url), urlsplit(ref.url)
    cross_origin = (page.scheme, page.netloc) != (asset.scheme, asset.netloc)
    strict_css = standards_mode(page_html) or cross_origin
    if problem := _type_problem(ref, mime, nosniff, strict_css):
        return problem
    return _sri_problem(ref.integrity, body) if ref.integrity else None


def mixed_content(ref: AssetRef, page_url: str) -> bool:
    """An ``http://`` script or stylesheet on an ``https://`` page: blocked."""
    return urlsplit(page_url).scheme == "https" and urlsplit(ref.url).scheme == "http"
