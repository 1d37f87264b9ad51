"""Issue 9 rows through whole lines: a hostile body, a secret with a line break."""

from __future__ import annotations

import time

import pytest

from pytest_biothings_ready.model import Status
from tests.support.evaluate import judge
from tests.support.servers import serve_asgi
from tests.transport.apps import hostile_app, recording_app

HEALTH = "Health checks passing"
AUTHN = "User authentication working"
APIKEY = "GOOGLE_API_KEY is set and valid"
SECRET = "sk-live-0123456789abcdef"


def test_a_health_path_streaming_forever_errors_at_the_deadline_and_stops() -> None:
    app, seen = hostile_app(trickle_s=0.2)
    with serve_asgi(app) as url:
        started = time.monotonic()
        verdict = judge(HEALTH, {"base_url": url, "health_path": "/trickle", "timeout_s": 2})
        elapsed = time.monotonic() - started
        time.sleep(0.5)
        after = seen.streamed
        time.sleep(0.6)
        assert seen.streamed == after, "the download goes on after the item gave up"
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "no complete answer within 2 s" in verdict.evidence
    assert elapsed < 3.5


def test_a_huge_health_body_is_cut_at_the_cap() -> None:
    app, _ = hostile_app(body_bytes=30 * 1024 * 1024)
    with serve_asgi(app) as url:
        settings = {"base_url": url, "health_path": "/big", "timeout_s": 5}
        verdict = judge(HEALTH, {**settings, "max_body_bytes": 1_000_000})
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "max_body_bytes" in verdict.evidence


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r"])
def test_a_token_with_a_trailing_line_break_never_leaks(ending: str) -> None:
    app, seen = recording_app()
    with serve_asgi(app) as url:
        auth = {"token": SECRET + ending, "protected_path": "/api/me"}
        verdict = judge(AUTHN, {"base_url": url, "timeout_s": 2, "auth": auth})
    assert SECRET not in verdict.evidence
    assert SECRET[:12] not in verdict.evidence
    assert all(SECRET not in str(h) for _, _, h in seen.requests)


@pytest.mark.parametrize("ending", ["\r\n", "\n"])
def test_an_api_key_with_a_trailing_line_break_never_leaks(ending: str) -> None:
    app, _ = recording_app()
    with serve_asgi(app) as url:
        settings = {
            "base_url": url,
            "timeout_s": 2,
            "secrets": {"GOOGLE_API_KEY": SECRET + ending},
            "llm": {"base_url": url + "/v1beta"},
        }
        verdict = judge(APIKEY, settings)
    # a key no HTTP client can send is observed broken: the line fails (never passes)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert SECRET not in verdict.evidence and SECRET[:12] not in verdict.evidence
    assert "ends with a" in verdict.evidence


HTTPS = "HTTPS enforced (HTTP redirects to HTTPS)"


def test_refused_plain_http_names_http_url_and_an_untrusted_cert_names_ca_bundle(
    tmp_path,
) -> None:
    from tests.support.servers import free_port, make_tls_files

    tls = make_tls_files(tmp_path)
    app, _ = recording_app()
    with serve_asgi(app, tls=tls) as url:
        settings = {"base_url": url, "http_url": f"http://127.0.0.1:{free_port()}", "timeout_s": 2}
        verdict = judge(HTTPS, settings)
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "connection refused" in verdict.evidence
    assert "`http_url`" in verdict.evidence
    assert "`ca_bundle`" in verdict.evidence
