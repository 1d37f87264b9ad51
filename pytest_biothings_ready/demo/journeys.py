"""The smoke requests and user journeys the demo environment declares.

They double as the worked example of ``[[env.NAME.smoke]]`` and
``[[env.NAME.journey]]`` in docs/probes/web.md.
"""

from __future__ import annotations

from typing import Any

__all__ = ["journeys", "smoke_requests"]


def smoke_requests() -> list[dict[str, Any]]:
    """``[[env.demo.smoke]]``: quick requests that must answer as expected."""
    return [
        {
            "name": "health",
            "method": "GET",
            "path": "/api/health",
            "expect_status": 200,
            "expect_json": {"status": "ok"},
        },
        {
            "name": "list agents",
            "method": "GET",
            "path": "/api/agents",
            "expect_status": 200,
            "expect_json": {"0.name": "planner"},
        },
    ]


def _login(user: str, password: str) -> dict[str, Any]:
    return {
        "name": "log in",
        "method": "POST",
        "path": "/api/login",
        "json": {"username": user, "password": password},
        "expect_status": 200,
        "extract": {"token": "access_token"},
    }


def journeys(user: str, password: str, api_key: str) -> list[dict[str, Any]]:
    """``[[env.demo.journey]]``: ordered steps carrying values with ``{{name}}``."""
    auth = {"Authorization": "Bearer {{token}}"}
    return [
        {
            "name": "run an experiment",
            "covers": ["Experiment workflows functioning"],
            "steps": [
                _login(user, password),
                {
                    "name": "start",
                    "method": "POST",
                    "path": "/api/experiments",
                    "headers": auth,
                    "json": {"name": "readiness"},
                    "expect_status": 201,
                    "extract": {"experiment": "id"},
                },
                {
                    "name": "read back",
                    "method": "GET",
                    "path": "/api/experiments/{{experiment}}",
                    "headers": auth,
                    "expect_status": 200,
                    "expect_json": {"status": "completed"},
                },
            ],
        },
        {
            "name": "talk to an agent",
            "covers": ["Agent communication tested"],
            "steps": [
                _login(user, password),
                {
                    "name": "message",
                    "method": "POST",
                    "path": "/api/agents/planner/messages",
                    "headers": auth,
                    "json": {"text": "hello"},
                    "expect_status": 200,
                    "expect_json": {"agent": "planner"},
                },
            ],
        },
        {
            "name": "list LLM models",
            "covers": ["LLM integration working"],
            "steps": [
                {
                    "name": "models",
                    "method": "GET",
                    "path": "/v1beta/models",
                    "headers": {"x-goog-api-key": api_key},
                    "expect_status": 200,
                    "expect_json": {"models.0.name": "models/demo-flash"},
                },
            ],
        },
    ]
