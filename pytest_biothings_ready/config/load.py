"""Load readiness.toml (or ``[tool.biothings-ready]`` in pyproject.toml).

Order of resolution for each value: ``[env.NAME]``, then the ``[ready]`` defaults,
then the declared default (config/schema.py).  Everything is validated before any
test runs; errors are :class:`ConfigError` naming the file, the key and the fix.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.config.interpolate import SECRET_WORDS, interpolate
from pytest_biothings_ready.config.schema import KINDS, Key, keys
from pytest_biothings_ready.config.tomlfile import read_toml
from pytest_biothings_ready.config.values import typed
from pytest_biothings_ready.errors import ConfigError
from pytest_biothings_ready.evidence.registry import load_families

__all__ = ["ConfigFile", "find_config", "load_environment", "read_config"]

# Keys of [ready] that are not environment defaults.
READY_ONLY = ("checklist", "attestations", "policy")  # policy: config/policy.py


@dataclass(frozen=True, repr=False)
class ConfigFile:
    """A parsed configuration file.

    Attributes:
        path: the file (None when there is none, e.g. for the demo).
        data: the readiness table (``[ready]``, ``[env.*]``).
        sha256: hex digest of the file's bytes ("" without a file).
    """

    path: Path | None
    data: Mapping[str, Any]
    sha256: str

    def __repr__(self) -> str:
        return f"<ConfigFile {self.path or '(none)'} (values hidden)>"

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def ready(self, key: str) -> Any:
        """A value of the ``[ready]`` table."""
        table = self.data.get("ready", {})
        return table.get(key) if isinstance(table, Mapping) else None


def find_config(explicit: str | None, cwd: Path) -> Path | None:
    """The config file: ``--ready-config``, ./readiness.toml, ./pyproject.toml, or None."""
    if explicit:
        path = Path(explicit).expanduser()
        path = path if path.is_absolute() else cwd / path
        if not path.is_file():
            raise ConfigError(f"--ready-config: {path} does not exist")
        return path
    for name in ("readiness.toml", "pyproject.toml"):
        candidate = cwd / name
        if candidate.is_file() and (name == "readiness.toml" or _has_tool_table(candidate)):
            return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        return b"[tool.biothings-ready" in path.read_bytes()
    except OSError:
        return False


def read_config(path: Path | None) -> ConfigFile:
    """Parse ``path`` (TOML); a pyproject.toml contributes its tool table only."""
    if path is None:
        return ConfigFile(None, {}, "")
    data, sha256 = read_toml(path, "config")
    if path.name == "pyproject.toml":
        data = _tool_table(data, path)
    unknown = sorted(set(data) - {"ready", "env"})
    if unknown:
        raise ConfigError(
            f"{path}: unknown table [{unknown[0]}]; the tables are [ready] and [env.NAME]"
        )
    _check_tables_shape(data, path)
    return ConfigFile(path, data, sha256)


def _tool_table(data: Mapping[str, Any], path: Path) -> dict[str, Any]:
    tool = data.get("tool", {})
    if not isinstance(tool, Mapping):
        raise ConfigError(f"{path}: tool must be a table ([tool.biothings-ready]), got a value")
    table = tool.get("biothings-ready", {})
    if not isinstance(table, Mapping):
        raise ConfigError(f"{path}: tool.biothings-ready must be a table [tool.biothings-ready]")
    return dict(table)


def _check_tables_shape(data: Mapping[str, Any], path: Path) -> None:
    """[ready] and every [env.NAME] are tables (not ``ready = 5`` or ``[[ready]]``)."""
    for name in ("ready", "env"):
        if name in data and not isinstance(data[name], Mapping):
            raise ConfigError(f"{path}: {name} must be a table [{name}], got {_kind(data[name])}")
    for env, table in data.get("env", {}).items():
        if not isinstance(table, Mapping):
            raise ConfigError(f"{path}: env.{env} must be a table [env.{env}], got {_kind(table)}")


def _kind(value: Any) -> str:
    return "an array of tables" if isinstance(value, list) else type(value).__name__


def load_environment(
    config: ConfigFile, name: str, environ: Mapping[str, str] | None = None
) -> Environment:
    """Resolve and validate ``[env.NAME]`` merged over the ``[ready]`` defaults."""
    load_families()
    where = str(config.path or "readiness.toml")
    envs = config.data.get("env", {})
    if not isinstance(envs, Mapping) or name not in envs:
        known = ", ".join(sorted(envs)) if isinstance(envs, Mapping) else ""
        raise ConfigError(
            f"{where}: no environment [env.{name}]"
            + (f"; defined: {known}" if known else "; add an [env.NAME] table")
        )
    defaults = {k: v for k, v in (config.data.get("ready") or {}).items() if k not in READY_ONLY}
    _validate(defaults, "", f"{where} [ready]")
    _validate(envs[name], "", f"{where} [env.{name}]")
    merged = _deep_merge(defaults, envs[name])
    substituted = interpolate(merged, os.environ if environ is None else environ)
    settings, secrets = typed(substituted, f"{where} [env.{name}]")
    env = Environment(name, settings, config.root, secrets, where)
    _check_files(env, where)
    return env


def _deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _validate(table: Any, prefix: str, where: str) -> None:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: {prefix.rstrip('.') or 'table'} must be a table")
    declared = keys()
    for key, value in table.items():
        name = prefix + key
        if name in declared:
            _check_kind(declared[name], value, where, name)
        elif any(k.startswith(name + ".") for k in declared) and isinstance(value, Mapping):
            _validate(value, name + ".", where)
        else:
            close = difflib.get_close_matches(name, list(declared), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else "; see docs/configuration.md"
            raise ConfigError(f"{where}: unknown key {name!r}{hint}")


def _check_kind(key: Key, value: Any, where: str, name: str) -> None:
    if isinstance(value, str) and "${" in value:
        return  # checked after interpolation
    if key.kind == "list":
        if not isinstance(value, list):
            raise ConfigError(f"{where}: {name} must be a list, got {_shown(value, name)}")
        for element in value:
            _check_scalar(key.values, element, where, name)
    elif key.kind == "map":
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where}: {name} must be a table, got {_shown(value, name)}")
        for sub, element in value.items():
            _check_scalar(key.values, element, where, f"{name}.{sub}")
    elif key.kind == "table":
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise ConfigError(f"{where}: {name} must be an array of tables [[...{name}]]")
        _check_tables(key, value, where, name)
    else:
        _check_scalar(key.kind, value, where, name)


def _check_tables(key: Key, tables: list[Any], where: str, name: str) -> None:
    fields = {f.name: f for f in key.fields}
    for index, table in enumerate(tables, start=1):
        for sub, value in table.items():
            if sub not in fields:
                known = ", ".join(fields)
                raise ConfigError(
                    f"{where}: unknown key {sub!r} in {name} #{index}; known: {known}"
                )
            _check_kind(fields[sub], value, where, f"{name} #{index} {sub}")


def _check_scalar(kind: str, value: Any, where: str, name: str) -> None:
    if isinstance(value, str) and "${" in value:
        return
    predicate, description = KINDS[kind]
    if not predicate(value):
        raise ConfigError(f"{where}: {name} must be {description}, got {_shown(value, name)}")


def _check_files(env: Environment, where: str) -> None:
    bundle = env.settings.get("ca_bundle")
    if isinstance(bundle, str) and not env.path(bundle).is_file():
        raise ConfigError(f"{where} [env.{env.name}]: ca_bundle {env.path(bundle)} not found")


def _shown(value: Any, name: str = "") -> str:
    if any(word in name.casefold() for word in SECRET_WORDS) or name.startswith("secrets"):
        return type(value).__name__  # never echo what may be a secret
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
