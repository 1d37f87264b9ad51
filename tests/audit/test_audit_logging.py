"""*Audit logging implemented*, live: the auth probe's login must reach the log store."""

from __future__ import annotations

import time
from typing import Any

import pytest

from pytest_biothings_ready.evidence.store import ABSTAIN, EvidenceStore
from pytest_biothings_ready.model import Status, Verdict
from pytest_biothings_ready.probes.auth.audit import is_audit_event
from tests.audit.standins import (
    PASSWORD,
    TOKEN,
    Sink,
    elasticsearch_over,
    login_app,
    loki_over,
)
from tests.support.evaluate import environment, judge
from tests.support.servers import free_port, serve_asgi

AUDIT = "Audit logging implemented"
JSON_EVENT = '{"event": "login", "outcome": "success"}'


def _settings(service: str, store: dict[str, Any], **auth: Any) -> dict[str, Any]:
    login = {
        "login_path": "/api/login",
        "username": "alice",
        "password": PASSWORD,
        "protected_path": "/api/me",
        "audit_wait_s": 1.0,
        **auth,
    }
    return {"base_url": service, "timeout_s": 2, "auth": login, "monitoring": store}


def _judge_with_loki(audit: str | None, delay_s: float = 0.0, sink: Sink | None = None) -> Verdict:
    sink = sink or Sink()
    with (
        serve_asgi(login_app(sink, audit, delay_s)) as service,
        serve_asgi(loki_over(sink)) as loki,
    ):
        store = {"loki_url": loki, "loki_query": '{app="api"}'}
        verdict = judge(AUDIT, _settings(service, store))
    assert PASSWORD not in verdict.evidence and TOKEN not in verdict.evidence
    return verdict


def _judge_with_elastic(
    audit: str | None, delay_s: float = 0.0, sink: Sink | None = None
) -> Verdict:
    sink = sink or Sink()
    service_app, store_app = login_app(sink, audit, delay_s), elasticsearch_over(sink)
    with serve_asgi(service_app) as service, serve_asgi(store_app) as elastic:
        store = {"elasticsearch_url": elastic, "elasticsearch_index": "app-logs-*"}
        return judge(AUDIT, _settings(service, store, audit_index="audit-*"))


def test_a_login_event_in_loki_passes() -> None:
    verdict = _judge_with_loki(JSON_EVENT)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert '"event": "login"' in verdict.evidence


def test_a_login_that_only_leaves_an_access_log_line_fails() -> None:
    verdict = _judge_with_loki(None)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "no audit event of the probe's login" in verdict.evidence


def test_an_audit_line_from_before_the_login_does_not_count() -> None:
    sink = Sink()
    sink.write("user alice logged in", at=time.time() - 600)
    verdict = _judge_with_loki(None, sink=sink)
    assert verdict.status is Status.FAILED, verdict.evidence


def test_an_audit_line_about_another_user_does_not_count() -> None:
    verdict = _judge_with_loki("user bob logged in")
    assert verdict.status is Status.FAILED, verdict.evidence


def test_a_late_audit_line_naming_the_user_in_elasticsearch_passes() -> None:
    verdict = _judge_with_elastic("audit: user {user} logged in from 127.0.0.1", delay_s=0.4)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "user alice logged in" in verdict.evidence
    assert "(/audit-*)" in verdict.evidence


def test_elasticsearch_without_the_audit_line_fails() -> None:
    verdict = _judge_with_elastic(None)
    assert verdict.status is Status.FAILED, verdict.evidence


def test_an_old_audit_line_from_a_store_that_ignores_the_time_range_does_not_count() -> None:
    sink = Sink()
    sink.write('{"event": "login", "user": "alice"}', at=time.time() - 120)
    verdict = _judge_with_elastic(None, sink=sink)  # the stand-in ignores `q`
    assert verdict.status is Status.FAILED, verdict.evidence


def test_an_unreachable_log_store_is_an_error() -> None:
    sink = Sink()
    with serve_asgi(login_app(sink, JSON_EVENT)) as service:
        store = {"loki_url": f"http://127.0.0.1:{free_port()}", "loki_query": '{app="api"}'}
        verdict = judge(AUDIT, _settings(service, store))
    assert verdict.status is Status.ERROR, verdict.evidence


@pytest.mark.parametrize(
    "settings",
    [
        pytest.param({"auth": {"protected_path": "/api/me"}}, id="no log store"),
        pytest.param({"monitoring": {"loki_url": "http://127.0.0.1:9"}}, id="no auth"),
        pytest.param(
            {
                "auth": {"token": TOKEN, "protected_path": "/api/me"},
                "monitoring": {"loki_url": "http://127.0.0.1:9", "loki_query": "{a=1}"},
            },
            id="a token without a login",
        ),
    ],
)
def test_without_a_login_or_a_log_store_the_live_check_abstains(settings: dict[str, Any]) -> None:
    sink = Sink()
    with serve_asgi(login_app(sink, JSON_EVENT)) as service:
        verdict = judge(AUDIT, {"base_url": service, "timeout_s": 2, **settings})
    assert verdict.status is Status.UNVERIFIED
    assert "no live audit probe" in verdict.evidence or verdict.evidence.startswith(ABSTAIN)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("POST /api/login HTTP/1.1 200", False),
        ("user malice logged in", False),
        ("user alice logged in", True),
        ('{"action": "session_created"}', True),
        ('{"event": {"action": "user.login"}}', True),
        ('{"event": "page_view"}', False),
    ],
)
def test_what_counts_as_an_audit_event(line: str, expected: bool) -> None:
    assert is_audit_event(line, "alice") is expected


def test_a_long_audit_wait_is_cut_to_the_evidence_budget_and_still_fails() -> None:
    sink = Sink()
    with serve_asgi(login_app(sink, None)) as service, serve_asgi(loki_over(sink)) as loki:
        store = {"loki_url": loki, "loki_query": '{app="api"}'}
        settings = _settings(service, store, audit_wait_s=60.0)
        began = time.monotonic()
        verdict = judge(AUDIT, settings, store=EvidenceStore(environment(settings), budget_s=3.0))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert time.monotonic() - began < 4.0
