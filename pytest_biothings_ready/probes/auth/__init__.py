"""Authentication and authorization: login, a protected endpoint, roles, the JWT.

The ``auth`` gatherer (:mod:`.login`) logs in (``auth.login_path`` with
``auth.username`` and ``auth.password``, usually ``${VAR}``s) or takes ``auth.token``,
then asks ``auth.protected_path`` four times: without a token, with a tampered token,
with the real token and with an ``alg: none`` token.  The token itself is examined
OFFLINE (:mod:`.jwt`, on the pure helpers of :mod:`.tokens`): an HMAC-signed JWT is
checked against a list of well-known weak secrets on this machine; no guessed secret
is ever sent to the service.  The ``roles`` gatherer (:mod:`.roles`) plays the
``[[env.NAME.roles]]`` matrix.  What the gatherer observed (:mod:`.results`) is
shared by the login and JWT checks, so neither imports the other.  Requests carrying
tokens go through :mod:`.session`, which refuses header values a token cannot be
(:mod:`.headers`); the settings are declared in :mod:`.settings`.  Tokens and
passwords never enter a result or evidence, not even as a near-copy: evidence shows
a fingerprint (length and a SHA-256 prefix).  Importing this package only
registers; httpx loads when a probe runs.

Imports run one way: tokens, headers, results <- session <- jwt <- login; roles
uses session.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.auth import audit, headers, jwt, login, roles, session, settings
from pytest_biothings_ready.probes.auth.results import AuthReport, JwtFindings
from pytest_biothings_ready.probes.auth.roles import RoleOutcome
from pytest_biothings_ready.probes.auth.tokens import WEAK_SECRETS, weak_secret_index

__all__ = [
    "WEAK_SECRETS",
    "AuthReport",
    "JwtFindings",
    "RoleOutcome",
    "audit",
    "headers",
    "jwt",
    "login",
    "roles",
    "session",
    "settings",
    "weak_secret_index",
]
