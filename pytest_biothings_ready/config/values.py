"""Settings after ``${VAR}`` substitution: typed, checked, and their secrets collected.

The loader validates the file's literal values before substitution; this module
finishes the job once the process environment is read:

- a substituted value takes its key's type: ``"false"``, ``"0"``, ``"no"`` are false
  for a bool key and ``"true"``, ``"1"``, ``"yes"`` true; numbers parse; anything else
  (an empty value too) is a :class:`ConfigError` naming the key and the variable;
- numbers are finite, ``*timeout_s`` positive and other durations in seconds not
  negative; URL paths (``health_path``, ``auth.login_path``, ``[[roles]] path``...)
  are paths on the entry point, never an authority or another scheme;
- the values substituted into text settings, and the values of secret-named keys,
  are the environment's secrets; one shorter than the masking minimum is an error
  (it could never be redacted).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from pytest_biothings_ready.config.environment import Unset
from pytest_biothings_ready.config.interpolate import Interpolated, secret_values
from pytest_biothings_ready.config.schema import KINDS, Key, keys
from pytest_biothings_ready.errors import ConfigError
from pytest_biothings_ready.redact import MIN_LENGTH

__all__ = ["check_url_path", "typed"]

TRUE = frozenset({"true", "1", "yes", "on"})
FALSE = frozenset({"false", "0", "no", "off"})
BODY_KEYS = frozenset({"json", "expect_json", "extract", "body", "expect_body"})
_INT = re.compile(r"^[+-]?\d+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Converted by type; what is left is text (a secret when it came from the environment).
_TYPED = ("bool", "int", "float")
# Text kinds whose values say how, not what: a duration from the environment is no secret.
_NOT_SECRET = ("duration", "date")
# One network operation never needs a day; beyond the threading limit waits would crash.
MAX_TIMEOUT_S = 86400


class _Walk:
    """State of one pass: where (for messages) and the secrets found."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.secrets: dict[str, str] = {}


def typed(settings: Mapping[str, Any], where: str) -> tuple[dict[str, Any], frozenset[str]]:
    """``settings`` with substituted values typed and checked; and the secret values."""
    walk = _Walk(where)
    result = _table(settings, "", walk)
    named = secret_values(result)
    for value, name in {**named, **walk.secrets}.items():
        if value in walk.secrets or not _in_body(name):
            _check_secret(value, name, where)
    return result, frozenset(v.strip() for v in (*named, *walk.secrets))


def _in_body(name: str) -> bool:
    """Whether ``name`` lies in request or expected-answer data (``json``, ``expect_json``).

    A field named ``token`` there is masked like any secret, but a short one is data
    (``expect_json = { token_type = "jwt" }``), not a credential that must be maskable.
    """
    segments = re.split(r"[. ]", name)
    return any(segment in BODY_KEYS for segment in segments)


def _check_secret(value: str, name: str, where: str) -> None:
    if 0 < len(value.strip()) < MIN_LENGTH:
        raise ConfigError(
            f"{where}: {name} holds a secret shorter than {MIN_LENGTH} characters, which "
            "cannot be masked in the record; use a real secret (or leave the setting out)"
        )


def _table(table: Mapping[str, Any], prefix: str, walk: _Walk) -> dict[str, Any]:
    declared = keys()
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = prefix + str(key)
        if name in declared:
            out[key] = _value(declared[name], value, name, walk)
        elif isinstance(value, Mapping):
            out[key] = _table(value, name + ".", walk)
        else:
            out[key] = _text(value, name, walk)
    return out


def _value(key: Key, value: Any, name: str, walk: _Walk) -> Any:
    if isinstance(value, Unset):
        return value  # the items that need it are `error`, naming the variable (SPEC)
    if key.kind == "list":
        elements = _must(value, list, "a list", name, walk)
        return [_scalar(key.values, v, name, walk) for v in elements]
    if key.kind == "map":
        table = _must(value, Mapping, "a table", name, walk)
        return {k: _scalar(key.values, v, f"{name}.{k}", walk) for k, v in table.items()}
    if key.kind == "table":
        rows = _must(value, list, "an array of tables", name, walk)
        fields = {f.name: f for f in key.fields}
        return [_row(row, fields, f"{name} #{i}", walk) for i, row in enumerate(rows, start=1)]
    return _scalar(key.kind, value, name, walk)


def _row(row: Any, fields: Mapping[str, Key], name: str, walk: _Walk) -> Any:
    if not isinstance(row, Mapping):
        raise ConfigError(f"{walk.where}: {name} must be a table")
    return {
        sub: _value(fields[sub], v, f"{name} {sub}", walk) if sub in fields else v
        for sub, v in row.items()
    }


def _must(value: Any, kind: Any, description: str, name: str, walk: _Walk) -> Any:
    if not isinstance(value, kind):
        raise ConfigError(f"{walk.where}: {name} must be {description}{_origin(value)}")
    return value


def _scalar(kind: str, value: Any, name: str, walk: _Walk) -> Any:
    if isinstance(value, Unset):
        return value
    if kind == "any":
        return _text(value, name, walk)
    if isinstance(value, Interpolated) and kind in _TYPED:
        value = _convert(kind, value, name, walk.where)
    elif isinstance(value, Interpolated) and kind in _NOT_SECRET:
        value = str(value).strip()
    elif isinstance(value, Interpolated):
        value = _text(value, name, walk)
    predicate, description = KINDS[kind]
    if not predicate(value):
        raise ConfigError(f"{walk.where}: {name} must be {description}{_origin(value)}")
    _check_number(value, name, walk.where)
    if kind == "str" and _is_url_path_key(name) and isinstance(value, str):
        check_url_path(value, name, walk.where)
    return value


def _text(value: Any, name: str, walk: _Walk) -> Any:
    """Plain data: Interpolated strings become str, their values secrets."""
    if isinstance(value, Interpolated):
        for variable, raw in zip(value.variables, value.values, strict=True):
            if raw.strip():
                walk.secrets.setdefault(raw, f"{name} (from ${{{variable}}})")
        return str(value)
    if isinstance(value, Mapping):
        return {k: _text(v, f"{name}.{k}", walk) for k, v in value.items()}
    if isinstance(value, list):
        return [_text(v, name, walk) for v in value]
    return value


def _convert(kind: str, value: Interpolated, name: str, where: str) -> Any:
    text = str(value).strip().casefold()
    if kind == "bool" and text in TRUE | FALSE:
        return text in TRUE
    if kind == "int" and _INT.match(text):
        return int(text)
    if kind == "float":
        try:
            return float(text)
        except ValueError:
            pass
    state = "is empty" if not text else "is not " + _wanted(kind)
    raise ConfigError(
        f"{where}: {name} = {value.named()}: the environment variable {value.variables[0]} "
        f"{state}; a {kind} setting needs {_wanted(kind)}"
    )


def _wanted(kind: str) -> str:
    if kind == "bool":
        return "true/false (also 1/0, yes/no)"
    return "an integer" if kind == "int" else "a number"


def _check_number(value: Any, name: str, where: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    if not math.isfinite(value):
        raise ConfigError(f"{where}: {name} must be a finite number, got {value}")
    leaf = name.rsplit(".", 1)[-1].rsplit(" ", 1)[-1]
    if leaf.endswith("timeout_s") and not 0 < value <= MAX_TIMEOUT_S:
        raise ConfigError(
            f"{where}: {name} must be more than 0 and at most {MAX_TIMEOUT_S} seconds, got {value}"
        )
    if leaf.endswith(("_s", "_ms")) and value < 0:
        raise ConfigError(f"{where}: {name} must not be negative, got {value}")


def _is_url_path_key(name: str) -> bool:
    leaf = name.rsplit(".", 1)[-1].rsplit(" ", 1)[-1]
    return leaf in ("path", "paths") or leaf.endswith(("_path", "_paths"))


def check_url_path(value: str, name: str, where: str) -> None:
    """A path on the entry point: ``/...``, no authority, scheme, ``@``, backslash or control."""
    problem = ""
    if not value.startswith("/"):
        problem = "must start with /"
    elif value.startswith("//"):
        problem = "must not start with // (that names another host)"
    elif "@" in value or "\\" in value:
        problem = "must not contain @ or \\ (they can redirect the request to another host)"
    elif _CONTROL.search(value):
        problem = "must not contain control characters"
    if problem:
        raise ConfigError(
            f"{where}: {name} {problem}; give a path below base_url such as /api/health"
        )


def _origin(value: Any) -> str:
    if isinstance(value, Interpolated):
        return f" (after substituting {value.named()})"
    return f", got {type(value).__name__}"
