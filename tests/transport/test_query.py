"""The one JSON query helper: headers per service, one error wording, sanitized text."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.query import (
    ALERTMANAGER,
    ELASTICSEARCH,
    GRAFANA,
    JAEGER,
    LOKI,
    PROMETHEUS,
    Service,
    get_json,
    instant_query,
    post_json,
)
from pytest_biothings_ready.evidence.transport import USER_AGENT
from tests.support.evaluate import environment
from tests.support.servers import serve_asgi


def _api(seen: list[dict[str, str]]) -> Starlette:
    async def answer(request: Request) -> Response:
        seen.append(dict(request.headers))
        path = request.url.path
        if path == "/plain":
            return PlainTextResponse("<html>proxy login</html>")
        if path == "/denied":
            return Response(b"\x1b[2Jdenied \xed\xa0\x80", 403, media_type="text/plain")
        if path == "/api/v1/query":
            body = b'{"status": "error", "error": "bad \\ud800\\u001b[31m query"}'
            return Response(body, media_type="application/json")
        return JSONResponse({"ok": True})

    return Starlette(routes=[Route("/{p:path}", answer, methods=["GET", "POST"])])


def _settings(url: str, service: Service) -> dict[str, Any]:
    settings: dict[str, Any] = {"timeout_s": 2, "monitoring": {}}
    headers = {"Authorization": "Bearer s3cret-token"}
    if service.url_key.startswith("monitoring."):
        settings["monitoring"][service.url_key.split(".", 1)[1]] = url
    else:
        settings[service.url_key] = url
    settings["monitoring"][service.headers_key.split(".", 1)[1]] = headers
    return settings


@pytest.mark.parametrize(
    "service",
    [PROMETHEUS, ALERTMANAGER, GRAFANA, LOKI, ELASTICSEARCH, JAEGER],
    ids=lambda s: s.name,
)
def test_every_service_gets_its_own_headers_and_the_user_agent(service: Service) -> None:
    seen: list[dict[str, str]] = []
    with serve_asgi(_api(seen)) as url:
        env = environment(_settings(url, service))
        assert get_json(env, service, "/x") == {"ok": True}
        assert post_json(env, service, "/x", {"a": 1}) == {"ok": True}
    assert all(h["authorization"] == "Bearer s3cret-token" for h in seen)
    assert all(h["user-agent"] == USER_AGENT for h in seen)


def test_a_non_json_answer_is_an_error_naming_the_setting() -> None:
    with serve_asgi(_api([])) as url:
        env = environment(_settings(url, GRAFANA))
        with pytest.raises(ProbeError, match=r"not JSON; check `monitoring.grafana_url`"):
            get_json(env, GRAFANA, "/plain")


def test_a_refusal_is_an_error_with_sanitized_text_and_no_secret() -> None:
    with serve_asgi(_api([])) as url:
        env = environment(_settings(url, LOKI))
        with pytest.raises(ProbeError) as caught:
            get_json(env, LOKI, "/denied")
    message = str(caught.value)
    assert "answered HTTP 403 (denied \ufffd" in message
    assert "`monitoring.loki_headers`" in message
    assert "s3cret" not in message and "\x1b" not in message
    message.encode("utf-8")


def test_a_prometheus_error_text_reaches_evidence_sanitized() -> None:
    with serve_asgi(_api([])) as url:
        env = environment(_settings(url, PROMETHEUS))
        with pytest.raises(ProbeError) as caught:
            instant_query(env, "up")
    assert "bad \ufffd query" in str(caught.value)
    str(caught.value).encode("utf-8")


def test_a_404_can_mean_not_found_yet() -> None:
    async def missing(request: Request) -> Response:
        return JSONResponse({}, status_code=404)

    app = Starlette(routes=[Route("/{p:path}", missing)])
    with serve_asgi(app) as url:
        env = environment(_settings(url, JAEGER))
        assert get_json(env, JAEGER, "/api/traces/1", missing=True) is None
        with pytest.raises(ProbeError, match="answered HTTP 404"):
            get_json(env, JAEGER, "/api/traces/1")
