"""``${VAR}`` interpolation from the process environment, and secret collection.

A value taken from the process environment into a text setting is a secret: it is
redacted from the record, reports and output.  So are the values under ``secrets``
and of keys whose name says they hold one (password, token, api_key, secret,
authorization), and the password of any URL (``redis://:PASSWORD@host``,
``database_url``).  A value interpolated into a typed setting (bool, number) is
converted to that type by config/values.py and is no longer text, so not a secret.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pytest_biothings_ready.config.environment import Unset

__all__ = ["SECRET_WORDS", "Interpolated", "interpolate", "is_secret_key", "secret_values"]

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
SECRET_WORDS = ("password", "passwd", "token", "api_key", "apikey", "secret", "authorization")
# Keys that name where a secret is found, not the secret itself.
NOT_SECRET_SUFFIXES = ("_field", "_allowlist", "_path")


class Interpolated(str):
    """A string that ``${VAR}`` substitution produced; remembers the variables.

    Attributes:
        variables: the names substituted, in order.
        values: their values from the process environment.
    """

    variables: tuple[str, ...]
    values: tuple[str, ...]

    def __new__(
        cls, text: str, variables: tuple[str, ...], values: tuple[str, ...]
    ) -> Interpolated:
        made = super().__new__(cls, text)
        made.variables = variables
        made.values = values
        return made

    def named(self) -> str:
        """``${A}``, ``${A}, ${B}``: for messages."""
        return ", ".join(f"${{{name}}}" for name in self.variables)


def interpolate(value: Any, environ: Mapping[str, str]) -> Any:
    """``value`` with every ``${VAR}`` replaced; an unset VAR makes it :class:`Unset`.

    Substituted strings are :class:`Interpolated`; config/values.py types them.
    """
    if isinstance(value, dict):
        return {k: interpolate(v, environ) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, environ) for v in value]
    if not isinstance(value, str):
        return value
    names = tuple(_VAR.findall(value))
    if not names:
        return value
    missing = [name for name in names if name not in environ]
    if missing:
        return Unset(missing[0])
    text = _VAR.sub(lambda match: environ[match.group(1)], value)
    return Interpolated(text, names, tuple(environ[name] for name in names))


def is_secret_key(key: str) -> bool:
    """Whether a setting named ``key`` holds a secret by its name."""
    folded = key.casefold()
    if folded.endswith(NOT_SECRET_SUFFIXES):
        return False
    return key == "secrets" or any(word in folded for word in SECRET_WORDS)


def secret_values(settings: Mapping[str, Any], inside: bool = False) -> dict[str, str]:
    """String values that are secrets by position (``secrets``) or by key name.

    Returns ``value -> dotted key`` (for messages about a value too short to mask).
    """
    found: dict[str, str] = {}
    _collect(settings, "", inside, found)
    return found


def _collect(table: Mapping[str, Any], prefix: str, inside: bool, found: dict[str, str]) -> None:
    for key, value in table.items():
        name = prefix + str(key)
        secret = inside or is_secret_key(str(key))
        if isinstance(value, Mapping):
            _collect(value, name + ".", secret, found)
        elif isinstance(value, list):
            for index, element in enumerate(value, start=1):
                if isinstance(element, Mapping):
                    _collect(element, f"{name} #{index} ", secret, found)
                elif secret and isinstance(element, str) and element:
                    found.setdefault(element, name)
        elif secret and isinstance(value, str) and value:
            found.setdefault(value, name)
        elif isinstance(value, str):
            for password in url_passwords(value):
                found.setdefault(password, name)


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
