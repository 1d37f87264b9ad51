"""Planted secrets never reach verdict evidence, whatever the verdict."""

from __future__ import annotations

import pytest

from tests.network_security import apps
from tests.support.evaluate import judge
from tests.support.servers import serve_asgi

ROLE_TOKEN = apps.sign({"role": "user", "canary": "role-token"}, "secret")
LINES = (
    "User authentication working",
    "User roles and permissions configured",
    "JWT secret keys are strong and unique",
    "GOOGLE_API_KEY is set and valid",
)


def _settings(auth_url: str, llm_url: str, key: str, password: str) -> dict[str, object]:
    roles = [
        {
            "name": "user",
            "username": "bob",
            "password": password,
            "path": "/api/admin",
            "expect_status": 200,
        },
        {"name": "bearer", "token": ROLE_TOKEN, "path": "/api/admin", "expect_status": 200},
    ]
    return {
        "base_url": auth_url,
        "timeout_s": 2,
        "secrets": {"GOOGLE_API_KEY": key},
        "llm": {"base_url": f"{llm_url}/v1beta"},
        "auth": {
            "login_path": "/api/login",
            "username": "bob",
            "password": password,
            "token_field": "data.access_token",
            "protected_path": "/api/me",
        },
        "roles": roles,
    }


@pytest.mark.parametrize("variant", ["valid", "invalid", "tampering", "weak"])
def test_no_password_key_or_token_appears_in_any_evidence(variant):
    app, issued = apps.auth_app(
        verify=variant != "tampering", secret="secret" if variant == "weak" else "k" * 32
    )
    password = apps.PASSWORD if variant != "invalid" else "canary-wrong-P4ss"
    key = apps.API_KEY if variant == "valid" else "canary-AIzaSy-bad-key"
    with serve_asgi(app) as auth_url, serve_asgi(apps.models_app()) as llm_url:
        settings = _settings(auth_url, llm_url, key, password)
        evidence = [judge(line, settings).evidence for line in LINES]
    canaries = [password, key, apps.PASSWORD, apps.API_KEY, ROLE_TOKEN, *issued]
    for text in evidence:
        assert not [c for c in canaries if c in text], text
