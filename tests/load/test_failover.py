"""Failover: traffic through nginx while a hook stops one backend and restarts it."""

from __future__ import annotations

import re
from pathlib import Path

from pytest_biothings_ready.model import Status
from tests.load.backends import Backend, behind_nginx
from tests.load.settings import load_settings
from tests.support.evaluate import judge

LINE = "Failover testing completed"


def _settings(url: str, victim: Backend, **failover: object) -> dict[str, object]:
    table = {
        "out_command": victim.kill_argv(),
        "restore_command": victim.restore_argv(),
        "duration_s": 3,
        "out_after_s": 0.8,
        "restore_after_s": 2.2,
        **failover,
    }
    return {**load_settings(url), "failover": table}


def test_losing_one_of_two_backends_passes(tmp_path: Path) -> None:
    with behind_nginx(tmp_path, 2) as (url, backends):
        verdict = judge(LINE, _settings(url, backends[0]))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert re.search(r"out at 0\.\d s: `sh -c kill \$\(cat", verdict.evidence)
    assert "restore at 2." in verdict.evidence


def test_losing_the_only_backend_fails(tmp_path: Path) -> None:
    with behind_nginx(tmp_path, 1) as (url, backends):
        verdict = judge(LINE, _settings(url, backends[0]))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "502" in verdict.evidence


def test_a_failing_hook_is_an_error(tmp_path: Path) -> None:
    with behind_nginx(tmp_path, 2) as (url, backends):
        verdict = judge(
            LINE,
            _settings(
                url,
                backends[0],
                out_command=["false"],
                duration_s=1,
                out_after_s=0.2,
                restore_after_s=0.6,
            ),
        )
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "`false` exited 1" in verdict.evidence


def test_failover_without_hooks_is_unverified_and_says_what_to_set() -> None:
    verdict = judge(LINE, load_settings("http://127.0.0.1:9"))
    assert verdict.status is Status.UNVERIFIED
    assert "out_command" in verdict.evidence and "out_url" in verdict.evidence


def test_http_hooks_fire_and_an_outage_fails() -> None:
    from tests.load import apps
    from tests.support.servers import serve_asgi

    with serve_asgi(apps.drainable()) as url:
        table = {
            "out_url": f"{url}/hooks/out",
            "restore_url": f"{url}/hooks/restore",
            "duration_s": 1.5,
            "out_after_s": 0.3,
            "restore_after_s": 1.0,
        }
        verdict = judge(LINE, {**load_settings(url), "failover": table})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert f"POST {url}/hooks/out answered 200" in verdict.evidence
    assert "code=503" in verdict.evidence


def test_an_unreachable_http_hook_is_an_error() -> None:
    from tests.load import apps
    from tests.support.servers import serve_asgi

    with serve_asgi(apps.fast()) as url:
        table = {
            "out_url": "http://127.0.0.2:9/out",
            "restore_url": "http://127.0.0.2:9/in",
            "duration_s": 1,
            "out_after_s": 0.2,
            "restore_after_s": 0.5,
        }
        verdict = judge(LINE, {**load_settings(url), "failover": table})
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "POST http://127.0.0.2:9/out: connection refused" in verdict.evidence
    assert "check `failover.out_url`" in verdict.evidence
