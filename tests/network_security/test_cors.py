"""CORS preflight matrix against real Starlette services on loopback."""

from __future__ import annotations

import time

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
    assert "from https://evil.example: allowed" in verdict.evidence
    assert "from null: allowed" in verdict.evidence


def test_wildcard_with_credentials_fails():
    with serve_asgi(apps.wildcard_credentials_app()) as url:
        verdict = judge(LINE, _settings(url))
    assert verdict.status is Status.FAILED
    assert "Access-Control-Allow-Origin * with credentials" in verdict.evidence


def test_service_without_cors_for_the_production_origin_fails():
    with serve_asgi(apps.plain_app()) as url:
        verdict = judge(LINE, _settings(url))
    assert verdict.status is Status.FAILED
    assert f"from {apps.APP_ORIGIN}: not allowed (no Access-Control-Allow-Origin)" in (
        verdict.evidence
    )


def test_allowing_another_origin_than_configured_fails():
    with serve_asgi(apps.cors_app("https://old.example.org")) as url:
        verdict = judge(LINE, _settings(url))
    assert verdict.status is Status.FAILED
    assert "not allowed" in verdict.evidence


def test_configured_path_and_foreign_origin_are_used():
    with serve_asgi(apps.cors_app(apps.APP_ORIGIN, "https://partner.example")) as url:
        verdict = judge(
            LINE,
            _settings(
                url, cors={"path": "/api/health", "foreign_origin": "https://partner.example"}
            ),
        )
    assert verdict.status is Status.FAILED
    assert "from https://partner.example: allowed" in verdict.evidence


def test_missing_allowed_origins_is_unverified_naming_the_key():
    verdict = judge(LINE, {"base_url": "http://127.0.0.1:9", "timeout_s": 1})
    assert verdict.status is Status.UNVERIFIED
    assert "cors_allowed_origins" in verdict.evidence


def test_unreachable_service_is_an_error(closed_port):
    verdict = judge(LINE, _settings(f"http://127.0.0.1:{closed_port}"))
    assert verdict.status is Status.ERROR
    assert "ConnectError" in verdict.evidence


def test_silent_service_is_an_error_within_the_timeout(silent_port):
    began = time.monotonic()
    verdict = judge(LINE, _settings(f"http://127.0.0.1:{silent_port}", timeout_s=1))
    assert verdict.status is Status.ERROR
    assert "Timeout" in verdict.evidence
    assert time.monotonic() - began < 1 + 1.5


def test_garbage_speaking_service_is_an_error(garbage_port):
    verdict = judge(LINE, _settings(f"http://127.0.0.1:{garbage_port}"))
    assert verdict.status is Status.ERROR
    assert "RemoteProtocolError" in verdict.evidence


def test_wildcard_without_credentials_still_fails_for_letting_any_origin_in():
    with serve_asgi(apps.cors_app("*", credentials=False)) as url:
        verdict = judge(LINE, _settings(url))
    assert verdict.status is Status.FAILED
    assert "from https://evil.example: allowed (Access-Control-Allow-Origin *)" in (
        verdict.evidence
    )


def test_preflight_method_not_allowed_for_the_origin_fails():
    with serve_asgi(apps.cors_app(apps.APP_ORIGIN)) as url:
        verdict = judge(LINE, _settings(url, cors={"method": "DELETE"}))
    assert verdict.status is Status.FAILED
    assert "preflight from https://app.example.org: preflight for DELETE answered 400" in (
        verdict.evidence
    )
