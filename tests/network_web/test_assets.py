"""Frontend loading, API response caching and CDN headers of static assets."""

from __future__ import annotations

from pytest_biothings_ready.model import Status
from tests.network_web.apps import api_app, frontend_app, settings
from tests.support.evaluate import judge
from tests.support.servers import free_port, serve_asgi

FRONTEND = "Frontend loading correctly"
CDN = "CDN configured for static assets"
CACHING = "API response caching implemented"


def _frontend(url: str) -> dict[str, object]:
    return settings(url, frontend_url=url + "/")


def test_frontend_whose_assets_load_passes() -> None:
    with serve_asgi(frontend_app()) as url:
        verdict = judge(FRONTEND, _frontend(url))
    assert verdict.status is Status.PASSED
    assert f"{url}/a.js (200)" in verdict.evidence and f"{url}/a.css (200)" in verdict.evidence


def test_frontend_with_a_missing_script_fails() -> None:
    with serve_asgi(frontend_app(missing_asset=True)) as url:
        verdict = judge(FRONTEND, _frontend(url))
    assert verdict.status is Status.FAILED
    assert f"{url}/a.js answered 404" in verdict.evidence


def test_frontend_that_is_not_html_fails() -> None:
    with serve_asgi(frontend_app(html=False)) as url:
        verdict = judge(FRONTEND, _frontend(url))
    assert verdict.status is Status.FAILED
    assert "required 200 HTML" in verdict.evidence


def test_frontend_without_a_url_is_unverified() -> None:
    assert judge(FRONTEND, settings("https://127.0.0.1:1")).status is Status.UNVERIFIED


def test_unreachable_frontend_is_an_error() -> None:
    assert judge(FRONTEND, _frontend(f"http://127.0.0.1:{free_port()}")).status is Status.ERROR


def test_assets_with_long_caching_and_a_cdn_header_pass() -> None:
    with serve_asgi(frontend_app()) as url:
        verdict = judge(CDN, _frontend(url))
    assert verdict.status is Status.PASSED
    assert "x-cache: HIT" in verdict.evidence


def test_assets_without_a_cdn_header_fail() -> None:
    with serve_asgi(frontend_app(cdn_header=False)) as url:
        verdict = judge(CDN, _frontend(url))
    assert verdict.status is Status.FAILED
    assert "carries no CDN header" in verdict.evidence


def test_assets_with_short_caching_fail() -> None:
    with serve_asgi(frontend_app(asset_cache="public, max-age=60")) as url:
        verdict = judge(CDN, settings(url, cdn={"asset_urls": [url + "/a.css"]}))
    assert verdict.status is Status.FAILED
    assert "Cache-Control 'public, max-age=60'" in verdict.evidence


def test_private_assets_fail() -> None:
    with serve_asgi(frontend_app(asset_cache="private, max-age=31536000")) as url:
        assert judge(CDN, _frontend(url)).status is Status.FAILED


def test_cdn_without_assets_or_frontend_is_unverified() -> None:
    verdict = judge(CDN, settings("https://127.0.0.1:1"))
    assert verdict.status is Status.UNVERIFIED
    assert "cdn.asset_urls" in verdict.evidence


def test_api_with_etag_and_304_passes() -> None:
    with serve_asgi(api_app()) as url:
        verdict = judge(CACHING, settings(url, caching={"paths": ["/agents"]}))
    assert verdict.status is Status.PASSED
    assert "If-None-Match" in verdict.evidence and "-> 304" in verdict.evidence


def test_api_without_etag_fails() -> None:
    with serve_asgi(api_app(etag=False)) as url:
        verdict = judge(CACHING, settings(url, caching={"paths": ["/agents"]}))
    assert verdict.status is Status.FAILED
    assert "sends neither ETag nor Last-Modified" in verdict.evidence


def test_api_ignoring_if_none_match_fails() -> None:
    with serve_asgi(api_app(honour_304=False)) as url:
        verdict = judge(CACHING, settings(url, caching={"paths": ["/agents"]}))
    assert verdict.status is Status.FAILED
    assert "answered 200 to If-None-Match" in verdict.evidence


def test_api_marked_no_store_fails() -> None:
    with serve_asgi(api_app(cache_control="no-store")) as url:
        verdict = judge(CACHING, settings(url, caching={"paths": ["/agents"]}))
    assert verdict.status is Status.FAILED
    assert "does not allow caching" in verdict.evidence


def test_api_caching_without_paths_is_unverified() -> None:
    verdict = judge(CACHING, settings("https://127.0.0.1:1"))
    assert verdict.status is Status.UNVERIFIED
    assert "caching.paths" in verdict.evidence


def test_api_caching_on_a_silent_port_is_an_error(silent_port: int) -> None:
    url = f"http://127.0.0.1:{silent_port}"
    verdict = judge(CACHING, settings(url, caching={"paths": ["/agents"]}))
    assert verdict.status is Status.ERROR
