"""Login, protected endpoint, role matrix and the JWT, against Starlette services."""

from __future__ import annotations

import time
from typing import Any

import pytest

from pytest_biothings_ready.config.environment import Unset
from pytest_biothings_ready.model import Status
from pytest_biothings_ready.probes.auth.headers import fingerprint, header_problem
from pytest_biothings_ready.probes.auth.tokens import WEAK_SECRETS, weak_secret_index
from tests.network_security import apps
from tests.support.evaluate import judge
from tests.support.servers import make_tls_files, serve_asgi

AUTHN = "User authentication working"
ROLES = "User roles and permissions configured"
JWT = "JWT secret keys are strong and unique"

ADMIN_ONLY = [
    {
        "name": "admin",
        "username": "alice",
        "password": apps.PASSWORD,
        "path": "/api/admin",
        "expect_status": 200,
    },
    {
        "name": "user",
        "username": "bob",
        "password": apps.PASSWORD,
        "path": "/api/admin",
        "expect_status": 403,
    },
    {"name": "anonymous", "path": "/api/admin", "expect_status": 401},
]


def _settings(url: str, **auth: object) -> dict[str, object]:
    login = {
        "login_path": "/api/login",
        "username": "bob",
        "password": apps.PASSWORD,
        "token_field": "data.access_token",
        "protected_path": "/api/me",
        **auth,
    }
    return {"base_url": url, "timeout_s": 2, "auth": login, "roles": ADMIN_ONLY}


def test_login_and_protected_endpoint_pass_over_tls(tmp_path):
    tls = make_tls_files(tmp_path)
    app, _ = apps.auth_app()
    with serve_asgi(app, tls=tls) as url:
        verdict = judge(AUTHN, {**_settings(url), "ca_bundle": str(tls.ca_pem)})
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "no token 401, tampered token 401, real token 200" in verdict.evidence


def test_protected_endpoint_accepting_a_tampered_token_fails():
    app, _ = apps.auth_app(verify=False)
    with serve_asgi(app) as url:
        verdict = judge(AUTHN, _settings(url))
    assert verdict.status is Status.FAILED
    assert "tampered token 200" in verdict.evidence
    assert "altered claims was not refused" in verdict.evidence


def test_wrong_password_fails_the_login():
    app, _ = apps.auth_app()
    with serve_asgi(app) as url:
        verdict = judge(AUTHN, _settings(url, password="not-the-password"))
    assert verdict.status is Status.FAILED
    assert "POST /api/login answered 401" in verdict.evidence


def test_wrong_token_field_fails_naming_the_field():
    app, _ = apps.auth_app()
    with serve_asgi(app) as url:
        verdict = judge(AUTHN, _settings(url, token_field="token"))
    assert verdict.status is Status.FAILED
    assert "without a token at 'token'" in verdict.evidence


def test_pre_issued_token_is_used_without_login():
    app, _ = apps.auth_app(secret="s")
    token = apps.sign({"sub": "bob", "role": "user"}, "s")
    with serve_asgi(app) as url:
        verdict = judge(
            AUTHN, {"base_url": url, "auth": {"token": token, "protected_path": "/api/me"}}
        )
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "configured auth.token used" in verdict.evidence


def test_enforced_role_matrix_passes():
    app, _ = apps.auth_app()
    with serve_asgi(app) as url:
        verdict = judge(ROLES, _settings(url))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "user GET /api/admin -> 403" in verdict.evidence


def test_role_reaching_the_admin_path_fails():
    app, _ = apps.auth_app(admin_for_everyone=True)
    with serve_asgi(app) as url:
        verdict = judge(ROLES, _settings(url))
    assert verdict.status is Status.FAILED
    assert "user GET /api/admin got 200, expected 403" in verdict.evidence


def test_missing_role_matrix_is_unverified_naming_the_key():
    verdict = judge(ROLES, {"base_url": "http://127.0.0.1:9"})
    assert verdict.status is Status.UNVERIFIED
    assert "`roles`" in verdict.evidence


def test_strong_secret_and_refused_alg_none_pass():
    app, _ = apps.auth_app()
    with serve_asgi(app) as url:
        verdict = judge(JWT, _settings(url))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert f"none of {len(WEAK_SECRETS)} well-known secrets" in verdict.evidence
    assert "alg none refused with 401" in verdict.evidence


def test_jwt_signed_with_secret_fails_without_revealing_it():
    app, _ = apps.auth_app(secret="secret")
    with serve_asgi(app) as url:
        verdict = judge(JWT, _settings(url))
    assert verdict.status is Status.FAILED
    assert "well-known weak secret (entry 2 of" in verdict.evidence
    assert "'secret'" not in verdict.evidence


def test_secret_from_the_configured_wordlist_fails(tmp_path):
    (tmp_path / "words.txt").write_text("acme-staging-2024\n")
    app, _ = apps.auth_app(secret="acme-staging-2024")
    with serve_asgi(app) as url:
        verdict = judge(JWT, _settings(url, wordlist="words.txt"), root=tmp_path)
    assert verdict.status is Status.FAILED
    assert f"entry {len(WEAK_SECRETS) + 1} of {len(WEAK_SECRETS) + 1}" in verdict.evidence


def test_service_accepting_alg_none_fails():
    app, _ = apps.auth_app(accept_none=True)
    with serve_asgi(app) as url:
        verdict = judge(JWT, _settings(url))
    assert verdict.status is Status.FAILED
    assert "alg none was accepted (200)" in verdict.evidence


@pytest.mark.parametrize("secret", ["", "your-256-bit-secret", "changeme"])
def test_weak_secret_search_finds_published_defaults(secret):
    token = apps.sign({"sub": "x"}, secret)
    assert weak_secret_index(token, WEAK_SECRETS) == WEAK_SECRETS.index(secret) + 1


def test_unreachable_login_is_an_error(closed_port):
    verdict = judge(AUTHN, _settings(f"http://127.0.0.1:{closed_port}"))
    assert verdict.status is Status.ERROR
    assert "ConnectError" in verdict.evidence


def test_silent_service_is_an_error_within_the_timeout(silent_port):
    began = time.monotonic()
    verdict = judge(JWT, {**_settings(f"http://127.0.0.1:{silent_port}"), "timeout_s": 1})
    assert verdict.status is Status.ERROR
    assert time.monotonic() - began < 1 + 1.5


def test_missing_protected_path_is_unverified():
    verdict = judge(AUTHN, {"base_url": "http://127.0.0.1:9", "auth": {"login_path": "/x"}})
    assert verdict.status is Status.UNVERIFIED
    assert "auth.protected_path" in verdict.evidence


def test_garbage_speaking_service_is_an_error(garbage_port):
    verdict = judge(AUTHN, _settings(f"http://127.0.0.1:{garbage_port}"))
    assert verdict.status is Status.ERROR
    assert "RemoteProtocolError" in verdict.evidence


def test_unset_password_variable_is_an_error_naming_it():
    verdict = judge(AUTHN, _settings("http://127.0.0.1:9", password=Unset("READY_PASSWORD")))
    assert verdict.status is Status.ERROR
    assert "READY_PASSWORD is not set" in verdict.evidence


# A token with a trailing line break: the HTTP library refuses it and prints the whole
# header value ("Illegal header value b'Bearer ...\n'"); the tampered copy is a near-copy.
NEWLINE_TOKEN = apps.sign({"sub": "bob", "canary": "nl-token-4c1f"}, "k" * 32)


def _newline_app(suffix: str) -> Any:
    """A login that hands out ``NEWLINE_TOKEN + suffix``; /api/me accepts the token."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def login(request: Request) -> JSONResponse:
        return JSONResponse({"data": {"access_token": NEWLINE_TOKEN + suffix}})

    async def me(request: Request) -> JSONResponse:
        ok = request.headers.get("authorization", "").strip() == f"Bearer {NEWLINE_TOKEN}"
        return JSONResponse({"sub": "bob"} if ok else {}, 200 if ok else 401)

    return Starlette(routes=[Route("/api/login", login, methods=["POST"]), Route("/api/me", me)])


def _near_copies(token: str) -> list[str]:
    """The token, its parts and its first and last 16 characters (a near-copy shares them)."""
    core = token.strip()
    return [core, *core.split("."), core[:16], core[-16:]]


@pytest.mark.parametrize("suffix", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_configured_token_with_a_line_break_is_an_error_shown_only_by_fingerprint(
    suffix: str,
) -> None:
    with serve_asgi(_newline_app("")) as url:
        auth = {"token": NEWLINE_TOKEN + suffix, "protected_path": "/api/me"}
        settings = {"base_url": url, "timeout_s": 2, "auth": auth}
        verdicts = [judge(line, settings) for line in (AUTHN, JWT)]
    for verdict in verdicts:
        assert verdict.status is Status.ERROR, verdict.evidence
        assert "auth.token cannot be sent in the Authorization header: it ends with" in (
            verdict.evidence
        )
        assert f"{len(NEWLINE_TOKEN + suffix)} characters, sha256 " in verdict.evidence
        assert not [c for c in _near_copies(NEWLINE_TOKEN) if c in verdict.evidence]


def test_login_token_with_a_line_break_leaks_neither_itself_nor_its_tampered_copy() -> None:
    with serve_asgi(_newline_app("\n")) as url:
        verdicts = [judge(line, _settings(url)) for line in (AUTHN, JWT)]
    for verdict in verdicts:
        assert verdict.status is Status.ERROR, verdict.evidence
        assert "the token from POST /api/login cannot be sent" in verdict.evidence
        assert not [c for c in _near_copies(NEWLINE_TOKEN) if c in verdict.evidence]


def test_role_token_with_a_line_break_is_refused_before_sending() -> None:
    row = {"name": "bearer", "token": NEWLINE_TOKEN + "\n", "path": "/api/me", "expect_status": 200}
    with serve_asgi(_newline_app("")) as url:
        verdict = judge(ROLES, {"base_url": url, "timeout_s": 2, "roles": [row]})
    assert verdict.status is Status.ERROR
    assert "cannot be sent" in verdict.evidence
    assert not [c for c in _near_copies(NEWLINE_TOKEN) if c in verdict.evidence]


def test_the_same_token_without_the_line_break_passes() -> None:
    with serve_asgi(_newline_app("")) as url:
        auth = {"token": NEWLINE_TOKEN, "protected_path": "/api/me"}
        settings = {"base_url": url, "timeout_s": 2, "auth": auth}
        verdict = judge(AUTHN, settings)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "tampered token 401, real token 200" in verdict.evidence
    assert NEWLINE_TOKEN not in verdict.evidence


def test_header_values_are_checked_like_an_http_library_would() -> None:
    assert header_problem("abc.def-ghi_jkl") == ""
    assert header_problem("abc\n") == "ends with a line feed (\\n)"
    assert header_problem("abc\r\n") == "ends with a carriage return (\\r)"
    assert header_problem("ab\nc") == "contains a line feed (\\n)"
    assert header_problem("abc\x00") == "contains a NUL byte"
    assert header_problem(" abc") == "starts or ends with whitespace"
    assert fingerprint("secret-value") == fingerprint("secret-value") != fingerprint("x" * 12)
    assert "secret" not in fingerprint("secret-value")


RECORD_CONFIG = """
[env.t]
base_url = "{auth}"
timeout_s = 2
secrets = {{ GOOGLE_API_KEY = "${{CANARY_KEY}}" }}

[env.t.llm]
base_url = "{llm}/v1beta"

[env.t.auth]
login_path = "/api/login"
username = "bob"
password = "${{CANARY_PASSWORD}}"
protected_path = "/api/me"
token_field = "data.access_token"

[[env.t.roles]]
name = "bearer"
token = "${{CANARY_TOKEN}}"
path = "/api/me"
expect_status = 200
"""
SELECTED = "(authentication or jwt or google or roles) and not authorization"


@pytest.mark.parametrize("report", ["md", "html"])
def test_no_token_key_or_near_copy_reaches_the_record_reports_or_terminal(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, report: str
) -> None:
    key, token = "canary-AIzaSy-record-key-31\r\n", "canary-record-token-5e2d\n"
    monkeypatch.setenv("CANARY_KEY", key)
    monkeypatch.setenv("CANARY_TOKEN", token)
    monkeypatch.setenv("CANARY_PASSWORD", "canary-record-P4ss")
    with serve_asgi(_newline_app("\n")) as auth, serve_asgi(apps.models_app()) as llm:
        pytester.makefile(".toml", readiness=RECORD_CONFIG.format(auth=auth, llm=llm))
        result = pytester.runpytest(
            "--ready-env=t", "-k", SELECTED, "--junitxml=record.xml",
            f"--ready-report=report.{report}", "-p", "no:cacheprovider", "-rA",
        )  # fmt: skip
    texts = {
        "terminal": "\n".join(result.outlines + result.errlines),
        "record": (pytester.path / "record.xml").read_text(),
        "report": (pytester.path / f"report.{report}").read_text(),
    }
    assert "3 errors" in texts["terminal"]
    canaries = ["canary-AIzaSy", "record-key", "canary-record-token", "canary-record-P4ss"]
    canaries += _near_copies(NEWLINE_TOKEN)
    for where, text in texts.items():
        assert not [c for c in canaries if c in text], where
    assert "cannot be sent in the Authorization header" in texts["record"]
    assert "no HTTP client can send it" in texts["record"]
