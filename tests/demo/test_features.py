"""Every feature the demo promises is observable with an ordinary client."""

from __future__ import annotations

import json
import ssl
import time
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from websockets.sync.client import connect

from pytest_biothings_ready.demo.service import DEMO_ADMIN, DEMO_USER


def _login(client: httpx.Client, demo: dict[str, Any], user: str) -> str:
    password = demo["secrets"][
        "DEMO_ADMIN_PASSWORD" if user == DEMO_ADMIN else "DEMO_USER_PASSWORD"
    ]
    answer = client.post("/api/login", json={"username": user, "password": password})
    assert answer.status_code == 200
    return str(answer.json()["access_token"])


def test_plain_http_redirects_to_the_same_path_on_https(demo: dict[str, Any]) -> None:
    with httpx.Client(trust_env=False) as plain:
        answer = plain.get(demo["http_url"] + "/api/agents?page=2")
    assert answer.status_code == 301
    assert answer.headers["location"] == demo["base_url"] + "/api/agents?page=2"


def test_health_answers_ok_with_hsts_and_security_headers(client: httpx.Client) -> None:
    answer = client.get("/api/health")
    assert answer.json() == {"status": "ok"}
    headers = answer.headers
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "content-security-policy" in headers and "referrer-policy" in headers
    assert not any(ch.isdigit() for ch in headers["server"])


def test_cors_allows_exactly_one_origin(client: httpx.Client) -> None:
    def preflight(origin: str) -> httpx.Response:
        return client.options(
            "/api/agents", headers={"Origin": origin, "Access-Control-Request-Method": "GET"}
        )

    allowed = preflight("https://app.demo.test")
    assert allowed.headers["access-control-allow-origin"] == "https://app.demo.test"
    assert allowed.headers["access-control-allow-credentials"] == "true"
    for origin in ("https://evil.example", "null"):
        assert preflight(origin).headers.get("access-control-allow-origin") != origin


def test_rate_limit_answers_429_with_retry_after_then_recovers(
    client: httpx.Client,
) -> None:
    answers = [client.get("/api/admin") for _ in range(40)]
    limited = [a for a in answers if a.status_code == 429]
    assert limited and limited[0].headers["retry-after"] == "1"
    time.sleep(1.1)
    assert client.get("/api/admin").status_code == 401


def test_api_get_is_cacheable_and_revalidates_with_304(client: httpx.Client) -> None:
    first = client.get("/api/agents")
    assert first.headers["cache-control"] == "public, max-age=30"
    again = client.get("/api/agents", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_metrics_expose_business_and_process_metrics(client: httpx.Client) -> None:
    client.get("/api/agents")
    names = {f.name for f in text_string_to_metric_families(client.get("/metrics").text)}
    assert {
        "biothings_agent_tasks",
        "biothings_http_requests",
        "biothings_http_request_duration_seconds",
        "process_cpu_seconds",
    } <= names


def test_frontend_page_references_assets_with_long_lived_caching(
    client: httpx.Client,
) -> None:
    page = client.get("/")
    assert page.headers["content-type"].startswith("text/html")
    for asset in ("/static/app.js", "/static/app.css"):
        assert asset in page.text
        answer = client.get(asset)
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert answer.headers["x-cache"] == "HIT"


def test_login_token_guards_me_and_admin(client: httpx.Client, demo: dict[str, Any]) -> None:
    user = _login(client, demo, DEMO_USER)
    admin = _login(client, demo, DEMO_ADMIN)
    assert client.get("/api/me").status_code == 401
    tampered = user[:-3] + ("AAA" if not user.endswith("AAA") else "BBB")
    assert client.get("/api/me", headers={"Authorization": f"Bearer {tampered}"}).status_code == 401
    assert (
        client.get("/api/me", headers={"Authorization": f"Bearer {user}"}).json()["username"]
        == DEMO_USER
    )
    assert client.get("/api/admin", headers={"Authorization": f"Bearer {user}"}).status_code == 403
    assert client.get("/api/admin", headers={"Authorization": f"Bearer {admin}"}).status_code == 200


def test_wrong_password_is_refused(client: httpx.Client) -> None:
    answer = client.post("/api/login", json={"username": DEMO_USER, "password": "x"})
    assert answer.status_code == 401


def test_models_list_accepts_only_the_demo_api_key(
    client: httpx.Client, demo: dict[str, Any]
) -> None:
    key = demo["secrets"]["GOOGLE_API_KEY"]
    assert client.get("/v1beta/models", headers={"x-goog-api-key": key}).status_code == 200
    assert client.get("/v1beta/models", params={"key": key}).status_code == 200
    assert client.get("/v1beta/models", params={"key": "wrong"}).status_code == 400
    assert client.get("/v1beta/models").status_code == 403


def test_websocket_echoes_answers_pings_and_pong_events(demo: dict[str, Any]) -> None:
    trust = ssl.create_default_context(cafile=demo["ca_bundle"])
    with connect(demo["websocket_url"], ssl=trust, open_timeout=5) as socket:
        socket.send("hello")
        assert socket.recv(timeout=5) == "hello"
        assert socket.ping().wait(5)
        socket.send(json.dumps({"type": "ping", "id": 1}))
        assert json.loads(socket.recv(timeout=5)) == {"type": "pong", "id": 1}


def test_health_is_exempt_from_rate_limiting(client: httpx.Client) -> None:
    assert {client.get("/api/health").status_code for _ in range(40)} == {200}


def test_trace_context_comes_back_as_traceresponse(client: httpx.Client) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    parent = f"00-{trace_id}-00f067aa0ba902b7-01"
    answer = client.get("/api/health", headers={"traceparent": parent})
    returned = answer.headers["traceresponse"].split("-")
    assert returned[1] == trace_id and returned[2] != "00f067aa0ba902b7"
    assert "traceresponse" not in client.get("/api/health").headers
