"""``${VAR}`` interpolation from the process environment, and secret collection.

Every value taken from the process environment is a secret: it is redacted from
the record, reports and output.  So are the values under ``secrets`` and of keys
whose name says they hold one (password, token, api_key, secret, authorization),
and the password of any URL (``redis://:PASSWORD@host``, ``database_url``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pytest_biothings_ready.config.environment import Unset

__all__ = ["SECRET_WORDS", "interpolate", "secret_values"]

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
SECRET_WORDS = ("password", "passwd", "token", "api_key", "apikey", "secret", "authorization")


def interpolate(value: Any, environ: Mapping[str, str], found: set[str]) -> Any:
    """``value`` with every ``${VAR}`` replaced; an unset VAR makes it :class:`Unset`.

    The substituted values are added to ``found`` (they are secrets).
    """
    if isinstance(value, dict):
        return {k: interpolate(v, environ, found) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, environ, found) for v in value]
    if not isinstance(value, str):
        return value
    missing = [name for name in _VAR.findall(value) if name not in environ]
    if missing:
        return Unset(missing[0])
    for name in _VAR.findall(value):
        if environ[name]:
            found.add(environ[name])
    return _VAR.sub(lambda match: environ[match.group(1)], value)


def secret_values(settings: Mapping[str, Any], inside: bool = False) -> set[str]:
    """String values that are secrets by position (``secrets``) or by key name."""
    found: set[str] = set()
    for key, value in settings.items():
        secret = inside or key == "secrets" or any(w in key.casefold() for w in SECRET_WORDS)
        if isinstance(value, Mapping):
            found |= secret_values(value, secret)
        elif isinstance(value, list):
            for element in value:
                if isinstance(element, Mapping):
                    found |= secret_values(element, secret)
                elif secret and isinstance(element, str) and element:
                    found.add(element)
        elif secret and isinstance(value, str) and value:
            found.add(value)
        elif isinstance(value, str):
            found |= url_passwords(value)
    return found


def url_passwords(value: str) -> set[str]:
    """The password of ``value`` when it is a URL with credentials, as written and decoded."""
    from urllib.parse import unquote, urlsplit

    if "://" not in value or "@" not in value:
        return set()
    try:
        password = urlsplit(value).password
    except ValueError:
        return set()
    return {password, unquote(password)} if password else set()
