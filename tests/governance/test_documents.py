"""Attestations bound to documents, and the attest helper that writes them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pytest_biothings_ready.attest import main
from tests.governance.conftest import IDS, attest, cases, days, write_attestations

RUN = ("--ready-env=staging", "-p", "no:cacheprovider", "--junitxml=r.xml")


PLAN = """# Incident response

## Severity levels
SEV1: the API is down for everyone; SEV2: degraded; SEV3: a single feature.

## Roles and responsibilities
The on-call engineer is the incident commander until handed over.

## Communication
Post on the status page within 15 minutes; notify the product owner.
"""


def document(p: pytest.Pytester, text: str = PLAN) -> str:
    path = p.path / "docs" / "ir.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def bound(sha256: str) -> str:
    return attest(
        "Incident response plan documented",
        extra=f'file = "docs/ir.md"\nsha256 = "{sha256}"',
        date=-3,
    )


def status(p: pytest.Pytester) -> dict[str, str]:
    return cases(p.path / "r.xml")[IDS["incident"]]


def test_an_unchanged_document_keeps_the_attestation(folder: pytest.Pytester) -> None:
    write_attestations(folder, bound(document(folder)))
    folder.runpytest(*RUN)
    assert status(folder)["ready_status"] == "passed"


def test_a_changed_document_no_longer_covers_the_line(folder: pytest.Pytester) -> None:
    write_attestations(folder, bound(document(folder)))
    document(folder, PLAN + "\n(rewritten, not reviewed)\n")
    result = folder.runpytest(*RUN)
    line = status(folder)
    assert line["ready_status"] == "failed"
    assert f"document docs/ir.md changed since attested on {days(-3)}" in line["ready_evidence"]
    result.stdout.fnmatch_lines(["*attestation no longer covers this line*re-attest*"])


def test_a_missing_document_no_longer_covers_the_line(folder: pytest.Pytester) -> None:
    write_attestations(folder, bound(document(folder)))
    (folder.path / "docs" / "ir.md").unlink()
    folder.runpytest(*RUN)
    assert "document docs/ir.md is missing" in status(folder)["ready_evidence"]


def test_the_document_path_is_relative_to_attestations_toml(folder: pytest.Pytester) -> None:
    sha = document(folder)
    sub = folder.path / "signoff"
    sub.mkdir()
    (sub / "attestations.toml").write_text(bound(sha).replace("docs/ir.md", "../docs/ir.md"))
    folder.runpytest(*RUN, "--ready-attestations=signoff/attestations.toml")
    assert status(folder)["ready_status"] == "passed"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('sha256 = "' + "a" * 64 + '"', "sha256 needs file = the document"),
        ('file = "docs/ir.md"', "file = 'docs/ir.md' needs sha256 = its 64-hex-digit SHA-256;"),
        ('file = "docs/ir.md"\nsha256 = "abc"', "file = 'docs/ir.md' needs sha256 = its 64-hex"),
    ],
)
def test_half_a_document_binding_is_a_usage_error(
    folder: pytest.Pytester, extra: str, message: str
) -> None:
    document(folder)
    write_attestations(folder, attest("Incident response plan documented", extra=extra))
    result = folder.runpytest(*RUN)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"attestations.toml: [[attest]] #1: {message}" in result.stderr.str()


def test_the_helper_writes_an_entry_that_covers_the_line(
    folder: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    document(folder)
    monkeypatch.chdir(folder.path)
    code = main(
        ["Incident response plan documented", "--by", "Dana Smith", "--role", "Ops Manager",
         "--file", "docs/ir.md", "--expires", days(90), "--evidence", "https://wiki/ir"]
    )  # fmt: skip
    assert code == 0
    text = (folder.path / "attestations.toml").read_text()
    assert f'item = "{IDS["incident"]}"' in text and 'file = "docs/ir.md"' in text
    folder.runpytest(*RUN)
    assert status(folder)["ready_status"] == "passed"
    document(folder, "changed\n")
    folder.runpytest(*RUN)
    assert status(folder)["ready_status"] == "failed"


def test_the_helper_appends_to_an_existing_file(
    folder: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    document(folder)
    write_attestations(folder, attest("Vault holds every secret"))
    monkeypatch.chdir(folder.path)
    args = ["--by", "D", "--role", "R", "--file", "docs/ir.md", "--expires", days(9)]
    assert main([IDS["incident"], *args]) == 0
    text = (folder.path / "attestations.toml").read_text()
    assert text.count("[[attest]]") == 2


def test_the_helper_suggests_the_nearest_items_on_a_miss(
    folder: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    document(folder)
    monkeypatch.chdir(folder.path)
    args = ["--by", "D", "--role", "R", "--file", "docs/ir.md", "--expires", days(9)]
    assert main(["Incident response plan documentd", *args]) == 4
    err = capsys.readouterr().err
    assert 'nearest: "Incident response plan documented"' in err
    assert not (folder.path / "attestations.toml").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--file", "docs/none.md", "--expires", days(9)], "no such file"),
        (["--file", "docs/ir.md", "--expires", days(-9)], "must be after the date"),
    ],
)
def test_the_helper_refuses_bad_input(
    folder: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    document(folder)
    monkeypatch.chdir(folder.path)
    assert main([IDS["incident"], "--by", "D", "--role", "R", *args]) == 4
    assert message in capsys.readouterr().err


def test_the_helper_refuses_a_group_line(
    folder: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    document(folder)
    monkeypatch.chdir(folder.path)
    args = ["--by", "D", "--role", "R", "--file", "docs/ir.md", "--expires", days(9)]
    assert main(["Secrets", *args]) == 4
    assert "is a group line" in capsys.readouterr().err
    assert not Path(folder.path / "attestations.toml").exists()


def test_the_helper_reports_an_unwritable_destination(
    folder: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    document(folder)
    monkeypatch.chdir(folder.path)
    args = ["--by", "D", "--role", "R", "--file", "docs/ir.md", "--expires", days(9)]
    assert main([IDS["incident"], *args, "--attestations", "no/such/dir/a.toml"]) == 4
    assert "No such file or directory" in capsys.readouterr().err
