"""Logs that look structured and are not: empty levels, plain text behind Loki."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_biothings_ready.model import Status
from tests.observability.standins import elasticsearch_app, loki_app
from tests.observability.test_logs import STRUCTURED, _loki, _sample
from tests.support.evaluate import judge
from tests.support.servers import serve_asgi


@pytest.mark.parametrize(
    "record",
    [
        {"time": "2026-11-30T10:00:00Z", "level": None, "msg": "x"},
        {"time": "", "level": "info", "msg": "x"},
        {"time": "2026-11-30T10:00:00Z", "level": "", "msg": "x"},
    ],
)
def test_json_lines_with_empty_time_or_level_are_not_structured(
    tmp_path: Path, record: dict[str, object]
) -> None:
    settings = _sample(tmp_path, [json.dumps(record)] * 20)
    verdict = judge(STRUCTURED, settings, root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence


def test_docker_wrapped_json_lines_are_structured(tmp_path: Path) -> None:
    inner = json.dumps({"level": "info", "msg": "GET /"})
    line = json.dumps({"log": inner + "\n", "stream": "stdout", "time": "2026-11-30T10:00:00Z"})
    verdict = judge(STRUCTURED, _sample(tmp_path, [line] * 20), root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_docker_wrapped_plain_text_is_not_structured(tmp_path: Path) -> None:
    line = json.dumps({"log": "INFO GET /\n", "stream": "stdout", "time": "2026-11-30T10:00:00Z"})
    verdict = judge(STRUCTURED, _sample(tmp_path, [line] * 20), root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence


def test_plain_text_lines_in_loki_are_not_structured() -> None:
    lines = ("INFO 2026-11-30 GET /api/health 200",) * 10
    with serve_asgi(loki_app(lines=lines)) as url:
        verdict = judge(STRUCTURED, _loki(url))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "0/10 lines" in verdict.evidence


def test_json_lines_without_a_level_in_loki_are_not_structured() -> None:
    with serve_asgi(loki_app(lines=('{"msg": "GET /"}',) * 10)) as url:
        verdict = judge(STRUCTURED, _loki(url))
    assert verdict.status is Status.FAILED, verdict.evidence


def test_json_lines_with_a_level_in_loki_are_structured() -> None:
    with serve_asgi(loki_app(lines=('{"level": "info", "msg": "GET /"}',) * 10)) as url:
        verdict = judge(STRUCTURED, _loki(url))
    assert verdict.status is Status.PASSED, verdict.evidence


def test_loki_without_lines_cannot_judge_structure() -> None:
    with serve_asgi(loki_app(newest_age_s=None)) as url:
        verdict = judge(STRUCTURED, _loki(url))
    assert verdict.status is Status.ERROR, verdict.evidence


def test_elasticsearch_document_dated_in_the_future_does_not_prove_recent_logs() -> None:
    with serve_asgi(elasticsearch_app(newest_age_s=-30 * 86400)) as url:
        monitoring = {"elasticsearch_url": url, "elasticsearch_index": "logs-api"}
        verdict = judge("Log aggregation working", {"monitoring": monitoring, "timeout_s": 2})
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "in the future" in verdict.evidence


def test_secret_in_lines_read_from_loki_is_found() -> None:
    lines = ('{"level": "info", "msg": "aws_access_key_id=AKIAIOSFODNN7EXAMPLE"}',) * 3
    with serve_asgi(loki_app(lines=lines)) as url:
        verdict = judge("Sensitive data excluded from logs", _loki(url))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "AKIAIOSFODNN7EXAMPLE" not in verdict.evidence


def test_clean_lines_read_from_loki_pass_the_secrets_line() -> None:
    with serve_asgi(loki_app(lines=('{"level": "info", "msg": "GET /"}',) * 3)) as url:
        verdict = judge("Sensitive data excluded from logs", _loki(url))
    assert verdict.status is Status.PASSED, verdict.evidence
