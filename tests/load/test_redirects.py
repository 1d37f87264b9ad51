"""A load run never follows a redirect to another origin, nor carries credentials along one."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from pytest_biothings_ready.model import Status
from tests.load.settings import load_settings
from tests.support.evaluate import judge
from tests.support.servers import serve_asgi

LOAD = "Load testing with expected traffic"
SECRET_HEADERS = {"X-Api-Key": "k-123", "Authorization": "Bearer t", "X-Team-Token": "tt"}


def _recorder(seen: list[dict[str, str]]) -> Starlette:
    async def anything(request: Request) -> Response:
        seen.append(dict(request.headers))
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/{p:path}", anything)])


def _redirecting(target: str) -> Starlette:
    async def health(_request: Request) -> Response:
        return PlainTextResponse("ok")

    async def hop(_request: Request) -> Response:
        return RedirectResponse(target, status_code=302)

    return Starlette(routes=[Route("/api/health", health), Route("/api/search", hop)])


def _smoke() -> list[dict[str, object]]:
    return [{"name": "search", "path": "/api/search", "headers": SECRET_HEADERS}]


def test_a_redirect_to_another_host_is_refused_and_gets_no_credentials() -> None:
    seen: list[dict[str, str]] = []
    with (
        serve_asgi(_recorder(seen)) as elsewhere,
        serve_asgi(_redirecting(f"{elsewhere}/stolen")) as url,
    ):
        settings = {**load_settings(url, duration_s=1), "smoke": _smoke()}
        verdict = judge(LOAD, settings)
    assert seen == []
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "refused to follow a redirect to another origin" in verdict.evidence


def test_a_same_origin_redirect_is_followed_without_credential_headers() -> None:
    seen: list[dict[str, str]] = []

    async def landed(request: Request) -> Response:
        seen.append(dict(request.headers))
        return PlainTextResponse("ok")

    app = _redirecting("/landed")
    app.router.routes.append(Route("/landed", landed))
    with serve_asgi(app) as url:
        settings = {**load_settings(url, duration_s=1), "smoke": _smoke()}
        settings["monitoring"] = {"prometheus_headers": {"X-Team-Token": "x"}}
        verdict = judge(LOAD, settings)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert seen, "the same-origin redirect was not followed"
    assert not {"x-api-key", "authorization", "x-team-token"} & set(seen[0])
