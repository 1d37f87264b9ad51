"""Settings of the browser family: which pages a headless Chromium loads, and how."""

from __future__ import annotations

from pytest_biothings_ready.config.schema import Key, register

__all__: list[str] = []

FAMILY = "browser"

register(
    Key(
        "browser.pages",
        "list",
        "More pages to load besides frontend_url: paths below it or in-scope URLs.",
        values="str",
        family=FAMILY,
    ),
    Key(
        "browser.binary",
        "path",
        "Chromium or Chrome executable; default: chromium, chromium-browser, google-chrome.",
        family=FAMILY,
    ),
    Key(
        "browser.settle_ms",
        "float",
        "Quiet time after the load event with no request in flight before a page is judged.",
        500.0,
        family=FAMILY,
    ),
    Key(
        "browser.long_polls",
        "list",
        "URL parts of API calls that stay open by design (long polls), not judged.",
        values="str",
        family=FAMILY,
    ),
)
