"""Smoke requests, journeys that carry values, and lines evidenced by `covers`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pytest_biothings_ready.model import Status
from pytest_biothings_ready.probes.web.steps import dig, substitute
from tests.network_web.apps import api_app, settings
from tests.support.evaluate import judge
from tests.support.servers import free_port, serve_asgi

LOGIN = {
    "name": "log in",
    "method": "POST",
    "path": "/login",
    "json": {"password": "pw"},
    "extract": {"token": "access_token", "user": "user.id"},
}
ME = {
    "name": "me",
    "path": "/me",
    "headers": {"Authorization": "Bearer {{token}}"},
    "expect_json": {"username": "demo"},
}
ITEM = {"name": "item", "path": "/items/{{user}}", "expect_json": {"id": "7"}}


@pytest.fixture(scope="module")
def api() -> Iterator[str]:
    with serve_asgi(api_app()) as url:
        yield url


def _journey(*steps: dict[str, Any], covers: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"name": "sign in", "covers": list(covers), "steps": list(steps)}


def test_smoke_requests_answering_as_expected_pass(api: str) -> None:
    smoke = [{"name": "agents", "path": "/agents", "expect_json": {"0.name": "planner"}}]
    verdict = judge("Smoke tests passed", settings(api, smoke=smoke))
    assert verdict.status is Status.PASSED
    assert "smoke 'agents' (GET /agents -> 200)" in verdict.evidence


def test_smoke_answering_the_wrong_json_fails() -> None:
    smoke = [{"name": "agents", "path": "/agents", "expect_json": {"0.name": "planner"}}]
    with serve_asgi(api_app(agents_name="someone-else")) as url:
        verdict = judge("Smoke tests passed", settings(url, smoke=smoke))
    assert verdict.status is Status.FAILED
    assert "JSON field '0.name' is 'someone-else'; expected 'planner'" in verdict.evidence


def test_smoke_answering_the_wrong_status_fails(api: str) -> None:
    smoke = [{"name": "me", "path": "/me"}]
    verdict = judge("Smoke tests passed", settings(api, smoke=smoke))
    assert verdict.status is Status.FAILED
    assert "answered 401; expected 200" in verdict.evidence


def test_smoke_without_entries_is_unverified(api: str) -> None:
    verdict = judge("Smoke tests passed", settings(api))
    assert verdict.status is Status.UNVERIFIED
    assert "`smoke`" in verdict.evidence


def test_smoke_against_an_unreachable_service_is_an_error() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    verdict = judge("Smoke tests passed", settings(url, smoke=[{"path": "/agents"}]))
    assert verdict.status is Status.ERROR


def test_journey_carries_token_and_id_between_steps(api: str) -> None:
    verdict = judge(
        "Critical user journeys tested", settings(api, journey=[_journey(LOGIN, ME, ITEM)])
    )
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "GET /items/{{user}} -> 200" in verdict.evidence
    assert "tok-123" not in verdict.evidence


def test_journey_stops_at_the_first_failing_step(api: str) -> None:
    bad_login = {**LOGIN, "json": {"password": "wrong"}}
    verdict = judge(
        "Critical user journeys tested", settings(api, journey=[_journey(bad_login, ME)])
    )
    assert verdict.status is Status.FAILED
    assert "log in: answered 401; expected 200" in verdict.evidence
    assert "/me" not in verdict.evidence


def test_journey_using_an_unknown_variable_fails(api: str) -> None:
    verdict = judge("Critical user journeys tested", settings(api, journey=[_journey(ME)]))
    assert verdict.status is Status.FAILED
    assert "uses {{token}}, which no earlier step extracted" in verdict.evidence


def test_journey_without_steps_fails(api: str) -> None:
    verdict = judge("Critical user journeys tested", settings(api, journey=[_journey()]))
    assert verdict.status is Status.FAILED


def test_covered_line_passes_on_its_journey(api: str) -> None:
    journey = _journey(LOGIN, ME, covers=("Agent communication tested",))
    verdict = judge("Agent communication tested", settings(api, journey=[journey]))
    assert verdict.status is Status.PASSED


def test_covered_line_fails_when_its_journey_fails(api: str) -> None:
    journey = _journey(ME, covers=("LLM integration working",))
    verdict = judge("LLM integration working", settings(api, journey=[journey]))
    assert verdict.status is Status.FAILED


def test_line_no_journey_covers_is_unverified(api: str) -> None:
    journey = _journey(LOGIN, covers=("Agent communication tested",))
    verdict = judge("Experiment workflows functioning", settings(api, journey=[journey]))
    assert verdict.status is Status.UNVERIFIED
    assert 'covers = ["Experiment workflows functioning"]' in verdict.evidence


def test_api_endpoints_counts_smoke_and_journey_steps(api: str) -> None:
    verdict = judge(
        "API endpoints tested",
        settings(api, smoke=[{"path": "/agents"}], journey=[_journey(LOGIN, ME)]),
    )
    assert verdict.status is Status.PASSED
    assert verdict.evidence.startswith("3 endpoints")


def test_api_endpoints_without_anything_configured_is_unverified(api: str) -> None:
    assert judge("API endpoints tested", settings(api)).status is Status.UNVERIFIED


def test_dotted_paths_and_substitution() -> None:
    assert dig({"a": [{"b": 1}]}, "a.0.b") == 1
    with pytest.raises(KeyError):
        dig({"a": []}, "a.0")
    assert substitute({"x": ["{{t}}!", 3]}, {"t": "v"}) == {"x": ["v!", 3]}
