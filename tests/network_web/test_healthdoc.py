"""Health bodies read on their own table: JSON shapes, text and HTML."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_biothings_ready.probes.web.healthdoc import read_health, shape

JSON = "application/json"

# (body, kind, bad components)
BODIES: list[tuple[Any, str, tuple[str, ...]]] = [
    ({"status": "ok"}, "json", ()),
    ({"status": "UP"}, "json", ()),
    ({"state": "healthy"}, "json", ()),
    ({"status": "green"}, "json", ()),
    ({"status": "pass", "checks": {"db:responseTime": [{"status": "pass"}]}}, "json", ()),
    ({"status": "unhealthy", "db": "down"}, "json", ("status: unhealthy", "db: down")),
    ({"status": "OUT_OF_SERVICE"}, "json", ("status: out_of_service",)),
    ({"status": "warn"}, "json", ("status: warn",)),
    ({"status": "starting"}, "json", ("status: starting",)),
    ({"status": "Healthy", "entries": {"sql": {"status": "Degraded"}}}, "json", ("sql: degraded",)),
    (
        {
            "status": "UP",
            "components": {"db": {"status": "UP", "details": {"x": {"status": "DOWN"}}}},
        },
        "json",
        ("db.x: down",),
    ),
    ({"status": "UP", "checks": [{"name": "kafka", "status": "DOWN"}]}, "json", ("kafka: down",)),
    ({"ok": True}, "json", ()),
    ({"healthy": False}, "json", ("status: down",)),
    ({"version": "1.2.3"}, "json", ()),
    ({"status": "ok", "log_level": "error", "theme": "red"}, "json", ()),
    ({"status": "ok", "cache": "unavailable"}, "json", ("cache: unavailable",)),
    ({"status": "ok", "checks": {"db": False, "cache": True}}, "json", ("db: down",)),
    ({"status": "ok", "feature_flags": {"beta": False}}, "json", ()),
    ({"status": "ok", "db": {"connected": False}}, "json", ("db: down",)),
    ({"ready": False}, "json", ("ready: down",)),
    ({"status": "ok", "maintenance": False}, "json", ()),
    ("OK", "text", ()),
    ("healthy\n", "text", ()),
    ("FAIL: disk full", "text", ("text: fail",)),
    ("not ok", "text", ("text: not",)),
    ("status: down", "text", ("text: down",)),
    ("healthy: false", "text", ("text: false",)),
    ("db is not ready", "text", ("text: not ok",)),
    ("OK - 0 errors", "text", ()),
    ("error: none", "text", ("text: error",)),
    ("alive", "text", ()),
    ("<!DOCTYPE html><html></html>", "html", ()),
    ("", "empty", ()),
]


@pytest.mark.parametrize(("body", "kind", "bad"), BODIES)
def test_health_bodies_are_read_by_what_they_say(
    body: Any, kind: str, bad: tuple[str, ...]
) -> None:
    raw = body if isinstance(body, str) else json.dumps(body)
    doc = read_health(JSON if not isinstance(body, str) else "text/plain", raw.encode())
    assert (doc.kind, doc.bad) == (kind, bad)


def test_a_bare_ok_served_as_text_html_is_text_and_says_how_it_was_served() -> None:
    doc = read_health("text/html; charset=utf-8", b"OK")
    assert (doc.kind, doc.bad) == ("text", ())
    assert "served as text/html" in doc.read


def test_json_served_as_text_html_is_read_as_json() -> None:
    assert read_health("text/html", b'{"status": "down"}').bad == ("status: down",)


def test_an_html_page_is_html_whatever_its_content_type() -> None:
    page = b"\n  <!DOCTYPE html>\n<html><head></head><body><div id=root></div></body></html>"
    assert read_health("application/json", page).kind == "html"
    assert read_health("text/plain", b"<html><body>ok</body></html>").kind == "html"


def test_json_documents_with_the_same_keys_and_statuses_have_the_same_shape() -> None:
    first = json.dumps({"status": "ok", "time": 1}).encode()
    second = json.dumps({"status": "ok", "time": 2}).encode()
    other = json.dumps({"status": "ok", "uptime": 2}).encode()
    assert shape(first) == shape(second)
    assert shape(first) != shape(other)
    assert shape(b"OK") == b"OK"
