"""API endpoints tested: every [[smoke]] request and every [[journey]] step, against a real API.

A target that could still look right: most requests fine and one wrong; the smoke
requests fine and a journey broken; a journey whose first step works and whose
second is refused.  Each of these fails the line, naming the request that did.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pytest_biothings_ready.model import Status
from tests.network_web.apps import api_app, settings
from tests.support.evaluate import judge
from tests.support.servers import serve_asgi

API_ENDPOINTS = "API endpoints tested"
AGENTS = {"name": "agents", "path": "/agents", "expect_json": {"0.name": "planner"}}
LOGIN = {
    "name": "log in",
    "method": "POST",
    "path": "/login",
    "json": {"password": "pw"},
    "extract": {"token": "access_token"},
}


@pytest.fixture(scope="module")
def api() -> Iterator[str]:
    with serve_asgi(api_app()) as url:
        yield url


def _journey(*steps: dict[str, Any]) -> dict[str, Any]:
    return {"name": "sign in", "steps": list(steps)}


def test_one_smoke_request_answering_the_wrong_status_fails_the_line(api: str) -> None:
    smoke = [AGENTS, {"name": "me", "path": "/me"}]  # /me answers 401 without a token
    verdict = judge(API_ENDPOINTS, settings(api, smoke=smoke))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "1 of 2 smoke requests and journeys failed" in verdict.evidence
    assert "smoke 'me'" in verdict.evidence and "401" in verdict.evidence


def test_a_broken_journey_fails_the_line_even_when_every_smoke_request_passes(api: str) -> None:
    wrong_password = {**LOGIN, "json": {"password": "nope"}}
    journey = _journey(wrong_password, {"name": "me", "path": "/me"})
    verdict = judge(API_ENDPOINTS, settings(api, smoke=[AGENTS], journey=[journey]))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "journey 'sign in'" in verdict.evidence and "401" in verdict.evidence


def test_a_journey_whose_later_step_is_refused_fails(api: str) -> None:
    me_without_token = {"name": "me", "path": "/me", "expect_json": {"username": "demo"}}
    verdict = judge(API_ENDPOINTS, settings(api, journey=[_journey(LOGIN, me_without_token)]))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "journey 'sign in'" in verdict.evidence


def test_a_wrong_json_field_fails_the_line() -> None:
    with serve_asgi(api_app(agents_name="someone-else")) as url:
        verdict = judge(API_ENDPOINTS, settings(url, smoke=[AGENTS]))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "JSON field '0.name' is 'someone-else'; expected 'planner'" in verdict.evidence


def test_every_request_answering_as_expected_passes(api: str) -> None:
    me = {"name": "me", "path": "/me", "headers": {"Authorization": "Bearer {{token}}"}}
    verdict = judge(API_ENDPOINTS, settings(api, smoke=[AGENTS], journey=[_journey(LOGIN, me)]))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert verdict.evidence.startswith("3 endpoints")
