"""CORS preflight matrix against real Starlette services on loopback."""

from __future__ import annotations

import time

import pytest

from pytest_biothings_ready.model import Status
from tests.network_security import apps
from tests.support.evaluate import judge
from tests.support.servers import make_tls_files, serve_asgi

LINE = "CORS is properly configured for production domains"


def _settings(url: str, **extra: object) -> dict[str, object]:
    return {"base_url": url, "timeout_s": 2, "cors_allowed_origins": [apps.APP_ORIGIN], **extra}


def test_single_allowed_origin_with_credentials_passes(tmp_path):
    tls = make_tls_files(tmp_path)
    with serve_asgi(apps.cors_app(apps.APP_ORIGIN), tls=tls) as url:
        verdict = judge(LINE, _settings(url, ca_bundle=str(tls.ca_pem)))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert apps.APP_ORIGIN in verdict.evidence
    assert "with credentials" in verdict.evidence


def test_reflecting_any_origin_with_credentials_fails():
    with serve_asgi(apps.cors_app(regex=".*")) as url:
        verdict = judge(LINE, _settings(url))
    assert verdict.status is Status.FAILED
    assert "https://evil.example (foreign origin): reflected" in verdict.evidence
    assert "on /api/health (preflight/simple/credentialed)" in verdict.evidence
    assert "with credentials" in verdict.evidence


def test_wildcard_with_credentials_fails():
    with serve_asgi(apps.wildcard_credentials_app()) as url:
        verdict = judge(LINE, _settings(url))
    assert verdict.status is Status.FAILED
    assert "Access-Control-Allow-Origin * with credentials" in verdict.evidence


def test_service_without_cors_for_the_production_origin_fails():
    with serve_asgi(apps.plain_app()) as url:
        verdict = judge(LINE, _settings(url))
    assert verdict.status is Status.FAILED
    assert f"{apps.APP_ORIGIN} (configured origin refused)" in verdict.evidence
    assert "on /api/health (" in verdict.evidence


def test_allowing_another_origin_than_configured_fails():
    with serve_asgi(apps.cors_app("https://old.example.org")) as url:
        verdict = judge(LINE, _settings(url))
    assert verdict.status is Status.FAILED
    assert "configured origin refused" in verdict.evidence


def test_configured_path_and_foreign_origin_are_used():
    with serve_asgi(apps.cors_app(apps.APP_ORIGIN, "https://partner.example")) as url:
        verdict = judge(
            LINE,
            _settings(
                url, cors={"path": "/api/health", "foreign_origin": "https://partner.example"}
            ),
        )
    assert verdict.status is Status.FAILED
    assert "https://partner.example (foreign origin): reflected" in verdict.evidence


def test_missing_allowed_origins_is_unverified_naming_the_key():
    verdict = judge(LINE, {"base_url": "http://127.0.0.1:9", "timeout_s": 1})
    assert verdict.status is Status.UNVERIFIED
    assert "cors_allowed_origins" in verdict.evidence


def test_unreachable_service_is_an_error(closed_port):
    verdict = judge(LINE, _settings(f"http://127.0.0.1:{closed_port}"))
    assert verdict.status is Status.ERROR
    assert "connection refused (ConnectError)" in verdict.evidence


def test_silent_service_is_an_error_within_the_timeout(silent_port):
    began = time.monotonic()
    verdict = judge(LINE, _settings(f"http://127.0.0.1:{silent_port}", timeout_s=1))
    assert verdict.status is Status.ERROR
    assert "no answer within 1 s" in verdict.evidence
    assert time.monotonic() - began < 1 + 1.5


def test_garbage_speaking_service_is_an_error(garbage_port):
    verdict = judge(LINE, _settings(f"http://127.0.0.1:{garbage_port}"))
    assert verdict.status is Status.ERROR


def test_wildcard_without_credentials_still_fails_for_letting_any_origin_in():
    with serve_asgi(apps.cors_app("*", credentials=False)) as url:
        verdict = judge(LINE, _settings(url))
    assert verdict.status is Status.FAILED
    assert "https://evil.example (foreign origin): allowed " in verdict.evidence
    assert "(Access-Control-Allow-Origin *)" in verdict.evidence


def test_preflight_method_not_allowed_for_the_origin_fails():
    with serve_asgi(apps.cors_app(apps.APP_ORIGIN)) as url:
        verdict = judge(LINE, _settings(url, cors={"method": "DELETE"}))
    assert verdict.status is Status.FAILED
    assert "https://app.example.org (configured origin refused): preflight for DELETE" in (
        verdict.evidence
    )
    assert "answered 400, browsers require 2xx" in verdict.evidence


# --- a target that lacks the property next to where a narrow probe looks ------------

API = {"smoke": [{"name": "items", "path": "/api/items"}]}


@pytest.mark.parametrize(
    ("rule", "origin", "kind"),
    [
        (apps.prefix_match, "https://app.example.org.evil.example", "prefix look-alike"),
        (apps.suffix_match, "https://evilexample.org", "suffix look-alike"),
        (apps.suffix_match, "https://evil.example.org", "sibling subdomain"),
        (apps.suffix_match, "https://evil.app.example.org", "child subdomain"),
        (apps.host_only_match, "http://app.example.org", "scheme change"),
        (apps.host_only_match, "https://app.example.org:444", "port change"),
        (apps.reflects_null, "null", "null origin"),
        (apps.unescaped_dot_regex, "https://app-example.org", "unescaped dot"),
    ],
)
def test_look_alike_of_the_allowed_origin_reflected_with_credentials_fails(rule, origin, kind):
    with serve_asgi(apps.hand_rolled_cors_app(rule)) as url:
        verdict = judge(LINE, _settings(url, **API))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert f"{origin} ({kind}): reflected (Access-Control-Allow-Origin {origin} with " in (
        verdict.evidence
    )
    assert "credentials) on /api/health (preflight/simple/credentialed)" in verdict.evidence


def test_exact_hand_rolled_cors_passes_on_every_path():
    with serve_asgi(apps.hand_rolled_cors_app(apps.exact)) as url:
        verdict = judge(LINE, _settings(url, **API))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "no hostile origin allowed anywhere" in verdict.evidence
    assert "3 paths (/api/health, /, /api/items)" in verdict.evidence
    assert "https://app.example.org.evil.example" in verdict.evidence  # what was sampled


def test_strict_health_path_but_reflecting_api_paths_fails_naming_the_path():
    with serve_asgi(apps.hand_rolled_cors_app(apps.strict_on_health_only)) as url:
        verdict = judge(LINE, _settings(url, **API))
    assert verdict.status is Status.FAILED
    assert "https://evil.example (foreign origin): reflected" in verdict.evidence
    assert "/api/items (preflight/credentialed)" in verdict.evidence
    assert "/api/health (" not in verdict.evidence.split("Sampled:")[0]


def test_reflection_on_a_path_only_the_openapi_document_names_fails():
    app = apps.hand_rolled_cors_app(
        apps.reflects_on_hidden_path, openapi=["/api/hidden", "/x/{id}"]
    )
    with serve_asgi(app) as url:
        verdict = judge(LINE, _settings(url))
    assert verdict.status is Status.FAILED
    assert "https://evil.example (foreign origin): reflected" in verdict.evidence
    assert "on /api/hidden (preflight/credentialed)" in verdict.evidence
    assert "OpenAPI /openapi.json: 1 paths (1 templated skipped)" in verdict.evidence


def test_configured_origin_refused_everywhere_fails():
    with serve_asgi(apps.hand_rolled_cors_app(apps.refuses_everyone)) as url:
        verdict = judge(LINE, _settings(url))
    assert verdict.status is Status.FAILED
    assert f"{apps.APP_ORIGIN} (configured origin refused)" in verdict.evidence
    assert "on /api/health (" in verdict.evidence


def test_request_count_is_bounded_and_paths_beyond_the_cap_are_named():
    with serve_asgi(apps.hand_rolled_cors_app(apps.exact)) as url:
        settings = _settings(url, cors={"max_requests": 30}, **API)
        verdict = judge(LINE, settings)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "not sampled (cors.max_requests): /, /api/items" in verdict.evidence
    requests = int(verdict.evidence.split("Sampled: ")[1].split(" requests")[0])
    assert requests <= 30


def test_every_allowed_origin_gets_its_own_look_alikes():
    origins = [apps.APP_ORIGIN, "https://admin.example.net"]
    with serve_asgi(apps.hand_rolled_cors_app(lambda o, p: o in origins)) as url:
        verdict = judge(LINE, {**_settings(url), "cors_allowed_origins": origins})
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "https://admin.example.net.evil.example" in verdict.evidence
    assert "https://evilexample.net" in verdict.evidence


def test_api_path_behind_a_limiter_answering_429_to_everything_is_an_error_not_a_pass():
    inner = apps.hand_rolled_cors_app(apps.exact)

    async def limited_items(scope, receive, send):
        if scope["type"] == "http" and scope["path"] == "/api/items":
            await send({"type": "http.response.start", "status": 429, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        await inner(scope, receive, send)

    with serve_asgi(limited_items) as url:
        verdict = judge(LINE, _settings(url, **API))
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "every hostile-origin request on /api/items was answered 429" in verdict.evidence


def _api_only(origin: str, path: str) -> bool:
    """CORS on the API paths only; the health path answers without CORS headers."""
    return origin == apps.APP_ORIGIN and path.startswith("/api/") and path != "/api/health"


def test_health_path_without_cors_passes_when_an_api_path_allows_the_origin():
    with serve_asgi(apps.hand_rolled_cors_app(_api_only)) as url:
        verdict = judge(LINE, _settings(url, **API))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert f"{apps.APP_ORIGIN} on /api/items allowed" in verdict.evidence


def test_explicit_cors_path_must_allow_the_configured_origin_itself():
    with serve_asgi(apps.hand_rolled_cors_app(_api_only)) as url:
        verdict = judge(LINE, _settings(url, cors={"path": "/api/health"}, **API))
    assert verdict.status is Status.FAILED
    assert f"{apps.APP_ORIGIN} (configured origin refused)" in verdict.evidence
    assert "on /api/health (" in verdict.evidence


def test_a_target_that_reflects_only_to_browser_like_requests_is_caught():
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Route

    app = Starlette(
        routes=[Route("/api/health", apps._ok)],
        middleware=[Middleware(apps.ReflectsOnlyForBrowsers, allows=apps.exact)],
    )
    with serve_asgi(app) as url:
        verdict = judge(LINE, _settings(url))
    assert verdict.status is Status.FAILED
    assert "https://evil.example (foreign origin): reflected" in verdict.evidence
