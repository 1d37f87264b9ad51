"""Requests that carry a token, and the login that obtains one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.probes.auth.headers import require_sendable, scrub

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["log_in", "obtain_token", "send"]


def send(
    client: httpx.Client,
    method: str,
    url: str,
    token: str | None,
    env: Environment,
    **options: Any,
) -> httpx.Response:
    """``method url`` with ``token`` in the configured header; ProbeError on no answer.

    A token that cannot be a header value is refused before sending, by fingerprint:
    the HTTP library would print the whole header value in its error.
    """
    import httpx

    headers = {}
    if token is not None:
        header, scheme = str(env.get("auth.header")), str(env.get("auth.scheme") or "")
        require_sendable(token, f"the token for {method} {url}", header)
        headers[header] = f"{scheme} {token}" if scheme else token
    try:
        return client.request(method, url, headers=headers, **options)
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        text = f"{method} {url}: {type(exc).__name__}: {exc}"
        raise ProbeError(scrub(text, token) if token else text) from None


def _dig_json(response: httpx.Response, dotted: str) -> str | None:
    try:
        node: Any = response.json()
    except ValueError:
        return None
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, str) and node else None


def log_in(
    client: httpx.Client, env: Environment, username: str, password: str
) -> tuple[int, str | None]:
    """Status of the login and the token it returned (None: no token)."""
    path = str(env.require("auth.login_path"))
    url = str(env.get("base_url")).rstrip("/") + path
    body = {
        str(env.get("auth.username_field")): username,
        str(env.get("auth.password_field")): password,
    }
    method = str(env.get("auth.login_method")).upper()
    response = send(client, method, url, None, env, json=body)
    if not 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, _dig_json(response, str(env.get("auth.token_field")))


def obtain_token(
    client: httpx.Client, env: Environment
) -> tuple[str | None, int | None, str | None]:
    """(login label, login status, token) from the login, else the configured token."""
    if env.get("auth.login_path"):
        username = str(env.require("auth.username"))
        password = str(env.require("auth.password"))
        status, token = log_in(client, env, username, password)
        label = f"{str(env.get('auth.login_method')).upper()} {env.get('auth.login_path')}"
        return label, status, token
    token = env.get("auth.token")
    if not token:
        raise NotConfigured("auth.login_path", env.name, "or a pre-issued auth.token")
    return None, None, str(token)
