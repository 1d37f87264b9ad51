"""HTTPS enforced: redirects and HSTS, proven against Debian's nginx on loopback."""

from __future__ import annotations

import time
from typing import Any

from pytest_biothings_ready.model import Status
from pytest_biothings_ready.probes.http import judge_redirect
from tests.network_web.conftest import REDIRECT, NginxFactory
from tests.support.evaluate import judge
from tests.support.servers import TlsFiles

LINE = "HTTPS enforced (HTTP redirects to HTTPS)"


def _settings(urls: tuple[str, str], tls: TlsFiles, **extra: Any) -> dict[str, Any]:
    https, http = urls
    return {
        "base_url": https,
        "http_url": http,
        "ca_bundle": str(tls.ca_pem),
        "timeout_s": 1.0,
        **extra,
    }


def test_nginx_redirecting_with_long_hsts_passes(nginx: NginxFactory, tls: TlsFiles) -> None:
    verdict = judge(LINE, _settings(nginx(), tls))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "each answered 301/308 to the same path on HTTPS, which answered 200" in (
        verdict.evidence
    )
    assert "max-age=31536000 >= required 15552000" in verdict.evidence


def test_plain_http_serving_content_instead_of_redirecting_fails(
    nginx: NginxFactory, tls: TlsFiles
) -> None:
    verdict = judge(LINE, _settings(nginx(plain='return 200 "hello";'), tls))
    assert verdict.status is Status.FAILED
    assert "answered 200 (content); required: 301 or 308 to https" in verdict.evidence


def test_redirect_to_another_host_fails(nginx: NginxFactory, tls: TlsFiles) -> None:
    urls = nginx(plain="return 301 https://elsewhere.example$request_uri;")
    verdict = judge(LINE, _settings(urls, tls))
    assert verdict.status is Status.FAILED
    assert "redirects to another host: 'https://elsewhere.example/" in verdict.evidence


def test_temporary_redirect_fails(nginx: NginxFactory, tls: TlsFiles) -> None:
    verdict = judge(LINE, _settings(nginx(plain="return 302 {https}$request_uri;"), tls))
    assert verdict.status is Status.FAILED
    assert "answered 302 (a temporary redirect)" in verdict.evidence


def test_redirect_dropping_the_path_fails(nginx: NginxFactory, tls: TlsFiles) -> None:
    verdict = judge(LINE, _settings(nginx(plain="return 301 {https}/;"), tls))
    assert verdict.status is Status.FAILED
    assert "redirects to another path (/, asked /api/health)" in verdict.evidence


def test_missing_hsts_fails(nginx: NginxFactory, tls: TlsFiles) -> None:
    verdict = judge(LINE, _settings(nginx(hsts=None), tls))
    assert verdict.status is Status.FAILED
    assert "no Strict-Transport-Security header" in verdict.evidence


def test_hsts_shorter_than_threshold_fails(nginx: NginxFactory, tls: TlsFiles) -> None:
    verdict = judge(LINE, _settings(nginx(hsts="max-age=300"), tls))
    assert verdict.status is Status.FAILED
    assert "HSTS max-age=300 < required 15552000" in verdict.evidence


def test_hsts_threshold_comes_from_the_settings(nginx: NginxFactory, tls: TlsFiles) -> None:
    settings = _settings(nginx(hsts="max-age=300"), tls, thresholds={"hsts_min_age": 300})
    assert judge(LINE, settings).status is Status.PASSED


def test_server_header_revealing_a_version_is_reported(nginx: NginxFactory, tls: TlsFiles) -> None:
    verdict = judge(LINE, _settings(nginx(tokens="on"), tls))
    assert verdict.status is Status.PASSED
    assert "Server header reveals a version ('nginx/" in verdict.evidence
    assert "missing: Content-Security-Policy" in verdict.evidence


def test_extra_entry_points_are_checked_too(nginx: NginxFactory, tls: TlsFiles) -> None:
    good = nginx(plain=REDIRECT)
    _, bad_http = nginx(plain='return 200 "hi";')
    verdict = judge(LINE, _settings(good, tls, http={"entry_points": [bad_http]}))
    assert verdict.status is Status.FAILED
    assert bad_http + "/ answered 200" in verdict.evidence


def test_silent_http_port_is_an_error_within_the_timeout(
    nginx: NginxFactory, tls: TlsFiles, silent_port: int
) -> None:
    https, _ = nginx()
    started = time.monotonic()
    verdict = judge(LINE, _settings((https, f"http://127.0.0.1:{silent_port}"), tls))
    assert verdict.status is Status.ERROR
    assert "no answer within 1 s" in verdict.evidence
    assert time.monotonic() - started < 1.0 + 1.5


def test_garbage_answer_is_an_error(nginx: NginxFactory, tls: TlsFiles, garbage_port: int) -> None:
    https, _ = nginx()
    verdict = judge(LINE, _settings((https, f"http://127.0.0.1:{garbage_port}"), tls))
    assert verdict.status is Status.ERROR


def test_unreachable_https_is_an_error(tls: TlsFiles) -> None:
    from tests.support.servers import free_port

    port = free_port()
    verdict = judge(
        LINE,
        {"base_url": f"https://127.0.0.1:{port}", "timeout_s": 1.0, "ca_bundle": str(tls.ca_pem)},
    )
    assert verdict.status is Status.ERROR


def test_redirect_judgement_accepts_308_and_keeps_the_query() -> None:
    url = "http://a.example/p?q=1"
    https = ("a.example", 443)
    assert judge_redirect(url, 308, "https://a.example/p?q=1", https)[0] is None
    assert judge_redirect(url, 301, "https://a.example/p", https)[0] is not None
    assert "not https" in str(judge_redirect(url, 301, "/p?q=1", https)[0])


def test_content_on_http_fails_even_when_https_is_unreachable(
    nginx: NginxFactory, tls: TlsFiles
) -> None:
    from tests.support.servers import free_port

    _, http = nginx(plain='return 200 "hello";')
    https = f"https://127.0.0.1:{free_port()}"
    verdict = judge(LINE, _settings((https, http), tls))
    assert verdict.status is Status.FAILED
    assert "answered 200 (content)" in verdict.evidence and https in verdict.evidence


def _known(**extra: Any) -> dict[str, Any]:
    """Settings naming API paths besides / and the health path."""
    return {
        "smoke": [{"name": "items", "path": "/api/items"}],
        "caching": {"paths": ["/api/cached"]},
        "journey": [{"name": "j", "steps": [{"path": "/api/login"}, {"path": "/x/{{id}}"}]}],
        **extra,
    }


def test_api_paths_served_over_plain_http_fail_naming_the_path(
    nginx: NginxFactory, tls: TlsFiles
) -> None:
    plain = 'if ($uri ~ ^/api/items) { return 200 "items"; } ' + REDIRECT
    verdict = judge(LINE, _settings(nginx(plain=plain), tls, **_known()))
    assert verdict.status is Status.FAILED
    assert "/api/items answered 200 (content)" in verdict.evidence
    assert "/api/health" not in verdict.evidence.split(". ")[0]


def test_every_known_path_is_asked_and_named_in_the_evidence(
    nginx: NginxFactory, tls: TlsFiles
) -> None:
    verdict = judge(LINE, _settings(nginx(), tls, **_known()))
    assert verdict.status is Status.PASSED, verdict.evidence
    for path in ("/ ", "/api/health", "/api/items", "/api/cached", "/api/login"):
        assert path.strip() in verdict.evidence
    assert "{{id}}" not in verdict.evidence
    assert "5 plain-HTTP URLs asked" in verdict.evidence


def test_paths_beyond_the_cap_are_named_as_not_sampled(nginx: NginxFactory, tls: TlsFiles) -> None:
    verdict = judge(LINE, _settings(nginx(), tls, http={"max_paths": 2}, **_known()))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "not sampled (http.max_paths): /api/items, /api/login, /api/cached" in (verdict.evidence)


def test_backslash_at_location_that_a_browser_sends_elsewhere_fails(
    nginx: NginxFactory, tls: TlsFiles
) -> None:
    urls = nginx(plain='return 301 "https://evil.example\\\\@127.0.0.1:{port}$request_uri";')
    verdict = judge(LINE, _settings(urls, tls))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "redirects to another host" in verdict.evidence
    assert "a browser goes to https://evil.example/@127.0.0.1" in verdict.evidence


def test_redirect_to_another_https_port_fails_naming_the_port(
    nginx: NginxFactory, tls: TlsFiles
) -> None:
    verdict = judge(
        LINE, _settings(nginx(plain="return 301 https://127.0.0.1:9$request_uri;"), tls)
    )
    assert verdict.status is Status.FAILED
    assert "redirects to port 9" in verdict.evidence
    assert "the environment's HTTPS port (base_url) is" in verdict.evidence


def test_redirect_whose_https_target_sends_back_to_http_fails(
    nginx: NginxFactory, tls: TlsFiles, tmp_path: Any
) -> None:
    # A second nginx whose HTTPS side redirects every request back to plain HTTP.
    from tests.support.nginx import run_nginx
    from tests.support.servers import free_port

    https_port, http_port = free_port(), free_port()
    body = f"""
    server {{
        listen 127.0.0.1:{https_port} ssl;
        ssl_certificate {tls.cert_pem};
        ssl_certificate_key {tls.key_pem};
        add_header Strict-Transport-Security "max-age=31536000" always;
        location = / {{ return 200 "ok"; }}
        location / {{ return 301 http://127.0.0.1:{http_port}$request_uri; }}
    }}
    server {{
        listen 127.0.0.1:{http_port};
        location / {{ return 301 https://127.0.0.1:{https_port}$request_uri; }}
    }}
    """
    with run_nginx(tmp_path / "loop", body, (https_port, http_port)):
        urls = (f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}")
        verdict = judge(LINE, _settings(urls, tls))
    assert verdict.status is Status.FAILED
    assert "sends the browser back to http://127.0.0.1" in verdict.evidence


def test_duplicate_max_age_makes_hsts_invalid(nginx: NginxFactory, tls: TlsFiles) -> None:
    verdict = judge(LINE, _settings(nginx(hsts="max-age=31536000; max-age=0"), tls))
    assert verdict.status is Status.FAILED
    assert "is invalid (RFC 6797 §6.1: directive max-age appears more than once)" in (
        verdict.evidence
    )


def test_hsts_flags_are_read_and_reported(nginx: NginxFactory, tls: TlsFiles) -> None:
    hsts = "max-age=63072000; includeSubDomains; preload"
    verdict = judge(LINE, _settings(nginx(hsts=hsts), tls))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "(includeSubDomains, preload)" in verdict.evidence
