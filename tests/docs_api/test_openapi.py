"""'API documentation current' against a live API serving its own OpenAPI document."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from pytest_biothings_ready.model import Status, Verdict
from tests.support.evaluate import judge
from tests.support.servers import free_port, serve_asgi

LINE = "API documentation current"
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "demo", "version": "1.4.0"},
    "paths": {
        "/api/health": {"get": {}},
        "/api/items/{item_id}": {
            "get": {"parameters": [{"name": "item_id", "in": "path", "example": 7}]},
            "delete": {},
        },
        "/api/items": {"post": {}},
    },
}


class Api:
    """A small API whose documented spec can be swapped; counts what it was sent."""

    def __init__(self) -> None:
        self.spec: dict[str, Any] = copy.deepcopy(SPEC)
        self.methods: list[str] = []

    def app(self) -> Starlette:
        async def openapi(request: Request) -> Response:
            return JSONResponse(self.spec)

        async def health(request: Request) -> Response:
            return JSONResponse({"status": "ok", "version": "1.4.0"})

        async def item(request: Request) -> Response:
            self.methods.append(request.method)
            return JSONResponse({"id": request.path_params["item_id"]})

        async def items(request: Request) -> Response:
            self.methods.append(request.method)
            return PlainTextResponse("created", status_code=201)

        return Starlette(
            routes=[
                Route("/openapi.json", openapi),
                Route("/api/health", health),
                Route("/api/items/{item_id}", item, methods=["GET", "DELETE"]),
                Route("/api/items", items, methods=["POST"]),
            ]
        )


@pytest.fixture
def api() -> Iterator[tuple[Api, str]]:
    served = Api()
    with serve_asgi(served.app()) as url:
        yield served, url


def _verdict(url: str, **docs: Any) -> Verdict:
    settings = {
        "base_url": url,
        "timeout_s": 3,
        "docs": {"openapi_url": f"{url}/openapi.json", **docs},
    }
    return judge(LINE, settings)


def test_a_document_matching_the_live_api_passes_without_calling_writes(
    api: tuple[Api, str],
) -> None:
    served, url = api
    verdict = _verdict(url)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "/api/items/{item_id} -> 200" in verdict.evidence
    assert "version 1.4.0 = deployed" in verdict.evidence
    assert served.methods == ["GET"]  # DELETE and POST were documented, never sent


def test_a_documented_operation_missing_live_fails(api: tuple[Api, str]) -> None:
    served, url = api
    served.spec["paths"]["/api/agents"] = {"get": {}}
    verdict = _verdict(url)
    assert verdict.status is Status.FAILED
    assert "/api/agents answered 404" in verdict.evidence


def test_a_documented_version_other_than_the_deployed_one_fails(api: tuple[Api, str]) -> None:
    _, url = api
    verdict = _verdict(url, api_version="2.0.0")
    assert verdict.status is Status.FAILED
    assert "documents version '1.4.0', deployed is '2.0.0'" in verdict.evidence


def test_an_openapi_url_answering_404_fails(api: tuple[Api, str]) -> None:
    _, url = api
    verdict = judge(LINE, {"base_url": url, "docs": {"openapi_url": f"{url}/docs.json"}})
    assert verdict.status is Status.FAILED
    assert "answered 404" in verdict.evidence


def test_operations_that_cannot_be_requested_leave_the_line_unverified(
    api: tuple[Api, str],
) -> None:
    served, url = api
    served.spec["paths"] = {"/api/items/{item_id}": {"get": {}}}
    assert _verdict(url).status is Status.UNVERIFIED


def test_an_unreachable_api_is_an_error() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assert _verdict(url).status is Status.ERROR


def test_an_html_page_instead_of_the_document_fails() -> None:
    async def page(request: Request) -> Response:
        return PlainTextResponse("<html><body>Swagger UI</body></html>", media_type="text/html")

    with serve_asgi(Starlette(routes=[Route("/openapi.json", page)])) as url:
        verdict = _verdict(url)
    assert verdict.status is Status.FAILED
    assert "not an OpenAPI document" in verdict.evidence


def test_a_documented_404_for_the_example_value_is_not_a_missing_route(
    api: tuple[Api, str],
) -> None:
    served, url = api
    item = served.spec["paths"]["/api/items/{item_id}"]["get"]
    item["responses"] = {"200": {}, "404": {"description": "no such item"}}
    served.spec["paths"]["/api/gone/{item_id}"] = {"get": copy.deepcopy(item)}
    verdict = _verdict(url)
    assert verdict.status is Status.PASSED, verdict.evidence  # /api/gone/7: 404 is documented
    assert "1 skipped" in verdict.evidence
