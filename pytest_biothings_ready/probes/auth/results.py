"""What the auth gatherer observed: shared by the login and the JWT checks."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AuthReport", "JwtFindings"]


@dataclass(frozen=True)
class JwtFindings:
    """What the offline examination of the service's token found.

    Attributes:
        alg: the ``alg`` of the token header.
        weak_match: 1-based index in the candidate list of the secret that signs it.
        weak_length: length of that secret (its value is never reported).
        candidates: how many secrets were tried.
        none_status: status of the protected path for an ``alg: none`` token (the
            first spelling accepted, else the last refusal).
        none_alg: the ``alg`` spelling that status answered (``none``, ``None``, ``NONE``).
    """

    alg: str
    weak_match: int | None
    weak_length: int | None
    candidates: int
    none_status: int | None
    none_alg: str = "none"


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
        resigned_status: its status with the token's claims signed by a random key.
        real_error: the error document a 2xx answered to the real token, else None.
        expiry: why the real token was already invalid by its own claims, else None.
        wrong_password_status: the login's status for the same username with a made-up
            password (None: no login configured).
        wrong_password_token: that login returned a token.
        jwt: the offline findings, None when the token is not a JWT or missing.
        login_started: Unix time just before the login was sent (None: no login).
    """

    login: str | None
    login_status: int | None
    token_found: bool
    token_field: str
    protected_url: str
    anonymous_status: int | None = None
    tampered_status: int | None = None
    real_status: int | None = None
    resigned_status: int | None = None
    real_error: str | None = None
    expiry: str | None = None
    wrong_password_status: int | None = None
    wrong_password_token: bool = False
    jwt: JwtFindings | None = None
    login_started: float | None = None
