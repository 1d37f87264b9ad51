"""Secret header values: refuse what cannot be sent, and name a secret without showing it.

An HTTP client refuses a header value with CR, LF, NUL or another control character
(h11's ``Illegal header value b'Bearer eyJ...\\n'``) and puts the whole value into
its message.  So a token or key is checked *before* it is sent, and the problem is
described with a fingerprint, never with the value or a near-copy of it.
"""

from __future__ import annotations

import hashlib

from pytest_biothings_ready.errors import ProbeError

__all__ = ["fingerprint", "header_problem", "require_sendable", "scrub"]

_NAMES = {"\r": "a carriage return (\\r)", "\n": "a line feed (\\n)", "\0": "a NUL byte"}


def fingerprint(secret: str) -> str:
    """``41 characters, sha256 3fa2b1c4``: enough to tell two values apart, nothing more."""
    digest = hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{len(secret)} characters, sha256 {digest}"


def header_problem(value: str) -> str:
    """Why ``value`` cannot be an HTTP header value (RFC 9110 field-value), else ``""``."""
    for index, char in enumerate(value):
        if char in _NAMES or (ord(char) < 32 and char != "\t") or ord(char) == 127:
            where = "ends with" if value[index:].strip() == "" else "contains"
            return f"{where} {_NAMES.get(char, f'control character {ord(char):#04x}')}"
        if ord(char) > 255:
            return "contains a character outside Latin-1"
    if value != value.strip(" \t"):
        return "starts or ends with whitespace"
    return ""


def require_sendable(value: str, what: str, header: str) -> None:
    """ProbeError naming ``what`` by fingerprint when ``value`` cannot be a header value."""
    problem = header_problem(value)
    if problem:
        raise ProbeError(
            f"{what} cannot be sent in the {header} header: it {problem} ({fingerprint(value)});"
            " strip it where it is set"
        )


def scrub(text: str, secret: str) -> str:
    """``text`` without ``secret`` in any form a library prints it (raw, repr, URL-quoted)."""
    from urllib.parse import quote

    stripped = secret.strip()
    forms = {secret, stripped, repr(secret)[1:-1], repr(secret.encode("utf-8", "replace"))[2:-1],
             quote(secret, safe=""), quote(stripped, safe="")}  # fmt: skip
    for form in sorted((f for f in forms if len(f) >= 4), key=len, reverse=True):
        text = text.replace(form, "***")
    return text
