"""Ctrl-C stops the load at once; progress is visible while it runs."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pytest_biothings_ready.model import Status
from tests.load import apps
from tests.load.settings import load_settings
from tests.support.evaluate import judge
from tests.support.servers import serve_asgi

ROOT = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def test_ctrl_c_stops_the_locust_child_at_once() -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "tests.load.interrupt_script"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    took = time.monotonic() - started
    lines = done.stdout.split()
    assert done.returncode == 130, done.stderr[-2000:]
    assert lines[-1] == "interrupted"
    assert took < 15  # the run was planned for 60 s
    time.sleep(0.5)
    assert not [pid for pid in lines[:-1] if _alive(int(pid))]


def test_progress_lines_are_logged_during_the_run(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pytest_biothings_ready.load")
    with serve_asgi(apps.fast()) as url:
        verdict = judge(
            "Load testing with expected traffic", load_settings(url, progress_s=0.5, duration_s=1.6)
        )
    assert verdict.status is Status.PASSED, verdict.evidence
    lines = [r.getMessage() for r in caplog.records]
    assert any(line.startswith("expected: 4 users, 1/2 s") for line in lines), lines


def test_a_run_overrunning_its_plan_is_killed_and_an_error() -> None:
    from pytest_biothings_ready.errors import ProbeError
    from pytest_biothings_ready.probes.load import process
    from pytest_biothings_ready.probes.load.plan import Phase, make_spec
    from tests.support.evaluate import environment

    with serve_asgi(apps.fast()) as url:
        spec = make_spec(environment(load_settings(url)), [Phase("expected", 2, 60)])
        started = time.monotonic()
        with pytest.raises(ProbeError, match="overran its planned 2 s and was killed"):
            process.run_child(spec, budget_s=2)
    assert time.monotonic() - started < 5
    assert not process._LIVE


def test_progress_lines_reach_a_configured_sink() -> None:
    from pytest_biothings_ready.probes.load import process

    seen: list[str] = []
    process.set_progress_sink(seen.append)
    try:
        with serve_asgi(apps.fast()) as url:
            judge(
                "Load testing with expected traffic",
                load_settings(url, progress_s=0.5, duration_s=1.2),
            )
    finally:
        process.set_progress_sink(None)
    assert any(line.startswith("[ready-load] expected: 4 users") for line in seen), seen
