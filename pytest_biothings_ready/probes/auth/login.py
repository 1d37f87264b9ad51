"""The login and the protected endpoint: *User authentication working*."""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING

from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.auth.headers import require_sendable
from pytest_biothings_ready.probes.auth.jwt import examine
from pytest_biothings_ready.probes.auth.results import AuthReport
from pytest_biothings_ready.probes.auth.session import log_in, obtain_token, send
from pytest_biothings_ready.probes.auth.tokens import expiry_problem, resigned, tampered
from pytest_biothings_ready.probes.web.errorbody import response_error

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["authentication_works", "gather_auth"]


@gatherer("auth", needs=("base_url", "auth.protected_path"))
def gather_auth(ctx: Context) -> AuthReport:
    """Log in, then ask the protected endpoint without, with a bad and with the token."""
    from pytest_biothings_ready.evidence.transport import http_client

    env = ctx.env
    url = str(env.get("base_url")).rstrip("/") + str(env.get("auth.protected_path"))
    field = str(env.get("auth.token_field"))
    with http_client(env) as client:
        started = time.time()
        login, status, token = obtain_token(client, env)
        started_at = started if login else None
        report = AuthReport(login, status, token is not None, field, url, login_started=started_at)
        if token is None:
            return report
        source = f"the token from {login}" if login else "auth.token"
        require_sendable(token, source, str(env.get("auth.header")))
        real = send(client, "GET", url, token, env)
        foreign = resigned(token)
        wrong_status, wrong_token = _wrong_password(client, env) if login else (None, None)
        return AuthReport(
            login,
            status,
            True,
            field,
            url,
            anonymous_status=send(client, "GET", url, None, env).status_code,
            tampered_status=send(client, "GET", url, tampered(token), env).status_code,
            real_status=real.status_code,
            resigned_status=send(client, "GET", url, foreign, env).status_code if foreign else None,
            real_error=response_error(real),
            expiry=expiry_problem(token),
            wrong_password_status=wrong_status,
            wrong_password_token=wrong_token is not None,
            jwt=examine(client, env, url, token),
            login_started=started_at,
        )


def _wrong_password(client: httpx.Client, env: Environment) -> tuple[int, str | None]:
    """The login with the configured username and a made-up password."""
    made_up = "ready-probe-" + secrets.token_urlsafe(12)
    return log_in(client, env, str(env.require("auth.username")), made_up)


def _refused(status: int | None) -> bool:
    return status in (401, 403)


@check("User authentication working", uses=("auth",))
def authentication_works(ctx: Context) -> Verdict:
    """Login yields a token; the protected endpoint refuses no token and a tampered one.

    The configured login (``auth.*``) must answer 2xx with a token at
    ``auth.token_field``, and no token for the same username with a made-up password;
    ``auth.protected_path`` must answer 401/403 without a token, with a token whose
    claims were altered and with the token's own claims signed by a random key, and
    2xx with the real token, without an error document, while the token is unexpired
    by its own ``exp``/``nbf``.
    """
    report: AuthReport = ctx.evidence("auth")
    source = (
        f"{report.login} answered {report.login_status}"
        if report.login
        else ("configured auth.token used (no login)")
    )
    if not report.token_found:
        return Verdict.failed(
            f"Login failed: {source} without a token at {report.token_field!r}; expected 2xx "
            "with a token for the configured credentials."
        )
    resigned = (
        f", re-signed token {report.resigned_status}" if report.resigned_status is not None else ""
    )
    observed = (
        f"{report.protected_url}: no token {report.anonymous_status}, tampered token "
        f"{report.tampered_status}, real token {report.real_status}{resigned}"
    )
    wrong = report.wrong_password_status
    login_note = f"; a made-up password got {wrong} and no token" if wrong is not None else ""
    problems = _auth_problems(report)
    if problems:
        return Verdict.failed(f"{source}; {observed}: {'; '.join(problems)}.")
    expected = "401/403, 401/403, 2xx, 401/403" if resigned else "401/403, 401/403, 2xx"
    return Verdict.passed(f"{source} with a token; {observed} (expected {expected}){login_note}.")


def _auth_problems(report: AuthReport) -> list[str]:
    problems = []
    if report.wrong_password_token:
        problems.append(
            f"the login issued a token for a made-up password ({report.wrong_password_status})"
        )
    if not _refused(report.anonymous_status):
        problems.append("a request without a token was not refused")
    if not _refused(report.tampered_status):
        problems.append("a token with altered claims was not refused (signature not verified?)")
    if report.resigned_status is not None and not _refused(report.resigned_status):
        problems.append(
            "the token's own claims signed with a random key were not refused "
            "(signature not verified?)"
        )
    if report.real_status is None or not 200 <= report.real_status < 300:
        problems.append("the real token was not accepted")
    elif report.real_error:
        problems.append(f"the real token got an error document ({report.real_error})")
    elif report.expiry:
        problems.append(f"the real token was accepted although {report.expiry}")
    return problems
