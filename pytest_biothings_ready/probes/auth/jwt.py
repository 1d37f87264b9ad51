"""The service's JWT, examined offline: weak HMAC secrets, tampering, ``alg: none``."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.auth.session import send

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment
    from pytest_biothings_ready.probes.auth.login import AuthReport

__all__ = [
    "WEAK_SECRETS",
    "JwtFindings",
    "examine",
    "jwt_secret_is_strong",
    "tampered",
    "weak_secret_index",
]

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


def tampered(token: str) -> str:
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


def examine(client: httpx.Client, env: Environment, url: str, token: str) -> JwtFindings | None:
    """Offline weak-secret search and the ``alg: none`` request; None for opaque tokens."""
    parsed = _jwt_parts(token)
    unsigned = _unsigned(token)
    if parsed is None or unsigned is None:
        return None
    candidates = _candidates(env)
    match = weak_secret_index(token, candidates)
    none_status = send(client, "GET", url, unsigned, env).status_code
    length = len(candidates[match - 1]) if match else None
    return JwtFindings(str(parsed[0].get("alg")), match, length, len(candidates), none_status)


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
