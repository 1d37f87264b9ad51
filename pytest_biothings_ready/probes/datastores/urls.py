"""Connection URLs of datastores: parsed once, shown only with the password masked."""

from __future__ import annotations

from urllib.parse import urlsplit

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.redact import MASK

__all__ = ["masked", "require_scheme"]


def masked(url: str) -> str:
    """``url`` with its password (if any) replaced by ``***``, for evidence."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{user}:{MASK}@{host}").geturl()


def require_scheme(url: str, key: str, schemes: tuple[str, ...]) -> None:
    """Raise ProbeError naming ``key`` when ``url`` has none of ``schemes`` or no host."""
    parts = urlsplit(url)
    if parts.scheme not in schemes or not (parts.hostname or parts.path):
        raise ProbeError(
            f"{key} {masked(url)!r} is not a {' or '.join(s + '://' for s in schemes)} URL"
        )
