"""HTTPS enforcement: plain HTTP redirects to HTTPS, HSTS, security headers.

Every plain-HTTP entry point (``http_url``, derived from ``base_url`` by default,
plus ``http.entry_points``) is asked for every path the environment names (``/``,
``health_path``, ``http.redirect_paths``, smoke, journey and caching paths; at most
``http.max_paths``) without following redirects.  Each must answer 301 or 308 whose
``Location``, read as a browser reads it (:mod:`.location`, WHATWG URL), names
``https``, the same host (or base_url's), base_url's port and the same path; the
probe then follows it and requires an HTTPS answer (:mod:`.redirects`).  The HTTPS
entry point must send ``Strict-Transport-Security`` valid per RFC 6797 §6.1
(:mod:`.hsts`) with ``max-age`` >= ``thresholds.hsts_min_age``.  Other security
headers are reported without deciding the verdict.

:func:`fetch` (:mod:`.client`) is the bounded request helper the web, CORS and
WebSocket families share.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.http import checks, settings
from pytest_biothings_ready.probes.http.client import fetch
from pytest_biothings_ready.probes.http.gather import HttpsReport
from pytest_biothings_ready.probes.http.hsts import Hsts, parse_hsts
from pytest_biothings_ready.probes.http.location import BrowserUrl, browser_url
from pytest_biothings_ready.probes.http.paths import known_paths
from pytest_biothings_ready.probes.http.redirects import RedirectAnswer, judge_redirect

__all__ = [
    "BrowserUrl",
    "Hsts",
    "HttpsReport",
    "RedirectAnswer",
    "browser_url",
    "checks",
    "fetch",
    "judge_redirect",
    "known_paths",
    "parse_hsts",
    "settings",
]
