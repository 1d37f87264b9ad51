"""Health checks: 2xx within the threshold on every configured service."""

from __future__ import annotations

import time
from typing import Any

import pytest

from pytest_biothings_ready.model import Status
from tests.network_web.apps import catch_all_app, health_app, health_doc_app, settings
from tests.support.evaluate import judge
from tests.support.servers import free_port, serve_asgi

PASSING = "Health checks passing"
ALL = "All services responding to health checks"
# A handler still sleeping when the test ends must not hold up the server's exit.
QUICK_EXIT = {"timeout_graceful_shutdown": 0.2}


def test_healthy_service_passes() -> None:
    with serve_asgi(health_app()) as url:
        verdict = judge(PASSING, settings(url, health_path="/health"))
    assert verdict.status is Status.PASSED
    assert f"{url}/health -> 200 in" in verdict.evidence


def test_health_answering_503_fails() -> None:
    with serve_asgi(health_app(status=503)) as url:
        verdict = judge(PASSING, settings(url, health_path="/health"))
    assert verdict.status is Status.FAILED
    assert f"{url}/health answered 503; required 2xx" in verdict.evidence


def test_health_slower_than_the_threshold_fails() -> None:
    with serve_asgi(health_app(delay_s=0.3)) as url:
        verdict = judge(PASSING, settings(url, health_path="/health", health={"max_ms": 100}))
    assert verdict.status is Status.FAILED
    assert "> 100 ms" in verdict.evidence


def test_health_answering_after_a_minute_is_an_error_within_the_timeout() -> None:
    with serve_asgi(health_app(delay_s=60), **QUICK_EXIT) as url:
        started = time.monotonic()
        verdict = judge(PASSING, settings(url, health_path="/health"))
        elapsed = time.monotonic() - started
    assert verdict.status is Status.ERROR
    assert "no answer within 1 s" in verdict.evidence
    assert elapsed < 1.0 + 1.5


def test_unreachable_service_is_an_error() -> None:
    verdict = judge(PASSING, settings(f"http://127.0.0.1:{free_port()}"))
    assert verdict.status is Status.ERROR


def test_garbage_speaking_service_is_an_error(garbage_port: int) -> None:
    verdict = judge(PASSING, settings(f"http://127.0.0.1:{garbage_port}"))
    assert verdict.status is Status.ERROR


def test_all_services_fails_when_one_other_service_is_down() -> None:
    with serve_asgi(health_app()) as good, serve_asgi(health_app(status=500)) as bad:
        verdict = judge(
            ALL, settings(good, health_path="/health", health={"urls": [bad + "/health"]})
        )
    assert verdict.status is Status.FAILED
    assert f"{bad}/health answered 500" in verdict.evidence


def test_all_services_passes_when_every_service_answers() -> None:
    with serve_asgi(health_app()) as first, serve_asgi(health_app()) as second:
        verdict = judge(
            ALL, settings(first, health_path="/health", health={"urls": [second + "/health"]})
        )
    assert verdict.status is Status.PASSED
    assert second in verdict.evidence and "Only the main" not in verdict.evidence


def test_all_services_with_an_unreachable_one_is_an_error() -> None:
    with serve_asgi(health_app()) as good:
        other = f"http://127.0.0.1:{free_port()}/health"
        verdict = judge(ALL, settings(good, health_path="/health", health={"urls": [other]}))
    assert verdict.status is Status.ERROR
    assert other in verdict.evidence


# --- the body is read: a 200 that says "unhealthy" is not healthy (issue 13) ---------

API = {"health_path": "/api/health"}


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"status": "unhealthy", "db": "down"}, "status: unhealthy, db: down"),
        ({"status": "UP", "components": {"db": {"status": "DOWN"}}}, "db: down"),
        ({"status": "UP", "checks": [{"name": "redis", "status": "DOWN"}]}, "redis: down"),
        ({"status": "pass", "checks": {"db": [{"status": "fail"}]}}, "db.0: fail"),
        ({"status": "degraded"}, "status: degraded"),
        ({"health": "red"}, "status: red"),
        ({"healthy": False}, "status: down"),
    ],
)
def test_health_document_that_says_unhealthy_fails_naming_the_components(
    body: dict[str, Any], named: str
) -> None:
    with serve_asgi(health_doc_app(body)) as url:
        verdict = judge(PASSING, settings(url, **API))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert f"reports not healthy: {named}" in verdict.evidence


@pytest.mark.parametrize(
    ("body", "read"),
    [
        ({"status": "ok"}, "JSON status: ok"),
        ({"status": "UP", "components": {"db": {"status": "UP"}}}, "JSON status: up, db: up"),
        ({"status": "pass", "checks": {"db": [{"status": "pass"}]}}, "db.0: pass"),
    ],
)
def test_health_document_that_says_healthy_passes_saying_what_was_read(
    body: dict[str, Any], read: str
) -> None:
    with serve_asgi(health_doc_app(body)) as url:
        verdict = judge(PASSING, settings(url, **API))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert read in verdict.evidence


def test_plain_text_ok_passes_saying_what_was_read() -> None:
    with serve_asgi(health_doc_app("OK", "text/plain")) as url:
        verdict = judge(PASSING, settings(url, **API))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "plain text 'OK'" in verdict.evidence


def test_plain_text_down_fails() -> None:
    with serve_asgi(health_doc_app("DOWN: database unreachable", "text/plain")) as url:
        verdict = judge(PASSING, settings(url, **API))
    assert verdict.status is Status.FAILED
    assert "text: down" in verdict.evidence


def test_html_page_on_the_health_path_fails() -> None:
    page = "<!doctype html><html><body>status page</body></html>"
    with serve_asgi(health_doc_app(page, "text/html")) as url:
        verdict = judge(PASSING, settings(url, **API))
    assert verdict.status is Status.FAILED
    assert "not a health document" in verdict.evidence


def test_spa_catch_all_answering_index_html_everywhere_fails() -> None:
    with serve_asgi(catch_all_app(spa=True)) as url:
        verdict = judge(PASSING, settings(url, **API))
    assert verdict.status is Status.FAILED
    assert "does not exist as a health endpoint: /__ready_probe_" in verdict.evidence


def test_json_catch_all_with_a_changing_body_fails_as_nonexistent_health() -> None:
    with serve_asgi(catch_all_app()) as url:
        verdict = judge(PASSING, settings(url, **API))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "a catch-all route or SPA fallback" in verdict.evidence


def test_catch_all_under_the_api_prefix_only_is_found_beside_the_health_path() -> None:
    with serve_asgi(catch_all_app(prefix="/api")) as url:
        verdict = judge(PASSING, settings(url, **API))
    assert verdict.status is Status.FAILED
    assert "/api/__ready_probe_" in verdict.evidence


def test_other_services_bodies_are_read_too() -> None:
    with (
        serve_asgi(health_doc_app({"status": "ok"})) as good,
        serve_asgi(health_doc_app({"status": "down"})) as bad,
    ):
        extra = {"health": {"urls": [bad + "/api/health"]}}
        verdict = judge(ALL, settings(good, **API, **extra))
    assert verdict.status is Status.FAILED
    assert f"{bad}/api/health reports not healthy: status: down" in verdict.evidence


def test_empty_204_health_passes_on_its_status_and_says_so() -> None:
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def empty(request: Any) -> Response:
        return Response(status_code=204)

    with serve_asgi(Starlette(routes=[Route("/api/health", empty)])) as url:
        verdict = judge(PASSING, settings(url, **API))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "an empty body (judged by its status alone)" in verdict.evidence


def test_empty_200_on_every_path_is_a_catch_all() -> None:
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def empty(request: Any) -> Response:
        return Response(status_code=200)

    with serve_asgi(Starlette(routes=[Route("/{rest:path}", empty)])) as url:
        verdict = judge(PASSING, settings(url, **API))
    assert verdict.status is Status.FAILED
    assert "does not exist as a health endpoint" in verdict.evidence
