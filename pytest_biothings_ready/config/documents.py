"""Attestations bound to documents: ``[[attest]] file = ...`` with ``sha256 = ...``.

The digest is taken when a person attests (``python -m pytest_biothings_ready.attest``
writes both keys).  At load time the file is hashed again: a missing or changed
document means the attestation no longer covers its line, and the verdict says so
("document changed since attested on DATE").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pytest_biothings_ready.errors import ConfigError

__all__ = ["bound_document", "file_sha256"]

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
HELPER = "python -m pytest_biothings_ready.attest"


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of the bytes of ``path`` (read in chunks)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def bound_document(
    raw: Mapping[str, Any], where: str, base: Path, date: dt.date | None
) -> tuple[str, str, str]:
    """``(file, sha256, problem)`` of an entry; ``problem`` is "" while the file matches."""
    file, sha256 = raw.get("file"), raw.get("sha256")
    if file is None and sha256 is None:
        return "", "", ""
    if not isinstance(file, str) or not file.strip():
        raise ConfigError(f"{where}: sha256 needs file = the document it is the digest of")
    if not isinstance(sha256, str) or not _HEX64.match(sha256.strip().lower()):
        raise ConfigError(
            f"{where}: file = {file!r} needs sha256 = its 64-hex-digit SHA-256; "
            f"{HELPER} writes both"
        )
    return file, sha256.strip().lower(), _problem(base / file, file, sha256.strip().lower(), date)


def _problem(path: Path, file: str, sha256: str, date: dt.date | None) -> str:
    when = f"attested on {date}" if date else "attested"
    if not path.is_file():
        return f"document {file} is missing since {when}"
    actual = file_sha256(path)
    if actual != sha256:
        return (
            f"document {file} changed since {when} "
            f"(sha256 now {actual[:12]}..., attested {sha256[:12]}...)"
        )
    return ""
