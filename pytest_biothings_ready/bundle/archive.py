"""The bundle file: a zip whose ``MANIFEST.json`` holds the SHA-256 of every member.

:func:`write_archive` writes members and manifest; :func:`verify_archive` re-hashes
every member (exit codes :data:`INTACT`, :data:`CHANGED`, :data:`NOT_A_BUNDLE`);
:func:`sign_archive` adds ``MANIFEST.sig`` (Ed25519 over the manifest's bytes, with
the ``cryptography`` package), which ``verify --key PUB`` checks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CHANGED", "FORMAT", "INTACT", "MANIFEST", "NOT_A_BUNDLE", "SIGNATURE"]
__all__ += ["Verification", "read_manifest", "sign_archive", "verify_archive", "write_archive"]

FORMAT = "pytest-biothings-ready-bundle"
FORMAT_VERSION = 1
MANIFEST = "MANIFEST.json"
SIGNATURE = "MANIFEST.sig"
INTACT, CHANGED, NOT_A_BUNDLE = 0, 1, 4
MAX_MEMBER_BYTES = 1 << 30


class NotABundle(Exception):
    """The file is not a zip, or has no readable MANIFEST.json of this format."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_bytes(members: Mapping[str, bytes], meta: Mapping[str, Any]) -> bytes:
    """The manifest of ``members`` (name -> bytes) with ``meta`` on top, as JSON."""
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        **meta,
        "members": {
            name: {"sha256": _digest(data), "size": len(data)}
            for name, data in sorted(members.items())
        },
    }
    return json.dumps(manifest, indent=2, sort_keys=False).encode() + b"\n"


def write_archive(path: Path, members: Mapping[str, bytes], meta: Mapping[str, Any]) -> None:
    """Write ``members`` and their manifest to ``path`` (via a temporary file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(path.name + ".part")
    with zipfile.ZipFile(scratch, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.writestr(MANIFEST, manifest_bytes(members, meta))
    scratch.replace(path)


def read_manifest(archive: zipfile.ZipFile) -> tuple[dict[str, Any], bytes]:
    """The parsed manifest and its bytes; NotABundle when it is absent or malformed."""
    try:
        raw = archive.read(MANIFEST)
    except KeyError:
        raise NotABundle(f"no {MANIFEST} in the zip") from None
    try:
        manifest = json.loads(raw)
    except ValueError as exc:
        raise NotABundle(f"{MANIFEST} is not JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise NotABundle(f"{MANIFEST} is not a {FORMAT} manifest")
    if not isinstance(manifest.get("members"), dict):
        raise NotABundle(f"{MANIFEST} lists no members")
    return manifest, raw


def open_bundle(path: Path) -> zipfile.ZipFile:
    """Open ``path`` as a zip; NotABundle when it is missing or not a zip."""
    if not path.is_file():
        raise NotABundle(f"{path}: no such file")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise NotABundle(f"{path}: not a zip file ({exc})") from None


@dataclass(frozen=True)
class Verification:
    """What verify found.

    Attributes:
        code: INTACT, CHANGED or NOT_A_BUNDLE.
        problems: one line per changed, missing or unexpected member (or why not a bundle).
        notes: informational lines (signature state).
    """

    code: int
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


def verify_archive(path: Path, public_key: Path | None = None) -> Verification:
    """Re-hash every member against the manifest; check the signature if asked."""
    try:
        with open_bundle(path) as archive:
            manifest, raw = read_manifest(archive)
            problems = _member_problems(archive, manifest["members"])
            signature = _read_signature(archive)
    except NotABundle as exc:
        return Verification(NOT_A_BUNDLE, (str(exc),))
    from pytest_biothings_ready.bundle.signing import check_signature

    sig_problems, notes = check_signature(raw, signature, public_key)
    problems += sig_problems
    return Verification(CHANGED if problems else INTACT, tuple(problems), tuple(notes))


def _member_problems(archive: zipfile.ZipFile, members: Mapping[str, Any]) -> list[str]:
    problems = []
    names = archive.namelist()
    present = set(names)
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"{name}: appears {names.count(name)} times (a second copy was added)")
    for name, expected in members.items():
        if name not in present:
            problems.append(f"{name}: missing (listed in {MANIFEST})")
            continue
        info = archive.getinfo(name)
        if info.file_size > MAX_MEMBER_BYTES:
            problems.append(f"{name}: {info.file_size} bytes, larger than any bundle member")
            continue
        try:
            actual = _member_digest(archive, name)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:  # CRC error: bytes changed
            problems.append(f"{name}: unreadable ({exc})")
            continue
        if not isinstance(expected, dict) or actual != expected.get("sha256"):
            problems.append(f"{name}: changed (sha256 {actual[:12]}... differs from {MANIFEST})")
    for name in sorted(present - set(members) - {MANIFEST, SIGNATURE}):
        problems.append(f"{name}: not listed in {MANIFEST} (added afterwards)")
    return problems


def _member_digest(archive: zipfile.ZipFile, name: str) -> str:
    """SHA-256 of a member, streamed (a large member is never held in memory)."""
    digest = hashlib.sha256()
    with archive.open(name) as member:
        for chunk in iter(lambda: member.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _read_signature(archive: zipfile.ZipFile) -> bytes | None:
    try:
        return archive.read(SIGNATURE)
    except KeyError:
        return None


def sign_archive(path: Path, key: Path) -> str:
    """Add (or replace) ``MANIFEST.sig``; returns the signing key's fingerprint."""
    from pytest_biothings_ready.bundle.signing import signature_for

    with open_bundle(path) as archive:
        _, raw = read_manifest(archive)
        members = {name: archive.read(name) for name in archive.namelist() if name != SIGNATURE}
    signature, fingerprint = signature_for(raw, key)
    scratch = path.with_name(path.name + ".part")
    with zipfile.ZipFile(scratch, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
        out.writestr(SIGNATURE, signature)
    scratch.replace(path)
    return fingerprint
