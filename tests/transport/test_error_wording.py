"""A closed port reads the same in every family: the request once, then the setting to check.

``could not probe: METHOD URL: connection refused (class); check `setting```: the
transport's message passes through each family's call site once, never wrapped again.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from pytest_biothings_ready.model import Status
from tests.support.evaluate import judge
from tests.support.servers import free_port

PORT = free_port()
URL = f"http://127.0.0.1:{PORT}"
KEY = "AIzaSyA-0123456789abcdef0123456789abcde"

CASES: dict[str, tuple[str, dict[str, Any], str]] = {
    "http": (
        "HTTPS enforced (HTTP redirects to HTTPS)",
        {"base_url": f"https://127.0.0.1:{PORT}", "http_url": URL},
        "base_url",
    ),
    "web": ("Health checks passing", {}, "base_url"),
    "web flows": (
        "Smoke tests passed",
        {"smoke": [{"name": "models", "path": "/api/models"}]},
        "base_url",
    ),
    "websocket": (
        "WebSocket functionality verified",
        {"websocket_url": f"ws://127.0.0.1:{PORT}/ws"},
        "websocket_url",
    ),
    "cors": (
        "CORS is properly configured for production domains",
        {"cors_allowed_origins": ["https://app.example.org"]},
        "base_url",
    ),
    "ratelimit": ("Rate limiting is enabled", {"rate_limit": {}}, "base_url"),
    "auth": (
        "User authentication working",
        {"auth": {"token": "tok-abcdef123456", "protected_path": "/api/me"}},
        "base_url",
    ),
    "apikey": (
        "GOOGLE_API_KEY is set and valid",
        {"secrets": {"GOOGLE_API_KEY": KEY}, "llm": {"base_url": URL + "/v1beta"}},
        "llm.base_url",
    ),
    "observability": ("Error rates monitored", {"prometheus_url": URL}, "prometheus_url"),
    "alerting": ("Alerting system tested", {"alertmanager_url": URL}, "alertmanager_url"),
}


@pytest.mark.parametrize("family", list(CASES))
def test_a_closed_port_is_described_once_and_ends_with_the_setting_to_check(family: str) -> None:
    title, settings, setting = CASES[family]
    verdict = judge(title, {"base_url": URL, "timeout_s": 1, **settings})
    assert verdict.status is Status.ERROR, verdict.evidence
    assert verdict.evidence.startswith("could not probe: "), verdict.evidence
    assert verdict.evidence.count("connection refused") >= 1
    assert "AccessError" not in verdict.evidence
    assert not re.search(r"https?://\S+: (?:GET|POST|OPTIONS|HEAD) ", verdict.evidence)
    for request in re.findall(r"(?:GET|POST|OPTIONS|HEAD) \S+:", verdict.evidence):
        assert verdict.evidence.count(request) == 1, verdict.evidence
    assert verdict.evidence.endswith(f"check `{setting}`"), verdict.evidence
    assert re.search(r"\w+ \S+: connection refused \(\w+\); check `", verdict.evidence)
