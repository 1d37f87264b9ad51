"""Alerting system tested: the synthetic alert must be listed *and* reach an integration.

How a broken Alertmanager could still look right: it accepts the POST and never lists
the alert (a proxy or stand-in that drops it); it lists the alert with no receiver; or
a real Alertmanager routes it to a ``null`` receiver that notifies nobody.  Each fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pytest_biothings_ready.model import Status
from tests.support.evaluate import judge
from tests.support.monitoring import alertmanager
from tests.support.servers import serve_asgi

ALERTING_TESTED = "Alerting system tested"
NULL_ROUTE = {
    "route": {"receiver": "null", "group_by": ["alertname"]},
    "receivers": [{"name": "null"}],
}


def _stand_in(receivers: list[dict[str, str]] | None) -> Starlette:
    """Accepts alerts; lists none (``receivers=None``) or lists them with ``receivers``."""
    posted: list[dict[str, Any]] = []

    async def alerts(request: Request) -> Response:
        if request.method == "POST":
            posted.extend(await request.json())
            return JSONResponse({})
        if receivers is None:
            return JSONResponse([])
        listed = [{**a, "receivers": receivers, "status": {"state": "active"}} for a in posted]
        return JSONResponse(listed)

    async def status(request: Request) -> Response:
        return JSONResponse({"config": {"original": yaml.safe_dump(NULL_ROUTE)}})

    return Starlette(
        routes=[
            Route("/api/v2/alerts", alerts, methods=["GET", "POST"]),
            Route("/api/v2/status", status),
        ]
    )


@pytest.fixture(scope="module")
def null_alertmanager(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("null-am")
    with alertmanager(folder, NULL_ROUTE) as url:
        yield url


def test_an_alert_accepted_but_never_listed_fails() -> None:
    with serve_asgi(_stand_in(None)) as url:
        verdict = judge(ALERTING_TESTED, {"alertmanager_url": url, "timeout_s": 1})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "was accepted but not listed within 1 s" in verdict.evidence


def test_an_alert_listed_without_a_receiver_fails() -> None:
    with serve_asgi(_stand_in([])) as url:
        verdict = judge(ALERTING_TESTED, {"alertmanager_url": url, "timeout_s": 1})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "routed to no receiver" in verdict.evidence


def test_a_real_alertmanager_routing_to_a_null_receiver_fails(null_alertmanager: str) -> None:
    verdict = judge(ALERTING_TESTED, {"alertmanager_url": null_alertmanager, "timeout_s": 3})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "routed only to 'null', with no integration" in verdict.evidence
    assert "nobody is notified" in verdict.evidence


def test_a_stand_in_that_hides_its_configuration_is_an_error() -> None:
    app = _stand_in([{"name": "pager"}])
    app.router.routes = [r for r in app.router.routes if getattr(r, "path", "") != "/api/v2/status"]
    with serve_asgi(app) as url:
        verdict = judge(ALERTING_TESTED, {"alertmanager_url": url, "timeout_s": 1})
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "/api/v2/status" in verdict.evidence
