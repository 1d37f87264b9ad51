"""The pages app on loopback, and the browser the tests need."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.binaries import require_binary
from tests.support.pages import pages_app
from tests.support.servers import serve_asgi


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """The pages app (API on the same origin): http://127.0.0.1:PORT."""
    require_binary("chromium", "chromium")
    with serve_asgi(pages_app()) as url:
        yield url
