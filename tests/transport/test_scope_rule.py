"""``Environment.in_scope`` and the transport apply one rule: host *and* port.

A frontend asset on another port of the same host is skipped (the line is
``unverified``, naming ``hosts``), never fetched and never an ``error``; listing the
host in ``hosts`` brings every port of it into scope.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from pytest_biothings_ready.evidence.transport import Scope
from pytest_biothings_ready.model import Status
from tests.support.evaluate import environment, judge
from tests.support.servers import free_port, serve_asgi

FRONTEND = "Frontend loading correctly"


def _page_with_asset(asset: str) -> Starlette:
    async def page(request: Request) -> Response:
        return HTMLResponse(f'<!doctype html><html><script src="{asset}"></script></html>')

    return Starlette(routes=[Route("/", page)])


def test_in_scope_agrees_with_the_transport_on_host_and_port() -> None:
    env = environment({"base_url": "https://127.0.0.1:8443", "hosts": ["localhost"]})
    scope = Scope.of(env)
    for url in (
        "https://127.0.0.1:8443/app.js",
        "https://127.0.0.1:9000/app.js",
        "http://localhost:1234/x",
        "https://example.org/x",
    ):
        assert env.in_scope(url) is (scope.refusal(url) is None), url
    assert not env.in_scope("https://127.0.0.1:9000/app.js")
    assert env.in_scope("http://localhost:1234/x")


def test_an_asset_on_another_port_of_the_same_host_is_skipped_not_an_error() -> None:
    asset = f"http://127.0.0.1:{free_port()}/app.js"
    with serve_asgi(_page_with_asset(asset)) as url:
        verdict = judge(FRONTEND, {"base_url": url, "frontend_url": url + "/", "timeout_s": 1})
    assert verdict.status is Status.UNVERIFIED, verdict.evidence
    assert asset in verdict.evidence and "`hosts`" in verdict.evidence


def test_an_asset_on_a_listed_host_is_fetched_and_a_closed_port_is_an_error() -> None:
    asset = f"http://127.0.0.1:{free_port()}/app.js"
    with serve_asgi(_page_with_asset(asset)) as url:
        settings = {"base_url": url, "frontend_url": url + "/", "hosts": ["127.0.0.1"]}
        verdict = judge(FRONTEND, {**settings, "timeout_s": 1})
    assert verdict.status is Status.ERROR, verdict.evidence
    assert verdict.evidence == (
        f"could not probe: GET {asset}: connection refused (ConnectError); check `hosts[0]`"
    )
