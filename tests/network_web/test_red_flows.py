"""Smoke requests and journeys against targets that answer 200 but did not succeed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from pytest_biothings_ready.model import Status
from pytest_biothings_ready.probes.web.errorbody import error_envelope
from pytest_biothings_ready.probes.web.steps import same_json
from tests.network_web.apps import settings
from tests.support.evaluate import judge
from tests.support.servers import serve_asgi

SMOKE = "Smoke tests passed"
JOURNEYS = "Critical user journeys tested"

# path -> the JSON a 200 carries
BODIES: dict[str, Any] = {
    "/error": {"error": "database unavailable"},
    "/error-null": {"error": None, "items": [1]},
    "/unsuccessful": {"success": False, "message": "quota exceeded"},
    "/graphql": {"data": None, "errors": [{"message": "not authorised"}]},
    "/jsend-fail": {"status": "fail", "data": {"name": "required"}},
    "/ok": {"status": "ok", "count": 1, "enabled": True},
    "/truthy": {"enabled": 1, "count": True},
    "/empty-list": [],
    "/login-empty-token": {"access_token": "", "user": {"id": None}},
    "/login-null-token": {"access_token": None},
    "/login-object-token": {"access_token": {"value": "x"}},
    "/login": {"access_token": "tok-9", "user": {"id": 7}},
}

PAGES = {
    "/soft-404": "<html><head><title>404 Not Found</title></head><body>nope</body></html>",
    "/default": "<html><head><title>Welcome to nginx!</title></head><body>hi</body></html>",
    "/page": "<html><head><title>Agents &amp; tasks</title></head><body>ok</body></html>",
}


def _app() -> Starlette:
    async def body(request: Request) -> Response:
        if request.url.path in PAGES:
            return HTMLResponse(PAGES[request.url.path])
        if request.url.path == "/problem":
            problem = {"type": "about:blank", "title": "Upstream down", "status": 502}
            return JSONResponse(problem, media_type="application/problem+json")
        return JSONResponse(BODIES[request.url.path])

    async def guarded(request: Request) -> Response:
        if request.headers.get("authorization") != "Bearer tok-9":
            return JSONResponse({"error": "unauthorized"}, 401)
        return JSONResponse({"id": request.path_params["ident"], "status": "completed"})

    async def to_login(request: Request) -> Response:
        return RedirectResponse("/login-page", status_code=302)

    routes = [Route(p, body, methods=["GET", "POST"]) for p in [*BODIES, *PAGES, "/problem"]]
    routes += [Route("/things/{ident}", guarded), Route("/secret", to_login)]
    return Starlette(routes=routes)


@pytest.fixture(scope="module")
def liar() -> Iterator[str]:
    with serve_asgi(_app()) as url:
        yield url


def _smoke(url: str, path: str, **fields: Any) -> Any:
    return judge(SMOKE, settings(url, smoke=[{"name": path, "path": path, **fields}]))


@pytest.mark.parametrize("path", ["/error", "/unsuccessful", "/graphql", "/jsend-fail", "/problem"])
def test_a_200_carrying_an_error_document_fails_the_smoke_request(liar: str, path: str) -> None:
    verdict = _smoke(liar, path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "answered 200 with an error document" in verdict.evidence


@pytest.mark.parametrize("path", ["/ok", "/error-null", "/empty-list", "/page"])
def test_a_200_without_an_error_document_passes_the_smoke_request(liar: str, path: str) -> None:
    verdict = _smoke(liar, path)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_an_explicit_expectation_on_the_error_field_wins_over_the_convention(liar: str) -> None:
    verdict = _smoke(liar, "/jsend-fail", expect_json={"status": "fail"})
    assert verdict.status is Status.PASSED, verdict.evidence


def test_a_redirect_to_a_login_page_is_not_followed_into_a_pass(liar: str) -> None:
    verdict = _smoke(liar, "/secret")
    assert verdict.status is Status.FAILED
    assert "answered 302; expected 200" in verdict.evidence


def test_expect_json_true_is_not_matched_by_the_number_one(liar: str) -> None:
    verdict = _smoke(liar, "/truthy", expect_json={"enabled": True})
    assert verdict.status is Status.FAILED
    assert "JSON field 'enabled' is 1; expected True" in verdict.evidence
    assert _smoke(liar, "/ok", expect_json={"enabled": True, "count": 1}).status is Status.PASSED


def test_expect_json_one_is_not_matched_by_true(liar: str) -> None:
    verdict = _smoke(liar, "/truthy", expect_json={"count": 1})
    assert verdict.status is Status.FAILED


def _journey(login_path: str) -> list[dict[str, Any]]:
    steps = [
        {"name": "log in", "method": "POST", "path": login_path, "extract": {"t": "access_token"}},
        {
            "name": "read",
            "path": "/things/1",
            "headers": {"Authorization": "Bearer {{t}}"},
            "expect_json": {"status": "completed"},
        },
    ]
    return [{"name": "carry", "steps": steps}]


@pytest.mark.parametrize(
    "login", ["/login-empty-token", "/login-null-token", "/login-object-token"]
)
def test_a_journey_carrying_an_empty_or_null_value_fails_at_the_extracting_step(
    liar: str, login: str
) -> None:
    verdict = judge(JOURNEYS, settings(liar, journey=_journey(login)))
    assert verdict.status is Status.FAILED
    assert "log in: extracted t from 'access_token'" in verdict.evidence


def test_a_journey_carrying_a_real_value_passes(liar: str) -> None:
    verdict = judge(JOURNEYS, settings(liar, journey=_journey("/login")))
    assert verdict.status is Status.PASSED, verdict.evidence


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('{"error": "x"}', 'error: "x"'),
        ('{"error": {"code": 5}}', 'error: {"code":5}'),
        ('{"errors": []}', None),
        ('{"error": false, "ok": true}', None),
        ('{"ok": false}', "ok: false"),
        ('{"status": "ERROR"}', 'status: "ERROR"'),
        ('{"status": "failed_over"}', None),
        ("[]", None),
        ("not json", None),
    ],
)
def test_error_envelopes_are_read_from_the_top_level_only(text: str, found: str | None) -> None:
    assert error_envelope(text) == found


def test_json_equality_keeps_booleans_and_numbers_apart() -> None:
    assert same_json(1, 1.0) and same_json([True, {"a": 1}], [True, {"a": 1.0}])
    assert not same_json(1, True) and not same_json("1", 1) and not same_json([1], [True])


def _spa(catch_all: bool) -> Starlette:
    """An SPA host: ``/about`` is a real page; with ``catch_all`` every path gets index.html."""
    index = "<!doctype html><html><body><div id=root></div></body></html>"

    async def page(request: Request) -> Response:
        if request.url.path == "/about":
            return HTMLResponse("<!doctype html><html><body>About us</body></html>")
        if catch_all:
            return HTMLResponse(index)
        return JSONResponse({"detail": "Not Found"}, 404)

    return Starlette(routes=[Route("/{rest:path}", page)])


def _stub() -> Starlette:
    """Every path behind a bearer check answers the same JSON: a stub, not an API."""

    async def anything(request: Request) -> Response:
        if request.headers.get("authorization") != "Bearer t":
            return JSONResponse({"detail": "unauthorized"}, 401)
        return JSONResponse({"status": "ok", "items": []})

    return Starlette(routes=[Route("/{rest:path}", anything)])


def test_an_api_path_answered_by_a_json_catch_all_behind_auth_fails() -> None:
    with serve_asgi(_stub()) as url:
        verdict = _smoke(url, "/api/agents", headers={"Authorization": "Bearer t"})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "a catch-all, not this endpoint" in verdict.evidence


def test_an_api_path_answered_by_an_spa_catch_all_fails_the_smoke_request() -> None:
    with serve_asgi(_spa(catch_all=True)) as url:
        verdict = _smoke(url, "/api/agents")
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "answered exactly what a path that cannot exist answers (/api/__ready_probe_" in (
        verdict.evidence
    )


def test_a_real_html_page_passes_the_smoke_request() -> None:
    with serve_asgi(_spa(catch_all=False)) as url:
        verdict = _smoke(url, "/about")
    assert verdict.status is Status.PASSED, verdict.evidence


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("<title>502 Bad Gateway</title>", "HTML title '502 Bad Gateway'"),
        ("<TITLE>\n Error: 500 \n</TITLE>", "HTML title 'Error: 500'"),
        ("<title>Page not found | Shop</title>", "HTML title 'Page not found | Shop'"),
        ("<title>It works!</title>", "HTML title 'It works!'"),
        ("<title>Lost &amp; Found</title>", None),
        ("<title>500 agents online</title>", None),
        ("<title>401 Unauthorized</title>", "HTML title '401 Unauthorized'"),
        ("<title>BioThings demo</title>", None),
        ("no title at all", None),
    ],
)
def test_html_error_and_default_pages_are_read_from_the_title(text: str, found: str | None) -> None:
    from pytest_biothings_ready.probes.web.errorbody import html_error_page

    assert html_error_page(text) == found
