"""The exceptions a check or probe raises, as a tree::

    ReadyException
    ├── ProbeError            could not probe: the item is ``error``
    │   └── MissingVariable   a ${VAR} the item needs is not set
    └── NotConfigured         a setting the item needs is absent: ``unverified``

Usage errors (bad config, unknown item) are ``pytest.UsageError`` raised by the
plugin layer from :class:`ConfigError`, which carries the file and key.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "MissingVariable",
    "NotConfigured",
    "ProbeError",
    "ReadyException",
]


class ReadyException(Exception):
    """Base of every exception the plugin raises on purpose."""


class ProbeError(ReadyException):
    """A probe could not observe the property (unreachable, timeout, garbage)."""


class MissingVariable(ProbeError):
    """A ``${VAR}`` interpolated into a setting the item needs is not set."""

    def __init__(self, variable: str, key: str) -> None:
        super().__init__(f"environment variable {variable} is not set (needed by setting {key!r})")
        self.variable = variable
        self.key = key


class NotConfigured(ReadyException):
    """A setting the item needs is absent, so nobody verified it."""

    def __init__(self, key: str, env: str, hint: str = "") -> None:
        message = f"needs `{key}` in [env.{env}] of readiness.toml"
        super().__init__(message + (f": {hint}" if hint else ""))
        self.key = key


class ConfigError(ReadyException):
    """Invalid configuration or attestations; the plugin turns it into a UsageError."""
