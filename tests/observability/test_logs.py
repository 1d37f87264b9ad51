"""Structured logging, secrets in logs, log aggregation (configured, working, retention)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.evidence.store import EvidenceStore
from pytest_biothings_ready.model import Status
from tests.observability.standins import elasticsearch_app, loki_app
from tests.support.evaluate import judge
from tests.support.servers import free_port, serve_asgi

STRUCTURED = "Structured logging implemented"
SECRETS = "Sensitive data excluded from logs"
CONFIGURED = "Log aggregation configured (ELK/Loki)"
WORKING = "Log aggregation working"
RETENTION = "Log retention policies set"


def _record(i: int, **extra: Any) -> str:
    return json.dumps(
        {
            "timestamp": f"2026-11-26T12:00:{i % 60:02d}Z",
            "level": "info",
            "msg": f"GET /api/agents/{i} 200",
            "request_id": f"{i:032x}",
            **extra,
        }
    )


def _sample(folder: Path, lines: list[str]) -> dict[str, Any]:
    (folder / "app.log").write_text("\n".join(lines) + "\n")
    return {"monitoring": {"log_sample": "app.log"}, "timeout_s": 1}


def test_json_lines_with_time_and_level_are_structured(tmp_path: Path) -> None:
    settings = _sample(tmp_path, [_record(i) for i in range(100)])
    verdict = judge(STRUCTURED, settings, root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "100/100 lines" in verdict.evidence


def test_plain_text_logs_are_not_structured(tmp_path: Path) -> None:
    lines = [_record(i) for i in range(90)] + ["INFO GET /api/health 200"] * 10
    verdict = judge(STRUCTURED, _sample(tmp_path, lines), root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "90/100 lines" in verdict.evidence and "line 91" in verdict.evidence


def test_json_without_a_level_is_not_structured(tmp_path: Path) -> None:
    lines = [json.dumps({"time": "2026-11-26T12:00:00Z", "msg": "x"})] * 10
    verdict = judge(STRUCTURED, _sample(tmp_path, lines), root=tmp_path)
    assert verdict.status is Status.FAILED


def test_clean_logs_have_no_sensitive_data(tmp_path: Path) -> None:
    verdict = judge(SECRETS, _sample(tmp_path, [_record(i) for i in range(50)]), root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_logged_password_and_aws_key_are_found_without_showing_them(tmp_path: Path) -> None:
    lines = [_record(1), _record(2, password="hunter2hunter2", key="AKIAIOSFODNN7EXAMPLE")]
    verdict = judge(SECRETS, _sample(tmp_path, lines), root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "line 2: AWS Access Key" in verdict.evidence
    assert "hunter2" not in verdict.evidence and "AKIA" not in verdict.evidence


def test_environment_secret_value_in_logs_is_found(tmp_path: Path) -> None:
    settings = _sample(tmp_path, [_record(1, note="token zq9fwd81kk")])
    store = EvidenceStore(Environment("test", settings, tmp_path, frozenset({"zq9fwd81kk"})))
    verdict = judge(SECRETS, settings, root=tmp_path, store=store)
    assert verdict.status is Status.FAILED
    assert "a configured secret value" in verdict.evidence
    assert "zq9fwd81kk" not in verdict.evidence


def test_missing_or_empty_sample_is_an_error(tmp_path: Path) -> None:
    settings = {"monitoring": {"log_sample": "absent.log"}, "timeout_s": 1}
    assert judge(STRUCTURED, settings, root=tmp_path).status is Status.ERROR
    empty = _sample(tmp_path, [""])
    verdict = judge(SECRETS, empty, root=tmp_path)
    assert verdict.status is Status.ERROR and "empty" in verdict.evidence


def test_no_log_sample_is_unverified() -> None:
    verdict = judge(STRUCTURED, {"timeout_s": 1})
    assert verdict.status is Status.UNVERIFIED
    assert "monitoring.log_sample" in verdict.evidence


def _loki(url: str, **extra: Any) -> dict[str, Any]:
    return {"monitoring": {"loki_url": url, "loki_query": '{app="api"}', **extra}, "timeout_s": 2}


def test_ready_loki_with_recent_lines_and_a_month_of_retention_passes() -> None:
    with serve_asgi(loki_app()) as url:
        store = EvidenceStore(Environment("test", _loki(url)))
        verdicts = [judge(line, {}, store=store) for line in (CONFIGURED, WORKING, RETENTION)]
    assert [v.status for v in verdicts] == [Status.PASSED] * 3, verdicts
    assert "retention 31d" in verdicts[2].evidence


def test_loki_not_ready_without_lines_or_retention_fails() -> None:
    with serve_asgi(loki_app(ready=False, newest_age_s=None, retention=None)) as url:
        store = EvidenceStore(Environment("test", _loki(url)))
        verdicts = [judge(line, {}, store=store) for line in (CONFIGURED, WORKING, RETENTION)]
    assert [v.status for v in verdicts] == [Status.FAILED] * 3, verdicts
    assert "not ready" in verdicts[0].evidence
    assert "no data for the service" in verdicts[1].evidence
    assert "retention_enabled is not true" in verdicts[2].evidence


def test_short_loki_retention_fails() -> None:
    with serve_asgi(loki_app(retention="24h")) as url:
        verdict = judge(RETENTION, _loki(url))
    assert verdict.status is Status.FAILED
    assert "retention 1d < required 7d" in verdict.evidence


def test_loki_without_a_query_cannot_tell_if_it_works() -> None:
    with serve_asgi(loki_app()) as url:
        verdict = judge(WORKING, {"monitoring": {"loki_url": url}, "timeout_s": 2})
    assert verdict.status is Status.UNVERIFIED
    assert "monitoring.loki_query" in verdict.evidence


@pytest.mark.parametrize("line", [CONFIGURED, WORKING, RETENTION])
def test_elasticsearch_green_recent_and_ilm_delete_phase_passes(line: str) -> None:
    with serve_asgi(elasticsearch_app()) as url:
        verdict = judge(line, {"monitoring": {"elasticsearch_url": url}, "timeout_s": 2})
    assert verdict.status is Status.PASSED, verdict.evidence


def test_red_elasticsearch_with_stale_logs_and_no_delete_phase_fails() -> None:
    app = elasticsearch_app(status="red", newest_age_s=2 * 86400, delete_after=None)
    with serve_asgi(app) as url:
        store = EvidenceStore(
            Environment("test", {"monitoring": {"elasticsearch_url": url}, "timeout_s": 2})
        )
        verdicts = [judge(line, {}, store=store) for line in (CONFIGURED, WORKING, RETENTION)]
    assert [v.status for v in verdicts] == [Status.FAILED] * 3, verdicts
    assert "(red)" in verdicts[0].evidence


def test_unreachable_log_backend_is_an_error() -> None:
    verdict = judge(CONFIGURED, _loki(f"http://127.0.0.1:{free_port()}"))
    assert verdict.status is Status.ERROR


def test_no_log_backend_is_unverified() -> None:
    verdict = judge(WORKING, {"timeout_s": 1})
    assert verdict.status is Status.UNVERIFIED
    assert "monitoring.loki_url" in verdict.evidence
