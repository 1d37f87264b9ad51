"""Replace secret values with ``***`` wherever text leaves the plugin."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["MASK", "Redactor"]

MASK = "***"
# Shorter values would mask ordinary words; they are still never printed on purpose.
MIN_LENGTH = 4


class Redactor:
    """Masks a fixed set of secret strings, longest first."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = sorted({s for s in secrets if len(s) >= MIN_LENGTH}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def __bool__(self) -> bool:
        return bool(self._secrets)
