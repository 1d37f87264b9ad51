"""Browser: headless Chromium over the DevTools protocol (``websockets``, no extra).

Loads ``frontend_url`` and ``browser.pages`` once per session and decides "No
JavaScript errors" and "Frontend-backend integration verified" from what the browser
saw.  The browser starts only when one of those lines runs.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.browser import checks, chromium, gather, page, settings
from pytest_biothings_ready.probes.browser.gather import BrowserResult
from pytest_biothings_ready.probes.browser.page import PageRun

__all__ = ["BrowserResult", "PageRun", "checks", "chromium", "gather", "page", "settings"]
