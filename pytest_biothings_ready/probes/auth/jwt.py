"""The service's JWT, examined offline: weak HMAC secrets and ``alg: none``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.auth.results import AuthReport, JwtFindings
from pytest_biothings_ready.probes.auth.session import send
from pytest_biothings_ready.probes.auth.tokens import (
    HASHES,
    WEAK_SECRETS,
    jwt_parts,
    unsigned,
    weak_secret_index,
)

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["WEAK_SECRETS", "examine", "jwt_secret_is_strong", "weak_secret_index"]


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
    parsed = jwt_parts(token)
    none_token = unsigned(token)
    if parsed is None or none_token is None:
        return None
    candidates = _candidates(env)
    match = weak_secret_index(token, candidates)
    none_status, none_alg = _try_unsigned(client, env, url, token)
    length = len(candidates[match - 1]) if match else None
    alg = str(parsed[0].get("alg"))
    return JwtFindings(alg, match, length, len(candidates), none_status, none_alg)


def _try_unsigned(client: httpx.Client, env: Environment, url: str, token: str) -> tuple[int, str]:
    """(status, spelling): unsigned copies as ``none``, ``None``, ``NONE`` until one is
    accepted (2xx); at most three requests."""
    status, spelling = 0, "none"
    for spelling in ("none", "None", "NONE"):
        status = send(client, "GET", url, unsigned(token, spelling), env).status_code
        if 200 <= status < 300:
            break
    return status, spelling


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
        problems.append(f"a token with alg {jwt.none_alg} was accepted ({jwt.none_status})")
    if problems:
        return Verdict.failed(f"JWT from the service: {'; '.join(problems)}.")
    secret = (
        f"{jwt.alg} signature matches none of {jwt.candidates} well-known secrets (checked offline)"
        if jwt.alg in HASHES
        else f"asymmetric {jwt.alg} signature: no shared secret to guess"
    )
    return Verdict.passed(
        f"JWT from the service: {secret}; alg none refused with "
        f"{jwt.none_status} on {report.protected_url} (so were None and NONE)."
    )
