"""Settings of the auth family: the login, the protected endpoint and the role matrix."""

from __future__ import annotations

from typing import Any

from pytest_biothings_ready.config.schema import Key, register

__all__: list[str] = []


def _key(name: str, kind: str, doc: str, default: Any = None) -> Key:
    return Key(f"auth.{name}", kind, doc, default, family="auth")


register(
    _key("login_path", "str", "Login endpoint (JSON credentials in, token out)."),
    _key("login_method", "str", "Method of the login request.", "POST"),
    _key("username", "str", "Login user, usually ${VAR}."),
    _key("password", "str", "Login password, usually ${VAR}; always redacted."),
    _key("username_field", "str", "JSON field of the username.", "username"),
    _key("password_field", "str", "JSON field of the password.", "password"),
    _key(
        "token_field", "str", "Dotted JSON path of the token in the login answer.", "access_token"
    ),
    _key("token", "str", "A pre-issued token used when there is no login_path."),
    _key("protected_path", "str", "An endpoint that needs a valid token."),
    _key("header", "str", "Header that carries the token.", "Authorization"),
    _key("scheme", "str", "Prefix of the token in the header ('' for none).", "Bearer"),
    _key("wordlist", "path", "Extra weak JWT secrets, one per line (checked offline)."),
    Key(
        "roles",
        "table",
        "Role matrix ([[env.NAME.roles]]): who may call what.",
        fields=(
            Key("name", "str", "Role label shown in evidence."),
            Key("token", "str", "Token of the role (or username/password to log in)."),
            Key("username", "str", "Login user of the role."),
            Key("password", "str", "Login password of the role."),
            Key("method", "str", "HTTP method.", "GET"),
            Key("path", "str", "Path below base_url."),
            Key("expect_status", "int", "Status the role must get."),
        ),
        family="auth",
    ),
)
