"""Authentication and authorization: login, a protected endpoint, roles, the JWT.

The ``auth`` gatherer logs in (``auth.login_path`` with ``auth.username`` and
``auth.password``, usually ``${VAR}``s) or takes ``auth.token``, then asks
``auth.protected_path`` four times: without a token, with a tampered token, with the
real token and with an ``alg: none`` token.  The token itself is examined OFFLINE: an
HMAC-signed JWT is checked against a list of well-known weak secrets on this machine;
no guessed secret is ever sent to the service.  The ``roles`` gatherer plays the
``[[env.NAME.roles]]`` matrix.  Tokens and passwords never enter a result or evidence.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.config.schema import Key, register
from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.base import Context, check, gatherer

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["WEAK_SECRETS", "AuthReport", "JwtFindings", "RoleOutcome", "weak_secret_index"]


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

# Published defaults (jwt.io, framework docs, tutorials) and lazy choices.
_WORDS = """
    secret Secret SECRET secret123 secretkey secret-key secret_key mysecret my-secret
    my_secret supersecret super-secret topsecret changeme change-me change_me CHANGE_ME
    changethis password passw0rd 123456 12345678 1234567890 qwerty letmein admin test
    testing dev development default key jwt jwt_secret jwt-secret jwtsecret JWT_SECRET
    jwt_secret_key your-256-bit-secret your-384-bit-secret your-512-bit-secret
    a-string-secret-at-least-256-bits-long your-secret-key your_secret_key your-secret
    your_jwt_secret your-jwt-secret s3cr3t shhhhh notasecret token auth hello example
"""
# "" is an empty HMAC key; "keyboard cat" is express-session's documented example.
WEAK_SECRETS: tuple[str, ...] = ("", *_WORDS.split(), "keyboard cat")

_HASHES = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _jwt_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Header and claims of a JWS compact token; None for anything else."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header, claims = json.loads(_unb64(parts[0])), json.loads(_unb64(parts[1]))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    return header, claims


def weak_secret_index(token: str, candidates: tuple[str, ...]) -> int | None:
    """1-based index of the candidate that signs ``token`` (HMAC JWTs only), else None."""
    head, body, signature = token.split(".")
    parsed = _jwt_parts(token)
    digest = _HASHES.get(str(parsed[0].get("alg"))) if parsed else None
    if digest is None:
        return None
    message = f"{head}.{body}".encode("ascii")
    for number, secret in enumerate(candidates, 1):
        mac = _b64(hmac.new(secret.encode(), message, digest).digest())
        if hmac.compare_digest(mac, signature):
            return number
    return None


def _tampered(token: str) -> str:
    """The token with its claims changed (role raised) and the old signature kept."""
    parsed = _jwt_parts(token)
    if parsed is None:
        middle = len(token) // 2
        return token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    head, _, signature = token.split(".")
    claims = {**parsed[1], "role": "admin", "admin": True, "ready_tampered": True}
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return f"{head}.{body}.{signature}"


def _unsigned(token: str) -> str | None:
    """The token's claims under ``alg: none`` with an empty signature (JWTs only)."""
    if _jwt_parts(token) is None:
        return None
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}, separators=(",", ":")).encode())
    return f"{header}.{token.split('.')[1]}."


@dataclass(frozen=True)
class JwtFindings:
    """What the offline examination of the service's token found.

    Attributes:
        alg: the ``alg`` of the token header.
        weak_match: 1-based index in the candidate list of the secret that signs it.
        weak_length: length of that secret (its value is never reported).
        candidates: how many secrets were tried.
        none_status: status of the protected path for an ``alg: none`` token.
    """

    alg: str
    weak_match: int | None
    weak_length: int | None
    candidates: int
    none_status: int | None


@dataclass(frozen=True)
class AuthReport:
    """The login and the protected endpoint, observed once.

    Attributes:
        login: ``METHOD path`` of the login, or None when a configured token was used.
        login_status: the login's status (None without login).
        token_found: a token was obtained.
        token_field: where the token was looked for.
        protected_url: the endpoint that needs a token.
        anonymous_status: its status without a token.
        tampered_status: its status with the token's claims altered.
        real_status: its status with the real token.
        jwt: the offline findings, None when the token is not a JWT or missing.
    """

    login: str | None
    login_status: int | None
    token_found: bool
    token_field: str
    protected_url: str
    anonymous_status: int | None = None
    tampered_status: int | None = None
    real_status: int | None = None
    jwt: JwtFindings | None = None


@dataclass(frozen=True)
class RoleOutcome:
    """One row of the role matrix.

    Attributes:
        name: the role.
        request: ``METHOD path``.
        expected: the status the role must get.
        status: the status it got.
    """

    name: str
    request: str
    expected: int
    status: int


def _request(
    client: httpx.Client,
    method: str,
    url: str,
    token: str | None,
    env: Environment,
    **options: Any,
) -> httpx.Response:
    import httpx

    headers = {}
    if token is not None:
        scheme = str(env.get("auth.scheme") or "")
        headers[str(env.get("auth.header"))] = f"{scheme} {token}" if scheme else token
    try:
        return client.request(method, url, headers=headers, **options)
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        # The exception text names the URL only: tokens travel in headers.
        raise ProbeError(f"{method} {url}: {type(exc).__name__}: {exc}") from None


def _dig_json(response: httpx.Response, dotted: str) -> str | None:
    try:
        node: Any = response.json()
    except ValueError:
        return None
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, str) and node else None


def _login(
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
    response = _request(client, method, url, None, env, json=body)
    if not 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, _dig_json(response, str(env.get("auth.token_field")))


def _candidates(env: Environment) -> tuple[str, ...]:
    wordlist = env.get("auth.wordlist")
    if not wordlist:
        return WEAK_SECRETS
    path = env.path(str(wordlist))
    try:
        extra = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ProbeError(f"cannot read auth.wordlist {path}: {exc.strerror}") from None
    return WEAK_SECRETS + tuple(line.strip() for line in extra if line.strip())


@gatherer("auth", needs=("base_url", "auth.protected_path"))
def gather_auth(ctx: Context) -> AuthReport:
    """Log in, then ask the protected endpoint without, with a bad and with the token."""
    from pytest_biothings_ready.probes.transport import http_client

    env = ctx.env
    url = str(env.get("base_url")).rstrip("/") + str(env.get("auth.protected_path"))
    field = str(env.get("auth.token_field"))
    with http_client(env) as client:
        login, status, token = _obtain_token(client, env)
        report = AuthReport(login, status, token is not None, field, url)
        if token is None:
            return report
        return AuthReport(
            login,
            status,
            True,
            field,
            url,
            anonymous_status=_request(client, "GET", url, None, env).status_code,
            tampered_status=_request(client, "GET", url, _tampered(token), env).status_code,
            real_status=_request(client, "GET", url, token, env).status_code,
            jwt=_examine(client, env, url, token),
        )


def _obtain_token(
    client: httpx.Client, env: Environment
) -> tuple[str | None, int | None, str | None]:
    """(login label, login status, token) from the login, else the configured token."""
    if env.get("auth.login_path"):
        username = str(env.require("auth.username"))
        password = str(env.require("auth.password"))
        status, token = _login(client, env, username, password)
        label = f"{str(env.get('auth.login_method')).upper()} {env.get('auth.login_path')}"
        return label, status, token
    token = env.get("auth.token")
    if not token:
        raise NotConfigured("auth.login_path", env.name, "or a pre-issued auth.token")
    return None, None, str(token)


def _examine(client: httpx.Client, env: Environment, url: str, token: str) -> JwtFindings | None:
    """Offline weak-secret search and the ``alg: none`` request; None for opaque tokens."""
    parsed = _jwt_parts(token)
    unsigned = _unsigned(token)
    if parsed is None or unsigned is None:
        return None
    candidates = _candidates(env)
    match = weak_secret_index(token, candidates)
    none_status = _request(client, "GET", url, unsigned, env).status_code
    length = len(candidates[match - 1]) if match else None
    return JwtFindings(str(parsed[0].get("alg")), match, length, len(candidates), none_status)


@gatherer("roles", needs=("base_url", "roles"))
def gather_roles(ctx: Context) -> tuple[RoleOutcome, ...]:
    """Play every row of the role matrix with that role's token."""
    from pytest_biothings_ready.probes.transport import http_client

    with http_client(ctx.env) as client:
        return tuple(_play_role(client, ctx.env, row) for row in ctx.env.require("roles"))


def _play_role(client: httpx.Client, env: Environment, row: dict[str, Any]) -> RoleOutcome:
    name = str(row.get("name") or row.get("username") or "anonymous")
    if "path" not in row or "expect_status" not in row:
        raise NotConfigured("roles", env.name, f"role {name!r} needs path and expect_status")
    token = row.get("token")
    if not token and row.get("username"):
        status, token = _login(client, env, str(row["username"]), str(row.get("password", "")))
        if token is None:
            raise ProbeError(f"could not log in as role {name!r}: login answered {status}")
    method = str(row.get("method") or "GET").upper()
    url = str(env.get("base_url")).rstrip("/") + str(row["path"])
    got = _request(client, method, url, str(token) if token else None, env).status_code
    return RoleOutcome(name, f"{method} {row['path']}", int(row["expect_status"]), got)


def _refused(status: int | None) -> bool:
    return status in (401, 403)


@check("User authentication working", uses=("auth",))
def authentication_works(ctx: Context) -> Verdict:
    """Login yields a token; the protected endpoint refuses no token and a tampered one.

    The configured login (``auth.*``) must answer 2xx with a token at
    ``auth.token_field``; ``auth.protected_path`` must answer 401/403 without a token
    and with a token whose claims were altered, and 2xx with the real token.
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
    observed = (
        f"{report.protected_url}: no token {report.anonymous_status}, tampered token "
        f"{report.tampered_status}, real token {report.real_status}"
    )
    problems = _auth_problems(report)
    if problems:
        return Verdict.failed(f"{source}; {observed}: {'; '.join(problems)}.")
    return Verdict.passed(f"{source} with a token; {observed} (expected 401/403, 401/403, 2xx).")


def _auth_problems(report: AuthReport) -> list[str]:
    problems = []
    if not _refused(report.anonymous_status):
        problems.append("a request without a token was not refused")
    if not _refused(report.tampered_status):
        problems.append("a token with altered claims was not refused (signature not verified?)")
    if report.real_status is None or not 200 <= report.real_status < 300:
        problems.append("the real token was not accepted")
    return problems


@check("User roles and permissions configured", uses=("roles",))
def roles_are_enforced(ctx: Context) -> Verdict:
    """Every row of the role matrix gets exactly its expected status.

    Each ``[[env.NAME.roles]]`` row (a role's token or login, a method and path, an
    expected status) is requested; any other status fails the item.
    """
    outcomes: tuple[RoleOutcome, ...] = ctx.evidence("roles")
    rows = [f"{o.name} {o.request} -> {o.status}" for o in outcomes]
    wrong = [
        f"{o.name} {o.request} got {o.status}, expected {o.expected}"
        for o in outcomes
        if o.status != o.expected
    ]
    if wrong:
        return Verdict.failed("Role matrix violated: " + "; ".join(wrong) + ".")
    return Verdict.passed(f"Role matrix enforced ({len(rows)} rows): " + "; ".join(rows) + ".")


@check("JWT secret keys are strong and unique", uses=("auth",))
def jwt_secret_is_strong(ctx: Context) -> Verdict:
    """The service's JWT is not signed with a well-known secret and alg none is refused.

    A token obtained from the service is checked offline against a list of published
    and default secrets (plus ``auth.wordlist``); a token re-sent with ``alg: none``
    to ``auth.protected_path`` must be refused (401/403).
    """
    report: AuthReport = ctx.evidence("auth")
    if not report.token_found:
        raise ProbeError(f"no token to examine: {report.login} answered {report.login_status}")
    jwt = report.jwt
    if jwt is None:
        return Verdict.unverified("The service's token is not a JWT: no signing secret to test.")
    problems = []
    if jwt.alg.casefold() == "none":
        problems.append("the service issues unsigned tokens (alg none)")
    if jwt.weak_match is not None:
        problems.append(
            f"{jwt.alg} token verifies with a well-known weak secret (entry "
            f"{jwt.weak_match} of {jwt.candidates}, {jwt.weak_length} characters)"
        )
    if jwt.none_status is None or 200 <= jwt.none_status < 300:
        problems.append(f"a token with alg none was accepted ({jwt.none_status})")
    if problems:
        return Verdict.failed(f"JWT from the service: {'; '.join(problems)}.")
    secret = (
        f"{jwt.alg} signature matches none of {jwt.candidates} well-known secrets (checked offline)"
        if jwt.alg in _HASHES
        else f"asymmetric {jwt.alg} signature: no shared secret to guess"
    )
    return Verdict.passed(
        f"JWT from the service: {secret}; alg none refused with "
        f"{jwt.none_status} on {report.protected_url}."
    )
