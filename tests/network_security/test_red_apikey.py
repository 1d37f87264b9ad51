"""GOOGLE_API_KEY against models endpoints that list models for any key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pytest_biothings_ready.model import Status
from pytest_biothings_ready.probes.apikey import decoy_key
from tests.network_security import apps
from tests.support.evaluate import judge
from tests.support.servers import serve_asgi

LINE = "GOOGLE_API_KEY is set and valid"
KEY = "AIza" + "Sy" + "0123456789abcdefghijklmnopqrstuvw"


def _lenient(mode: str) -> Starlette:
    """``any``: models for any key at all; ``shape``: for any key starting AIza, 39 long."""

    async def models(request: Request) -> Response:
        key = request.headers.get("x-goog-api-key", "")
        if mode == "shape" and not (key.startswith("AIza") and len(key) == len(KEY)):
            return JSONResponse({"error": {"code": 400, "status": "INVALID_ARGUMENT"}}, 400)
        return JSONResponse({"models": [{"name": "models/stub"}]})

    return Starlette(routes=[Route("/v1beta/models", models)])


def _settings(url: str) -> dict[str, object]:
    return {
        "base_url": url,
        "timeout_s": 2,
        "secrets": {"GOOGLE_API_KEY": KEY},
        "llm": {"base_url": f"{url}/v1beta"},
    }


@pytest.fixture
def lenient(request: pytest.FixtureRequest) -> Iterator[str]:
    with serve_asgi(_lenient(request.param)) as url:
        yield url


@pytest.mark.parametrize("lenient", ["any", "shape"], indirect=True)
def test_a_models_endpoint_listing_models_for_any_key_fails(lenient: str) -> None:
    verdict = judge(LINE, _settings(lenient))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "also to a made-up key of the same shape (200, 1 models)" in verdict.evidence
    assert KEY not in verdict.evidence


def test_a_models_endpoint_checking_the_key_passes_and_says_the_decoy_was_refused() -> None:
    with serve_asgi(apps.models_app(valid_key=KEY)) as url:
        verdict = judge(LINE, _settings(url))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "a made-up key of the same shape was refused (400)" in verdict.evidence


def test_the_decoy_key_keeps_prefix_and_length_and_differs() -> None:
    made_up = decoy_key(KEY)
    assert made_up[:4] == "AIza" and len(made_up) == len(KEY) and made_up != KEY
    assert len(decoy_key("abc")) == 3 and decoy_key("abc") != "abc"
