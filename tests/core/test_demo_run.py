"""`pytest --ready-env=demo`: the bundled service, the whole checklist, honest verdicts."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.core.conftest import record_statuses

ROOT = Path(__file__).resolve().parents[2]
REMEMBER_URL = """
def test_remember_base_url(ready_env):
    open("base_url.txt", "w").write(ready_env.get("base_url"))
"""


@pytest.fixture(scope="module")
def demo_record(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One full demo run in a fresh folder, as a newcomer would start it."""
    folder = tmp_path_factory.mktemp("demo")
    (folder / "test_url.py").write_text(REMEMBER_URL)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--ready-env=demo",
            "--junitxml=record.xml",
            "-q",
            "--tb=no",
        ],
        cwd=folder,
        check=False,
        capture_output=True,
        timeout=120,
    )
    statuses = record_statuses(folder)
    statuses["__base_url__"] = (folder / "base_url.txt").read_text()
    return statuses


def test_demo_records_every_line(demo_record: dict[str, str]) -> None:
    assert len([k for k in demo_record if not k.startswith("__")]) == 206


def test_demo_has_no_failed_or_error_line(demo_record: dict[str, str]) -> None:
    bad = {k: v for k, v in demo_record.items() if v in ("failed", "error")}
    assert bad == {}


def test_demo_passes_what_its_probes_can_see(demo_record: dict[str, str]) -> None:
    for item in (
        "security-configuration.valid-ssl-certificates-installed",
        "security-configuration.https-enforced-http-redirects-to-https",
        "production-deployment.health-checks-passing",
        "monitoring-observability.prometheus-metrics-endpoints-exposed",
    ):
        assert demo_record[item] == "passed", item


def test_manual_lines_stay_unverified_on_the_demo(demo_record: dict[str, str]) -> None:
    assert demo_record["backup-recovery.incident-response-plan-documented"] == "unverified"
    assert demo_record["approval.technical-lead"] == "unverified"


def test_demo_service_is_stopped_after_the_session(demo_record: dict[str, str]) -> None:
    parts = urlsplit(demo_record["__base_url__"])
    with socket.socket() as sock, pytest.raises(OSError):
        sock.settimeout(1)
        sock.connect((parts.hostname or "127.0.0.1", parts.port or 443))


def test_smoke_subset_selects_the_go_live_lines(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--ready-env=demo", "-m", "ready_smoke", "--co", "-q")
    ids = {line.rsplit("::", 1)[-1] for line in result.stdout.lines if "::" in line}
    assert "security-configuration.valid-ssl-certificates-installed" in ids
    assert "production-deployment.health-checks-passing" in ids
    assert "security-configuration.jwt-secret-keys-are-strong-and-unique" not in ids


def test_conftest_example_links_pass_against_the_demo(pytester: pytest.Pytester) -> None:
    shutil.copy(ROOT / "conftest_example.py", pytester.path / "test_readiness.py")
    result = pytester.runpytest_subprocess(
        "--ready-env=demo", "-k", "test_", "--junitxml=record.xml", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=2, deselected=206)


def test_record_statuses_helper_reads_ids(pytester: pytest.Pytester) -> None:
    (pytester.path / "r.xml").write_text(
        '<testsuites><testsuite><testcase name="x"><properties>'
        '<property name="ready_id" value="a.b"/><property name="ready_status" value="passed"/>'
        "</properties></testcase></testsuite></testsuites>"
    )
    assert record_statuses(pytester, "r.xml") == {"a.b": "passed"}


def test_ctrl_c_ends_the_run_and_stops_the_demo(tmp_path: Path) -> None:
    """SIGINT mid-run: pytest exits as interrupted, and the demo's port is closed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--ready-env=demo", "-q"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    assert process.stdout is not None
    first = process.stdout.readline()  # "biothings-ready: demo service started at ..."
    while "demo service started" not in first:
        first = process.stdout.readline()
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)
    assert process.returncode == pytest.ExitCode.INTERRUPTED, out
    port = urlsplit(first.split()[-1]).port
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port or 0)) != 0


FAMILIES_SEEN = """
import sys

def pytest_collection_finish(session):
    loaded = "pytest_biothings_ready.probes.web" in sys.modules
    (session.config.rootpath / "families.txt").write_text(str(loaded))
"""


def test_collect_only_imports_no_probe_family_unless_selecting(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(FAMILIES_SEEN)
    plain = pytester.runpytest_subprocess(
        "--ready-env=demo", "--co", "-q", "-p", "no:cacheprovider"
    )
    assert plain.ret == pytest.ExitCode.OK
    assert (pytester.path / "families.txt").read_text() == "False"
    smoke = pytester.runpytest_subprocess(
        "--ready-env=demo", "--co", "-q", "-m", "ready_smoke", "-p", "no:cacheprovider"
    )
    assert smoke.ret == pytest.ExitCode.OK
    assert (pytester.path / "families.txt").read_text() == "True"
    assert any("health-checks-passing" in line for line in smoke.stdout.lines)
    static = pytester.runpytest_subprocess(
        "--ready-env=demo", "--co", "-q", "-m", "ready_static", "-p", "no:cacheprovider"
    )
    assert static.ret == pytest.ExitCode.OK
    assert any("::" in line for line in static.stdout.lines)
