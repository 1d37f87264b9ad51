"""Browser lines decided by a real headless Chromium on loopback pages."""

from __future__ import annotations

from typing import Any

from pytest_biothings_ready.model import Status, Verdict
from tests.support.evaluate import judge
from tests.support.pages import api_app, pages_app
from tests.support.servers import free_port, serve_asgi

JS = "No JavaScript errors"
INTEGRATION = "Frontend-backend integration verified"


def _verdict(
    line: str,
    url: str,
    *pages: str,
    binary: str = "",
    long_polls: tuple[str, ...] | list[str] = (),
    **extra: Any,
) -> Verdict:
    settings: dict[str, Any] = {"frontend_url": url, "timeout_s": 5}
    settings.update(extra)
    browser: dict[str, Any] = {"pages": list(pages), "settle_ms": 200}
    if binary:
        browser["binary"] = binary
    if long_polls:
        browser["long_polls"] = list(long_polls)
    settings["browser"] = browser
    return judge(line, settings)


def test_a_clean_page_passes_no_javascript_errors(site: str) -> None:
    verdict = _verdict(JS, f"{site}/clean", "/calls-api")
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "load event" in verdict.evidence


def test_a_page_that_throws_fails(site: str) -> None:
    verdict = _verdict(JS, f"{site}/clean", "/throws")
    assert verdict.status is Status.FAILED
    assert "uncaught TypeError" in verdict.evidence
    assert "/throws" in verdict.evidence


def test_a_console_error_fails(site: str) -> None:
    verdict = _verdict(JS, f"{site}/console-error")
    assert verdict.status is Status.FAILED
    assert "console.error: cannot render widget" in verdict.evidence


def test_a_missing_script_fails(site: str) -> None:
    verdict = _verdict(JS, f"{site}/missing-script")
    assert verdict.status is Status.FAILED
    assert "nope.js answered 404" in verdict.evidence


def test_a_script_that_never_arrives_is_an_error_within_the_timeout(site: str) -> None:
    verdict = _verdict(JS, f"{site}/slow-script", timeout_s=1)
    assert verdict.status is Status.ERROR
    assert "no answer within 1 s" in verdict.evidence
    assert "slow.js" in verdict.evidence


def test_a_page_that_answers_404_fails(site: str) -> None:
    verdict = _verdict(JS, f"{site}/no-such-page")
    assert verdict.status is Status.FAILED
    assert "answered 404" in verdict.evidence


def test_a_page_loading_from_another_host_is_unverified_naming_it(site: str) -> None:
    verdict = _verdict(JS, f"{site}/external")
    assert verdict.status is Status.UNVERIFIED
    assert "cdn.example.invalid" in verdict.evidence


def test_errors_caused_by_a_blocked_script_do_not_fail_the_page(site: str) -> None:
    verdict = _verdict(JS, f"{site}/needs-cdn")
    assert verdict.status is Status.UNVERIFIED  # lib.js was not fetched: not the page's fault
    assert "cdn.example.invalid" in verdict.evidence


def test_api_calls_answering_2xx_pass_integration(site: str) -> None:
    verdict = _verdict(INTEGRATION, f"{site}/calls-api")
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "/api/data -> 200" in verdict.evidence


def test_an_api_call_without_an_answer_is_an_error_unless_a_declared_long_poll(
    site: str,
) -> None:
    waiting = _verdict(INTEGRATION, f"{site}/long-poll", timeout_s=1)
    assert waiting.status is Status.ERROR
    assert "/api/wait" in waiting.evidence
    declared = _verdict(INTEGRATION, f"{site}/long-poll", timeout_s=1, long_polls=["/api/wait"])
    assert declared.status is Status.PASSED, declared.evidence
    assert "/api/data -> 200" in declared.evidence
    assert "long polls still open (not judged): GET" in declared.evidence


def test_an_api_call_answering_500_fails_integration(site: str) -> None:
    verdict = _verdict(INTEGRATION, f"{site}/calls-api", "/calls-broken-api")
    assert verdict.status is Status.FAILED
    assert "/api/broken answered 500" in verdict.evidence


def test_a_cross_origin_api_without_cors_fails_and_with_cors_passes() -> None:
    loopback = {"hosts": ["127.0.0.1"]}  # the API's own port is in scope too
    with serve_asgi(api_app()) as bare_api, serve_asgi(pages_app(bare_api)) as site:
        verdict = _verdict(INTEGRATION, f"{site}/calls-api", **loopback)
    assert verdict.status is Status.FAILED
    assert "CORS" in verdict.evidence
    with serve_asgi(api_app("*")) as api, serve_asgi(pages_app(api)) as site:
        verdict = _verdict(INTEGRATION, f"{site}/calls-api", **loopback)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_an_api_on_a_port_the_environment_does_not_name_is_not_called() -> None:
    with serve_asgi(api_app("*")) as api, serve_asgi(pages_app(api)) as site:
        verdict = _verdict(INTEGRATION, f"{site}/calls-api")
    assert verdict.status is Status.UNVERIFIED
    assert api.removeprefix("http://") in verdict.evidence


def test_pages_without_api_calls_leave_integration_unverified(site: str) -> None:
    assert _verdict(INTEGRATION, f"{site}/clean").status is Status.UNVERIFIED


def test_an_unreachable_frontend_is_an_error() -> None:
    verdict = _verdict(JS, f"http://127.0.0.1:{free_port()}/")
    assert verdict.status is Status.ERROR
    assert "ERR_CONNECTION_REFUSED" in verdict.evidence


def test_a_browser_binary_that_does_not_exist_is_an_error(site: str) -> None:
    verdict = _verdict(JS, f"{site}/clean", binary="/nonexistent/chromium")
    assert verdict.status is Status.ERROR
    assert "no browser to run" in verdict.evidence
