"""The shared transport: scope, redirects, body cap, deadline, one error wording."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.transport import (
    USER_AGENT,
    credential_headers,
    fetch,
    http_client,
    sanitize,
)
from pytest_biothings_ready.model import Status
from tests.support.evaluate import environment, judge
from tests.support.servers import free_port, make_tls_files, serve_asgi
from tests.transport.apps import hostile_app, recording_app

AUTHN = "User authentication working"
CORS = "CORS is properly configured for production domains"
RATE = "Rate limiting is enabled"


def _login(base: str, login_path: str) -> dict[str, Any]:
    auth = {
        "login_path": login_path,
        "username": "bob",
        "password": "hunter2-password",
        "protected_path": "/api/me",
    }
    return {"base_url": base, "timeout_s": 2, "auth": auth}


@pytest.mark.parametrize("login_path", ["@localhost:{port}/login", "@127.0.0.1:{port}/login"])
def test_a_login_path_pointing_at_another_port_sends_nothing_there(login_path: str) -> None:
    first, _ = recording_app()
    other, other_seen = recording_app()
    with serve_asgi(first) as base, serve_asgi(other) as elsewhere:
        port = elsewhere.rsplit(":", 1)[1]
        verdict = judge(AUTHN, _login(base, login_path.format(port=port)))
    assert verdict.status is Status.ERROR
    assert other_seen.requests == []
    assert "not sent, outside the scope" in verdict.evidence
    assert "`auth.login_path`" in verdict.evidence
    assert "hunter2" not in verdict.evidence


def test_a_path_that_changes_the_port_is_out_of_scope() -> None:
    other, other_seen = recording_app()
    with serve_asgi(other) as elsewhere:
        port = elsewhere.rsplit(":", 1)[1]
        env = environment({"base_url": "http://127.0.0.1:9", "timeout_s": 2})
        with http_client(env) as client, pytest.raises(ProbeError, match="not sent"):
            client.get(f"http://127.0.0.1:{port}/x")
    assert other_seen.requests == []


@pytest.mark.parametrize(
    ("title", "key"), [(CORS, "cors"), (RATE, "rate_limit")], ids=["cors", "rate_limit"]
)
def test_cors_and_burst_paths_stay_in_scope(title: str, key: str) -> None:
    first, _ = recording_app()
    other, other_seen = recording_app()
    with serve_asgi(first) as base, serve_asgi(other) as elsewhere:
        port = elsewhere.rsplit(":", 1)[1]
        settings = {
            "base_url": base,
            "timeout_s": 2,
            "cors_allowed_origins": ["https://app.example.org"],
            key: {"path": f"@localhost:{port}/x"},
        }
        verdict = judge(title, settings)
    assert verdict.status is Status.ERROR, verdict.evidence
    assert other_seen.requests == []
    assert f"`{key}.path`" in verdict.evidence


def test_a_role_path_or_models_path_cannot_leave_the_scope() -> None:
    first, _ = recording_app()
    other, other_seen = recording_app()
    with serve_asgi(first) as base, serve_asgi(other) as elsewhere:
        port = elsewhere.rsplit(":", 1)[1]
        roles = [{"name": "anonymous", "path": f"@localhost:{port}/x", "expect_status": 401}]
        role = judge("User roles and permissions configured", {"base_url": base, "roles": roles})
        models = {
            "base_url": base,
            "timeout_s": 2,
            "secrets": {"GOOGLE_API_KEY": "k-abc-123456"},
            "llm": {"base_url": base, "models_path": f"@localhost:{port}/models"},
        }
        key = judge("GOOGLE_API_KEY is set and valid", models)
    assert other_seen.requests == []
    assert role.status is Status.ERROR and "`roles[0].path`" in role.evidence, role.evidence
    assert key.status is Status.ERROR and "`llm.models_path`" in key.evidence, key.evidence


def test_hosts_put_every_port_of_a_host_in_scope() -> None:
    app, seen = recording_app()
    with serve_asgi(app) as url:
        env = environment({"base_url": "http://127.0.0.1:9", "hosts": ["127.0.0.1"]})
        with http_client(env) as client:
            assert client.get(f"{url}/ok").status_code == 200
    assert len(seen.requests) == 1


def _secret_settings(base: str) -> dict[str, Any]:
    return {
        "base_url": base,
        "timeout_s": 2,
        "monitoring": {"prometheus_headers": {"X-Prom-Token": "p"}},
        "auth": {"header": "X-Session"},
    }


def test_a_followed_redirect_drops_every_configured_credential_header() -> None:
    app, seen = recording_app()
    sent = {
        "Authorization": "Bearer a",
        "X-Api-Key": "k",
        "Cookie": "sid=1",
        "X-Prom-Token": "p",
        "X-Session": "s",
        "X-Goog-Api-Key": "g",
    }
    with serve_asgi(app) as url:
        env = environment(_secret_settings(url))
        with http_client(env, headers=sent, follow_redirects=True) as client:
            assert client.get(f"{url}/hop").status_code == 200
    first, hop = seen.requests[0][2], seen.requests[1][2]
    assert {k.lower() for k in sent} <= set(first)
    assert not {k.lower() for k in sent} & set(hop)
    assert hop["user-agent"] == USER_AGENT


def test_a_redirect_to_another_host_is_never_followed() -> None:
    other, other_seen = recording_app()
    with serve_asgi(other) as elsewhere:
        app, _ = recording_app(redirect_to=f"{elsewhere}/stolen")
        with serve_asgi(app) as url:
            env = environment({"base_url": url, "hosts": ["127.0.0.1"]})
            with http_client(env, headers={"X-Api-Key": "k"}, follow_redirects=True) as client:
                with pytest.raises(ProbeError, match="never followed implicitly"):
                    client.get(f"{url}/hop")
                answer = client.get(f"{url}/hop", follow_redirects=False)
    assert other_seen.requests == []
    assert answer.status_code == 302
    assert answer.next_request is not None
    assert "x-api-key" not in answer.next_request.headers


def test_credential_headers_include_every_configured_kind() -> None:
    env = environment(
        {
            "monitoring": {"grafana_headers": {"X-Grafana": "g"}},
            "smoke": [{"headers": {"X-Custom-Token": "t"}}],
            "llm": {"key_header": "X-LLM-Key"},
        }
    )
    names = credential_headers(env)
    assert {"authorization", "cookie", "x-api-key", "x-grafana", "x-custom-token"} <= names
    assert {"x-llm-key", "x-goog-api-key"} <= names


def test_a_body_beyond_the_cap_is_an_error_naming_the_setting() -> None:
    app, _ = hostile_app(body_bytes=200_000)
    with serve_asgi(app) as url:
        env = environment({"base_url": url, "timeout_s": 2, "max_body_bytes": 100_000})
        with pytest.raises(ProbeError, match="max_body_bytes"):
            fetch(env, "GET", f"{url}/big")
        small = environment({"base_url": url, "timeout_s": 2})
        assert len(fetch(small, "GET", f"{url}/big").content) == 200_000


def test_a_body_trickling_forever_ends_at_the_deadline_and_stops_downloading() -> None:
    app, seen = hostile_app(trickle_s=0.05)
    with serve_asgi(app) as url:
        env = environment({"base_url": url, "timeout_s": 1})
        started = time.monotonic()
        with pytest.raises(ProbeError, match=r"no complete answer within 1 s.*`timeout_s`"):
            fetch(env, "GET", f"{url}/trickle")
        elapsed = time.monotonic() - started
        time.sleep(0.3)
        after = seen.streamed
        time.sleep(0.3)
        assert seen.streamed == after, "the download goes on after the deadline"
    assert elapsed < 1.6


@pytest.mark.parametrize("path", ["/stall", "/slow"])
def test_a_target_stalling_mid_body_or_before_headers_ends_at_the_deadline(path: str) -> None:
    app, _ = hostile_app()
    with serve_asgi(app, timeout_graceful_shutdown=0) as url:
        env = environment({"base_url": url, "timeout_s": 1})
        started = time.monotonic()
        with pytest.raises(ProbeError, match=r"within 1 s.*`timeout_s`"):
            fetch(env, "GET", f"{url}{path}")
        assert time.monotonic() - started < 1.4


def test_refused_on_the_plain_http_url_names_http_url() -> None:
    port = free_port()
    env = environment({"base_url": "https://127.0.0.1:9", "http_url": f"http://127.0.0.1:{port}"})
    with pytest.raises(ProbeError, match=r"connection refused.*; check `http_url`"):
        fetch(env, "GET", f"http://127.0.0.1:{port}/")


def test_an_untrusted_certificate_names_ca_bundle(tmp_path) -> None:
    app, _ = recording_app()
    tls = make_tls_files(tmp_path)
    with serve_asgi(app, tls=tls) as url:
        env = environment({"base_url": url, "timeout_s": 2})
        with pytest.raises(ProbeError, match=r"certificate not trusted.*set `ca_bundle`"):
            fetch(env, "GET", f"{url}/ok")
        trusted = environment({"base_url": url, "timeout_s": 2, "ca_bundle": str(tls.ca_pem)})
        assert fetch(trusted, "GET", f"{url}/ok").status_code == 200


def test_a_silent_target_names_timeout_s() -> None:
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        env = environment({"base_url": url, "timeout_s": 0.5})
        with pytest.raises(ProbeError, match=r"no answer within 0.5 s.*`timeout_s`"):
            fetch(env, "GET", f"{url}/")


def test_an_unresolvable_host_names_dns() -> None:
    from pytest_biothings_ready.evidence.bounded import explain

    env = environment({"base_url": "https://api.example.invalid"})
    request = httpx.Request("GET", "https://api.example.invalid/api/health")
    failure = httpx.ConnectError("[Errno -2] Name or service not known")
    message = explain(env, request, failure, 5)
    assert "cannot resolve host 'api.example.invalid'" in message
    assert message.endswith("check the host in `base_url` or its DNS (`dns`)")


def test_a_header_value_with_a_line_break_is_never_echoed() -> None:
    app, seen = recording_app()
    secret = "sk-very-secret-value"
    with serve_asgi(app) as url:
        env = environment({"base_url": url, "secrets": {"TOKEN": secret + "\r\n"}})
        with pytest.raises(ProbeError) as caught:
            fetch(env, "GET", f"{url}/ok", headers={"X-Api-Key": secret + "\r\n"})
    assert secret not in str(caught.value)
    assert "header x-api-key holds a line break" in str(caught.value).lower()
    assert "`secrets.TOKEN`" in str(caught.value)
    assert seen.requests == []


def test_the_user_agent_survives_extra_headers() -> None:
    app, seen = recording_app()
    with serve_asgi(app) as url:
        env = environment({"base_url": url})
        with http_client(env, headers={"Accept": "text/plain"}) as client:
            client.get(f"{url}/ok")
    assert seen.requests[0][2]["user-agent"] == USER_AGENT
    assert seen.requests[0][2]["accept"] == "text/plain"


def test_transport_errors_are_still_httpx_errors_for_existing_call_sites() -> None:
    env = environment({"base_url": f"http://127.0.0.1:{free_port()}"})
    with pytest.raises(httpx.HTTPError):
        fetch(env, "GET", str(env.get("base_url")) + "/")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\x1b[2J\x1b[1;32mALL CHECKS PASSED\x1b[0m", "ALL CHECKS PASSED"),
        ("bad \ud800 text", "bad \ufffd text"),
        ("a\x00b\x07c\x7fd\x9be", "abcde"),
        ("title\x1b]0;pwned\x07 end", "title end"),
        ("line\r\nnext\tcol", "line next col"),
        ("rtl \u202eevil", "rtl evil"),
    ],
)
def test_sanitize_removes_what_a_terminal_or_a_report_would_obey(raw: str, clean: str) -> None:
    assert sanitize(raw) == clean
    sanitize(raw).encode("utf-8")


def test_sanitize_keeps_line_breaks_when_asked() -> None:
    assert sanitize("a\r\nb\x1b[31m", newlines=True) == "a\nb"


def test_a_malformed_base_url_puts_nothing_in_scope_and_does_not_crash() -> None:
    env = environment({"base_url": "http://[::1", "timeout_s": 1})
    with pytest.raises(ProbeError, match="not sent"):
        fetch(env, "GET", "http://127.0.0.1:9/")
