"""The exceptions a check or probe raises, as a tree::

    ReadyException
    ├── ProbeError            could not probe: the item is ``error``
    │   ├── MissingVariable   a ${VAR} the item needs is not set
    │   └── PluginBug         the plugin's own code crashed: ``error``, "plugin bug"
    └── NotConfigured         a setting the item needs is absent: ``unverified``

Usage errors (bad config, unknown item) are ``pytest.UsageError`` raised by the
plugin layer from :class:`ConfigError`, which carries the file and key.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "MissingVariable",
    "NotConfigured",
    "PluginBug",
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


class PluginBug(ProbeError):
    """A gatherer (the plugin's code) raised something it should not; keeps the trace.

    Attributes:
        what: which part crashed (``gatherer tls``).
        trace: the formatted traceback.
    """

    def __init__(self, what: str, exc: BaseException) -> None:
        import traceback

        super().__init__(f"{what} crashed: {type(exc).__name__}: {exc}")
        self.what = what
        self.original = exc
        self.trace = "".join(traceback.format_exception(exc))


class NotConfigured(ReadyException):
    """A setting the item needs is absent, so nobody verified it."""

    def __init__(self, key: str, env: str, hint: str = "") -> None:
        message = f"needs `{key}` in [env.{env}] of readiness.toml"
        super().__init__(message + (f": {hint}" if hint else ""))
        self.key = key


class ConfigError(ReadyException):
    """Invalid configuration or attestations; the plugin turns it into a UsageError."""
