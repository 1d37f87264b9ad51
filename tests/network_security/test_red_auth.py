"""Login and role matrix against services whose protection only looks right."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pytest_biothings_ready.model import Status
from pytest_biothings_ready.probes.auth.tokens import expiry_problem, resigned, tampered
from tests.network_security import apps
from tests.support.evaluate import judge
from tests.support.servers import serve_asgi

AUTHN = "User authentication working"
JWT = "JWT secret keys are strong and unique"
ROLES = "User roles and permissions configured"
SECRET = "q7#Lx!9vR2@mW4$zK8^pT1&nB6*cY3%d"
USERS = {"alice": "admin", "bob": "user"}


def _part(text: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def _claims(token: str, verify: bool, none_case: bool = False) -> dict[str, Any] | None:
    """The token's claims; with ``verify``, only when the test side's HS256 check passes.
    With ``none_case``, ``alg: None``/``NONE`` skips the check (``none`` does not)."""
    try:
        head, body, _ = token.split(".")
        header, claims = _part(head), _part(body)
    except ValueError:
        return None
    unsigned = none_case and header.get("alg") in ("None", "NONE")
    if verify and not unsigned and apps.sign(claims, SECRET).split(".")[2] != token.split(".")[2]:
        return None
    return claims if isinstance(claims, dict) else None


def _service(mode: str) -> Starlette:
    """``mode``: correct, claims-only, error-200, expired-accepted, admin-error-200,
    any-password (the login issues a token for a known username, whatever the password),
    none-case (refuses ``alg: none`` but takes ``None``/``NONE`` as unsigned)."""
    lifetime = -3600 if mode == "expired-accepted" else 600

    async def login(request: Request) -> Response:
        data = await request.json()
        wrong = data.get("password") != apps.PASSWORD and mode != "any-password"
        if wrong or data.get("username") not in USERS:
            return JSONResponse({"error": "bad credentials"}, 401)
        user = str(data["username"])
        claims = {"sub": user, "role": USERS[user], "exp": int(time.time()) + lifetime}
        return JSONResponse({"data": {"access_token": apps.sign(claims, SECRET)}})

    def who(request: Request) -> dict[str, Any] | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        verify, none_case = mode != "claims-only", mode == "none-case"
        claims = _claims(token, verify, none_case) if scheme == "Bearer" else None
        if claims is None or USERS.get(str(claims.get("sub"))) != claims.get("role"):
            return None  # claims-only: the claims must be exactly a known user's
        if set(claims) != {"sub", "role", "exp"}:
            return None
        if mode != "expired-accepted" and float(claims["exp"]) < time.time():
            return None
        return claims

    async def me(request: Request) -> Response:
        claims = who(request)
        if claims is None:
            return JSONResponse({"error": "unauthorized"}, 401)
        if mode == "error-200":
            return JSONResponse({"error": "token not accepted", "user": None})
        return JSONResponse({"username": claims["sub"]})

    async def admin(request: Request) -> Response:
        claims = who(request)
        if claims is None:
            return JSONResponse({"error": "unauthorized"}, 401)
        if claims["role"] != "admin":
            return JSONResponse({"error": "forbidden"}, 403)
        if mode == "admin-error-200":
            return JSONResponse({"success": False, "error": "insufficient role"})
        return JSONResponse({"users": sorted(USERS)})

    routes = [
        Route("/api/login", login, methods=["POST"]),
        Route("/api/me", me),
        Route("/api/admin", admin),
    ]
    return Starlette(routes=routes)


@pytest.fixture
def service(request: pytest.FixtureRequest) -> Iterator[str]:
    with serve_asgi(_service(request.param)) as url:
        yield url


def _settings(url: str) -> dict[str, Any]:
    login = {
        "login_path": "/api/login",
        "username": "bob",
        "password": apps.PASSWORD,
        "token_field": "data.access_token",
        "protected_path": "/api/me",
    }
    rows = [
        {"name": "admin", "username": "alice", "password": apps.PASSWORD, "expect_status": 200},
        {"name": "user", "username": "bob", "password": apps.PASSWORD, "expect_status": 403},
        {"name": "anonymous", "expect_status": 401},
    ]
    roles = [{**row, "path": "/api/admin"} for row in rows]
    return {"base_url": url, "timeout_s": 2, "auth": login, "roles": roles}


@pytest.mark.parametrize("service", ["correct"], indirect=True)
def test_a_service_verifying_signature_and_expiry_passes_login_and_roles(service: str) -> None:
    verdict = judge(AUTHN, _settings(service))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "tampered token 401, real token 200, re-signed token 401" in verdict.evidence
    assert "a made-up password got 401 and no token" in verdict.evidence
    assert judge(ROLES, _settings(service)).status is Status.PASSED


@pytest.mark.parametrize("service", ["claims-only"], indirect=True)
def test_a_service_checking_claims_but_not_the_signature_fails(service: str) -> None:
    verdict = judge(AUTHN, _settings(service))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "real token 200, re-signed token 200" in verdict.evidence
    assert "signed with a random key were not refused" in verdict.evidence


@pytest.mark.parametrize("service", ["error-200"], indirect=True)
def test_a_real_token_answered_200_with_an_error_document_fails(service: str) -> None:
    verdict = judge(AUTHN, _settings(service))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert 'the real token got an error document (error: "token not accepted")' in (
        verdict.evidence
    )


@pytest.mark.parametrize("service", ["expired-accepted"], indirect=True)
def test_a_service_accepting_an_expired_token_fails(service: str) -> None:
    verdict = judge(AUTHN, _settings(service))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "the real token was accepted although it expired 36" in verdict.evidence


@pytest.mark.parametrize("service", ["none-case"], indirect=True)
def test_a_service_taking_alg_none_spelled_in_capitals_fails_the_jwt_line(service: str) -> None:
    verdict = judge(JWT, _settings(service))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "a token with alg None was accepted (200)" in verdict.evidence


@pytest.mark.parametrize("service", ["correct"], indirect=True)
def test_a_service_refusing_every_spelling_of_alg_none_passes_the_jwt_line(service: str) -> None:
    verdict = judge(JWT, _settings(service))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "alg none refused with 401" in verdict.evidence
    assert "(so were None and NONE)" in verdict.evidence


@pytest.mark.parametrize("service", ["any-password"], indirect=True)
def test_a_login_issuing_a_token_for_a_made_up_password_fails(service: str) -> None:
    verdict = judge(AUTHN, _settings(service))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "the login issued a token for a made-up password (200)" in verdict.evidence
    assert apps.PASSWORD not in verdict.evidence


@pytest.mark.parametrize("service", ["admin-error-200"], indirect=True)
def test_a_role_row_answered_200_with_an_error_document_fails(service: str) -> None:
    verdict = judge(ROLES, _settings(service))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert 'admin GET /api/admin got 200 with an error document (error: "insufficient role")' in (
        verdict.evidence
    )


def test_the_resigned_token_keeps_the_claims_and_changes_the_signature() -> None:
    token = apps.sign({"sub": "bob", "role": "user"}, SECRET)
    copy = resigned(token)
    assert copy is not None and copy.split(".")[:2] == token.split(".")[:2]
    assert copy.split(".")[2] != token.split(".")[2] and copy != resigned(token)
    assert resigned("opaque-token") is None and tampered(token) != token


def test_expiry_is_read_from_exp_and_nbf() -> None:
    now = 1_000_000.0
    assert expiry_problem(apps.sign({"exp": now - 5}, SECRET), now) == "it expired 5 s ago (exp)"
    assert expiry_problem(apps.sign({"exp": now + 5}, SECRET), now) is None
    assert expiry_problem(apps.sign({"nbf": now + 3600}, SECRET), now) is not None
    assert expiry_problem(apps.sign({"exp": True}, SECRET), now) is None
