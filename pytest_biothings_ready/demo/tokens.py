"""A minimal HS256 JSON Web Token, enough for the demo's login slice.

PyJWT and joserfc are not dependencies of the plugin, and the demo only needs to
sign and verify its own tokens, so this is the few lines of RFC 7515/7519 it takes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

__all__ = ["sign", "verify"]

_HEADER = {"alg": "HS256", "typ": "JWT"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, signing_input: str) -> str:
    return _b64(hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest())


def sign(claims: dict[str, Any], secret: bytes, lifetime_s: int = 3600) -> str:
    """A signed token carrying ``claims`` plus ``iat`` and ``exp``."""
    now = int(time.time())
    payload = {**claims, "iat": now, "exp": now + lifetime_s}
    head = _b64(json.dumps(_HEADER, separators=(",", ":")).encode())
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    return f"{head}.{body}.{_mac(secret, f'{head}.{body}')}"


def verify(token: str, secret: bytes) -> dict[str, Any] | None:
    """The claims of a valid, unexpired HS256 token signed with ``secret``; else None."""
    try:
        head, body, signature = token.split(".")
        header = json.loads(_unb64(head))
        claims = json.loads(_unb64(body))
    except ValueError:
        return None
    # The algorithm is pinned: "alg: none" or any other value is refused outright.
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        return None
    if not hmac.compare_digest(signature, _mac(secret, f"{head}.{body}")):
        return None
    if not isinstance(claims, dict) or int(claims.get("exp", 0)) < time.time():
        return None
    return claims
