"""Planted secrets never reach verdict evidence, whatever the verdict, nor any output.

The first test judges lines directly; the end-to-end test runs pytest on a small
deployment and reads every place text leaves the plugin: the JUnit XML, the Markdown
and HTML reports, the terminal with ``-rA``/``-rs`` and ``--tb=long``.
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

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


# -- end to end: every place text leaves the plugin (issue 9 rows 2, 3, 4, 10, 11) -----

CANARY_KEY = "canary-AIzaSy-e2e-0123456789abcdef"
ECHO_PAD = "x" * 40  # pushes the echoed key across the evidence's 60-character cut


def _echo_app() -> Starlette:
    """Echoes the API key it was sent (row 2) and speaks terminal escapes (row 11)."""

    async def echo(request: Request) -> Response:
        key = request.headers.get("x-api-key", "")
        return JSONResponse({"token": ECHO_PAD + key, "ansi": ANSI_TEXT})

    return Starlette(routes=[Route("/api/echo", echo)])


ANSI_TEXT = "\x1b[2J\x1b[1;32mALL CHECKS PASSED"
E2E_CHECKLIST = (
    "### Checks\n- [ ] API endpoints tested\n- [ ] Keys are rotated\n- [ ] Pager works\n"
)
E2E_LINKED = """
import pytest
from pytest_biothings_ready import ready

@ready.item("Keys are rotated")
def test_skips_naming_the_key(ready_env):
    pytest.skip("rotation pending: " + ready_env.get("secrets.KEY"))

@ready.item("Pager works")
def test_fails_with_ready_env_in_the_traceback(ready_env, record_property):
    record_property("key", ready_env.get("secrets.KEY"))
    assert ready_env.get("secrets.KEY") == "rotated", "z" * 230 + ready_env.get("secrets.KEY")
"""


def _e2e_config(url: str) -> str:
    return f"""
[ready]
checklist = "checklist.md"
[env.staging]
base_url = "{url}"
timeout_s = 2
secrets = {{ KEY = "${{CANARY_KEY}}", RAW = "${{CANARY_RAW}}" }}
[[env.staging.smoke]]
name = "echo"
path = "/api/echo"
headers = {{ X-Api-Key = "${{CANARY_KEY}}" }}
expect_json = {{ token = "something else" }}
[[env.staging.smoke]]
name = "raw header"
path = "/api/echo"
headers = {{ X-Api-Key = "${{CANARY_RAW}}" }}
"""


def test_planted_key_reaches_no_record_report_or_terminal(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CANARY_KEY", CANARY_KEY)
    monkeypatch.setenv("CANARY_RAW", CANARY_KEY[::-1] + "\r\n")  # row 3: illegal header value
    pytester.makefile(".md", checklist=E2E_CHECKLIST)
    pytester.makepyfile(test_linked=E2E_LINKED)
    with serve_asgi(_echo_app()) as url:
        pytester.makefile(".toml", readiness=_e2e_config(url))
        common = ("--ready-env=staging", "-p", "no:cacheprovider")
        run = pytester.runpytest(
            *common, "--junitxml=record.xml", "--ready-report=r.md", "-rA", "--tb=long"
        )
        html = pytester.runpytest(*common, "--ready-report=r.html", "-rs", "--tb=short")
    files = [(pytester.path / n).read_text() for n in ("record.xml", "r.md", "r.html")]
    texts = [run.stdout.str(), run.stderr.str(), html.stdout.str(), *files]
    pieces = [CANARY_KEY, CANARY_KEY[:12], CANARY_KEY[-12:], CANARY_KEY[::-1][:12]]
    for text in texts:
        assert "INTERNALERROR" not in text
        assert [p for p in pieces if p in text] == [], text
        assert "\x1b" not in text
    assert "rotation pending: ***" in run.stdout.str()  # -rA keeps the reason, masked
    assert "***" in files[0]
