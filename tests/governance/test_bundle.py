"""--ready-bundle and python -m pytest_biothings_ready.bundle verify|show|sign|keygen."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pytest_biothings_ready.bundle.__main__ import main
from tests.governance.conftest import IDS, attest, cases, write_attestations, write_config

MEMBERS = {
    "record.xml",
    "report.md",
    "report.html",
    "config.json",
    "attestations.toml",
    "checklist.md",
    "evidence.json",
    "artifacts.json",
    "tools.json",
    "MANIFEST.json",
}


def bundled(p: pytest.Pytester, *args: str) -> Path:
    write_attestations(p, attest("Incident response plan documented"))
    result = p.runpytest("--ready-env=staging", "--ready-bundle=out/b.zip", *args)
    result.stdout.fnmatch_lines(["*evidence bundle: out/b.zip (10 members)*"])
    return p.path / "out" / "b.zip"


def rewrite(bundle: Path, change: dict[str, bytes | None]) -> None:
    """Rewrite ``bundle`` with members replaced (bytes) or dropped (None)."""
    with zipfile.ZipFile(bundle) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    for name, data in change.items():
        if data is None:
            members.pop(name)
        else:
            members[name] = data
    with zipfile.ZipFile(bundle, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_a_bundle_holds_every_member_and_verifies(
    folder: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = bundled(folder)
    with zipfile.ZipFile(bundle) as archive:
        assert set(archive.namelist()) == MEMBERS
        manifest = json.loads(archive.read("MANIFEST.json"))
        evidence = json.loads(archive.read("evidence.json"))
    assert manifest["ready_env"] == "staging"
    assert set(manifest["members"]) == MEMBERS - {"MANIFEST.json"}
    assert len(evidence) == 8
    assert main(["verify", str(bundle)]) == 0
    assert "intact" in capsys.readouterr().out


def test_without_junitxml_the_bundle_still_holds_the_record(folder: pytest.Pytester) -> None:
    bundle = bundled(folder)
    with zipfile.ZipFile(bundle) as archive:
        record = archive.read("record.xml")
    (folder.path / "inner.xml").write_bytes(record)
    line = cases(folder.path / "inner.xml")[IDS["incident"]]
    assert line["ready_status"] == "passed"


def test_with_junitxml_the_bundle_holds_that_very_record(folder: pytest.Pytester) -> None:
    bundle = bundled(folder, "--junitxml=record.xml")
    with zipfile.ZipFile(bundle) as archive:
        assert archive.read("record.xml") == (folder.path / "record.xml").read_bytes()


def test_evidence_is_full_and_names_markers_and_checks(folder: pytest.Pytester) -> None:
    bundle = bundled(folder, "--junitxml=record.xml")
    with zipfile.ZipFile(bundle) as archive:
        evidence = {e["id"]: e for e in json.loads(archive.read("evidence.json"))}
    record = cases(folder.path / "record.xml")
    for item_id, line in evidence.items():
        assert line["evidence"] == record[item_id]["ready_evidence"]
    assert evidence[IDS["incident"]]["method"] == "attestation"
    assert "ready_security" in evidence[IDS["incident"]]["markers"]


def test_artifacts_and_tools_are_recorded(folder: pytest.Pytester) -> None:
    bundle = bundled(folder)
    with zipfile.ZipFile(bundle) as archive:
        artifacts = json.loads(archive.read("artifacts.json"))
        tools = json.loads(archive.read("tools.json"))
    roles = {Path(f["path"]).name: f["role"] for f in artifacts["files"]}
    assert roles["readiness.toml"] == "config"
    assert roles["attestations.toml"] == "attestations"
    assert roles["checklist.md"] == "checklist"
    assert "linked tests" in artifacts["not_covered"]
    assert tools["pytest-biothings-ready"]
    # a tool no check of this run uses is named as unused; one that is used has its version
    assert tools["locust"]["used"] is False or tools["locust"].get("version")
    assert tools["nginx"] == {"used": False, "note": "no check of this run uses it"}


def test_a_changed_byte_in_the_record_fails_verification(
    folder: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = bundled(folder)
    with zipfile.ZipFile(bundle) as archive:
        record = archive.read("record.xml")
    rewrite(bundle, {"record.xml": record.replace(b"unverified", b"passedXXXX", 1)})
    assert main(["verify", str(bundle)]) == 1
    assert "record.xml: changed" in capsys.readouterr().err


def test_a_missing_member_fails_verification(
    folder: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = bundled(folder)
    rewrite(bundle, {"evidence.json": None})
    assert main(["verify", str(bundle)]) == 1
    assert "evidence.json: missing" in capsys.readouterr().err


def test_an_added_member_fails_verification(
    folder: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = bundled(folder)
    rewrite(bundle, {"extra.txt": b"slipped in"})
    assert main(["verify", str(bundle)]) == 1
    assert "extra.txt: not listed in MANIFEST.json" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip at all", "not a zip file"),
        (None, "no such file"),
    ],
)
def test_a_file_that_is_not_a_bundle_exits_4(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    path = tmp_path / "b.zip"
    if content is not None:
        path.write_bytes(content)
    assert main(["verify", str(path)]) == 4
    assert main(["show", str(path)]) == 4
    assert message in capsys.readouterr().err


def test_a_zip_without_a_manifest_is_not_a_bundle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "b.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("record.xml", "<testsuites/>")
    assert main(["verify", str(path)]) == 4
    assert "no MANIFEST.json" in capsys.readouterr().err


def test_show_prints_the_summary(
    folder: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = bundled(folder)
    assert main(["show", str(bundle)]) == 0
    out = capsys.readouterr().out
    assert "env: staging" in out
    assert "lines: " in out and "1 passed" in out
    assert "member record.xml:" in out
    assert "signed: no" in out


def test_no_secret_reaches_any_member(
    folder: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    canary = "canary-b4ndle-5ecret-91xq"
    monkeypatch.setenv("READY_CANARY", canary)
    write_config(folder, env_extra='secrets = { TOKEN = "${READY_CANARY}" }')
    folder.makepyfile(
        test_leak="""
        from pytest_biothings_ready import ready

        @ready.item("Keys are rotated")
        def test_token(ready_env):
            token = ready_env.get("secrets.TOKEN")
            print("token:", token)
            assert token == "rotated", token
        """
    )
    bundle = bundled(folder, "--junitxml=record.xml")
    with zipfile.ZipFile(bundle) as archive:
        for name in archive.namelist():
            assert canary.encode() not in archive.read(name), name
        config = json.loads(archive.read("config.json"))
    assert config["settings"]["secrets"] == {"TOKEN": "***"}


def test_verify_from_outside_detects_a_changed_record(folder: pytest.Pytester) -> None:
    bundle = bundled(folder)
    command = [sys.executable, "-m", "pytest_biothings_ready.bundle", "verify", str(bundle)]
    intact = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert intact.returncode == 0, intact.stderr
    with zipfile.ZipFile(bundle) as archive:
        record = archive.read("record.xml")
    rewrite(bundle, {"record.xml": record + b" "})
    changed = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert changed.returncode == 1
    assert "record.xml: changed" in changed.stderr


def test_a_bundle_that_cannot_be_written_fails_the_run(folder: pytest.Pytester) -> None:
    (folder.path / "taken").mkdir()
    (folder.path / "taken" / "b.zip").mkdir()  # a folder where the zip should go
    result = folder.runpytest("--ready-env=staging", "--ready-bundle=taken/b.zip")
    assert result.ret == pytest.ExitCode.INTERNAL_ERROR
    result.stdout.fnmatch_lines(["*ERROR: evidence bundle taken/b.zip not written*"])


def test_collect_only_writes_no_bundle(folder: pytest.Pytester) -> None:
    result = folder.runpytest("--ready-env=staging", "--collect-only", "--ready-bundle=b.zip")
    assert not (folder.path / "b.zip").exists()
    result.stdout.fnmatch_lines(["*evidence bundle b.zip not written: no checklist line ran*"])


def test_under_xdist_the_controller_writes_one_bundle(folder: pytest.Pytester) -> None:
    bundle = bundled(folder, "-n", "1", "--junitxml=record.xml")
    assert main(["verify", str(bundle)]) == 0
    with zipfile.ZipFile(bundle) as archive:
        evidence = json.loads(archive.read("evidence.json"))
    assert len(evidence) == 8


def test_files_named_by_settings_are_hashed(folder: pytest.Pytester) -> None:
    (folder.path / "Dockerfile").write_text("FROM python:3.12-slim\nUSER 10001\n")
    write_config(folder, env_extra='dockerfiles = ["Dockerfile"]')
    bundle = bundled(folder)
    with zipfile.ZipFile(bundle) as archive:
        artifacts = json.loads(archive.read("artifacts.json"))
    entry = next(f for f in artifacts["files"] if f["path"].endswith("Dockerfile"))
    expected = hashlib.sha256((folder.path / "Dockerfile").read_bytes()).hexdigest()
    assert entry == {
        "path": str(folder.path / "Dockerfile"),
        "role": "setting dockerfiles",
        "sha256": expected,
        "size": 33,
    }


def test_file_fields_of_gathered_evidence_are_found() -> None:
    from dataclasses import dataclass

    from pytest_biothings_ready.bundle.artifacts import _evidence_paths

    @dataclass(frozen=True)
    class Parsed:
        file: str
        text: str

    @dataclass(frozen=True)
    class Result:
        items: tuple[Parsed, ...]
        extra: dict[str, object]

    result = Result(
        (Parsed("k8s/a.yaml", "kind: Deployment"), Parsed("k8s/b.yaml", "x")),
        {"source": "nginx/nginx.conf", "note": "not a path", "paths": ["c/d.toml"]},
    )
    assert sorted(_evidence_paths(result)) == [
        "c/d.toml",
        "k8s/a.yaml",
        "k8s/b.yaml",
        "nginx/nginx.conf",
    ]


def test_a_second_copy_of_a_member_fails_verification(
    folder: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    import warnings

    bundle = bundled(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        with zipfile.ZipFile(bundle, "a") as archive:
            archive.writestr("record.xml", b"<testsuites/>")
    assert main(["verify", str(bundle)]) == 1
    assert "record.xml: appears 2 times" in capsys.readouterr().err


BUGGY_CHECK = """
from pytest_biothings_ready.evidence.registry import check

@check("Keys are rotated")
def buggy_check(ctx):
    raise RuntimeError("the plugin itself is broken")
"""


def test_a_plugin_bug_keeps_its_trace_in_the_evidence(
    folder: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pytest_biothings_ready.evidence import registry

    registry.load_families()  # the conftest's check vanishes after this test
    monkeypatch.setattr(registry, "_CHECKS", {k: list(v) for k, v in registry._CHECKS.items()})
    folder.makeconftest(BUGGY_CHECK)
    bundle = bundled(folder)
    with zipfile.ZipFile(bundle) as archive:
        evidence = {e["id"]: e for e in json.loads(archive.read("evidence.json"))}
    line = evidence[IDS["keys"]]
    assert line["status"] == "error"
    assert "RuntimeError: the plugin itself is broken" in line["error_trace"]
    assert "buggy_check" in line["checks"][0]
    assert evidence[IDS["vault"]]["error_trace"] is None
