"""Caching, CDN and frontend lines against targets that look right to a narrow probe."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from pytest_biothings_ready.model import Status
from pytest_biothings_ready.probes.web.browser import AssetRef, asset_refs, refusal
from pytest_biothings_ready.probes.web.cachecontrol import parse_cache_control
from tests.network_web.apps import settings
from tests.support.evaluate import judge
from tests.support.servers import make_tls_files, serve_asgi

CACHING = "API response caching implemented"
CDN = "CDN configured for static assets"
FRONTEND = "Frontend loading correctly"
BODY = b'[{"name":"planner"}]'
TAG = '"v1-planner"'
JS = b"window.ready = 1;\n"
SHA384 = "sha384-" + base64.b64encode(hashlib.sha384(JS).digest()).decode()
SPA = b"<!doctype html><html><body><div id=root></div></body></html>"


def _api(mode: str) -> Starlette:
    """``/agents``: ``correct``, ``any-304``, ``bare-304``, ``changing-etag``,
    ``no-store-max-age``, ``double-max-age``, ``vary-star``, ``any-ims``, ``ims``,
    ``frozen-etag`` (one strong ETag for content that changes every time)."""
    issued = iter(range(1_000_000))

    async def agents(request: Request) -> Response:
        control = {
            "no-store-max-age": "max-age=600, no-store",
            "double-max-age": "max-age=600, max-age=0",
            "private": "private, max-age=600",
        }.get(mode, "public, max-age=30")
        headers = {"Cache-Control": control}
        if mode == "vary-star":
            headers["Vary"] = "*"
        if mode in ("any-ims", "ims", "bad-date"):
            good = "Mon, 02 Nov 2026 10:00:00 GMT"
            headers["Last-Modified"] = "2026-11-02T10:00:00Z" if mode == "bad-date" else good
            since = request.headers.get("if-modified-since")
            if since and (mode != "ims" or "2026" in since):
                return Response(status_code=304, headers=headers)
            return Response(BODY, media_type="application/json", headers=headers)
        tag = f'"v{next(issued)}"' if mode == "changing-etag" else TAG
        tag = "v1-planner" if mode == "bare-etag" else tag
        headers["ETag"] = tag
        asked = request.headers.get("if-none-match")
        if mode == "frozen-etag" and asked != TAG:
            return Response(b'[{"n":%d}]' % next(issued), headers=headers)
        if asked and (mode == "any-304" or asked == tag):
            return Response(status_code=304, headers={} if mode == "bare-304" else headers)
        if asked == TAG and mode == "bare-304":
            return Response(status_code=304)
        return Response(BODY, media_type="application/json", headers=headers)

    return Starlette(routes=[Route("/agents", agents)])


@pytest.fixture
def api(request: pytest.FixtureRequest) -> Iterator[str]:
    with serve_asgi(_api(request.param)) as url:
        yield url


def _caching(url: str) -> Any:
    return judge(CACHING, settings(url, caching={"paths": ["/agents"]}))


@pytest.mark.parametrize(
    ("api", "said"),
    [
        ("any-304", "answered 304 to a validator it never issued"),
        ("any-ims", "answered 304 to a validator it never issued (If-Modified-Since: Thu, 01"),
        ("bare-304", "answered 304 without the ETag its 200 carries"),
        ("changing-etag", "answered 200 to If-None-Match"),
        ("no-store-max-age", "(no-store forbids storing it)"),
        ("double-max-age", "(max-age is invalid (duplicated or not a number))"),
        ("vary-star", "Vary: * makes every stored answer unusable"),
        ("frozen-etag", "sent the same strong ETag with different content"),
        ("bare-etag", "sends ETag 'v1-planner', not a quoted entity-tag"),
        ("private", "is private although the answer was served without credentials"),
        ("bad-date", "sends Last-Modified '2026-11-02T10:00:00Z', not an HTTP date"),
    ],
    indirect=["api"],
)
def test_an_api_that_only_looks_cacheable_fails(api: str, said: str) -> None:
    verdict = _caching(api)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert said in verdict.evidence


@pytest.mark.parametrize("api", ["correct", "ims"], indirect=True)
def test_an_api_revalidating_its_own_validator_only_passes(api: str) -> None:
    verdict = _caching(api)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "made-up" in verdict.evidence and "-> 200" in verdict.evidence


def _site(page: str, assets: dict[str, tuple[bytes, dict[str, str]]]) -> Starlette:
    async def index(request: Request) -> Response:
        return HTMLResponse(page)

    async def asset(request: Request) -> Response:
        body, headers = assets.get(request.url.path, (SPA, {"Content-Type": "text/html"}))
        return Response(body, headers={"Cache-Control": "public, max-age=31536000", **headers})

    return Starlette(routes=[Route("/", index), Route("/{rest:path}", asset)])


JS_OK = (JS, {"Content-Type": "text/javascript", "X-Cache": "HIT"})
CSS_OK = (b"body{}", {"Content-Type": "text/css", "X-Cache": "HIT"})
DOCTYPE = "<!doctype html><html><head>{head}</head><body>app</body></html>"


def _frontend(
    page: str, assets: dict[str, tuple[bytes, dict[str, str]]], line: str = FRONTEND
) -> Any:
    with serve_asgi(_site(page, assets)) as url:
        return judge(line, settings(url, frontend_url=url + "/"))


def test_assets_a_browser_does_not_load_are_not_fetched_and_base_href_is_followed() -> None:
    head = (
        '<base href="/static/"><script src="app.js"></script>'
        '<script nomodule src="/legacy.js"></script>'
        '<script type="text/template" src="/tpl.html"></script>'
        '<link rel="alternate stylesheet" href="/alt.css">'
    )
    verdict = _frontend(DOCTYPE.format(head=head), {"/static/app.js": JS_OK})
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "1 assets loaded" in verdict.evidence and "/static/app.js (200)" in verdict.evidence


@pytest.mark.parametrize(
    ("head", "assets", "said"),
    [
        ('<script src="/missing.js"></script>', {}, "answered an HTML page, not the asset"),
        (
            '<script src="/a.js"></script>',
            {"/a.js": (b"x=1", {"Content-Type": "text/html"})},
            "served as text/html",
        ),
        (
            '<script type="module" src="/a.js"></script>',
            {"/a.js": (JS, {"Content-Type": "text/plain"})},
            "refused as a module script",
        ),
        (
            '<script src="/a.js"></script>',
            {"/a.js": (JS, {"Content-Type": "text/plain", "X-Content-Type-Options": "nosniff"})},
            "refused as under nosniff",
        ),
        (
            '<link rel="stylesheet" href="/a.css">',
            {"/a.css": (b"body{}", {"Content-Type": "text/plain"})},
            "not text/css: a browser ignores the stylesheet",
        ),
        (
            f'<script src="/a.js" integrity="sha384-{"A" * 64}"></script>',
            {"/a.js": JS_OK},
            "do not match integrity sha384",
        ),
        (
            '<script src="/a.js"></script>',
            {"/a.js": (b"  \n", {"Content-Type": "text/javascript"})},
            "answered an empty body",
        ),
        (
            '<link rel="stylesheet" href="/a.css">',
            {"/a.css": (b'{"error": "not found"}', {"Content-Type": "application/json"})},
            'answered an error document (error: "not found")',
        ),
        ("", {}, None),
    ],
)
def test_assets_a_browser_would_refuse_fail_the_frontend(
    head: str, assets: dict[str, tuple[bytes, dict[str, str]]], said: str | None
) -> None:
    page = DOCTYPE.format(head=head) if said else "   "
    verdict = _frontend(page, assets)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert (said or "answered an empty page") in verdict.evidence


@pytest.mark.parametrize("title", ["Welcome to nginx!", "502 Bad Gateway"])
def test_a_default_or_error_page_served_with_200_fails_the_frontend(title: str) -> None:
    page = f"<!doctype html><html><head><title>{title}</title></head><body>x</body></html>"
    verdict = _frontend(page, {})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert f"answered an error or default page (HTML title {title!r})" in verdict.evidence


def _moved(asset_to: str) -> Starlette:
    """``/`` moved to ``/app/``, whose ``app.js`` moved to ``asset_to``."""
    page = DOCTYPE.format(head='<script src="app.js"></script>')

    async def moved(request: Request) -> Response:
        target = "/app/" if request.url.path == "/" else asset_to
        return RedirectResponse(target, status_code=301 if target == "/app/" else 302)

    async def app_page(request: Request) -> Response:
        return HTMLResponse(page)

    async def bundle(request: Request) -> Response:
        return Response(JS, headers={"Content-Type": "text/javascript"})

    async def login(request: Request) -> Response:
        return HTMLResponse("<!doctype html><html><body><form>log in</form></body></html>")

    routes = [Route("/", moved), Route("/app/", app_page), Route("/app/app.js", moved)]
    routes += [Route("/app/app.1f2e.js", bundle), Route("/login", login)]
    return Starlette(routes=routes)


@pytest.mark.parametrize(
    ("asset_to", "status"), [("/app/app.1f2e.js", Status.PASSED), ("/login", Status.FAILED)]
)
def test_redirects_are_followed_as_a_browser_follows_them(asset_to: str, status: Status) -> None:
    with serve_asgi(_moved(asset_to)) as url:
        verdict = judge(FRONTEND, settings(url, frontend_url=url + "/"))
    assert verdict.status is status, verdict.evidence
    assert f"{url}/app/app.js" in verdict.evidence


def test_a_page_whose_assets_a_browser_would_run_passes() -> None:
    head = (
        f'<script src="/a.js" integrity="{SHA384} sha256-bogus"></script>'
        '<script type="module" src="/a.js"></script><link rel="stylesheet" href="/a.css">'
    )
    verdict = _frontend(DOCTYPE.format(head=head), {"/a.js": JS_OK, "/a.css": CSS_OK})
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "2 assets loaded" in verdict.evidence


def test_an_http_script_on_an_https_page_fails_as_mixed_content(tmp_path: Any) -> None:
    tls = make_tls_files(tmp_path)
    with serve_asgi(_site("", {"/a.js": JS_OK})) as plain:  # answers 200 over plain HTTP
        page = DOCTYPE.format(head=f'<script src="{plain}/a.js"></script>')
        with serve_asgi(_site(page, {"/a.js": JS_OK}), tls=tls) as site:
            extra = {"ca_bundle": str(tls.ca_pem), "hosts": ["127.0.0.1"]}
            verdict = judge(FRONTEND, settings(site, frontend_url=site + "/", **extra))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "blocked as mixed content" in verdict.evidence


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "text/javascript", "CDN-Cache-Control": "max-age=31536000"},
        {"Content-Type": "text/javascript", "X-Cache": ""},
    ],
)
def test_an_origin_header_or_an_empty_one_is_not_a_cdn(headers: dict[str, str]) -> None:
    page = DOCTYPE.format(head='<script src="/a.js"></script>')
    verdict = _frontend(page, {"/a.js": (JS, headers)}, CDN)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "carries no CDN header" in verdict.evidence


@pytest.mark.parametrize(
    "control", ["public, max-age=31536000, no-cache", "public, max-age=31536000, max-age=60"]
)
def test_asset_caching_that_forces_revalidation_or_conflicts_fails_the_cdn(control: str) -> None:
    page = DOCTYPE.format(head='<script src="/a.js"></script>')
    headers = {"Content-Type": "text/javascript", "X-Cache": "HIT", "Cache-Control": control}
    verdict = _frontend(page, {"/a.js": (JS, headers)}, CDN)
    assert verdict.status is Status.FAILED, verdict.evidence


def test_cache_control_is_parsed_with_quotes_case_and_duplicates() -> None:
    parsed = parse_cache_control('Public, Max-Age="60", community="a, no-store"')
    assert parsed.seconds("max-age") == 60 and not parsed.has("no-store") and parsed.has("public")
    assert parse_cache_control("max-age=60, s-maxage=600").shared_lifetime == 600
    assert parse_cache_control("max-age=60, max-age=60").conflicts == ()
    assert parse_cache_control("max-age=abc").seconds("max-age") is None
    assert parse_cache_control("no-store").storable() == "no-store forbids storing it"


def test_asset_references_keep_kind_and_integrity() -> None:
    html = (
        '<script type=module src=m.js integrity="sha256-x"></script>'
        '<link rel="Stylesheet" href=/s.css>'
    )
    assert asset_refs(html, "https://h/p/") == [
        AssetRef("https://h/p/m.js", "module", "sha256-x"),
        AssetRef("https://h/s.css", "stylesheet"),
    ]
    quirks = AssetRef("https://h/s.css", "stylesheet")
    assert refusal(quirks, "https://h/", "<html>", "text/plain", False, b"body{}") is None


def test_cdn_headers_on_some_assets_do_not_vouch_for_assets_on_unchecked_hosts() -> None:
    head = '<script src="/a.js"></script><script src="https://cdn.elsewhere.test/b.js"></script>'
    verdict = _frontend(DOCTYPE.format(head=head), {"/a.js": JS_OK}, CDN)
    assert verdict.status is Status.UNVERIFIED, verdict.evidence
    assert "https://cdn.elsewhere.test/b.js" in verdict.evidence
