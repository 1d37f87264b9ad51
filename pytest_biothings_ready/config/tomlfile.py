"""Read a TOML file for the plugin: its bytes (for the record's SHA-256) and its data."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any

from pytest_biothings_ready.errors import ConfigError

__all__ = ["read_toml"]


def read_toml(path: Path, what: str) -> tuple[dict[str, Any], str]:
    """``(data, sha256)`` of ``path``; ConfigError naming ``what`` and the file otherwise."""
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    return data, hashlib.sha256(raw).hexdigest()
