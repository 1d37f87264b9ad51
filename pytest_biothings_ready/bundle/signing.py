"""Ed25519 signatures over a bundle's MANIFEST.json (keys as PEM files).

``MANIFEST.sig`` is JSON: the algorithm, the signer's public key (raw, hex) and the
signature (hex).  Verifying with ``--key PUB`` trusts only that key; without it the
embedded key is checked for consistency and the output says it is not a trusted key.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

__all__ = ["check_signature", "fingerprint", "generate_keys", "signature_for"]

ALGORITHM = "ed25519"


def fingerprint(raw_public: bytes) -> str:
    """A short, stable name for a public key: SHA-256 of its raw bytes, first 16 hex."""
    return hashlib.sha256(raw_public).hexdigest()[:16]


def _raw(public: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return bytes(public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def _load_private(path: Path) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path}: not an Ed25519 private key")
    return key


def _load_public(path: Path) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    data = path.read_bytes()
    if b"PRIVATE KEY" in data:
        private = serialization.load_pem_private_key(data, password=None)
        if isinstance(private, Ed25519PrivateKey):
            return private.public_key()
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path}: not an Ed25519 public key")
    return key


def signature_for(manifest: bytes, key: Path) -> tuple[bytes, str]:
    """``(MANIFEST.sig bytes, fingerprint)`` for ``manifest`` signed with ``key``."""
    private = _load_private(key)
    raw = _raw(private.public_key())
    document = {
        "algorithm": ALGORITHM,
        "public_key": raw.hex(),
        "signature": private.sign(manifest).hex(),
    }
    return json.dumps(document, indent=2).encode() + b"\n", fingerprint(raw)


def generate_keys(private_path: Path) -> Path:
    """Write a new key pair: ``private_path`` (mode 0600) and ``private_path.pub``."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    private_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    private_path.chmod(0o600)
    public_path = private_path.with_name(private_path.name + ".pub")
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return public_path


def check_signature(
    manifest: bytes, signature: bytes | None, public_key: Path | None
) -> tuple[list[str], list[str]]:
    """``(problems, notes)`` about the signature of ``manifest``."""
    if signature is None:
        if public_key is not None:
            return [f"no MANIFEST.sig, but --key {public_key} asks for a signature"], []
        return [], ["not signed"]
    try:
        document = json.loads(signature)
        raw = bytes.fromhex(document["public_key"])
        signed = bytes.fromhex(document["signature"])
    except (ValueError, KeyError, TypeError) as exc:
        return [f"MANIFEST.sig is malformed ({exc})"], []
    return _check(manifest, raw, signed, public_key)


def _check(
    manifest: bytes, raw: bytes, signed: bytes, public_key: Path | None
) -> tuple[list[str], list[str]]:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = _load_public(public_key) if public_key else Ed25519PublicKey.from_public_bytes(raw)
        key.verify(signed, manifest)
    except InvalidSignature:
        who = f"the key in {public_key}" if public_key else "the key it names"
        return [f"MANIFEST.sig: the signature does not match MANIFEST.json with {who}"], []
    except ValueError as exc:
        return [f"--key {public_key}: {exc}"], []
    if public_key is None:
        return [], [f"signed by key {fingerprint(raw)} (consistent; pass --key PUB to trust a key)"]
    return [], [f"signature valid for the key in {public_key} ({fingerprint(_raw(key))})"]
