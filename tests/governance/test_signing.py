"""Ed25519 signatures of a bundle: sign, verify --key, keygen."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from pytest_biothings_ready.bundle.__main__ import main
from tests.governance.test_bundle import bundled, rewrite


def test_a_signed_bundle_verifies_with_its_key_only(
    folder: pytest.Pytester, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = bundled(folder)
    key, other = tmp_path / "signer.pem", tmp_path / "other.pem"
    assert main(["keygen", str(key)]) == 0
    assert main(["keygen", str(other)]) == 0
    assert main(["verify", str(bundle), "--key", f"{key}.pub"]) == 1  # not signed yet
    assert main(["sign", str(bundle), "--key", str(key)]) == 0
    assert main(["verify", str(bundle), "--key", f"{key}.pub"]) == 0
    assert main(["verify", str(bundle), "--key", f"{other}.pub"]) == 1
    assert "signature does not match" in capsys.readouterr().err
    assert main(["verify", str(bundle)]) == 0
    assert "pass --key PUB to trust a key" in capsys.readouterr().out


def test_a_signed_bundle_with_a_changed_manifest_fails(
    folder: pytest.Pytester, tmp_path: Path
) -> None:
    bundle = bundled(folder)
    key = tmp_path / "signer.pem"
    main(["keygen", str(key)])
    main(["sign", str(bundle), "--key", str(key)])
    with zipfile.ZipFile(bundle) as archive:
        manifest = json.loads(archive.read("MANIFEST.json"))
        record = archive.read("record.xml").replace(b"passed", b"PASSED")
    manifest["members"]["record.xml"]["sha256"] = hashlib.sha256(record).hexdigest()
    rewrite(bundle, {"record.xml": record, "MANIFEST.json": json.dumps(manifest).encode()})
    assert main(["verify", str(bundle)]) == 1  # members match the forged manifest; sig does not
    assert main(["verify", str(bundle), "--key", f"{key}.pub"]) == 1


def test_keygen_refuses_to_overwrite_a_key(tmp_path: Path) -> None:
    key = tmp_path / "k.pem"
    key.write_text("precious")
    assert main(["keygen", str(key)]) == 4
    assert key.read_text() == "precious"
