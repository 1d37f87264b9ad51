"""Authentication and authorization: login, a protected endpoint, roles, the JWT.

The ``auth`` gatherer (:mod:`.login`) logs in (``auth.login_path`` with
``auth.username`` and ``auth.password``, usually ``${VAR}``s) or takes ``auth.token``,
then asks ``auth.protected_path`` four times: without a token, with a tampered token,
with the real token and with an ``alg: none`` token.  The token itself is examined
OFFLINE (:mod:`.jwt`): an HMAC-signed JWT is checked against a list of well-known
weak secrets on this machine; no guessed secret is ever sent to the service.  The
``roles`` gatherer (:mod:`.roles`) plays the ``[[env.NAME.roles]]`` matrix.  Requests
carrying tokens go through :mod:`.session`; the settings are declared in
:mod:`.settings`.  Tokens and passwords never enter a result or evidence.  Importing
this package only registers; httpx loads when a probe runs.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.auth import jwt, login, roles, session, settings
from pytest_biothings_ready.probes.auth.jwt import WEAK_SECRETS, JwtFindings, weak_secret_index
from pytest_biothings_ready.probes.auth.login import AuthReport
from pytest_biothings_ready.probes.auth.roles import RoleOutcome

__all__ = [
    "WEAK_SECRETS",
    "AuthReport",
    "JwtFindings",
    "RoleOutcome",
    "jwt",
    "login",
    "roles",
    "session",
    "settings",
    "weak_secret_index",
]
