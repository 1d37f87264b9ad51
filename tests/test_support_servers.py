"""The shared loopback server helpers work (they underpin every probe test)."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from tests.support.servers import make_tls_files, serve_asgi


def _app() -> Starlette:
    return Starlette(routes=[Route("/", lambda request: PlainTextResponse("ok"))])


def test_serve_asgi_over_tls_is_trusted_with_the_test_ca(tmp_path: Path) -> None:
    tls = make_tls_files(tmp_path)
    with (
        serve_asgi(_app(), tls=tls) as url,
        httpx.Client(verify=ssl.create_default_context(cafile=str(tls.ca_pem))) as client,
    ):
        assert client.get(url).text == "ok"
